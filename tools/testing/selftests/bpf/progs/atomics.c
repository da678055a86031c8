// SPDX-License-Identifier: GPL-2.0
/*
 * Atomic adds to map values and to global data, as counters do
 * (__sync_fetch_and_add with the result unused: BPF_XADD).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counters {
	__u64 packets;
	__u64 bytes;
	__u32 small;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct counters);
} by_proto SEC(".maps");

__u64 total_packets;

SEC("socket")
int atomics(struct __sk_buff *skb)
{
	struct counters *c;
	__u32 proto = 0;

	bpf_skb_load_bytes(skb, 9, &proto, 1);
	c = bpf_map_lookup_elem(&by_proto, &proto);
	if (!c)
		return 0;
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, skb->len);
	__sync_fetch_and_add(&c->small, 2);
	__sync_fetch_and_add(&total_packets, 1);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
