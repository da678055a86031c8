// SPDX-License-Identifier: GPL-2.0
/*
 * A helper's error as the program sees it: the whole 64-bit negative
 * errno. Upstream 6.1 returns map errors truncated to 32 bits to
 * JIT-compiled programs (fixed in 6.5); the results say which.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} one SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} small_hash SEC(".maps");

struct {
	__s64 exist, e2big, noent, full;
} err;

SEC("socket")
int helper_errno(struct __sk_buff *skb)
{
	__u32 k = 0, v = 1;

	err.exist = bpf_map_update_elem(&one, &k, &v, BPF_NOEXIST);
	k = 5;
	err.e2big = bpf_map_update_elem(&one, &k, &v, BPF_ANY);
	err.noent = bpf_map_delete_elem(&small_hash, &k);
	bpf_map_update_elem(&small_hash, &k, &v, BPF_ANY);
	k = 6;
	err.full = bpf_map_update_elem(&small_hash, &k, &v, BPF_ANY);
	return err.exist < 0 && err.exist >> 32 == -1;
}

char LICENSE[] SEC("license") = "GPL";
