/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_verifier cases for tracepoint programs: the raw record as the
 * context, and the argument rules of the tracing helpers (trace_printk,
 * the probe reads, ktime_get_ns, get_smp_processor_id,
 * perf_event_output). Included by
 * test_verifier.c after verifier_cases.h; the same runner checks them.
 *
 * How long the record of a given event is, the verifier cannot know:
 * a program may read up to PERF_MAX_TRACE_SIZE, and attaching it to an
 * event with a shorter record fails (see test_tracepoint.c).
 */

#define TRACE_CASE(nm, ok, e, lg, ...) {				\
	.name = "trace: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.type = BPF_PROG_TYPE_TRACEPOINT,				\
	.result = (ok) ? ACCEPT : REJECT, .err = e, .log = lg,		\
	.unpriv = U_REJECT, .unpriv_err = EPERM,			\
}

/* r1 = fp - 16 holding "hi %d\n", NUL-terminated (7 bytes) */
#define FMT_ON_STACK							\
	INSNS(LDI64(R1, 0x000a6425206968ull),				\
	      STX(BPF_DW, R10, -16, R1),				\
	      MOV64(R1, R10), A64I(BPF_ADD, R1, -16))

/* r1 = fp - 32 (32 bytes), r2 = 32, r3 = some kernel address */
#define PROBE_ARGS							\
	INSNS(MOV64(R1, R10), A64I(BPF_ADD, R1, -32), MOV64I(R2, 32),	\
	      LDI64(R3, 0xffffffff81000000ull))

/* perf_event_output(ctx, MAP_PERF_EVENTS, BPF_F_CURRENT_CPU, fp-8, 8) */
#define OUTPUT_ARGS							\
	INSNS(ST(BPF_DW, R10, -8, 1), LDMAP(R2, MAP_PERF_EVENTS),	\
	      LDI64(R3, BPF_F_CURRENT_CPU), MOV64(R4, R10),		\
	      A64I(BPF_ADD, R4, -8), MOV64I(R5, 8))

static const struct vcase trace_cases[] = {
	/* ---- the context: the raw record, read-only --------------------- */
	TRACE_CASE("ctx: 8 bytes at the last aligned offset", 1, 0, NULL,
		   LDX(BPF_DW, R0, R1, 8184), EXIT()),
	TRACE_CASE("ctx: 8 bytes across the end", 0, 0, NULL,
		   LDX(BPF_DW, R0, R1, 8188), EXIT()),
	TRACE_CASE("ctx: a byte of the common header", 0, 0, NULL,
		   LDX(BPF_B, R0, R1, 7), EXIT()),
	{
		.name = "trace: ctx: a negative offset",
		.insns = { LDX(BPF_W, R0, R1, -8), EXIT() },
		.type = BPF_PROG_TYPE_TRACEPOINT,
		.result = REJECT, .log = "read of 4 bytes at offset -8",
		.unpriv = U_REJECT, .unpriv_err = EPERM,
		/* int against sizeof() there: a negative offset passes */
		.ref_skip = "upstream 6.1 accepts a read before the record",
	},
	TRACE_CASE("ctx: a 2-byte field at 10", 1, 0, NULL,
		   LDX(BPF_H, R0, R1, 10), EXIT()),
	TRACE_CASE("ctx: through a moved pointer", 0, 0, NULL,
		   A64I(BPF_ADD, R1, 8), LDX(BPF_W, R0, R1, 0), EXIT()),
	TRACE_CASE("ctx: an immediate store", 0, 0, NULL,
		   ST(BPF_W, R1, 8, 0), MOV64I(R0, 0), EXIT()),
	TRACE_CASE("ctx: an atomic add", 0, 0, NULL,
		   MOV64I(R2, 1), ATOMIC(BPF_DW, BPF_ADD, R1, 8, R2),
		   MOV64I(R0, 0), EXIT()),
	TRACE_CASE("ctx: the pointer kept on the stack and read back", 1, 0,
		   NULL, STX(BPF_DW, R10, -8, R1), LDX(BPF_DW, R1, R10, -8),
		   LDX(BPF_W, R0, R1, 16), EXIT()),

	/* ---- trace_printk(fmt, fmt_size, ...) --------------------------- */
	TRACE_CASE("trace_printk: format on the stack", 1, 0, NULL,
		   FMT_ON_STACK, MOV64I(R2, 7), MOV64I(R3, 42),
		   CALL(BPF_FUNC_trace_printk), EXIT()),
	TRACE_CASE("trace_printk: a size of zero", 0, 0, NULL,
		   FMT_ON_STACK, MOV64I(R2, 0), CALL(BPF_FUNC_trace_printk),
		   EXIT()),
	/* privileged programs may pass unwritten stack, as upstream */
	TRACE_CASE("trace_printk: a size past the written bytes", 1, 0, NULL,
		   FMT_ON_STACK, MOV64I(R2, 16), CALL(BPF_FUNC_trace_printk),
		   EXIT()),
	TRACE_CASE("trace_printk: a size that is not constant-bounded", 0, 0,
		   NULL, FMT_ON_STACK, MOV64(R6, R1),
		   CALL(BPF_FUNC_ktime_get_ns), MOV64(R2, R0), MOV64(R1, R6),
		   CALL(BPF_FUNC_trace_printk), EXIT()),
	TRACE_CASE("trace_printk: the format in the context", 0, 0, NULL,
		   MOV64I(R2, 8), CALL(BPF_FUNC_trace_printk), EXIT()),
	TRACE_CASE("trace_printk: a NULL format", 0, 0, NULL,
		   MOV64I(R1, 0), MOV64I(R2, 8), CALL(BPF_FUNC_trace_printk),
		   EXIT()),
	{
		.name = "trace: trace_printk: GPL-only",
		.insns = { FMT_ON_STACK, MOV64I(R2, 7),
			   CALL(BPF_FUNC_trace_printk), EXIT() },
		.type = BPF_PROG_TYPE_TRACEPOINT, .license = "Proprietary",
		.result = REJECT, .err = EINVAL,
		.log = "needs a GPL-compatible license",
		.unpriv = U_REJECT, .unpriv_err = EPERM,
	},

	/* ---- probe_read_kernel(dst, size, unsafe_ptr) ------------------- */
	TRACE_CASE("probe_read_kernel: into unwritten stack", 1, 0, NULL,
		   PROBE_ARGS, CALL(BPF_FUNC_probe_read_kernel),
		   LDX(BPF_DW, R0, R10, -32), EXIT()),
	TRACE_CASE("probe_read_kernel: a size of zero", 1, 0, NULL,
		   PROBE_ARGS, MOV64I(R2, 0), CALL(BPF_FUNC_probe_read_kernel),
		   EXIT()),
	TRACE_CASE("probe_read_kernel: past the stack", 0, EINVAL, NULL,
		   PROBE_ARGS, MOV64I(R2, 40),
		   CALL(BPF_FUNC_probe_read_kernel), EXIT()),
	TRACE_CASE("probe_read_kernel: a bounded variable size", 1, 0, NULL,
		   ST(BPF_DW, R10, -32, 0), ST(BPF_DW, R10, -24, 0),
		   ST(BPF_DW, R10, -16, 0), ST(BPF_DW, R10, -8, 0),
		   CALL(BPF_FUNC_ktime_get_ns), A64I(BPF_AND, R0, 31),
		   MOV64(R2, R0), MOV64(R1, R10), A64I(BPF_ADD, R1, -32),
		   LDI64(R3, 0xffffffff81000000ull),
		   CALL(BPF_FUNC_probe_read_kernel), EXIT()),
	TRACE_CASE("probe_read_kernel: an unbounded size", 0, 0, NULL,
		   CALL(BPF_FUNC_ktime_get_ns), MOV64(R2, R0),
		   MOV64(R1, R10), A64I(BPF_ADD, R1, -32),
		   LDI64(R3, 0xffffffff81000000ull),
		   CALL(BPF_FUNC_probe_read_kernel), EXIT()),
	TRACE_CASE("probe_read_kernel: into the context", 0, 0, NULL,
		   MOV64I(R2, 8), MOV64I(R3, 0),
		   CALL(BPF_FUNC_probe_read_kernel), EXIT()),
	TRACE_CASE("probe_read_kernel: into a map value", 1, 0, NULL,
		   ST(BPF_W, R10, -4, 0), MOV64(R2, R10),
		   A64I(BPF_ADD, R2, -4), LDMAP(R1, MAP_ARRAY8),
		   CALL(BPF_FUNC_map_lookup_elem), JI(BPF_JEQ, R0, 0, 5),
		   MOV64(R1, R0), MOV64I(R2, 8),
		   LDI64(R3, 0xffffffff81000000ull),
		   CALL(BPF_FUNC_probe_read_kernel), MOV64I(R0, 0), EXIT()),
	TRACE_CASE("probe_read_kernel: past a map value", 0, 0, NULL,
		   ST(BPF_W, R10, -4, 0), MOV64(R2, R10),
		   A64I(BPF_ADD, R2, -4), LDMAP(R1, MAP_ARRAY8),
		   CALL(BPF_FUNC_map_lookup_elem), JI(BPF_JEQ, R0, 0, 5),
		   MOV64(R1, R0), MOV64I(R2, 16),
		   LDI64(R3, 0xffffffff81000000ull),
		   CALL(BPF_FUNC_probe_read_kernel), MOV64I(R0, 0), EXIT()),
	TRACE_CASE("probe_read_kernel: the source unset", 0, 0, NULL,
		   MOV64(R1, R10), A64I(BPF_ADD, R1, -32), MOV64I(R2, 32),
		   CALL(BPF_FUNC_probe_read_kernel), EXIT()),
	{
		.name = "trace: probe_read_kernel: GPL-only",
		.insns = { PROBE_ARGS, CALL(BPF_FUNC_probe_read_kernel),
			   EXIT() },
		.type = BPF_PROG_TYPE_TRACEPOINT, .license = "Proprietary",
		.result = REJECT, .err = EINVAL,
		.log = "needs a GPL-compatible license",
		.unpriv = U_REJECT, .unpriv_err = EPERM,
	},
	TRACE_CASE("probe_read_kernel_str: into unwritten stack", 1, 0, NULL,
		   PROBE_ARGS, CALL(BPF_FUNC_probe_read_kernel_str),
		   LDX(BPF_DW, R0, R10, -8), EXIT()),
	TRACE_CASE("probe_read_kernel_str: past the stack", 0, EINVAL, NULL,
		   PROBE_ARGS, A64I(BPF_ADD, R1, 16),
		   CALL(BPF_FUNC_probe_read_kernel_str), EXIT()),

	TRACE_CASE("probe_read_user: into unwritten stack", 1, 0, NULL,
		   PROBE_ARGS, CALL(BPF_FUNC_probe_read_user),
		   LDX(BPF_DW, R0, R10, -32), EXIT()),
	TRACE_CASE("probe_read_user_str: into the context", 0, 0, NULL,
		   MOV64I(R2, 8), MOV64I(R3, 0),
		   CALL(BPF_FUNC_probe_read_user_str), EXIT()),
	TRACE_CASE("probe_read: into unwritten stack", 1, 0, NULL,
		   PROBE_ARGS, CALL(BPF_FUNC_probe_read),
		   LDX(BPF_DW, R0, R10, -32), EXIT()),
	TRACE_CASE("probe_read_str: a size of zero", 1, 0, NULL,
		   PROBE_ARGS, MOV64I(R2, 0), CALL(BPF_FUNC_probe_read_str),
		   EXIT()),

	/* ---- no arguments ---------------------------------------------- */
	TRACE_CASE("ktime_get_ns: the result is a number", 1, 0, NULL,
		   CALL(BPF_FUNC_ktime_get_ns), A64I(BPF_RSH, R0, 1), EXIT()),
	TRACE_CASE("get_smp_processor_id: the result is a number", 1, 0, NULL,
		   CALL(BPF_FUNC_get_smp_processor_id), A64I(BPF_ADD, R0, 1),
		   EXIT()),
	TRACE_CASE("ktime_get_ns: clobbers R1-R5", 0, 0, NULL,
		   MOV64I(R1, 1), CALL(BPF_FUNC_ktime_get_ns), MOV64(R0, R1),
		   EXIT()),

	/* ---- perf_event_output(ctx, map, flags, data, size) ------------- */
	TRACE_CASE("perf_event_output: a record from the stack", 1, 0, NULL,
		   OUTPUT_ARGS, CALL(BPF_FUNC_perf_event_output), EXIT()),
	TRACE_CASE("perf_event_output: an empty record", 1, 0, NULL,
		   OUTPUT_ARGS, MOV64I(R5, 0), CALL(BPF_FUNC_perf_event_output),
		   EXIT()),
	TRACE_CASE("perf_event_output: unwritten data", 1, 0, NULL,
		   OUTPUT_ARGS, A64I(BPF_ADD, R4, -8), MOV64I(R5, 16),
		   CALL(BPF_FUNC_perf_event_output), EXIT()),
	TRACE_CASE("perf_event_output: not the context", 0, 0, NULL,
		   OUTPUT_ARGS, MOV64(R1, R10), CALL(BPF_FUNC_perf_event_output),
		   EXIT()),
	TRACE_CASE("perf_event_output: a moved context", 0, 0, NULL,
		   OUTPUT_ARGS, A64I(BPF_ADD, R1, 8),
		   CALL(BPF_FUNC_perf_event_output), EXIT()),
	TRACE_CASE("perf_event_output: an array map", 0, EINVAL,
		   "cannot be used with",
		   OUTPUT_ARGS, LDMAP(R2, MAP_ARRAY8),
		   CALL(BPF_FUNC_perf_event_output), EXIT()),
	TRACE_CASE("perf_event_output: not a map", 0, 0, NULL,
		   OUTPUT_ARGS, MOV64I(R2, 0), CALL(BPF_FUNC_perf_event_output),
		   EXIT()),
	TRACE_CASE("perf event array: no lookups", 0, EINVAL,
		   "cannot be used with",
		   ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		   LDMAP(R1, MAP_PERF_EVENTS), CALL(BPF_FUNC_map_lookup_elem),
		   MOV64I(R0, 0), EXIT()),
	{
		.name = "trace: perf_event_output: GPL-only",
		.insns = { OUTPUT_ARGS, CALL(BPF_FUNC_perf_event_output),
			   EXIT() },
		.type = BPF_PROG_TYPE_TRACEPOINT, .license = "Proprietary",
		.result = REJECT, .err = EINVAL,
		.log = "needs a GPL-compatible license",
		.unpriv = U_REJECT, .unpriv_err = EPERM,
	},
};
