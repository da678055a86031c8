// SPDX-License-Identifier: GPL-2.0
/*
 * The control block and the fields a test run takes from ctx_in (mark,
 * priority): read, combined, and the control block written back.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int cb_ctx(struct __sk_buff *skb)
{
	__u32 sum = 0;
	int i;

	for (i = 0; i < 5; i++)
		sum += skb->cb[i] * (i + 1);
	skb->cb[0] = sum;
	skb->cb[4] = skb->mark ^ skb->priority;
	return sum & 0xffff;
}

char LICENSE[] SEC("license") = "GPL";
