/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random socket-filter programs, from a seed, for the verifier tests
 * (test_verifier_random), the bpf(2) fuzzer (test_fuzz_bpf) and the
 * differential run against the reference kernel, whose out-of-bounds
 * search (oob_search, on the host) regenerates the same programs from
 * the same seed: nothing here calls the kernel.
 *
 * The classic generator mixes ALU operations of every kind, stack and
 * context accesses, map lookups and value accesses at random offsets,
 * forward jumps, helper calls, atomics and packet loads. The extended
 * one (rprog.extended) adds the shapes that range analysis and pruning
 * get wrong: indexes read from map values and bounded by masks, by
 * constant or register-register compares, or at a join of two paths
 * with different bounds; pointer arithmetic with negative offsets;
 * spills and fills of pointers and scalars; atomics on map values.
 * With extended off the stream of programs of a seed never changes.
 *
 * Register roles: r0-r7 hold scalars, r8 a map value pointer (or the
 * stack until the first lookup), r9 the context. Jumps only go forward,
 * so every program ends.
 */
#ifndef __RANDOM_PROG_H
#define __RANDOM_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ebpf.h"

/* The array map the programs use: key 0..2 (rarely more), 48-byte values. */
#define RPROG_VALUE_SIZE	48
#define RPROG_MAP_ENTRIES	3
#define RPROG_MAX_LEN		96
#define RPROG_PROLOGUE		24
#define RPROG_SLACK		64

struct rprog {
	uint64_t rng;
	int map_fd;
	bool extended;
	struct bpf_insn insns[RPROG_PROLOGUE + RPROG_MAX_LEN + RPROG_SLACK];
	int n;
};

static inline uint32_t rprog_rnd(struct rprog *g)
{
	/* xorshift64* */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (g->rng * 0x2545F4914F6CDD1DULL) >> 32;
}

static inline uint32_t rprog_pick(struct rprog *g, uint32_t n)
{
	return rprog_rnd(g) % n;
}

/* Interesting immediates: small, edges of the signs, powers of two. */
static inline int32_t rprog_imm(struct rprog *g)
{
	static const int32_t edges[] = {
		0, 1, -1, 2, 7, 8, 31, 32, 47, 48, 63, 64, 255, 0x7fff,
		0x7fffffff, (int32_t)0x80000000, -8, -48, 0xffff,
	};

	if (rprog_pick(g, 3))
		return edges[rprog_pick(g, ARRAY_SIZE(edges))];
	return rprog_rnd(g);
}

static inline uint8_t rprog_reg(struct rprog *g)
{
	return rprog_pick(g, 30) ? rprog_pick(g, 8) : rprog_pick(g, 10);
}

static const uint8_t rprog_alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
	BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH,
};

static const uint8_t rprog_jmp_ops[] = {
	BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
	BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE,
};

static const uint8_t rprog_sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

static inline int rprog_size_bytes(uint8_t sz)
{
	return sz == BPF_B ? 1 : sz == BPF_H ? 2 : sz == BPF_W ? 4 : 8;
}

static const int rprog_ctx_fields[] = {
	offsetof(struct __sk_buff, len), offsetof(struct __sk_buff, mark),
	offsetof(struct __sk_buff, protocol),
	offsetof(struct __sk_buff, cb[0]), offsetof(struct __sk_buff, cb[3]),
	offsetof(struct __sk_buff, ifindex), offsetof(struct __sk_buff, hash),
	offsetof(struct __sk_buff, data), -4, 300,
};

static inline void rprog_put(struct rprog *g, struct bpf_insn in)
{
	g->insns[g->n++] = in;
}

/* After a call or a packet load: r1-r5 hold something again. */
static inline void rprog_refill(struct rprog *g)
{
	int i;

	for (i = R1; i <= R5; i++)
		rprog_put(g, MOV64I(i, rprog_imm(g)));
}

static inline void rprog_alu(struct rprog *g)
{
	uint8_t op = rprog_alu_ops[rprog_pick(g, ARRAY_SIZE(rprog_alu_ops))];
	uint8_t cls = rprog_pick(g, 2) ? BPF_ALU64 : BPF_ALU;
	int32_t k = rprog_imm(g);

	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    rprog_pick(g, 4))
		k &= cls == BPF_ALU64 ? 63 : 31;
	if ((op == BPF_DIV || op == BPF_MOD) && !k)
		k = 3;
	if (rprog_pick(g, 2))
		rprog_put(g, INSN(cls | BPF_K | op, rprog_reg(g), 0, 0, k));
	else
		rprog_put(g, INSN(cls | BPF_X | op, rprog_reg(g),
				  rprog_reg(g), 0, 0));
	if (!rprog_pick(g, 20))
		rprog_put(g, A64I(BPF_NEG, rprog_reg(g), 0));
	if (!rprog_pick(g, 20))
		rprog_put(g, BSWAP(rprog_pick(g, 2) ? BPF_TO_BE : BPF_TO_LE,
				   rprog_reg(g), 16 << rprog_pick(g, 3)));
}

/* A stack access, usually aligned and inside, sometimes not. */
static inline void rprog_stack(struct rprog *g)
{
	uint8_t sz = rprog_sizes[rprog_pick(g, 4)];
	int16_t off = -(int16_t)((rprog_pick(g, 8) + 1) * 8);

	off += rprog_pick(g, 8) ?
	       rprog_size_bytes(sz) * rprog_pick(g, 8 / rprog_size_bytes(sz)) :
	       rprog_pick(g, 8);
	if (!rprog_pick(g, 30))
		off = rprog_pick(g, 2) ? 0 : -520;
	switch (rprog_pick(g, 4)) {
	case 0:
		rprog_put(g, ST(sz, R10, off, rprog_imm(g)));
		break;
	case 1:
		rprog_put(g, STX(sz, R10, off, rprog_reg(g)));
		break;
	default:
		rprog_put(g, LDX(sz, rprog_reg(g), R10, off));
	}
}

static inline void rprog_ctx(struct rprog *g)
{
	int nfields = rprog_pick(g, 4) ? 7 : ARRAY_SIZE(rprog_ctx_fields);
	int off = rprog_ctx_fields[rprog_pick(g, nfields)];

	if (rprog_pick(g, 8))
		rprog_put(g, LDX(BPF_W, rprog_reg(g), R9, off));
	else
		rprog_put(g, STX(rprog_sizes[rprog_pick(g, 4)], R9, off,
				 rprog_reg(g)));
}

/* r8 = a value of the map, usually checked against NULL. */
static inline void rprog_lookup(struct rprog *g, int null_check_in)
{
	const struct bpf_insn ld[] = { LDMAP(R1, g->map_fd) };

	rprog_put(g, ST(BPF_W, R10, -4, rprog_pick(g, 3)));
	rprog_put(g, MOV64(R2, R10));
	rprog_put(g, A64I(BPF_ADD, R2, -4));
	rprog_put(g, ld[0]);
	rprog_put(g, ld[1]);
	rprog_put(g, CALL(BPF_FUNC_map_lookup_elem));
	if (rprog_pick(g, null_check_in)) {
		rprog_put(g, JI(BPF_JNE, R0, 0, 2));
		rprog_put(g, MOV64I(R0, 0));
		rprog_put(g, EXIT());
	}
	rprog_put(g, MOV64(R8, R0));
	rprog_refill(g);
}

/* r8 = a map value (or return 0), then an access at a random offset */
static inline void rprog_map(struct rprog *g)
{
	uint8_t sz = rprog_sizes[rprog_pick(g, 4)];
	int16_t off = rprog_pick(g, 4) ?
		      (int16_t)(rprog_pick(g, RPROG_VALUE_SIZE / 8) * 8) :
		      (int16_t)rprog_imm(g);

	rprog_lookup(g, 10);
	if (rprog_pick(g, 3)) {
		/* an offset from a register, bounded or not */
		uint8_t r = rprog_reg(g);

		rprog_put(g, A64I(BPF_AND, r,
				  rprog_pick(g, 2) ? 31 : rprog_imm(g)));
		rprog_put(g, A64(BPF_ADD, R8, r));
	}
	if (rprog_pick(g, 2))
		rprog_put(g, LDX(sz, rprog_reg(g), R8, off));
	else
		rprog_put(g, STX(sz, R8, off, rprog_reg(g)));
	rprog_put(g, MOV64I(R0, rprog_imm(g)));
}

static inline void rprog_jump(struct rprog *g, int left)
{
	uint8_t op = rprog_jmp_ops[rprog_pick(g, ARRAY_SIZE(rprog_jmp_ops))];
	uint8_t cls = rprog_pick(g, 3) ? BPF_JMP : BPF_JMP32;
	int16_t off = rprog_pick(g, left > 1 ? left : 1);

	if (rprog_pick(g, 2))
		rprog_put(g, INSN(cls | BPF_K | op, rprog_reg(g), 0, off,
				  rprog_imm(g)));
	else
		rprog_put(g, INSN(cls | BPF_X | op, rprog_reg(g),
				  rprog_reg(g), off, 0));
}

static inline void rprog_other(struct rprog *g)
{
	switch (rprog_pick(g, 6)) {
	case 0:
		rprog_put(g, MOV64(R6, R9));
		rprog_put(g, LDABS(rprog_sizes[rprog_pick(g, 3)],
				   rprog_pick(g, 2) ?
				   (int32_t)rprog_pick(g, 64) : rprog_imm(g)));
		rprog_refill(g);
		break;
	case 1:
		rprog_put(g, MOV64(R1, R9));
		rprog_put(g, MOV64I(R2, rprog_pick(g, 60)));
		rprog_put(g, MOV64(R3, R10));
		rprog_put(g, A64I(BPF_ADD, R3, -32));
		rprog_put(g, MOV64I(R4, 1 + rprog_pick(g, rprog_pick(g, 8) ?
							  32 : 64)));
		rprog_put(g, CALL(BPF_FUNC_skb_load_bytes));
		rprog_refill(g);
		break;
	case 2:
		rprog_put(g, CALL(BPF_FUNC_get_numa_node_id));
		rprog_refill(g);
		break;
	case 3:
		rprog_put(g, ST(BPF_DW, R10, -40, rprog_imm(g)));
		rprog_put(g, ATOMIC(rprog_pick(g, 2) ? BPF_DW : BPF_W,
				    rprog_pick(g, 2) ? BPF_ADD | BPF_FETCH :
						       BPF_XOR,
				    R10, -40, rprog_reg(g)));
		break;
	default: {
		uint64_t v = (uint64_t)rprog_rnd(g) << 32 | rprog_rnd(g);
		const struct bpf_insn ld[] = { LDI64(rprog_reg(g), v) };

		rprog_put(g, ld[0]);
		rprog_put(g, ld[1]);
	}
	}
}

/* ---- the extended shapes ------------------------------------------- */

/* An offset near the edges of a map value, for an access of @bytes. */
static inline int16_t rprog_value_off(struct rprog *g, int bytes)
{
	switch (rprog_pick(g, 6)) {
	case 0:
		return 0;
	case 1:
		return RPROG_VALUE_SIZE - bytes;
	case 2:
		return RPROG_VALUE_SIZE - bytes + 1 + rprog_pick(g, 4);
	case 3:
		return -(int16_t)rprog_pick(g, 9);
	case 4:
		return rprog_pick(g, RPROG_VALUE_SIZE);
	default:
		return bytes * rprog_pick(g, RPROG_VALUE_SIZE / bytes);
	}
}

/* A load, store or atomic of @sz at @base + @off. */
static inline void rprog_access(struct rprog *g, uint8_t base, int16_t off,
				uint8_t sz)
{
	static const int32_t atomic_ops[] = {
		BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH,
		BPF_XCHG, BPF_CMPXCHG,
	};
	uint8_t r = rprog_pick(g, 6);

	switch (rprog_pick(g, 5)) {
	case 0:
	case 1:
		rprog_put(g, LDX(sz, r, base, off));
		break;
	case 2:
		rprog_put(g, STX(sz, base, off, r));
		break;
	case 3:
		rprog_put(g, ST(sz, base, off, rprog_imm(g)));
		break;
	default:
		rprog_put(g, ATOMIC(rprog_pick(g, 2) ? BPF_DW : BPF_W,
				    atomic_ops[rprog_pick(g,
						ARRAY_SIZE(atomic_ops))],
				    base, off, r));
	}
}

/*
 * An unknown scalar in @r: read from the map value (r8) or the
 * context, or left as it is.
 */
static inline void rprog_unknown(struct rprog *g, uint8_t r)
{
	switch (rprog_pick(g, 4)) {
	case 0:
	case 1:
		rprog_put(g, LDX(rprog_sizes[rprog_pick(g, 4)], r, R8,
				 8 * rprog_pick(g, RPROG_VALUE_SIZE / 8)));
		break;
	case 2:
		rprog_put(g, LDX(BPF_W, r, R9,
				 rprog_ctx_fields[rprog_pick(g, 7)]));
		break;
	default:
		break;
	}
}

/*
 * Bound @r, and index the map value with it: r7 = r8 + r (or minus),
 * then an access through r7. Bounds by a mask, a shift, a compare with
 * a constant or with a register (which a join may have set), signed or
 * not; the compare skips the access on the other side.
 */
static inline void rprog_index(struct rprog *g, uint8_t r, int bound_reg)
{
	static const uint8_t bound_ops[] = {
		BPF_JGT, BPF_JGE, BPF_JSGT, BPF_JSGE, BPF_JLT, BPF_JSLT,
	};
	uint8_t sz = rprog_sizes[rprog_pick(g, 4)];
	int bytes = rprog_size_bytes(sz);
	int32_t k = rprog_pick(g, 2) ? RPROG_VALUE_SIZE - bytes +
		    (int32_t)rprog_pick(g, 3) - 1 : rprog_imm(g);
	int jump = -1;
	uint8_t op;

	switch (rprog_pick(g, 5)) {
	case 0:
		rprog_put(g, A64I(BPF_AND, r, rprog_pick(g, 2) ? 31 : k));
		break;
	case 1:
		rprog_put(g, A64I(BPF_RSH, r, 58 + rprog_pick(g, 6)));
		break;
	default:
		op = bound_ops[rprog_pick(g, ARRAY_SIZE(bound_ops))];
		jump = g->n;
		if (bound_reg >= 0)
			rprog_put(g, INSN((rprog_pick(g, 4) ? BPF_JMP :
					   BPF_JMP32) | BPF_X | op,
					  r, bound_reg, 0, 0));
		else
			rprog_put(g, INSN((rprog_pick(g, 4) ? BPF_JMP :
					   BPF_JMP32) | BPF_K | op,
					  r, 0, 0, k));
		/* the in-bounds side is the one that does not jump */
		if (op == BPF_JLT || op == BPF_JSLT)
			g->insns[jump].code ^= op ^
				(op == BPF_JLT ? BPF_JGE : BPF_JSGE);
		if (op == BPF_JSGT || op == BPF_JSGE || op == BPF_JSLT)
			if (rprog_pick(g, 2))
				rprog_put(g, JI(BPF_JSLT, r, 0, 0));
	}
	rprog_put(g, MOV64(R7, R8));
	if (rprog_pick(g, 5))
		rprog_put(g, A64(BPF_ADD, R7, r));
	else
		rprog_put(g, A64(BPF_SUB, R7, r));
	rprog_access(g, R7, rprog_value_off(g, bytes) -
		     (rprog_pick(g, 4) ? 0 : (int16_t)rprog_pick(g, 16)), sz);
	if (jump >= 0) {
		int i;

		/* every compare above jumps past the access */
		for (i = jump; i < g->n - 1; i++)
			if (BPF_CLASS(g->insns[i].code) == BPF_JMP ||
			    BPF_CLASS(g->insns[i].code) == BPF_JMP32)
				g->insns[i].off = g->n - 1 - i;
	}
}

/* A map value in r8, an unknown index, bounded, used. */
static inline void rprog_ext_value(struct rprog *g)
{
	uint8_t r = 1 + rprog_pick(g, 6);

	if (rprog_pick(g, 2))
		rprog_lookup(g, 20);
	rprog_unknown(g, r);
	rprog_index(g, r, -1);
}

/*
 * Two paths that set the bound in r6 to different constants, joined,
 * then an index bounded by r6 (the register-register compare that
 * precision tracking must follow back to both constants).
 */
static inline void rprog_ext_join(struct rprog *g)
{
	uint8_t r = 1 + rprog_pick(g, 5);
	int32_t k1 = rprog_pick(g, RPROG_VALUE_SIZE + 8);
	int32_t k2 = rprog_pick(g, 2) ? k1 + 1 + rprog_pick(g, 64) :
		     rprog_pick(g, RPROG_VALUE_SIZE);

	rprog_unknown(g, r);
	rprog_put(g, INSN(BPF_JMP | BPF_K |
			  rprog_jmp_ops[rprog_pick(g,
					ARRAY_SIZE(rprog_jmp_ops))],
			  rprog_pick(g, 6), 0, 2, rprog_imm(g)));
	rprog_put(g, MOV64I(R6, k1));
	rprog_put(g, JA(1));
	rprog_put(g, MOV64I(R6, k2));
	rprog_index(g, r, R6);
}

/* A spill of a pointer or a scalar, sometimes partly overwritten, a fill. */
static inline void rprog_ext_spill(struct rprog *g)
{
	static const uint8_t spilled[] = { R8, R8, R9, R10, R1, R6 };
	int16_t slot = -8 * (int16_t)(2 + rprog_pick(g, 4));
	uint8_t from = spilled[rprog_pick(g, ARRAY_SIZE(spilled))];
	uint8_t sz = rprog_sizes[rprog_pick(g, 4)];

	if (from == R1)
		rprog_put(g, A64I(BPF_AND, R1, rprog_pick(g, 64)));
	rprog_put(g, STX(BPF_DW, R10, slot, from));
	switch (rprog_pick(g, 4)) {
	case 0:
		rprog_put(g, ST(BPF_B, R10, slot + rprog_pick(g, 8), 0));
		break;
	case 1:
		rprog_put(g, STX(BPF_W, R10, slot + 4 * rprog_pick(g, 2),
				 rprog_pick(g, 6)));
		break;
	default:
		break;
	}
	rprog_put(g, LDX(rprog_pick(g, 5) ? BPF_DW : BPF_W, R7, R10, slot));
	if (from == R1 || from == R6) {
		rprog_put(g, A64(BPF_ADD, R7, R8));
		rprog_access(g, R7, rprog_value_off(g, rprog_size_bytes(sz)),
			     sz);
	} else {
		rprog_access(g, R7, from == R8 ?
			     rprog_value_off(g, rprog_size_bytes(sz)) :
			     from == R10 ? -8 * (int16_t)(1 + rprog_pick(g, 8)) :
			     rprog_ctx_fields[rprog_pick(g, 7)], sz);
	}
}

/* Constant pointer arithmetic on the map value, negative on the way. */
static inline void rprog_ext_ptr(struct rprog *g)
{
	uint8_t sz = rprog_sizes[rprog_pick(g, 4)];
	int32_t d = rprog_pick(g, 2) ?
		    (int32_t)rprog_pick(g, 2 * RPROG_VALUE_SIZE) : rprog_imm(g);

	rprog_put(g, MOV64(R7, R8));
	rprog_put(g, A64I(rprog_pick(g, 2) ? BPF_SUB : BPF_ADD, R7, d));
	if (rprog_pick(g, 3)) {
		rprog_put(g, MOV64I(R6, rprog_pick(g, 2) ? d : -d));
		rprog_put(g, A64(BPF_ADD, R7, R6));
	}
	rprog_access(g, R7, rprog_value_off(g, rprog_size_bytes(sz)) +
		     (rprog_pick(g, 2) ? (int16_t)d : 0), sz);
}

static inline void rprog_generate(struct rprog *g)
{
	int len = RPROG_PROLOGUE + 16 +
		  rprog_pick(g, RPROG_MAX_LEN - 40), i;

	g->n = 0;
	rprog_put(g, MOV64(R9, R1));
	/* privileged programs may read unwritten stack: write it all */
	for (i = 1; i <= 8; i++)
		rprog_put(g, ST(BPF_DW, R10, -8 * i, 0));
	for (i = R0; i <= R7; i++)
		if (rprog_pick(g, 30))
			rprog_put(g, MOV64I(i, rprog_imm(g)));
	rprog_put(g, MOV64(R8, R10));
	rprog_put(g, A64I(BPF_ADD, R8, -48));
	if (g->extended && rprog_pick(g, 4))
		rprog_lookup(g, 20);
	while (g->n < len) {
		switch (rprog_pick(g, g->extended ? 15 : 10)) {
		case 0:
		case 1:
		case 2:
			rprog_alu(g);
			break;
		case 3:
		case 4:
			rprog_stack(g);
			break;
		case 5:
			rprog_ctx(g);
			break;
		case 6:
			rprog_map(g);
			break;
		case 7:
		case 8:
			rprog_jump(g, len - g->n);
			break;
		case 9:
			rprog_other(g);
			break;
		case 10:
		case 11:
			rprog_ext_value(g);
			break;
		case 12:
			rprog_ext_join(g);
			break;
		case 13:
			rprog_ext_spill(g);
			break;
		default:
			rprog_ext_ptr(g);
		}
	}
	rprog_put(g, MOV64(R0, rprog_reg(g)));
	rprog_put(g, EXIT());
}

#endif
