// SPDX-License-Identifier: GPL-2.0
/*
 * Division and modulo, 64- and 32-bit, by constants and by values from
 * the packet, zero included: in BPF, x / 0 is 0 and x % 0 is x.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__u64 q64, r64, q64_zero, r64_zero;
	__u32 q32, r32, q32_zero, r32_zero;
	__u64 by_const;
} out;

SEC("socket")
int div_mod(struct __sk_buff *skb)
{
	__u64 n = 1000000007ull * 3, d = 0;
	__u32 n32 = 4000000000u, d32 = 0;
	__u8 byte = 0;

	/* the TTL, 64, and the TOS, 0 */
	bpf_skb_load_bytes(skb, 8, &byte, 1);
	d = byte;
	d32 = byte + 3;
	out.q64 = n / d;
	out.r64 = n % d;
	out.q32 = n32 / d32;
	out.r32 = n32 % d32;
	bpf_skb_load_bytes(skb, 1, &byte, 1);
	d = byte;
	d32 = byte;
	out.q64_zero = n / d;
	out.r64_zero = n % d;
	out.q32_zero = n32 / d32;
	out.r32_zero = n32 % d32;
	out.by_const = n / 7 + n % 10;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
