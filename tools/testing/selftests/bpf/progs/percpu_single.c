// SPDX-License-Identifier: GPL-2.0
/*
 * A per-CPU counter with the CPU that counted: one lookup, the value
 * of the running CPU, user space adds up all CPUs' values.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct per_cpu {
	__u64 runs;
	__u32 cpu;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct per_cpu);
} counter SEC(".maps");

SEC("socket")
int percpu_single(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct per_cpu *c = bpf_map_lookup_elem(&counter, &key);

	if (!c)
		return 0;
	c->runs++;
	c->cpu = bpf_get_smp_processor_id();
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
