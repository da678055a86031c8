// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration in .rodata, libbpf's way of switching code off: the
 * branch calls a helper socket filters do not have, which the verifier
 * would refuse, but the frozen, read-only value makes it dead code
 * that is never checked. (Not const: the compilers would fold it.)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 want_pid SEC(".rodata.cfg") = 0;

SEC("socket")
int config_dead_code(struct __sk_buff *skb)
{
	if (want_pid)
		return bpf_get_current_pid_tgid() >> 32;
	return 5;
}

char LICENSE[] SEC("license") = "GPL";
