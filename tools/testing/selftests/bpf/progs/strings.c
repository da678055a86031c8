// SPDX-License-Identifier: GPL-2.0
/*
 * A string in .rodata, walked byte by byte in a bounded loop, and a
 * string built on the stack and copied into a global buffer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const char greeting[] = "hello, eBPF";
char copy[16];

SEC("socket")
int strings(struct __sk_buff *skb)
{
	char local[16] = "stack string";
	__u32 sum = 0;
	int i;

	for (i = 0; i < sizeof(greeting) - 1; i++)
		sum += greeting[i];
	__builtin_memcpy(copy, local, sizeof(copy));
	return sum;
}

char LICENSE[] SEC("license") = "GPL";
