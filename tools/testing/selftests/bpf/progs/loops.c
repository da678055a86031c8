// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded loops the verifier runs through: a sum, a nested loop and a
 * loop with an early exit on packet data.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int loops(struct __sk_buff *skb)
{
	__u32 sum = 0, i, j;
	__u8 byte;

	for (i = 1; i <= 20; i++)
		sum += i;			/* 210 */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 3; j++)
			sum += i * j;		/* + 18 */
	for (i = 0; i < 32; i++) {
		if (bpf_skb_load_bytes(skb, i, &byte, 1))
			break;
		if (byte == 0xee)
			break;
	}
	return sum + i;				/* + the offset of 0xee */
}

char LICENSE[] SEC("license") = "GPL";
