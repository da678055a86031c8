// SPDX-License-Identifier: GPL-2.0
/*
 * sockex1's program, in restricted C: attached to a packet socket, it
 * adds the length of every IPv4 packet the socket receives to the
 * counter of the packet's IP protocol.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <stddef.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_proto SEC(".maps");

/* BPF_LD_ABS: a byte of the packet, from its link-layer header */
unsigned long long load_byte(void *skb, unsigned long long off)
	asm("llvm.bpf.load.byte");

SEC("socket")
int count_bytes(struct __sk_buff *skb)
{
	__u32 proto;
	__u64 *bytes;

	/* lo shows a packet twice, leaving and arriving: count arrivals */
	if (skb->pkt_type == PACKET_OUTGOING ||
	    skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	bytes = bpf_map_lookup_elem(&bytes_by_proto, &proto);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
