// SPDX-License-Identifier: GPL-2.0
/* The monotonic clock, sampled once a run: later runs see later times. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 stamps[4];
__u32 next;

SEC("socket")
int ktime_order(struct __sk_buff *skb)
{
	__u64 now = bpf_ktime_get_ns();

	stamps[next & 3] = now;
	next++;
	return now != 0;
}

char LICENSE[] SEC("license") = "GPL";
