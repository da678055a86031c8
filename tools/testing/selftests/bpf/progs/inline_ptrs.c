// SPDX-License-Identifier: GPL-2.0
/*
 * Inline functions that take and return pointers into a map value and
 * the stack, as helpers of a larger program do.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct slot {
	__u32 hits;
	__u32 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

static __always_inline struct slot *pick(__u32 *key)
{
	return bpf_map_lookup_elem(&slots, key);
}

static __always_inline __u32 *field(struct slot *s, int which)
{
	return which ? &s->last : &s->hits;
}

static __always_inline void bump(__u32 *p, __u32 by)
{
	*p += by;
}

SEC("socket")
int inline_ptrs(struct __sk_buff *skb)
{
	__u32 key = skb->len & 3;
	struct slot *s = pick(&key);

	if (!s)
		return 0;
	bump(field(s, 0), 1);
	*field(s, 1) = skb->len;
	return key;
}

char LICENSE[] SEC("license") = "GPL";
