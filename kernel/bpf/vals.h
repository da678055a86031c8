/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's abstract domain: what a register may hold, as known bits
 * and signed and unsigned bounds of the whole value and of its low half,
 * with the arithmetic on such sets and what a conditional jump teaches
 * about its operands. Pure functions: no state, no allocation, nothing
 * of the verifier above them.
 *
 * The code is written for values of VALS_BITS bits with low halves of
 * VALS_BITS / 2 bits: 64 and 32 in the kernel. The soundness test
 * (tools/testing/selftests/bpf/vals/) builds the same file in user space
 * at 64 bits and at 8, where every pair of abstract values can be tried
 * against every pair of the values they stand for.
 */
#ifndef _KERNEL_BPF_VALS_H
#define _KERNEL_BPF_VALS_H

#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/filter.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/types.h>
#else
#include "vals_user.h"
#endif

#ifndef VALS_BITS
#define VALS_BITS	64
#endif
#define VALS_HALF	(VALS_BITS / 2)

#if VALS_BITS == 64
#define VALS_U		u64	/* a value, unsigned */
#define VALS_S		s64	/* and signed */
#define VALS_HU		u32	/* its low half, unsigned */
#define VALS_HS		s32	/* and signed */
#else
#define VALS_U		u8
#define VALS_S		s8
#define VALS_HU		u8
#define VALS_HS		s8
#endif

#define VALS_UMAX	((VALS_U)~(VALS_U)0)
#define VALS_SMAX	((VALS_S)(VALS_UMAX >> 1))
#define VALS_SMIN	(-VALS_SMAX - 1)
#define VALS_HUMAX	((VALS_U)(VALS_UMAX >> VALS_HALF))
#define VALS_HSMAX	((VALS_S)(VALS_HUMAX >> 1))
#define VALS_HSMIN	(-VALS_HSMAX - 1)
#define VALS_HIGH	((VALS_U)~VALS_HUMAX)	/* the high half's bits */

/* Not a real opcode: the false side of BPF_JSET, (a & b) == 0. */
#define VALS_JNSET	0xf0

/*
 * Known bits: bit i of the value is val's bit i unless unk's bit i is
 * set, in which case it may be either. val and unk never share a bit.
 */
struct bits {
	VALS_U val;
	VALS_U unk;
};

/*
 * What a register may hold: its known bits and its bounds as an unsigned
 * and as a signed number, and the same bounds for its low half. Every
 * component describes the same set of values; vals_tighten() lets each
 * one sharpen the others and finds out when the set is empty.
 */
struct vals {
	struct bits b;
	VALS_U umin, umax;
	VALS_S smin, smax;
	VALS_HU umin32, umax32;
	VALS_HS smin32, smax32;
};

static inline struct bits bits_const(VALS_U v)
{
	return (struct bits){ .val = v };
}

static inline bool vals_is_const(const struct vals *v)
{
	return !v->b.unk;
}

static inline bool vals_is_zero(const struct vals *v)
{
	return vals_is_const(v) && !v->b.val;
}

struct bits bits_add(struct bits a, struct bits b);
struct bits bits_span(VALS_U lo, VALS_U hi);

struct vals vals_any(void);
struct vals vals_const(VALS_U c);
bool vals_is_any(const struct vals *v);
struct vals vals_of_size(int size);
bool vals_tighten(struct vals *v);
bool vals_in(const struct vals *in, const struct vals *out);
bool vals_meet(struct vals *v, const struct vals *w);

VALS_U vals_eval(u8 op, VALS_U x, VALS_U y, int width);
bool vals_alu(struct vals *d, const struct vals *s, u8 op, int width);

u8 vals_negate(u8 op);
bool vals_refine(struct vals *a, struct vals *b, u8 op, int width);

#endif /* _KERNEL_BPF_VALS_H */
