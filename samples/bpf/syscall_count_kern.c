// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_count's program, in restricted C: on every raw_syscalls:
 * sys_enter hit it counts the getpgid(2) calls of one process and sums
 * their first argument. The process is a global (.data) the loader
 * sets before loading.
 */
#include <linux/bpf.h>
#include <asm/unistd.h>
#include <bpf/bpf_helpers.h>

/* raw_syscalls:sys_enter's record, after its 8 bytes of common fields */
struct sys_enter {
	__u64 common;
	long id;
	unsigned long args[6];
};

/* not 0: in .data, which the loader sets, not in .bss */
__u32 target_tgid = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} getpgid_calls SEC(".maps");	/* [0]: calls, [1]: sum of arguments */

static void add(__u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&getpgid_calls, &key);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_getpgid(struct sys_enter *ctx)
{
	if (ctx->id != __NR_getpgid ||
	    bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	add(0, 1);
	add(1, ctx->args[0]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
