// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier: proves, before a program first runs, that it terminates
 * and only touches memory it may, then rewrites it for the runtime.
 *
 * It works in three passes over the instructions.
 *
 * 1. Shape. Every instruction is decoded once: known opcode, no reserved
 *    field set, registers in range, jumps inside the program and never
 *    into the second half of a 64-bit immediate load, no running off
 *    the end. Map file descriptors in LD_IMM64 become map
 *    references. A depth-first walk of the control-flow graph finds
 *    unreachable code and back edges (loops, refused to unprivileged
 *    programs). A backward data-flow pass computes which registers are
 *    live at each instruction; dead registers never keep two states
 *    apart.
 *
 * 2. Symbolic execution. Every path through the program is executed on
 *    abstract states. A state gives each register a kind (not written
 *    yet, scalar, pointer to the context, the stack, a map, a map value,
 *    a map value or NULL) and a value set: the known bits of the value
 *    (for pointers, of the offset) and its signed and unsigned bounds,
 *    both in 64 bits and in the low 32 bits. The stack is tracked per
 *    byte (never written, some data, zero, part of a spilled register)
 *    with the registers spilled to it. Each instruction is checked
 *    against the state and updates it; a conditional jump refines the
 *    value sets of its operands on each side and drops a side that the
 *    sets prove impossible. Every memory access is checked for all the
 *    offsets the pointer may have.
 *
 *    Paths are explored depth first. At the instructions where paths
 *    meet (jump targets and the instructions after conditional jumps)
 *    the state is kept as a checkpoint. A path that reaches a checkpoint
 *    whose every continuation has been verified, with a state the
 *    checkpoint's state includes, is safe and stops there. A checkpoint
 *    whose continuations are still being verified lies on the current
 *    path: arriving at it again with the same state is an infinite
 *    loop. Loops that make progress are simply executed, iteration after
 *    iteration, within the budget of processed instructions.
 *
 *    How much a checkpoint includes decides how often paths stop early.
 *    A scalar's exact value only matters if some later check depended
 *    on it: a memory access, a helper's size argument, a jump decided by
 *    it. Scalars start out imprecise, and a check that depends on one
 *    marks it precise by walking back along the path to the
 *    instructions that computed it, marking their inputs in the
 *    checkpoints the path went through. Checkpoints compare imprecise
 *    scalars only by kind.
 *
 * 3. Rewrite. Context accesses become loads from the kernel object the
 *    program runs on, helper ids become calls, division by a register
 *    gets its zero check, map references become addresses, and code no
 *    path reached becomes a trap. The result goes to
 *    bpf_prog_select_runtime().
 *
 * The log tells program authors what happened: with log_level 1 the
 * failing path and the state at the error, with log_level 2 every
 * processed instruction and the registers it changed. Every message
 * names the instruction.
 */
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "ebpf.h"

/* Offsets and sizes a pointer may ever carry, as upstream. */
#define MAX_VAR_OFF		((s64)BIT(29))
#define MAX_USED_MAPS		64
/* Paths waiting to be explored. */
#define MAX_PENDING		8192
/* Memory for checkpoints; beyond it no new ones are made. */
#define MAX_CHECKPOINT_BYTES	(64 << 20)
#define SLOT_SIZE		8
/* log_level bits, as in the uapi's description of the log */
#define LOG_PATH		BIT(0)	/* the failing path */
#define LOG_EVERY		BIT(1)	/* every instruction */
#define LOG_STATS		BIT(2)
/* the kind of an argument or return type, without its flags */
#define KIND_OF(t)		((t) & (BIT(BPF_BASE_TYPE_BITS) - 1))
#define MAX_SLOTS		(MAX_BPF_STACK / SLOT_SIZE)

/* ---- known bits --------------------------------------------------------
 *
 * Bit i of the value is val's bit i unless unk's bit i is set, in which
 * case it may be either. val and unk never share a bit.
 */
struct bits {
	u64 val;
	u64 unk;
};

static struct bits bits_const(u64 v)
{
	return (struct bits){ .val = v };
}

static struct bits bits_any(void)
{
	return (struct bits){ .unk = U64_MAX };
}

static u64 bits_max(struct bits b)
{
	return b.val | b.unk;
}

/* Every value in [lo, hi] agrees with lo above their highest difference. */
static struct bits bits_span(u64 lo, u64 hi)
{
	u64 unk;

	if (lo == hi)
		return bits_const(lo);
	unk = GENMASK_ULL(fls64(lo ^ hi) - 1, 0);
	return (struct bits){ .val = lo & ~unk, .unk = unk };
}

static struct bits bits_low(struct bits b, int width)
{
	u64 mask = width == 64 ? U64_MAX : U32_MAX;

	return (struct bits){ .val = b.val & mask, .unk = b.unk & mask };
}

/*
 * Sum: add the known parts; any bit a carry out of an unknown bit could
 * reach is unknown. The carries are where the sum of the smallest and the
 * largest possible operands differ.
 */
static struct bits bits_add(struct bits a, struct bits b)
{
	u64 lo = a.val + b.val;
	u64 hi = lo + a.unk + b.unk;
	u64 unk = (lo ^ hi) | a.unk | b.unk;

	return (struct bits){ .val = lo & ~unk, .unk = unk };
}

static struct bits bits_sub(struct bits a, struct bits b)
{
	u64 d = a.val - b.val;
	u64 hi = d + a.unk;		/* a at its largest, b smallest */
	u64 lo = d - b.unk;		/* and the other way round */
	u64 unk = (lo ^ hi) | a.unk | b.unk;

	return (struct bits){ .val = d & ~unk, .unk = unk };
}

static struct bits bits_and(struct bits a, struct bits b)
{
	u64 val = a.val & b.val;

	return (struct bits){ .val = val,
			      .unk = bits_max(a) & bits_max(b) & ~val };
}

static struct bits bits_or(struct bits a, struct bits b)
{
	u64 val = a.val | b.val;

	return (struct bits){ .val = val, .unk = (a.unk | b.unk) & ~val };
}

static struct bits bits_xor(struct bits a, struct bits b)
{
	u64 unk = a.unk | b.unk;

	return (struct bits){ .val = (a.val ^ b.val) & ~unk, .unk = unk };
}

/* Low bits known to be zero. */
static int bits_zeros(struct bits b)
{
	u64 any = b.val | b.unk;

	return any ? __ffs64(any) : 64;
}

/* A product keeps at least the trailing zeros of both factors. */
static struct bits bits_mul(struct bits a, struct bits b)
{
	int zeros = bits_zeros(a) + bits_zeros(b);

	if (!a.unk && !b.unk)
		return bits_const(a.val * b.val);
	if (zeros >= 64)
		return bits_const(0);
	return (struct bits){ .unk = U64_MAX << zeros };
}

static bool bits_in(struct bits inner, struct bits outer)
{
	return !(inner.unk & ~outer.unk) &&
	       !((inner.val ^ outer.val) & ~outer.unk);
}

/* Both at once; false if they disagree on a known bit. */
static bool bits_meet(struct bits *a, struct bits b)
{
	if ((a->val ^ b.val) & ~(a->unk | b.unk))
		return false;
	a->val |= b.val;
	a->unk &= b.unk;
	return true;
}

/* ---- value sets --------------------------------------------------------
 *
 * What a register may hold: its known bits and its bounds as an unsigned
 * and as a signed 64-bit number, and the same bounds for its low 32 bits.
 * Every component describes the same set of values; vals_tighten() lets
 * each one sharpen the others and finds out when the set is empty.
 */
struct vals {
	struct bits b;
	u64 umin, umax;
	s64 smin, smax;
	u32 umin32, umax32;
	s32 smin32, smax32;
};

/* Bounds in one width, 32 or 64 bits, widened to 64 bits for both. */
struct bounds {
	u64 umin, umax;
	s64 smin, smax;
};

static struct bounds range_any(int width)
{
	if (width == 32)
		return (struct bounds){ 0, U32_MAX, S32_MIN, S32_MAX };
	return (struct bounds){ 0, U64_MAX, S64_MIN, S64_MAX };
}

static struct vals vals_any(void)
{
	return (struct vals){
		.b = bits_any(),
		.umax = U64_MAX, .smin = S64_MIN, .smax = S64_MAX,
		.umax32 = U32_MAX, .smin32 = S32_MIN, .smax32 = S32_MAX,
	};
}

static struct vals vals_const(u64 c)
{
	return (struct vals){
		.b = bits_const(c),
		.umin = c, .umax = c, .smin = c, .smax = c,
		.umin32 = c, .umax32 = c, .smin32 = c, .smax32 = c,
	};
}

static bool vals_is_const(const struct vals *v)
{
	return !v->b.unk;
}

/* Nothing known in 64 bits. */
static bool vals_is_any(const struct vals *v)
{
	return !v->umin && v->umax == U64_MAX && v->smin == S64_MIN &&
	       v->smax == S64_MAX;
}

static bool vals_is_zero(const struct vals *v)
{
	return vals_is_const(v) && !v->b.val;
}

static struct bounds vals_range(const struct vals *v, int width)
{
	if (width == 32)
		return (struct bounds){ v->umin32, v->umax32,
				       v->smin32, v->smax32 };
	return (struct bounds){ v->umin, v->umax, v->smin, v->smax };
}

/* Signed bounds implied by known bits, with the sign bit at @top. */
static void bits_signed(struct bits b, int top, s64 *lo, s64 *hi)
{
	u64 sign = BIT_ULL(top);
	u64 ext = top == 63 ? 0 : ~GENMASK_ULL(top, 0);
	u64 l = b.val, h = bits_max(b);

	if (b.unk & sign) {
		l |= sign;
		h &= ~sign;
	}
	/* sign-extend to 64 bits */
	*lo = (l & sign) ? (s64)(l | ext) : (s64)l;
	*hi = (h & sign) ? (s64)(h | ext) : (s64)h;
}

static bool vals_tighten_once(struct vals *v)
{
	struct bits lo32;
	s64 l, h;

	/* 64 bits: bounds from known bits and between the signs */
	v->umin = max(v->umin, v->b.val);
	v->umax = min(v->umax, bits_max(v->b));
	bits_signed(v->b, 63, &l, &h);
	v->smin = max(v->smin, l);
	v->smax = min(v->smax, h);
	if ((s64)v->umin <= (s64)v->umax) {
		v->smin = max_t(s64, v->smin, v->umin);
		v->smax = min_t(s64, v->smax, v->umax);
	}
	if ((u64)v->smin <= (u64)v->smax) {
		v->umin = max_t(u64, v->umin, v->smin);
		v->umax = min_t(u64, v->umax, v->smax);
	}
	if (v->umin > v->umax || v->smin > v->smax)
		return false;
	if (!bits_meet(&v->b, bits_span(v->umin, v->umax)))
		return false;

	/* the low 32 bits lie in one span if the high halves agree */
	if (v->umin >> 32 == v->umax >> 32) {
		v->umin32 = max_t(u32, v->umin32, v->umin);
		v->umax32 = min_t(u32, v->umax32, v->umax);
	}
	if (v->smin >> 32 == v->smax >> 32) {
		v->umin32 = max_t(u32, v->umin32, v->smin);
		v->umax32 = min_t(u32, v->umax32, v->smax);
	}

	/* 32 bits: the same as for 64 */
	lo32 = bits_low(v->b, 32);
	v->umin32 = max_t(u32, v->umin32, lo32.val);
	v->umax32 = min_t(u32, v->umax32, bits_max(lo32));
	bits_signed(lo32, 31, &l, &h);
	v->smin32 = max_t(s32, v->smin32, l);
	v->smax32 = min_t(s32, v->smax32, h);
	if ((s32)v->umin32 <= (s32)v->umax32) {
		v->smin32 = max_t(s32, v->smin32, v->umin32);
		v->smax32 = min_t(s32, v->smax32, v->umax32);
	}
	if ((u32)v->smin32 <= (u32)v->smax32) {
		v->umin32 = max_t(u32, v->umin32, v->smin32);
		v->umax32 = min_t(u32, v->umax32, v->smax32);
	}
	if (v->umin32 > v->umax32 || v->smin32 > v->smax32)
		return false;
	lo32 = bits_span(v->umin32, v->umax32);
	lo32.unk |= GENMASK_ULL(63, 32);
	if (!bits_meet(&v->b, lo32))
		return false;

	/* with the high half known, the low bounds bound the whole */
	if (!(v->b.unk >> 32)) {
		u64 high = v->b.val & GENMASK_ULL(63, 32);

		v->umin = max(v->umin, high | v->umin32);
		v->umax = min(v->umax, high | v->umax32);
	}
	return v->umin <= v->umax;
}

/* Make all components agree; false if no value fits them all. */
static bool vals_tighten(struct vals *v)
{
	struct vals old;
	int i;

	for (i = 0; i < 4; i++) {
		old = *v;
		if (!vals_tighten_once(v))
			return false;
		if (!memcmp(&old, v, sizeof(old)))
			break;
	}
	return true;
}

/* @width-bit result @r with known bits @b, zero-extended if 32 bits. */
static void vals_set(struct vals *v, struct bounds r, struct bits b,
		     struct bounds r32, int width)
{
	if (width == 32) {
		*v = vals_any();
		v->b = bits_low(b, 32);
		v->umin = r.umin;
		v->umax = r.umax;
		v->smin = r.umin;
		v->smax = r.umax;
		v->umin32 = r.umin;
		v->umax32 = r.umax;
		v->smin32 = r.smin;
		v->smax32 = r.smax;
	} else {
		v->b = b;
		v->umin = r.umin;
		v->umax = r.umax;
		v->smin = r.smin;
		v->smax = r.smax;
		v->umin32 = r32.umin;
		v->umax32 = r32.umax;
		v->smin32 = r32.smin;
		v->smax32 = r32.smax;
	}
	/* Sound inputs give a sound, hence non-empty, result. */
	WARN_ON_ONCE(!vals_tighten(v));
}

/* The values @size bytes loaded from memory may have. */
static struct vals vals_of_size(int size)
{
	struct vals v = vals_any();

	if (size < 8) {
		v.b = (struct bits){ .unk = GENMASK_ULL(size * 8 - 1, 0) };
		vals_tighten(&v);
	}
	return v;
}

static bool vals_in(const struct vals *in, const struct vals *out)
{
	return in->umin >= out->umin && in->umax <= out->umax &&
	       in->smin >= out->smin && in->smax <= out->smax &&
	       in->umin32 >= out->umin32 && in->umax32 <= out->umax32 &&
	       in->smin32 >= out->smin32 && in->smax32 <= out->smax32 &&
	       bits_in(in->b, out->b);
}

/* ---- arithmetic on value sets ------------------------------------------
 *
 * Each operation computes the bounds of its result in one width from the
 * bounds of its operands in that width; anything it cannot bound it
 * leaves to vals_tighten(), which derives it from the known bits.
 */
static u64 width_umax(int width)
{
	return width == 64 ? U64_MAX : U32_MAX;
}

static bool u_overflows(u64 x, int width)
{
	return width == 32 && x > U32_MAX;
}

static bool s_overflows(s64 x, int width)
{
	return width == 32 && (x < S32_MIN || x > S32_MAX);
}

static struct bounds range_add(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);
	bool lo_over, hi_over;
	s64 lo, hi;

	/* both ends wrapping alike keep the range in one piece */
	r.umin = a.umin + b.umin;
	r.umax = a.umax + b.umax;
	lo_over = r.umin < a.umin || u_overflows(r.umin, width);
	hi_over = r.umax < a.umax || u_overflows(r.umax, width);
	if (lo_over != hi_over) {
		r.umin = 0;
		r.umax = width_umax(width);
	}
	r.umin &= width_umax(width);
	r.umax &= width_umax(width);

	if (!check_add_overflow(a.smin, b.smin, &lo) &&
	    !check_add_overflow(a.smax, b.smax, &hi) &&
	    !s_overflows(lo, width) && !s_overflows(hi, width)) {
		r.smin = lo;
		r.smax = hi;
	}
	return r;
}

static struct bounds range_sub(struct bounds a, struct bounds b, int width)
{
	bool lo_under = a.umin < b.umax, hi_under = a.umax < b.umin;
	struct bounds r = range_any(width);
	s64 lo, hi;

	/* both ends wrapping alike keep the range in one piece */
	if (lo_under == hi_under) {
		r.umin = (a.umin - b.umax) & width_umax(width);
		r.umax = (a.umax - b.umin) & width_umax(width);
	}
	if (!check_sub_overflow(a.smin, b.smax, &lo) &&
	    !check_sub_overflow(a.smax, b.smin, &hi) &&
	    !s_overflows(lo, width) && !s_overflows(hi, width)) {
		r.smin = lo;
		r.smax = hi;
	}
	return r;
}

static struct bounds range_mul(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);
	s64 c[4];
	u64 hi;
	int i;

	if (!check_mul_overflow(a.umax, b.umax, &hi) &&
	    !u_overflows(hi, width)) {
		r.umin = a.umin * b.umin;
		r.umax = hi;
	}
	if (check_mul_overflow(a.smin, b.smin, &c[0]) ||
	    check_mul_overflow(a.smin, b.smax, &c[1]) ||
	    check_mul_overflow(a.smax, b.smin, &c[2]) ||
	    check_mul_overflow(a.smax, b.smax, &c[3]))
		return r;
	for (i = 0; i < 4; i++)
		if (s_overflows(c[i], width))
			return r;
	r.smin = min(min(c[0], c[1]), min(c[2], c[3]));
	r.smax = max(max(c[0], c[1]), max(c[2], c[3]));
	return r;
}

/* x & y is at most either operand, and not negative if either is not. */
static struct bounds range_and(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);

	r.umax = min(a.umax, b.umax);
	if (a.smin >= 0 || b.smin >= 0) {
		r.smin = 0;
		r.smax = min(a.smin >= 0 ? a.smax : S64_MAX,
			     b.smin >= 0 ? b.smax : S64_MAX);
	}
	return r;
}

/* x | y is at least either operand. */
static struct bounds range_or(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);

	r.umin = max(a.umin, b.umin);
	if (a.smin >= 0 && b.smin >= 0)
		r.smin = max(a.smin, b.smin);
	return r;
}

static struct bounds range_shift(struct bounds a, u8 op, u64 lo, u64 hi,
				 int width)
{
	struct bounds r = range_any(width);

	switch (op) {
	case BPF_LSH:
		/* fine while the largest value keeps all its bits */
		if (hi < width && !((a.umax << hi) >> hi ^ a.umax) &&
		    !u_overflows(a.umax << hi, width)) {
			r.umin = a.umin << lo;
			r.umax = a.umax << hi;
		}
		break;
	case BPF_RSH:
		r.umin = a.umin >> hi;
		r.umax = a.umax >> lo;
		break;
	case BPF_ARSH:
		/* a negative bound grows towards -1, a positive one to 0 */
		r.smin = min(a.smin >> lo, a.smin >> hi);
		r.smax = max(a.smax >> lo, a.smax >> hi);
		break;
	}
	return r;
}

static struct bounds range_div(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);

	/* x / 0 is 0 */
	r.umax = b.umin ? div64_u64(a.umax, b.umin) : a.umax;
	r.umin = b.umin ? div64_u64(a.umin, b.umax) : 0;
	return r;
}

static struct bounds range_mod(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);

	r.umax = b.umin ? min(a.umax, b.umax - 1) : a.umax;
	return r;
}

/* The value of a 32- or 64-bit ALU operation on constants, as the runtime
 * computes it: x / 0 = 0, x % 0 = x, shift counts masked.
 */
static u64 alu_eval(u8 op, u64 x, u64 y, int width)
{
	u64 mask = width_umax(width);
	u32 shift = y & (width - 1);

	x &= mask;
	y &= mask;
	switch (op) {
	case BPF_ADD:
		return (x + y) & mask;
	case BPF_SUB:
		return (x - y) & mask;
	case BPF_MUL:
		return (x * y) & mask;
	case BPF_DIV:
		return y ? div64_u64(x, y) : 0;
	case BPF_MOD:
		return y ? x - div64_u64(x, y) * y : x;
	case BPF_AND:
		return x & y;
	case BPF_OR:
		return x | y;
	case BPF_XOR:
		return x ^ y;
	case BPF_LSH:
		return (x << shift) & mask;
	case BPF_RSH:
		return x >> shift;
	case BPF_ARSH:
		if (width == 32)
			return (u32)((s32)x >> shift);
		return (s64)x >> shift;
	case BPF_NEG:
		return -x & mask;
	case BPF_MOV:
		return y;
	}
	return 0;
}

/* Operations whose low 32 result bits depend only on the operands' low
 * 32 bits: for them a 64-bit operation also gives the 32-bit bounds.
 */
static bool alu_low_closed(u8 op)
{
	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_MOV:
	case BPF_NEG:
		return true;
	}
	return false;
}

/* One width of a scalar operation: bounds and bits. */
static void alu_width(u8 op, const struct vals *a, const struct vals *b,
		      int width, struct bounds *r, struct bits *rb)
{
	struct bounds ra = vals_range(a, width), rbb = vals_range(b, width);
	struct bits ba = bits_low(a->b, width), bb = bits_low(b->b, width);
	u64 lo, hi;

	*r = range_any(width);
	*rb = bits_low(bits_any(), width);
	switch (op) {
	case BPF_MOV:
		*r = rbb;
		*rb = bb;
		break;
	case BPF_ADD:
		*r = range_add(ra, rbb, width);
		*rb = bits_low(bits_add(ba, bb), width);
		break;
	case BPF_SUB:
		*r = range_sub(ra, rbb, width);
		*rb = bits_low(bits_sub(ba, bb), width);
		break;
	case BPF_NEG:
		*r = range_sub(vals_range(&(struct vals){}, width), ra, width);
		*rb = bits_low(bits_sub(bits_const(0), ba), width);
		break;
	case BPF_MUL:
		*r = range_mul(ra, rbb, width);
		*rb = bits_low(bits_mul(ba, bb), width);
		break;
	case BPF_AND:
		*r = range_and(ra, rbb, width);
		*rb = bits_and(ba, bb);
		break;
	case BPF_OR:
		*r = range_or(ra, rbb, width);
		*rb = bits_or(ba, bb);
		break;
	case BPF_XOR:
		*rb = bits_xor(ba, bb);
		break;
	case BPF_DIV:
		*r = range_div(ra, rbb, width);
		break;
	case BPF_MOD:
		/* x % y is x when x < y, and so is x % 0 */
		if (ra.umax < rbb.umin || !rbb.umax) {
			*r = ra;
			*rb = ba;
		} else {
			*r = range_mod(ra, rbb, width);
		}
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		/* counts of width or more are masked: nothing is known */
		lo = b->umin;
		hi = b->umax;
		if (hi >= width)
			break;
		*r = range_shift(ra, op, lo, hi, width);
		if (lo != hi)
			break;
		if (op == BPF_LSH)
			*rb = bits_low((struct bits){ ba.val << lo, ba.unk << lo },
				       width);
		else if (op == BPF_RSH)
			*rb = (struct bits){ ba.val >> lo, ba.unk >> lo };
		else if (width == 64)
			*rb = (struct bits){ (s64)ba.val >> lo,
					     (s64)ba.unk >> lo };
		else
			*rb = bits_low((struct bits){
				(s64)(s32)ba.val >> lo,
				(s64)(s32)ba.unk >> lo }, 32);
		break;
	}
}

/*
 * d = d op s on scalars, in 64 or 32 bits (the latter zero-extended).
 * Constants are folded exactly as the runtime computes.
 */
static void scalar_alu(struct vals *d, const struct vals *s, u8 op, int width)
{
	struct bounds r, r32;
	struct bits b, b32;

	/*
	 * A shift by the width or more is masked here, but not on every
	 * JIT: as upstream, its result is unknown.
	 */
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    s->umax >= width) {
		vals_set(d, range_any(width), bits_low(bits_any(), width),
			 range_any(32), width);
		return;
	}
	if (vals_is_const(d) && vals_is_const(s)) {
		*d = vals_const(alu_eval(op, d->b.val, s->b.val, width));
		return;
	}
	alu_width(op, d, s, width, &r, &b);
	if (width == 64 && alu_low_closed(op)) {
		alu_width(op, d, s, 32, &r32, &b32);
		b32.unk |= GENMASK_ULL(63, 32);
		if (!bits_meet(&b, b32))
			b = bits_any();
	} else {
		r32 = range_any(32);
	}
	vals_set(d, r, b, r32, width);
}

/* ---- registers, stack and states --------------------------------------- */

enum kind {
	K_NONE,			/* not written on this path */
	K_SCALAR,
	K_CTX,			/* the program's context */
	K_STACK,		/* this program's stack, offset from R10 */
	K_MAP,			/* a map itself, from LD_IMM64 */
	K_VALUE,		/* an element of map */
	K_VALUE_OR_NULL,	/* that, or NULL, as lookups return */
};

static const char * const kind_names[] = {
	[K_NONE] = "uninitialized",
	[K_SCALAR] = "scalar",
	[K_CTX] = "ctx",
	[K_STACK] = "fp",
	[K_MAP] = "map_ptr",
	[K_VALUE] = "map_value",
	[K_VALUE_OR_NULL] = "map_value_or_null",
};

struct reg {
	u8 kind;
	/* a scalar some check depended on: checkpoints compare its value */
	bool precise;
	/* registers sharing a nonzero id hold copies of one value */
	u32 id;
	struct bpf_map *map;
	/* a scalar's value, a pointer's offset */
	struct vals v;
};

/* What each byte of the stack holds. */
enum {
	B_INVALID,		/* never written */
	B_MISC,			/* data of no known value */
	B_ZERO,			/* zero */
	B_SPILL,		/* part of the slot's spilled register */
};

/*
 * Eight bytes of stack. A register stored to the start of a slot is kept
 * as it was (a "spill"): its bytes are B_SPILL and a load of the same
 * size from there gives the register back.
 */
struct slot {
	u8 bytes[SLOT_SIZE];
	struct reg spill;
};

/* One instruction of a path, and the stack slot it spilled or filled. */
struct step {
	u32 insn;
	s32 slot;		/* -1: none; STEP_LINKED: see do_branch() */
};

#define STEP_LINKED	(-2)

struct checkpoint;

struct state {
	struct reg regs[MAX_BPF_REG];
	/* slots[i] holds fp-8*(i+1) .. fp-8*i-1; deeper ones never written */
	u32 nslots;
	struct slot *slots;
	/* the path: the last checkpoint on it, and the steps since */
	struct checkpoint *parent;
	struct step *trail;
	u32 trail_len, trail_cap;
	/* a side of a jump only speculative execution takes */
	bool speculative;
};

/*
 * A state kept at a meeting point. live counts the paths from here that
 * are still being verified; at 0 every continuation is proven safe and
 * the checkpoint moves to its instruction's done list.
 */
struct checkpoint {
	struct hlist_node node;
	struct checkpoint *parent;
	u32 insn;
	u32 live;
	u32 hits, misses;
	bool parked;		/* open, but no longer compared against */
	struct state st;
};

struct pending {
	struct state *st;
	u32 insn;
};

/* Per instruction facts. */
enum {
	I_PRUNE = BIT(0),	/* paths meet here: keep checkpoints */
	I_SEEN = BIT(1),	/* some path executed it */
	I_CTX = BIT(2),		/* accesses the context */
	I_OTHER_MEM = BIT(3),	/* accesses other memory */
	I_NOSPEC = BIT(4),	/* a store a later load must not bypass */
};

/* How unprivileged pointer arithmetic moved a pointer: insn_info.alu_kind */
enum {
	ALU_PTR = BIT(0),	/* a pointer moved by a register */
	ALU_NEG = BIT(1),	/* by a negative offset: mask its opposite */
	ALU_CONST = BIT(2),	/* known on every path */
	ALU_PTR_DST = BIT(3),	/* the pointer is the destination */
	ALU_SCALAR = BIT(4),	/* only numbers: nothing to mask */
};

struct insn_info {
	u16 live;		/* registers read before written from here */
	u8 flags;
	u8 ctx_field;		/* context field size of a ctx access */
	u8 map;			/* LD_IMM64: index in used maps */
	/* unprivileged pointer arithmetic: how it moved the pointer */
	u8 alu_kind;
	u32 alu_span;
	/* a tail call: the program array of every path (unprivileged) */
	struct bpf_map *array;
};

struct vlog {
	char __user *buf;
	u32 size, used, level;
	bool truncated;
};

struct env {
	struct bpf_prog *prog;
	const struct ebpf_prog_type *type;
	struct bpf_insn *insns;
	u32 len;
	struct insn_info *info;
	/* privileges: loops, pointer leaks, alignment checks */
	bool loops_ok, leaks_ok, strict;
	/* scalars only compare when precise; as upstream, for CAP_BPF */
	bool precision;
	struct vlog log;
	char err[192];

	struct state *cur;
	u32 insn;
	struct pending *pending;
	u32 npending;
	struct hlist_head *open;	/* checkpoints still in progress */
	struct hlist_head *done;	/* and those proven safe */
	struct hlist_head parked;	/* open ones no longer searched */
	u64 cp_bytes;
	u32 checkpoints, peak_checkpoints;
	u32 processed, id_gen, stack_depth;
	s32 step_slot;		/* the stack slot this step spilled or filled */

	struct bpf_map *maps[MAX_USED_MAPS];
	u32 nmaps;
};

static void reg_scalar(struct reg *r, struct vals v)
{
	*r = (struct reg){ .kind = K_SCALAR, .v = v };
}

static void reg_unknown(struct reg *r)
{
	reg_scalar(r, vals_any());
}

static void reg_pointer(struct reg *r, u8 kind, struct bpf_map *map)
{
	*r = (struct reg){ .kind = kind, .map = map, .v = vals_const(0) };
}

static bool is_ptr(const struct reg *r)
{
	return r->kind > K_SCALAR;
}

static bool reg_is_const(const struct reg *r, u64 c)
{
	return r->kind == K_SCALAR && vals_is_const(&r->v) && r->v.b.val == c;
}

static size_t slots_size(u32 n)
{
	return n * sizeof(struct slot);
}

static void *memdup_kv(const void *src, size_t size)
{
	void *p = kvmalloc(size, GFP_KERNEL_ACCOUNT);

	if (p)
		memcpy(p, src, size);
	return p;
}

static void state_free(struct state *st)
{
	if (!st)
		return;
	kvfree(st->slots);
	kvfree(st->trail);
	kfree(st);
}

/* A copy of @src for another path; the trail goes along. */
static struct state *state_copy(const struct state *src)
{
	struct state *st = kmalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);

	if (!st)
		return NULL;
	*st = *src;
	st->slots = NULL;
	st->trail = NULL;
	if (src->nslots) {
		st->slots = memdup_kv(src->slots, slots_size(src->nslots));
		if (!st->slots)
			goto fail;
	}
	if (src->trail_len) {
		st->trail = memdup_kv(src->trail,
				      src->trail_len * sizeof(*src->trail));
		if (!st->trail)
			goto fail;
		st->trail_cap = src->trail_len;
	}
	return st;
fail:
	state_free(st);
	return NULL;
}

/* Make room for @n slots; new ones were never written. */
static int state_grow(struct state *st, u32 n)
{
	struct slot *slots;

	if (n <= st->nslots)
		return 0;
	slots = kvzalloc(slots_size(n), GFP_KERNEL_ACCOUNT);
	if (!slots)
		return -ENOMEM;
	if (st->nslots)
		memcpy(slots, st->slots, slots_size(st->nslots));
	kvfree(st->slots);
	st->slots = slots;
	st->nslots = n;
	return 0;
}

static int trail_add(struct state *st, u32 insn, s32 slot)
{
	struct step *t;

	if (st->trail_len == st->trail_cap) {
		u32 cap = max(16U, st->trail_cap * 2);

		t = kvmalloc_array(cap, sizeof(*t), GFP_KERNEL_ACCOUNT);
		if (!t)
			return -ENOMEM;
		if (st->trail_len)
			memcpy(t, st->trail, st->trail_len * sizeof(*t));
		kvfree(st->trail);
		st->trail = t;
		st->trail_cap = cap;
	}
	st->trail[st->trail_len++] = (struct step){ insn, slot };
	return 0;
}

/* Where the jump at @i goes: gotol (BPF_JMP32 | BPF_JA) has it in imm. */
static s64 jump_target(const struct bpf_insn *in, u32 i)
{
	if (in->code == (BPF_JMP32 | BPF_JA))
		return (s64)i + in->imm + 1;
	return (s64)i + in->off + 1;
}

/* ---- the log ------------------------------------------------------------
 *
 * Written to user space as it goes, always NUL-terminated; what does not
 * fit is dropped and the load then fails with ENOSPC.
 */
static __printf(2, 3) void vlog(struct env *env, const char *fmt, ...)
{
	struct vlog *log = &env->log;
	char line[256];
	va_list args;
	u32 n;

	if (!log->level || !log->buf || log->truncated)
		return;
	va_start(args, fmt);
	n = vscnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	if (n >= log->size - log->used) {
		n = log->size - log->used - 1;
		log->truncated = true;
	}
	line[n] = 0;
	if (copy_to_user(log->buf + log->used, line, n + 1))
		log->buf = NULL;	/* reported as EFAULT at the end */
	else
		log->used += n;
}

/* Note why the program is refused; the main loop prints it in context. */
static __printf(3, 4) int reject(struct env *env, int err, const char *fmt,
				 ...)
{
	va_list args;

	va_start(args, fmt);
	vscnprintf(env->err, sizeof(env->err), fmt, args);
	va_end(args);
	return err;
}

#define HELPER_NAME(x) { BPF_FUNC_##x, #x }
static const struct {
	int id;
	const char *name;
} helper_names[] = {
	__BPF_FUNC_MAPPER(HELPER_NAME)
};

static const char *helper_name(s32 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(helper_names); i++)
		if (helper_names[i].id == id)
			return helper_names[i].name;
	return "unknown";
}

/* Operators as C writes them, by BPF_OP() >> 4; "" for what is not one. */
static const char alu_sym[16][4] = {
	"+", "-", "*", "/", "|", "&", "<<", ">>", "", "%", "^", "", "s>>",
};

static const char jmp_sym[16][4] = {
	"", "==", ">", ">=", "&", "!=", "s>", "s>=", "", "", "<", "<=", "s<",
	"s<=",
};

static const char *atomic_name(s32 imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD:
		return "add";
	case BPF_AND:
		return "and";
	case BPF_OR:
		return "or";
	case BPF_XOR:
		return "xor";
	}
	return imm == BPF_XCHG ? "xchg" : "cmpxchg";
}

/* The instruction at @i as people write it. */
static void insn_str(const struct env *env, u32 i, char *buf, size_t n)
{
	const struct bpf_insn *in = &env->insns[i];
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	char sz[4];
	char r = cls == BPF_ALU || cls == BPF_JMP32 ? 'w' : 'r';
	char src[16];

	snprintf(sz, sizeof(sz), "u%d", bpf_size_to_bytes(BPF_SIZE(in->code)) * 8);
	if (BPF_SRC(in->code) == BPF_X)
		snprintf(src, sizeof(src), "%c%d", r, in->src_reg);
	else
		snprintf(src, sizeof(src), "%d", in->imm);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG)
			snprintf(buf, n, "%c%d = -%c%d", r, in->dst_reg, r,
				 in->dst_reg);
		else if (op == BPF_END)
			snprintf(buf, n, "r%d = %s%d r%d", in->dst_reg,
				 BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
				 in->imm, in->dst_reg);
		else
			snprintf(buf, n, "%c%d %s= %s", r, in->dst_reg,
				 op == BPF_MOV ? "" : alu_sym[op >> 4], src);
		break;
	case BPF_LDX:
		snprintf(buf, n, "r%d = *(%s *)(r%d %+d)", in->dst_reg, sz,
			 in->src_reg, in->off);
		break;
	case BPF_ST:
		snprintf(buf, n, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg,
			 in->off, in->imm);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) != BPF_ATOMIC)
			snprintf(buf, n, "*(%s *)(r%d %+d) = r%d", sz,
				 in->dst_reg, in->off, in->src_reg);
		else if (in->imm == BPF_CMPXCHG)
			snprintf(buf, n, "r0 = cmpxchg((%s *)(r%d %+d), r0, r%d)",
				 sz, in->dst_reg, in->off, in->src_reg);
		else if (in->imm & BPF_FETCH)
			snprintf(buf, n, "r%d = atomic_fetch_%s((%s *)(r%d %+d), r%d)",
				 in->src_reg, atomic_name(in->imm), sz,
				 in->dst_reg, in->off, in->src_reg);
		else
			snprintf(buf, n, "lock *(%s *)(r%d %+d) %s= r%d", sz,
				 in->dst_reg, in->off, alu_sym[in->imm >> 4],
				 in->src_reg);
		break;
	case BPF_LD:
		if (BPF_MODE(in->code) == BPF_ABS)
			snprintf(buf, n, "r0 = *(%s *)skb[%d]", sz, in->imm);
		else if (BPF_MODE(in->code) == BPF_IND)
			snprintf(buf, n, "r0 = *(%s *)skb[r%d + %d]", sz,
				 in->src_reg, in->imm);
		else if (in->src_reg == BPF_PSEUDO_MAP_FD)
			snprintf(buf, n, "r%d = map[fd %d]", in->dst_reg,
				 in->imm);
		else if (in->src_reg == BPF_PSEUDO_MAP_VALUE && i + 1 < env->len)
			snprintf(buf, n, "r%d = map[fd %d] value + %u",
				 in->dst_reg, in->imm, in[1].imm);
		else if (i + 1 < env->len)
			snprintf(buf, n, "r%d = %#llx ll", in->dst_reg,
				 (u64)(u32)in[1].imm << 32 | (u32)in->imm);
		else
			snprintf(buf, n, "r%d = ld_imm64", in->dst_reg);
		break;
	default:
		if (op == BPF_JA)
			snprintf(buf, n, "goto pc%+lld",
				 jump_target(in, i) - i - 1);
		else if (op == BPF_EXIT)
			snprintf(buf, n, "exit");
		else if (op == BPF_CALL)
			snprintf(buf, n, "call %s#%d", helper_name(in->imm),
				 in->imm);
		else
			snprintf(buf, n, "if %c%d %s %s goto pc%+d", r,
				 in->dst_reg, jmp_sym[op >> 4], src,
				 in->off);
	}
}

static void vlog_insn(struct env *env, u32 i)
{
	char buf[96];

	insn_str(env, i, buf, sizeof(buf));
	vlog(env, "%u: %s\n", i, buf);
}

/* A value set, leaving out what says nothing. */
static int vals_str(const struct vals *v, char *buf, size_t n)
{
	int len = 0;

	if (vals_is_const(v))
		return scnprintf(buf, n, "%lld", (s64)v->b.val);
	if (v->umin)
		len += scnprintf(buf + len, n - len, ",umin=%llu", v->umin);
	if (v->umax != U64_MAX)
		len += scnprintf(buf + len, n - len, ",umax=%llu", v->umax);
	if (v->smin != S64_MIN && v->smin != v->umin)
		len += scnprintf(buf + len, n - len, ",smin=%lld", v->smin);
	if (v->smax != S64_MAX && v->smax != v->umax)
		len += scnprintf(buf + len, n - len, ",smax=%lld", v->smax);
	if (v->umax > U32_MAX) {
		if (v->umin32)
			len += scnprintf(buf + len, n - len, ",umin32=%u",
					 v->umin32);
		if (v->umax32 != U32_MAX)
			len += scnprintf(buf + len, n - len, ",umax32=%u",
					 v->umax32);
		if (v->smin32 != S32_MIN)
			len += scnprintf(buf + len, n - len, ",smin32=%d",
					 v->smin32);
		if (v->smax32 != S32_MAX)
			len += scnprintf(buf + len, n - len, ",smax32=%d",
					 v->smax32);
	}
	if (~v->b.unk && bits_span(v->umin, v->umax).unk != v->b.unk)
		len += scnprintf(buf + len, n - len, ",bits=%#llx/%#llx",
				 v->b.val, v->b.unk);
	if (len)
		buf[0] = '(';
	else
		len = scnprintf(buf, n, "(any");
	len += scnprintf(buf + len, n - len, ")");
	return len;
}

static void reg_str(const struct reg *r, char *buf, size_t n)
{
	int len = scnprintf(buf, n, "%s", kind_names[r->kind]);

	switch (r->kind) {
	case K_NONE:
		return;
	case K_SCALAR:
		if (vals_is_const(&r->v)) {
			scnprintf(buf, n, "%lld", (s64)r->v.b.val);
			return;
		}
		break;
	case K_STACK:
		/* fp-8, or fp(...) for a variable offset */
		if (vals_is_const(&r->v)) {
			scnprintf(buf, n, "fp%+lld", (s64)r->v.b.val);
			return;
		}
		break;
	case K_MAP:
		scnprintf(buf + len, n - len, "(%s)", r->map->name);
		return;
	case K_VALUE:
	case K_VALUE_OR_NULL:
		len += scnprintf(buf + len, n - len, "(%s,vs=%u,id=%u)",
				 r->map->name, r->map->value_size, r->id);
		if (vals_is_zero(&r->v))
			return;
		len += scnprintf(buf + len, n - len, "+");
		break;
	case K_CTX:
		if (vals_is_zero(&r->v))
			return;
		len += scnprintf(buf + len, n - len, "+");
		break;
	}
	len += vals_str(&r->v, buf + len, n - len);
	if (r->id && r->kind == K_SCALAR)
		scnprintf(buf + len, n - len, "#%u", r->id);
}

static void vlog_reg(struct env *env, int i, const struct reg *r)
{
	char buf[192];

	reg_str(r, buf, sizeof(buf));
	vlog(env, " R%d=%s%s", i, buf, r->precise ? "!" : "");
}

/* The initialized registers and stack of @st. */
static void vlog_state(struct env *env, const struct state *st)
{
	static const char byte_chars[] = { '?', 'm', '0', 's' };
	char bytes[SLOT_SIZE + 1] = {};
	u32 i, j;

	for (i = 0; i < MAX_BPF_REG; i++)
		if (st->regs[i].kind != K_NONE)
			vlog_reg(env, i, &st->regs[i]);
	for (i = 0; i < st->nslots; i++) {
		const struct slot *s = &st->slots[i];

		if (!memchr_inv(s->bytes, B_INVALID, SLOT_SIZE))
			continue;
		if (s->bytes[0] == B_SPILL) {
			char buf[192];

			reg_str(&s->spill, buf, sizeof(buf));
			vlog(env, " fp%d=%s", -8 * (i + 1), buf);
			continue;
		}
		for (j = 0; j < SLOT_SIZE; j++)
			bytes[j] = byte_chars[s->bytes[j]];
		vlog(env, " fp%d=%s", -8 * (i + 1), bytes);
	}
	vlog(env, "\n");
}

/* ---- pass 1: shape -------------------------------------------------- */

static bool is_ldimm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool is_cond_jump(const struct bpf_insn *in)
{
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA &&
	       op != BPF_CALL && op != BPF_EXIT;
}

/* goto, gotol or a conditional jump */
static bool is_jump(const struct bpf_insn *in)
{
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

static bool is_helper_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL);
}

/* The map behind LD_IMM64's fd: one reference per program and map. */
static int use_map(struct env *env, u32 i)
{
	struct bpf_map *map;
	u32 j;

	map = ebpf_map_get(env->insns[i].imm);
	if (IS_ERR(map))
		return reject(env, PTR_ERR(map), "fd %d is not a map",
			      env->insns[i].imm);
	for (j = 0; j < env->nmaps; j++) {
		if (env->maps[j] == map) {
			map_put(map);
			env->info[i].map = j;
			return 0;
		}
	}
	if (env->nmaps == MAX_USED_MAPS) {
		map_put(map);
		return reject(env, -E2BIG, "more than %d maps",
			      MAX_USED_MAPS);
	}
	env->info[i].map = env->nmaps;
	env->maps[env->nmaps++] = map;
	return 0;
}

/*
 * A map value's address (global data): the value of a one-element
 * array, at the offset in the upper half. It is a map value pointer.
 */
static int use_map_value(struct env *env, u32 i)
{
	const struct bpf_map *map;
	u32 off = env->insns[i + 1].imm;
	u64 addr;
	int err;

	err = use_map(env, i);
	if (err)
		return err;
	map = env->maps[env->info[i].map];
	if (!map->ops->map_direct_value_addr)
		return reject(env, -EINVAL,
			      "map %s has no value to address directly",
			      map->name);
	err = map->ops->map_direct_value_addr(map, &addr, off);
	if (err)
		return reject(env, err,
			      "no value at offset %u of map %s (value_size %u, max_entries %u)",
			      off, map->name, map->value_size,
			      map->max_entries);
	return 0;
}

static int check_ldimm64(struct env *env, u32 i)
{
	const struct bpf_insn *in = &env->insns[i];

	if (i + 1 >= env->len || in[1].code || in[1].dst_reg ||
	    in[1].src_reg || in[1].off || in->off)
		return reject(env, -EINVAL, "malformed 64-bit immediate load");
	switch (in->src_reg) {
	case 0:
		return 0;
	case BPF_PSEUDO_MAP_FD:
		if (in[1].imm)
			return reject(env, -EINVAL,
				      "map reference with a nonzero upper half");
		return use_map(env, i);
	case BPF_PSEUDO_MAP_VALUE:
		return use_map_value(env, i);
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
	case BPF_PSEUDO_BTF_ID:
	case BPF_PSEUDO_FUNC:
		return reject(env, -EBPF_UNSUPPORTED,
			      "64-bit immediate kind %d is not supported",
			      in->src_reg);
	}
	return reject(env, -EINVAL, "unknown 64-bit immediate kind %d",
		      in->src_reg);
}

static int check_alu_shape(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code);
	int width = BPF_CLASS(in->code) == BPF_ALU64 ? 64 : 32;
	bool x = BPF_SRC(in->code) == BPF_X;

	if (op == BPF_END) {
		if (in->src_reg || in->off ||
		    (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return reject(env, -EINVAL,
				      "malformed byte swap (reserved fields)");
		return 0;
	}
	if (op == BPF_NEG) {
		if (in->src_reg || in->off || in->imm)
			return reject(env, -EINVAL,
				      "malformed negation (reserved fields)");
		return 0;
	}
	if (in->off || (x ? in->imm : in->src_reg))
		return reject(env, -EINVAL, "ALU instruction uses reserved fields");
	if (x)
		return 0;
	if ((op == BPF_DIV || op == BPF_MOD) && !in->imm)
		return reject(env, -EINVAL, "division by zero");
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (in->imm < 0 || in->imm >= width))
		return reject(env, -EINVAL, "shift by %d is out of range",
			      in->imm);
	return 0;
}

static int check_jmp_shape(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;

	switch (op) {
	case BPF_JA:
		/* goto has its offset in off, gotol (32-bit class) in imm */
		if (in->src_reg || in->dst_reg ||
		    (BPF_CLASS(in->code) == BPF_JMP ? in->imm : in->off))
			return reject(env, -EINVAL, "goto uses reserved fields");
		return 0;
	case BPF_EXIT:
		if (in->imm || in->src_reg || in->dst_reg || in->off)
			return reject(env, -EINVAL, "exit uses reserved fields");
		return 0;
	case BPF_CALL:
		if (in->src_reg || in->dst_reg || in->off)
			return reject(env, -EINVAL,
				      "call uses reserved fields");
		return 0;
	}
	if (x ? in->imm : in->src_reg)
		return reject(env, -EINVAL, "jump uses reserved fields");
	return 0;
}

/*
 * A known instruction code: checked for every instruction before
 * anything else, as upstream. 64-bit immediate loads are checked whole
 * here too, since their map references are taken now.
 */
static int check_opcode(struct env *env, u32 i)
{
	const struct bpf_insn *in = &env->insns[i];
	u8 op = BPF_OP(in->code), mode = BPF_MODE(in->code);
	u8 size = BPF_SIZE(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	bool known;

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		known = op < BPF_END || (op == BPF_END &&
					 BPF_CLASS(in->code) == BPF_ALU);
		known &= op != BPF_NEG || !x;
		break;
	case BPF_JMP:
	case BPF_JMP32:
		known = op <= BPF_JSLE;
		if (op == BPF_JA || op == BPF_CALL || op == BPF_EXIT)
			known &= !x;
		if (op == BPF_CALL || op == BPF_EXIT)
			known &= BPF_CLASS(in->code) == BPF_JMP;
		if (known && op == BPF_CALL &&
		    (in->src_reg == BPF_PSEUDO_CALL ||
		     in->src_reg == BPF_PSEUDO_KFUNC_CALL))
			return reject(env, -EBPF_UNSUPPORTED,
				      "%u: calls to %s are not supported", i,
				      in->src_reg == BPF_PSEUDO_CALL ?
				      "BPF functions" : "kernel functions");
		break;
	case BPF_LDX:
	case BPF_ST:
		known = mode == BPF_MEM;
		break;
	case BPF_STX:
		known = mode == BPF_MEM ||
			(mode == BPF_ATOMIC && (size == BPF_W || size == BPF_DW));
		break;
	default:
		if (mode == BPF_IMM && size == BPF_DW)
			return check_ldimm64(env, i);
		known = (mode == BPF_ABS || mode == BPF_IND) && size != BPF_DW;
	}
	if (!known)
		return reject(env, -EINVAL, "%u: unknown instruction code %#04x",
			      i, in->code);
	return 0;
}

/*
 * No reserved field set, registers that exist, operands that make
 * sense: checked, as upstream, when a path reaches the instruction.
 * Instructions no path reaches never run.
 */
static int check_fields(struct env *env, const struct bpf_insn *in)
{
	u8 mode = BPF_MODE(in->code);

	if (in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
		return reject(env, -EINVAL, "R%d is not a register",
			      in->dst_reg >= MAX_BPF_REG ? in->dst_reg :
			      in->src_reg);
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu_shape(env, in);
	case BPF_JMP:
	case BPF_JMP32:
		return check_jmp_shape(env, in);
	case BPF_LDX:
		if (in->imm)
			break;
		return 0;
	case BPF_ST:
		if (in->src_reg)
			break;
		return 0;
	case BPF_STX:
		if (mode == BPF_MEM)
			return in->imm ? reject(env, -EINVAL,
						"store uses reserved fields") : 0;
		switch (in->imm) {
		case BPF_ADD:
		case BPF_AND:
		case BPF_OR:
		case BPF_XOR:
		case BPF_ADD | BPF_FETCH:
		case BPF_AND | BPF_FETCH:
		case BPF_OR | BPF_FETCH:
		case BPF_XOR | BPF_FETCH:
		case BPF_XCHG:
		case BPF_CMPXCHG:
			return 0;
		}
		return reject(env, -EINVAL, "unknown atomic operation %#x",
			      in->imm);
	case BPF_LD:
		if (is_ldimm64(in))
			return 0;
		if (in->dst_reg || in->off ||
		    (mode == BPF_ABS && in->src_reg))
			return reject(env, -EINVAL,
				      "packet load uses reserved fields");
		if (!env->type->skb_loads)
			return reject(env, -EINVAL,
				      "packet loads are not allowed in %s programs",
				      env->type->name);
		return 0;
	}
	return reject(env, -EINVAL, "instruction uses reserved fields");
}

/* Where control may go after @i; returns how many places. */
static int successors(const struct env *env, u32 i, s64 next[2])
{
	const struct bpf_insn *in = &env->insns[i];
	u8 cls = BPF_CLASS(in->code);

	if (cls != BPF_JMP && cls != BPF_JMP32) {
		next[0] = i + (is_ldimm64(in) ? 2 : 1);
		return 1;
	}
	switch (BPF_OP(in->code)) {
	case BPF_EXIT:
		return 0;
	case BPF_CALL:
		next[0] = i + 1;
		return 1;
	case BPF_JA:
		next[0] = jump_target(in, i);
		return 1;
	}
	next[0] = i + 1;
	next[1] = jump_target(in, i);
	return 2;
}

/*
 * Depth-first over the control-flow graph: every jump lands on an
 * instruction, everything is reachable, and a loop (an edge back to an
 * instruction on the walk's stack) needs privilege.
 */
static int check_cfg(struct env *env)
{
	enum { FRESH, ACTIVE, FINISHED };
	u32 *stack, depth = 0, i;
	u8 *color;
	int err = 0, k, n;
	s64 next[2];

	color = kvcalloc(env->len, 1, GFP_KERNEL_ACCOUNT);
	stack = kvmalloc_array(env->len, sizeof(*stack), GFP_KERNEL_ACCOUNT);
	if (!color || !stack) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < env->len; i++)
		if (is_ldimm64(&env->insns[i]))
			color[++i] = FINISHED;	/* not a place to land */

	stack[depth++] = 0;
	color[0] = ACTIVE;
	while (depth) {
		i = stack[depth - 1];
		n = successors(env, i, next);
		for (k = 0; k < n; k++) {
			if (next[k] < 0 || next[k] >= env->len) {
				err = reject(env, -EINVAL,
					     "%u: jump out of the program to %lld",
					     i, next[k]);
				goto out;
			}
			/* second halves have code 0: this is a first half */
			if (next[k] > 0 &&
			    is_ldimm64(&env->insns[next[k] - 1])) {
				err = reject(env, -EINVAL,
					     "%u: jump into the middle of the 64-bit load at %lld",
					     i, next[k] - 1);
				goto out;
			}
			if (next[k] != i + 1 ||
			    is_cond_jump(&env->insns[i]))
				env->info[next[k]].flags |= I_PRUNE;
			/* a loop closes with a jump, never by running on */
			if (color[next[k]] == ACTIVE &&
			    (!env->loops_ok || !is_jump(&env->insns[i]))) {
				err = reject(env, -EINVAL,
					     "%u: back-edge to %lld%s", i, next[k],
					     env->loops_ok ? " by falling through" :
					     ": loops need CAP_BPF");
				goto out;
			}
			if (color[next[k]] == FRESH) {
				color[next[k]] = ACTIVE;
				stack[depth++] = next[k];
				break;
			}
		}
		if (k == n) {
			color[i] = FINISHED;
			depth--;
		}
	}
	for (i = 0; i < env->len; i++) {
		if (color[i] == FRESH) {
			err = reject(env, -EINVAL, "%u: unreachable instruction",
				     i);
			break;
		}
	}
out:
	kvfree(color);
	kvfree(stack);
	return err;
}

#define R(n)		BIT(BPF_REG_##n)
#define ARG_REGS	(R(1) | R(2) | R(3) | R(4) | R(5))
#define CALLER_SAVED	(R(0) | ARG_REGS)

/* The helper @id offers programs of this type, or NULL. */
static const struct bpf_func_proto *helper(const struct env *env, s32 id)
{
	if (id <= 0 || id >= __BPF_FUNC_MAX_ID)
		return NULL;
	return env->type->func_proto(id);
}

/* Registers @i reads and writes, for liveness. */
static void insn_regs(const struct env *env, u32 i, u16 *use, u16 *def)
{
	const struct bpf_insn *in = &env->insns[i];
	const struct bpf_func_proto *fn;
	u16 dst = BIT(in->dst_reg), src = BIT(in->src_reg);
	bool x = BPF_SRC(in->code) == BPF_X;
	int k;

	*use = 0;
	*def = 0;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		*def = dst;
		if (BPF_OP(in->code) == BPF_MOV)
			*use = x ? src : 0;
		else if (BPF_OP(in->code) == BPF_NEG ||
			 BPF_OP(in->code) == BPF_END)
			*use = dst;
		else
			*use = dst | (x ? src : 0);
		break;
	case BPF_LDX:
		*use = src;
		*def = dst;
		break;
	case BPF_ST:
		*use = dst;
		break;
	case BPF_STX:
		*use = dst | src;
		if (BPF_MODE(in->code) != BPF_ATOMIC)
			break;
		if (in->imm == BPF_CMPXCHG) {
			*use |= R(0);
			*def = R(0);
		} else if (in->imm & BPF_FETCH) {
			*def = src;
		}
		break;
	case BPF_LD:
		if (is_ldimm64(in)) {
			*def = dst;
			break;
		}
		*use = R(6) | (BPF_MODE(in->code) == BPF_IND ? src : 0);
		*def = CALLER_SAVED;
		break;
	default:
		switch (BPF_OP(in->code)) {
		case BPF_JA:
			break;
		case BPF_EXIT:
			*use = R(0);
			break;
		case BPF_CALL:
			*def = CALLER_SAVED;
			fn = helper(env, in->imm);
			if (!fn) {
				*use = ARG_REGS;
				break;
			}
			for (k = 0; k < 5 && fn->arg_type[k]; k++)
				*use |= BIT(BPF_REG_1 + k);
			break;
		default:
			*use = dst | (x ? src : 0);
		}
	}
	/* R10 is the same in every state */
	*use &= ~R(10);
}

/* Registers live before each instruction, to a fixed point. */
static void compute_liveness(struct env *env)
{
	bool changed = true;
	u16 use, def, out;
	s64 next[2];
	int k, n;
	u32 i;

	while (changed) {
		changed = false;
		for (i = env->len; i-- > 0;) {
			if (i > 0 && is_ldimm64(&env->insns[i - 1]))
				continue;
			n = successors(env, i, next);
			out = 0;
			for (k = 0; k < n; k++)
				out |= env->info[next[k]].live;
			insn_regs(env, i, &use, &def);
			use |= out & ~def;
			if (use != env->info[i].live) {
				env->info[i].live = use;
				changed = true;
			}
		}
	}
}

/* ---- pass 2: registers ---------------------------------------------- */

static struct reg *reg_at(struct env *env, u8 regno)
{
	return &env->cur->regs[regno];
}

static int check_read(struct env *env, u8 regno)
{
	if (reg_at(env, regno)->kind == K_NONE)
		return reject(env, -EACCES, "R%d is read before it is written",
			      regno);
	return 0;
}

static int check_write(struct env *env, u8 regno)
{
	if (regno == BPF_REG_FP)
		return reject(env, -EACCES,
			      "R10 (the frame pointer) is read-only");
	return 0;
}

/* Unprivileged programs may not learn kernel addresses. */
static int check_no_leak(struct env *env, u8 regno, const char *where)
{
	if (is_ptr(reg_at(env, regno)) && !env->leaks_ok)
		return reject(env, -EACCES, "R%d leaks a pointer %s", regno,
			      where);
	return 0;
}

static u32 new_id(struct env *env)
{
	return ++env->id_gen;
}

/*
 * The next copy of the value behind @id, spilled ones too, from *@pos
 * (registers first, then stack slots); NULL after the last.
 */
static struct reg *next_copy(struct state *st, u32 id, u32 *pos)
{
	struct reg *r;

	for (; *pos < MAX_BPF_REG + st->nslots; (*pos)++) {
		if (*pos < MAX_BPF_REG) {
			r = &st->regs[*pos];
		} else {
			r = &st->slots[*pos - MAX_BPF_REG].spill;
			if (st->slots[*pos - MAX_BPF_REG].bytes[0] != B_SPILL)
				continue;
		}
		if (r->id == id) {
			(*pos)++;
			return r;
		}
	}
	return NULL;
}

/* ---- pass 2: precision ------------------------------------------------
 *
 * A check that depends on a scalar's value (pointer arithmetic, a
 * helper's size, a jump decided by it) makes the scalar precise: the
 * path is walked back to the instructions that computed it, and the
 * registers and stack slots they computed it from are marked precise in
 * every checkpoint the path went through. Checkpoints compare the
 * values of precise scalars only.
 */

/* What @regs and @slots were computed from, before step @st. */
static void backtrack(const struct env *env, const struct step *st,
		      u16 *regs, u64 *slots)
{
	const struct bpf_insn *in = &env->insns[st->insn];
	u16 d = BIT(in->dst_reg), s = BIT(in->src_reg);
	u64 slot = st->slot >= 0 ? BIT_ULL(st->slot) : 0;
	bool x = BPF_SRC(in->code) == BPF_X;
	u8 op = BPF_OP(in->code);
	bool whole = BPF_SIZE(in->code) == BPF_DW;

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (!(*regs & d))
			break;
		if (op == BPF_MOV)
			*regs = (*regs & ~d) | (x ? s : 0);
		else if (x && op != BPF_END)
			*regs |= s;
		break;
	case BPF_LDX:
		if (!(*regs & d))
			break;
		*regs &= ~d;
		*slots |= slot;		/* a fill: from the slot */
		break;
	case BPF_ST:
		/* a whole slot of immediate: nothing before matters */
		if (whole)
			*slots &= ~slot;
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC) {
			u16 out = in->imm == BPF_CMPXCHG ? R(0) :
				  (in->imm & BPF_FETCH) ? s : 0;

			if (*regs & out) {
				*regs &= ~out;
				*slots |= slot;
			}
			if (*slots & slot)
				*regs |= s | (in->imm == BPF_CMPXCHG ? R(0) : 0);
			break;
		}
		if (!(*slots & slot))
			break;
		if (whole)
			*slots &= ~slot;
		*regs |= s;
		break;
	case BPF_LD:
		*regs &= is_ldimm64(in) ? ~d : ~CALLER_SAVED;
		break;
	default:
		if (op == BPF_CALL)
			*regs &= ~CALLER_SAVED;
		/* what a jump learnt of one operand came from the other */
		else if (is_cond_jump(in) && x &&
			 ((*regs & (d | s)) || (st->slot == STEP_LINKED && *regs)))
			*regs |= d | s;
	}
}

/* Mark what @regs and @slots hold now precise, back along the path. */
static void make_precise(struct env *env, u16 regs, u64 slots)
{
	struct state *st = env->cur;
	struct checkpoint *cp;
	u32 i;

	if (!env->precision)
		return;
	for (;;) {
		for (i = 0; i < MAX_BPF_REG; i++) {
			struct reg *r = &st->regs[i];

			if (!(regs & BIT(i)))
				continue;
			/* already precise here means already done above */
			if (r->kind != K_SCALAR || (r->precise && st != env->cur))
				regs &= ~BIT(i);
			r->precise = true;
		}
		for (i = 0; i < MAX_SLOTS; i++) {
			struct reg *r;

			if (!(slots & BIT_ULL(i)))
				continue;
			r = i < st->nslots ? &st->slots[i].spill : NULL;
			if (!r || st->slots[i].bytes[0] != B_SPILL ||
			    r->kind != K_SCALAR || (r->precise && st != env->cur))
				slots &= ~BIT_ULL(i);
			else
				r->precise = true;
		}
		for (i = st->trail_len; i-- > 0 && (regs || slots);)
			backtrack(env, &st->trail[i], &regs, &slots);
		cp = st->parent;
		if (!cp || !(regs || slots))
			return;
		st = &cp->st;
	}
}

/* ---- pass 2: the stack ---------------------------------------------- */

static int spill_size(const struct slot *s)
{
	int n = 0;

	while (n < SLOT_SIZE && s->bytes[n] == B_SPILL)
		n++;
	return n;
}

/* Forget the register spilled in @s; its bytes stay initialized. */
static void slot_unspill(struct slot *s)
{
	bool zero = reg_is_const(&s->spill, 0);
	int i;

	for (i = 0; i < SLOT_SIZE; i++)
		if (s->bytes[i] == B_SPILL)
			s->bytes[i] = zero ? B_ZERO : B_MISC;
}

static bool slot_has_ptr(const struct slot *s)
{
	return s->bytes[0] == B_SPILL && is_ptr(&s->spill);
}

static int stack_grow(struct env *env, s64 addr)
{
	u32 depth = round_up(-addr, SLOT_SIZE);

	env->stack_depth = max(env->stack_depth, depth);
	return state_grow(env->cur, depth / SLOT_SIZE);
}

/* Slot and byte of stack address @addr (negative, from R10). */
static struct slot *stack_byte(struct state *st, s64 addr, int *byte)
{
	u32 idx = (-addr - 1) / SLOT_SIZE;

	*byte = addr + SLOT_SIZE * (idx + 1);
	return idx < st->nslots ? &st->slots[idx] : NULL;
}

/*
 * A load that speculatively bypasses a store to the stack reads what the
 * store replaced. For an unprivileged program that must be neither a
 * pointer read as data, nor data read as the pointer just stored, nor
 * bytes never written (old kernel stack): such a store gets a barrier
 * after it, as upstream.
 */
static bool store_needs_fence(const struct slot *s, int b, int size,
			      const struct reg *val)
{
	int i;

	if (val && is_ptr(val))
		return true;
	for (i = b; i < b + size; i++)
		if (s->bytes[i] != B_MISC && s->bytes[i] != B_ZERO)
			return true;
	return false;
}

/*
 * Store @size bytes at the constant stack address @addr: the register
 * @val (a spill if it starts a slot and keeps all its bits), or data
 * that is zero or not.
 */
static int stack_write(struct env *env, s64 addr, int size,
		       const struct reg *val, bool zero)
{
	struct slot *s;
	int b, i, err;

	err = stack_grow(env, addr);
	if (err)
		return err;
	s = stack_byte(env->cur, addr, &b);
	if (!env->leaks_ok && store_needs_fence(s, b, size, val))
		env->info[env->insn].flags |= I_NOSPEC;
	if (s->bytes[0] == B_SPILL && !(b == 0 && size == SLOT_SIZE)) {
		/* unprivileged programs never break a whole register */
		if (!env->leaks_ok && spill_size(s) == SLOT_SIZE)
			return reject(env, -EACCES,
				      "partial overwrite of the register spilled at fp%lld",
				      addr - b);
		slot_unspill(s);
	}
	if (val && is_ptr(val) && size != SLOT_SIZE)
		return reject(env, -EACCES,
			      "a pointer must be stored with 8 bytes, not %d",
			      size);
	/*
	 * As upstream: pointers are always kept; scalars only for CAP_BPF
	 * and only if something is known of them. The rest is data.
	 */
	if (val && !is_ptr(val) && (!env->loops_ok || vals_is_any(&val->v)))
		val = NULL;
	if (val && !zero && b == 0 &&
	    (is_ptr(val) || size == SLOT_SIZE ||
	     val->v.umax < BIT_ULL(size * 8))) {
		if (s->bytes[0] == B_SPILL)
			slot_unspill(s);
		s->spill = *val;
		memset(s->bytes, B_SPILL, size);
		return 0;
	}
	for (i = b; i < b + size; i++)
		s->bytes[i] = zero ? B_ZERO : B_MISC;
	return 0;
}

/* Load @size bytes from the constant stack address @addr into @dst. */
static int stack_read(struct env *env, s64 addr, int size, struct reg *dst,
		      s32 *filled)
{
	bool zero = true;
	struct slot *s;
	int b, i;

	s = stack_byte(env->cur, addr, &b);
	if (s && s->bytes[0] == B_SPILL) {
		if (b == 0 && spill_size(s) == size) {
			*dst = s->spill;
			*filled = (-addr - 1) / SLOT_SIZE;
			return 0;
		}
		if (is_ptr(&s->spill))
			return reject(env, -EACCES,
				      "partial load of the pointer spilled at fp%lld",
				      addr - b);
	}
	for (i = b; i < b + size; i++) {
		u8 t = s ? s->bytes[i] : B_INVALID;

		if (t == B_SPILL)
			t = reg_is_const(&s->spill, 0) ? B_ZERO : B_MISC;
		if (t == B_INVALID && !env->leaks_ok)
			return reject(env, -EACCES,
				      "read of uninitialized stack at fp%lld",
				      addr - b + i);
		zero &= t == B_ZERO;
	}
	reg_scalar(dst, zero ? vals_const(0) : vals_of_size(size));
	return 0;
}

/* What a helper or a variable offset does to a range of stack bytes. */
enum range_use {
	RANGE_READ,		/* all must be initialized */
	RANGE_HELPER_READ,	/* and no pointer may leak through them */
	RANGE_WRITE,		/* every byte is written */
	RANGE_MAYBE_WRITE,	/* any byte may be written */
};

/* Bytes [lo, hi) of the stack, accessed as @use says. */
static int stack_range(struct env *env, s64 lo, s64 hi, enum range_use use)
{
	bool write = use == RANGE_WRITE || use == RANGE_MAYBE_WRITE;
	struct state *st = env->cur;
	struct slot *s;
	s64 a;
	int b;

	if (write) {
		int err = stack_grow(env, lo);

		if (err)
			return err;
	}
	for (a = lo; a < hi; a++) {
		s = stack_byte(st, a, &b);
		if (write) {
			if (s->bytes[b] == B_SPILL)
				slot_unspill(s);
			if (use == RANGE_WRITE || s->bytes[b] == B_ZERO)
				s->bytes[b] = B_MISC;
			continue;
		}
		/* privileged programs may read what was never written */
		if ((!s || s->bytes[b] == B_INVALID) && !env->leaks_ok)
			return reject(env, -EACCES,
				      "read of uninitialized stack at fp%lld",
				      a);
		if (!s)
			continue;
		if (use == RANGE_HELPER_READ && slot_has_ptr(s) &&
		    !env->leaks_ok)
			return reject(env, -EACCES,
				      "the pointer spilled at fp%lld would leak to a helper",
				      a - b);
	}
	return 0;
}

/* ---- pass 2: memory ------------------------------------------------- */

/* One load, store or atomic operation. */
struct mem_access {
	u8 regno;			/* the pointer */
	s16 off;
	int size;
	enum bpf_access_type type;
	bool atomic;
	bool imm;			/* BPF_ST: the value is an immediate */
	const struct reg *val;		/* the value stored */
	struct reg *dst;		/* where a load goes */
};

/* Are all the offsets of @r plus @off aligned to @size? */
static bool aligned(const struct reg *r, s16 off, int size)
{
	struct bits b = bits_add(r->v.b, bits_const((s64)off));

	return !((b.val | b.unk) & (size - 1));
}

/*
 * Bytes [lo, end) of the stack, for an access of @size bytes: starting
 * outside the stack is EACCES, reaching past its top EINVAL, as upstream.
 */
static int stack_bounds(struct env *env, u8 regno, s64 lo, s64 end,
			s64 size)
{
	if (lo < -MAX_BPF_STACK || lo >= 0)
		return reject(env, -EACCES,
			      "R%d: %lld bytes at fp%+lld: out of the stack",
			      regno, size, lo);
	if (end > 0)
		return reject(env, -EINVAL,
			      "R%d: %lld bytes at fp%+lld: past the top of the stack",
			      regno, size, lo);
	env->stack_depth = max_t(u32, env->stack_depth,
				 round_up(-lo, SLOT_SIZE));
	return 0;
}

static int stack_access(struct env *env, struct mem_access *m,
			const struct reg *base)
{
	s64 lo = base->v.smin + m->off, hi = base->v.smax + m->off;
	struct reg old;
	bool zero;
	int err;

	if (!aligned(base, m->off, m->size))
		return reject(env, -EACCES,
			      "misaligned stack access of %d bytes at fp%+lld",
			      m->size, lo);
	if (base->v.smax >= MAX_VAR_OFF)
		return reject(env, -EACCES,
			      "R%d: unbounded variable stack offset", m->regno);
	err = stack_bounds(env, m->regno, lo, hi + m->size, m->size);
	if (err)
		return err;
	if (lo != hi) {
		/* only privileged programs get here: see ptr_alu() */
		if (m->type == BPF_READ) {
			err = stack_range(env, lo, hi + m->size, RANGE_READ);
			reg_scalar(m->dst, vals_of_size(m->size));
			return err;
		}
		/* as upstream, a pointer stored so is only data from then on */
		return stack_range(env, lo, hi + m->size, RANGE_MAYBE_WRITE);
	}

	env->step_slot = (-lo - 1) / SLOT_SIZE;
	if (m->type == BPF_READ)
		return stack_read(env, lo, m->size, m->dst, &env->step_slot);
	if (m->atomic) {
		/* what a fetch gets back is what a load would */
		err = stack_read(env, lo, m->size, m->dst ?: &old,
				 &env->step_slot);
		if (err)
			return err;
		if (is_ptr(m->dst ?: &old) && !env->leaks_ok)
			return reject(env, -EACCES,
				      "atomic operation on the pointer spilled at fp%lld",
				      lo);
		return stack_write(env, lo, m->size, NULL, false);
	}
	zero = m->val && reg_is_const(m->val, 0);
	return stack_write(env, lo, m->size, m->val, zero);
}

/*
 * A frozen map that programs may only read, with no writable mapping,
 * never changes again (user space's .rodata): a load of @size bytes at
 * a known offset of its value is a constant, and the paths a constant
 * rules out are never explored. Returns false if the value is not.
 */
static bool value_constant(const struct bpf_map *map, s64 off, int size,
			   u64 *val)
{
	u64 addr;

	if (!(map->map_flags & BPF_F_RDONLY_PROG) || !READ_ONCE(map->frozen) ||
	    atomic64_read(&map->writecnt) || !map->ops->map_direct_value_addr ||
	    map->ops->map_direct_value_addr(map, &addr, off))
		return false;
	addr += off;
	switch (size) {
	case 1:
		*val = *(u8 *)(unsigned long)addr;
		return true;
	case 2:
		*val = *(u16 *)(unsigned long)addr;
		return true;
	case 4:
		*val = *(u32 *)(unsigned long)addr;
		return true;
	case 8:
		*val = *(u64 *)(unsigned long)addr;
		return true;
	}
	return false;
}

static int value_access(struct env *env, struct mem_access *m,
			const struct reg *base)
{
	u64 val;
	const struct bpf_map *map = base->map;
	s64 lo = base->v.smin + m->off;

	if ((m->type == BPF_WRITE || m->atomic) &&
	    (map->map_flags & BPF_F_RDONLY_PROG))
		return reject(env, -EACCES, "map %s is read-only to programs",
			      map->name);
	if ((m->type == BPF_READ || m->atomic) &&
	    (map->map_flags & BPF_F_WRONLY_PROG))
		return reject(env, -EACCES, "map %s is write-only to programs",
			      map->name);
	if (base->v.smin < 0 && !vals_is_const(&base->v))
		return reject(env, -EACCES,
			      "R%d's offset into the map value may be negative (min %lld): check it first",
			      m->regno, base->v.smin);
	if (base->v.umax >= MAX_VAR_OFF)
		return reject(env, -EACCES,
			      "R%d's offset into the map value is unbounded: check it first",
			      m->regno);
	if (lo < 0 || base->v.umax + m->off + m->size > map->value_size)
		return reject(env, -EACCES,
			      "access of %d bytes at offset %lld..%lld of a %u-byte map value",
			      m->size, lo, (s64)base->v.umax + m->off,
			      map->value_size);
	if (env->strict && !aligned(base, m->off, m->size))
		return reject(env, -EACCES,
			      "misaligned map value access of %d bytes (strict alignment)",
			      m->size);
	if (m->type == BPF_WRITE && m->val && is_ptr(m->val) && !env->leaks_ok)
		return reject(env, -EACCES, "a pointer would leak into a map");
	if (m->dst && m->type == BPF_READ && !m->atomic &&
	    vals_is_const(&base->v) && value_constant(map, lo, m->size, &val))
		reg_scalar(m->dst, vals_const(val));
	else if (m->dst)
		reg_scalar(m->dst, vals_of_size(m->size));
	return 0;
}

static int ctx_access(struct env *env, struct mem_access *m,
		      const struct reg *base)
{
	struct insn_info *info = &env->info[env->insn];
	u32 field;

	if (!vals_is_zero(&base->v))
		return reject(env, -EACCES,
			      "R%d is a moved context pointer: access the context at fixed offsets from its start",
			      m->regno);
	if (m->atomic || m->imm)
		return reject(env, -EACCES,
			      "%s to the context are not allowed",
			      m->atomic ? "atomic operations" :
			      "immediate stores");
	field = env->type->ctx_access(m->off, m->size, m->type);
	if (!field)
		return reject(env, -EACCES,
			      "%s of %d bytes at offset %d of the %s context is not allowed",
			      m->type == BPF_READ ? "read" : "write",
			      m->size, m->off, env->type->name);
	if (m->type == BPF_WRITE && is_ptr(m->val) && !env->leaks_ok)
		return reject(env, -EACCES,
			      "a pointer would leak into the context");
	info->flags |= I_CTX;
	info->ctx_field = field;
	if (m->dst)
		reg_scalar(m->dst, vals_of_size(m->size));
	return 0;
}

static int check_mem(struct env *env, struct mem_access *m)
{
	const struct reg *base = reg_at(env, m->regno);
	struct insn_info *info = &env->info[env->insn];
	int err;

	switch (base->kind) {
	case K_STACK:
		err = stack_access(env, m, base);
		break;
	case K_VALUE:
		err = value_access(env, m, base);
		break;
	case K_CTX:
		err = ctx_access(env, m, base);
		break;
	case K_VALUE_OR_NULL:
		return reject(env, -EACCES,
			      "R%d may be NULL: compare it with 0 before the access",
			      m->regno);
	case K_MAP:
		/* upstream reads struct bpf_map through BTF, which we lack */
		return reject(env, -EBPF_UNSUPPORTED,
			      "R%d: access to the map itself is not supported",
			      m->regno);
	default:
		return reject(env, -EACCES, "R%d is a %s, not a pointer to memory",
			      m->regno, kind_names[base->kind]);
	}
	if (err)
		return err;
	if (base->kind != K_CTX)
		info->flags |= I_OTHER_MEM;
	if ((info->flags & (I_CTX | I_OTHER_MEM)) == (I_CTX | I_OTHER_MEM))
		return reject(env, -EINVAL,
			      "this instruction accesses the context on one path and other memory on another");
	return 0;
}

static int do_load(struct env *env, const struct bpf_insn *in)
{
	struct reg val;
	struct mem_access m = {
		.regno = in->src_reg, .off = in->off,
		.size = bpf_size_to_bytes(BPF_SIZE(in->code)),
		.type = BPF_READ, .dst = &val,
	};
	int err;

	err = check_read(env, in->src_reg) ?: check_write(env, in->dst_reg) ?:
	      check_mem(env, &m);
	if (err)
		return err;
	*reg_at(env, in->dst_reg) = val;
	return 0;
}

static int do_store(struct env *env, const struct bpf_insn *in)
{
	int size = bpf_size_to_bytes(BPF_SIZE(in->code));
	struct reg imm;
	struct mem_access m = {
		.regno = in->dst_reg, .off = in->off, .size = size,
		.type = BPF_WRITE,
	};
	int err;

	err = check_read(env, in->dst_reg);
	if (err)
		return err;
	if (BPF_CLASS(in->code) == BPF_STX) {
		err = check_read(env, in->src_reg);
		if (err)
			return err;
		m.val = reg_at(env, in->src_reg);
	} else {
		/* the bytes stored are the immediate's low ones */
		reg_scalar(&imm, vals_const(size == 8 ? (s64)in->imm :
					    in->imm & GENMASK_ULL(size * 8 - 1, 0)));
		m.val = &imm;
		m.imm = true;
	}
	return check_mem(env, &m);
}

static int do_atomic(struct env *env, const struct bpf_insn *in)
{
	int size = bpf_size_to_bytes(BPF_SIZE(in->code));
	struct reg old;
	struct mem_access m = {
		.regno = in->dst_reg, .off = in->off, .size = size,
		.type = BPF_WRITE, .atomic = true, .dst = &old,
	};
	u8 out = in->imm == BPF_CMPXCHG ? BPF_REG_0 : in->src_reg;
	int err;

	err = check_read(env, in->dst_reg) ?: check_read(env, in->src_reg) ?:
	      check_no_leak(env, in->src_reg, "into memory");
	if (!err && in->imm == BPF_CMPXCHG)
		err = check_read(env, BPF_REG_0) ?:
		      check_no_leak(env, BPF_REG_0, "into memory");
	if (err)
		return err;
	if (reg_at(env, in->dst_reg)->kind == K_CTX)
		return reject(env, -EACCES,
			      "atomic operations on the context are not allowed");
	err = check_mem(env, &m);
	if (err)
		return err;
	/* fetching ones give back the old value */
	if (in->imm == BPF_CMPXCHG || (in->imm & BPF_FETCH)) {
		err = check_write(env, out);
		if (!err)
			*reg_at(env, out) = old;
	}
	return err;
}

/* ---- pass 2: arithmetic --------------------------------------------- */

static const char *ptr_name(const struct reg *r)
{
	return kind_names[r->kind];
}

/*
 * How far an unprivileged program's pointer may move at @in without
 * leaving its object, looking from the side the move goes to; as
 * upstream, the stack and map values are the only objects for that.
 */
static int move_limit(struct env *env, const struct reg *ptr, bool left,
		      s64 *limit)
{
	s64 max;

	switch (ptr->kind) {
	case K_STACK:
		max = MAX_BPF_STACK + left;
		*limit = -ptr->v.smin;
		break;
	case K_VALUE:
		max = ptr->map->value_size;
		*limit = left ? ptr->v.smin : (s64)ptr->v.umax;
		break;
	default:
		return reject(env, -EACCES,
			      "unprivileged programs may not move a %s pointer by a register",
			      ptr_name(ptr));
	}
	if (*limit >= max)
		return reject(env, -EACCES,
			      "the pointer would move beyond its object");
	return 0;
}

/*
 * An unprivileged ALU instruction must do the same kind of thing on every
 * path, because the rewrite gives it one form: pointer arithmetic gets
 * its offset masked (see rewrite_ptr_alu()), arithmetic on numbers does
 * not.
 */
static int alu_paths_agree(struct env *env, u8 kind, u32 span)
{
	struct insn_info *info = &env->info[env->insn];

	if (info->alu_kind && (info->alu_kind != kind ||
			       info->alu_span != span))
		return reject(env, -EACCES,
			      "R%d: pointer arithmetic differs between paths (other objects, offsets or scalars)",
			      env->insns[env->insn].dst_reg);
	info->alu_kind = kind;
	info->alu_span = span;
	return 0;
}

/*
 * Speculative execution may run an unprivileged program down the side
 * of a jump that the bounds of an offset rule out, with any offset. As
 * upstream, the rewrite then clamps the offset to the span it may have
 * on every architectural path, so that even then a pointer never leaves
 * its object. Here the span is found and must be the same on all paths.
 */
static int spectre_check(struct env *env, const struct bpf_insn *in,
			 const struct reg *ptr, const struct reg *off,
			 const struct reg *res)
{
	bool neg = off->v.smin < 0, sub = BPF_OP(in->code) == BPF_SUB;
	bool left = sub != neg;
	s64 before, after;
	u8 kind;
	int err;

	if (env->leaks_ok || BPF_SRC(in->code) == BPF_K ||
	    env->cur->speculative)
		return 0;
	err = move_limit(env, ptr, left, &before) ?:
	      move_limit(env, res, left, &after);
	if (err)
		return err;
	kind = ALU_PTR | (neg ? ALU_NEG : 0) |
	       (vals_is_const(&off->v) ? ALU_CONST : 0) |
	       (ptr == reg_at(env, in->dst_reg) ? ALU_PTR_DST : 0);
	return alu_paths_agree(env, kind, abs(before - after));
}

/*
 * Pointer plus or minus scalar: the offset is the sum. Offsets stay
 * within +-MAX_VAR_OFF so that no offset arithmetic can overflow, and
 * unprivileged programs may only build pointers that stay inside their
 * object, at offsets that do not depend on data.
 */
static int ptr_alu(struct env *env, const struct bpf_insn *in,
		   struct reg *d, const struct reg *s)
{
	u8 op = BPF_OP(in->code), dst = in->dst_reg;
	const struct reg *ptr = is_ptr(d) ? d : s;
	const struct reg *off = is_ptr(d) ? s : d;
	struct vals by;
	struct reg res;
	int err;

	if (BPF_CLASS(in->code) == BPF_ALU) {
		/* as upstream, a 32-bit subtraction is only a number */
		if (op == BPF_SUB && env->leaks_ok) {
			reg_unknown(d);
			return 0;
		}
		return reject(env, -EACCES,
			      "R%d: 32-bit arithmetic on a pointer", dst);
	}
	if (op != BPF_ADD && op != BPF_SUB)
		return reject(env, -EACCES,
			      "R%d: only + and - work on pointers, not %s",
			      dst, alu_sym[op >> 4]);
	if (is_ptr(d) && is_ptr(s)) {
		/* the distance between two pointers is a plain number */
		if (op == BPF_SUB && env->leaks_ok) {
			reg_unknown(d);
			return 0;
		}
		return reject(env, -EACCES, "R%d: %s two pointers",
			      dst, op == BPF_ADD ? "adding" : "subtracting");
	}
	if (!is_ptr(d) && op == BPF_SUB)
		return reject(env, -EACCES,
			      "R%d: subtracting a pointer from a scalar", dst);
	/* as upstream, for the JITs: add a negative offset instead */
	if (op == BPF_SUB && ptr->kind == K_STACK)
		return reject(env, -EACCES,
			      "R%d: subtraction from a stack pointer; add a negative offset",
			      dst);

	/* the offset's value decides what the pointer may reach */
	if (BPF_SRC(in->code) == BPF_X)
		make_precise(env, BIT(is_ptr(d) ? in->src_reg : dst), 0);
	/* see spectre_check() */
	if (!env->leaks_ok && BPF_SRC(in->code) == BPF_X &&
	    ptr->kind != K_STACK && ptr->kind != K_VALUE)
		return reject(env, -EACCES,
			      "unprivileged programs may not move a %s pointer by a register",
			      ptr_name(ptr));

	switch (ptr->kind) {
	case K_VALUE_OR_NULL:
		return reject(env, -EACCES,
			      "R%d: arithmetic on a pointer that may be NULL; compare it with 0 first",
			      dst);
	case K_MAP:
		if (op == BPF_ADD && reg_is_const(off, 0)) {
			*d = *ptr;
			return 0;
		}
		return reject(env, -EACCES, "R%d: arithmetic on a map pointer",
			      dst);
	}

	if (vals_is_const(&off->v)) {
		s64 c = off->v.b.val;

		if (c <= -MAX_VAR_OFF || c >= MAX_VAR_OFF)
			return reject(env, -EINVAL,
				      "R%d: offset %lld is too large for a %s pointer",
				      dst, c, ptr_name(ptr));
	} else if (off->v.smin == S64_MIN) {
		return reject(env, -EINVAL,
			      "R%d: adding a scalar with no lower bound to a %s pointer",
			      dst, ptr_name(ptr));
	} else if (off->v.smin <= -MAX_VAR_OFF || off->v.smin >= MAX_VAR_OFF) {
		return reject(env, -EINVAL,
			      "R%d: offset %lld is too large for a %s pointer",
			      dst, off->v.smin, ptr_name(ptr));
	} else if (!env->leaks_ok && off->v.smin < 0 && off->v.smax > 0) {
		return reject(env, -EACCES,
			      "R%d: the scalar added may be negative or positive",
			      dst);
	}

	res = *ptr;
	by = off->v;
	/*
	 * Under speculation the rewrite's clamp may make the offset 0 (see
	 * rewrite_ptr_alu()): what follows must be safe for that too.
	 */
	if (!env->leaks_ok && BPF_SRC(in->code) == BPF_X &&
	    !vals_is_const(&by)) {
		by = vals_any();
		by.smin = min_t(s64, off->v.smin, 0);
		by.smax = max_t(s64, off->v.smax, 0);
		vals_tighten(&by);
	}
	scalar_alu(&res.v, &by, op, 64);
	if (res.v.smin <= -MAX_VAR_OFF || res.v.smin >= MAX_VAR_OFF)
		return reject(env, -EINVAL,
			      "R%d: offset %lld is out of range for a %s pointer",
			      dst, res.v.smin, ptr_name(ptr));
	err = spectre_check(env, in, ptr, off, &res);
	if (err)
		return err;

	if (!env->leaks_ok && res.kind == K_STACK) {
		if (!vals_is_const(&res.v))
			return reject(env, -EACCES,
				      "R%d: unprivileged programs may not use variable stack offsets",
				      dst);
		if (res.v.smin >= 0 || res.v.smin < -MAX_BPF_STACK)
			return reject(env, -EACCES,
				      "R%d: stack pointer fp%+lld is outside the stack",
				      dst, res.v.smin);
	}
	if (!env->leaks_ok && res.kind == K_VALUE &&
	    (res.v.smin < 0 || res.v.umax >= res.map->value_size))
		return reject(env, -EACCES,
			      "R%d: map value pointer would leave the value",
			      dst);
	*d = res;
	return 0;
}

/* Byte swaps: to_le is a truncation here, to_be swaps. */
static void do_swap(struct reg *d, const struct bpf_insn *in)
{
	bool be = BPF_SRC(in->code) == BPF_TO_BE;
	int bits = in->imm;
	struct vals mask;
	u64 x;

	if (!vals_is_const(&d->v)) {
		mask = vals_const(GENMASK_ULL(bits - 1, 0));
		if (be)
			reg_scalar(d, vals_of_size(bits / 8));
		else if (bits != 64)
			scalar_alu(&d->v, &mask, BPF_AND, 64);
		return;
	}
	x = d->v.b.val;
	switch (bits) {
	case 16:
		x = be ? swab16(x) : (u16)x;
		break;
	case 32:
		x = be ? swab32(x) : (u32)x;
		break;
	default:
		x = be ? swab64(x) : x;
	}
	reg_scalar(d, vals_const(x));
}

static int do_alu(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code), dst = in->dst_reg;
	int width = BPF_CLASS(in->code) == BPF_ALU64 ? 64 : 32;
	bool x = BPF_SRC(in->code) == BPF_X && op != BPF_END;
	struct reg *d = reg_at(env, dst), imm;
	struct reg *s = &imm;
	int err;

	err = check_write(env, dst);
	if (!err && op != BPF_MOV)
		err = check_read(env, dst);
	if (!err && x)
		err = check_read(env, in->src_reg);
	if (err)
		return err;
	if (x)
		s = reg_at(env, in->src_reg);
	else
		reg_scalar(&imm, vals_const(width == 64 ? (s64)in->imm :
					    (u32)in->imm));

	if (op == BPF_MOV) {
		if (width == 32 && is_ptr(s)) {
			if (!env->leaks_ok)
				return reject(env, -EACCES,
					      "R%d: partial copy of a pointer",
					      dst);
			reg_scalar(d, vals_of_size(4));
		} else if (width == 32) {
			struct reg r = { .kind = K_SCALAR, .v = s->v };

			scalar_alu(&r.v, &s->v, BPF_MOV, 32);
			*d = r;
		} else {
			/* a copy: what is learnt about one holds for both */
			if (s->kind == K_SCALAR && !s->id &&
			    !vals_is_const(&s->v))
				s->id = new_id(env);
			*d = *s;
		}
		return 0;
	}

	if (op == BPF_NEG || op == BPF_END) {
		if (is_ptr(d)) {
			if (!env->leaks_ok)
				return reject(env, -EACCES,
					      "R%d: arithmetic on a pointer",
					      dst);
			reg_unknown(d);
			return 0;
		}
		if (op == BPF_END)
			do_swap(d, in);
		else
			scalar_alu(&d->v, &d->v, BPF_NEG, width);
		d->id = 0;
		d->precise = false;
		return 0;
	}

	if (is_ptr(d) || is_ptr(s))
		return ptr_alu(env, in, d, s);
	if (!env->leaks_ok && x && (op == BPF_ADD || op == BPF_SUB) &&
	    !env->cur->speculative) {
		err = alu_paths_agree(env, ALU_SCALAR, 0);
		if (err)
			return err;
	}
	scalar_alu(&d->v, &s->v, op, width);
	d->id = 0;
	d->precise = false;
	return 0;
}

/* ---- pass 2: conditional jumps -------------------------------------- */

/* Not a real opcode: the false side of BPF_JSET, (a & b) == 0. */
#define JNSET 0xf0

static u8 negate(u8 op)
{
	switch (op) {
	case BPF_JEQ:
		return BPF_JNE;
	case BPF_JNE:
		return BPF_JEQ;
	case BPF_JGT:
		return BPF_JLE;
	case BPF_JLE:
		return BPF_JGT;
	case BPF_JGE:
		return BPF_JLT;
	case BPF_JLT:
		return BPF_JGE;
	case BPF_JSGT:
		return BPF_JSLE;
	case BPF_JSLE:
		return BPF_JSGT;
	case BPF_JSGE:
		return BPF_JSLT;
	case BPF_JSLT:
		return BPF_JSGE;
	case BPF_JSET:
		return JNSET;
	}
	return BPF_JSET;
}

/* Narrow @v's @width-bit bounds to @r (and its bits to @b). */
static void vals_narrow(struct vals *v, struct bounds r, struct bits *b,
			int width)
{
	if (width == 32) {
		v->umin32 = max_t(u32, v->umin32, r.umin);
		v->umax32 = min_t(u32, v->umax32, r.umax);
		v->smin32 = max_t(s32, v->smin32, r.smin);
		v->smax32 = min_t(s32, v->smax32, r.smax);
	} else {
		v->umin = max(v->umin, r.umin);
		v->umax = min(v->umax, r.umax);
		v->smin = max(v->smin, r.smin);
		v->smax = min(v->smax, r.smax);
	}
	if (b)
		v->b = *b;
}

/* Value @c taken away from the ends of @r. */
static void range_exclude(struct bounds *r, u64 c, int width)
{
	s64 sc = width == 32 ? (s32)c : (s64)c;

	if (r->umin == c)
		r->umin++;
	if (r->umax == c)
		r->umax--;
	if (r->smin == sc)
		r->smin++;
	if (r->smax == sc)
		r->smax--;
}

/*
 * Learn from "a op b" being true, in @width bits: narrow both. False if
 * it cannot be true.
 */
static bool refine(struct vals *a, struct vals *b, u8 op, int width)
{
	struct bounds ra = vals_range(a, width), rb = vals_range(b, width);
	struct bits ba = bits_low(a->b, width), bb = bits_low(b->b, width);
	struct bits *nba = NULL, *nbb = NULL;
	struct bits high = { .unk = width == 32 ? GENMASK_ULL(63, 32) : 0 };
	struct bits meet;

	switch (op) {
	case BPF_JEQ:
		ra.umin = max(ra.umin, rb.umin);
		ra.umax = min(ra.umax, rb.umax);
		ra.smin = max(ra.smin, rb.smin);
		ra.smax = min(ra.smax, rb.smax);
		rb = ra;
		meet = ba;
		if (!bits_meet(&meet, bb))
			return false;
		/* the bits each had above width stay theirs */
		ba = a->b;
		bb = b->b;
		meet.unk |= high.unk;
		if (!bits_meet(&ba, meet) || !bits_meet(&bb, meet))
			return false;
		nba = &ba;
		nbb = &bb;
		break;
	case BPF_JNE:
		if (!bb.unk)
			range_exclude(&ra, bb.val, width);
		if (!ba.unk)
			range_exclude(&rb, ba.val, width);
		break;
	case BPF_JLT:		/* a < b */
	case BPF_JGT:		/* b < a */
		if (op == BPF_JGT)
			swap(ra, rb);
		if (!rb.umax || ra.umin == width_umax(width))
			return false;
		ra.umax = min(ra.umax, rb.umax - 1);
		rb.umin = max(rb.umin, ra.umin + 1);
		if (op == BPF_JGT)
			swap(ra, rb);
		break;
	case BPF_JLE:		/* a <= b */
	case BPF_JGE:		/* b <= a */
		if (op == BPF_JGE)
			swap(ra, rb);
		ra.umax = min(ra.umax, rb.umax);
		rb.umin = max(rb.umin, ra.umin);
		if (op == BPF_JGE)
			swap(ra, rb);
		break;
	case BPF_JSLT:
	case BPF_JSGT:
		if (op == BPF_JSGT)
			swap(ra, rb);
		if (rb.smax == range_any(width).smin ||
		    ra.smin == range_any(width).smax)
			return false;
		ra.smax = min(ra.smax, rb.smax - 1);
		rb.smin = max(rb.smin, ra.smin + 1);
		if (op == BPF_JSGT)
			swap(ra, rb);
		break;
	case BPF_JSLE:
	case BPF_JSGE:
		if (op == BPF_JSGE)
			swap(ra, rb);
		ra.smax = min(ra.smax, rb.smax);
		rb.smin = max(rb.smin, ra.smin);
		if (op == BPF_JSGE)
			swap(ra, rb);
		break;
	case BPF_JSET:
		/* some bit both may have is set in both */
		if (!(bits_max(ba) & bits_max(bb)))
			return false;
		if (!bb.unk && is_power_of_2(bb.val)) {
			ba = a->b;
			ba.val |= bb.val;
			ba.unk &= ~bb.val;
			nba = &ba;
		}
		break;
	case JNSET:
		/* no bit is set in both: a constant's ones are zeroes in the other */
		if (ba.val & bb.val)
			return false;
		meet = ba;
		if (!bb.unk) {
			ba = a->b;
			ba.unk &= ~bb.val;
			nba = &ba;
		}
		if (!meet.unk) {
			bb = b->b;
			bb.unk &= ~meet.val;
			nbb = &bb;
		}
		break;
	}
	vals_narrow(a, ra, nba, width);
	vals_narrow(b, rb, nbb, width);
	return vals_tighten(a) && vals_tighten(b);
}

/* Both at once; false if no value is in both. */
static bool vals_meet(struct vals *v, const struct vals *w)
{
	v->umin = max(v->umin, w->umin);
	v->umax = min(v->umax, w->umax);
	v->smin = max(v->smin, w->smin);
	v->smax = min(v->smax, w->smax);
	v->umin32 = max(v->umin32, w->umin32);
	v->umax32 = min(v->umax32, w->umax32);
	v->smin32 = max(v->smin32, w->smin32);
	v->smax32 = min(v->smax32, w->smax32);
	return bits_meet(&v->b, w->b) && vals_tighten(v);
}

/* What a jump taught about register @regno, given to all its copies. */
static bool settle(struct state *st, u8 regno, const struct vals *v)
{
	struct reg *r = &st->regs[regno], *c;
	u32 id = r->id, pos = 0;
	bool ok = true;

	if (!id) {
		r->v = *v;
		return true;
	}
	while ((c = next_copy(st, id, &pos)))
		ok &= vals_meet(&c->v, v);
	return ok;
}

/* Queue the path that continues at @target from a copy of this state. */
static struct state *fork_path(struct env *env, u32 target)
{
	struct state *st;

	if (env->npending == MAX_PENDING) {
		reject(env, -E2BIG, "more than %d branches wait to be explored",
		       MAX_PENDING);
		return ERR_PTR(-E2BIG);
	}
	st = state_copy(env->cur);
	if (!st)
		return ERR_PTR(-ENOMEM);
	if (st->parent)
		st->parent->live++;
	env->pending[env->npending++] = (struct pending){ st, target };
	return st;
}

/*
 * The side of a jump the state proves impossible may still run under
 * speculative execution. As upstream, unprivileged programs must be safe
 * on it too: explore it with what was known before the jump.
 */
static int speculate(struct env *env, u32 insn)
{
	struct state *st;

	if (env->leaks_ok)
		return 0;
	st = fork_path(env, insn);
	if (IS_ERR(st))
		return PTR_ERR(st);
	st->speculative = true;
	return 0;
}

/* After a NULL check of the lookup result @id: NULL or a value. */
static void null_checked(struct state *st, u32 id, bool null)
{
	struct reg *r;
	u32 pos = 0;

	while ((r = next_copy(st, id, &pos))) {
		if (r->kind != K_VALUE_OR_NULL)
			continue;
		if (null)
			reg_scalar(r, vals_const(0));
		else
			r->kind = K_VALUE;
	}
}

static int ptr_branch(struct env *env, const struct bpf_insn *in,
		      struct reg *a, const struct reg *b)
{
	u8 op = BPF_OP(in->code);
	bool eq = op == BPF_JEQ || op == BPF_JNE;
	bool k = BPF_SRC(in->code) == BPF_K && BPF_CLASS(in->code) == BPF_JMP;
	u32 target = env->insn + in->off + 1;
	struct state *other;
	int err;

	if (is_ptr(b) && !env->leaks_ok)
		return reject(env, -EACCES,
			      "R%d: unprivileged programs may not compare pointers",
			      in->src_reg);
	/* a map value pointer is never NULL */
	if (k && eq && !in->imm && a->kind == K_VALUE) {
		err = speculate(env, op == BPF_JNE ? env->insn + 1 : target);
		env->insn = op == BPF_JNE ? target : env->insn + 1;
		return err;
	}
	/* checking a lookup result: NULL on one side, a value on the other */
	if (k && eq && !in->imm && a->kind == K_VALUE_OR_NULL) {
		u32 id = a->id;

		other = fork_path(env, target);
		if (IS_ERR(other))
			return PTR_ERR(other);
		null_checked(other, id, op == BPF_JEQ);
		null_checked(env->cur, id, op != BPF_JEQ);
		env->insn++;
		return 0;
	}
	if (!env->leaks_ok)
		return reject(env, -EACCES,
			      "R%d: unprivileged programs may not compare pointers",
			      in->dst_reg);
	/* nothing to learn: both ways */
	other = fork_path(env, target);
	if (IS_ERR(other))
		return PTR_ERR(other);
	env->insn++;
	return 0;
}

static int do_branch(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code);
	int width = BPF_CLASS(in->code) == BPF_JMP32 ? 32 : 64;
	bool x = BPF_SRC(in->code) == BPF_X;
	u32 target = env->insn + in->off + 1;
	struct vals ta, tb, fa, fb;
	struct reg *a, *b, imm;
	struct state *other;
	bool t_ok, f_ok;
	int err;

	err = check_read(env, in->dst_reg) ?:
	      (x ? check_read(env, in->src_reg) : 0);
	if (err)
		return err;
	a = reg_at(env, in->dst_reg);
	b = &imm;
	if (x)
		b = reg_at(env, in->src_reg);
	else
		reg_scalar(&imm, vals_const(width == 64 ? (s64)in->imm :
					    (u32)in->imm));
	if (is_ptr(a) || is_ptr(b))
		return ptr_branch(env, in, a, b);

	ta = a->v;
	tb = b->v;
	fa = a->v;
	fb = b->v;
	t_ok = refine(&ta, &tb, op, width);
	f_ok = refine(&fa, &fb, negate(op), width);
	/* a side ruled out by the values: they matter */
	if (!t_ok || !f_ok)
		make_precise(env, BIT(in->dst_reg) | (x ? BIT(in->src_reg) : 0),
			     0);
	/* copies learn from the jump too: see backtrack() */
	if (a->id || (x && b->id))
		env->step_slot = STEP_LINKED;

	if (t_ok && f_ok) {
		other = fork_path(env, target);
		if (IS_ERR(other))
			return PTR_ERR(other);
		t_ok = settle(other, in->dst_reg, &ta) &&
		       (!x || settle(other, in->src_reg, &tb));
		if (!t_ok) {
			/* learnt only now, from the copies: drop it */
			env->npending--;
			if (other->parent)
				other->parent->live--;
			state_free(other);
		}
	} else if (t_ok) {
		err = speculate(env, env->insn + 1);
		if (err)
			return err;
		t_ok = settle(env->cur, in->dst_reg, &ta) &&
		       (!x || settle(env->cur, in->src_reg, &tb));
		env->insn = target;
		return t_ok ? 0 : 1;
	} else if (f_ok) {
		err = speculate(env, target);
		if (err)
			return err;
	}
	f_ok = f_ok && settle(env->cur, in->dst_reg, &fa) &&
	       (!x || settle(env->cur, in->src_reg, &fb));
	env->insn++;
	return f_ok ? 0 : 1;
}

/* ---- pass 2: helper calls ------------------------------------------- */

struct call_meta {
	struct bpf_map *map;
};

/*
 * The memory a helper reads or writes through R@regno: @min..@max bytes
 * (the size argument's bounds, @max for a fixed size).
 */
static int helper_mem(struct env *env, u8 regno, u64 min, u64 max,
		      bool write)
{
	const struct reg *r = reg_at(env, regno);
	s64 lo = r->v.smin, hi = r->v.smax;
	int err;

	switch (r->kind) {
	case K_STACK:
		if (lo != hi && !env->leaks_ok)
			return reject(env, -EACCES,
				      "R%d: unprivileged programs may not use variable stack offsets",
				      regno);
		if (hi >= MAX_VAR_OFF)
			return reject(env, -EACCES,
				      "R%d: unbounded variable stack offset",
				      regno);
		err = stack_bounds(env, regno, lo, hi + max, max);
		if (err)
			return err;
		/* a helper may fill less than a variable size: read it */
		if (!write || min != max)
			return stack_range(env, lo, hi + max,
					   RANGE_HELPER_READ);
		if (lo == hi)
			return stack_range(env, lo, lo + max, RANGE_WRITE);
		return stack_range(env, lo, hi + max, RANGE_MAYBE_WRITE);
	case K_VALUE:
		return value_access(env, &(struct mem_access){
			.regno = regno, .size = 0,
			.type = write ? BPF_WRITE : BPF_READ,
		}, r) ?: (r->v.umax + max > r->map->value_size ?
			  reject(env, -EACCES,
				 "R%d: %llu bytes at offset %llu do not fit in a %u-byte map value",
				 regno, max, r->v.umax, r->map->value_size) : 0);
	case K_VALUE_OR_NULL:
		return reject(env, -EACCES,
			      "R%d may be NULL: compare it with 0 before passing it",
			      regno);
	}
	return reject(env, -EACCES,
		      "R%d is a %s: the helper needs a pointer to the stack or a map value",
		      regno, kind_names[r->kind]);
}

/* A size argument: bounded, not negative, not zero unless allowed. */
static int helper_size(struct env *env, u8 regno, bool zero_ok,
		       u64 *min, u64 *max)
{
	const struct reg *r = reg_at(env, regno);
	int err = check_read(env, regno);

	if (err)
		return err;
	if (r->kind != K_SCALAR)
		return reject(env, -EACCES, "R%d: a size must be a scalar",
			      regno);
	if (r->v.smin < 0)
		return reject(env, -EACCES,
			      "R%d: the size may be negative (min %lld); bound it first",
			      regno, r->v.smin);
	if (r->v.umax >= MAX_VAR_OFF)
		return reject(env, -EACCES,
			      "R%d: the size is unbounded; bound it first", regno);
	if (!r->v.umin && !zero_ok)
		return reject(env, -EACCES, "R%d: the size may be zero",
			      regno);
	make_precise(env, BIT(regno), 0);
	*min = r->v.umin;
	*max = r->v.umax;
	return 0;
}

static int helper_arg(struct env *env, const struct bpf_func_proto *fn,
		      int k, struct call_meta *meta)
{
	u32 arg = fn->arg_type[k];
	u8 regno = BPF_REG_1 + k;
	const struct reg *r = reg_at(env, regno);
	u64 min, max;
	int err;

	err = check_read(env, regno);
	if (err)
		return err;
	switch (KIND_OF(arg)) {
	case ARG_ANYTHING:
		return check_no_leak(env, regno, "to a helper");
	case ARG_CONST_MAP_PTR:
		if (r->kind != K_MAP)
			return reject(env, -EACCES,
				      "R%d must be a map (LD_IMM64 of a map fd), not a %s",
				      regno, kind_names[r->kind]);
		meta->map = r->map;
		return 0;
	case ARG_PTR_TO_MAP_KEY:
		return helper_mem(env, regno, meta->map->key_size,
				  meta->map->key_size, false);
	case ARG_PTR_TO_MAP_VALUE:
		return helper_mem(env, regno, meta->map->value_size,
				  meta->map->value_size, false);
	case ARG_PTR_TO_CTX:
		if (r->kind != K_CTX || !vals_is_zero(&r->v))
			return reject(env, -EACCES,
				      "R%d must be the context, unmoved", regno);
		return 0;
	case ARG_PTR_TO_MEM:
		/* the next argument is its size */
		err = helper_size(env, regno + 1,
				  fn->arg_type[k + 1] == ARG_CONST_SIZE_OR_ZERO,
				  &min, &max);
		if (err)
			return err;
		/* even for no bytes the pointer must be one to memory */
		if (!max && (arg & PTR_MAYBE_NULL) && reg_is_const(r, 0))
			return 0;
		return helper_mem(env, regno, min, max, arg & MEM_UNINIT);
	case ARG_CONST_SIZE:
	case ARG_CONST_SIZE_OR_ZERO:
		return 0;
	}
	return reject(env, -EBPF_UNSUPPORTED, "helper argument kind %u", arg);
}

static int do_call(struct env *env, const struct bpf_insn *in)
{
	const struct bpf_func_proto *fn = helper(env, in->imm);
	struct call_meta meta = {};
	const u8 *up;
	int k, err;

	if (!fn) {
		if (in->imm <= 0 || in->imm >= __BPF_FUNC_MAX_ID)
			return reject(env, -EINVAL, "there is no helper %d",
				      in->imm);
		for (up = env->type->upstream_helpers; up && *up; up++)
			if (*up == in->imm)
				return reject(env, -EBPF_UNSUPPORTED,
					      "helper %s#%d is not supported by this kernel",
					      helper_name(in->imm), in->imm);
		return reject(env, -EINVAL,
			      "helper %s#%d is not available to %s programs",
			      helper_name(in->imm), in->imm, env->type->name);
	}
	if (fn->gpl_only && !env->prog->gpl_compatible)
		return reject(env, -EINVAL,
			      "helper %s#%d needs a GPL-compatible license",
			      helper_name(in->imm), in->imm);

	for (k = 0; k < 5 && fn->arg_type[k] != ARG_DONTCARE; k++) {
		err = helper_arg(env, fn, k, &meta);
		if (err)
			return err;
	}
	if (meta.map && in->imm == BPF_FUNC_tail_call && !env->leaks_ok) {
		struct insn_info *info = &env->info[env->insn];

		/* its index check below must know the one array */
		if (info->array && info->array != meta.map)
			return reject(env, -EINVAL,
				      "tail call with other program arrays on other paths");
		info->array = meta.map;
	}
	if (meta.map) {
		bool prog_array = meta.map->map_type == BPF_MAP_TYPE_PROG_ARRAY;
		bool tail_call = in->imm == BPF_FUNC_tail_call;

		if (prog_array != tail_call)
			return reject(env, -EINVAL,
				      "map %s (type %u) cannot be used with %s",
				      meta.map->name, meta.map->map_type,
				      helper_name(in->imm));
	}
	if (in->imm == BPF_FUNC_get_prandom_u32)
		bpf_user_rnd_init_once();

	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		env->cur->regs[k] = (struct reg){};
	switch (KIND_OF(fn->ret_type)) {
	case RET_INTEGER:
		reg_unknown(reg_at(env, BPF_REG_0));
		break;
	case RET_VOID:
		*reg_at(env, BPF_REG_0) = (struct reg){};
		break;
	case RET_PTR_TO_MAP_VALUE:
		reg_pointer(reg_at(env, BPF_REG_0), K_VALUE_OR_NULL, meta.map);
		reg_at(env, BPF_REG_0)->id = new_id(env);
		break;
	default:
		return reject(env, -EBPF_UNSUPPORTED, "helper return kind %u",
			      fn->ret_type);
	}
	return 0;
}

/* ---- pass 2: the rest of the instructions --------------------------- */

static int do_ld(struct env *env, const struct bpf_insn *in)
{
	struct reg *d = reg_at(env, in->dst_reg);
	const struct reg *ctx = reg_at(env, BPF_REG_6);
	int k, err;

	if (is_ldimm64(in)) {
		err = check_write(env, in->dst_reg);
		if (err)
			return err;
		if (in->src_reg == BPF_PSEUDO_MAP_FD) {
			reg_pointer(d, K_MAP,
				    env->maps[env->info[env->insn].map]);
		} else if (in->src_reg == BPF_PSEUDO_MAP_VALUE) {
			reg_pointer(d, K_VALUE,
				    env->maps[env->info[env->insn].map]);
			d->v = vals_const((u32)in[1].imm);
		} else {
			reg_scalar(d, vals_const((u64)(u32)in[1].imm << 32 |
						 (u32)in->imm));
		}
		env->insn += 2;
		return 0;
	}

	/* packet loads: the skb is R6, R1-R5 are clobbered, R0 the value */
	err = check_read(env, BPF_REG_6);
	if (err)
		return err;
	if (ctx->kind != K_CTX)
		return reject(env, -EINVAL,
			      "packet loads need the context in R6, not a %s",
			      kind_names[ctx->kind]);
	if (!vals_is_zero(&ctx->v))
		return reject(env, -EACCES,
			      "packet loads need the context in R6 unmoved");
	if (BPF_MODE(in->code) == BPF_IND) {
		err = check_read(env, in->src_reg);
		if (err)
			return err;
	}
	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		env->cur->regs[k] = (struct reg){};
	reg_scalar(reg_at(env, BPF_REG_0),
		   vals_of_size(bpf_size_to_bytes(BPF_SIZE(in->code))));
	env->insn++;
	return 0;
}

static int do_exit_insn(struct env *env)
{
	if (reg_at(env, BPF_REG_0)->kind == K_NONE)
		return reject(env, -EACCES, "R0 is not set at exit");
	return check_no_leak(env, BPF_REG_0, "as the return value") ?: 1;
}

/*
 * Execute instruction env->insn on env->cur: 0 and env->insn set to the
 * next one, 1 if the path ends here, or an error.
 */
static int step(struct env *env)
{
	const struct bpf_insn *in = &env->insns[env->insn];
	int err;

	err = check_fields(env, in);
	if (err)
		return err;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		err = do_alu(env, in);
		break;
	case BPF_LDX:
		err = do_load(env, in);
		break;
	case BPF_ST:
		err = do_store(env, in);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			err = do_atomic(env, in);
		else
			err = do_store(env, in);
		break;
	case BPF_LD:
		return do_ld(env, in);
	default:
		switch (BPF_OP(in->code)) {
		case BPF_EXIT:
			return do_exit_insn(env);
		case BPF_JA:
			env->insn = jump_target(in, env->insn);
			return 0;
		case BPF_CALL:
			err = do_call(env, in);
			break;
		default:
			return do_branch(env, in);
		}
	}
	if (!err)
		env->insn++;
	return err;
}

/* ---- pass 2: checkpoints -------------------------------------------- */

/* Which ids of an old state correspond to which ids of the current one. */
struct idmap {
	u32 n;
	struct {
		u32 old, cur;
	} pair[MAX_BPF_REG + MAX_SLOTS];
};

/* Ids must correspond one to one: links the old state relied on hold. */
static bool ids_match(struct idmap *m, u32 old, u32 cur)
{
	u32 i;

	if (!old)
		return true;
	if (!cur)
		return false;
	for (i = 0; i < m->n; i++) {
		if (m->pair[i].old == old)
			return m->pair[i].cur == cur;
		if (m->pair[i].cur == cur)
			return false;
	}
	if (m->n == ARRAY_SIZE(m->pair))
		return false;
	m->pair[m->n].old = old;
	m->pair[m->n++].cur = cur;
	return true;
}

/*
 * Does old include cur: is every continuation that was safe from @old
 * safe from @cur too? With @exact, are they the same?
 */
static bool reg_covers(const struct env *env, const struct reg *old,
		       const struct reg *cur, struct idmap *ids, bool exact)
{
	if (old->kind == K_NONE && !exact)
		return true;	/* the old paths never read it */
	if (old->kind != cur->kind)
		return false;
	switch (old->kind) {
	case K_NONE:
		return true;
	case K_SCALAR:
		if (!ids_match(ids, old->id, cur->id))
			return false;
		if (exact)
			return !memcmp(&old->v, &cur->v, sizeof(old->v));
		/* no check after the checkpoint depended on its value */
		if (!old->precise && env->precision)
			return true;
		return vals_in(&cur->v, &old->v);
	case K_MAP:
		return old->map == cur->map;
	case K_VALUE_OR_NULL:
		if (!ids_match(ids, old->id, cur->id))
			return false;
		fallthrough;
	case K_VALUE:
		if (old->map != cur->map)
			return false;
		fallthrough;
	default:
		if (exact)
			return !memcmp(&old->v, &cur->v, sizeof(old->v));
		return vals_in(&cur->v, &old->v);
	}
}

static u8 byte_at(const struct state *st, u32 slot, int b)
{
	return slot < st->nslots ? st->slots[slot].bytes[b] : B_INVALID;
}

static bool stack_covers(const struct env *env, const struct state *old,
			 const struct state *cur, struct idmap *ids, bool exact)
{
	u32 i, n = max(old->nslots, cur->nslots);
	int b;

	for (i = 0; i < n; i++) {
		const struct slot *o = i < old->nslots ? &old->slots[i] : NULL;
		const struct slot *c = i < cur->nslots ? &cur->slots[i] : NULL;

		if (exact && !o && c && memchr_inv(c->bytes, B_INVALID,
						   SLOT_SIZE))
			return false;
		if (!o)
			continue;
		if (o->bytes[0] == B_SPILL) {
			if (!c || spill_size(c) != spill_size(o) ||
			    !reg_covers(env, &o->spill, &c->spill, ids, exact))
				return false;
		}
		for (b = 0; b < SLOT_SIZE; b++) {
			u8 ob = o->bytes[b], cb = byte_at(cur, i, b);

			if (ob == cb || (ob == B_INVALID && !exact))
				continue;
			/* privileged programs read unwritten stack as data */
			if (ob == B_MISC && !exact && env->leaks_ok)
				continue;
			if (exact || ob == B_ZERO || ob == B_SPILL)
				return false;
			/* old: some data; cur: zero, data or a spilled scalar */
			if (cb == B_INVALID || (cb == B_SPILL && slot_has_ptr(c)))
				return false;
		}
	}
	return true;
}

static bool state_covers(struct env *env, const struct state *old,
			 const struct state *cur, u32 insn, bool exact)
{
	u16 live = env->info[insn].live;
	struct idmap ids;
	int i;

	/* what holds under speculation need not hold for real paths */
	if (old->speculative && !cur->speculative)
		return false;
	ids.n = 0;
	for (i = 0; i < MAX_BPF_REG; i++)
		if ((live & BIT(i)) &&
		    !reg_covers(env, &old->regs[i], &cur->regs[i], &ids, exact))
			return false;
	return stack_covers(env, old, cur, &ids, exact);
}

static void checkpoint_free(struct env *env, struct checkpoint *cp)
{
	env->cp_bytes -= sizeof(*cp) + slots_size(cp->st.nslots);
	env->checkpoints--;
	hlist_del_init(&cp->node);
	kvfree(cp->st.slots);
	kvfree(cp->st.trail);
	kfree(cp);
}

/* The current state becomes a checkpoint at @insn, taking its trail. */
static int add_checkpoint(struct env *env, u32 insn)
{
	struct state *cur = env->cur;
	struct checkpoint *cp;

	cp = kzalloc(sizeof(*cp), GFP_KERNEL_ACCOUNT);
	if (!cp)
		return -ENOMEM;
	cp->st = *cur;
	if (cur->nslots) {
		cp->st.slots = memdup_kv(cur->slots, slots_size(cur->nslots));
		if (!cp->st.slots) {
			kfree(cp);
			return -ENOMEM;
		}
	}
	cp->insn = insn;
	cp->live = 1;
	cp->parent = cur->parent;
	cur->parent = cp;
	cur->trail = NULL;
	cur->trail_len = 0;
	cur->trail_cap = 0;
	hlist_add_head(&cp->node, &env->open[insn]);
	env->cp_bytes += sizeof(*cp) + slots_size(cp->st.nslots);
	env->checkpoints++;
	env->peak_checkpoints = max(env->peak_checkpoints, env->checkpoints);
	return 0;
}

/* A path ended: its checkpoints may now be proven safe. */
static void path_done(struct env *env, struct state *st)
{
	struct checkpoint *cp = st->parent;

	struct checkpoint *parent;

	while (cp && !--cp->live) {
		parent = cp->parent;
		if (cp->parked) {
			checkpoint_free(env, cp);
		} else {
			hlist_del(&cp->node);
			hlist_add_head(&cp->node, &env->done[cp->insn]);
			kvfree(cp->st.trail);
			cp->st.trail = NULL;
			cp->st.trail_len = 0;
		}
		cp = parent;
	}
	state_free(st);
}

/*
 * This path is as safe as @old's because @old's precise values hold
 * here too: the checkpoints before it must keep them precise as well.
 */
static void keep_precise(struct env *env, const struct state *old, u32 insn)
{
	u16 live = env->info[insn].live, regs = 0;
	u64 slots = 0;
	u32 i;

	for (i = 0; i < MAX_BPF_REG; i++)
		if ((live & BIT(i)) && old->regs[i].kind == K_SCALAR &&
		    old->regs[i].precise)
			regs |= BIT(i);
	for (i = 0; i < old->nslots; i++)
		if (old->slots[i].bytes[0] == B_SPILL &&
		    old->slots[i].spill.kind == K_SCALAR &&
		    old->slots[i].spill.precise)
			slots |= BIT_ULL(i);
	make_precise(env, regs, slots);
}

/*
 * At a meeting point: stop if a proven checkpoint includes this state,
 * refuse an infinite loop, otherwise keep the state as a checkpoint.
 * Returns 1 to stop the path.
 */
static int visit(struct env *env, u32 insn)
{
	struct checkpoint *cp;
	struct hlist_node *tmp;
	bool looping = false;

	hlist_for_each_entry_safe(cp, tmp, &env->open[insn], node) {
		/* an open checkpoint here is on this very path: a loop */
		looping = true;
		if (state_covers(env, &cp->st, env->cur, insn, true))
			return reject(env, -EINVAL,
				      "infinite loop: the state at %u repeats",
				      insn);
		/* an old iteration: keep it for the path, stop comparing */
		if (++cp->misses > 8) {
			hlist_del(&cp->node);
			hlist_add_head(&cp->node, &env->parked);
			cp->parked = true;
		}
	}
	hlist_for_each_entry_safe(cp, tmp, &env->done[insn], node) {
		if (state_covers(env, &cp->st, env->cur, insn, false)) {
			cp->hits++;
			keep_precise(env, &cp->st, insn);
			return 1;
		}
		/* keep the list short: drop checkpoints that never help */
		if (++cp->misses > 64 && cp->misses > 8 * cp->hits)
			checkpoint_free(env, cp);
	}
	if (env->cp_bytes > MAX_CHECKPOINT_BYTES)
		return 0;
	/* in a loop, one iteration's state seldom helps the next */
	if (looping && env->cur->trail_len < 64)
		return 0;
	return add_checkpoint(env, insn);
}

/* ---- pass 2: exploring every path ----------------------------------- */

/* The path that led to the current instruction, for the log. */
static void vlog_path(struct env *env)
{
	const u32 keep = 256;
	struct checkpoint *cp;
	u32 total = env->cur->trail_len, skip, n = 0, i;
	const struct state **chain;
	int depth = 0, d;

	for (cp = env->cur->parent; cp; cp = cp->parent) {
		total += cp->st.trail_len;
		depth++;
	}
	chain = kvmalloc_array(depth + 1, sizeof(*chain), GFP_KERNEL);
	if (!chain)
		return;
	chain[depth] = env->cur;
	for (cp = env->cur->parent, d = depth - 1; cp; cp = cp->parent)
		chain[d--] = &cp->st;

	skip = total > keep ? total - keep : 0;
	if (skip)
		vlog(env, "... %u earlier instructions on this path\n", skip);
	for (d = 0; d <= depth; d++) {
		for (i = 0; i < chain[d]->trail_len; i++, n++)
			if (n >= skip)
				vlog_insn(env, chain[d]->trail[i].insn);
	}
	kvfree(chain);
}

static void vlog_written(struct env *env, u32 insn)
{
	const struct bpf_insn *in = &env->insns[insn];
	u16 use, def;
	int i;

	insn_regs(env, insn, &use, &def);
	if (BPF_CLASS(in->code) == BPF_JMP && BPF_OP(in->code) == BPF_CALL)
		def = R(0);
	for (i = 0; i < MAX_BPF_REG; i++)
		if ((def & BIT(i)) && env->cur->regs[i].kind != K_NONE)
			vlog_reg(env, i, &env->cur->regs[i]);
	vlog(env, "\n");
}

static int explore(struct env *env)
{
	struct pending next;
	u32 insn;
	int err;

	for (;;) {
		insn = env->insn;
		if (env->info[insn].flags & I_PRUNE) {
			err = visit(env, insn);
			if (err < 0)
				return err;
			if (err) {
				if (env->log.level & LOG_EVERY)
					vlog(env, "%u: safe: an explored state includes this one\n",
					     insn);
				goto path_end;
			}
		}
		if (++env->processed > BPF_COMPLEXITY_LIMIT_INSNS)
			return reject(env, -E2BIG,
				      "the program is too complex: more than %u instructions processed",
				      BPF_COMPLEXITY_LIMIT_INSNS);
		if (signal_pending(current))
			return -EAGAIN;
		cond_resched();

		env->info[insn].flags |= I_SEEN;
		env->step_slot = -1;
		err = step(env);
		if (err < 0)
			return err;
		if (trail_add(env->cur, insn, env->step_slot))
			return -ENOMEM;
		if (env->log.level & LOG_EVERY) {
			char buf[96];

			insn_str(env, insn, buf, sizeof(buf));
			vlog(env, "%u: %-40s;", insn, buf);
			vlog_written(env, insn);
		}
		if (!err)
			continue;
path_end:
		path_done(env, env->cur);
		env->cur = NULL;
		if (!env->npending)
			return 0;
		next = env->pending[--env->npending];
		env->cur = next.st;
		env->insn = next.insn;
		if (env->log.level & LOG_EVERY) {
			vlog(env, "%u: from a branch:", next.insn);
			vlog_state(env, env->cur);
		}
	}
}

/* ---- pass 3: rewrite ------------------------------------------------ */

/* The most instructions one instruction becomes. */
#define REWRITE_MAX	(EBPF_CTX_PATCH_MAX + 2)

/* A context access becomes an access to the kernel object. */
static int rewrite_ctx(struct env *env, const struct bpf_insn *in,
		       const struct insn_info *info, struct bpf_insn *out)
{
	int size = bpf_size_to_bytes(BPF_SIZE(in->code));
	u32 field = info->ctx_field, field_off = round_down(in->off, field);
	struct bpf_insn whole = *in;
	int n, shift;

	if (!env->type->ctx_convert) {
		out[0] = *in;
		return 1;
	}
	whole.code = BPF_CLASS(in->code) | BPF_MODE(in->code) |
		     bytes_to_bpf_size(field);
	whole.off = field_off;
	n = env->type->ctx_convert(&whole, field_off, out, env->prog);
	if (size < field) {
		/* a narrow read: the right bytes of the whole field */
		shift = (in->off - field_off) * 8;
		if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))
			shift = (field - size) * 8 - shift;
		if (shift)
			out[n++] = BPF_ALU32_IMM(BPF_RSH, in->dst_reg, shift);
		out[n++] = BPF_ALU32_IMM(BPF_AND, in->dst_reg,
					 GENMASK(size * 8 - 1, 0));
	}
	return n;
}

/* A packet load becomes a call that may make the program return 0. */
static int rewrite_ld_abs(const struct bpf_insn *in, struct bpf_insn *out)
{
	int n = 0;

	if (BPF_MODE(in->code) == BPF_IND) {
		out[n++] = BPF_MOV32_REG(BPF_REG_2, in->src_reg);
		if (in->imm)
			out[n++] = BPF_ALU32_IMM(BPF_ADD, BPF_REG_2, in->imm);
	} else {
		out[n++] = BPF_MOV32_IMM(BPF_REG_2, in->imm);
	}
	out[n++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_6);
	out[n++] = BPF_MOV64_IMM(BPF_REG_3,
				 bpf_size_to_bytes(BPF_SIZE(in->code)));
	out[n++] = BPF_EMIT_CALL(ebpf_skb_load);
	out[n++] = BPF_JMP_IMM(BPF_JSGE, BPF_REG_0, 0, 2);
	out[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	out[n++] = BPF_EXIT_INSN();
	return n;
}

/* Division by a register: x / 0 = 0 and x % 0 = x whatever the runtime. */
static int rewrite_div(const struct bpf_insn *in, struct bpf_insn *out)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	u8 s = in->src_reg, d = in->dst_reg;

	if (BPF_OP(in->code) == BPF_MOD && is64) {
		out[0] = BPF_JMP_IMM(BPF_JEQ, s, 0, 1);
		out[1] = *in;
		return 2;
	}
	out[0] = is64 ? BPF_JMP_IMM(BPF_JNE, s, 0, 2) :
			BPF_JMP32_IMM(BPF_JNE, s, 0, 2);
	out[1] = BPF_OP(in->code) == BPF_DIV ? BPF_MOV64_IMM(d, 0) :
					       BPF_MOV32_REG(d, d);
	out[2] = BPF_JMP_A(1);
	out[3] = *in;
	return 4;
}

/*
 * Unprivileged pointer arithmetic by a register: the offset is clamped
 * to [0, span] without a branch (as array_index_nospec() does), a
 * negative one as its opposite, so that no speculation can move the
 * pointer further than an architectural path could. A pointer and an
 * offset in registers the program may read again keep their values; AX
 * is the runtime's scratch register.
 */
static int rewrite_ptr_alu(const struct bpf_insn *in,
			   const struct insn_info *info, struct bpf_insn *out)
{
	bool ptr_dst = info->alu_kind & ALU_PTR_DST;
	bool neg = info->alu_kind & ALU_NEG;
	u8 base = ptr_dst ? in->dst_reg : in->src_reg;
	u8 by = ptr_dst ? in->src_reg : in->dst_reg;
	u8 op = BPF_OP(in->code);
	u32 span = info->alu_span;
	int n = 0;

	if (neg)
		op = op == BPF_ADD ? BPF_SUB : BPF_ADD;
	if (info->alu_kind & ALU_CONST) {
		/* the same number on every path: it needs no register */
		out[n++] = BPF_MOV32_IMM(BPF_REG_AX, span);
	} else {
		if (neg)
			out[n++] = BPF_ALU64_IMM(BPF_NEG, by, 0);
		/* AX = ~(by | (span - by)) >> 63 (arithmetic): all ones or 0 */
		out[n++] = BPF_MOV32_IMM(BPF_REG_AX, span);
		out[n++] = BPF_ALU64_REG(BPF_SUB, BPF_REG_AX, by);
		out[n++] = BPF_ALU64_REG(BPF_OR, BPF_REG_AX, by);
		out[n++] = BPF_ALU64_IMM(BPF_XOR, BPF_REG_AX, -1);
		out[n++] = BPF_ALU64_IMM(BPF_ARSH, BPF_REG_AX, 63);
		out[n++] = BPF_ALU64_REG(BPF_AND, BPF_REG_AX, by);
		if (neg && ptr_dst)
			out[n++] = BPF_ALU64_IMM(BPF_NEG, by, 0);
	}
	if (!ptr_dst)
		out[n++] = BPF_MOV64_REG(in->dst_reg, base);
	out[n++] = BPF_ALU64_REG(op, in->dst_reg, BPF_REG_AX);
	return n;
}

/* What instruction @i becomes; jumps keep their old offsets here. */
static int rewrite_insn(struct env *env, u32 i, struct bpf_insn *out)
{
	const struct bpf_insn *in = &env->insns[i];
	const struct insn_info *info = &env->info[i];
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	const struct bpf_func_proto *fn;

	if (!(info->flags & I_SEEN)) {
		/* no path gets here; should one, it ends the program */
		out[0] = BPF_MOV64_IMM(BPF_REG_0, 0);
		out[1] = BPF_EXIT_INSN();
		return 2;
	}
	if (is_ldimm64(in)) {
		out[0] = in[0];
		out[1] = in[1];
		if (in->src_reg == BPF_PSEUDO_MAP_FD ||
		    in->src_reg == BPF_PSEUDO_MAP_VALUE) {
			const struct bpf_map *map = env->maps[info->map];
			u64 addr = (unsigned long)map;

			/* checked by use_map_value(): it succeeds */
			if (in->src_reg == BPF_PSEUDO_MAP_VALUE) {
				map->ops->map_direct_value_addr(map, &addr,
								in[1].imm);
				addr += (u32)in[1].imm;
			}
			out[0].src_reg = 0;
			out[0].imm = (u32)addr;
			out[1].imm = addr >> 32;
		}
		return 2;
	}
	if ((cls == BPF_LDX || cls == BPF_STX || cls == BPF_ST) &&
	    (info->flags & I_CTX))
		return rewrite_ctx(env, in, info, out);
	if (cls == BPF_LD)
		return rewrite_ld_abs(in, out);
	if (is_helper_call(in)) {
		fn = helper(env, in->imm);
		if (in->imm != BPF_FUNC_tail_call) {
			out[0] = BPF_EMIT_CALL(fn->func);
			return 1;
		}
		/*
		 * For unprivileged programs, as upstream: an index past the
		 * array, its upper half included, skips the call before any
		 * speculation can use it.
		 */
		if (!info->array) {
			out[0] = (struct bpf_insn){ .code = BPF_JMP | BPF_TAIL_CALL };
			return 1;
		}
		out[0] = BPF_JMP_IMM(BPF_JGE, BPF_REG_3, info->array->max_entries, 1);
		out[1] = (struct bpf_insn){ .code = BPF_JMP | BPF_TAIL_CALL };
		return 2;
	}
	if ((cls == BPF_ALU || cls == BPF_ALU64) && BPF_SRC(in->code) == BPF_X &&
	    (op == BPF_DIV || op == BPF_MOD))
		return rewrite_div(in, out);
	if (info->alu_kind & ALU_PTR)
		return rewrite_ptr_alu(in, info, out);
	out[0] = *in;
	if (!(info->flags & I_NOSPEC))
		return 1;
	out[1] = BPF_ST_NOSPEC();
	return 2;
}

static int rewrite(struct env *env)
{
	struct bpf_insn scratch[REWRITE_MAX], *insns;
	struct bpf_prog *prog;
	u32 *pos, i, len = 0;
	s64 off;
	int err = 0;

	pos = kvmalloc_array(env->len + 1, sizeof(*pos), GFP_KERNEL_ACCOUNT);
	if (!pos)
		return -ENOMEM;
	for (i = 0; i < env->len; i++) {
		pos[i] = len;
		if (i > 0 && is_ldimm64(&env->insns[i - 1]) &&
		    (env->info[i - 1].flags & I_SEEN))
			continue;
		len += rewrite_insn(env, i, scratch);
	}
	pos[env->len] = len;

	insns = kvmalloc_array(len, sizeof(*insns), GFP_KERNEL_ACCOUNT);
	if (!insns) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < env->len; i++) {
		if (i > 0 && is_ldimm64(&env->insns[i - 1]) &&
		    (env->info[i - 1].flags & I_SEEN))
			continue;
		rewrite_insn(env, i, insns + pos[i]);
		if (!is_jump(&env->insns[i]) || !(env->info[i].flags & I_SEEN))
			continue;
		/* gotol becomes goto where the offset fits */
		off = (s64)pos[jump_target(&env->insns[i], i)] - pos[i] - 1;
		if (insns[pos[i]].code == (BPF_JMP32 | BPF_JA) &&
		    off == (s16)off)
			insns[pos[i]] = BPF_JMP_A(off);
		else if (insns[pos[i]].code == (BPF_JMP32 | BPF_JA))
			insns[pos[i]].imm = off;
		else if (off == (s16)off)
			insns[pos[i]].off = off;
		else
			err = reject(env, -ERANGE,
				     "%u: the rewritten jump does not reach", i);
		if (err)
			goto out;
	}

	prog = env->prog;
	if (len != prog->len) {
		prog = bpf_prog_realloc(prog, bpf_prog_size(len), GFP_USER);
		if (!prog) {
			err = -ENOMEM;
			goto out;
		}
		env->prog = prog;
		prog->len = len;
	}
	memcpy(prog->insnsi, insns, len * sizeof(*insns));
out:
	kvfree(insns);
	kvfree(pos);
	return err;
}

/* ---- the entry point -------------------------------------------------- */

static int log_init(struct env *env, const union bpf_attr *attr)
{
	struct vlog *log = &env->log;

	if (!attr->log_level && !attr->log_buf && !attr->log_size)
		return 0;
	if (!attr->log_level || !attr->log_buf || attr->log_size < 128 ||
	    attr->log_size > UINT_MAX >> 2 ||
	    attr->log_level & ~(LOG_PATH | LOG_EVERY | LOG_STATS))
		return -EINVAL;
	log->level = attr->log_level;
	log->buf = u64_to_user_ptr(attr->log_buf);
	log->size = attr->log_size;
	return 0;
}

static int check_shape(struct env *env)
{
	u32 i;
	int err;

	for (i = 0; i < env->len; i++) {
		err = check_opcode(env, i);
		if (err) {
			char msg[sizeof(env->err)];

			/* name the instruction if the message does not */
			strscpy(msg, env->err, sizeof(msg));
			if (!isdigit(msg[0]))
				snprintf(env->err, sizeof(env->err), "%u: %s",
					 i, msg);
			return err;
		}
		if (is_ldimm64(&env->insns[i]))
			i++;
	}
	err = check_cfg(env);
	if (!err)
		compute_liveness(env);
	return err;
}

static void free_env(struct env *env)
{
	struct checkpoint *cp;
	struct hlist_node *tmp;
	u32 i;

	hlist_for_each_entry_safe(cp, tmp, &env->parked, node)
		checkpoint_free(env, cp);
	if (env->open) {
		for (i = 0; i < env->len; i++) {
			hlist_for_each_entry_safe(cp, tmp, &env->open[i], node)
				checkpoint_free(env, cp);
			hlist_for_each_entry_safe(cp, tmp, &env->done[i], node)
				checkpoint_free(env, cp);
		}
	}
	while (env->npending)
		state_free(env->pending[--env->npending].st);
	state_free(env->cur);
	kvfree(env->pending);
	kvfree(env->open);
	kvfree(env->done);
	kvfree(env->info);
	kvfree(env);
}

static int verify(struct env *env)
{
	struct state *st;
	int err;

	env->info = kvcalloc(env->len, sizeof(*env->info), GFP_KERNEL_ACCOUNT);
	if (!env->info)
		return -ENOMEM;
	err = check_shape(env);
	if (err)
		return err;

	env->open = kvcalloc(env->len, sizeof(*env->open), GFP_KERNEL_ACCOUNT);
	env->done = kvcalloc(env->len, sizeof(*env->done), GFP_KERNEL_ACCOUNT);
	env->pending = kvcalloc(MAX_PENDING, sizeof(*env->pending),
				GFP_KERNEL_ACCOUNT);
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!env->open || !env->done || !env->pending || !st) {
		kfree(st);
		return -ENOMEM;
	}
	reg_pointer(&st->regs[BPF_REG_1], K_CTX, NULL);
	reg_pointer(&st->regs[BPF_REG_FP], K_STACK, NULL);
	env->cur = st;
	env->insn = 0;
	err = explore(env);
	if (err && env->log.level && env->err[0]) {
		if (env->log.level & LOG_PATH)
			vlog_path(env);
		vlog(env, "%u: %s\n", env->insn, env->err);
		if (env->log.level & LOG_PATH) {
			vlog(env, "state at %u:", env->insn);
			vlog_state(env, env->cur);
		}
		env->err[0] = 0;
	}
	return err;
}

int ebpf_verify(struct bpf_prog **pprog, const struct ebpf_prog_type *type,
		const union bpf_attr *attr)
{
	struct bpf_prog *prog = *pprog;
	struct bpf_prog_aux *aux = prog->aux;
	u64 start = ktime_get_ns();
	struct env *env;
	int err;

	env = kvzalloc(sizeof(*env), GFP_KERNEL_ACCOUNT);
	if (!env)
		return -ENOMEM;
	env->prog = prog;
	env->type = type;
	env->insns = prog->insnsi;
	env->len = prog->len;
	env->loops_ok = bpf_capable();
	env->precision = env->loops_ok;
	env->leaks_ok = perfmon_capable();
	env->strict = attr->prog_flags & BPF_F_STRICT_ALIGNMENT ||
		      (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
		       !(attr->prog_flags & BPF_F_ANY_ALIGNMENT));

	err = log_init(env, attr);
	if (err)
		goto out;
	err = verify(env);
	if (err && env->err[0])
		vlog(env, "%s\n", env->err);
	if (!err)
		err = rewrite(env);
	vlog(env, "processed %u insns (limit %u), %u checkpoints, stack %u, %llu us\n",
	     env->processed, BPF_COMPLEXITY_LIMIT_INSNS,
	     env->peak_checkpoints, env->stack_depth,
	     div_u64(ktime_get_ns() - start, NSEC_PER_USEC));
	if (env->log.level && (env->log.truncated ||
			       env->log.used >= env->log.size - 1))
		err = -ENOSPC;
	if (env->log.level && !env->log.buf)
		err = -EFAULT;
out:
	/* the program holds the maps, whatever happened */
	prog = env->prog;
	aux = prog->aux;
	if (env->nmaps) {
		aux->used_maps = kmemdup(env->maps,
					 env->nmaps * sizeof(env->maps[0]),
					 GFP_KERNEL_ACCOUNT);
		if (aux->used_maps) {
			aux->used_map_cnt = env->nmaps;
		} else {
			while (env->nmaps)
				map_put(env->maps[--env->nmaps]);
			err = -ENOMEM;
		}
	}
	aux->stack_depth = env->stack_depth;
	aux->verified_insns = env->processed;
	*pprog = prog;
	free_env(env);
	return err;
}
