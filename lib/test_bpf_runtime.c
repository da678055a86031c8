// SPDX-License-Identifier: GPL-2.0-only
/*
 * Edges of the BPF runtime that lib/test_bpf leaves open: division and
 * modulo by zero, shifts by 0 and by the width less one, sign and zero
 * extension around 32-bit operations, the halves of 64-bit immediates,
 * the old values atomics return, JMP32 on negative operands, the tail
 * call limit, calls, faulting probe loads, and the instructions
 * bpf_prog_select_runtime() must refuse.
 *
 * Programs are built here and handed straight to the runtime, as
 * test_bpf does: bpf(2) cannot load programs yet, and a module also
 * reaches what no verifier would let through. Each program starts with
 * r0-r8 loaded from its case's in[] (64-bit immediate loads), gets a
 * buffer of OUT_SLOTS u64s as its context (r9 holds it) and stores the
 * values to check there; its return value is checked too.
 *
 * Results are TAP lines in the kernel log, after "test_bpf_runtime: ".
 * With verified_only=1 the cases whose outcome upstream's 6.1 runtime
 * leaves to its verifier are skipped, so that the module can also be
 * run on upstream's interpreter to compare.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/module.h>
#include <linux/slab.h>

#define MAX_INSNS	64
#define OUT_SLOTS	8
#define IN_REGS		9

/* The case's outcome is the series' own: upstream leaves it to its verifier. */
#define OURS		BIT(0)
/* bpf_prog_select_runtime() must refuse the program with -EINVAL. */
#define REJECT		(BIT(1) | OURS)

struct runtime_test {
	const char *name;
	u64 in[IN_REGS];	/* r0-r8 at entry, loaded as 64-bit immediates */
	struct bpf_insn insns[MAX_INSNS];
	u64 out[OUT_SLOTS];
	u32 ret;
	u32 flags;
	int len;	/* when the instructions do not end at an all-zero one */
};

static bool verified_only;
module_param(verified_only, bool, 0444);
MODULE_PARM_DESC(verified_only, "skip cases upstream leaves to its verifier");

/* Store a register into the context buffer. */
#define OUT(slot, reg)	BPF_STX_MEM(BPF_DW, BPF_REG_9, reg, (slot) * 8)

static const struct runtime_test tests[] = {
	{
		"div64 and mod64 by a zero register",
		.in = {
			[BPF_REG_2] = 0x123456789abcdef0ULL,
		},
		.insns = {
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_MOV64_IMM(BPF_REG_3, 0),
			BPF_ALU64_REG(BPF_DIV, BPF_REG_2, BPF_REG_3),
			BPF_ALU64_REG(BPF_MOD, BPF_REG_4, BPF_REG_3),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_4),
			BPF_EXIT_INSN(),
		},
		.out = { 0, 0x123456789abcdef0ULL },
		.flags = OURS,
	},
	{
		"div32 and mod32 by a register with a zero low half",
		.in = {
			[BPF_REG_2] = 0xffffffff87654321ULL,
			[BPF_REG_3] = 0x100000000ULL,
		},
		.insns = {
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_ALU32_REG(BPF_DIV, BPF_REG_2, BPF_REG_3),
			BPF_ALU32_REG(BPF_MOD, BPF_REG_4, BPF_REG_3),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_4),
			BPF_EXIT_INSN(),
		},
		.out = { 0, 0x87654321 },
		.flags = OURS,
	},
	{
		"div and mod by a zero immediate",
		.in = {
			[BPF_REG_2] = 0xfedcba9876543210ULL,
		},
		.insns = {
			BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_MOV64_REG(BPF_REG_5, BPF_REG_2),
			BPF_ALU64_IMM(BPF_DIV, BPF_REG_2, 0),
			BPF_ALU32_IMM(BPF_DIV, BPF_REG_3, 0),
			BPF_ALU64_IMM(BPF_MOD, BPF_REG_4, 0),
			BPF_ALU32_IMM(BPF_MOD, BPF_REG_5, 0),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			BPF_EXIT_INSN(),
		},
		.out = { 0, 0, 0xfedcba9876543210ULL, 0x76543210 },
		.flags = OURS,
	},
	{
		"division and modulo are unsigned",
		.insns = {
			BPF_MOV64_IMM(BPF_REG_2, -1),
			BPF_ALU64_IMM(BPF_DIV, BPF_REG_2, 2),
			BPF_MOV32_IMM(BPF_REG_3, -1),
			BPF_ALU32_IMM(BPF_DIV, BPF_REG_3, 2),
			BPF_MOV64_IMM(BPF_REG_4, -8),
			BPF_MOV64_IMM(BPF_REG_5, 3),
			BPF_ALU64_REG(BPF_MOD, BPF_REG_4, BPF_REG_5),
			BPF_MOV64_IMM(BPF_REG_6, -8),
			BPF_ALU64_IMM(BPF_DIV, BPF_REG_6, -1),
			BPF_MOV64_IMM(BPF_REG_7, 100),
			BPF_ALU32_IMM(BPF_MOD, BPF_REG_7, -3),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_6),
			OUT(4, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = { U64_MAX / 2, U32_MAX / 2, (u64)-8 % 3, 0, 100 },
	},
	{
		"64-bit shifts by 0 and 63, immediate",
		.in = {
			[BPF_REG_2] = 0x8000000000000001ULL,
		},
		.insns = {
			BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, 0),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_ALU64_IMM(BPF_LSH, BPF_REG_4, 63),
			BPF_MOV64_REG(BPF_REG_5, BPF_REG_2),
			BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 63),
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_2),
			BPF_ALU64_IMM(BPF_ARSH, BPF_REG_6, 63),
			BPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
			BPF_ALU64_IMM(BPF_ARSH, BPF_REG_7, 0),
			OUT(0, BPF_REG_3),
			OUT(1, BPF_REG_4),
			OUT(2, BPF_REG_5),
			OUT(3, BPF_REG_6),
			OUT(4, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = { 0x8000000000000001ULL, 0x8000000000000000ULL, 1,
			 U64_MAX, 0x8000000000000001ULL },
	},
	{
		"64-bit shifts by 0 and 63, register",
		.in = {
			[BPF_REG_2] = 0x8000000000000001ULL,
		},
		.insns = {
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_MOV64_IMM(BPF_REG_1, 63),
			BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			BPF_ALU64_REG(BPF_RSH, BPF_REG_3, BPF_REG_0),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_ALU64_REG(BPF_LSH, BPF_REG_4, BPF_REG_1),
			BPF_MOV64_REG(BPF_REG_5, BPF_REG_2),
			BPF_ALU64_REG(BPF_RSH, BPF_REG_5, BPF_REG_1),
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_2),
			BPF_ALU64_REG(BPF_ARSH, BPF_REG_6, BPF_REG_1),
			OUT(0, BPF_REG_3),
			OUT(1, BPF_REG_4),
			OUT(2, BPF_REG_5),
			OUT(3, BPF_REG_6),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		},
		.out = { 0x8000000000000001ULL, 0x8000000000000000ULL, 1,
			 U64_MAX },
	},
	{
		"32-bit shifts by 0 and 31 clear the upper half",
		.in = {
			[BPF_REG_2] = 0xffffffff80000001ULL,
		},
		.insns = {
			BPF_MOV64_IMM(BPF_REG_1, 31),
			BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			BPF_ALU32_IMM(BPF_LSH, BPF_REG_3, 0),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_ALU32_IMM(BPF_LSH, BPF_REG_4, 31),
			BPF_MOV64_REG(BPF_REG_5, BPF_REG_2),
			BPF_ALU32_REG(BPF_RSH, BPF_REG_5, BPF_REG_1),
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_2),
			BPF_ALU32_REG(BPF_ARSH, BPF_REG_6, BPF_REG_1),
			BPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
			BPF_ALU32_IMM(BPF_ARSH, BPF_REG_7, 0),
			OUT(0, BPF_REG_3),
			OUT(1, BPF_REG_4),
			OUT(2, BPF_REG_5),
			OUT(3, BPF_REG_6),
			OUT(4, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = { 0x80000001, 0x80000000, 1, 0xffffffff, 0x80000001 },
	},
	{
		"shift counts are masked to the width",
		.insns = {
			BPF_MOV64_IMM(BPF_REG_2, 1),
			BPF_MOV64_IMM(BPF_REG_3, 65),
			BPF_ALU64_REG(BPF_LSH, BPF_REG_2, BPF_REG_3),
			BPF_MOV64_IMM(BPF_REG_4, 1),
			BPF_MOV64_IMM(BPF_REG_5, 33),
			BPF_ALU32_REG(BPF_LSH, BPF_REG_4, BPF_REG_5),
			BPF_MOV64_IMM(BPF_REG_6, 1),
			BPF_ALU64_IMM(BPF_LSH, BPF_REG_6, 68),
			BPF_MOV32_IMM(BPF_REG_7, 0x80),
			BPF_ALU32_IMM(BPF_RSH, BPF_REG_7, 35),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_4),
			OUT(2, BPF_REG_6),
			OUT(3, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = { 2, 2, 16, 0x10 },
		.flags = OURS,
	},
	{
		"32-bit moves zero-extend, 64-bit immediates sign-extend",
		.in = {
			[BPF_REG_4] = 0xaaaaaaaabbbbbbbbULL,
			[BPF_REG_5] = 0x100000000ULL,
		},
		.insns = {
			BPF_MOV32_IMM(BPF_REG_2, -1),
			BPF_MOV64_IMM(BPF_REG_3, -1),
			BPF_MOV32_REG(BPF_REG_4, BPF_REG_4),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, -1),
			BPF_MOV64_IMM(BPF_REG_6, 0x10),
			BPF_ALU64_IMM(BPF_AND, BPF_REG_6, -16),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			BPF_EXIT_INSN(),
		},
		.out = { 0xffffffff, U64_MAX, 0xbbbbbbbb, 0xffffffff, 0x10 },
	},
	{
		"32-bit arithmetic wraps and zero-extends",
		.in = {
			[BPF_REG_3] = 0xdeadbeef00000005ULL,
			[BPF_REG_5] = 0x100000000ULL,
			[BPF_REG_6] = 0xffffffffffffff00ULL,
		},
		.insns = {
			BPF_MOV64_IMM(BPF_REG_2, -1),
			BPF_ALU32_IMM(BPF_ADD, BPF_REG_2, 1),
			BPF_ALU32_IMM(BPF_MUL, BPF_REG_3, 3),
			BPF_MOV64_IMM(BPF_REG_4, -1),
			BPF_ALU32_IMM(BPF_NEG, BPF_REG_4, 0),
			BPF_ALU32_IMM(BPF_SUB, BPF_REG_5, 1),
			BPF_ALU32_IMM(BPF_ARSH, BPF_REG_6, 4),
			BPF_MOV64_IMM(BPF_REG_7, 5),
			BPF_ALU64_IMM(BPF_NEG, BPF_REG_7, 0),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			OUT(5, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = { 0, 15, 1, 0xffffffff, 0xfffffff0, (u64)-5 },
	},
	{
		"loads zero-extend, immediate stores sign-extend",
		.insns = {
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, -2),
			BPF_ST_MEM(BPF_W, BPF_REG_10, -16, 0),
			BPF_ST_MEM(BPF_W, BPF_REG_10, -12, 0),
			BPF_ST_MEM(BPF_W, BPF_REG_10, -16, -1),
			BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
			BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -16),
			BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, -8),
			BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_10, -8),
			BPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_10, -8),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			BPF_EXIT_INSN(),
		},
		.out = { (u64)-2, 0xffffffff, 0xfe, 0xfffe, 0xfffffffe },
	},
	{
		"the stack is 512 bytes below the frame pointer",
		.in = {
			[BPF_REG_2] = 0x1122334455667788ULL,
		},
		.insns = {
			BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -512),
			BPF_ST_MEM(BPF_B, BPF_REG_10, -1, 0x5a),
			BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -512),
			BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_3, 0),
			BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, 511),
			OUT(0, BPF_REG_4),
			OUT(1, BPF_REG_5),
			BPF_EXIT_INSN(),
		},
		.out = { 0x1122334455667788ULL, 0x5a },
	},
	{
		"64-bit immediate halves",
		.in = {
			[BPF_REG_2] = 0x0123456789abcdefULL,
			[BPF_REG_3] = 0xffffffff00000000ULL,
			[BPF_REG_4] = 0x00000000ffffffffULL,
			[BPF_REG_5] = 0x8000000000000000ULL,
			[BPF_REG_6] = 0x0000000080000000ULL,
			[BPF_REG_7] = 0,
		},
		.insns = {
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			OUT(5, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = { 0x0123456789abcdefULL, 0xffffffff00000000ULL,
			 0x00000000ffffffffULL, 0x8000000000000000ULL,
			 0x0000000080000000ULL, 0 },
	},
	{
		"64-bit atomics return the old value",
		.in = {
			[BPF_REG_1] = 0x0f0f0f0f0f0f0f0fULL,
			[BPF_REG_2] = 0x1000000000000ff0ULL,
			[BPF_REG_3] = 0xf0f0f0f0f0f0f0f0ULL,
			[BPF_REG_6] = 0x123456789ULL,
		},
		.insns = {
			BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH,
				      BPF_REG_10, BPF_REG_2, -8),
			BPF_ATOMIC_OP(BPF_DW, BPF_AND | BPF_FETCH,
				      BPF_REG_10, BPF_REG_3, -8),
			BPF_MOV64_IMM(BPF_REG_4, 1),
			BPF_ATOMIC_OP(BPF_DW, BPF_OR | BPF_FETCH,
				      BPF_REG_10, BPF_REG_4, -8),
			BPF_MOV64_IMM(BPF_REG_5, -1),
			BPF_ATOMIC_OP(BPF_DW, BPF_XOR | BPF_FETCH,
				      BPF_REG_10, BPF_REG_5, -8),
			BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_10, BPF_REG_6, -8),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			BPF_LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_10, -8),
			OUT(5, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = {
			0x0f0f0f0f0f0f0f0fULL,
			0x0f0f0f0f0f0f0f0fULL + 0x1000000000000ff0ULL,
			(0x0f0f0f0f0f0f0f0fULL + 0x1000000000000ff0ULL) &
				0xf0f0f0f0f0f0f0f0ULL,
			((0x0f0f0f0f0f0f0f0fULL + 0x1000000000000ff0ULL) &
				0xf0f0f0f0f0f0f0f0ULL) | 1,
			~(((0x0f0f0f0f0f0f0f0fULL + 0x1000000000000ff0ULL) &
				0xf0f0f0f0f0f0f0f0ULL) | 1),
			0x123456789ULL,
		},
	},
	{
		"64-bit compare-and-exchange returns the old value in r0",
		.in = {
			[BPF_REG_1] = 0x1111222233334444ULL,
			[BPF_REG_0] = 0x1111222233334444ULL,
			[BPF_REG_2] = 0x5555666677778888ULL,
		},
		.insns = {
			BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_2, -8),
			OUT(0, BPF_REG_0),
			BPF_MOV64_IMM(BPF_REG_0, 7),
			BPF_MOV64_IMM(BPF_REG_3, 9),
			BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_3, -8),
			OUT(1, BPF_REG_0),
			BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, -8),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_2),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		},
		.out = { 0x1111222233334444ULL, 0x5555666677778888ULL,
			 0x5555666677778888ULL, 0x5555666677778888ULL },
	},
	{
		"32-bit atomics zero-extend what they return",
		.in = {
			[BPF_REG_1] = 0xcccccccc80000000ULL,
			[BPF_REG_2] = 0xffffffff00000001ULL,
			[BPF_REG_3] = 0xaaaaaaaa12345678ULL,
			[BPF_REG_0] = 0xffffffff12345678ULL,
			[BPF_REG_7] = 0xffffffff00000003ULL,
		},
		.insns = {
			BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			BPF_ATOMIC_OP(BPF_W, BPF_ADD | BPF_FETCH,
				      BPF_REG_10, BPF_REG_2, -8),
			BPF_ATOMIC_OP(BPF_W, BPF_XCHG, BPF_REG_10, BPF_REG_3, -8),
			BPF_MOV64_IMM(BPF_REG_4, 7),
			BPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, BPF_REG_10, BPF_REG_4, -8),
			BPF_MOV64_REG(BPF_REG_5, BPF_REG_0),
			BPF_MOV64_IMM(BPF_REG_0, -1),
			BPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, BPF_REG_10, BPF_REG_4, -8),
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
			BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_10, BPF_REG_7, -8),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_5),
			OUT(3, BPF_REG_6),
			OUT(4, BPF_REG_7),
			BPF_LDX_MEM(BPF_DW, BPF_REG_8, BPF_REG_10, -8),
			OUT(5, BPF_REG_8),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		},
		.out = { 0x80000000, 0x80000001, 0x12345678, 7,
			 0xffffffff00000003ULL, 0xcccccccc0000000aULL },
	},
	{
		"32-bit fetch and, or, xor return the old value",
		.in = {
			[BPF_REG_2] = 0x123456780f0f0f0fULL,
		},
		.insns = {
			BPF_MOV32_IMM(BPF_REG_1, 0xff00ff00),
			BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4),
			BPF_ATOMIC_OP(BPF_W, BPF_AND | BPF_FETCH,
				      BPF_REG_10, BPF_REG_2, -4),
			BPF_MOV64_IMM(BPF_REG_3, 0xf0),
			BPF_ATOMIC_OP(BPF_W, BPF_OR | BPF_FETCH,
				      BPF_REG_10, BPF_REG_3, -4),
			BPF_MOV64_IMM(BPF_REG_4, -1),
			BPF_ATOMIC_OP(BPF_W, BPF_XOR | BPF_FETCH,
				      BPF_REG_10, BPF_REG_4, -4),
			BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_10, -4),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			BPF_EXIT_INSN(),
		},
		.out = { 0xff00ff00, 0x0f000f00, 0x0f000ff0, 0xf0fff00f },
	},
	{
		"64-bit atomics without fetch leave the source alone",
		.in = {
			[BPF_REG_1] = 0xff00ff00ff00ff00ULL,
			[BPF_REG_2] = 0x0ff00ff00ff00ff0ULL,
		},
		.insns = {
			BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			BPF_ATOMIC_OP(BPF_DW, BPF_AND, BPF_REG_10, BPF_REG_2, -8),
			BPF_MOV64_IMM(BPF_REG_3, 1),
			BPF_ATOMIC_OP(BPF_DW, BPF_OR, BPF_REG_10, BPF_REG_3, -8),
			BPF_MOV64_IMM(BPF_REG_4, 3),
			BPF_ATOMIC_OP(BPF_DW, BPF_XOR, BPF_REG_10, BPF_REG_4, -8),
			BPF_MOV64_IMM(BPF_REG_5, 0x100),
			BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_10, BPF_REG_5, -8),
			BPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_10, -8),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			BPF_EXIT_INSN(),
		},
		.out = { 0x0ff00ff00ff00ff0ULL, 1, 3, 0x100,
			 (((0xff00ff00ff00ff00ULL & 0x0ff00ff00ff00ff0ULL) | 1) ^
			  3) + 0x100 },
	},
	{
		"jmp32 with negative operands",
		.in = {
			[BPF_REG_2] = 0x00000001ffffffffULL,
			[BPF_REG_3] = 0x7ffffffffffffffeULL,
			[BPF_REG_5] = 0x00000002ffffffffULL,
		},
		.insns = {
			BPF_MOV64_IMM(BPF_REG_4, 0),
			BPF_JMP32_IMM(BPF_JSLT, BPF_REG_2, 0, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x1),
			BPF_JMP32_IMM(BPF_JLT, BPF_REG_2, 1, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x2),
			BPF_JMP32_IMM(BPF_JSGT, BPF_REG_2, -2, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x4),
			BPF_JMP32_IMM(BPF_JEQ, BPF_REG_2, -1, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x8),
			BPF_JMP_IMM(BPF_JSLT, BPF_REG_2, 0, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x10),
			BPF_JMP32_IMM(BPF_JSGE, BPF_REG_2, -1, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x20),
			BPF_JMP32_REG(BPF_JSLE, BPF_REG_3, BPF_REG_2, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x40),
			BPF_JMP32_REG(BPF_JGT, BPF_REG_3, BPF_REG_2, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x80),
			BPF_JMP32_IMM(BPF_JSET, BPF_REG_2, 0x80000000, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x100),
			BPF_JMP32_REG(BPF_JNE, BPF_REG_5, BPF_REG_2, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x200),
			BPF_JMP32_IMM(BPF_JGE, BPF_REG_2, -1, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x400),
			BPF_JMP32_REG(BPF_JSLT, BPF_REG_2, BPF_REG_3, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x800),
			OUT(0, BPF_REG_4),
			BPF_EXIT_INSN(),
		},
		/* Each jump skips setting its bit: the bits of those not taken. */
		.out = { 0x2 | 0x10 | 0x80 | 0x200 | 0x800 },
	},
	{
		"jmp64 with negative operands and immediates",
		.insns = {
			BPF_MOV64_IMM(BPF_REG_2, -5),
			BPF_MOV64_IMM(BPF_REG_3, 3),
			BPF_MOV32_IMM(BPF_REG_5, -1),
			BPF_MOV64_IMM(BPF_REG_4, 0),
			BPF_JMP_REG(BPF_JSLT, BPF_REG_2, BPF_REG_3, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x1),
			BPF_JMP_REG(BPF_JLT, BPF_REG_2, BPF_REG_3, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x2),
			BPF_JMP_IMM(BPF_JSGT, BPF_REG_2, -6, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x4),
			BPF_JMP_IMM(BPF_JSGE, BPF_REG_2, -5, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x8),
			BPF_JMP_IMM(BPF_JSLE, BPF_REG_2, -6, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x10),
			BPF_JMP_IMM(BPF_JGT, BPF_REG_2, -6, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x20),
			BPF_JMP_IMM(BPF_JEQ, BPF_REG_5, -1, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x40),
			BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 0xffffffff, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x80),
			BPF_JMP_IMM(BPF_JSET, BPF_REG_2, 0x80000000, 1),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x100),
			OUT(0, BPF_REG_4),
			BPF_EXIT_INSN(),
		},
		.out = { 0x2 | 0x10 | 0x40 },
	},
	{
		"byte swaps",
		.in = {
			[BPF_REG_1] = 0x0123456789abcdefULL,
		},
		.insns = {
			BPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16),
			BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			BPF_ENDIAN(BPF_TO_BE, BPF_REG_3, 32),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_1),
			BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 64),
			BPF_MOV64_REG(BPF_REG_5, BPF_REG_1),
			BPF_ENDIAN(BPF_TO_LE, BPF_REG_5, 16),
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			BPF_ENDIAN(BPF_TO_LE, BPF_REG_6, 32),
			BPF_MOV64_REG(BPF_REG_7, BPF_REG_1),
			BPF_ENDIAN(BPF_TO_LE, BPF_REG_7, 64),
			OUT(0, BPF_REG_2),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_4),
			OUT(3, BPF_REG_5),
			OUT(4, BPF_REG_6),
			OUT(5, BPF_REG_7),
			BPF_EXIT_INSN(),
		},
		.out = {
			be16_to_cpu((__force __be16)0xcdef),
			be32_to_cpu((__force __be32)0x89abcdef),
			be64_to_cpu((__force __be64)0x0123456789abcdefULL),
			le16_to_cpu((__force __le16)0xcdef),
			le32_to_cpu((__force __le32)0x89abcdef),
			le64_to_cpu((__force __le64)0x0123456789abcdefULL),
		},
	},
	{
		"a faulting probe load reads 0",
		.insns = {
			BPF_MOV64_IMM(BPF_REG_2, 0),
			BPF_MOV64_IMM(BPF_REG_4, -1),
			BPF_RAW_INSN(BPF_LDX | BPF_PROBE_MEM | BPF_DW,
				     BPF_REG_4, BPF_REG_2, 16, 0),
			OUT(0, BPF_REG_4),
			BPF_EXIT_INSN(),
		},
		.out = { 0 },
	},
	{
		/* Upstream's reads need CONFIG_BPF_EVENTS' probe helper. */
		"a probe load reads memory",
		.insns = {
			BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x11223344),
			BPF_RAW_INSN(BPF_LDX | BPF_PROBE_MEM | BPF_H,
				     BPF_REG_5, BPF_REG_10, -4, 0),
			OUT(0, BPF_REG_5),
			BPF_EXIT_INSN(),
		},
		.out = { 0x3344 },
		.flags = OURS,
	},
	{
		"return value is the low half of r0",
		.in = {
			[BPF_REG_0] = 0x12345678deadbeefULL,
		},
		.insns = {
			BPF_EXIT_INSN(),
		},
		.ret = 0xdeadbeef,
	},
	{
		"bpf-to-bpf call has its own frame",
		.insns = {
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0x55),
			BPF_MOV64_IMM(BPF_REG_1, 20),
			BPF_MOV64_IMM(BPF_REG_2, 22),
			BPF_MOV64_IMM(BPF_REG_6, 6),
			BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5),
			OUT(0, BPF_REG_0),
			BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
			OUT(1, BPF_REG_3),
			OUT(2, BPF_REG_6),
			BPF_EXIT_INSN(),
			/* the callee */
			BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0x77),
			BPF_MOV64_IMM(BPF_REG_6, 66),
			BPF_EXIT_INSN(),
		},
		.out = { 42, 0x55, 6 },
		.ret = 42,
		.flags = OURS,
	},
	{
		"nospec runs as a barrier",
		.insns = {
			BPF_MOV64_IMM(BPF_REG_2, 3),
			BPF_RAW_INSN(BPF_ST | BPF_NOSPEC, 0, 0, 0, 0),
			OUT(0, BPF_REG_2),
			BPF_EXIT_INSN(),
		},
		.out = { 3 },
	},
	{
		"refuse an unknown opcode",
		.insns = {
			BPF_RAW_INSN(0xff, 0, 0, 0, 0),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse classic packet loads",
		.insns = {
			BPF_RAW_INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse a jump past the end",
		.insns = {
			BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse a jump before the start",
		.insns = {
			BPF_JMP_A(-100),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse a call out of the program",
		.insns = {
			BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse register 12",
		.insns = {
			BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_K, 12, 0, 0, 1),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse a cut 64-bit immediate",
		.insns = {
			BPF_EXIT_INSN(),
			BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1),
		},
		.len = 2,
		.flags = REJECT,
	},
	{
		"refuse a byte swap of 8 bits",
		.insns = {
			BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 8),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
	{
		"refuse an atomic subtraction",
		.insns = {
			BPF_ATOMIC_OP(BPF_DW, BPF_SUB, BPF_REG_10, BPF_REG_0, -8),
			BPF_EXIT_INSN(),
		},
		.flags = REJECT,
	},
};

/* Instructions up to the first all-zero one that is not an imm64 half. */
static int test_len(const struct bpf_insn *insns)
{
	static const struct bpf_insn zero;
	int i;

	for (i = 0; i < MAX_INSNS; i++) {
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
		else if (!memcmp(&insns[i], &zero, sizeof(zero)))
			break;
	}
	return i;
}

/*
 * A program of insns after a prologue that keeps the context in r9 and
 * loads r0-r8 from in (zeros if NULL). Returns an ERR_PTR with what
 * bpf_prog_select_runtime() said.
 */
static struct bpf_prog *test_prog(const u64 *in, const struct bpf_insn *insns,
				  int len)
{
	int prologue = 1 + 2 * IN_REGS, i, err;
	struct bpf_prog *fp;

	fp = bpf_prog_alloc(bpf_prog_size(prologue + len), 0);
	if (!fp)
		return ERR_PTR(-ENOMEM);
	fp->len = prologue + len;
	fp->type = BPF_PROG_TYPE_SOCKET_FILTER;
	fp->insnsi[0] = BPF_MOV64_REG(BPF_REG_9, BPF_REG_1);
	for (i = 0; i < IN_REGS; i++) {
		struct bpf_insn ld[] = { BPF_LD_IMM64(i, in ? in[i] : 0) };

		memcpy(&fp->insnsi[1 + 2 * i], ld, sizeof(ld));
	}
	memcpy(&fp->insnsi[prologue], insns, len * sizeof(*insns));
	fp = bpf_prog_select_runtime(fp, &err);
	if (err) {
		bpf_prog_free(fp);
		return ERR_PTR(err);
	}
	return fp;
}

static u32 test_run(const struct bpf_prog *fp, u64 *out)
{
	u32 ret;

	memset(out, 0, OUT_SLOTS * sizeof(*out));
	migrate_disable();
	ret = bpf_prog_run(fp, out);
	migrate_enable();
	return ret;
}

static int n_tests;

static void report(const char *name, bool ok, const char *skip)
{
	n_tests++;
	if (skip)
		pr_info("ok %d %s # SKIP %s\n", n_tests, name, skip);
	else
		pr_info("%sok %d %s\n", ok ? "" : "not ", n_tests, name);
}

static void run_table_test(const struct runtime_test *t)
{
	u64 out[OUT_SLOTS];
	struct bpf_prog *fp;
	bool ok = true;
	u32 ret;
	int i;

	if (verified_only && (t->flags & OURS)) {
		report(t->name, true, "upstream leaves this to its verifier");
		return;
	}
	fp = test_prog(t->in, t->insns, t->len ? t->len : test_len(t->insns));
	if ((t->flags & REJECT) == REJECT) {
		if (PTR_ERR_OR_ZERO(fp) != -EINVAL) {
			pr_info("# select_runtime returned %d, not -EINVAL\n",
				(int)PTR_ERR_OR_ZERO(fp));
			ok = false;
		}
		if (!IS_ERR(fp))
			bpf_prog_free(fp);
		report(t->name, ok, NULL);
		return;
	}
	if (IS_ERR(fp)) {
		pr_info("# select_runtime failed: %ld\n", PTR_ERR(fp));
		report(t->name, false, NULL);
		return;
	}
	ret = test_run(fp, out);
	bpf_prog_free(fp);
	for (i = 0; i < OUT_SLOTS; i++) {
		if (out[i] == t->out[i])
			continue;
		pr_info("# slot %d: got %#llx, expected %#llx\n",
			i, out[i], t->out[i]);
		ok = false;
	}
	if (ret != t->ret) {
		pr_info("# returned %#x, expected %#x\n", ret, t->ret);
		ok = false;
	}
	report(t->name, ok, NULL);
}

/* An array of nr programs for tail calls, as a prog array map holds them. */
static struct bpf_array *tail_call_array(u32 nr)
{
	struct bpf_array *array;

	array = kzalloc(struct_size(array, ptrs, nr), GFP_KERNEL);
	if (array)
		array->map.max_entries = nr;
	return array;
}

/* A program whose r2 is loaded with array and r3 with index first. */
static struct bpf_prog *tail_call_prog(struct bpf_array *array, u32 index,
				       const struct bpf_insn *insns, int len)
{
	struct bpf_insn prog[MAX_INSNS] = {
		BPF_LD_IMM64(BPF_REG_2, (unsigned long)array),
		BPF_MOV64_IMM(BPF_REG_3, index),
	};

	memcpy(&prog[3], insns, len * sizeof(*insns));
	return test_prog(NULL, prog, len + 3);
}

/* Counts its runs in out[0] and tail-calls itself: 1 + MAX_TAIL_CALL_CNT. */
static void test_tail_call_limit(void)
{
	static const struct bpf_insn body[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_9, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_6, 0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_9),
		BPF_RAW_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	struct bpf_array *array = tail_call_array(1);
	const char *name = "tail calls stop after MAX_TAIL_CALL_CNT";
	u64 out[OUT_SLOTS];
	struct bpf_prog *fp;
	bool ok;
	u32 ret;

	fp = array ? tail_call_prog(array, 0, body, ARRAY_SIZE(body)) : NULL;
	if (IS_ERR_OR_NULL(fp)) {
		kfree(array);
		report(name, false, NULL);
		return;
	}
	array->ptrs[0] = fp;
	ret = test_run(fp, out);
	ok = ret == 1 && out[0] == MAX_TAIL_CALL_CNT + 1;
	if (!ok)
		pr_info("# ran %llu times, returned %u\n", out[0], ret);
	bpf_prog_free(fp);
	kfree(array);
	report(name, ok, NULL);
}

/*
 * Slot 0 returns 7; the caller tail-calls a missing index and an empty
 * slot (both go on), then slot 0, which never comes back.
 */
static void test_tail_call_paths(void)
{
	static const struct bpf_insn target[] = {
		BPF_MOV64_IMM(BPF_REG_0, 7),
		BPF_EXIT_INSN(),
	};
	static const struct bpf_insn caller[] = {
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_9),
		BPF_RAW_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_9, 0, 1),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_RAW_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_9, 8, 2),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_RAW_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_9, 16, 3),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	const char *name = "failed tail calls go on, a tail call does not return";
	struct bpf_array *array = tail_call_array(2);
	struct bpf_prog *fp = NULL, *callee = NULL;
	u64 out[OUT_SLOTS];
	bool ok = false;
	u32 ret;

	if (!array)
		goto out;
	callee = test_prog(NULL, target, ARRAY_SIZE(target));
	fp = tail_call_prog(array, 5, caller, ARRAY_SIZE(caller));
	if (IS_ERR(callee) || IS_ERR(fp))
		goto out;
	array->ptrs[0] = callee;
	ret = test_run(fp, out);
	ok = ret == 7 && out[0] == 1 && out[1] == 2 && out[2] == 0;
	if (!ok)
		pr_info("# returned %u, out %llu %llu %llu\n",
			ret, out[0], out[1], out[2]);
out:
	if (!IS_ERR_OR_NULL(fp))
		bpf_prog_free(fp);
	if (!IS_ERR_OR_NULL(callee))
		bpf_prog_free(callee);
	kfree(array);
	report(name, ok, NULL);
}

static u64 test_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return r1 + 10 * r2 + 100 * r3 + 1000 * r4 + 10000 * r5;
}

/* A helper gets r1-r5 and returns in r0; r6-r9 survive the call. */
static void test_helper_call(void)
{
	const char *name = "helper calls pass r1-r5 and keep r6-r9";
	long delta = (long)test_helper - (long)__bpf_call_base;
	struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_MOV64_IMM(BPF_REG_2, 2),
		BPF_MOV64_IMM(BPF_REG_3, 3),
		BPF_MOV64_IMM(BPF_REG_4, 4),
		BPF_MOV64_IMM(BPF_REG_5, 5),
		BPF_MOV64_IMM(BPF_REG_6, 6),
		BPF_MOV64_IMM(BPF_REG_7, 7),
		BPF_MOV64_IMM(BPF_REG_8, 8),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, delta),
		OUT(0, BPF_REG_0),
		OUT(1, BPF_REG_6),
		OUT(2, BPF_REG_7),
		OUT(3, BPF_REG_8),
		BPF_EXIT_INSN(),
	};
	u64 out[OUT_SLOTS];
	struct bpf_prog *fp;
	bool ok;
	u32 ret;

	if (delta != (s32)delta) {
		report(name, true, "helper out of reach of __bpf_call_base");
		return;
	}
	fp = test_prog(NULL, insns, ARRAY_SIZE(insns));
	if (IS_ERR(fp)) {
		report(name, false, NULL);
		return;
	}
	ret = test_run(fp, out);
	bpf_prog_free(fp);
	ok = ret == 54321 && out[0] == 54321 && out[1] == 6 && out[2] == 7 &&
	     out[3] == 8;
	if (!ok)
		pr_info("# returned %u, out %llu %llu %llu %llu\n",
			ret, out[0], out[1], out[2], out[3]);
	report(name, ok, NULL);
}

static int __init test_bpf_runtime_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tests); i++)
		run_table_test(&tests[i]);
	test_tail_call_limit();
	test_tail_call_paths();
	test_helper_call();
	pr_info("1..%d\n", n_tests);
	/*
	 * Loaded either way: busybox's insmod retries a failed load, which
	 * would run every case twice.
	 */
	return 0;
}

static void __exit test_bpf_runtime_exit(void)
{
}

module_init(test_bpf_runtime_init);
module_exit(test_bpf_runtime_exit);
MODULE_DESCRIPTION("Edge cases of the BPF runtime");
MODULE_LICENSE("GPL");
