// SPDX-License-Identifier: GPL-2.0
/*
 * An array lookup with an index from the packet, which may be past the
 * end: the lookup returns NULL and the program must cope.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 100);
	__type(key, __u32);
	__type(value, __u32);
} table SEC(".maps");

SEC("socket")
int array_oob(struct __sk_buff *skb)
{
	__u32 index = 0, *v;

	/* the TOS byte */
	bpf_skb_load_bytes(skb, 1, &index, 1);
	v = bpf_map_lookup_elem(&table, &index);
	if (!v)
		return 0xdead;
	*v += index;
	return *v;
}

char LICENSE[] SEC("license") = "GPL";
