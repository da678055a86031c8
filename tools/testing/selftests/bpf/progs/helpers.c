// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers every socket filter has, each checked for what it must
 * return: each bit of the result is one helper that behaved. What they
 * returned goes to user space in "seen".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__u64 time, boot;
	__u32 cpu, node, random_draws;
} seen;

SEC("socket")
int helpers(struct __sk_buff *skb)
{
	__u64 t1, t2, b1, b2;
	__u32 r1, r2, ok = 0;
	int i;

	t1 = bpf_ktime_get_ns();
	b1 = bpf_ktime_get_boot_ns();
	t2 = bpf_ktime_get_ns();
	b2 = bpf_ktime_get_boot_ns();
	if (t1 && t2 >= t1)
		ok |= 1;
	if (b1 && b2 >= b1 && b1 >= t1)
		ok |= 2;
	seen.time = t1;
	seen.boot = b1;
	/* 8 draws all equal to the first would be a broken generator */
	r1 = bpf_get_prandom_u32();
	for (i = 0; i < 8; i++) {
		r2 = bpf_get_prandom_u32();
		if (r2 != r1)
			ok |= 4;
		seen.random_draws++;
	}
	seen.cpu = bpf_get_smp_processor_id();
	seen.node = bpf_get_numa_node_id();
	return ok;
}

char LICENSE[] SEC("license") = "GPL";
