// SPDX-License-Identifier: GPL-2.0
/*
 * Byte order and bit operations on packet data: the destination
 * address and ports turned to host order, rotated, folded and masked;
 * every step's result is kept for user space to check.
 */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__u32 daddr;
	__u16 sport, dport;
	__u32 rot;
	__u64 swapped;
	__u32 folded;
	__u32 popcount;
} out;

SEC("socket")
int bitops(struct __sk_buff *skb)
{
	__u32 daddr = 0, ports = 0, x;
	__u64 wide;
	int i;

	bpf_skb_load_bytes(skb, 16, &daddr, 4);
	bpf_skb_load_bytes(skb, 20, &ports, 4);
	out.daddr = bpf_ntohl(daddr);
	out.sport = bpf_ntohs(ports & 0xffff);
	out.dport = bpf_ntohs(ports >> 16);
	out.rot = out.daddr << 13 | out.daddr >> 19;
	wide = (__u64)out.daddr << 32 | out.rot;
	out.swapped = __builtin_bswap64(wide);
	out.folded = (__u32)(wide ^ wide >> 32) & 0xfff0fff0;
	x = out.daddr;
	out.popcount = 0;
	for (i = 0; i < 32; i++)
		out.popcount += (x >> i) & 1;
	return out.dport;
}

char LICENSE[] SEC("license") = "GPL";
