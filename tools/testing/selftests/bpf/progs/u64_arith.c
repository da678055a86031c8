// SPDX-License-Identifier: GPL-2.0
/*
 * 64-bit arithmetic on values from the packet: wrapping multiply and
 * add, arithmetic and logical shifts of negative numbers, signed and
 * unsigned comparisons of the same bits.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__u64 product, wrapped;
	__s64 arsh, neg;
	__u64 lsh;
	__u32 signed_less, unsigned_less;
} out;

SEC("socket")
int u64_arith(struct __sk_buff *skb)
{
	__u64 a = 0, b;
	__s64 s;

	if (bpf_skb_load_bytes(skb, 12, &a, 8))
		return 0;
	b = a * 0x9e3779b97f4a7c15ull;
	out.product = b;
	out.wrapped = b + 0xffffffffffffff00ull;
	s = -(__s64)(a >> 1);
	out.neg = s;
	out.arsh = s >> 7;
	out.lsh = (__u64)s >> 7;
	out.signed_less = s < 1;
	out.unsigned_less = (__u64)s < 1;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
