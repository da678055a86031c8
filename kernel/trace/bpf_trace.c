// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint programs of the eBPF series: how they attach to trace
 * events, how they run, and the tracing helpers they call.
 *
 * Two ways attach a BPF_PROG_TYPE_TRACEPOINT program to an event:
 *
 * - perf, as upstream: perf_event_open() of a PERF_TYPE_TRACEPOINT event,
 *   then ioctl(PERF_EVENT_IOC_SET_BPF, prog_fd). kernel/events/core.c
 *   checks the event and the program and calls
 *   perf_event_attach_bpf_prog(); the perf event keeps the reference the
 *   ioctl took until the event is freed, which detaches the program. The
 *   programs of all perf events of one trace event form its
 *   call->prog_array, published with RCU and replaced whole on every
 *   change. On a hit perf's tracepoint glue builds the raw record, lends
 *   its first 8 bytes to a pt_regs pointer and calls trace_call_bpf(),
 *   which runs every program; perf records the hit only if each one
 *   returned a value with bit 0 set, as upstream.
 *
 * - the event's tracefs filter file, the seed's way: writing "bpf:ID"
 *   makes the loaded program of that id the event's filter (the filter
 *   parser calls ebpf_trace_filter_prog()). The record in the ring buffer
 *   is the same raw record, and it is committed only where the program
 *   returns non-zero. Its first 8 bytes are lent to a pt_regs pointer
 *   while the program runs, so a program sees one context either way.
 *
 * One tracing program runs at a time on a CPU. A trace event hit while
 * one runs (through a helper's own tracepoint, or an interrupt) runs
 * nothing: each program that would have run counts a recursion miss,
 * shown in its fdinfo, and the hit is dropped, as upstream does.
 */
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/filter.h>
#include <linux/nospec.h>
#include <linux/perf_event.h>
#include <linux/slab.h>
#include <linux/trace_events.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>

#include "../bpf/ebpf.h"
#include "trace.h"

#define CREATE_TRACE_POINTS
#include "bpf_trace.h"

/* As upstream: at most this many programs on one trace event. */
#define MAX_EVENT_PROGS		64

static DEFINE_PER_CPU(int, tracing_prog_active);

/* Serialises changes of the events' program arrays. */
static DEFINE_MUTEX(attach_lock);

static void count_miss(struct bpf_prog *prog)
{
	struct bpf_prog_stats *stats = this_cpu_ptr(prog->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&stats->syncp);
	u64_stats_inc(&stats->misses);
	u64_stats_update_end_irqrestore(&stats->syncp, flags);
}

/*
 * Runs the programs of @item on @ctx, unless a tracing program already
 * runs on this CPU: the AND of their return values, or 0.
 */
static u32 run_progs(const struct bpf_prog_array_item *item, void *ctx)
{
	u32 ret = 1;

	if (unlikely(__this_cpu_inc_return(tracing_prog_active) != 1)) {
		for (; item->prog; item++)
			count_miss(item->prog);
		ret = 0;
	} else {
		for (; item->prog; item++)
			ret &= bpf_prog_run(item->prog, ctx);
	}
	__this_cpu_dec(tracing_prog_active);
	return ret;
}

/* Called by perf's tracepoint glue, with preemption off. */
unsigned int trace_call_bpf(struct trace_event_call *call, void *ctx)
{
	struct bpf_prog_array *progs;
	unsigned int ret = 1;

	cant_sleep();
	rcu_read_lock();
	progs = rcu_dereference(call->prog_array);
	if (progs)
		ret = run_progs(progs->items, ctx);
	rcu_read_unlock();
	return ret;
}

/* ---- the perf attach ------------------------------------------------ */

static struct bpf_prog_array *event_progs(struct trace_event_call *call)
{
	return rcu_dereference_protected(call->prog_array,
					 lockdep_is_held(&attach_lock));
}

static u32 progs_count(const struct bpf_prog_array *progs)
{
	u32 n = 0;

	while (progs && progs->items[n].prog)
		n++;
	return n;
}

/* The programs of @event's trace event become @progs (may be NULL). */
static void event_progs_replace(struct perf_event *event,
				struct bpf_prog_array *progs)
{
	struct bpf_prog_array *old = event_progs(event->tp_event);

	rcu_assign_pointer(event->tp_event->prog_array, progs);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * PERF_EVENT_IOC_SET_BPF, once core.c has checked the event and the
 * program: one program per perf event, a program once per trace event.
 */
int perf_event_attach_bpf_prog(struct perf_event *event, struct bpf_prog *prog,
			       u64 bpf_cookie)
{
	struct bpf_prog_array *old, *progs;
	int err = 0;
	u32 n, i;

	mutex_lock(&attach_lock);
	old = event_progs(event->tp_event);
	n = progs_count(old);
	if (event->prog)
		err = -EEXIST;
	else if (n >= MAX_EVENT_PROGS)
		err = -E2BIG;
	for (i = 0; i < n && !err; i++)
		if (old->items[i].prog == prog)
			err = -EEXIST;
	if (err)
		goto out;

	progs = kzalloc(struct_size(progs, items, n + 2), GFP_KERNEL);
	if (!progs) {
		err = -ENOMEM;
		goto out;
	}
	if (n)
		memcpy(progs->items, old->items, n * sizeof(old->items[0]));
	progs->items[n].prog = prog;
	progs->items[n].bpf_cookie = bpf_cookie;
	event->prog = prog;
	event->bpf_cookie = bpf_cookie;
	event_progs_replace(event, progs);
out:
	mutex_unlock(&attach_lock);
	return err;
}

/* From the freeing of the perf event: the program goes with it. */
void perf_event_detach_bpf_prog(struct perf_event *event)
{
	struct bpf_prog_array *old, *progs = NULL;
	struct bpf_prog *prog;
	u32 n, i, j;

	mutex_lock(&attach_lock);
	prog = event->prog;
	old = event_progs(event->tp_event);
	n = progs_count(old);
	if (prog && n > 1) {
		/* Small, and a detach that fails would leave a dangling program. */
		progs = kzalloc(struct_size(progs, items, n),
				GFP_KERNEL | __GFP_NOFAIL);
		for (i = 0, j = 0; i < n; i++)
			if (old->items[i].prog != prog)
				progs->items[j++] = old->items[i];
	}
	if (prog) {
		event_progs_replace(event, progs);
		event->prog = NULL;
		/* Freed after a grace period: no run can still be using it. */
		bpf_prog_put(prog);
	}
	mutex_unlock(&attach_lock);
}

/* PERF_EVENT_IOC_QUERY_BPF: the ids of the trace event's programs. */
int perf_event_query_prog_array(struct perf_event *event, void __user *info)
{
	struct perf_event_query_bpf __user *user = info;
	u32 ids[MAX_EVENT_PROGS] = {};
	struct bpf_prog_array *progs;
	u32 want, n;
	int err;

	if (!perfmon_capable())
		return -EPERM;
	if (event->attr.type != PERF_TYPE_TRACEPOINT)
		return -EINVAL;
	/* the whole header must be readable, as upstream copies it */
	if (copy_from_user(&want, &user->ids_len, sizeof(want)) ||
	    !access_ok(user, sizeof(*user)))
		return -EFAULT;
	if (want > MAX_EVENT_PROGS)
		return -E2BIG;

	mutex_lock(&attach_lock);
	progs = event_progs(event->tp_event);
	for (n = 0; progs && progs->items[n].prog; n++)
		if (n < want)
			ids[n] = ebpf_prog_id(progs->items[n].prog);
	mutex_unlock(&attach_lock);

	err = want && n > want ? -ENOSPC : 0;
	if (put_user(n, &user->prog_cnt) ||
	    copy_to_user(user->ids, ids, want * sizeof(ids[0])))
		return -EFAULT;
	return err;
}

/* ---- the filter-file attach ----------------------------------------- */

#define FILTER_PREFIX	"bpf:"

/*
 * The program a filter string names, with a reference: NULL if @str is
 * not "bpf:ID" (an ordinary filter), else the program or an ERR_PTR.
 * The program must be a tracepoint program that reads no further than
 * the event's fields, as for the perf attach.
 */
struct bpf_prog *ebpf_trace_filter_prog(struct trace_event_call *call,
					const char *str)
{
	struct bpf_prog *prog;
	u32 id;

	str = skip_spaces(str);
	if (strncmp(str, FILTER_PREFIX, strlen(FILTER_PREFIX)))
		return NULL;
	/* the filter file's writer has stripped trailing white space */
	str += strlen(FILTER_PREFIX);
	if (!isdigit(*str) || kstrtou32(str, 10, &id))
		return ERR_PTR(-EINVAL);
	if (!perfmon_capable())
		return ERR_PTR(-EPERM);

	prog = ebpf_prog_get_by_id(id);
	if (IS_ERR(prog))
		return prog;
	if (prog->type != BPF_PROG_TYPE_TRACEPOINT) {
		bpf_prog_put(prog);
		return ERR_PTR(-EINVAL);
	}
	if (prog->aux->max_ctx_offset > trace_event_get_offsets(call)) {
		bpf_prog_put(prog);
		return ERR_PTR(-EACCES);
	}
	return prog;
}

static DEFINE_PER_CPU(struct pt_regs, filter_regs);

/* Whether the record @rec of an event passes its filter program @prog. */
int ebpf_trace_filter_run(struct bpf_prog *prog, void *rec)
{
	struct pt_regs *regs;
	u64 header;
	u32 ret = 0;

	if (unlikely(__this_cpu_inc_return(tracing_prog_active) != 1)) {
		count_miss(prog);
		goto out;
	}
	regs = this_cpu_ptr(&filter_regs);
	perf_fetch_caller_regs(regs);
	/* Ring buffer records are only 4-byte aligned. */
	header = get_unaligned((u64 *)rec);
	put_unaligned((unsigned long)regs, (u64 *)rec);
	rcu_read_lock();
	ret = bpf_prog_run(prog, rec);
	rcu_read_unlock();
	put_unaligned(header, (u64 *)rec);
out:
	__this_cpu_dec(tracing_prog_active);
	return ret != 0;
}

/* ---- helpers: bpf_trace_printk() ------------------------------------ */

/* Helpers take pointers as u64 arguments. */
static void *kptr(u64 arg)
{
	return (void *)(unsigned long)arg;
}

static void __user *user_ptr(u64 arg)
{
	return (void __user *)(unsigned long)arg;
}

#define PRINTK_MAX	1024	/* bytes of one message, NUL included */
#define PRINTK_STR_MAX	256	/* bytes of one %s argument */
#define PRINTK_ARGS	3

struct printk_buf {
	char msg[PRINTK_MAX];
	char str[PRINTK_STR_MAX];
	char spec[16];
};

static DEFINE_PER_CPU(struct printk_buf, printk_bufs);
static DEFINE_PER_CPU(int, printk_busy);

/*
 * Appends conversion @spec (flags, width, then one of d i u x X c s p
 * with l, ll or a pointer kind) of @arg to @out. @spec is rewritten so
 * that every integer is passed as a long long: the arguments come as
 * u64 whatever the format says, and a varargs call must pass each one
 * with the type its conversion reads.
 */
static int printk_conv(struct printk_buf *b, size_t *len, const char *spec,
		       size_t spec_len, u64 arg)
{
	size_t prefix, longs = 0, room = PRINTK_MAX - *len;
	const char *p = spec + 1;
	char *out = b->msg + *len;
	long long value;

	/* flags and width */
	while (*p == '0' || *p == '-' || *p == '+' || *p == ' ')
		p++;
	while (isdigit(*p))
		p++;
	prefix = p - spec;
	while (*p == 'l' && longs < 2) {
		p++;
		longs++;
	}
	if (prefix + 3 >= sizeof(b->spec))
		return -EINVAL;
	memcpy(b->spec, spec, prefix);

	switch (*p) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
		if (p + 1 != spec + spec_len)
			return -EINVAL;
		if (*p == 'd' || *p == 'i')
			value = longs ? (long long)arg : (long long)(s32)arg;
		else
			value = longs ? (long long)arg : (long long)(u32)arg;
		memcpy(b->spec + prefix, "ll", 2);
		b->spec[prefix + 2] = *p;
		b->spec[prefix + 3] = 0;
		*len += scnprintf(out, room, b->spec, value);
		return 0;
	case 'c':
		if (longs || p + 1 != spec + spec_len)
			return -EINVAL;
		*len += scnprintf(out, room, "%c", (char)arg);
		return 0;
	case 's':
		if (longs || p + 1 != spec + spec_len)
			return -EINVAL;
		if (arg < TASK_SIZE)
			value = strncpy_from_user_nofault(b->str, user_ptr(arg),
							  sizeof(b->str));
		else
			value = strncpy_from_kernel_nofault(b->str, kptr(arg),
							    sizeof(b->str));
		if (value < 0)
			b->str[0] = 0;
		b->str[sizeof(b->str) - 1] = 0;
		memcpy(b->spec + prefix, "s", 2);
		*len += scnprintf(out, room, b->spec, b->str);
		return 0;
	case 'p':
		/* %p, %pK, %px, %ps, %pS, %pB: no memory behind is read */
		if (longs || prefix != 1 || spec_len > 3 ||
		    (spec_len == 3 && !strchr("KxsSB", p[1])))
			return -EINVAL;
		memcpy(b->spec, spec, spec_len);
		b->spec[spec_len] = 0;
		*len += scnprintf(out, room, b->spec, kptr(arg));
		return 0;
	}
	return -EINVAL;
}

/* The length of the conversion at @fmt ('%' first), 0 if it has none. */
static size_t printk_spec_len(const char *fmt)
{
	const char *p = fmt + 1;

	while (*p && !strchr("diuxXcsp", *p))
		p++;
	if (!*p)
		return 0;
	/* a pointer kind letter follows %p */
	if (*p == 'p' && p[1] && strchr("KxsSB", p[1]))
		p++;
	return p - fmt + 1;
}

static int printk_format(struct printk_buf *b, const char *fmt,
			 const u64 *args)
{
	size_t len = 0, spec_len;
	int nargs = 0, err;

	for (; *fmt; fmt++) {
		if (!isascii(*fmt) || (!isprint(*fmt) && !isspace(*fmt)))
			return -EINVAL;
		if (*fmt != '%' || fmt[1] == '%') {
			if (len < PRINTK_MAX - 1)
				b->msg[len++] = *fmt;
			fmt += *fmt == '%';
			continue;
		}
		spec_len = printk_spec_len(fmt);
		if (!spec_len || nargs == PRINTK_ARGS)
			return -EINVAL;
		err = printk_conv(b, &len, fmt, spec_len, args[nargs++]);
		if (err)
			return err;
		fmt += spec_len - 1;
	}
	b->msg[len] = 0;
	return len;
}

static u64 ebpf_trace_printk(u64 fmt, u64 fmt_size, u64 a1, u64 a2, u64 a3)
{
	const char *f = kptr(fmt);
	u64 args[PRINTK_ARGS] = { a1, a2, a3 };
	struct printk_buf *b;
	int ret;

	if (strnlen(f, fmt_size) == fmt_size)
		return -EINVAL;
	preempt_disable();
	if (this_cpu_inc_return(printk_busy) != 1) {
		ret = -EBUSY;
		goto out;
	}
	b = this_cpu_ptr(&printk_bufs);
	ret = printk_format(b, f, args);
	if (ret >= 0)
		trace_bpf_trace_printk(b->msg);
out:
	this_cpu_dec(printk_busy);
	preempt_enable();
	return ret;
}

static const struct bpf_func_proto ebpf_trace_printk_proto = {
	.func = ebpf_trace_printk,
	.gpl_only = true,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_MEM | MEM_RDONLY, ARG_CONST_SIZE },
};

/*
 * Messages go to the bpf_trace:bpf_trace_printk event, which a program
 * using the helper turns on, as upstream, so that they show in
 * trace_pipe.
 */
static const struct bpf_func_proto *trace_printk_proto(void)
{
	static atomic_t enabled = ATOMIC_INIT(0);

	if (!atomic_xchg(&enabled, 1) &&
	    trace_set_clr_event("bpf_trace", "bpf_trace_printk", 1))
		atomic_set(&enabled, 0);
	return &ebpf_trace_printk_proto;
}

/* ---- helpers: reading memory that may fault ------------------------- */

/*
 * A copy of @size bytes, or of a NUL-terminated string of at most @size
 * bytes, from kernel or user memory: 0 or the string's length with its
 * NUL, or a negative errno with the buffer zeroed, so that no stale
 * stack leaks out. The compat helpers (probe_read, probe_read_str) read
 * user memory below TASK_SIZE and kernel memory above, which x86-64
 * tells apart.
 */
enum probe_from { FROM_KERNEL, FROM_USER, FROM_EITHER };

static long probe_read(u64 dst, u64 size, u64 src, enum probe_from from,
		       bool str)
{
	void *buf = kptr(dst);
	long ret;

	if (from == FROM_EITHER)
		from = src < TASK_SIZE ? FROM_USER : FROM_KERNEL;
	if (from == FROM_USER && str)
		ret = strncpy_from_user_nofault(buf, user_ptr(src), size);
	else if (from == FROM_USER)
		ret = copy_from_user_nofault(buf, user_ptr(src), size);
	else if (str)
		ret = strncpy_from_kernel_nofault(buf, kptr(src), size);
	else
		ret = copy_from_kernel_nofault(buf, kptr(src), size);
	if (unlikely(ret < 0))
		memset(buf, 0, size);
	return ret;
}

#define PROBE_READ_HELPER(name, from, str)				\
static u64 ebpf_##name(u64 dst, u64 size, u64 src, u64 r4, u64 r5)	\
{									\
	return probe_read(dst, size, src, from, str);			\
}									\
static const struct bpf_func_proto ebpf_##name##_proto = {		\
	.func = ebpf_##name,						\
	.gpl_only = true,						\
	.ret_type = RET_INTEGER,					\
	.arg_type = { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO,	\
		      ARG_ANYTHING },					\
}

PROBE_READ_HELPER(probe_read_kernel, FROM_KERNEL, false);
PROBE_READ_HELPER(probe_read_kernel_str, FROM_KERNEL, true);
PROBE_READ_HELPER(probe_read_user, FROM_USER, false);
PROBE_READ_HELPER(probe_read_user_str, FROM_USER, true);
PROBE_READ_HELPER(probe_read, FROM_EITHER, false);
PROBE_READ_HELPER(probe_read_str, FROM_EITHER, true);

/* ---- helpers: bpf_perf_event_output() ------------------------------- */

/*
 * Sample data is too big for the stack. A program may be interrupted by
 * a socket filter that outputs too, and that by one in an NMI: a slot
 * per level.
 */
#define OUTPUT_NEST_MAX	3

static DEFINE_PER_CPU(struct perf_sample_data, output_sds[OUTPUT_NEST_MAX]);
static DEFINE_PER_CPU(int, output_nest);

static int perf_output(struct pt_regs *regs, struct bpf_map *map, u64 flags,
		       void *data, u64 size, struct perf_sample_data *sd)
{
	struct bpf_array *array = container_of(map, struct bpf_array, map);
	u64 index = flags & BPF_F_INDEX_MASK;
	unsigned int cpu = smp_processor_id();
	struct perf_raw_record raw = {
		.frag = { .size = size, .data = data },
	};
	struct bpf_event_entry *ee;

	if (unlikely(flags & ~BPF_F_INDEX_MASK))
		return -EINVAL;
	if (index == BPF_F_CURRENT_CPU)
		index = cpu;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	ee = READ_ONCE(array->ptrs[array_index_nospec(index,
						      map->max_entries)]);
	if (!ee)
		return -ENOENT;
	if (unlikely(ee->event->attr.type != PERF_TYPE_SOFTWARE ||
		     ee->event->attr.config != PERF_COUNT_SW_BPF_OUTPUT))
		return -EINVAL;
	if (unlikely(ee->event->oncpu != cpu))
		return -EOPNOTSUPP;

	perf_sample_data_init(sd, 0, 0);
	sd->raw = &raw;
	sd->sample_flags |= PERF_SAMPLE_RAW;
	return perf_event_output(ee->event, sd, regs);
}

/* @ctx is the raw record: its first 8 bytes hold the pt_regs pointer. */
static u64 ebpf_perf_event_output(u64 ctx, u64 map, u64 flags, u64 data,
				  u64 size)
{
	struct pt_regs *regs = get_unaligned((struct pt_regs **)kptr(ctx));
	int nest = this_cpu_inc_return(output_nest);
	int err = -EBUSY;

	if (nest <= OUTPUT_NEST_MAX)
		err = perf_output(regs, kptr(map), flags, kptr(data), size,
				  this_cpu_ptr(&output_sds[nest - 1]));
	this_cpu_dec(output_nest);
	return err;
}

static const struct bpf_func_proto ebpf_perf_event_output_proto = {
	.func = ebpf_perf_event_output,
	.gpl_only = true,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING,
		      ARG_PTR_TO_MEM | MEM_RDONLY, ARG_CONST_SIZE_OR_ZERO },
};

/* The tracing helpers of tracepoint programs. */
const struct bpf_func_proto *ebpf_trace_func_proto(enum bpf_func_id id)
{
	switch (id) {
	case BPF_FUNC_trace_printk:
		return trace_printk_proto();
	case BPF_FUNC_probe_read_kernel:
		return &ebpf_probe_read_kernel_proto;
	case BPF_FUNC_probe_read_kernel_str:
		return &ebpf_probe_read_kernel_str_proto;
	case BPF_FUNC_probe_read_user:
		return &ebpf_probe_read_user_proto;
	case BPF_FUNC_probe_read_user_str:
		return &ebpf_probe_read_user_str_proto;
	case BPF_FUNC_probe_read:
		return &ebpf_probe_read_proto;
	case BPF_FUNC_probe_read_str:
		return &ebpf_probe_read_str_proto;
	case BPF_FUNC_perf_event_output:
		return &ebpf_perf_event_output_proto;
	default:
		return NULL;
	}
}
