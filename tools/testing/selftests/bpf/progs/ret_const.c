// SPDX-License-Identifier: GPL-2.0
/* The smallest program: a constant. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int ret_const(struct __sk_buff *skb)
{
	return 42;
}

char LICENSE[] SEC("license") = "GPL";
