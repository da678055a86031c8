// SPDX-License-Identifier: GPL-2.0
/*
 * __builtin_memcpy of whole structs between the stack and a map value,
 * both ways, and a field changed in between.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct blob {
	__u64 words[6];
	__u8 bytes[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct blob);
} blobs SEC(".maps");

SEC("socket")
int memcpy_value(struct __sk_buff *skb)
{
	struct blob tmp;
	struct blob *src, *dst;
	__u32 k0 = 0, k1 = 1;

	src = bpf_map_lookup_elem(&blobs, &k0);
	dst = bpf_map_lookup_elem(&blobs, &k1);
	if (!src || !dst)
		return 0;
	__builtin_memcpy(&tmp, src, sizeof(tmp));
	tmp.words[5] += 1000;
	tmp.bytes[15] = 0x5a;
	__builtin_memcpy(dst, &tmp, sizeof(tmp));
	return tmp.words[0];
}

char LICENSE[] SEC("license") = "GPL";
