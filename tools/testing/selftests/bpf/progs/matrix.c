// SPDX-License-Identifier: GPL-2.0
/*
 * Two-dimensional arrays on the stack: a 4x4 matrix from packet bytes,
 * squared, its trace returned and the product kept in a global.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 product[4][4];

SEC("socket")
int matrix(struct __sk_buff *skb)
{
	__u8 bytes[16];
	__u32 m[4][4], trace = 0;
	int i, j, k;

	if (bpf_skb_load_bytes(skb, 0, bytes, sizeof(bytes)))
		return 0;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			m[i][j] = bytes[i * 4 + j] & 7;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			__u32 s = 0;

			for (k = 0; k < 4; k++)
				s += m[i][k] * m[k][j];
			product[i][j] = s;
		}
	for (i = 0; i < 4; i++)
		trace += product[i][i];
	return trace;
}

char LICENSE[] SEC("license") = "GPL";
