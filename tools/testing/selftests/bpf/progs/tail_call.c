// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls through a program array that user space fills: the entry
 * program jumps to the slot the second byte of the packet's network
 * header names; after an empty slot the program goes on.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} jump_table SEC(".maps");

SEC("socket")
int tail_call_entry(struct __sk_buff *skb)
{
	__u8 slot = 0;

	bpf_skb_load_bytes(skb, 1, &slot, 1);
	bpf_tail_call(skb, &jump_table, slot);
	return 100;
}

SEC("socket")
int tail_call_one(struct __sk_buff *skb)
{
	return 1;
}

SEC("socket")
int tail_call_two(struct __sk_buff *skb)
{
	/* and on again: slot 1 */
	bpf_tail_call(skb, &jump_table, 1);
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
