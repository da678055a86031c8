// SPDX-License-Identifier: GPL-2.0
/*
 * Most of the 512-byte stack: a buffer filled from the packet in
 * chunks and folded into a checksum.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int large_stack(struct __sk_buff *skb)
{
	__u8 buf[448];
	__u32 sum = 0, i;

	__builtin_memset(buf, 0, sizeof(buf));
	if (bpf_skb_load_bytes(skb, 0, buf, 48))
		return 0;
	__builtin_memcpy(buf + 400, buf, 48);
	for (i = 0; i < sizeof(buf); i += 4)
		sum += buf[i] + buf[i + 1] * 3 + buf[i + 2] * 5 + buf[i + 3] * 7;
	return sum;
}

char LICENSE[] SEC("license") = "GPL";
