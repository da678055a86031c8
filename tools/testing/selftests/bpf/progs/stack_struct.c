// SPDX-License-Identifier: GPL-2.0
/*
 * Structs on the stack, filled field by field, copied with
 * __builtin_memcpy, cleared with __builtin_memset, and passed to a map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct record {
	__u8 kind;
	__u16 port;
	__u32 addr;
	__u64 bytes;
	char tag[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct record);
} records SEC(".maps");

SEC("socket")
int stack_struct(struct __sk_buff *skb)
{
	struct record a, b;
	__u32 key = 1;

	__builtin_memset(&a, 0, sizeof(a));
	a.kind = 3;
	a.port = 8080;
	a.addr = 0x7f000001;
	a.bytes = skb->len;
	__builtin_memcpy(a.tag, "abcde", 6);
	__builtin_memcpy(&b, &a, sizeof(b));
	b.port += 1;
	bpf_map_update_elem(&records, &key, &b, BPF_ANY);
	return b.port + a.kind;
}

char LICENSE[] SEC("license") = "GPL";
