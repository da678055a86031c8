// SPDX-License-Identifier: GPL-2.0
/*
 * A hash map: insert, look up, count, delete. Returns the number of
 * keys found after deleting the odd ones.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 a;
	__u16 b;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct pair);
	__type(value, __u64);
} pairs SEC(".maps");

SEC("socket")
int hash_map(struct __sk_buff *skb)
{
	struct pair k = {};
	__u64 v, *p;
	int i, found = 0;

	for (i = 0; i < 10; i++) {
		k.a = i;
		k.b = i * 3;
		v = 100 + i;
		bpf_map_update_elem(&pairs, &k, &v, BPF_NOEXIST);
	}
	for (i = 1; i < 10; i += 2) {
		k.a = i;
		k.b = i * 3;
		bpf_map_delete_elem(&pairs, &k);
	}
	for (i = 0; i < 10; i++) {
		k.a = i;
		k.b = i * 3;
		p = bpf_map_lookup_elem(&pairs, &k);
		if (p && *p == 100 + i)
			found++;
	}
	return found;
}

char LICENSE[] SEC("license") = "GPL";
