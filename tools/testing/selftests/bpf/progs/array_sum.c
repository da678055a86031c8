// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups in a loop: the sum of an array user space filled, and the
 * index of its largest value.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} values SEC(".maps");

__u32 argmax;

SEC("socket")
int array_sum(struct __sk_buff *skb)
{
	__u32 i, sum = 0, best = 0;

	for (i = 0; i < 16; i++) {
		__u32 key = i, *v = bpf_map_lookup_elem(&values, &key);

		if (!v)
			break;
		sum += *v;
		if (*v > best) {
			best = *v;
			argmax = i;
		}
	}
	return sum;
}

char LICENSE[] SEC("license") = "GPL";
