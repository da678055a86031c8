// SPDX-License-Identifier: GPL-2.0
/*
 * A search for a .rodata string in the packet from its transport
 * header on: nested bounded loops over bytes copied to the stack.
 * Returns the offset of the first match, or 255.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const char needle[] = "EBPF";

SEC("socket")
int substring(struct __sk_buff *skb)
{
	char hay[24];
	int i, j;

	if (bpf_skb_load_bytes(skb, 20, hay, sizeof(hay)))
		return 254;
	for (i = 0; i <= (int)sizeof(hay) - 4; i++) {
		for (j = 0; j < 4; j++)
			if (hay[i + j] != needle[j])
				break;
		if (j == 4)
			return i;
	}
	return 255;
}

char LICENSE[] SEC("license") = "GPL";
