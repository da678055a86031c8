// SPDX-License-Identifier: GPL-2.0
/*
 * Bit-fields and unions: the IPv4 header's first byte through a
 * bit-field struct and a union with a byte, into a global.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

union first_byte {
	__u8 byte;
	struct {
		__u8 ihl:4;
		__u8 version:4;
	} bits;
};

struct {
	__u32 version, ihl;
	__u32 packed;
} decoded;

SEC("socket")
int bitfields(struct __sk_buff *skb)
{
	union first_byte fb = {};
	struct {
		__u32 a:3, b:7, c:22;
	} p = {};

	if (bpf_skb_load_bytes(skb, 0, &fb.byte, 1))
		return 0;
	decoded.version = fb.bits.version;
	decoded.ihl = fb.bits.ihl;
	p.a = fb.bits.ihl;
	p.b = fb.bits.version * 10;
	p.c = 0x2abcde;
	__builtin_memcpy(&decoded.packed, &p, sizeof(p));
	return p.a + p.b;
}

char LICENSE[] SEC("license") = "GPL";
