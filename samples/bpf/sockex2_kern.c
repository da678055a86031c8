// SPDX-License-Identifier: GPL-2.0
/*
 * sockex2's program, in restricted C: a flow dissector. On a packet
 * socket it parses each packet it receives, Ethernet, up to two VLAN
 * tags, IPv4 or IPv6, the TCP or UDP ports, and counts packets and
 * bytes per flow in a hash map. The parsers are functions of their own
 * (bpf-to-bpf calls) that fill the caller's flow on its stack.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow {
	__u32 src[4], dst[4];	/* IPv4 addresses in [0] */
	__u16 sport, dport;
	__u8 proto, ipv6;
	__u16 pad;
};

struct flow_stats {
	__u64 packets, bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow);
	__type(value, struct flow_stats);
} flows SEC(".maps");

/* The ports of TCP and UDP, at @off; no ports for other protocols. */
static __noinline int parse_ports(struct __sk_buff *skb, __u32 off,
				  struct flow *f)
{
	__u16 ports[2];

	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, off, ports, sizeof(ports)))
		return -1;
	f->sport = bpf_ntohs(ports[0]);
	f->dport = bpf_ntohs(ports[1]);
	return 0;
}

static __noinline int parse_ipv4(struct __sk_buff *skb, __u32 off,
				 struct flow *f)
{
	struct iphdr ip;

	if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)))
		return -1;
	f->proto = ip.protocol;
	f->src[0] = ip.saddr;
	f->dst[0] = ip.daddr;
	/* a fragment past the first has no ports */
	if (ip.frag_off & bpf_htons(0x1fff))
		return 0;
	return parse_ports(skb, off + ip.ihl * 4, f);
}

static __noinline int parse_ipv6(struct __sk_buff *skb, __u32 off,
				 struct flow *f)
{
	struct ipv6hdr ip6;

	if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)))
		return -1;
	f->ipv6 = 1;
	f->proto = ip6.nexthdr;
	__builtin_memcpy(f->src, &ip6.saddr, sizeof(f->src));
	__builtin_memcpy(f->dst, &ip6.daddr, sizeof(f->dst));
	return parse_ports(skb, off + sizeof(ip6), f);
}

SEC("socket")
int dissect(struct __sk_buff *skb)
{
	struct flow_stats *stats, first = { 1, skb->len };
	struct flow f = {};
	__u32 off = ETH_HLEN;
	__u16 proto;
	int i, err;

	/* lo shows a packet twice, leaving and arriving: count arrivals */
	if (skb->pkt_type == PACKET_OUTGOING)
		return 0;
	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto,
			       sizeof(proto)))
		return 0;
	for (i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if (bpf_skb_load_bytes(skb, off + 2, &proto, sizeof(proto)))
			return 0;
		off += 4;
	}
	if (proto == bpf_htons(ETH_P_IP))
		err = parse_ipv4(skb, off, &f);
	else if (proto == bpf_htons(ETH_P_IPV6))
		err = parse_ipv6(skb, off, &f);
	else
		return 0;
	if (err)
		return 0;
	stats = bpf_map_lookup_elem(&flows, &f);
	if (!stats) {
		bpf_map_update_elem(&flows, &f, &first, BPF_NOEXIST);
		return 0;
	}
	__sync_fetch_and_add(&stats->packets, 1);
	__sync_fetch_and_add(&stats->bytes, skb->len);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
