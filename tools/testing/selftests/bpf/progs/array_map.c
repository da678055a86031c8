// SPDX-License-Identifier: GPL-2.0
/* An array map from SEC(".maps"): the program squares its indexes in. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} squares SEC(".maps");

SEC("socket")
int array_map(struct __sk_buff *skb)
{
	__u32 i, found = 0;

	for (i = 0; i < 10; i++) {
		/* a copy: with its address taken, i would live on the stack */
		__u32 key = i;
		__u64 v = (__u64)i * i;

		/* 8 and 9 are past the end: the update fails */
		if (bpf_map_update_elem(&squares, &key, &v, BPF_ANY) == 0)
			found++;
	}
	return found;
}

char LICENSE[] SEC("license") = "GPL";
