// SPDX-License-Identifier: GPL-2.0
/*
 * A loop bounded by the packet's length (and a constant): a ones'
 * complement sum of the packet in 16-bit words, folded, as the IP
 * checksum is computed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sum_packet(struct __sk_buff *skb)
{
	__u32 sum = 0, len = skb->len;
	__u16 word;
	int i;

	for (i = 0; i < 64 && i + 1 < len; i += 2) {
		if (bpf_skb_load_bytes(skb, i, &word, 2))
			break;
		sum += word;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

char LICENSE[] SEC("license") = "GPL";
