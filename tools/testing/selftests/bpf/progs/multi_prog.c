// SPDX-License-Identifier: GPL-2.0
/*
 * Three programs in one object sharing a map and a global: one counts,
 * one doubles the count, one reports it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} shared SEC(".maps");

__u32 calls;

SEC("socket")
int mp_count(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&shared, &key);

	calls++;
	if (v)
		*v += 1;
	return 0;
}

SEC("socket")
int mp_double(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&shared, &key);

	calls++;
	if (v)
		*v *= 2;
	return 0;
}

SEC("socket")
int mp_report(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&shared, &key);

	calls++;
	return v ? *v : -1;
}

char LICENSE[] SEC("license") = "GPL";
