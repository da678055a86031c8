// SPDX-License-Identifier: GPL-2.0
/*
 * A ladder of comparisons on the IPv4 header, signed and unsigned, as
 * filters are written: each rung adds its bit.
 */
#include <linux/bpf.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int if_ladder(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u32 bits = 0;
	__s16 id;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return -1;
	if (ip.version == 4)
		bits |= 1;
	if (ip.ihl >= 5 && ip.ihl <= 15)
		bits |= 2;
	if (bpf_ntohs(ip.tot_len) > 40)
		bits |= 4;
	if (ip.ttl < 128)
		bits |= 8;
	if (ip.protocol != 6)
		bits |= 16;
	id = (__s16)bpf_ntohs(ip.id);
	if (id >= 0)
		bits |= 32;
	if ((bpf_ntohl(ip.daddr) >> 24) == 127)
		bits |= 64;
	if (ip.saddr == ip.daddr)
		bits |= 128;
	return bits;
}

char LICENSE[] SEC("license") = "GPL";
