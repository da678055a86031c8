/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cases of test_verifier.c, grouped by the rule they check. Each
 * group has programs the verifier must accept and programs it must
 * refuse.
 */

/*
 * Privileged programs (CAP_PERFMON) may read stack they never wrote, as
 * in 6.1; unprivileged ones may not.
 */
#define PRIV_UNINIT(nm, ...) {						\
	.name = nm,							\
	.insns = { __VA_ARGS__ },					\
	.result = ACCEPT,						\
	.unpriv = U_REJECT, .unpriv_log = "uninitialized stack",	\
}

/* Offsets into the socket filter context. */
#define SKB(f)		offsetof(struct __sk_buff, f)

/*
 * r0 = 1 if key 0 is in MAP_ARRAY8, 2 if (0, 0x5eed) is not in MAP_HASH8:
 * the array where skb->len @op 1000 is false, the hash map where true.
 */
#define LOOKUP_EITHER(op)						\
	INSNS(ST(BPF_W, R10, -8, 0), ST(BPF_W, R10, -4, 0x5eed),	\
	      LDX(BPF_W, R3, R1, SKB(len)),				\
	      MOV64(R2, R10), A64I(BPF_ADD, R2, -8),			\
	      JI(op, R3, 1000, 3),					\
	      LDMAP(R1, MAP_ARRAY8), JA(2),				\
	      LDMAP(R1, MAP_HASH8),					\
	      CALL(BPF_FUNC_map_lookup_elem),				\
	      JI(BPF_JEQ, R0, 0, 2), MOV64I(R0, 1), EXIT(),		\
	      MOV64I(R0, 2), EXIT())

/* r0 = the value of key 0 of @map, or return 0 if there is none. */
#define VALUE(map)							\
	INSNS(ST(BPF_W, R10, -4, 0),					\
	      MOV64(R2, R10),						\
	      A64I(BPF_ADD, R2, -4),					\
	      LDMAP(R1, map),						\
	      CALL(BPF_FUNC_map_lookup_elem),				\
	      JI(BPF_JNE, R0, 0, 2),					\
	      MOV64I(R0, 0),						\
	      EXIT())

/* r0 = lookup of key 0 of @map, maybe NULL. */
#define LOOKUP(map)							\
	INSNS(ST(BPF_W, R10, -4, 0),					\
	      MOV64(R2, R10),						\
	      A64I(BPF_ADD, R2, -4),					\
	      LDMAP(R1, map),						\
	      CALL(BPF_FUNC_map_lookup_elem))

/* r1 = an unknown 64-bit scalar, r6 = a 48-byte map value (or return) */
#define UNKNOWN_R1							\
	INSNS(VALUE(MAP_ARRAY48),					\
	      MOV64(R6, R0),						\
	      LDX(BPF_DW, R1, R6, 0))

/* Then: access 1 byte at r6 + r1; return 0. */
#define ACCESS_R6_PLUS_R1						\
	INSNS(A64(BPF_ADD, R6, R1),					\
	      LDX(BPF_B, R0, R6, 0),					\
	      MOV64I(R0, 0),						\
	      EXIT())

/* An ALU result checked at run time: return 1 if r1 == @v, else 2. */
#define EXPECT_R1(v)							\
	INSNS(LDI64(R2, v),						\
	      J(BPF_JEQ, R1, R2, 2),					\
	      MOV64I(R0, 2),						\
	      EXIT(),							\
	      MOV64I(R0, 1),						\
	      EXIT())

/* Why the reference kernel refuses what this one proves safe. */
#define SKIP_SWAP "upstream 6.1 forgets everything about a swapped value"
#define SKIP_NEG "upstream 6.1 forgets everything about a negated value"

/* Go on only if @jmp (whose offset is 2) is taken. */
#define CONTINUE_IF(jmp) INSNS(jmp, MOV64I(R0, 0), EXIT())

static const struct vcase cases[] = {
	/* ---- instruction shape ------------------------------------------------ */
#define SHAPE(nm, ...) {						\
	.name = "shape: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.result = REJECT, .err = EINVAL, .unpriv = U_SAME,		\
}

	SHAPE("unknown class-ALU operation 0xe0", A64I(0xe0, R0, 0), EXIT()),
	SHAPE("unknown 32-bit ALU operation 0xf0", A32I(0xf0, R0, 0), EXIT()),
	SHAPE("unknown jump operation 0xe0", MOV64I(R0, 0), JI(0xe0, R0, 0, 0), EXIT()),
	SHAPE("gotol with an offset field", MOV64I(R0, 0),
	      INSN(BPF_JMP32 | BPF_JA, 0, 0, 1, 0), EXIT()),
	SHAPE("goto with an immediate offset", MOV64I(R0, 0),
	      INSN(BPF_JMP | BPF_JA, 0, 0, 0, 1), EXIT(), EXIT()),
	SHAPE("gotol past the end", MOV64I(R0, 0), INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 100), EXIT()),
	{
		.name = "shape: gotol jumps by its immediate",
		.insns = {
			LDX(BPF_W, R2, R1, SKB(len)), MOV64I(R0, 1),
			JI(BPF_JEQ, R2, 0, 1), INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 1),
			MOV64I(R0, 2), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME,
	},
	SHAPE("32-bit call does not exist",
	      INSN(BPF_JMP32 | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns),
	      EXIT()),
	SHAPE("32-bit exit does not exist", MOV64I(R0, 0), INSN(BPF_JMP32 | BPF_EXIT, 0, 0, 0, 0)),
	SHAPE("BPF_LD in BPF_MEM mode", INSN(BPF_LD | BPF_MEM | BPF_W, R0, R1, 0, 0), EXIT()),
	SHAPE("BPF_LDX in BPF_IMM mode", INSN(BPF_LDX | BPF_IMM | BPF_W, R0, R1, 0, 0), EXIT()),
	SHAPE("BPF_ST in BPF_ATOMIC mode", MOV64I(R0, 0),
	      INSN(BPF_ST | BPF_ATOMIC | BPF_DW, R10, 0, -8, BPF_ADD), EXIT()),
	SHAPE("1-byte atomic", MOV64I(R0, 0), ST(BPF_DW, R10, -8, 0),
	      ATOMIC(BPF_B, BPF_ADD, R10, -8, R0), EXIT()),
	SHAPE("2-byte atomic", MOV64I(R0, 0), ST(BPF_DW, R10, -8, 0),
	      ATOMIC(BPF_H, BPF_ADD, R10, -8, R0), EXIT()),
	SHAPE("atomic subtraction does not exist", MOV64I(R0, 0),
	      ST(BPF_DW, R10, -8, 0), ATOMIC(BPF_DW, BPF_SUB, R10, -8, R0),
	      EXIT()),
	SHAPE("atomic fetch-and-xchg flag combination", MOV64I(R0, 0),
	      ST(BPF_DW, R10, -8, 0),
	      ATOMIC(BPF_DW, BPF_MUL | BPF_FETCH, R10, -8, R0), EXIT()),
	SHAPE("BPF_LD_ABS of 8 bytes", MOV64(R6, R1), LDABS(BPF_DW, 0), EXIT()),
	SHAPE("BPF_LD_ABS with a destination register", MOV64(R6, R1),
	      INSN(BPF_LD | BPF_ABS | BPF_W, R1, 0, 0, 0), EXIT()),
	SHAPE("BPF_LD_ABS with a source register", MOV64(R6, R1),
	      INSN(BPF_LD | BPF_ABS | BPF_W, 0, R2, 0, 0), EXIT()),
	SHAPE("BPF_LD_IND with an offset", MOV64(R6, R1), MOV64I(R2, 0),
	      INSN(BPF_LD | BPF_IND | BPF_W, 0, R2, 1, 0), EXIT()),
	SHAPE("ALU with a register and an immediate", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_X | BPF_ADD, R0, R0, 0, 1), EXIT()),
	SHAPE("ALU immediate with a source register", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_K | BPF_ADD, R0, R1, 0, 1), EXIT()),
	SHAPE("ALU with an offset", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_K | BPF_ADD, R0, 0, 1, 1), EXIT()),
	SHAPE("mov with a register and an immediate",
	      INSN(BPF_ALU64 | BPF_X | BPF_MOV, R0, R1, 0, 1), EXIT()),
	SHAPE("mov immediate with an offset",
	      INSN(BPF_ALU64 | BPF_K | BPF_MOV, R0, 0, 1, 1), EXIT()),
	SHAPE("negation with an immediate", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_NEG, R0, 0, 0, 1), EXIT()),
	SHAPE("negation with a source register", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_X | BPF_NEG, R0, R1, 0, 0), EXIT()),
	SHAPE("byte swap of 8 bits", MOV64I(R0, 0), BSWAP(BPF_TO_BE, R0, 8), EXIT()),
	SHAPE("byte swap of 24 bits", MOV64I(R0, 0), BSWAP(BPF_TO_LE, R0, 24), EXIT()),
	SHAPE("64-bit class byte swap", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_END | BPF_TO_BE, R0, 0, 0, 16), EXIT()),
	SHAPE("byte swap with a source register", MOV64I(R0, 0),
	      INSN(BPF_ALU | BPF_END | BPF_TO_BE, R0, R1, 0, 16), EXIT()),
	SHAPE("goto with an immediate", MOV64I(R0, 0), INSN(BPF_JMP | BPF_JA, 0, 0, 0, 1), EXIT()),
	SHAPE("goto with a register", MOV64I(R0, 0), INSN(BPF_JMP | BPF_JA, R1, 0, 0, 0), EXIT()),
	SHAPE("exit with a register", MOV64I(R0, 0), INSN(BPF_JMP | BPF_EXIT, R1, 0, 0, 0)),
	SHAPE("exit with an immediate", MOV64I(R0, 0), INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 1)),
	SHAPE("call with a destination register",
	      INSN(BPF_JMP | BPF_CALL, R1, 0, 0, BPF_FUNC_ktime_get_ns),
	      EXIT()),
	SHAPE("call with an offset",
	      INSN(BPF_JMP | BPF_CALL, 0, 0, 1, BPF_FUNC_ktime_get_ns), EXIT()),
	SHAPE("call through a register", INSN(BPF_JMP | BPF_CALL | BPF_X, 0, R1, 0, 0), EXIT()),
	SHAPE("jump immediate with a source register", MOV64I(R0, 0),
	      INSN(BPF_JMP | BPF_JEQ | BPF_K, R0, R1, 0, 0), EXIT()),
	SHAPE("jump register with an immediate", MOV64I(R0, 0),
	      INSN(BPF_JMP | BPF_JEQ | BPF_X, R0, R0, 0, 1), EXIT()),
	SHAPE("load with an immediate", INSN(BPF_LDX | BPF_MEM | BPF_W, R0, R1, 0, 1), EXIT()),
	SHAPE("store immediate with a source register", MOV64I(R0, 0),
	      INSN(BPF_ST | BPF_MEM | BPF_W, R10, R1, -4, 1), EXIT()),
	SHAPE("store register with an immediate", MOV64I(R0, 0),
	      INSN(BPF_STX | BPF_MEM | BPF_W, R10, R0, -4, 1), EXIT()),
	SHAPE("register 11 as destination",
	      INSN(BPF_ALU64 | BPF_K | BPF_MOV, 11, 0, 0, 0), MOV64I(R0, 0),
	      EXIT()),
	SHAPE("register 12 as source", MOV64I(R0, 0),
	      INSN(BPF_ALU64 | BPF_X | BPF_ADD, R0, 12, 0, 0), EXIT()),
	SHAPE("register 15 as load base", INSN(BPF_LDX | BPF_MEM | BPF_W, R0, 15, 0, 0), EXIT()),
	SHAPE("64-bit division by immediate zero", MOV64I(R0, 1), A64I(BPF_DIV, R0, 0), EXIT()),
	SHAPE("32-bit division by immediate zero", MOV64I(R0, 1), A32I(BPF_DIV, R0, 0), EXIT()),
	SHAPE("64-bit modulo by immediate zero", MOV64I(R0, 1), A64I(BPF_MOD, R0, 0), EXIT()),
	SHAPE("32-bit modulo by immediate zero", MOV64I(R0, 1), A32I(BPF_MOD, R0, 0), EXIT()),
	SHAPE("64-bit shift by 64", MOV64I(R0, 1), A64I(BPF_LSH, R0, 64), EXIT()),
	SHAPE("32-bit shift by 32", MOV64I(R0, 1), A32I(BPF_RSH, R0, 32), EXIT()),
	SHAPE("32-bit arithmetic shift by 32", MOV64I(R0, 1), A32I(BPF_ARSH, R0, 32), EXIT()),
	SHAPE("shift by -1", MOV64I(R0, 1), A64I(BPF_LSH, R0, -1), EXIT()),
	SHAPE("jump past the end", MOV64I(R0, 0), JA(5), EXIT()),
	SHAPE("jump before the start", MOV64I(R0, 0), JI(BPF_JEQ, R0, 0, -3), EXIT()),
	SHAPE("conditional jump past the end", MOV64I(R0, 0), JI(BPF_JEQ, R0, 0, 1), EXIT()),
	SHAPE("jump into the middle of a 64-bit load", MOV64I(R0, 0),
	      JI(BPF_JEQ, R0, 0, 1), LDI64(R0, 1), EXIT()),
	SHAPE("64-bit load with a nonzero second code",
	      INSN(BPF_LD | BPF_IMM | BPF_DW, R0, 0, 0, 1),
	      INSN(BPF_ALU64, 0, 0, 0, 0), EXIT()),
	SHAPE("64-bit load with a register in its second half",
	      INSN(BPF_LD | BPF_IMM | BPF_DW, R0, 0, 0, 1),
	      INSN(0, R1, 0, 0, 0), EXIT()),
	SHAPE("64-bit load with an offset in its second half",
	      INSN(BPF_LD | BPF_IMM | BPF_DW, R0, 0, 0, 1), INSN(0, 0, 0, 1, 0),
	      EXIT()),
	SHAPE("64-bit load of unknown kind 9",
	      INSN(BPF_LD | BPF_IMM | BPF_DW, R0, 9, 0, 1), INSN(0, 0, 0, 0, 0),
	      EXIT()),
	SHAPE("32-bit immediate load", INSN(BPF_LD | BPF_IMM | BPF_W, R0, 0, 0, 1), EXIT()),
	SHAPE("map reference with an upper half",
	      INSN(BPF_LD | BPF_IMM | BPF_DW, R1, BPF_PSEUDO_MAP_FD, 0, MAP_ARRAY8),
	      INSN(0, 0, 0, 0, 1), MOV64I(R0, 0), EXIT()),
	SHAPE("code 0 alone", INSN(0, 0, 0, 0, 0), MOV64I(R0, 0), EXIT()),
	SHAPE("unreachable exit after a goto", MOV64I(R0, 0), JA(1), EXIT(), EXIT()),
	SHAPE("unreachable code after exit", MOV64I(R0, 0), EXIT(), MOV64I(R0, 1), EXIT()),
	SHAPE("falls off the end after a branch", MOV64I(R0, 0),
	      JI(BPF_JEQ, R0, 1, 1), EXIT(), MOV64I(R0, 1)),
	SHAPE("a call as the last instruction", MOV64I(R0, 0),
	      CALL(BPF_FUNC_ktime_get_ns)),
	SHAPE("a conditional jump as the last instruction", MOV64I(R0, 0),
	      JI(BPF_JEQ, R0, 1, -2)),
	SHAPE("a 64-bit load as the last instruction", MOV64I(R0, 0),
	      LDI64(R1, 0x100000001ULL)),
	SHAPE("a backward goto into the middle of a 64-bit load",
	      LDI64(R0, 0x100000001ULL), JA(-2), EXIT()),
	SHAPE("gotol into the middle of a 64-bit load",
	      INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 1), LDI64(R0, 0x100000001ULL),
	      EXIT()),
	SHAPE("a register jump into the middle of a 64-bit load",
	      MOV64I(R0, 0), MOV64I(R1, 0), J(BPF_JEQ, R0, R1, 1),
	      LDI64(R0, 0x100000001ULL), EXIT()),
	{
		.name = "shape: a jump over a 64-bit load lands after it",
		.insns = {
			MOV64I(R0, 5), JI(BPF_JEQ, R0, 5, 2),
			LDI64(R0, 0x100000001ULL), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 5, .unpriv = U_SAME,
	},
	{
		.name = "shape: 64-bit load cut at the end",
		.insns = { MOV64I(R0, 0), EXIT(), INSN(BPF_LD | BPF_IMM | BPF_DW, R0, 0, 0, 1) },
		.len = 3,
		.result = REJECT, .err = EINVAL,
	},
	{
		.name = "shape: map fd that is not open",
		.insns = { LDMAP(R1, 999), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .err = EBADF, .unpriv = U_SAME,
	},
	{
		.name = "shape: map fd that is not a map",
		.insns = { LDMAP(R1, 0), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},
	{
		.name = "shape: shift by 63 is fine",
		.insns = { MOV64I(R0, 1), A64I(BPF_LSH, R0, 63), A64I(BPF_RSH, R0, 63), EXIT() },
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME,
	},
	{
		.name = "shape: 32-bit shift by 31 is fine",
		.insns = { MOV64I(R0, 1), A32I(BPF_LSH, R0, 31), A32I(BPF_ARSH, R0, 31), EXIT() },
		.result = ACCEPT, .run = true, .retval = 0xffffffff, .unpriv = U_SAME,
	},
	{
		.name = "shape: a goto of 0 is fine",
		.insns = { MOV64I(R0, 3), JA(0), EXIT() },
		.result = ACCEPT, .run = true, .retval = 3, .unpriv = U_SAME,
	},
	{
		.name = "shape: 64-bit immediate load",
		.insns = { LDI64(R0, 0x123456789abcdef0ULL), A64I(BPF_RSH, R0, 32), EXIT() },
		.result = ACCEPT, .run = true, .retval = 0x12345678, .unpriv = U_SAME,
	},

	/* ---- registers ---------------------------------------------------------- */
#define UNINIT(nm, lg, ...) {						\
	.name = "registers: " nm,					\
	.insns = { __VA_ARGS__ },					\
	.result = REJECT, .log = lg, .unpriv = U_SAME,			\
}

	UNINIT("R0 not set at exit", "R0 is not set", EXIT()),
	UNINIT("R0 read as an ALU source", "R0 is read", A64(BPF_ADD, R1, R0),
	       MOV64I(R0, 0), EXIT()),
	UNINIT("R2 read as an ALU destination", "R2 is read",
	       A64I(BPF_ADD, R2, 1), MOV64I(R0, 0), EXIT()),
	UNINIT("R3 as a load base", "R3 is read", LDX(BPF_W, R0, R3, 0), EXIT()),
	UNINIT("R4 stored", "R4 is read", STX(BPF_DW, R10, -8, R4), MOV64I(R0, 0), EXIT()),
	UNINIT("R5 as a store base", "R5 is read", ST(BPF_DW, R5, 0, 0), MOV64I(R0, 0), EXIT()),
	UNINIT("R6 compared", "R6 is read", MOV64I(R0, 0), JI(BPF_JEQ, R6, 0, 0), EXIT()),
	UNINIT("R7 compared as source", "R7 is read", MOV64I(R0, 0), J(BPF_JEQ, R0, R7, 0), EXIT()),
	UNINIT("R8 negated", "R8 is read", NEG64(R8), MOV64I(R0, 0), EXIT()),
	UNINIT("R9 byte-swapped", "R9 is read", BSWAP(BPF_TO_BE, R9, 32), MOV64I(R0, 0), EXIT()),
	UNINIT("R9 32-bit source", "R9 is read", MOV32(R0, R9), EXIT()),
	UNINIT("R1 clobbered by a call", "R1 is read",
	       CALL(BPF_FUNC_ktime_get_ns), MOV64(R0, R1), EXIT()),
	UNINIT("R5 clobbered by a call", "R5 is read", MOV64I(R5, 1),
	       CALL(BPF_FUNC_ktime_get_ns), MOV64(R0, R5), EXIT()),
	UNINIT("R2 as a helper's key argument", "R2 is read",
	       LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
	       MOV64I(R0, 0), EXIT()),
	UNINIT("R0 after a branch that skips its write", "R0 is not set",
	       LDX(BPF_W, R2, R1, SKB(len)), JI(BPF_JEQ, R2, 0, 1),
	       MOV64I(R0, 0), EXIT()),
	UNINIT("R3 as an atomic operand", "R3 is read", ST(BPF_DW, R10, -8, 0),
	       ATOMIC(BPF_DW, BPF_ADD, R10, -8, R3), MOV64I(R0, 0), EXIT()),
	UNINIT("R0 for cmpxchg", "R0 is read", ST(BPF_DW, R10, -8, 0),
	       MOV64I(R1, 0), ATOMIC(BPF_DW, BPF_CMPXCHG, R10, -8, R1), EXIT()),
	UNINIT("the frame pointer is read-only", "R10", MOV64I(R10, 0), MOV64I(R0, 0), EXIT()),
	UNINIT("loads cannot write the frame pointer", "R10",
	       LDX(BPF_DW, R10, R1, 0), MOV64I(R0, 0), EXIT()),
	UNINIT("R10 cannot be incremented", "R10", A64I(BPF_ADD, R10, -8), MOV64I(R0, 0), EXIT()),
	{
		.name = "registers: R10 as the register of an atomic fetch",
		.insns = {
			MOV64I(R0, 0), ST(BPF_DW, R10, -8, 0),
			ATOMIC(BPF_DW, BPF_ADD | BPF_FETCH, R10, -8, R10), EXIT(),
		},
		.result = REJECT, .log = "read-only", .unpriv = U_SAME,
	},
	{
		.name = "registers: a 64-bit immediate load into R10",
		.insns = { LDI64(R10, 0x100000001ULL), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "read-only", .unpriv = U_SAME,
	},
	{
		/* a tail call returns nothing: R0 is not set after it */
		.name = "registers: R0 is not set after a tail call",
		.insns = {
			MOV64I(R3, 0), LDMAP(R2, MAP_PROGS),
			CALL(BPF_FUNC_tail_call), EXIT(),
		},
		.result = REJECT, .log = "R0 is not set", .unpriv = U_SAME,
	},
	{
		.name = "registers: R0 set after a tail call that falls through",
		.insns = {
			MOV64I(R3, 0), LDMAP(R2, MAP_PROGS),
			CALL(BPF_FUNC_tail_call), MOV64I(R0, 7), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 7, .unpriv = U_SAME,
	},
	{
		.name = "registers: R6-R9 survive a call",
		.insns = {
			MOV64I(R6, 1), MOV64I(R7, 2), MOV64I(R8, 3), MOV64I(R9, 4),
			CALL(BPF_FUNC_ktime_get_ns),
			MOV64(R0, R6), A64(BPF_ADD, R0, R7), A64(BPF_ADD, R0, R8),
			A64(BPF_ADD, R0, R9), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 10, .unpriv = U_SAME,
	},
	{
		.name = "registers: R10 may be copied and read",
		.insns = {
			MOV64(R1, R10), ST(BPF_DW, R1, -8, 5),
			LDX(BPF_DW, R0, R10, -8), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 5, .unpriv = U_SAME,
	},
	{
		.name = "registers: R1 holds the context at entry",
		.insns = { LDX(BPF_W, R0, R1, SKB(len)), A64I(BPF_SUB, R0, 50), EXIT() },
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "registers: R2 is not set at entry",
		.insns = { MOV64(R0, R2), EXIT() },
		.result = REJECT, .log = "R2 is read", .unpriv = U_SAME,
	},
	{
		.name = "registers: a written register is set on every path",
		.insns = {
			LDX(BPF_W, R2, R1, SKB(len)),
			JI(BPF_JEQ, R2, 0, 2),
			MOV64I(R0, 1),
			JA(1),
			MOV64I(R0, 2),
			EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME,
	},

	/* ---- arithmetic: results at verification and at run time ------------ */
	/*
	 * ALU_K: r1 = a; r1 op= imm, folded by the verifier.
	 * ALU_X: r1 = a; r3 = b; r1 op= r3.
	 * ALU_RT: the same with r1 unknown to the verifier (a plus len - 50).
	 * Each returns 1 when r1 ends up as res.
	 */
#define RUNS_TO_1	.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME

#define ALU_K(nm, a, insn, res) {					\
	.name = "alu: " nm,						\
	.insns = { LDI64(R1, a), insn, EXPECT_R1(res) }, RUNS_TO_1,	\
}

#define ALU_X(nm, a, b, insn, res) {					\
	.name = "alu: " nm,						\
	.insns = { LDI64(R1, a), LDI64(R3, b), insn, EXPECT_R1(res) },	\
	RUNS_TO_1,							\
}

#define RT_R1(a)							\
	INSNS(MOV64(R9, R1),						\
	      LDX(BPF_W, R4, R9, SKB(len)),				\
	      A64I(BPF_SUB, R4, 50),					\
	      LDI64(R1, a),						\
	      A64(BPF_ADD, R1, R4))

#define ALU_RT(nm, a, b, insn, res) {					\
	.name = "alu: " nm " (at run time)",				\
	.insns = { RT_R1(a), LDI64(R3, b), insn, EXPECT_R1(res) },	\
	RUNS_TO_1,							\
}

#define ALU_BOTH(...)	INSNS(ALU_X(__VA_ARGS__), ALU_RT(__VA_ARGS__))

	ALU_BOTH("64-bit add wraps", 0x7fffffffffffffffULL, 1,
		 A64(BPF_ADD, R1, R3), 0x8000000000000000ULL),
	ALU_BOTH("32-bit add wraps and zero-extends", 0x1ffffffffULL, 1, A32(BPF_ADD, R1, R3), 0),
	ALU_BOTH("64-bit sub below zero", 0, 1, A64(BPF_SUB, R1, R3), 0xffffffffffffffffULL),
	ALU_BOTH("32-bit sub below zero", 0, 1, A32(BPF_SUB, R1, R3), 0xffffffffULL),
	ALU_BOTH("64-bit mul overflows", 0x100000000ULL, 0x100000000ULL, A64(BPF_MUL, R1, R3), 0),
	ALU_BOTH("64-bit mul of a negative", -3LL, 5, A64(BPF_MUL, R1, R3), -15LL),
	ALU_BOTH("32-bit mul of a negative", -3LL, 5, A32(BPF_MUL, R1, R3), 0xfffffff1ULL),
	ALU_BOTH("64-bit div", 100, 7, A64(BPF_DIV, R1, R3), 14),
	ALU_BOTH("64-bit div is unsigned", -1LL, 2, A64(BPF_DIV, R1, R3), 0x7fffffffffffffffULL),
	ALU_BOTH("64-bit div by zero is zero", 100, 0, A64(BPF_DIV, R1, R3), 0),
	ALU_BOTH("32-bit div ignores the upper half", 0x100000010ULL, 2, A32(BPF_DIV, R1, R3), 8),
	ALU_BOTH("32-bit div by a zero low half", 100, 0x100000000ULL, A32(BPF_DIV, R1, R3), 0),
	ALU_BOTH("64-bit mod", 100, 7, A64(BPF_MOD, R1, R3), 2),
	ALU_BOTH("64-bit mod by zero keeps the value", 0x123456789ULL, 0,
		 A64(BPF_MOD, R1, R3), 0x123456789ULL),
	ALU_BOTH("32-bit mod by zero keeps the low half", 0xffffffff00000005ULL,
		 0, A32(BPF_MOD, R1, R3), 5),
	ALU_BOTH("64-bit mod is unsigned", -1LL, 3, A64(BPF_MOD, R1, R3), 0),
	ALU_BOTH("64-bit or", 0xf0, 0x0f, A64(BPF_OR, R1, R3), 0xff),
	ALU_BOTH("64-bit and", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL,
		 A64(BPF_AND, R1, R3), 0x0f000f000f000f00ULL),
	ALU_BOTH("32-bit and clears the upper half", 0xffffffffffffffffULL,
		 0xffffffffffffffffULL, A32(BPF_AND, R1, R3), 0xffffffffULL),
	ALU_BOTH("64-bit xor", 0xff, 0x0f, A64(BPF_XOR, R1, R3), 0xf0),
	ALU_BOTH("32-bit xor", 0x1000000ffULL, 0xff, A32(BPF_XOR, R1, R3), 0),
	ALU_BOTH("64-bit left shift", 1, 63, A64(BPF_LSH, R1, R3), 0x8000000000000000ULL),
	ALU_BOTH("64-bit shift count is masked", 1, 64, A64(BPF_LSH, R1, R3), 1),
	ALU_BOTH("32-bit shift count is masked", 1, 33, A32(BPF_LSH, R1, R3), 2),
	ALU_BOTH("32-bit left shift", 1, 31, A32(BPF_LSH, R1, R3), 0x80000000ULL),
	ALU_BOTH("64-bit right shift", 0x8000000000000000ULL, 63, A64(BPF_RSH, R1, R3), 1),
	ALU_BOTH("32-bit right shift ignores the upper half",
		 0xffffffff80000000ULL, 31, A32(BPF_RSH, R1, R3), 1),
	ALU_BOTH("64-bit arithmetic shift", -8LL, 1, A64(BPF_ARSH, R1, R3), -4LL),
	ALU_BOTH("32-bit arithmetic shift zero-extends", 0x80000000ULL, 31,
		 A32(BPF_ARSH, R1, R3), 0xffffffffULL),
	ALU_BOTH("64-bit mov", 0, 0x123456789ULL, MOV64(R1, R3), 0x123456789ULL),
	ALU_BOTH("32-bit mov zero-extends", 0, 0x123456789ULL, MOV32(R1, R3), 0x23456789ULL),
	ALU_BOTH("64-bit negation", 5, 0, NEG64(R1), -5LL),
	ALU_BOTH("32-bit negation zero-extends", 5, 0, NEG32(R1), 0xfffffffbULL),
	ALU_BOTH("byte swap to big endian 16", 0x1234, 0, BSWAP(BPF_TO_BE, R1, 16), 0x3412),
	ALU_BOTH("byte swap to big endian 32", 0x12345678, 0, BSWAP(BPF_TO_BE, R1, 32), 0x78563412),
	ALU_BOTH("byte swap to big endian 64", 0x0102030405060708ULL, 0,
		 BSWAP(BPF_TO_BE, R1, 64), 0x0807060504030201ULL),
	ALU_BOTH("to little endian 16 truncates", 0x12345678, 0, BSWAP(BPF_TO_LE, R1, 16), 0x5678),
	ALU_BOTH("to little endian 32 truncates", 0x123456789ULL, 0,
		 BSWAP(BPF_TO_LE, R1, 32), 0x23456789),
	ALU_BOTH("to little endian 64 keeps", 0x123456789ULL, 0,
		 BSWAP(BPF_TO_LE, R1, 64), 0x123456789ULL),
	ALU_K("immediate add is sign-extended", 0, A64I(BPF_ADD, R1, -1), 0xffffffffffffffffULL),
	ALU_K("32-bit immediate add", 0, A32I(BPF_ADD, R1, -1), 0xffffffffULL),
	ALU_K("immediate and is sign-extended", 0xffffffffffffffffULL,
	      A64I(BPF_AND, R1, -2), 0xfffffffffffffffeULL),
	ALU_K("immediate or is sign-extended", 0,
	      A64I(BPF_OR, R1, -0x80000000LL), 0xffffffff80000000ULL),
	ALU_K("32-bit immediate or", 0, A32I(BPF_OR, R1, -0x80000000LL), 0x80000000ULL),
	ALU_K("immediate xor", 0x5555, A64I(BPF_XOR, R1, 0xffff), 0xaaaa),
	ALU_K("immediate div is unsigned", 100, A64I(BPF_DIV, R1, 3), 33),
	ALU_K("immediate 64-bit div by a negative", 100, A64I(BPF_DIV, R1, -1), 0),
	ALU_K("immediate mod", 100, A32I(BPF_MOD, R1, 7), 2),
	ALU_K("immediate mul", 7, A64I(BPF_MUL, R1, 6), 42),
	ALU_K("immediate arithmetic shift", -64LL, A64I(BPF_ARSH, R1, 3), -8LL),
	ALU_K("immediate 32-bit mov of a negative", 0x1234, MOV32I(R1, -2), 0xfffffffeULL),
	ALU_K("immediate 64-bit mov of a negative", 0x1234, MOV64I(R1, -2), 0xfffffffffffffffeULL),
	ALU_K("32-bit sub of an immediate", 10, A32I(BPF_SUB, R1, 20), 0xfffffff6ULL),

	/* ---- bounds: an unknown scalar made safe as a map value offset -------- */
	/*
	 * r1 is unknown; the instructions in between bound it; then one byte at
	 * r1 into a 48-byte map value is read. OK: every possible r1 is 0..47.
	 */
#define BOUND_OK(nm, ...) {						\
	.name = "bounds: " nm,						\
	.insns = { UNKNOWN_R1, __VA_ARGS__, ACCESS_R6_PLUS_R1 },	\
	.result = ACCEPT, .run = true, .retval = 0,			\
}

#define BOUND_BAD_E(nm, e, lg, ...) {					\
	.name = "bounds: " nm,						\
	.insns = { UNKNOWN_R1, __VA_ARGS__, ACCESS_R6_PLUS_R1 },	\
	.result = REJECT, .err = e, .log = lg,				\
}

#define BOUND_BAD(nm, lg, ...) BOUND_BAD_E(nm, EACCES, lg, __VA_ARGS__)

	/* Adding a scalar with no lower bound to a pointer is EINVAL. */
	BOUND_BAD_E("unbounded", EINVAL, "no lower bound", MOV64(R1, R1)),
	BOUND_OK("and 47", A64I(BPF_AND, R1, 47)),
	BOUND_BAD("and 48", "48-byte map value", A64I(BPF_AND, R1, 48)),
	BOUND_OK("32-bit and 47", A32I(BPF_AND, R1, 47)),
	BOUND_OK("and with a register holding 47", MOV64I(R2, 47), A64(BPF_AND, R1, R2)),
	BOUND_OK("right shift by 59", A64I(BPF_RSH, R1, 59)),
	BOUND_BAD("right shift by 58", "48-byte map value", A64I(BPF_RSH, R1, 58)),
	BOUND_OK("32-bit right shift by 27", A32I(BPF_RSH, R1, 27)),
	BOUND_BAD("32-bit right shift by 26", "48-byte map value", A32I(BPF_RSH, R1, 26)),
	BOUND_OK("and then left shift", A64I(BPF_AND, R1, 7), A64I(BPF_LSH, R1, 2)),
	BOUND_BAD("and then left shift too far", "48-byte map value",
		  A64I(BPF_AND, R1, 7), A64I(BPF_LSH, R1, 3)),
	BOUND_OK("and then add", A64I(BPF_AND, R1, 31), A64I(BPF_ADD, R1, 16)),
	BOUND_BAD("and then add too much", "48-byte map value",
		  A64I(BPF_AND, R1, 31), A64I(BPF_ADD, R1, 17)),
	BOUND_BAD("and then subtract goes negative", "negative",
		  A64I(BPF_AND, R1, 31), A64I(BPF_SUB, R1, 1)),
	BOUND_OK("and then subtract with a floor", A64I(BPF_AND, R1, 31),
		 A64I(BPF_OR, R1, 1), A64I(BPF_SUB, R1, 1)),
	BOUND_OK("negate, then and", A64I(BPF_AND, R1, 7), NEG64(R1), A64I(BPF_AND, R1, 15)),
	BOUND_OK("and then multiply", A64I(BPF_AND, R1, 7), A64I(BPF_MUL, R1, 6)),
	BOUND_BAD("and then multiply too much", "48-byte map value",
		  A64I(BPF_AND, R1, 7), A64I(BPF_MUL, R1, 7)),
	BOUND_OK("and then or", A64I(BPF_AND, R1, 15), A64I(BPF_OR, R1, 32)),
	BOUND_BAD("and then or too much", "48-byte map value",
		  A64I(BPF_AND, R1, 15), A64I(BPF_OR, R1, 48)),
	BOUND_OK("and then xor", A64I(BPF_AND, R1, 15), A64I(BPF_XOR, R1, 32)),
	BOUND_OK("and then arithmetic shift", A64I(BPF_AND, R1, 0xff), A64I(BPF_ARSH, R1, 3)),
	BOUND_BAD("and then arithmetic shift too little", "48-byte map value",
		  A64I(BPF_AND, R1, 0xff), A64I(BPF_ARSH, R1, 2)),
	BOUND_BAD("arithmetic shift of a maybe negative value", "negative", A64I(BPF_ARSH, R1, 60)),
	BOUND_OK("two ands", A64I(BPF_AND, R1, 0xff), A64I(BPF_AND, R1, 0x2f)),
	BOUND_OK("add of two bounded registers", A64I(BPF_AND, R1, 15),
		 MOV64(R2, R1), A64(BPF_ADD, R1, R2), A64(BPF_ADD, R1, R2)),
	BOUND_BAD("add of two bounded registers too far", "48-byte map value",
		  A64I(BPF_AND, R1, 31), MOV64(R2, R1), A64(BPF_ADD, R1, R2)),
	BOUND_OK("32-bit mov zero-extends a bounded value", A32I(BPF_AND, R1, 31), MOV32(R1, R1)),
	BOUND_BAD("a 32-bit add leaves 4G values", "unbounded", A32I(BPF_ADD, R1, 1)),
	{
		.name = "bounds: byte swap of a known value",
		.insns = { UNKNOWN_R1, A64I(BPF_AND, R1, 0), A64I(BPF_OR, R1, 0x2000),
			   BSWAP(BPF_TO_BE, R1, 16), ACCESS_R6_PLUS_R1 },
		.result = ACCEPT, .run = true, .retval = 0,
		.ref_skip = SKIP_SWAP,
	},
	BOUND_BAD("byte swap makes a bounded value unknown",
		  "48-byte map value", A64I(BPF_AND, R1, 1),
		  BSWAP(BPF_TO_BE, R1, 16), A64I(BPF_AND, R1, 0xffff)),
	{
		.name = "bounds: to little endian 16 keeps the low bits",
		.insns = { UNKNOWN_R1, A64I(BPF_AND, R1, 31), BSWAP(BPF_TO_LE, R1, 16),
			   ACCESS_R6_PLUS_R1 },
		.result = ACCEPT, .run = true, .retval = 0,
		.ref_skip = SKIP_SWAP,
	},
	BOUND_BAD("a shift by the width is unknown", "48-byte map value",
		  MOV64I(R2, 32), MOV64I(R1, 1), A32(BPF_LSH, R1, R2),
		  A64I(BPF_AND, R1, 0xffff)),
	{
		.name = "bounds: mod bounds the result",
		.insns = { UNKNOWN_R1, A64I(BPF_MOD, R1, 48), ACCESS_R6_PLUS_R1 },
		.result = ACCEPT, .run = true, .retval = 0,
		.ref_skip = "upstream 6.1 does not bound division and modulo",
	},
	{
		.name = "bounds: div bounds the result",
		.insns = { UNKNOWN_R1, A64I(BPF_AND, R1, 0xff), A64I(BPF_DIV, R1, 6),
			   ACCESS_R6_PLUS_R1 },
		.result = ACCEPT, .run = true, .retval = 0,
		.ref_skip = "upstream 6.1 does not bound division and modulo",
	},
	BOUND_BAD("div by a register that may be 1", "48-byte map value",
		  A64I(BPF_AND, R1, 0xff), MOV64I(R2, 1), A64(BPF_DIV, R1, R2),
		  A64I(BPF_AND, R1, 0xffff)),

	/* ---- conditional jumps: what each side learns ------------------------- */
	/* FALL: the side not taken accesses; TAKEN: the taken side does. */
#define FALL_E(nm, ok, e, lg, ...) {					\
	.name = "jumps: " nm,						\
	.insns = { UNKNOWN_R1, __VA_ARGS__, ACCESS_R6_PLUS_R1,		\
		   MOV64I(R0, 0), EXIT() },				\
	.result = (ok) ? ACCEPT : REJECT, .err = e, .log = lg,		\
}

#define TAKEN_E(nm, ok, e, lg, ...) {					\
	.name = "jumps: " nm,						\
	.insns = { UNKNOWN_R1, __VA_ARGS__, MOV64I(R0, 0), EXIT(),	\
		   ACCESS_R6_PLUS_R1 },					\
	.result = (ok) ? ACCEPT : REJECT, .err = e, .log = lg,		\
}

#define FALL(nm, ok, lg, ...) FALL_E(nm, ok, 0, lg, __VA_ARGS__)

#define TAKEN(nm, ok, lg, ...) TAKEN_E(nm, ok, 0, lg, __VA_ARGS__)

	/*
	 * Signed [-7, 0] and unsigned [0x18, 2^64 - 48] have no value in
	 * common: that side of the jump cannot happen and is dropped where
	 * the jump refines r1, before any arithmetic meets the empty set.
	 */
	{
		.name = "jumps: a side whose signed and unsigned ranges are disjoint",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JSLE, R1, 0, 2)),
			CONTINUE_IF(JI(BPF_JSGE, R1, -7, 2)),
			CONTINUE_IF(JI(BPF_JGE, R1, 0x18, 2)),
			LDI64(R2, 0xffffffffffffffd0ULL),
			CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			A64I(BPF_SUB, R1, 0x18), A64I(BPF_MUL, R1, 3),
			MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "jumps: the same in 32 bits",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(J32I(BPF_JSLE, R1, 0, 2)),
			CONTINUE_IF(J32I(BPF_JSGE, R1, -7, 2)),
			CONTINUE_IF(J32I(BPF_JGE, R1, 0x18, 2)),
			CONTINUE_IF(J32I(BPF_JLE, R1, 0xffffffd0, 2)),
			A32I(BPF_SUB, R1, 0x18), A32I(BPF_MUL, R1, 3),
			A64I(BPF_SUB, R1, 0x18), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "jumps: the side that is not empty is still checked",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JSLE, R1, 0, 2)),
			CONTINUE_IF(JI(BPF_JSGE, R1, -7, 2)),
			CONTINUE_IF(JI(BPF_JGE, R1, 0x18, 2)),
			LDI64(R2, 0xffffffffffffffd0ULL),
			CONTINUE_IF(J(BPF_JGT, R1, R2, 2)),
			A64I(BPF_ADD, R1, 7), ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "jumps: the side that is not empty is still refused",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JSLE, R1, 0, 2)),
			CONTINUE_IF(JI(BPF_JSGE, R1, -7, 2)),
			CONTINUE_IF(JI(BPF_JGE, R1, 0x18, 2)),
			LDI64(R2, 0xffffffffffffffd0ULL),
			CONTINUE_IF(J(BPF_JGT, R1, R2, 2)),
			A64I(BPF_ADD, R1, 8), LDX(BPF_B, R0, R1, 0), EXIT(),
		},
		.result = REJECT, .log = "scalar",
	},
	FALL("not r1 > 47", 1, NULL, JI(BPF_JGT, R1, 47, 4)),
	FALL("not r1 > 48", 0, "map value", JI(BPF_JGT, R1, 48, 4)),
	FALL("not r1 >= 48", 1, NULL, JI(BPF_JGE, R1, 48, 4)),
	FALL("not r1 >= 49", 0, "map value", JI(BPF_JGE, R1, 49, 4)),
	TAKEN("r1 < 48", 1, NULL, JI(BPF_JLT, R1, 48, 2)),
	TAKEN("r1 < 49", 0, "map value", JI(BPF_JLT, R1, 49, 2)),
	TAKEN("r1 <= 47", 1, NULL, JI(BPF_JLE, R1, 47, 2)),
	TAKEN("r1 <= 48", 0, "map value", JI(BPF_JLE, R1, 48, 2)),
	FALL_E("not r1 < 48 is no bound", 0, EINVAL, "no lower bound", JI(BPF_JLT, R1, 48, 4)),
	TAKEN_E("r1 > 47 is no upper bound", 0, EINVAL, "no lower bound", JI(BPF_JGT, R1, 47, 2)),
	FALL_E("signed: not r1 s> 47 leaves negatives", 0, EINVAL,
	       "no lower bound", JI(BPF_JSGT, R1, 47, 4)),
	FALL("signed: and then not r1 s> 47", 1, NULL, A64I(BPF_AND, R1, 0xff),
	     JI(BPF_JSGT, R1, 47, 4)),
	FALL("signed: not r1 s< 0 then not r1 s> 47", 1, NULL,
	     JI(BPF_JSLT, R1, 0, 5), JI(BPF_JSGT, R1, 47, 4)),
	TAKEN("signed: r1 s<= 47 and r1 s>= 0", 1, NULL, JI(BPF_JSLT, R1, 0, 1),
	      JI(BPF_JSLE, R1, 47, 2)),
	TAKEN("signed: r1 s< 48 and r1 s> -1", 1, NULL, JI(BPF_JSLE, R1, -1, 1),
	      JI(BPF_JSLT, R1, 48, 2)),
	TAKEN("signed: r1 s>= 0 then r1 < 48", 1, NULL, JI(BPF_JSLT, R1, 0, 1),
	      JI(BPF_JLT, R1, 48, 2)),
	FALL("signed: not r1 s>= 48 with r1 s>= 0", 1, NULL,
	     JI(BPF_JSLT, R1, 0, 5), JI(BPF_JSGE, R1, 48, 4)),
	FALL("register: not r1 > r2 with r2 = 47", 1, NULL, MOV64I(R2, 47), J(BPF_JGT, R1, R2, 4)),
	FALL("register: not r1 > r2 with r2 = 48", 0, "map value",
	     MOV64I(R2, 48), J(BPF_JGT, R1, R2, 4)),
	TAKEN("register: r2 > r1 with r2 = 48", 1, NULL, MOV64I(R2, 48), J(BPF_JGT, R2, R1, 2)),
	TAKEN("register: r1 == r2 with r2 = 40", 1, NULL, MOV64I(R2, 40), J(BPF_JEQ, R1, R2, 2)),
	TAKEN("r1 == 47", 1, NULL, JI(BPF_JEQ, R1, 47, 2)),
	TAKEN("r1 == 48", 0, "map value", JI(BPF_JEQ, R1, 48, 2)),
	FALL("not r1 != 20", 1, NULL, JI(BPF_JNE, R1, 20, 4)),
	{
		.name = "jumps: r1 != 48 excludes 48 from 0..48",
		.insns = { UNKNOWN_R1, JI(BPF_JGT, R1, 48, 5), JI(BPF_JEQ, R1, 48, 4),
			   ACCESS_R6_PLUS_R1, MOV64I(R0, 0), EXIT() },
		.result = ACCEPT,
		.ref_skip = "upstream 6.1 learns nothing from != on a range",
	},
	FALL("and then not r1 & 0xf0", 1, NULL, A64I(BPF_AND, R1, 0xff), JI(BPF_JSET, R1, 0xf0, 4)),
	FALL("and then not r1 & 0xc0", 0, "map value", A64I(BPF_AND, R1, 0xff),
	     JI(BPF_JSET, R1, 0xc0, 4)),
	FALL_E("32-bit: not w1 > 47 leaves the upper half", 0, EINVAL,
	       "no lower bound", J32I(BPF_JGT, R1, 47, 4)),
	FALL("32-bit: zero-extended, then not w1 > 47", 1, NULL, MOV32(R1, R1),
	     J32I(BPF_JGT, R1, 47, 4)),
	TAKEN("32-bit: zero-extended, then w1 < 48", 1, NULL, MOV32(R1, R1),
	      J32I(BPF_JLT, R1, 48, 2)),
	TAKEN("32-bit: zero-extended, then w1 <= 48", 0, "map value",
	      MOV32(R1, R1), J32I(BPF_JLE, R1, 48, 2)),
	FALL("32-bit: zero-extended, then signed checks", 1, NULL,
	     MOV32(R1, R1), J32I(BPF_JSLT, R1, 0, 5),
	     J32I(BPF_JSGT, R1, 47, 4)),
	TAKEN("32-bit: upper half known zero by a 64-bit check", 1, NULL,
	      MOV64I(R2, 1), A64I(BPF_LSH, R2, 32), J(BPF_JGE, R1, R2, 1),
	      J32I(BPF_JLT, R1, 48, 2)),
	TAKEN("32-bit: w1 == 40 with a zero upper half", 1, NULL, MOV32(R1, R1),
	      J32I(BPF_JEQ, R1, 40, 2)),
	TAKEN_E("32-bit: w1 == 40 with an unknown upper half", 0, EINVAL,
		"too large", J32I(BPF_JEQ, R1, 40, 2)),
	TAKEN("32-bit register compare", 1, NULL, MOV32(R1, R1), MOV64I(R2, 48),
	      J32(BPF_JLT, R1, R2, 2)),
	FALL("the check holds for copies of r1", 1, NULL, MOV64(R3, R1), JI(BPF_JGT, R3, 47, 4)),
	FALL_E("a copy changed after the copy does not bound r1", 0, EINVAL,
	       "no lower bound", MOV64(R3, R1), A64I(BPF_ADD, R3, 0),
	       JI(BPF_JGT, R3, 47, 4)),
	FALL("a spilled copy is bounded too", 1, NULL,
	     A64I(BPF_AND, R1, 0xffff), MOV64(R3, R1),
	     STX(BPF_DW, R10, -16, R1), JI(BPF_JGT, R3, 47, 5),
	     LDX(BPF_DW, R1, R10, -16)),

	/* ---- the stack ---------------------------------------------------------- */
	{
		.name = "stack: spill and fill the context pointer",
		.insns = {
			STX(BPF_DW, R10, -8, R1), MOV64I(R1, 0),
			LDX(BPF_DW, R1, R10, -8),
			LDX(BPF_W, R0, R1, SKB(len)), A64I(BPF_SUB, R0, 50), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "stack: half of a spilled pointer",
		.insns = {
			STX(BPF_DW, R10, -8, R1), LDX(BPF_W, R0, R10, -8), EXIT(),
		},
		.result = REJECT, .log = "partial load of the pointer", .unpriv = U_SAME,
	},
	{
		.name = "stack: a pointer stored in 4 bytes",
		.insns = { STX(BPF_W, R10, -8, R1), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "8 bytes", .unpriv = U_SAME,
	},
	{
		.name = "stack: misaligned 8-byte store",
		.insns = { ST(BPF_DW, R10, -12, 0), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "misaligned", .unpriv = U_SAME,
	},
	{
		.name = "stack: misaligned 4-byte load",
		.insns = { ST(BPF_DW, R10, -8, 0), LDX(BPF_W, R0, R10, -6), EXIT() },
		.result = REJECT, .log = "misaligned", .unpriv = U_SAME,
	},
	{
		.name = "stack: misaligned through a copy of R10",
		.insns = {
			MOV64(R2, R10), A64I(BPF_ADD, R2, -3),
			ST(BPF_H, R2, 0, 0), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "misaligned",
	},
	{
		.name = "stack: store at fp+0",
		.insns = { ST(BPF_DW, R10, 0, 0), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "out of the stack", .unpriv = U_SAME,
	},
	{
		.name = "stack: store at fp-520",
		.insns = { ST(BPF_DW, R10, -520, 0), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "out of the stack", .unpriv = U_SAME,
	},
	{
		.name = "stack: store at fp-516 of 8 bytes",
		.insns = { ST(BPF_W, R10, -516, 0), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "out of the stack", .unpriv = U_SAME,
	},
	{
		.name = "stack: the deepest slot, fp-512",
		.insns = { ST(BPF_DW, R10, -512, 3), LDX(BPF_DW, R0, R10, -512), EXIT() },
		.result = ACCEPT, .run = true, .retval = 3, .unpriv = U_SAME,
	},
	{
		.name = "stack: 8-byte read of a 4-byte write",
		.insns = { ST(BPF_W, R10, -8, 1), LDX(BPF_DW, R0, R10, -8), EXIT() },
		.result = ACCEPT,
		.unpriv = U_REJECT, .unpriv_log = "uninitialized stack",
	},
	{
		.name = "stack: two 4-byte writes make one 8-byte read",
		.insns = {
			ST(BPF_W, R10, -8, 1), ST(BPF_W, R10, -4, 2),
			LDX(BPF_DW, R0, R10, -8), A64I(BPF_RSH, R0, 32), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 2, .unpriv = U_SAME,
	},
	{
		.name = "stack: bytes written one by one",
		.insns = {
			ST(BPF_B, R10, -4, 1), ST(BPF_B, R10, -3, 2),
			ST(BPF_B, R10, -2, 3), ST(BPF_B, R10, -1, 4),
			LDX(BPF_W, R0, R10, -4), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x04030201, .unpriv = U_SAME,
	},
	{
		.name = "stack: one byte missing",
		.insns = {
			ST(BPF_B, R10, -4, 1), ST(BPF_B, R10, -3, 2),
			ST(BPF_B, R10, -1, 4), LDX(BPF_W, R0, R10, -4), EXIT(),
		},
		.result = ACCEPT,
		.unpriv = U_REJECT, .unpriv_log = "uninitialized stack at fp-2",
	},
	{
		.name = "stack: zeros stored are known zeros",
		.insns = {
			UNKNOWN_R1,
			ST(BPF_W, R10, -16, 0), ST(BPF_W, R10, -12, 0),
			LDX(BPF_DW, R1, R10, -16),
			ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "stack: a spilled bounded scalar keeps its bounds",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 31),
			STX(BPF_DW, R10, -16, R1), MOV64I(R1, 0),
			LDX(BPF_DW, R1, R10, -16),
			ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "stack: a 4-byte spill of a bounded scalar",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 31),
			STX(BPF_W, R10, -16, R1), MOV64I(R1, 0),
			LDX(BPF_W, R1, R10, -16),
			ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "stack: an 8-byte read of a 4-byte spill is unknown",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 31),
			STX(BPF_W, R10, -16, R1), ST(BPF_W, R10, -12, 0),
			LDX(BPF_DW, R1, R10, -16),
			ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .err = EINVAL, .log = "no lower bound",
	},
	{
		.name = "stack: a spill overwritten by a byte is data",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 31),
			STX(BPF_DW, R10, -16, R1), ST(BPF_B, R10, -13, 0),
			LDX(BPF_DW, R1, R10, -16),
			ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .err = EINVAL, .log = "no lower bound",
	},
	{
		.name = "stack: overwriting part of a spilled pointer",
		.insns = {
			STX(BPF_DW, R10, -8, R1), ST(BPF_B, R10, -8, 0),
			LDX(BPF_DW, R0, R10, -8), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .unpriv = U_REJECT, .unpriv_log = "partial overwrite",
	},
	{
		.name = "stack: a map value pointer survives a spill",
		.insns = {
			VALUE(MAP_ARRAY8),
			STX(BPF_DW, R10, -16, R0), MOV64I(R0, 0),
			LDX(BPF_DW, R1, R10, -16),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "stack: a spilled lookup result is checked with its original",
		.insns = {
			LOOKUP(MAP_ARRAY8),
			STX(BPF_DW, R10, -16, R0),
			JI(BPF_JEQ, R0, 0, 3),
			LDX(BPF_DW, R1, R10, -16),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
			MOV64I(R0, 1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "stack: the scalar half of a slot is read through the pointer",
		.insns = {
			MOV64(R2, R10), A64I(BPF_ADD, R2, -8),
			ST(BPF_W, R2, 4, 9), LDX(BPF_W, R0, R10, -4), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 9, .unpriv = U_SAME,
	},
	{
		.name = "stack: variable offset write and read of initialized slots",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 8),
			ST(BPF_DW, R10, -16, 0), ST(BPF_DW, R10, -8, 0),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -16), A64(BPF_ADD, R2, R1),
			ST(BPF_DW, R2, 0, 7), LDX(BPF_DW, R0, R2, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 7,
		.unpriv = U_REJECT, .unpriv_log = "variable stack",
	},
	{
		.name = "stack: a pointer stored at a variable offset",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 8),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -16), A64(BPF_ADD, R2, R1),
			STX(BPF_DW, R2, 0, R10), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0,
		.unpriv = U_REJECT, .unpriv_log = "variable stack",
	},
	{
		.name = "stack: a pointer stored at a variable offset is data after",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 8),
			ST(BPF_DW, R10, -16, 0), ST(BPF_DW, R10, -8, 0),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -16), A64(BPF_ADD, R2, R1),
			STX(BPF_DW, R2, 0, R10), LDX(BPF_DW, R3, R10, -16),
			LDX(BPF_DW, R0, R3, -8), EXIT(),
		},
		.result = REJECT, .log = "R3 is a scalar, not a pointer",
		.unpriv = U_REJECT, .unpriv_log = "variable stack",
	},
	{
		.name = "stack: variable offset read of an unwritten slot",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 8),
			ST(BPF_DW, R10, -16, 0),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -16), A64(BPF_ADD, R2, R1),
			LDX(BPF_DW, R0, R2, 0), EXIT(),
		},
		.result = ACCEPT,
		.unpriv = U_REJECT, .unpriv_log = "variable stack",
	},
	{
		.name = "stack: variable offset past the top",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 16),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -16), A64(BPF_ADD, R2, R1),
			ST(BPF_DW, R2, 0, 0), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .err = EINVAL, .log = "past the top",
	},
	{
		.name = "stack: variable offset misaligned",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 4),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -16), A64(BPF_ADD, R2, R1),
			ST(BPF_DW, R2, 0, 0), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "misaligned",
	},

	/* ---- the socket filter context ------------------------------------------ */
#define CTX_READ(f, sz, o, v) {						\
	.name = "ctx: read " #f " (" #sz ", +" #o ")",			\
	.insns = { LDX(sz, R0, R1, SKB(f) + (o)), EXIT() },		\
	.result = ACCEPT, .run = true, .retval = v, .unpriv = U_SAME,	\
}

#define CTX_BAD(nm, ...) {						\
	.name = "ctx: " nm,						\
	.insns = { __VA_ARGS__, MOV64I(R0, 0), EXIT() },		\
	.result = REJECT, .log = "context", .unpriv = U_SAME,		\
}

	CTX_READ(len, BPF_W, 0, 50),
	CTX_READ(len, BPF_H, 0, 50),
	CTX_READ(len, BPF_B, 0, 50),
	CTX_READ(len, BPF_B, 1, 0),
	CTX_READ(len, BPF_H, 2, 0),
	CTX_READ(pkt_type, BPF_W, 0, 0),
	CTX_READ(mark, BPF_W, 0, 0),
	CTX_READ(queue_mapping, BPF_W, 0, 0),
	CTX_READ(protocol, BPF_W, 0, 0x0400),
	CTX_READ(protocol, BPF_B, 1, 0x04),
	CTX_READ(vlan_present, BPF_W, 0, 0),
	CTX_READ(vlan_tci, BPF_W, 0, 0),
	CTX_READ(vlan_proto, BPF_W, 0, 0),
	CTX_READ(priority, BPF_W, 0, 0),
	CTX_READ(ingress_ifindex, BPF_W, 0, 0),
	CTX_READ(ifindex, BPF_W, 0, 1),
	CTX_READ(tc_index, BPF_W, 0, 0),
	CTX_READ(cb[0], BPF_W, 0, 0),
	CTX_READ(cb[4], BPF_W, 0, 0),
	CTX_READ(cb[0], BPF_DW, 0, 0),
	CTX_READ(cb[2], BPF_B, 3, 0),
	CTX_READ(hash, BPF_W, 0, 0),
	CTX_READ(napi_id, BPF_W, 0, 0),
	CTX_READ(gso_segs, BPF_W, 0, 0),
	CTX_READ(gso_size, BPF_W, 0, 0),
	CTX_BAD("8-byte read of len", LDX(BPF_DW, R0, R1, SKB(len))),
	CTX_BAD("misaligned read of mark", LDX(BPF_W, R0, R1, SKB(mark) + 2)),
	CTX_BAD("misaligned 2-byte read", LDX(BPF_H, R0, R1, SKB(len) + 1)),
	CTX_BAD("read before the context", LDX(BPF_W, R0, R1, -4)),
	CTX_BAD("read past the context", LDX(BPF_W, R0, R1, sizeof(struct __sk_buff))),
	CTX_BAD("read data", LDX(BPF_W, R0, R1, SKB(data))),
	CTX_BAD("read data_end", LDX(BPF_W, R0, R1, SKB(data_end))),
	CTX_BAD("read data_meta", LDX(BPF_W, R0, R1, SKB(data_meta))),
	CTX_BAD("read tc_classid", LDX(BPF_W, R0, R1, SKB(tc_classid))),
	CTX_BAD("read family", LDX(BPF_W, R0, R1, SKB(family))),
	CTX_BAD("read remote_ip4", LDX(BPF_W, R0, R1, SKB(remote_ip4))),
	CTX_BAD("read local_port", LDX(BPF_W, R0, R1, SKB(local_port))),
	CTX_BAD("read tstamp", LDX(BPF_DW, R0, R1, SKB(tstamp))),
	CTX_BAD("read wire_len", LDX(BPF_W, R0, R1, SKB(wire_len))),
	CTX_BAD("read flow_keys", LDX(BPF_DW, R0, R1, SKB(flow_keys))),
	CTX_BAD("read hwtstamp", LDX(BPF_DW, R0, R1, SKB(hwtstamp))),
	CTX_BAD("read tstamp_type", LDX(BPF_B, R0, R1, SKB(tstamp_type))),
	CTX_BAD("write len", MOV64I(R2, 0), STX(BPF_W, R1, SKB(len), R2)),
	CTX_BAD("write mark", MOV64I(R2, 0), STX(BPF_W, R1, SKB(mark), R2)),
	CTX_BAD("write priority", MOV64I(R2, 0), STX(BPF_W, R1, SKB(priority), R2)),
	CTX_BAD("write 8 bytes at cb[4]", MOV64I(R2, 0), STX(BPF_DW, R1, SKB(cb[4]), R2)),
	CTX_BAD("write 8 bytes at cb[1]", MOV64I(R2, 0), STX(BPF_DW, R1, SKB(cb[1]), R2)),
	CTX_BAD("write hash", MOV64I(R2, 0), STX(BPF_W, R1, SKB(hash), R2)),
	{
		.name = "ctx: write and read back cb[2]",
		.insns = {
			MOV64I(R2, 7), STX(BPF_W, R1, SKB(cb[2]), R2),
			LDX(BPF_W, R0, R1, SKB(cb[2])), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 7, .unpriv = U_SAME,
	},
	{
		.name = "ctx: write 8 bytes of cb, read a byte",
		.insns = {
			LDI64(R2, 0x1122334455667788ULL), STX(BPF_DW, R1, SKB(cb[2]), R2),
			LDX(BPF_B, R0, R1, SKB(cb[3]) + 1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x33, .unpriv = U_SAME,
	},
	{
		.name = "ctx: write a byte of cb",
		.insns = {
			MOV64I(R2, 0x5a), STX(BPF_B, R1, SKB(cb[4]) + 3, R2),
			LDX(BPF_W, R0, R1, SKB(cb[4])), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x5a000000, .unpriv = U_SAME,
	},
	{
		.name = "ctx: immediate store to cb",
		.insns = { ST(BPF_W, R1, SKB(cb[0]), 1), MOV64I(R0, 0), EXIT() },
		.result = REJECT, .log = "immediate stores", .unpriv = U_SAME,
	},
	{
		.name = "ctx: access through a moved pointer",
		.insns = { A64I(BPF_ADD, R1, 4), LDX(BPF_W, R0, R1, 0), EXIT() },
		.result = REJECT, .log = "moved context", .unpriv = U_SAME,
	},
	{
		.name = "ctx: a pointer moved and moved back",
		.insns = {
			A64I(BPF_ADD, R1, 4), A64I(BPF_SUB, R1, 4),
			LDX(BPF_W, R0, R1, SKB(len)), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 50, .unpriv = U_SAME,
	},
	{
		.name = "ctx: variable offset",
		.insns = {
			MOV64(R6, R1), LDX(BPF_W, R2, R6, SKB(len)), A64I(BPF_AND, R2, 4),
			A64(BPF_ADD, R6, R2), LDX(BPF_W, R0, R6, 0), EXIT(),
		},
		.result = REJECT, .log = "moved context",
	},
	{
		.name = "ctx: the same load on the context and the stack",
		.insns = {
			LDX(BPF_W, R2, R1, SKB(len)), ST(BPF_DW, R10, -16, 0),
			JI(BPF_JEQ, R2, 0, 2), MOV64(R1, R10), A64I(BPF_ADD, R1, -64),
			LDX(BPF_W, R0, R1, SKB(cb[0])), EXIT(),
		},
		.result = REJECT, .err = EINVAL, .log = "context on one path",
	},

	/* ---- tracepoint programs: the raw record ------------------------------ */
#define TP_ERR(nm, ok, e, ...) {					\
	.name = "tracepoint: " nm,					\
	.insns = { __VA_ARGS__ },					\
	.type = BPF_PROG_TYPE_TRACEPOINT,				\
	.result = (ok) ? ACCEPT : REJECT, .err = e,			\
	.unpriv = U_REJECT, .unpriv_err = EPERM,			\
}

#define TP(nm, ok, ...) TP_ERR(nm, ok, 0, __VA_ARGS__)

	TP("read 4 bytes at 8", 1, LDX(BPF_W, R0, R1, 8), EXIT()),
	TP("read 8 bytes at 16", 1, LDX(BPF_DW, R0, R1, 16), EXIT()),
	TP("read a byte at 8191", 1, LDX(BPF_B, R0, R1, 8191), EXIT()),
	TP("read at 0", 0, LDX(BPF_W, R0, R1, 0), EXIT()),
	TP("read at 4", 0, LDX(BPF_W, R0, R1, 4), EXIT()),
	TP("read at 8192", 0, LDX(BPF_B, R0, R1, 8192), EXIT()),
	TP("misaligned read", 0, LDX(BPF_W, R0, R1, 10), EXIT()),
	TP("write", 0, MOV64I(R2, 0), STX(BPF_W, R1, 8, R2), MOV64I(R0, 0), EXIT()),
	TP("get_current_pid_tgid", 1, CALL(BPF_FUNC_get_current_pid_tgid), EXIT()),
	TP("get_current_uid_gid", 1, CALL(BPF_FUNC_get_current_uid_gid), EXIT()),
	TP("get_current_comm into unwritten stack", 1, MOV64(R1, R10),
	   A64I(BPF_ADD, R1, -16), MOV64I(R2, 16),
	   CALL(BPF_FUNC_get_current_comm), LDX(BPF_DW, R0, R10, -16), EXIT()),
	TP_ERR("get_current_comm past the stack", 0, EINVAL, MOV64(R1, R10),
	       A64I(BPF_ADD, R1, -8), MOV64I(R2, 16),
	       CALL(BPF_FUNC_get_current_comm), MOV64I(R0, 0), EXIT()),
	TP_ERR("skb_load_bytes is for sockets", 0, EINVAL, MOV64I(R2, 0),
	       MOV64(R3, R10), A64I(BPF_ADD, R3, -8), MOV64I(R4, 8),
	       CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	TP("a map lookup", 1, VALUE(MAP_ARRAY8), LDX(BPF_DW, R0, R0, 0), EXIT()),
	TP_ERR("packet loads are for sockets", 0, EINVAL, MOV64(R6, R1), LDABS(BPF_B, 0), EXIT()),

	/* ---- maps ------------------------------------------------------------------ */
#define MAPC(nm, ok, lg, ...) {						\
	.name = "maps: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.result = (ok) ? ACCEPT : REJECT, .log = lg, .unpriv = U_SAME,	\
}

	{
		.name = "maps: write and read back a value",
		.insns = {
			VALUE(MAP_ARRAY8), MOV64I(R1, 77), STX(BPF_DW, R0, 0, R1),
			LDX(BPF_DW, R0, R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 77, .unpriv = U_SAME,
	},
	MAPC("last 4 bytes of a 48-byte value", 1, NULL, VALUE(MAP_ARRAY48),
	     LDX(BPF_W, R0, R0, 44), EXIT()),
	MAPC("4 bytes at 45 of a 48-byte value", 0, "48-byte map value",
	     VALUE(MAP_ARRAY48), LDX(BPF_W, R0, R0, 45), EXIT()),
	MAPC("a byte before the value", 0, "map value", VALUE(MAP_ARRAY48),
	     LDX(BPF_B, R0, R0, -1), EXIT()),
	MAPC("a store past the value", 0, "map value", VALUE(MAP_ARRAY8),
	     ST(BPF_DW, R0, 8, 0), MOV64I(R0, 0), EXIT()),
	/*
	 * A constant negative offset, as clang emits: r0 - 44 + 88 is offset
	 * 44. Unprivileged pointers may not leave the value even so.
	 */
	{
		.name = "maps: a value pointer moved back by a constant",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64I(R1, 9), STX(BPF_W, R0, 44, R1),
			A64I(BPF_SUB, R0, 44), LDX(BPF_W, R0, R0, 88), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 9,
		.unpriv = U_REJECT, .unpriv_log = "leave the value",
	},
	{
		.name = "maps: a store through a value pointer moved back",
		.insns = {
			VALUE(MAP_ARRAY48), A64I(BPF_ADD, R0, -8),
			ST(BPF_DW, R0, 48, 3), LDX(BPF_DW, R0, R0, 48), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 3,
		.unpriv = U_REJECT, .unpriv_log = "leave the value",
	},
	{
		.name = "maps: a value pointer moved back, then before the value",
		.insns = {
			VALUE(MAP_ARRAY48), A64I(BPF_SUB, R0, 44),
			LDX(BPF_W, R0, R0, 40), EXIT(),
		},
		.result = REJECT, .log = "map value",
		.unpriv = U_REJECT, .unpriv_log = "leave the value",
	},
	{
		.name = "maps: a value pointer moved back, then past the value",
		.insns = {
			VALUE(MAP_ARRAY48), A64I(BPF_SUB, R0, 44),
			LDX(BPF_W, R0, R0, 89), EXIT(),
		},
		.result = REJECT, .log = "48-byte map value",
		.unpriv = U_REJECT, .unpriv_log = "leave the value",
	},
	{
		.name = "maps: a helper's key through a value pointer moved back",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64(R2, R0), A64I(BPF_ADD, R2, -4),
			A64I(BPF_ADD, R2, 8), LDMAP(R1, MAP_ARRAY48),
			CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0,
		.unpriv = U_REJECT, .unpriv_log = "leave the value",
	},
	{
		.name = "maps: a helper's key at a negative offset of a value",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64(R2, R0), A64I(BPF_ADD, R2, -4),
			LDMAP(R1, MAP_ARRAY48), CALL(BPF_FUNC_map_lookup_elem),
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "map value",
		.unpriv = U_REJECT, .unpriv_log = "leave the value",
	},
	MAPC("a moved value pointer", 1, NULL, VALUE(MAP_ARRAY48),
	     A64I(BPF_ADD, R0, 40), LDX(BPF_DW, R0, R0, 0), EXIT()),
	MAPC("a moved value pointer, too far", 0, "map value",
	     VALUE(MAP_ARRAY48), A64I(BPF_ADD, R0, 41), LDX(BPF_DW, R0, R0, 0),
	     EXIT()),
	MAPC("a value pointer moved back before the value", 0, "map value",
	     VALUE(MAP_ARRAY48), A64I(BPF_SUB, R0, 8), LDX(BPF_DW, R0, R0, 4),
	     EXIT()),
	PRIV_UNINIT("maps: unwritten key", MOV64(R2, R10),
		    A64I(BPF_ADD, R2, -4), LDMAP(R1, MAP_ARRAY8),
		    CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT()),
	PRIV_UNINIT("maps: half-written key", ST(BPF_H, R10, -4, 0),
		    MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		    LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
		    MOV64I(R0, 0), EXIT()),
	{
		.name = "maps: key that sticks out of the stack",
		.err = EINVAL, .result = REJECT, .log = "past the top", .unpriv = U_SAME,
		.insns = {
			ST(BPF_H, R10, -2, 0), MOV64(R2, R10),
			A64I(BPF_ADD, R2, -2), LDMAP(R1, MAP_ARRAY8),
			CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT(),
		},
	},
	MAPC("key in a map value", 1, NULL, VALUE(MAP_ARRAY8), MOV64(R2, R0),
	     LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
	     MOV64I(R0, 0), EXIT()),
	MAPC("key past the end of a map value", 0, "map value",
	     VALUE(MAP_ARRAY8), MOV64(R2, R0), A64I(BPF_ADD, R2, 6),
	     LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
	     MOV64I(R0, 0), EXIT()),
	MAPC("key is the context", 0, NULL, MOV64(R2, R1),
	     LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
	     MOV64I(R0, 0), EXIT()),
	MAPC("key is a scalar", 0, NULL, MOV64I(R2, 0), LDMAP(R1, MAP_ARRAY8),
	     CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT()),
	MAPC("key may be NULL", 0, NULL, LOOKUP(MAP_ARRAY8), MOV64(R2, R0),
	     LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
	     MOV64I(R0, 0), EXIT()),
	MAPC("map is a scalar", 0, NULL, ST(BPF_W, R10, -4, 0), MOV64(R2, R10),
	     A64I(BPF_ADD, R2, -4), MOV64I(R1, 0),
	     CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT()),
	MAPC("map is the stack", 0, NULL, ST(BPF_W, R10, -4, 0), MOV64(R2, R10),
	     A64I(BPF_ADD, R2, -4), MOV64(R1, R10),
	     CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT()),
	MAPC("map pointer through the stack", 1, NULL, LDMAP(R1, MAP_ARRAY8),
	     STX(BPF_DW, R10, -16, R1), ST(BPF_W, R10, -4, 0), MOV64(R2, R10),
	     A64I(BPF_ADD, R2, -4), LDX(BPF_DW, R1, R10, -16),
	     CALL(BPF_FUNC_map_lookup_elem), MOV64I(R0, 0), EXIT()),
	MAPC("arithmetic on a map pointer", 0, "map pointer",
	     LDMAP(R1, MAP_ARRAY8), A64I(BPF_ADD, R1, 8), MOV64I(R0, 0),
	     EXIT()),
	MAPC("adding 0 to a map pointer", 1, NULL, LDMAP(R1, MAP_ARRAY8),
	     A64I(BPF_ADD, R1, 0), MOV64I(R0, 0), EXIT()),
	MAPC("update from the stack", 1, NULL, ST(BPF_W, R10, -4, 1),
	     ST(BPF_DW, R10, -16, 5), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
	     MOV64(R3, R10), A64I(BPF_ADD, R3, -16), MOV64I(R4, 0),
	     LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_update_elem), EXIT()),
	PRIV_UNINIT("maps: update with an unwritten value",
		    ST(BPF_W, R10, -4, 1), MOV64(R2, R10),
		    A64I(BPF_ADD, R2, -4), MOV64(R3, R10),
		    A64I(BPF_ADD, R3, -16), MOV64I(R4, 0),
		    LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_update_elem),
		    EXIT()),
	MAPC("update with a value in a map value", 1, NULL, VALUE(MAP_ARRAY8),
	     MOV64(R3, R0), ST(BPF_W, R10, -4, 1), MOV64(R2, R10),
	     A64I(BPF_ADD, R2, -4), MOV64I(R4, 0), LDMAP(R1, MAP_ARRAY8),
	     CALL(BPF_FUNC_map_update_elem), EXIT()),
	MAPC("update with a value too small", 0, "map value", VALUE(MAP_ARRAY8),
	     MOV64(R3, R0), A64I(BPF_ADD, R3, 4), ST(BPF_W, R10, -4, 1),
	     MOV64(R2, R10), A64I(BPF_ADD, R2, -4), MOV64I(R4, 0),
	     LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_update_elem), EXIT()),
	MAPC("update reads its flags", 0, "R4 is read", ST(BPF_W, R10, -4, 1),
	     ST(BPF_DW, R10, -16, 5), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
	     MOV64(R3, R10), A64I(BPF_ADD, R3, -16), LDMAP(R1, MAP_ARRAY8),
	     CALL(BPF_FUNC_map_update_elem), EXIT()),
	{
		.name = "maps: an update is seen by a lookup",
		.insns = {
			ST(BPF_W, R10, -4, 1), ST(BPF_DW, R10, -16, 5),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
			MOV64(R3, R10), A64I(BPF_ADD, R3, -16), MOV64I(R4, 0),
			LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_update_elem),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
			LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
			JI(BPF_JEQ, R0, 0, 2), LDX(BPF_DW, R0, R0, 0), EXIT(),
			MOV64I(R0, 99), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 5, .unpriv = U_SAME,
	},
	{
		.name = "maps: deleting from an array fails at run time",
		.insns = {
			ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
			LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_delete_elem), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = (uint32_t)-EINVAL,
		.unpriv = U_SAME,
	},
	{
		.name = "maps: a missing key gives NULL",
		.insns = {
			ST(BPF_W, R10, -4, 9), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
			LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
			JI(BPF_JEQ, R0, 0, 2), MOV64I(R0, 1), EXIT(),
			MOV64I(R0, 2), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 2, .unpriv = U_SAME,
	},
	/*
	 * A lookup reached with an array on one path and a hash map on the
	 * other must find each in its own way: the run takes the path
	 * explored first in one case, second in the other. Key 0 is in the
	 * array; the hash map's key (0, 0x5eed) is in no case's map.
	 */
	{
		.name = "maps: one lookup of two map types, the first path's runs",
		.insns = { LOOKUP_EITHER(BPF_JGT) },
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME,
	},
	{
		.name = "maps: one lookup of two map types, the second path's runs",
		.insns = { LOOKUP_EITHER(BPF_JLT) },
		.result = ACCEPT, .run = true, .retval = 2, .unpriv = U_SAME,
	},
	{
		.name = "maps: an array's last element is found, the next is not",
		.insns = {
			ST(BPF_W, R10, -4, 3), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
			LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
			JI(BPF_JEQ, R0, 0, 9),
			ST(BPF_W, R10, -4, 4), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
			LDMAP(R1, MAP_ARRAY8), CALL(BPF_FUNC_map_lookup_elem),
			JI(BPF_JNE, R0, 0, 2), MOV64I(R0, 1), EXIT(),
			MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME,
	},
	{
		.name = "maps: the element of key 3 among 48-byte values",
		.insns = {
			ST(BPF_DW, R10, -48, 0), ST(BPF_DW, R10, -40, 0),
			ST(BPF_DW, R10, -32, 0), ST(BPF_DW, R10, -24, 0),
			ST(BPF_DW, R10, -16, 0), ST(BPF_DW, R10, -8, 0x77),
			ST(BPF_W, R10, -52, 3),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -52),
			MOV64(R3, R10), A64I(BPF_ADD, R3, -48), MOV64I(R4, 0),
			LDMAP(R1, MAP_ARRAY48), CALL(BPF_FUNC_map_update_elem),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -52),
			LDMAP(R1, MAP_ARRAY48), CALL(BPF_FUNC_map_lookup_elem),
			JI(BPF_JEQ, R0, 0, 2), LDX(BPF_DW, R0, R0, 40), EXIT(),
			MOV64I(R0, 99), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x77, .unpriv = U_SAME,
	},
	MAPC("read-only to programs: read", 1, NULL, VALUE(MAP_ARRAY_RDONLY),
	     LDX(BPF_DW, R0, R0, 0), EXIT()),
	MAPC("read-only to programs: write", 0, "read-only",
	     VALUE(MAP_ARRAY_RDONLY), ST(BPF_DW, R0, 0, 1), MOV64I(R0, 0),
	     EXIT()),
	MAPC("write-only to programs: write", 1, NULL, VALUE(MAP_ARRAY_WRONLY),
	     ST(BPF_DW, R0, 0, 1), MOV64I(R0, 0), EXIT()),
	MAPC("write-only to programs: read", 0, "write-only",
	     VALUE(MAP_ARRAY_WRONLY), LDX(BPF_DW, R0, R0, 0), EXIT()),
	MAPC("two maps in one program", 1, NULL, VALUE(MAP_ARRAY8),
	     MOV64(R6, R0), VALUE(MAP_ARRAY48), LDX(BPF_DW, R1, R6, 0),
	     LDX(BPF_DW, R0, R0, 40), A64(BPF_ADD, R0, R1), EXIT()),
	MAPC("a value of one map checked against the other's size", 0,
	     "8-byte map value", VALUE(MAP_ARRAY8), MOV64(R6, R0),
	     VALUE(MAP_ARRAY48), LDX(BPF_DW, R0, R6, 40), EXIT()),

	/* ---- lookup results: NULL checks -------------------------------------------- */
	MAPC("checked with !=", 1, NULL, LOOKUP(MAP_ARRAY8),
	     JI(BPF_JNE, R0, 0, 1), EXIT(), LDX(BPF_DW, R0, R0, 0), EXIT()),
	MAPC("used on the NULL side", 0, "scalar", LOOKUP(MAP_ARRAY8),
	     JI(BPF_JNE, R0, 0, 2), LDX(BPF_DW, R0, R0, 0), EXIT(),
	     MOV64I(R0, 0), EXIT()),
	MAPC("a copy checked for the original", 1, NULL, LOOKUP(MAP_ARRAY8),
	     MOV64(R6, R0), JI(BPF_JEQ, R6, 0, 2), LDX(BPF_DW, R0, R0, 0),
	     EXIT(), MOV64I(R0, 0), EXIT()),
	MAPC("checked with a 32-bit jump", 0, "may be NULL", LOOKUP(MAP_ARRAY8),
	     J32I(BPF_JEQ, R0, 0, 2), LDX(BPF_DW, R0, R0, 0), EXIT(),
	     MOV64I(R0, 0), EXIT()),
	MAPC("checked against 1", 0, "may be NULL", LOOKUP(MAP_ARRAY8),
	     JI(BPF_JEQ, R0, 1, 2), LDX(BPF_DW, R0, R0, 0), EXIT(),
	     MOV64I(R0, 0), EXIT()),
	MAPC("one of two lookups checked", 0, "may be NULL", LOOKUP(MAP_ARRAY8),
	     MOV64(R6, R0), LOOKUP(MAP_ARRAY8), JI(BPF_JEQ, R0, 0, 2),
	     LDX(BPF_DW, R0, R6, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	MAPC("arithmetic before the check", 0, "NULL", LOOKUP(MAP_ARRAY8),
	     A64I(BPF_ADD, R0, 0), JI(BPF_JEQ, R0, 0, 2),
	     LDX(BPF_DW, R0, R0, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	{
		.name = "maps: a lookup result returned unchecked",
		.insns = { LOOKUP(MAP_ARRAY8), EXIT() },
		.result = ACCEPT, .unpriv = U_REJECT, .unpriv_log = "leaks",
	},
	MAPC("the checked value is 0 on the NULL side", 1, NULL,
	     LOOKUP(MAP_ARRAY8), JI(BPF_JNE, R0, 0, 1), EXIT(), MOV64I(R0, 0),
	     EXIT()),
	{
		.name = "maps: a value pointer is never NULL",
		.insns = {
			VALUE(MAP_ARRAY8), JI(BPF_JNE, R0, 0, 2),
			LDX(BPF_DW, R0, R10, -64), EXIT(),
			MOV64I(R0, 3), EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 3, .unpriv = U_REJECT,
	},
	/*
	 * Against a register known to hold 0 as against the immediate. The
	 * other side reads past the value: explored, it is refused.
	 */
	{
		.name = "maps: a value pointer is never a register holding 0",
		.insns = {
			VALUE(MAP_ARRAY8), MOV64I(R1, 0),
			J(BPF_JNE, R0, R1, 2),
			LDX(BPF_DW, R0, R0, 64), EXIT(),
			MOV64I(R0, 3), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 3,
		.unpriv = U_REJECT, .unpriv_log = "8-byte map value",
	},
	{
		.name = "maps: a value pointer may equal a register holding 1",
		.insns = {
			VALUE(MAP_ARRAY8), MOV64I(R1, 1),
			J(BPF_JNE, R0, R1, 2),
			LDX(BPF_DW, R0, R0, 64), EXIT(),
			MOV64I(R0, 3), EXIT(),
		},
		.result = REJECT, .log = "8-byte map value",
		.unpriv = U_REJECT, .unpriv_log = "compare pointers",
	},
	/*
	 * The register's 0 decides the jump, so it is precise: the path
	 * where it holds 1, explored second, is not pruned at the jump.
	 */
	{
		.name = "maps: a register compared as 0 with a pointer is precise",
		.insns = {
			VALUE(MAP_ARRAY8), LDX(BPF_DW, R1, R0, 0),
			MOV64I(R2, 1),
			JI(BPF_JEQ, R1, 7, 1),
			MOV64I(R2, 0),
			J(BPF_JNE, R0, R2, 2),
			LDX(BPF_DW, R0, R0, 64), EXIT(),
			MOV64I(R0, 3), EXIT(),
		},
		.result = REJECT, .log = "8-byte map value",
		.unpriv = U_REJECT,
	},
	{
		.name = "maps: a register compared as 0 with a pointer, 1 first",
		.insns = {
			VALUE(MAP_ARRAY8), LDX(BPF_DW, R1, R0, 0),
			MOV64I(R2, 0),
			JI(BPF_JEQ, R1, 7, 1),
			MOV64I(R2, 1),
			J(BPF_JNE, R0, R2, 2),
			LDX(BPF_DW, R0, R0, 64), EXIT(),
			MOV64I(R0, 3), EXIT(),
		},
		.result = REJECT, .log = "8-byte map value",
		.unpriv = U_REJECT,
	},

	/* ---- pointers: what arithmetic and which uses are allowed ------------------- */
#define PTR_E(nm, ok, e, lg, ...) {					\
	.name = "pointers: " nm,					\
	.insns = { __VA_ARGS__ },					\
	.result = (ok) ? ACCEPT : REJECT, .err = e, .log = lg,		\
	.unpriv = U_SAME,						\
}

#define PTR(nm, ok, lg, ...) PTR_E(nm, ok, 0, lg, __VA_ARGS__)

	/* Fine for privileged programs, refused to unprivileged ones. */
#define PRIV_ONLY(nm, lg, ...) {					\
	.name = "pointers: " nm,					\
	.insns = { __VA_ARGS__ },					\
	.result = ACCEPT, .unpriv = U_REJECT, .unpriv_log = lg,		\
}

	PTR("pointer plus pointer", 0, "two pointers", MOV64(R2, R10),
	    A64(BPF_ADD, R2, R1), MOV64I(R0, 0), EXIT()),
	PTR("scalar minus pointer", 0, "from a scalar", MOV64I(R2, 0),
	    A64(BPF_SUB, R2, R10), MOV64I(R0, 0), EXIT()),
	PTR("pointer times 2", 0, "only + and -", MOV64(R2, R10),
	    A64I(BPF_MUL, R2, 2), MOV64I(R0, 0), EXIT()),
	PTR("pointer and a mask", 0, "only + and -", MOV64(R2, R10),
	    A64I(BPF_AND, R2, -8), MOV64I(R0, 0), EXIT()),
	PTR("pointer or a bit", 0, "only + and -", MOV64(R2, R1),
	    A64I(BPF_OR, R2, 1), MOV64I(R0, 0), EXIT()),
	PTR("pointer shifted", 0, "only + and -", MOV64(R2, R1),
	    A64I(BPF_LSH, R2, 1), MOV64I(R0, 0), EXIT()),
	PTR("pointer divided", 0, "only + and -", MOV64(R2, R1),
	    A64I(BPF_DIV, R2, 2), MOV64I(R0, 0), EXIT()),
	PTR("scalar xor pointer", 0, "only + and -", MOV64I(R2, 1),
	    A64(BPF_XOR, R2, R1), MOV64I(R0, 0), EXIT()),
	PTR("32-bit add to a pointer", 0, "32-bit", MOV64(R2, R10),
	    A32I(BPF_ADD, R2, -8), MOV64I(R0, 0), EXIT()),
	PTR("32-bit add of a pointer", 0, "32-bit", MOV64I(R2, 0),
	    A32(BPF_ADD, R2, R10), MOV64I(R0, 0), EXIT()),
	PTR("scalar plus pointer is a pointer", 1, NULL, MOV64I(R2, -8),
	    A64(BPF_ADD, R2, R10), ST(BPF_DW, R2, 0, 4),
	    LDX(BPF_DW, R0, R10, -8), EXIT()),
	PTR_E("offset of 2^29", 0, EINVAL, "too large", MOV64(R2, R10),
	      LDI64(R3, 1ULL << 29), A64(BPF_ADD, R2, R3), MOV64I(R0, 0),
	      EXIT()),
	PTR_E("adding a scalar with no lower bound", 0, EINVAL,
	      "no lower bound", UNKNOWN_R1, A64(BPF_ADD, R6, R1), MOV64I(R0, 0),
	      EXIT()),
	PRIV_ONLY("distance between two stack pointers", "two pointers",
		  MOV64(R2, R10), A64I(BPF_ADD, R2, -8), MOV64(R0, R10),
		  A64(BPF_SUB, R0, R2), EXIT()),
	PRIV_ONLY("32-bit copy of a pointer", "partial copy", MOV32(R0, R10),
		  MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("negated pointer", "arithmetic", MOV64(R2, R10), NEG64(R2),
		  MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("byte-swapped pointer", "arithmetic", MOV64(R2, R10),
		  BSWAP(BPF_TO_BE, R2, 64), MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("return the context", "leaks", MOV64(R0, R1), EXIT()),
	PRIV_ONLY("return the frame pointer", "leaks", MOV64(R0, R10), EXIT()),
	PRIV_ONLY("return a map", "leaks", LDMAP(R0, MAP_ARRAY8), EXIT()),
	PRIV_ONLY("return a map value pointer", "leaks", VALUE(MAP_ARRAY8), EXIT()),
	PRIV_ONLY("store the context into a map", "leak into a map",
		  MOV64(R6, R1), VALUE(MAP_ARRAY8), STX(BPF_DW, R0, 0, R6),
		  MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("store the frame pointer into a map", "leak into a map",
		  VALUE(MAP_ARRAY8), STX(BPF_DW, R0, 0, R10), MOV64I(R0, 0),
		  EXIT()),
	PRIV_ONLY("store a pointer into cb", "leak into the context",
		  STX(BPF_DW, R1, SKB(cb[0]), R10), MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("a pointer as a helper's plain argument", "to a helper",
		  ST(BPF_W, R10, -4, 0), ST(BPF_DW, R10, -16, 0),
		  MOV64(R2, R10), A64I(BPF_ADD, R2, -4), MOV64(R3, R10),
		  A64I(BPF_ADD, R3, -16), MOV64(R4, R10), LDMAP(R1, MAP_ARRAY8),
		  CALL(BPF_FUNC_map_update_elem), MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("a spilled pointer as map value", "leak to a helper",
		  ST(BPF_W, R10, -4, 0), STX(BPF_DW, R10, -16, R1),
		  MOV64(R2, R10), A64I(BPF_ADD, R2, -4), MOV64(R3, R10),
		  A64I(BPF_ADD, R3, -16), MOV64I(R4, 0), LDMAP(R1, MAP_ARRAY8),
		  CALL(BPF_FUNC_map_update_elem), MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("compare a pointer with a scalar", "compare pointers",
		  MOV64I(R0, 0), JI(BPF_JGT, R1, 5, 0), EXIT()),
	PRIV_ONLY("compare a scalar with a pointer", "compare pointers",
		  MOV64I(R0, 0), J(BPF_JEQ, R0, R10, 0), EXIT()),
	PRIV_ONLY("compare two pointers", "compare pointers", MOV64I(R0, 0),
		  J(BPF_JEQ, R1, R10, 0), EXIT()),
	PRIV_ONLY("compare the context with 0", "compare pointers",
		  MOV64I(R0, 0), JI(BPF_JEQ, R1, 0, 0), EXIT()),
	PRIV_ONLY("a stack pointer at fp+0", "outside the stack",
		  MOV64(R2, R10), A64I(BPF_ADD, R2, 0), MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("a stack pointer below the stack", "outside the stack",
		  MOV64(R2, R10), A64I(BPF_ADD, R2, -520), MOV64I(R0, 0),
		  EXIT()),
	PRIV_ONLY("a value pointer past its value", "leave the value",
		  VALUE(MAP_ARRAY8), A64I(BPF_ADD, R0, 8), MOV64I(R0, 0),
		  EXIT()),
	PRIV_ONLY("a value pointer before its value", "leave the value",
		  VALUE(MAP_ARRAY8), A64I(BPF_SUB, R0, 1), MOV64I(R0, 0),
		  EXIT()),
	PRIV_ONLY("adding a scalar that may be negative or positive",
		  "negative or positive", UNKNOWN_R1, A64I(BPF_AND, R1, 15),
		  A64I(BPF_SUB, R1, 8), A64(BPF_ADD, R6, R1), MOV64I(R0, 0),
		  EXIT()),
	PRIV_ONLY("a variable stack offset", "variable stack", UNKNOWN_R1,
		  A64I(BPF_AND, R1, 8), MOV64(R2, R10), A64I(BPF_ADD, R2, -16),
		  A64(BPF_ADD, R2, R1), MOV64I(R0, 0), EXIT()),
	PTR("a bounded variable offset into a value, unprivileged too", 1, NULL,
	    UNKNOWN_R1, A64I(BPF_AND, R1, 15), A64(BPF_ADD, R6, R1),
	    LDX(BPF_DW, R0, R6, 0), EXIT()),
	PTR("the context plus a constant, then back", 1, NULL, MOV64(R2, R1),
	    A64I(BPF_ADD, R2, 8), A64I(BPF_ADD, R2, -8),
	    LDX(BPF_W, R0, R2, SKB(mark)), EXIT()),

	/*
	 * ---- speculation: unprivileged programs are rewritten ---------------
	 * Pointer arithmetic by a register gets its offset clamped to what
	 * every path allows, stores that replace pointers or unwritten stack
	 * get a barrier. The rewritten programs must compute the same,
	 * offsets at the ends of their range included; test_verifier runs
	 * them unprivileged too.
	 */
#define SPEC(nm, ret, ...) {						\
	.name = "speculation: " nm,					\
	.insns = { __VA_ARGS__ },					\
	.result = ACCEPT, .run = true, .retval = ret, .unpriv = U_SAME,	\
}

	/* upstream 6.1 bounds a value pointer's variable offset unsigned */
#define SPEC_BELOW(nm, ret, why, ...) {					\
	.name = "speculation: " nm,					\
	.insns = { __VA_ARGS__ },					\
	.result = ACCEPT, .run = true, .retval = ret, .unpriv = U_SAME,	\
	.ref_skip = why,						\
}

	SPEC("value plus a register, at the end of its range", 7,
	     VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 40, 7),
	     ST(BPF_DW, R6, 8, 40), LDX(BPF_DW, R1, R6, 8),
	     JI(BPF_JGT, R1, 40, 3), A64(BPF_ADD, R6, R1),
	     LDX(BPF_DW, R0, R6, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	SPEC("value plus a register that is 0", 9,
	     VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 0, 9),
	     ST(BPF_DW, R6, 8, 0), LDX(BPF_DW, R1, R6, 8),
	     JI(BPF_JGT, R1, 40, 3), A64(BPF_ADD, R6, R1),
	     LDX(BPF_DW, R0, R6, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	SPEC_BELOW("value plus a negative register, which keeps its value", 5,
		   "upstream 6.1 refuses a variable offset below the fixed one",
		   VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 8, 5),
		   ST(BPF_DW, R6, 16, -32), LDX(BPF_DW, R1, R6, 16),
		   A64I(BPF_ADD, R6, 40), JI(BPF_JSGT, R1, 0, 6),
		   JI(BPF_JSLT, R1, -32, 5), A64(BPF_ADD, R6, R1),
		   LDX(BPF_DW, R0, R6, 0), JI(BPF_JEQ, R1, -32, 1),
		   MOV64I(R0, 99), EXIT(), MOV64I(R0, 0), EXIT()),
	SPEC_BELOW("value minus a register", 5,
		   "upstream 6.1 refuses a variable offset below the fixed one",
		   VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 8, 5),
		   ST(BPF_DW, R6, 16, 32), LDX(BPF_DW, R1, R6, 16),
		   A64I(BPF_ADD, R6, 40), JI(BPF_JGT, R1, 32, 3),
		   A64(BPF_SUB, R6, R1), LDX(BPF_DW, R0, R6, 0), EXIT(),
		   MOV64I(R0, 0), EXIT()),
	SPEC_BELOW("value minus a negative register", 6,
		   "upstream 6.1 counts an offset in [-24, 0] as of either sign",
		   VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 24, 6),
		   ST(BPF_DW, R6, 16, -24), LDX(BPF_DW, R1, R6, 16),
		   JI(BPF_JSGT, R1, 0, 6), JI(BPF_JSLT, R1, -24, 5),
		   A64(BPF_SUB, R6, R1), LDX(BPF_DW, R0, R6, 0),
		   JI(BPF_JEQ, R1, -24, 1), MOV64I(R0, 99), EXIT(),
		   MOV64I(R0, 0), EXIT()),
	SPEC("a register plus the value pointer", 6,
	     VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 24, 6),
	     ST(BPF_DW, R6, 8, 24), LDX(BPF_DW, R1, R6, 8),
	     JI(BPF_JGT, R1, 40, 3), A64(BPF_ADD, R1, R6),
	     LDX(BPF_DW, R0, R1, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	SPEC_BELOW("a negative register plus the value pointer", 5,
		   "upstream 6.1 refuses a variable offset below the fixed one",
		   VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 8, 5),
		   ST(BPF_DW, R6, 16, -32), LDX(BPF_DW, R1, R6, 16),
		   A64I(BPF_ADD, R6, 40), JI(BPF_JSGT, R1, 0, 4),
		   JI(BPF_JSLT, R1, -32, 3), A64(BPF_ADD, R1, R6),
		   LDX(BPF_DW, R0, R1, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	SPEC("value plus a constant in a register", 4,
	     VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 16, 4),
	     MOV64I(R1, 16), A64(BPF_ADD, R6, R1), LDX(BPF_DW, R0, R6, 0),
	     EXIT()),
	SPEC("value plus a negative constant in a register", 3,
	     VALUE(MAP_ARRAY48), MOV64(R6, R0), ST(BPF_DW, R6, 8, 3),
	     A64I(BPF_ADD, R6, 24), MOV64I(R1, -16), A64(BPF_ADD, R6, R1),
	     LDX(BPF_DW, R0, R6, 0), JI(BPF_JEQ, R1, -16, 1),
	     MOV64I(R0, 99), EXIT()),
	SPEC("stack pointer plus a constant in a register", 11,
	     MOV64(R2, R10), MOV64I(R1, -8), A64(BPF_ADD, R2, R1),
	     ST(BPF_DW, R2, 0, 11), LDX(BPF_DW, R0, R10, -8), EXIT()),
	SPEC("a number stored over a spilled pointer", 3,
	     STX(BPF_DW, R10, -8, R1), ST(BPF_DW, R10, -8, 3),
	     LDX(BPF_DW, R0, R10, -8), EXIT()),
	SPEC("a spilled frame pointer filled and used", 4,
	     ST(BPF_DW, R10, -16, 4), STX(BPF_DW, R10, -8, R10),
	     LDX(BPF_DW, R2, R10, -8), LDX(BPF_DW, R0, R2, -16), EXIT()),
	{
		/* a mispredicted bound lets the first move be 0, then 7 back */
		.name = "speculation: a move back after a variable move",
		.insns = {
			VALUE(MAP_ARRAY48), LDX(BPF_B, R1, R0, 0),
			A64I(BPF_AND, R1, 0xf), A64I(BPF_OR, R1, 7),
			A64(BPF_ADD, R0, R1), LDX(BPF_B, R1, R0, 0),
			A64I(BPF_AND, R1, 7), A64(BPF_SUB, R0, R1),
			LDX(BPF_B, R1, R0, 0), MOV64I(R0, 1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1,
		.unpriv = U_REJECT, .unpriv_log = "would leave the value",
	},
	{
		.name = "speculation: one add, a pointer on one path and a number on another",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64(R6, R0), LDX(BPF_DW, R3, R6, 0),
			A64I(BPF_AND, R3, 7), LDX(BPF_DW, R1, R6, 8),
			MOV64(R2, R6), JI(BPF_JEQ, R1, 0, 1), MOV64I(R2, 5),
			A64(BPF_ADD, R2, R3), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0,
		.unpriv = U_REJECT, .unpriv_log = "differs between paths",
	},
	{
		.name = "speculation: one add, two spans",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64(R6, R0), LDX(BPF_DW, R3, R6, 0),
			LDX(BPF_DW, R1, R6, 8), A64I(BPF_AND, R3, 7),
			JI(BPF_JEQ, R1, 0, 1), A64I(BPF_AND, R3, 3),
			A64(BPF_ADD, R6, R3), LDX(BPF_B, R0, R6, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0,
		.unpriv = U_REJECT, .unpriv_log = "differs between paths",
	},

	/* ---- helpers -------------------------------------------------------------- */
#define HELPER(nm, ok, e, lg, ...) {					\
	.name = "helpers: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.result = (ok) ? ACCEPT : REJECT, .err = e, .log = lg,		\
	.unpriv = U_SAME,						\
}

	/* r2..r4 for skb_load_bytes(skb, 0, fp-8, 8) */
#define LOAD_BYTES_ARGS							\
	INSNS(MOV64I(R2, 0),						\
	      MOV64(R3, R10),						\
	      A64I(BPF_ADD, R3, -8),					\
	      MOV64I(R4, 8))

	HELPER("helper 0", 0, EINVAL, "no helper", CALL(0), EXIT()),
	HELPER("helper 100000", 0, EINVAL, "no helper", CALL(100000), EXIT()),
	HELPER("helper -1", 0, EINVAL, "no helper", CALL(-1), EXIT()),
	HELPER("a tracing helper in a socket filter", 0, EINVAL,
	       "not available", CALL(BPF_FUNC_get_current_pid_tgid), EXIT()),
	HELPER("probe_write_user in a socket filter", 0, EINVAL,
	       "not available", CALL(BPF_FUNC_probe_write_user), EXIT()),
	HELPER("ktime_get_ns", 1, 0, NULL, CALL(BPF_FUNC_ktime_get_ns), MOV64I(R0, 0), EXIT()),
	HELPER("ktime_get_boot_ns", 1, 0, NULL,
	       CALL(BPF_FUNC_ktime_get_boot_ns), MOV64I(R0, 0), EXIT()),
	HELPER("get_prandom_u32", 1, 0, NULL, CALL(BPF_FUNC_get_prandom_u32), EXIT()),
	HELPER("get_numa_node_id", 1, 0, NULL, CALL(BPF_FUNC_get_numa_node_id), EXIT()),
	{
		.name = "helpers: get_smp_processor_id is a CPU",
		.insns = {
			CALL(BPF_FUNC_get_smp_processor_id), MOV64(R1, R0),
			MOV64I(R0, 1), JI(BPF_JLT, R1, 64, 1), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_SAME,
	},
	{
		.name = "helpers: R0 is an unknown scalar after a call",
		.insns = { CALL(BPF_FUNC_ktime_get_ns), LDX(BPF_B, R0, R0, 0), EXIT() },
		.result = REJECT, .log = "scalar", .unpriv = U_SAME,
	},
	{
		.name = "helpers: skb_load_bytes to the stack",
		.insns = {
			MOV64(R6, R1), LOAD_BYTES_ARGS, CALL(BPF_FUNC_skb_load_bytes),
			LDX(BPF_B, R0, R10, -7), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 2, .unpriv = U_SAME,
	},
	{
		.name = "helpers: skb_load_bytes returns -EFAULT past the packet",
		.insns = {
			MOV64(R6, R1), LOAD_BYTES_ARGS, MOV64I(R2, 48),
			CALL(BPF_FUNC_skb_load_bytes), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = (uint32_t)-EFAULT,
		.unpriv = U_SAME,
	},
	/*
	 * A helper that writes a bounded but not constant number of bytes
	 * may write any of them: what they held before (a zero, a spilled
	 * register) is gone. r9 is the context, r6 a 48-byte map value, and
	 * skb_load_bytes writes 1..8 bytes at fp@off.
	 */
#define LOAD_SOME_BYTES(off) INSNS(					\
	MOV64(R9, R1), VALUE(MAP_ARRAY48), MOV64(R6, R0),		\
	ST(BPF_DW, R10, -8, 0), ST(BPF_DW, R10, -16, 0),		\
	STX(BPF_DW, R10, -24, R6),					\
	LDX(BPF_W, R4, R9, SKB(len)), A64I(BPF_AND, R4, 7),		\
	A64I(BPF_ADD, R4, 1), MOV64(R1, R9), MOV64I(R2, 0),		\
	MOV64(R3, R10), A64I(BPF_ADD, R3, off),				\
	CALL(BPF_FUNC_skb_load_bytes))
	HELPER("a variable-size write leaves no zero behind", 0, 0,
	       "48-byte map value", LOAD_SOME_BYTES(-8),
	       LDX(BPF_DW, R1, R10, -8), A64I(BPF_AND, R1, 63),
	       ACCESS_R6_PLUS_R1),
	HELPER("a variable-size write leaves other slots alone", 1, 0, NULL,
	       LOAD_SOME_BYTES(-8), LDX(BPF_DW, R1, R10, -16),
	       A64I(BPF_AND, R1, 63), ACCESS_R6_PLUS_R1),
	{
		.name = "helpers: a variable-size write leaves no spilled pointer behind",
		.insns = {
			LOAD_SOME_BYTES(-24), LDX(BPF_DW, R1, R10, -24),
			ST(BPF_B, R1, 0, 0), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "scalar",
		.unpriv = U_REJECT, .unpriv_log = "leak",
	},
	{
		.name = "helpers: a spilled pointer next to a variable-size write stays",
		.insns = {
			LOAD_SOME_BYTES(-16), LDX(BPF_DW, R1, R10, -24),
			ST(BPF_B, R1, 0, 7), LDX(BPF_B, R0, R6, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 7, .unpriv = U_SAME,
	},
	{
		.name = "helpers: skb_load_bytes to a map value",
		.insns = {
			MOV64(R6, R1), VALUE(MAP_ARRAY8), MOV64(R3, R0), MOV64(R7, R0),
			MOV64(R1, R6), MOV64I(R2, 4), MOV64I(R4, 8),
			CALL(BPF_FUNC_skb_load_bytes), LDX(BPF_B, R0, R7, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 5, .unpriv = U_SAME,
	},
	HELPER("skb_load_bytes of 0 bytes", 0, 0, "zero", LOAD_BYTES_ARGS,
	       MOV64I(R4, 0), CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes past the stack", 0, EINVAL, "past the top",
	       LOAD_BYTES_ARGS, MOV64I(R4, 16), CALL(BPF_FUNC_skb_load_bytes),
	       EXIT()),
	HELPER("skb_load_bytes without the context", 0, 0, "context",
	       LOAD_BYTES_ARGS, MOV64(R1, R10), CALL(BPF_FUNC_skb_load_bytes),
	       EXIT()),
	HELPER("skb_load_bytes with a moved context", 0, 0, "context",
	       LOAD_BYTES_ARGS, A64I(BPF_ADD, R1, 4),
	       CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes into the context", 0, 0, NULL, LOAD_BYTES_ARGS,
	       MOV64(R3, R1), CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes of an unbounded size", 0, 0, "unbounded",
	       MOV64(R6, R1), LDX(BPF_W, R4, R6, SKB(len)), MOV64I(R2, 0),
	       MOV64(R3, R10), A64I(BPF_ADD, R3, -8),
	       CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes of a size that may be zero", 0, 0, "zero",
	       MOV64(R6, R1), LDX(BPF_W, R4, R6, SKB(len)),
	       A64I(BPF_AND, R4, 7), MOV64I(R2, 0), MOV64(R3, R10),
	       A64I(BPF_ADD, R3, -8), CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	PRIV_UNINIT("helpers: skb_load_bytes of a bounded size fills maybe less",
		    MOV64(R6, R1), LDX(BPF_W, R4, R6, SKB(len)),
		    A64I(BPF_AND, R4, 7), A64I(BPF_ADD, R4, 1), MOV64I(R2, 0),
		    MOV64(R3, R10), A64I(BPF_ADD, R3, -8),
		    CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes of a size that may not fit", 0, EINVAL,
	       "past the top", MOV64(R6, R1), LDX(BPF_W, R4, R6, SKB(len)),
	       A64I(BPF_AND, R4, 15), A64I(BPF_ADD, R4, 1), MOV64I(R2, 0),
	       MOV64(R3, R10), A64I(BPF_ADD, R3, -8),
	       CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes of a negative size", 0, 0, "negative",
	       MOV64(R6, R1), LDX(BPF_W, R4, R6, SKB(len)),
	       A64I(BPF_SUB, R4, 100), MOV64I(R2, 0), MOV64(R3, R10),
	       A64I(BPF_ADD, R3, -8), CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes with a size in the map value", 1, 0, NULL,
	       MOV64(R6, R1), VALUE(MAP_ARRAY48), MOV64(R3, R0), MOV64(R1, R6),
	       MOV64I(R2, 0), MOV64I(R4, 48), CALL(BPF_FUNC_skb_load_bytes),
	       EXIT()),
	HELPER("skb_load_bytes past a map value", 0, 0, "map value",
	       MOV64(R6, R1), VALUE(MAP_ARRAY48), MOV64(R3, R0),
	       A64I(BPF_ADD, R3, 8), MOV64(R1, R6), MOV64I(R2, 0),
	       MOV64I(R4, 48), CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("skb_load_bytes into a read-only value", 0, 0, "read-only",
	       MOV64(R6, R1), VALUE(MAP_ARRAY_RDONLY), MOV64(R3, R0),
	       MOV64(R1, R6), MOV64I(R2, 0), MOV64I(R4, 8),
	       CALL(BPF_FUNC_skb_load_bytes), EXIT()),
	HELPER("the stack written by a helper is initialized", 1, 0, NULL,
	       MOV64(R6, R1), LOAD_BYTES_ARGS, CALL(BPF_FUNC_skb_load_bytes),
	       LDX(BPF_DW, R0, R10, -8), EXIT()),
	HELPER("R1-R5 are gone after a call", 0, 0, "R3 is read", MOV64(R6, R1),
	       LOAD_BYTES_ARGS, CALL(BPF_FUNC_skb_load_bytes),
	       LDX(BPF_DW, R0, R3, 0), EXIT()),

	/* ---- dead code -------------------------------------------------------------- */
	{
		.name = "dead code: a branch that is never taken is not checked",
		.insns = {
			MOV64I(R1, 5), JI(BPF_JGT, R1, 10, 2),
			MOV64I(R0, 1), EXIT(),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_REJECT,
	},
	{
		.name = "dead code: decided by a range",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)), A64I(BPF_AND, R1, 0xff),
			JI(BPF_JGT, R1, 0xff, 2),
			MOV64I(R0, 1), EXIT(),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_REJECT,
	},
	{
		.name = "dead code: decided by known bits",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)), A64I(BPF_OR, R1, 1),
			JI(BPF_JSET, R1, 1, 2),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
			MOV64I(R0, 1), EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_REJECT,
	},
	{
		.name = "dead code: a 32-bit comparison decides",
		.insns = {
			LDI64(R1, 0x100000000ULL), J32I(BPF_JNE, R1, 0, 2),
			MOV64I(R0, 1), EXIT(),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_REJECT,
	},
	{
		.name = "dead code: the taken side is checked",
		.insns = {
			LDI64(R1, 0x100000000ULL), JI(BPF_JNE, R1, 0, 2),
			MOV64I(R0, 1), EXIT(),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		.result = REJECT, .log = "scalar", .unpriv = U_SAME,
	},
	{
		.name = "dead code: an impossible signed range",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)), JI(BPF_JSLT, R1, 0, 2),
			MOV64I(R0, 1), EXIT(),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_REJECT,
	},

	/* ---- loops --------------------------------------------------------------------- */
	{
		.name = "loops: bounded by a constant",
		.insns = {
			MOV64I(R0, 0), A64I(BPF_ADD, R0, 3),
			JI(BPF_JLT, R0, 300, -2), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 300,
		.unpriv = U_REJECT, .unpriv_err = EINVAL, .unpriv_log = "back-edge",
	},
	{
		.name = "loops: counting down",
		.insns = {
			MOV64I(R1, 100), MOV64I(R0, 0),
			A64I(BPF_ADD, R0, 2), A64I(BPF_SUB, R1, 1),
			JI(BPF_JNE, R1, 0, -3), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 200,
		.unpriv = U_REJECT, .unpriv_err = EINVAL,
	},
	{
		.name = "loops: bounded by a masked value",
		.insns = {
			LDX(BPF_W, R2, R1, SKB(len)), A64I(BPF_AND, R2, 15),
			MOV64I(R0, 0),
			A64I(BPF_ADD, R0, 1), J(BPF_JLT, R0, R2, -2), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 2,
		.unpriv = U_REJECT, .unpriv_err = EINVAL,
	},
	{
		.name = "loops: nested",
		.insns = {
			MOV64I(R0, 0), MOV64I(R1, 0),
			MOV64I(R2, 0),
			A64I(BPF_ADD, R0, 1), A64I(BPF_ADD, R2, 1),
			JI(BPF_JLT, R2, 5, -3),
			A64I(BPF_ADD, R1, 1), JI(BPF_JLT, R1, 4, -6), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 20,
		.unpriv = U_REJECT, .unpriv_err = EINVAL,
	},
	{
		.name = "loops: a loop writing the stack",
		.insns = {
			MOV64I(R1, 0),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -64), A64(BPF_ADD, R2, R1),
			ST(BPF_DW, R2, 0, 1), A64I(BPF_ADD, R1, 8),
			JI(BPF_JLT, R1, 64, -6),
			LDX(BPF_DW, R0, R10, -8), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1,
		.unpriv = U_REJECT, .unpriv_err = EINVAL,
	},
	{
		.name = "loops: the same state again is an infinite loop",
		.insns = { MOV64I(R0, 0), JI(BPF_JEQ, R0, 0, -1), EXIT() },
		.result = REJECT, .err = EINVAL, .log = "infinite loop",
	},
	{
		.name = "loops: an unknown counter never provably ends",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)),
			A64I(BPF_SUB, R1, 1), JI(BPF_JNE, R1, 0, -2),
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .err = E2BIG, .log = "too complex", .log_level = 4,
	},
	{
		.name = "loops: one that ends after 2^64 steps is too complex",
		.insns = {
			MOV64I(R0, 0), A64I(BPF_ADD, R0, 1),
			JI(BPF_JNE, R0, 0, -2), EXIT(),
		},
		.result = REJECT, .err = E2BIG, .log = "too complex", .log_level = 4,
	},
	{
		.name = "loops: a loop around a helper call",
		.insns = {
			MOV64I(R6, 0),
			CALL(BPF_FUNC_ktime_get_ns), A64I(BPF_ADD, R6, 1),
			JI(BPF_JLT, R6, 4, -3), MOV64(R0, R6), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 4,
		.unpriv = U_REJECT, .unpriv_err = EINVAL,
	},
	{
		.name = "loops: a bounded value that never reaches the exit",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)), A64I(BPF_AND, R1, 1),
			JI(BPF_JEQ, R1, 2, 1), JA(-2),
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .err = EINVAL, .log = "infinite loop",
	},
	{
		.name = "loops: unprivileged programs may not loop even boundedly",
		.insns = {
			MOV64I(R0, 0), JI(BPF_JEQ, R0, 1, -2), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0,
		.unpriv = U_REJECT, .unpriv_err = EINVAL, .unpriv_log = "back-edge",
	},

	/* ---- atomic operations ------------------------------------------------------- */
#define ATOM(nm, ok, lg, ...) {						\
	.name = "atomics: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.result = (ok) ? ACCEPT : REJECT, .log = lg, .unpriv = U_SAME,	\
}

	{
		.name = "atomics: add to the stack",
		.insns = {
			ST(BPF_DW, R10, -8, 40), MOV64I(R1, 2),
			ATOMIC(BPF_DW, BPF_ADD, R10, -8, R1),
			LDX(BPF_DW, R0, R10, -8), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 42, .unpriv = U_SAME,
	},
	{
		.name = "atomics: fetch-add returns the old value",
		.insns = {
			ST(BPF_W, R10, -4, 40), MOV64I(R1, 2),
			ATOMIC(BPF_W, BPF_ADD | BPF_FETCH, R10, -4, R1),
			MOV64(R0, R1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 40, .unpriv = U_SAME,
	},
	{
		.name = "atomics: or, and, xor on a map value",
		.insns = {
			VALUE(MAP_ARRAY8), MOV64I(R1, 0xf0),
			ATOMIC(BPF_DW, BPF_OR, R0, 0, R1), MOV64I(R1, 0x30),
			ATOMIC(BPF_DW, BPF_AND, R0, 0, R1), MOV64I(R1, 0x1),
			ATOMIC(BPF_DW, BPF_XOR, R0, 0, R1),
			LDX(BPF_DW, R0, R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x31, .unpriv = U_SAME,
	},
	{
		.name = "atomics: xchg",
		.insns = {
			ST(BPF_DW, R10, -8, 1), MOV64I(R1, 9),
			ATOMIC(BPF_DW, BPF_XCHG, R10, -8, R1),
			LDX(BPF_DW, R0, R10, -8), A64I(BPF_LSH, R0, 4),
			A64(BPF_OR, R0, R1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x91, .unpriv = U_SAME,
	},
	{
		.name = "atomics: cmpxchg that swaps",
		.insns = {
			ST(BPF_DW, R10, -8, 3), MOV64I(R0, 3), MOV64I(R1, 7),
			ATOMIC(BPF_DW, BPF_CMPXCHG, R10, -8, R1),
			LDX(BPF_DW, R1, R10, -8), A64I(BPF_LSH, R0, 4),
			A64(BPF_OR, R0, R1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x37, .unpriv = U_SAME,
	},
	{
		.name = "atomics: cmpxchg that does not swap",
		.insns = {
			ST(BPF_W, R10, -4, 3), MOV64I(R0, 4), MOV64I(R1, 7),
			ATOMIC(BPF_W, BPF_CMPXCHG, R10, -4, R1),
			LDX(BPF_W, R1, R10, -4), A64I(BPF_LSH, R0, 4),
			A64(BPF_OR, R0, R1), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0x33, .unpriv = U_SAME,
	},
	PRIV_UNINIT("atomics: on unwritten stack", MOV64I(R1, 1),
		    ATOMIC(BPF_DW, BPF_ADD, R10, -8, R1), MOV64I(R0, 0),
		    EXIT()),
	PRIV_UNINIT("atomics: on half-written stack", ST(BPF_W, R10, -8, 0),
		    MOV64I(R1, 1), ATOMIC(BPF_DW, BPF_ADD, R10, -8, R1),
		    MOV64I(R0, 0), EXIT()),
	ATOM("on the context", 0, "context", MOV64I(R2, 1),
	     ATOMIC(BPF_W, BPF_ADD, R1, SKB(cb[0]), R2), MOV64I(R0, 0), EXIT()),
	ATOM("on a read-only value", 0, "read-only", VALUE(MAP_ARRAY_RDONLY),
	     MOV64I(R1, 1), ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1), MOV64I(R0, 0),
	     EXIT()),
	ATOM("past a map value", 0, "map value", VALUE(MAP_ARRAY8),
	     MOV64I(R1, 1), ATOMIC(BPF_DW, BPF_ADD, R0, 8, R1), MOV64I(R0, 0),
	     EXIT()),
	ATOM("through a scalar", 0, "scalar", MOV64I(R2, 0), MOV64I(R1, 1),
	     ATOMIC(BPF_DW, BPF_ADD, R2, 0, R1), MOV64I(R0, 0), EXIT()),
	ATOM("misaligned on the stack", 0, "misaligned",
	     ST(BPF_DW, R10, -16, 0), ST(BPF_DW, R10, -8, 0), MOV64I(R1, 1),
	     ATOMIC(BPF_DW, BPF_ADD, R10, -12, R1), MOV64I(R0, 0), EXIT()),
	PRIV_ONLY("adding a pointer atomically", "leaks", VALUE(MAP_ARRAY8),
		  ATOMIC(BPF_DW, BPF_ADD, R0, 0, R10), MOV64I(R0, 0), EXIT()),
	ATOM("the fetched value is a scalar of the size", 1, NULL, UNKNOWN_R1,
	     ST(BPF_W, R10, -4, 0), MOV64I(R1, 0),
	     ATOMIC(BPF_W, BPF_ADD | BPF_FETCH, R10, -4, R1),
	     JI(BPF_JGT, R1, 47, 4), ACCESS_R6_PLUS_R1, MOV64I(R0, 0), EXIT()),

	/*
	 * A locked operation that splits a cache line raises #AC under
	 * split-lock detection: every atomic access must be aligned to its
	 * size, whatever the alignment flags, as upstream.
	 */
	ATOM("misaligned 8 bytes on a map value", 0, "misaligned value access",
	     VALUE(MAP_ARRAY48), MOV64I(R8, 1),
	     ATOMIC(BPF_DW, BPF_ADD, R0, 13, R8), MOV64I(R0, 0), EXIT()),
	ATOM("8 bytes at offset 4 of a map value", 0, "misaligned value access",
	     VALUE(MAP_ARRAY48), MOV64I(R8, 1),
	     ATOMIC(BPF_DW, BPF_XCHG, R0, 4, R8), MOV64I(R0, 0), EXIT()),
	ATOM("misaligned 4-byte fetch on a map value", 0, "misaligned value access",
	     VALUE(MAP_ARRAY48), MOV64I(R8, 1),
	     ATOMIC(BPF_W, BPF_ADD | BPF_FETCH, R0, 2, R8), MOV64I(R0, 0), EXIT()),
	ATOM("misaligned cmpxchg on a map value", 0, "misaligned value access",
	     VALUE(MAP_ARRAY48), MOV64(R1, R0), MOV64I(R0, 0), MOV64I(R8, 1),
	     ATOMIC(BPF_DW, BPF_CMPXCHG, R1, 1, R8), MOV64I(R0, 0), EXIT()),
	{
		.name = "atomics: misaligned on a map value with any alignment allowed",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64I(R8, 1),
			ATOMIC(BPF_DW, BPF_ADD, R0, 13, R8), MOV64I(R0, 0), EXIT(),
		},
		.flags = BPF_F_ANY_ALIGNMENT,
		.result = REJECT, .log = "misaligned value access", .unpriv = U_SAME,
	},
	{
		.name = "atomics: aligned 4 bytes at offset 12 of a map value",
		.insns = {
			VALUE(MAP_ARRAY48), ST(BPF_W, R0, 12, 0), MOV64I(R8, 5),
			ATOMIC(BPF_W, BPF_ADD, R0, 12, R8),
			LDX(BPF_W, R0, R0, 12), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 5, .unpriv = U_SAME,
	},
	ATOM("a variable offset that may misalign 8 bytes", 0,
	     "misaligned value access", UNKNOWN_R1, A64I(BPF_AND, R1, 4),
	     A64(BPF_ADD, R6, R1), MOV64I(R8, 1),
	     ATOMIC(BPF_DW, BPF_ADD, R6, 0, R8), MOV64I(R0, 0), EXIT()),
	ATOM("a variable offset that keeps 8 bytes aligned", 1, NULL,
	     UNKNOWN_R1, A64I(BPF_AND, R1, 8), A64(BPF_ADD, R6, R1),
	     MOV64I(R8, 1), ATOMIC(BPF_DW, BPF_ADD, R6, 0, R8), MOV64I(R0, 0),
	     EXIT()),
	{
		.name = "atomics: a variable stack offset that may misalign",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 4), ST(BPF_DW, R10, -16, 0),
			ST(BPF_DW, R10, -8, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -16),
			A64(BPF_ADD, R2, R1), MOV64I(R8, 1),
			ATOMIC(BPF_DW, BPF_ADD, R2, 0, R8), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "misaligned stack access",
	},

	/* ---- packet loads (BPF_LD_ABS, BPF_LD_IND) ---------------------------------- */
#define PKT(nm, v, ...) {						\
	.name = "packet loads: " nm,					\
	.insns = { MOV64(R6, R1), __VA_ARGS__, EXIT() },		\
	.result = ACCEPT, .run = true, .retval = v, .unpriv = U_SAME,	\
}

	PKT("a byte", 1, LDABS(BPF_B, 0)),
	PKT("a half word, big-endian", 0x0102, LDABS(BPF_H, 0)),
	PKT("a word, big-endian", 0x01020304, LDABS(BPF_W, 0)),
	PKT("the last byte", 50, LDABS(BPF_B, 49)),
	PKT("past the end returns 0 from the program", 0, MOV64I(R0, 7),
	    LDABS(BPF_B, 50), MOV64I(R0, 9)),
	PKT("a word that sticks out returns 0", 0, LDABS(BPF_W, 47), MOV64I(R0, 9)),
	PKT("indirect", 4, MOV64I(R7, 2), LDIND(BPF_B, R7, 1)),
	PKT("indirect with a negative immediate", 2, MOV64I(R7, 3), LDIND(BPF_B, R7, -2)),
	PKT("indirect through R1", 3, MOV64I(R1, 2), LDIND(BPF_B, R1, 0)),
	PKT("the network header area", 1, LDABS(BPF_B, -0x100000)),
	{
		.name = "packet loads: a value of one byte is a byte",
		.insns = {
			MOV64(R6, R1), LDABS(BPF_B, 0), JI(BPF_JLE, R0, 255, 1),
			LDX(BPF_DW, R0, R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 1,
		.ref_skip = "upstream 6.1 knows nothing of a packet load's value",
	},
	{
		.name = "packet loads: R6 must be set",
		.insns = { LDABS(BPF_B, 0), EXIT() },
		.result = REJECT, .log = "R6 is read", .unpriv = U_SAME,
	},
	{
		.name = "packet loads: R6 must be the context",
		.insns = { MOV64I(R6, 0), LDABS(BPF_B, 0), EXIT() },
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},
	{
		.name = "packet loads: a moved context in R6",
		.insns = { MOV64(R6, R1), A64I(BPF_ADD, R6, 4), LDABS(BPF_B, 0), EXIT() },
		.result = REJECT, .log = "unmoved", .unpriv = U_SAME,
	},
	{
		.name = "packet loads: R1-R5 are gone afterwards",
		.insns = { MOV64(R6, R1), MOV64I(R2, 0), LDABS(BPF_B, 0), MOV64(R0, R2), EXIT() },
		.result = REJECT, .log = "R2 is read", .unpriv = U_SAME,
	},
	{
		.name = "packet loads: the index register must be set",
		.insns = { MOV64(R6, R1), LDIND(BPF_B, R7, 0), EXIT() },
		.result = REJECT, .log = "R7 is read", .unpriv = U_SAME,
	},

	/* ---- publicly documented verifier bypasses ----------------------------------
	 *
	 * Each is written from the public description of the bug. A verifier
	 * with the bug accepts the REJECT cases (whose unchecked path does
	 * something unsafe) or refuses the ACCEPT ones (which are in fact safe).
	 */

	{
		/* mov32 sign-extended its immediate in the verifier's model only */
		.name = "CVE-2017-16995: 32-bit mov of -1 is not -1 in 64 bits",
		.insns = {
			MOV32I(R9, -1), JI(BPF_JNE, R9, -1, 2),
			MOV64I(R0, 0), EXIT(),
			LDX(BPF_DW, R0, R9, 0), EXIT(),
		},
		.result = REJECT, .log = "scalar", .unpriv = U_SAME,
	},
	{
		.name = "CVE-2017-16995: the path the bug hid is the one taken",
		.insns = {
			MOV32I(R9, -1), JI(BPF_JNE, R9, -1, 2),
			MOV64I(R0, 1), EXIT(),
			MOV64I(R0, 2), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 2, .unpriv = U_SAME,
	},
	{
		/* 32-bit operations were tracked without truncation */
		.name = "CVE-2017-17852: a 32-bit add truncates",
		.insns = {
			LDI64(R1, 0x100000000ULL), A32I(BPF_ADD, R1, 0),
			JI(BPF_JEQ, R1, 0, 2), MOV64I(R0, 0), EXIT(),
			LDX(BPF_DW, R0, R1, 0), EXIT(),
		},
		.result = REJECT, .log = "scalar", .unpriv = U_SAME,
	},
	{
		.name = "CVE-2017-17852: the truncated value at run time",
		.insns = {
			LDI64(R1, 0x100000000ULL), A32I(BPF_ADD, R1, 0),
			JI(BPF_JEQ, R1, 0, 2), MOV64I(R0, 2), EXIT(),
			MOV64I(R0, 1), EXIT(),
		},
		RUNS_TO_1,
	},
	{
		.name = "CVE-2017-16996: a 32-bit load is truncated",
		.insns = {
			UNKNOWN_R1, STX(BPF_DW, R10, -8, R1), LDX(BPF_W, R1, R10, -8),
			JI(BPF_JGT, R1, 0xffff, 4), ACCESS_R6_PLUS_R1,
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "48-byte map value",
	},
	{
		.name = "CVE-2017-16996: the truncated load bounded",
		.insns = {
			UNKNOWN_R1, STX(BPF_DW, R10, -8, R1), LDX(BPF_W, R1, R10, -8),
			JI(BPF_JGT, R1, 47, 4), ACCESS_R6_PLUS_R1,
			MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		/* signed and unsigned bounds were mixed up */
		.name = "CVE-2017-17853: signed bounds say nothing unsigned",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JSLE, R1, 47, 2)),
			ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .err = EINVAL, .log = "no lower bound",
	},
	{
		.name = "CVE-2017-17853: signed bounds with a floor",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JSLE, R1, 47, 2)),
			CONTINUE_IF(JI(BPF_JSGE, R1, 0, 2)), ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		/* pointer arithmetic overflowed the verifier's offsets */
		.name = "CVE-2017-17854: huge offsets do not wrap around",
		.insns = {
			VALUE(MAP_ARRAY8), LDI64(R1, 0x7fffffffffffffffULL),
			A64(BPF_ADD, R0, R1), A64(BPF_ADD, R0, R1),
			A64I(BPF_ADD, R0, 2), LDX(BPF_DW, R0, R0, 0), EXIT(),
		},
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},
	{
		.name = "CVE-2017-17854: offsets that stay small",
		.insns = {
			VALUE(MAP_ARRAY8), LDI64(R1, 2), A64(BPF_ADD, R0, R1),
			A64(BPF_ADD, R0, R1), LDX(BPF_W, R0, R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		/* pruning took a pointer for a scalar */
		.name = "CVE-2017-17855: a scalar is no pointer when paths meet",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)),
			JI(BPF_JEQ, R1, 0, 3),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -8), JA(1),
			MOV64I(R2, 0x1000),
			ST(BPF_DW, R2, 0, 0), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "scalar", .unpriv = U_SAME,
	},
	{
		.name = "CVE-2017-17855: two stack pointers meet",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)),
			JI(BPF_JEQ, R1, 0, 3),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -8), JA(2),
			MOV64(R2, R10), A64I(BPF_ADD, R2, -8),
			ST(BPF_DW, R2, 0, 0), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "CVE-2017-17856: stack pointers are strictly aligned",
		.insns = {
			MOV64(R2, R10), A64I(BPF_ADD, R2, -7), ST(BPF_W, R2, 0, 0),
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "misaligned", .flags = BPF_F_ANY_ALIGNMENT,
	},
	{
		.name = "CVE-2017-17856: an aligned stack store",
		.insns = {
			MOV64(R2, R10), A64I(BPF_ADD, R2, -8), ST(BPF_W, R2, 0, 0),
			MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .flags = BPF_F_ANY_ALIGNMENT,
	},
	{
		/* helpers could be handed stack ranges that were not checked */
		.name = "CVE-2017-17857: a helper's stack range is checked",
		.insns = {
			MOV64(R6, R1), MOV64I(R2, 0), MOV64(R3, R10),
			A64I(BPF_ADD, R3, -8), MOV64I(R4, 0x7fffffff),
			CALL(BPF_FUNC_skb_load_bytes), MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .unpriv = U_SAME,
	},
	{
		.name = "CVE-2017-17857: a helper's stack range that fits",
		.insns = {
			MOV64(R6, R1), MOV64I(R2, 0), MOV64(R3, R10),
			A64I(BPF_ADD, R3, -8), MOV64I(R4, 8),
			CALL(BPF_FUNC_skb_load_bytes), MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		/* unreachable code still went to the runtime */
		.name = "CVE-2017-17862: code no path reaches never runs",
		.insns = {
			MOV64I(R0, 1), JI(BPF_JEQ, R0, 1, 2),
			LDX(BPF_DW, R0, R0, 0), EXIT(),
			EXIT(),
		},
		/* unprivileged: the other side runs speculatively */
		.result = ACCEPT, .run = true, .retval = 1, .unpriv = U_REJECT,
	},
	{
		.name = "CVE-2017-17863: offsets past 2^29 are refused",
		.insns = {
			VALUE(MAP_ARRAY8), MOV64I(R1, 0x40000000),
			A64(BPF_ADD, R0, R1), A64(BPF_ADD, R0, R1),
			A64(BPF_ADD, R0, R1), A64(BPF_ADD, R0, R1),
			LDX(BPF_B, R0, R0, 0), EXIT(),
		},
		.result = REJECT, .err = EINVAL, .log = "too large", .unpriv = U_SAME,
	},
	{
		/* pruning took a pointer for an unknown value: an address leaked */
		.name = "CVE-2017-17864: no pointer leaks through pruning",
		.insns = {
			LDX(BPF_W, R1, R1, SKB(len)),
			MOV64I(R0, 0), JI(BPF_JEQ, R1, 0, 1), MOV64(R0, R10),
			EXIT(),
		},
		.result = ACCEPT, .unpriv = U_REJECT, .unpriv_log = "leaks",
	},
	{
		/* 32-bit bounds were derived from 64-bit ones that did not allow it */
		.name = "CVE-2020-8835: 64-bit bounds do not bound the low half",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JGE, R1, 1, 2)),
			LDI64(R2, 0x100000001ULL), CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			MOV32(R1, R1), ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .log = "unbounded",
	},
	{
		.name = "CVE-2020-8835: the exploit's subtraction",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JGE, R1, 1, 2)),
			LDI64(R2, 0x100000001ULL), CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			MOV32(R1, R1), A64I(BPF_SUB, R1, 1), A64I(BPF_AND, R1, 0x3f),
			A64I(BPF_MUL, R1, 0), A64I(BPF_ADD, R1, 1), A32I(BPF_SUB, R1, 2),
			ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .err = EINVAL, .log = "too large",
	},
	{
		.name = "CVE-2020-8835: a 32-bit check after them is sound",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JGE, R1, 1, 2)),
			LDI64(R2, 0x100000001ULL), CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			MOV32(R1, R1), CONTINUE_IF(J32I(BPF_JLE, R1, 47, 2)),
			ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		/* 32-bit OR took its signed bounds from the 64-bit unsigned ones */
		.name = "CVE-2020-27194: 32-bit or and signed bounds",
		.insns = {
			UNKNOWN_R1, LDI64(R2, 0x100000001ULL),
			CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			A32I(BPF_OR, R1, 0), CONTINUE_IF(J32I(BPF_JSLE, R1, 1, 2)),
			MOV32(R1, R1), ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .log = "unbounded",
	},
	{
		.name = "CVE-2020-27194: 32-bit or, then a 32-bit check",
		.insns = {
			UNKNOWN_R1, LDI64(R2, 0x100000001ULL),
			CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			A32I(BPF_OR, R1, 0), CONTINUE_IF(J32I(BPF_JLE, R1, 1, 2)),
			MOV32(R1, R1), ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	/* 32-bit and/or/xor skipped their bounds when both low halves were known */
#define CVE_3490(nm, ok, op, v, sub) {					\
	.name = "CVE-2021-3490: 32-bit " nm,				\
	.insns = {							\
		UNKNOWN_R1, A64I(BPF_LSH, R1, 32), A64I(BPF_OR, R1, 1),	\
		LDI64(R2, 0x100000002ULL), A32(op, R1, R2),		\
		A64I(BPF_SUB, R1, sub), ACCESS_R6_PLUS_R1,		\
	},								\
	.result = (ok) ? ACCEPT : REJECT, .run = true, .retval = 0,	\
}

	CVE_3490("and of known low halves is 0", 1, BPF_AND, 0, 0),
	CVE_3490("and of known low halves is not 1", 0, BPF_AND, 0, 1),
	CVE_3490("or of known low halves is 3", 1, BPF_OR, 3, 3),
	CVE_3490("or of known low halves is not 4", 0, BPF_OR, 3, 4),
	CVE_3490("xor of known low halves is 3", 1, BPF_XOR, 3, 3),
	CVE_3490("xor of known low halves is not 4", 0, BPF_XOR, 3, 4),
	{
		/* a u32 lower bound was taken from a 64-bit one alone */
		.name = "CVE-2021-31440: a 64-bit minimum is no 32-bit minimum",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JGE, R1, 1, 2)),
			LDI64(R2, 0x100000000ULL), CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			CONTINUE_IF(J32I(BPF_JLE, R1, 48, 2)),
			MOV32(R1, R1), A64I(BPF_SUB, R1, 1), ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .log = "negative",
	},
	{
		.name = "CVE-2021-31440: the same with the check it needs",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(JI(BPF_JGE, R1, 1, 2)),
			LDI64(R2, 0x100000000ULL), CONTINUE_IF(J(BPF_JLE, R1, R2, 2)),
			CONTINUE_IF(J32I(BPF_JLE, R1, 47, 2)),
			MOV32(R1, R1), ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		/* mov32 copied negative 32-bit signed bounds into 64 bits */
		.name = "CVE-2021-45402: mov32 of a maybe negative value",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(J32I(BPF_JSGE, R1, -1, 2)),
			CONTINUE_IF(J32I(BPF_JSLE, R1, 0, 2)),
			MOV32(R2, R1), A64I(BPF_ADD, R2, 1), MOV64(R1, R2),
			ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .log = "unbounded",
	},
	{
		.name = "CVE-2021-45402: mov32 then a 64-bit check is sound",
		.insns = {
			UNKNOWN_R1, CONTINUE_IF(J32I(BPF_JSGE, R1, -1, 2)),
			CONTINUE_IF(J32I(BPF_JSLE, R1, 0, 2)),
			MOV32(R2, R1), CONTINUE_IF(JI(BPF_JSLE, R2, 47, 2)),
			MOV64(R1, R2), ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		/* arithmetic was allowed on pointers that may be NULL */
		.name = "CVE-2022-23222: arithmetic on a copy before the NULL check",
		.insns = {
			LOOKUP(MAP_ARRAY8), MOV64(R1, R0), A64I(BPF_ADD, R1, 1),
			JI(BPF_JEQ, R0, 0, 2), LDX(BPF_B, R0, R1, 0), EXIT(),
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .log = "NULL", .unpriv = U_SAME,
	},
	{
		.name = "CVE-2022-23222: arithmetic on a copy after the NULL check",
		.insns = {
			LOOKUP(MAP_ARRAY8), JI(BPF_JEQ, R0, 0, 4), MOV64(R1, R0),
			A64I(BPF_ADD, R1, 1), LDX(BPF_B, R0, R1, 0), EXIT(),
			MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "CVE-2022-23222: a NULL check of the copy does not check the moved one",
		.insns = {
			LOOKUP(MAP_ARRAY8), MOV64(R1, R0), A64I(BPF_ADD, R1, 0),
			JI(BPF_JEQ, R1, 0, 2), LDX(BPF_B, R0, R0, 0), EXIT(),
			MOV64I(R0, 0), EXIT(),
		},
		.result = REJECT, .unpriv = U_SAME,
	},
	{
		/* unprivileged pointer arithmetic could leave its object */
		.name = "CVE-2021-33200: unprivileged arithmetic stays in the value",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 48), A64(BPF_ADD, R6, R1),
			MOV64I(R0, 0), EXIT(),
		},
		.result = ACCEPT, .unpriv = U_REJECT, .unpriv_log = "beyond its object",
	},
	{
		/* 32-bit modulo by zero left the upper half */
		.name = "CVE-2021-3444: 32-bit mod by a zero register truncates",
		.insns = {
			RT_R1(0xffffffff00000005ULL), MOV64(R3, R4),
			A32(BPF_MOD, R1, R3), EXPECT_R1(5),
		},
		RUNS_TO_1,
	},
	{
		/* 32-bit division used the source's upper half */
		.name = "CVE-2021-3600: 32-bit div by a register with a zero low half",
		.insns = {
			RT_R1(100), LDI64(R3, 0x100000000ULL), A64(BPF_ADD, R3, R4),
			A32(BPF_DIV, R1, R3), EXPECT_R1(0),
		},
		RUNS_TO_1,
	},
	{
		/* a 32-bit right shift used the upper half of its input */
		.name = "CVE-2018-18445: a 32-bit right shift truncates first",
		.insns = {
			VALUE(MAP_ARRAY48), MOV64(R6, R0),
			LDI64(R1, 0x100000000ULL), A32I(BPF_RSH, R1, 31),
			A32I(BPF_SUB, R1, 2), ACCESS_R6_PLUS_R1,
		},
		.result = REJECT, .err = EINVAL, .log = "too large",
		.unpriv = U_SAME,
	},
	{
		.name = "CVE-2018-18445: an unknown upper half is shifted out",
		.insns = {
			UNKNOWN_R1, A64I(BPF_AND, R1, 1), A64I(BPF_LSH, R1, 32),
			A32I(BPF_RSH, R1, 31), A64I(BPF_ADD, R1, 47),
			ACCESS_R6_PLUS_R1,
		},
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "CVE-2018-18445: the shift at run time",
		.insns = {
			RT_R1(0x100000000ULL), A32I(BPF_RSH, R1, 31), EXPECT_R1(0),
		},
		RUNS_TO_1,
	},
	{
		/* jumps were not adjusted when the rewrite grew the program */
		.name = "CVE-2016-2383: jumps across instructions the rewrite grows",
		.insns = {
			MOV64(R6, R1), MOV64I(R7, 3), MOV64I(R8, 0),
			LDX(BPF_W, R2, R6, SKB(len)), A64(BPF_ADD, R8, R2),
			JI(BPF_JEQ, R7, 2, 2), LDABS(BPF_B, 1),
			A64(BPF_ADD, R8, R0), A64I(BPF_SUB, R7, 1),
			JI(BPF_JNE, R7, 0, -7), MOV64(R0, R8), EXIT(),
		},
		/* len is 50, the byte 2: 52 + 50 + 52 */
		.result = ACCEPT, .run = true, .retval = 154,
		.unpriv = U_REJECT, .unpriv_err = EINVAL, .unpriv_log = "back-edge",
	},
	{
		/* a tail call index of max_entries was taken to be in range */
		.name = "CVE-2022-2905: a tail call index of max_entries falls through",
		.insns = {
			MOV64I(R3, 4), LDMAP(R2, MAP_PROGS),
			CALL(BPF_FUNC_tail_call), MOV64I(R0, 7), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 7, .unpriv = U_SAME,
	},

	/* ---- pruning keeps apart what matters (CVE-2023-2163 and kin) ---------- */
	/*
	 * Two paths meet with r1 = @first and r1 = @second; the verifier
	 * explores the side not taken (@first) before the jump (@second). Each
	 * case comes twice: unsafe value first, refused before any saved
	 * state is compared; and safe value first, refused only if the check
	 * after the meeting point made r1 precise in the saved state.
	 */
#define MEET_ORDER(nm, first, second, skip, ...) {			\
	.name = "pruning: " nm,						\
	.insns = {							\
		VALUE(MAP_ARRAY48), MOV64(R6, R0),			\
		LDX(BPF_W, R2, R6, 0), MOV64I(R1, second),		\
		JI(BPF_JEQ, R2, 0, 1), MOV64I(R1, first),		\
		__VA_ARGS__,						\
	},								\
	.result = REJECT, .ref_skip = skip,				\
}

/* unsafe value first, then safe value first */
#define MEET(nm, safe, bad, ...) MEET_ORDER(nm, bad, safe, NULL, __VA_ARGS__)
#define MEET_SAFE_FIRST(nm, safe, bad, ...)				\
	MEET_ORDER(nm " (safe path first)", safe, bad, NULL, __VA_ARGS__)

	MEET("a register", 0, 100, ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a register", 0, 100, ACCESS_R6_PLUS_R1),
	MEET("a spilled register", 0, 100, STX(BPF_DW, R10, -16, R1),
	     MOV64I(R1, 0), LDX(BPF_DW, R1, R10, -16), ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a spilled register", 0, 100, STX(BPF_DW, R10, -16, R1),
			MOV64I(R1, 0), LDX(BPF_DW, R1, R10, -16), ACCESS_R6_PLUS_R1),
	/*
	 * A zero stored is kept as zero bytes, not as a spill: the fill
	 * after another meeting point must still make the stored r1 precise.
	 */
	MEET_SAFE_FIRST("a zero spilled before another meeting point", 0, 100,
			STX(BPF_DW, R10, -16, R1), MOV64I(R1, 0),
			JI(BPF_JEQ, R2, 0, 0), LDX(BPF_DW, R1, R10, -16),
			ACCESS_R6_PLUS_R1),
	MEET("a copy", 0, 100, MOV64(R3, R1), MOV64(R1, R3), ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a copy", 0, 100, MOV64(R3, R1), MOV64(R1, R3), ACCESS_R6_PLUS_R1),
	MEET("a branch it decides", 0, 1, JI(BPF_JEQ, R1, 0, 2),
	     LDX(BPF_DW, R0, R1, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("a branch it decides", 0, 1, JI(BPF_JEQ, R1, 0, 2),
			LDX(BPF_DW, R0, R1, 0), EXIT(), MOV64I(R0, 0), EXIT()),
	MEET("the source of a comparison", 0, 5, MOV64I(R3, 3),
	     J(BPF_JGT, R3, R1, 2), LDX(BPF_DW, R0, R1, 0), EXIT(),
	     MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("the source of a comparison", 0, 5, MOV64I(R3, 3),
			J(BPF_JGT, R3, R1, 2), LDX(BPF_DW, R0, R1, 0), EXIT(),
			MOV64I(R0, 0), EXIT()),
	MEET("a value added to a pointer later", 0, 8, MOV64(R3, R10),
	     A64I(BPF_ADD, R3, -8), A64(BPF_ADD, R3, R1), ST(BPF_DW, R3, 0, 0),
	     MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("a value added to a pointer later", 0, 8, MOV64(R3, R10),
			A64I(BPF_ADD, R3, -8), A64(BPF_ADD, R3, R1), ST(BPF_DW, R3, 0, 0),
			MOV64I(R0, 0), EXIT()),
	/* upstream 6.1 knows nothing of the result: no pruning to test there */
	MEET_ORDER("a byte-swapped value", 100, 0, SKIP_SWAP,
		   BSWAP(BPF_TO_LE, R1, 16), ACCESS_R6_PLUS_R1),
	MEET_ORDER("a byte-swapped value (safe path first)", 0, 100, SKIP_SWAP,
		   BSWAP(BPF_TO_LE, R1, 16), ACCESS_R6_PLUS_R1),
	MEET_ORDER("a negated value", -100, 0, SKIP_NEG,
		   INSN(BPF_ALU64 | BPF_NEG, R1, 0, 0, 0), ACCESS_R6_PLUS_R1),
	MEET_ORDER("a negated value (safe path first)", 0, -100, SKIP_NEG,
		   INSN(BPF_ALU64 | BPF_NEG, R1, 0, 0, 0), ACCESS_R6_PLUS_R1),
	MEET("a 32-bit copy", 0, 100, MOV32(R1, R1), ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a 32-bit copy", 0, 100, MOV32(R1, R1), ACCESS_R6_PLUS_R1),
	MEET("a sum of two registers", 0, 100, MOV64I(R3, 1),
	     A64(BPF_ADD, R3, R1), MOV64(R1, R3), ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a sum of two registers", 0, 100, MOV64I(R3, 1),
			A64(BPF_ADD, R3, R1), MOV64(R1, R3), ACCESS_R6_PLUS_R1),
	MEET("a 4-byte spill", 0, 100, STX(BPF_W, R10, -8, R1), MOV64I(R1, 0),
	     LDX(BPF_W, R1, R10, -8), ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a 4-byte spill", 0, 100, STX(BPF_W, R10, -8, R1), MOV64I(R1, 0),
			LDX(BPF_W, R1, R10, -8), ACCESS_R6_PLUS_R1),
	MEET("a value fetched by an atomic add", 0, 100,
	     STX(BPF_DW, R10, -16, R1), MOV64I(R1, 0),
	     ATOMIC(BPF_DW, BPF_ADD | BPF_FETCH, R10, -16, R1),
	     ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a value fetched by an atomic add", 0, 100,
			STX(BPF_DW, R10, -16, R1), MOV64I(R1, 0),
			ATOMIC(BPF_DW, BPF_ADD | BPF_FETCH, R10, -16, R1),
			ACCESS_R6_PLUS_R1),
	MEET("a value swapped out by xchg", 0, 100, STX(BPF_DW, R10, -16, R1),
	     MOV64I(R1, 0), ATOMIC(BPF_DW, BPF_XCHG, R10, -16, R1),
	     ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a value swapped out by xchg", 0, 100, STX(BPF_DW, R10, -16, R1),
			MOV64I(R1, 0), ATOMIC(BPF_DW, BPF_XCHG, R10, -16, R1),
			ACCESS_R6_PLUS_R1),
	MEET("a value swapped out by cmpxchg", 0, 100, STX(BPF_DW, R10, -16, R1),
	     MOV64I(R0, 0), MOV64I(R2, 0),
	     ATOMIC(BPF_DW, BPF_CMPXCHG, R10, -16, R2), MOV64(R1, R0),
	     ACCESS_R6_PLUS_R1),
	MEET_SAFE_FIRST("a value swapped out by cmpxchg", 0, 100, STX(BPF_DW, R10, -16, R1),
			MOV64I(R0, 0), MOV64I(R2, 0),
			ATOMIC(BPF_DW, BPF_CMPXCHG, R10, -16, R2), MOV64(R1, R0),
			ACCESS_R6_PLUS_R1),
	/*
	 * r1 bounds r4 through a compare both of whose outcomes are possible
	 * (48 is safe); the bound r4 learns must make r1 precise.
	 */
	MEET("the bound of a register compare, taken side", 48, 99,
	     LDX(BPF_B, R4, R6, 1), CONTINUE_IF(J(BPF_JLT, R4, R1, 2)),
	     A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("the bound of a register compare, taken side", 48, 99,
			LDX(BPF_B, R4, R6, 1), CONTINUE_IF(J(BPF_JLT, R4, R1, 2)),
			A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET("the bound of a register compare, fall-through side", 48, 99,
	     LDX(BPF_B, R4, R6, 1), J(BPF_JGE, R4, R1, 2),
	     A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("the bound of a register compare, fall-through side", 48, 99,
			LDX(BPF_B, R4, R6, 1), J(BPF_JGE, R4, R1, 2),
			A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET("the bound of a 32-bit register compare, taken side", 48, 99,
	     LDX(BPF_B, R4, R6, 1), CONTINUE_IF(J32(BPF_JGT, R1, R4, 2)),
	     A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("the bound of a 32-bit register compare, taken side", 48, 99,
			LDX(BPF_B, R4, R6, 1), CONTINUE_IF(J32(BPF_JGT, R1, R4, 2)),
			A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET("a bound learnt through a copy of the compared register", 48, 99,
	     LDX(BPF_B, R4, R6, 1), MOV64(R5, R4),
	     CONTINUE_IF(J(BPF_JLT, R5, R1, 2)),
	     A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	MEET_SAFE_FIRST("a bound learnt through a copy of the compared register", 48, 99,
			LDX(BPF_B, R4, R6, 1), MOV64(R5, R4),
			CONTINUE_IF(J(BPF_JLT, R5, R1, 2)),
			A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT()),
	/*
	 * The program of issue 13, as an attacker wrote it: the bound r2 is
	 * 48 on the path explored first and 99 on the other, which then met
	 * a saved state whose r2 was never marked precise: a write up to 51
	 * bytes past the 48-byte value. Upstream 6.1 refuses it.
	 */
#define BOUND_BY_R2(bound) INSNS(					\
	VALUE(MAP_ARRAY48), MOV64(R6, R0),				\
	LDX(BPF_W, R3, R6, 0), MOV64I(R2, bound),			\
	JI(BPF_JEQ, R3, 0, 1), MOV64I(R2, 48),				\
	LDX(BPF_B, R4, R6, 1), CONTINUE_IF(J(BPF_JLT, R4, R2, 2)),	\
	A64(BPF_ADD, R6, R4), ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT())
	{
		.name = "CVE-2023-2163: a bound compared by register, pruned",
		.insns = { BOUND_BY_R2(99) },
		.result = REJECT, .log = "48-byte map value",
	},
	{
		.name = "CVE-2023-2163: both bounds safe",
		.insns = { BOUND_BY_R2(40) },
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "pruning: meeting paths that differ only in a dead register",
		.insns = {
			LDX(BPF_W, R2, R1, SKB(len)), MOV64I(R3, 1),
			JI(BPF_JEQ, R2, 0, 1), MOV64I(R3, 2),
			MOV64I(R3, 0), MOV64(R0, R3), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},

	/* ---- load flags ------------------------------------------------------------ */
	{
		.name = "flags: strict alignment refuses a misaligned value access",
		.insns = { VALUE(MAP_ARRAY48), LDX(BPF_W, R0, R0, 2), EXIT() },
		.flags = BPF_F_STRICT_ALIGNMENT,
		.result = REJECT, .log = "misaligned",
	},
	{
		.name = "flags: without it the access is fine",
		.insns = { VALUE(MAP_ARRAY48), LDX(BPF_W, R0, R0, 2), EXIT() },
		.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
	},
	{
		.name = "flags: strict alignment with an aligned access",
		.insns = { VALUE(MAP_ARRAY48), LDX(BPF_W, R0, R0, 4), EXIT() },
		.flags = BPF_F_STRICT_ALIGNMENT,
		.result = ACCEPT, .run = true, .retval = 0,
	},
	{
		.name = "flags: BPF_F_TEST_RND_HI32 is accepted",
		.insns = { MOV32I(R0, 3), EXIT() },
		.flags = BPF_F_TEST_RND_HI32,
		.result = ACCEPT, .run = true, .retval = 3,
	},
	{
		.name = "flags: an unknown flag",
		.insns = { MOV64I(R0, 0), EXIT() },
		.flags = 1U << 30,
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},
	{
		.name = "types: a program type this kernel does not have",
		.insns = { MOV64I(R0, 0), EXIT() },
		.type = BPF_PROG_TYPE_SCHED_CLS,
		.result = REJECT, .err = EINVAL,
		.unpriv = U_REJECT, .unpriv_err = EPERM,
		.ref_skip = "upstream 6.1 has sched_cls programs",
	},
	{
		.name = "license: a non-GPL program may use the helpers not GPL-only",
		.insns = { CALL(BPF_FUNC_ktime_get_ns), MOV64I(R0, 0), EXIT() },
		.license = "Proprietary",
		.result = ACCEPT, .unpriv = U_SAME,
	},
	{
		.name = "license: a GPL-only helper in a GPL program",
		.insns = {
			CALL(BPF_FUNC_get_current_task), JI(BPF_JNE, R0, 0, 1),
			EXIT(), MOV64I(R0, 1), EXIT(),
		},
		.type = BPF_PROG_TYPE_TRACEPOINT, .license = "Dual BSD/GPL",
		.result = ACCEPT,
		.unpriv = U_REJECT, .unpriv_err = EPERM,
	},
	{
		.name = "license: a GPL-only helper in a non-GPL program",
		.insns = { CALL(BPF_FUNC_get_current_task), EXIT() },
		.type = BPF_PROG_TYPE_TRACEPOINT, .license = "Proprietary",
		.result = REJECT, .err = EINVAL,
		.log = "get_current_task#35 needs a GPL-compatible license",
		.unpriv = U_REJECT, .unpriv_err = EPERM,
	},
};
