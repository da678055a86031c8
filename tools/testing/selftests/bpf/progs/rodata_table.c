// SPDX-License-Identifier: GPL-2.0
/*
 * A constant table in .rodata indexed by packet bytes: a variable
 * offset into a map value, which the program bounds first.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const __u16 weights[32] = {
	3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
	2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5,
};

SEC("socket")
int rodata_table(struct __sk_buff *skb)
{
	__u32 sum = 0, i;
	__u8 b = 0;

	for (i = 0; i < 20; i++) {
		if (bpf_skb_load_bytes(skb, i, &b, 1))
			return 0;
		sum += weights[b & 31];	/* the verifier tracks masks, not % */
	}
	return sum;
}

char LICENSE[] SEC("license") = "GPL";
