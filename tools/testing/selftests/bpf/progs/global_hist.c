// SPDX-License-Identifier: GPL-2.0
/*
 * A histogram in .bss: a global array indexed by packet bytes (masked
 * into range), counting the low nibbles of the first 32 bytes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 hist[16];

SEC("socket")
int global_hist(struct __sk_buff *skb)
{
	__u8 bytes[32];
	int i;

	if (bpf_skb_load_bytes(skb, 0, bytes, sizeof(bytes)))
		return 0;
	for (i = 0; i < 32; i++)
		hist[bytes[i] & 15]++;
	return 32;
}

char LICENSE[] SEC("license") = "GPL";
