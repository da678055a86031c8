// SPDX-License-Identifier: GPL-2.0
/*
 * Map flags from SEC(".maps"): a hash map without preallocation, an
 * array read-only to programs (user space fills it) and one write-only
 * to them (user space reads it).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u32);
} lazy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, __u32);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_WRONLY_PROG);
	__type(key, __u32);
	__type(value, __u32);
} result SEC(".maps");

SEC("socket")
int map_flags(struct __sk_buff *skb)
{
	__u32 key = 0, *cfg, *res, v;

	cfg = bpf_map_lookup_elem(&config, &key);
	res = bpf_map_lookup_elem(&result, &key);
	if (!cfg || !res)
		return 0;
	v = *cfg * 2;
	*res = v + 1;
	bpf_map_update_elem(&lazy, &v, &key, BPF_ANY);
	return v;
}

char LICENSE[] SEC("license") = "GPL";
