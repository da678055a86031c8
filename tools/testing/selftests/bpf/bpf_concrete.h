/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What BPF's ALU operations and jump conditions compute on concrete
 * values of any width from 1 to 64 bits, as instruction-set.rst defines
 * them (division by zero gives 0, modulo by zero keeps the dividend,
 * shift counts are taken modulo the width). The domain's soundness test
 * checks the verifier's abstract values against it, the differential's
 * out-of-bounds search runs programs with it. Unknown operations give 0
 * and false: each user knows which it asks.
 */
#ifndef _BPF_CONCRETE_H
#define _BPF_CONCRETE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

static inline uint64_t concrete_mask(int width)
{
	return width == 64 ? ~0ULL : (1ULL << width) - 1;
}

/* the low @width bits of @x as a signed number */
static inline int64_t concrete_sext(uint64_t x, int width)
{
	uint64_t sign = 1ULL << (width - 1);

	return (int64_t)(((x & concrete_mask(width)) ^ sign) - sign);
}

/* @op of @a and @b, both taken at @width bits; the result has @width bits */
static inline uint64_t concrete_alu(uint8_t op, uint64_t a, uint64_t b,
				    int width)
{
	uint64_t m = concrete_mask(width);
	unsigned int sh;

	a &= m;
	b &= m;
	sh = b & (width - 1);
	switch (op) {
	case BPF_ADD:
		return (a + b) & m;
	case BPF_SUB:
		return (a - b) & m;
	case BPF_MUL:
		return (a * b) & m;
	case BPF_DIV:
		return b ? a / b : 0;
	case BPF_MOD:
		return b ? a % b : a;
	case BPF_OR:
		return a | b;
	case BPF_AND:
		return a & b;
	case BPF_XOR:
		return a ^ b;
	case BPF_LSH:
		return (a << sh) & m;
	case BPF_RSH:
		return a >> sh;
	case BPF_ARSH:
		return (uint64_t)(concrete_sext(a, width) >> sh) & m;
	case BPF_NEG:
		return -a & m;
	case BPF_MOV:
		return b;
	default:
		return 0;
	}
}

/* Is jump condition @op true of @a and @b, both taken at @width bits? */
static inline bool concrete_cond(uint8_t op, uint64_t a, uint64_t b,
				 int width)
{
	uint64_t m = concrete_mask(width);
	int64_t sa = concrete_sext(a, width), sb = concrete_sext(b, width);

	a &= m;
	b &= m;
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSGT:
		return sa > sb;
	case BPF_JSGE:
		return sa >= sb;
	case BPF_JSLT:
		return sa < sb;
	case BPF_JSLE:
		return sa <= sb;
	case BPF_JSET:
		return a & b;
	default:
		return false;
	}
}

#endif
