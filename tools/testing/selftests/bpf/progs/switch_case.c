// SPDX-License-Identifier: GPL-2.0
/*
 * A switch on the IP protocol, which the compilers lower to branches
 * (BPF has no jump tables), and the ternaries of a small classifier.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

static __always_inline int classify(__u8 proto)
{
	switch (proto) {
	case IPPROTO_ICMP:
		return 10;
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
		return 30;
	case IPPROTO_GRE:
		return 40;
	case IPPROTO_SCTP:
		return 50;
	default:
		return 60;
	}
}

SEC("socket")
int switch_case(struct __sk_buff *skb)
{
	__u8 proto = 0, ttl = 0;

	bpf_skb_load_bytes(skb, 9, &proto, 1);
	bpf_skb_load_bytes(skb, 8, &ttl, 1);
	return classify(proto) + (ttl > 32 ? 1 : 0) + (ttl & 1 ? 2 : 0);
}

char LICENSE[] SEC("license") = "GPL";
