// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every program type may call, with their prototypes.
 *
 * A helper is an ordinary kernel function taking five u64 arguments; the
 * verifier checks each call against the prototype (argument kinds, the
 * return kind) and then turns the helper id into a call relative to
 * __bpf_call_base. Programs run under rcu_read_lock(), which is what the
 * map operations need.
 */
#include <linux/cred.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>
#include <linux/uidgid.h>

#include "ebpf.h"

/* ---- maps ---------------------------------------------------------- */

static u64 ebpf_map_lookup_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	struct bpf_map *m = (struct bpf_map *)(unsigned long)map;

	return (unsigned long)m->ops->map_lookup_elem(m, (void *)(long)key);
}

static u64 ebpf_map_update_elem(u64 map, u64 key, u64 value, u64 flags,
				u64 r5)
{
	struct bpf_map *m = (struct bpf_map *)(unsigned long)map;

	return m->ops->map_update_elem(m, (void *)(long)key,
				       (void *)(long)value, flags);
}

static u64 ebpf_map_delete_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	struct bpf_map *m = (struct bpf_map *)(unsigned long)map;

	/* Arrays have no delete: their elements always exist. */
	if (!m->ops->map_delete_elem)
		return -EINVAL;
	return m->ops->map_delete_elem(m, (void *)(long)key);
}

const struct bpf_func_proto ebpf_map_lookup_elem_proto = {
	.func = ebpf_map_lookup_elem,
	.ret_type = RET_PTR_TO_MAP_VALUE_OR_NULL,
	.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY },
};

const struct bpf_func_proto ebpf_map_update_elem_proto = {
	.func = ebpf_map_update_elem,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY,
		      ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING },
};

const struct bpf_func_proto ebpf_map_delete_elem_proto = {
	.func = ebpf_map_delete_elem,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY },
};

/*
 * The verifier rewrites this call into BPF_JMP | BPF_TAIL_CALL, which
 * the runtime carries out; the prototype only states the arguments.
 */
const struct bpf_func_proto ebpf_tail_call_proto = {
	.ret_type = RET_VOID,
	.arg_type = { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING },
};

/* ---- time, randomness and where the program runs ------------------- */

static u64 ebpf_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	/* Safe from any context, NMI included. */
	return ktime_get_mono_fast_ns();
}

static u64 ebpf_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_boot_fast_ns();
}

static u64 ebpf_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return raw_smp_processor_id();
}

static u64 ebpf_get_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return numa_node_id();
}

const struct bpf_func_proto ebpf_ktime_get_ns_proto = {
	.func = ebpf_ktime_get_ns,
	.ret_type = RET_INTEGER,
};

const struct bpf_func_proto ebpf_ktime_get_boot_ns_proto = {
	.func = ebpf_ktime_get_boot_ns,
	.ret_type = RET_INTEGER,
};

/* The runtime's per-CPU generator, seeded once by the loader. */
const struct bpf_func_proto ebpf_get_prandom_u32_proto = {
	.func = bpf_user_rnd_u32,
	.ret_type = RET_INTEGER,
};

const struct bpf_func_proto ebpf_get_smp_processor_id_proto = {
	.func = ebpf_get_smp_processor_id,
	.ret_type = RET_INTEGER,
};

const struct bpf_func_proto ebpf_get_numa_node_id_proto = {
	.func = ebpf_get_numa_node_id,
	.ret_type = RET_INTEGER,
};

/* ---- the current task, for tracing programs ------------------------ */

static u64 ebpf_get_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	/* In interrupts this is the interrupted task, as upstream. */
	return (u64)task_tgid_nr(current) << 32 | task_pid_nr(current);
}

static u64 ebpf_get_current_uid_gid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kuid_t uid;
	kgid_t gid;

	current_uid_gid(&uid, &gid);
	return (u64)from_kgid(&init_user_ns, gid) << 32 |
	       from_kuid(&init_user_ns, uid);
}

/* The task as a number, for tracing tools to tell tasks apart. */
static u64 ebpf_get_current_task(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)current;
}

static u64 ebpf_get_current_comm(u64 buf, u64 size, u64 r3, u64 r4, u64 r5)
{
	/* strscpy_pad() fills the rest with zeroes, so nothing leaks. */
	strscpy_pad((char *)(long)buf, current->comm, size);
	return 0;
}

const struct bpf_func_proto ebpf_get_current_pid_tgid_proto = {
	.func = ebpf_get_current_pid_tgid,
	.ret_type = RET_INTEGER,
};

const struct bpf_func_proto ebpf_get_current_uid_gid_proto = {
	.func = ebpf_get_current_uid_gid,
	.ret_type = RET_INTEGER,
};

/* A kernel address: GPL-only, as upstream. */
const struct bpf_func_proto ebpf_get_current_task_proto = {
	.func = ebpf_get_current_task,
	.gpl_only = true,
	.ret_type = RET_INTEGER,
};

const struct bpf_func_proto ebpf_get_current_comm_proto = {
	.func = ebpf_get_current_comm,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE },
};
