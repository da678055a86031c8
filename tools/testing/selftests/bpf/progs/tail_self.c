// SPDX-License-Identifier: GPL-2.0
/*
 * A program that tail-calls itself until the runtime stops it: 33 tail
 * calls at most, as upstream 6.1 (MAX_TAIL_CALL_CNT), so it runs 34
 * times, counted in .bss.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} self SEC(".maps");

__u32 runs;

SEC("socket")
int tail_self(struct __sk_buff *skb)
{
	runs++;
	bpf_tail_call(skb, &self, 0);
	return runs;
}

char LICENSE[] SEC("license") = "GPL";
