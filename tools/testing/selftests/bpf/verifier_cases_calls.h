/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cases of test_verifier.c for bpf-to-bpf calls (BPF_PSEUDO_CALL): what
 * a called function gets and gives back, the shape of the functions,
 * the limits on frames and stack, and precision carried across calls.
 * Each refused case has a safe twin that loads and runs. Calls need
 * CAP_BPF, as in 6.1: unprivileged loaders get EPERM for all of them.
 */

/* call the function starting @off instructions after the next one */
#define CALLF(off)	INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, off)

#define CALLS_RUN(nm, v, ...) {						\
	.name = "calls: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.result = ACCEPT, .run = true, .retval = v,			\
	.unpriv = U_REJECT, .unpriv_err = EPERM,			\
}

#define CALLS_REFUSED(nm, e, lg, ...) {					\
	.name = "calls: " nm,						\
	.insns = { __VA_ARGS__ },					\
	.result = REJECT, .err = e, .log = lg,				\
	.unpriv = U_REJECT, .unpriv_err = EPERM,			\
}

/* A chain of @n calls, each function calling the next; the last returns 1. */
#define CALL_THEN_EXIT	INSNS(CALLF(1), EXIT())
#define CHAIN7		INSNS(CALL_THEN_EXIT, CALL_THEN_EXIT,		\
			      CALL_THEN_EXIT, CALL_THEN_EXIT,		\
			      CALL_THEN_EXIT, CALL_THEN_EXIT,		\
			      CALL_THEN_EXIT)

/*
 * r1 = @first on the path explored first (the jump not taken), @second
 * on the other; r6 = a 48-byte map value. Then the rest, whose calls
 * carry r1 to an access at r6 + r1.
 */
#define CALLS_MEET(first, second, ...)					\
	INSNS(VALUE(MAP_ARRAY48), MOV64(R6, R0),			\
	      LDX(BPF_W, R2, R6, 0), MOV64I(R1, second),		\
	      JI(BPF_JEQ, R2, 0, 1), MOV64I(R1, first),			\
	      __VA_ARGS__)

/* safe value first, then the unsafe one: refused only if r1 was precise */
#define CALLS_PRUNED(nm, ...)						\
	CALLS_REFUSED("pruning: " nm " (safe path first)", EACCES, NULL,\
		      CALLS_MEET(0, 100, __VA_ARGS__))
/* and its twin, where both are safe */
#define CALLS_PRUNED_SAFE(nm, ...)					\
	CALLS_RUN("pruning: " nm " (both safe)", 0,			\
		  CALLS_MEET(0, 40, __VA_ARGS__))

/* an argument a function adds to a pointer */
#define PRUNE_ARG_TO_PTR						\
	INSNS(MOV64(R2, R6), CALLF(1), EXIT(),				\
	      A64(BPF_ADD, R2, R1), ST(BPF_B, R2, 0, 0), MOV64I(R0, 0),	\
	      EXIT())

/* a value a function returns */
#define PRUNE_RETURNED							\
	INSNS(CALLF(4), A64(BPF_ADD, R6, R0), ST(BPF_B, R6, 0, 0),	\
	      MOV64I(R0, 0), EXIT(),					\
	      MOV64(R0, R1), EXIT())

/* a value kept in r7 across a function that reuses r7 */
#define PRUNE_KEPT_R7							\
	INSNS(MOV64(R7, R1), CALLF(4), A64(BPF_ADD, R6, R7),		\
	      ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT(),		\
	      MOV64I(R7, 0), MOV64I(R0, 0), EXIT())

/* a value a function stores in its caller's stack */
#define PRUNE_CALLER_STACK						\
	INSNS(MOV64(R2, R10), A64I(BPF_ADD, R2, -8), CALLF(5),		\
	      LDX(BPF_DW, R1, R10, -8), A64(BPF_ADD, R6, R1),		\
	      ST(BPF_B, R6, 0, 0), MOV64I(R0, 0), EXIT(),		\
	      STX(BPF_DW, R2, 0, R1), MOV64I(R0, 0), EXIT())

static const struct vcase call_cases[] = {
	/* ---- what a function gets and gives back -------------------------- */
	CALLS_RUN("a function gets r1 and returns r0", 7,
		  MOV64I(R1, 5), CALLF(1), EXIT(),
		  MOV64(R0, R1), A64I(BPF_ADD, R0, 2), EXIT()),
	CALLS_RUN("r6-r9 survive a function that writes them", 10,
		  MOV64I(R6, 1), MOV64I(R7, 2), MOV64I(R8, 3), MOV64I(R9, 4),
		  CALLF(5),
		  MOV64(R0, R6), A64(BPF_ADD, R0, R7), A64(BPF_ADD, R0, R8),
		  A64(BPF_ADD, R0, R9), EXIT(),
		  MOV64I(R6, 100), MOV64I(R7, 100), MOV64I(R8, 100),
		  MOV64I(R9, 100), MOV64I(R0, 0), EXIT()),
	CALLS_REFUSED("a function reads its caller's r6", EACCES,
		      "R6 is read before it is written",
		      MOV64I(R6, 1), CALLF(1), EXIT(),
		      MOV64(R0, R6), EXIT()),
	CALLS_RUN("a function writes r6, then reads it", 2,
		  MOV64I(R6, 1), CALLF(1), EXIT(),
		  MOV64I(R6, 2), MOV64(R0, R6), EXIT()),
	CALLS_REFUSED("r1-r5 are gone after a call", EACCES,
		      "R1 is read before it is written",
		      MOV64I(R1, 1), CALLF(2), MOV64(R0, R1), EXIT(),
		      MOV64I(R0, 0), EXIT()),
	CALLS_RUN("r0 is the result after a call", 1,
		  MOV64I(R1, 1), CALLF(2), A64I(BPF_ADD, R0, 1), EXIT(),
		  MOV64I(R0, 0), EXIT()),
	CALLS_REFUSED("the result of a function that does not set r0", EACCES,
		      "R0 is read before it is written",
		      CALLF(2), A64I(BPF_ADD, R0, 1), EXIT(),
		      MOV64I(R1, 0), EXIT()),
	CALLS_RUN("a function that does not set r0 (void)", 4,
		  CALLF(2), MOV64I(R0, 4), EXIT(),
		  MOV64I(R1, 0), EXIT()),
	CALLS_RUN("one function called from two places", 30,
		  MOV64I(R1, 1), CALLF(5), MOV64(R6, R0),
		  MOV64I(R1, 2), CALLF(2), A64(BPF_ADD, R0, R6), EXIT(),
		  MOV64(R0, R1), A64I(BPF_MUL, R0, 10), EXIT()),

	/*
	 * Two paths call the function from two places: the second may not
	 * stop at the function's entry, where the first was proven safe,
	 * since it returns elsewhere.
	 */
	CALLS_REFUSED("the same function, then an unsafe return site", EACCES,
		      "not a pointer",
		      LDX(BPF_W, R2, R1, SKB(len)), JI(BPF_JEQ, R2, 0, 3),
		      CALLF(5), MOV64I(R0, 0), EXIT(),
		      CALLF(2), LDX(BPF_DW, R0, R0, 0), EXIT(),
		      MOV64I(R0, 1), EXIT()),
	CALLS_RUN("the same function, then a safe return site", 0,
		  LDX(BPF_W, R2, R1, SKB(len)), JI(BPF_JEQ, R2, 0, 3),
		  CALLF(5), MOV64I(R0, 0), EXIT(),
		  CALLF(2), A64I(BPF_ADD, R0, 1), EXIT(),
		  MOV64I(R0, 1), EXIT()),

	/* ---- stacks: each frame its own, the caller's by pointer ---------- */
	CALLS_RUN("frames have stacks of their own", 12,
		  ST(BPF_DW, R10, -8, 9), CALLF(3),
		  LDX(BPF_DW, R1, R10, -8), A64(BPF_ADD, R0, R1), EXIT(),
		  ST(BPF_DW, R10, -8, 3), LDX(BPF_DW, R0, R10, -8), EXIT()),
	CALLS_RUN("a function reads its caller's stack through r1", 42,
		  ST(BPF_DW, R10, -8, 42), MOV64(R1, R10),
		  A64I(BPF_ADD, R1, -8), CALLF(1), EXIT(),
		  LDX(BPF_DW, R0, R1, 0), EXIT()),
	CALLS_REFUSED("a function reaches above its caller's stack", EACCES,
		      "out of the stack",
		      ST(BPF_DW, R10, -8, 42), MOV64(R1, R10),
		      A64I(BPF_ADD, R1, -8), CALLF(1), EXIT(),
		      LDX(BPF_DW, R0, R1, 8), EXIT()),
	CALLS_RUN("a function writes its caller's stack", 7,
		  MOV64(R1, R10), A64I(BPF_ADD, R1, -8), CALLF(2),
		  LDX(BPF_DW, R0, R10, -8), EXIT(),
		  ST(BPF_DW, R1, 0, 7), MOV64I(R0, 0), EXIT()),
	CALLS_REFUSED("a function returns a stack pointer", EINVAL,
		      "may not return a stack pointer",
		      CALLF(2), LDX(BPF_W, R0, R0, SKB(len)), EXIT(),
		      MOV64(R0, R10), EXIT()),
	CALLS_RUN("a function returns the context", 50,
		  CALLF(2), LDX(BPF_W, R0, R0, SKB(len)), EXIT(),
		  MOV64(R0, R1), EXIT()),
	/*
	 * The caller would hold a pointer into a frame that is gone; as
	 * 6.1, no stack pointer may be stored in a caller's stack.
	 */
	CALLS_REFUSED("a function stores its stack pointer in its caller's stack",
		      EINVAL, "stack of a caller",
		      MOV64(R1, R10), A64I(BPF_ADD, R1, -8), CALLF(2),
		      LDX(BPF_DW, R0, R10, -8), EXIT(),
		      STX(BPF_DW, R1, 0, R10), MOV64I(R0, 0), EXIT()),
	CALLS_RUN("a function stores its caller's stack pointer in its own", 5,
		  MOV64(R1, R10), A64I(BPF_ADD, R1, -8), CALLF(2),
		  LDX(BPF_DW, R0, R10, -8), EXIT(),
		  STX(BPF_DW, R10, -8, R1), LDX(BPF_DW, R2, R10, -8),
		  ST(BPF_DW, R2, 0, 5), MOV64I(R0, 0), EXIT()),

	/* ---- the shape of functions --------------------------------------- */
	CALLS_REFUSED("a function calls itself", EINVAL, "recursive",
		      CALLF(1), EXIT(), CALLF(-1), EXIT()),
	CALLS_REFUSED("two functions call each other", EINVAL, "recursive",
		      CALLF(1), EXIT(), CALLF(1), EXIT(), CALLF(-3), EXIT()),
	CALLS_RUN("a function calls another", 3,
		  CALLF(1), EXIT(), CALLF(1), EXIT(), MOV64I(R0, 3), EXIT()),
	CALLS_REFUSED("a call out of the program", EINVAL,
		      "invalid destination",
		      CALLF(5), EXIT()),
	CALLS_REFUSED("a jump into another function", EINVAL,
		      "out of its function",
		      CALLF(2), JA(2), EXIT(), MOV64I(R0, 1), EXIT()),
	CALLS_RUN("a jump within its function", 1,
		  CALLF(2), JA(0), EXIT(), MOV64I(R0, 1), EXIT()),
	CALLS_REFUSED("a function runs on into the next", EINVAL,
		      "last instruction",
		      CALLF(1), EXIT(), CALLF(1), MOV64I(R0, 1),
		      MOV64I(R0, 2), EXIT()),
	CALLS_REFUSED("a tail call in a called function", EINVAL,
		      "not allowed in a called function",
		      CALLF(2), MOV64I(R0, 0), EXIT(),
		      MOV64I(R3, 0), LDMAP(R2, MAP_PROGS),
		      CALL(BPF_FUNC_tail_call), MOV64I(R0, 1), EXIT()),
	CALLS_RUN("a helper call in a called function", 0,
		  CALLF(2), MOV64I(R0, 0), EXIT(),
		  MOV64I(R3, 0), LDMAP(R2, MAP_PROGS),
		  CALL(BPF_FUNC_get_prandom_u32), MOV64I(R0, 1), EXIT()),
	CALLS_REFUSED("a packet load in a called function", EINVAL,
		      "not allowed in a called function",
		      MOV64(R6, R1), CALLF(2), MOV64I(R0, 0), EXIT(),
		      LDABS(BPF_B, 0), EXIT()),
	CALLS_RUN("a packet load in the main function of a program with calls",
		  2,
		  MOV64(R6, R1), LDABS(BPF_B, 0), MOV64(R1, R0), CALLF(1),
		  EXIT(),
		  MOV64(R0, R1), A64I(BPF_ADD, R0, 1), EXIT()),

	/* ---- limits: 8 frames, 512 bytes of stack in all ------------------ */
	CALLS_RUN("8 frames", 1, CHAIN7, MOV64I(R0, 1), EXIT()),
	CALLS_REFUSED("9 frames", E2BIG, "too deep",
		      CHAIN7, CALL_THEN_EXIT, MOV64I(R0, 1), EXIT()),
	CALLS_RUN("two frames of 256 bytes", 3,
		  ST(BPF_DW, R10, -256, 1), CALLF(3),
		  LDX(BPF_DW, R1, R10, -256), A64(BPF_ADD, R0, R1), EXIT(),
		  ST(BPF_DW, R10, -256, 2), LDX(BPF_DW, R0, R10, -256), EXIT()),
	CALLS_REFUSED("frames of 256 and 264 bytes", EACCES, "bytes of stack",
		      ST(BPF_DW, R10, -256, 1), CALLF(3),
		      LDX(BPF_DW, R1, R10, -256), A64(BPF_ADD, R0, R1), EXIT(),
		      ST(BPF_DW, R10, -264, 2), LDX(BPF_DW, R0, R10, -264),
		      EXIT()),
	/* as 6.1, a frame counts in multiples of 32 bytes, at least one */
	CALLS_REFUSED("496 bytes and a function with no stack", EACCES,
		      "bytes of stack",
		      ST(BPF_DW, R10, -496, 1), CALLF(3),
		      LDX(BPF_DW, R1, R10, -496), A64(BPF_ADD, R0, R1), EXIT(),
		      MOV64I(R0, 2), EXIT()),
	CALLS_RUN("480 bytes and a function with no stack", 3,
		  ST(BPF_DW, R10, -480, 1), CALLF(3),
		  LDX(BPF_DW, R1, R10, -480), A64(BPF_ADD, R0, R1), EXIT(),
		  MOV64I(R0, 2), EXIT()),

	/* ---- precision across calls ---------------------------------------- */
	CALLS_PRUNED("an argument a function adds to a pointer", PRUNE_ARG_TO_PTR),
	CALLS_PRUNED_SAFE("an argument a function adds to a pointer", PRUNE_ARG_TO_PTR),
	CALLS_PRUNED("a value a function returns", PRUNE_RETURNED),
	CALLS_PRUNED_SAFE("a value a function returns", PRUNE_RETURNED),
	CALLS_PRUNED("a value kept in r7 across a function that reuses r7", PRUNE_KEPT_R7),
	CALLS_PRUNED_SAFE("a value kept in r7 across a function that reuses r7", PRUNE_KEPT_R7),
	CALLS_PRUNED("a value a function stores in its caller's stack", PRUNE_CALLER_STACK),
	CALLS_PRUNED_SAFE("a value a function stores in its caller's stack", PRUNE_CALLER_STACK),
};
