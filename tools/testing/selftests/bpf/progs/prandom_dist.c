// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_prandom_u32() in a loop: 64 draws into 8 buckets, which must
 * add up and not all fall into one.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 buckets[8];

SEC("socket")
int prandom_dist(struct __sk_buff *skb)
{
	int i;

	for (i = 0; i < 64; i++)
		buckets[bpf_get_prandom_u32() & 7]++;
	return 64;
}

char LICENSE[] SEC("license") = "GPL";
