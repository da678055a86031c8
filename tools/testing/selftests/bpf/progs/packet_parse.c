// SPDX-License-Identifier: GPL-2.0
/*
 * A small parser: the IPv4 header's length from its IHL, then the UDP
 * header behind it at that variable offset, into a flow key kept in a
 * hash map with a packet count.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto;
	__u8 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct flow);
	__type(value, __u64);
} flows SEC(".maps");

SEC("socket")
int packet_parse(struct __sk_buff *skb)
{
	struct flow key = {};
	struct iphdr ip;
	struct udphdr udp;
	__u64 one = 1, *count;
	__u32 hlen;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 0;
	if (ip.version != 4 || ip.protocol != IPPROTO_UDP)
		return 0;
	hlen = ip.ihl * 4;
	if (hlen < sizeof(ip))
		return 0;
	if (bpf_skb_load_bytes(skb, hlen, &udp, sizeof(udp)))
		return 0;
	key.saddr = ip.saddr;
	key.daddr = ip.daddr;
	key.sport = bpf_ntohs(udp.source);
	key.dport = bpf_ntohs(udp.dest);
	key.proto = ip.protocol;
	count = bpf_map_lookup_elem(&flows, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&flows, &key, &one, BPF_NOEXIST);
	return key.dport;
}

char LICENSE[] SEC("license") = "GPL";
