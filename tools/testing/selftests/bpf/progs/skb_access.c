// SPDX-License-Identifier: GPL-2.0
/*
 * The socket filter's view of a packet, which starts at the network
 * header: __sk_buff fields, bpf_skb_load_bytes() into a struct on the
 * stack, and writes to the control block, which a test run returns.
 */
#include <linux/bpf.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int skb_access(struct __sk_buff *skb)
{
	struct iphdr ip;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 1;
	skb->cb[0] = skb->len;
	skb->cb[1] = skb->protocol;
	skb->cb[2] = ip.ttl << 8 | ip.protocol;
	skb->cb[3] = ip.daddr;
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
