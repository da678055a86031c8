// SPDX-License-Identifier: GPL-2.0
/*
 * A string in .data, changed in place: lower case to upper case, up to
 * its end; returns its length.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char text[32] = "hello from .data";

SEC("socket")
int upper_data(struct __sk_buff *skb)
{
	int i;

	for (i = 0; i < sizeof(text); i++) {
		if (!text[i])
			break;
		if (text[i] >= 'a' && text[i] <= 'z')
			text[i] -= 'a' - 'A';
	}
	return i;
}

char LICENSE[] SEC("license") = "GPL";
