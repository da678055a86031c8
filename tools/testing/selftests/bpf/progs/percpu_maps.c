// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU maps: each run adds to the copy of the CPU it runs on; user
 * space sums the copies of every CPU.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_hash SEC(".maps");

SEC("socket")
int percpu_maps(struct __sk_buff *skb)
{
	__u32 key = 1;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&pcpu_array, &key);
	if (!v)
		return 0;
	*v += skb->len;
	v = bpf_map_lookup_elem(&pcpu_hash, &key);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&pcpu_hash, &key, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
