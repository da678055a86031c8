// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's abstract domain: see vals.h.
 *
 * Each operation computes its result's bounds in one width from its
 * operands' bounds in that width, and its known bits from theirs;
 * vals_tighten() then makes all the components agree. Soundness is the
 * one rule: every value the concrete operation can produce from values
 * in the operands' sets lies in the result's set. The user-space test in
 * tools/testing/selftests/bpf/vals/ checks exactly that.
 */
#include "vals.h"

/* ---- known bits -------------------------------------------------------- */

static struct bits bits_any(void)
{
	return (struct bits){ .unk = VALS_UMAX };
}

static VALS_U bits_max(struct bits b)
{
	return b.val | b.unk;
}

/* The low @n bits set. */
static VALS_U low_mask(int n)
{
	return n >= VALS_BITS ? VALS_UMAX : (VALS_U)(((VALS_U)1 << n) - 1);
}

/* The low half of @x, unsigned and signed. */
static VALS_HU half_u(VALS_U x)
{
	return x & VALS_HUMAX;
}

static VALS_HS half_s(VALS_U x)
{
	VALS_U sign = (VALS_U)1 << (VALS_HALF - 1);

	return (VALS_HS)(VALS_S)((half_u(x) ^ sign) - sign);
}

/* Every value in [lo, hi] agrees with lo above their highest difference. */
struct bits bits_span(VALS_U lo, VALS_U hi)
{
	VALS_U unk;

	if (lo == hi)
		return bits_const(lo);
	unk = low_mask(fls64(lo ^ hi));
	return (struct bits){ .val = lo & ~unk, .unk = unk };
}

static VALS_U width_umax(int width)
{
	return width == VALS_BITS ? VALS_UMAX : VALS_HUMAX;
}

static struct bits bits_low(struct bits b, int width)
{
	VALS_U mask = width_umax(width);

	return (struct bits){ .val = b.val & mask, .unk = b.unk & mask };
}

/*
 * Sum: add the known parts; any bit a carry out of an unknown bit could
 * reach is unknown. The carries are where the sum of the smallest and the
 * largest possible operands differ.
 */
struct bits bits_add(struct bits a, struct bits b)
{
	VALS_U lo = a.val + b.val;
	VALS_U hi = lo + a.unk + b.unk;
	VALS_U unk = (lo ^ hi) | a.unk | b.unk;

	return (struct bits){ .val = lo & ~unk, .unk = unk };
}

static struct bits bits_sub(struct bits a, struct bits b)
{
	VALS_U d = a.val - b.val;
	VALS_U hi = d + a.unk;		/* a at its largest, b smallest */
	VALS_U lo = d - b.unk;		/* and the other way round */
	VALS_U unk = (lo ^ hi) | a.unk | b.unk;

	return (struct bits){ .val = d & ~unk, .unk = unk };
}

static struct bits bits_and(struct bits a, struct bits b)
{
	VALS_U val = a.val & b.val;

	return (struct bits){ .val = val,
			      .unk = bits_max(a) & bits_max(b) & ~val };
}

static struct bits bits_or(struct bits a, struct bits b)
{
	VALS_U val = a.val | b.val;

	return (struct bits){ .val = val, .unk = (a.unk | b.unk) & ~val };
}

static struct bits bits_xor(struct bits a, struct bits b)
{
	VALS_U unk = a.unk | b.unk;

	return (struct bits){ .val = (a.val ^ b.val) & ~unk, .unk = unk };
}

/* Low bits known to be zero. */
static int bits_zeros(struct bits b)
{
	VALS_U any = b.val | b.unk;

	return any ? __ffs64(any) : VALS_BITS;
}

/* A product keeps at least the trailing zeros of both factors. */
static struct bits bits_mul(struct bits a, struct bits b)
{
	int zeros = bits_zeros(a) + bits_zeros(b);

	if (!a.unk && !b.unk)
		return bits_const(a.val * b.val);
	if (zeros >= VALS_BITS)
		return bits_const(0);
	return (struct bits){ .unk = (VALS_U)(VALS_UMAX << zeros) };
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

/* ---- value sets -------------------------------------------------------- */

/* Bounds in one width, the whole or the low half, in full-width fields. */
struct bounds {
	VALS_U umin, umax;
	VALS_S smin, smax;
};

static struct bounds range_any(int width)
{
	if (width == VALS_HALF)
		return (struct bounds){ 0, VALS_HUMAX, VALS_HSMIN, VALS_HSMAX };
	return (struct bounds){ 0, VALS_UMAX, VALS_SMIN, VALS_SMAX };
}

struct vals vals_any(void)
{
	return (struct vals){
		.b = bits_any(),
		.umax = VALS_UMAX, .smin = VALS_SMIN, .smax = VALS_SMAX,
		.umax32 = VALS_HUMAX, .smin32 = VALS_HSMIN,
		.smax32 = VALS_HSMAX,
	};
}

struct vals vals_const(VALS_U c)
{
	return (struct vals){
		.b = bits_const(c),
		.umin = c, .umax = c, .smin = c, .smax = c,
		.umin32 = half_u(c), .umax32 = half_u(c),
		.smin32 = half_s(c), .smax32 = half_s(c),
	};
}

/* Nothing known of the whole value. */
bool vals_is_any(const struct vals *v)
{
	return !v->umin && v->umax == VALS_UMAX && v->smin == VALS_SMIN &&
	       v->smax == VALS_SMAX;
}

static struct bounds vals_range(const struct vals *v, int width)
{
	if (width == VALS_HALF)
		return (struct bounds){ v->umin32, v->umax32,
				       v->smin32, v->smax32 };
	return (struct bounds){ v->umin, v->umax, v->smin, v->smax };
}

/* Signed bounds implied by known bits, with the sign bit at @top. */
static void bits_signed(struct bits b, int top, VALS_S *lo, VALS_S *hi)
{
	VALS_U sign = (VALS_U)1 << top;
	VALS_U ext = ~low_mask(top + 1);
	VALS_U l = b.val, h = bits_max(b);

	if (b.unk & sign) {
		l |= sign;
		h &= ~sign;
	}
	/* sign-extend to the whole width */
	*lo = (l & sign) ? (VALS_S)(l | ext) : (VALS_S)l;
	*hi = (h & sign) ? (VALS_S)(h | ext) : (VALS_S)h;
}

/*
 * The unsigned bounds [*umin, *umax] and the signed ones [*smin, *smax]
 * of the same @width-bit values, made the bounds of their intersection;
 * false if it is empty. Read as unsigned, a signed range that crosses
 * zero is two ranges, [0, smax] and [smin, the largest]; each piece lies
 * on one side of the sign, so the pieces that meet the unsigned range
 * give both the unsigned and the signed bounds of what is left.
 */
static bool bounds_meet_signs(VALS_U *umin, VALS_U *umax, VALS_S *smin,
			      VALS_S *smax, int width)
{
	VALS_U top = width_umax(width), sign = (VALS_U)1 << (width - 1);
	VALS_U piece[2][2], lo, hi, nu_lo = top, nu_hi = 0;
	VALS_S ns_lo = VALS_SMAX, ns_hi = VALS_SMIN, l, h;
	int n = 0, i;

	if (*smin < 0 && *smax >= 0) {
		piece[n][0] = 0;
		piece[n++][1] = *smax;
		piece[n][0] = (VALS_U)*smin & top;
		piece[n++][1] = top;
	} else {
		piece[n][0] = (VALS_U)*smin & top;
		piece[n++][1] = (VALS_U)*smax & top;
	}
	for (i = 0; i < n; i++) {
		lo = max(piece[i][0], *umin);
		hi = min(piece[i][1], *umax);
		if (lo > hi)
			continue;
		/* sign-extend from @width bits */
		l = (VALS_S)(VALS_U)((lo ^ sign) - sign);
		h = (VALS_S)(VALS_U)((hi ^ sign) - sign);
		nu_lo = min(nu_lo, lo);
		nu_hi = max(nu_hi, hi);
		ns_lo = min(ns_lo, l);
		ns_hi = max(ns_hi, h);
	}
	if (nu_lo > nu_hi)
		return false;
	*umin = nu_lo;
	*umax = nu_hi;
	*smin = ns_lo;
	*smax = ns_hi;
	return true;
}

static bool vals_tighten_once(struct vals *v)
{
	VALS_U umin32, umax32;
	VALS_S smin32, smax32;
	struct bits lo32;
	VALS_S l, h;

	/* the whole value: bounds from known bits and between the signs */
	v->umin = max(v->umin, v->b.val);
	v->umax = min(v->umax, bits_max(v->b));
	bits_signed(v->b, VALS_BITS - 1, &l, &h);
	v->smin = max(v->smin, l);
	v->smax = min(v->smax, h);
	if (v->umin > v->umax || v->smin > v->smax ||
	    !bounds_meet_signs(&v->umin, &v->umax, &v->smin, &v->smax,
			       VALS_BITS))
		return false;
	if (!bits_meet(&v->b, bits_span(v->umin, v->umax)))
		return false;

	/* the low half lies in one span if the high halves agree */
	if (v->umin >> VALS_HALF == v->umax >> VALS_HALF) {
		v->umin32 = max(v->umin32, half_u(v->umin));
		v->umax32 = min(v->umax32, half_u(v->umax));
	}
	if (v->smin >> VALS_HALF == v->smax >> VALS_HALF) {
		v->umin32 = max(v->umin32, half_u(v->smin));
		v->umax32 = min(v->umax32, half_u(v->smax));
	}

	/* the low half: the same as for the whole */
	lo32 = bits_low(v->b, VALS_HALF);
	v->umin32 = max(v->umin32, half_u(lo32.val));
	v->umax32 = min(v->umax32, half_u(bits_max(lo32)));
	bits_signed(lo32, VALS_HALF - 1, &l, &h);
	v->smin32 = max(v->smin32, half_s(l));
	v->smax32 = min(v->smax32, half_s(h));
	if (v->umin32 > v->umax32 || v->smin32 > v->smax32)
		return false;
	umin32 = v->umin32;
	umax32 = v->umax32;
	smin32 = v->smin32;
	smax32 = v->smax32;
	if (!bounds_meet_signs(&umin32, &umax32, &smin32, &smax32, VALS_HALF))
		return false;
	v->umin32 = umin32;
	v->umax32 = umax32;
	v->smin32 = smin32;
	v->smax32 = smax32;
	lo32 = bits_span(v->umin32, v->umax32);
	lo32.unk |= VALS_HIGH;
	if (!bits_meet(&v->b, lo32))
		return false;

	/* with the high half known, the low bounds bound the whole */
	if (!(v->b.unk & VALS_HIGH)) {
		VALS_U high = v->b.val & VALS_HIGH;

		v->umin = max(v->umin, (VALS_U)(high | v->umin32));
		v->umax = min(v->umax, (VALS_U)(high | v->umax32));
	}
	return v->umin <= v->umax;
}

/* Make all components agree; false if no value fits them all. */
bool vals_tighten(struct vals *v)
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

/*
 * @width-bit result @r with known bits @b, zero-extended if a half;
 * false if no value fits them all.
 */
static bool vals_set(struct vals *v, struct bounds r, struct bits b,
		     struct bounds r32, int width)
{
	if (width == VALS_HALF) {
		*v = vals_any();
		v->b = bits_low(b, VALS_HALF);
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
	return vals_tighten(v);
}

/* The values @size bytes loaded from memory may have. */
struct vals vals_of_size(int size)
{
	struct vals v = vals_any();

	if (size * 8 < VALS_BITS) {
		v.b = (struct bits){ .unk = low_mask(size * 8) };
		vals_tighten(&v);
	}
	return v;
}

bool vals_in(const struct vals *in, const struct vals *out)
{
	return in->umin >= out->umin && in->umax <= out->umax &&
	       in->smin >= out->smin && in->smax <= out->smax &&
	       in->umin32 >= out->umin32 && in->umax32 <= out->umax32 &&
	       in->smin32 >= out->smin32 && in->smax32 <= out->smax32 &&
	       bits_in(in->b, out->b);
}

/* Both at once; false if no value is in both. */
bool vals_meet(struct vals *v, const struct vals *w)
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

/* ---- arithmetic on value sets ------------------------------------------ */

static bool u_overflows(VALS_U x, int width)
{
	return width == VALS_HALF && x > VALS_HUMAX;
}

static bool s_overflows(VALS_S x, int width)
{
	return width == VALS_HALF && (x < VALS_HSMIN || x > VALS_HSMAX);
}

static struct bounds range_add(struct bounds a, struct bounds b, int width)
{
	struct bounds r = range_any(width);
	bool lo_over, hi_over;
	VALS_S lo, hi;

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
	VALS_S lo, hi;

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
	VALS_S c[4];
	VALS_U hi;
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
		r.smax = min(a.smin >= 0 ? a.smax : VALS_SMAX,
			     b.smin >= 0 ? b.smax : VALS_SMAX);
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

static struct bounds range_shift(struct bounds a, u8 op, VALS_U lo,
				 VALS_U hi, int width)
{
	struct bounds r = range_any(width);
	VALS_U big;

	switch (op) {
	case BPF_LSH:
		/* fine while the largest value keeps all its bits */
		big = a.umax << hi;
		if (hi < width && big >> hi == a.umax &&
		    !u_overflows(big, width)) {
			r.umin = a.umin << lo;
			r.umax = big;
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

	r.umax = b.umin ? min(a.umax, (VALS_U)(b.umax - 1)) : a.umax;
	return r;
}

/*
 * The value of an ALU operation of @width bits (the whole or the low
 * half) on constants, as the runtime computes it: x / 0 = 0, x % 0 = x,
 * shift counts masked.
 */
VALS_U vals_eval(u8 op, VALS_U x, VALS_U y, int width)
{
	VALS_U mask = width_umax(width);
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
		if (width == VALS_HALF)
			return half_u(half_s(x) >> shift);
		return (VALS_U)((VALS_S)x >> shift);
	case BPF_NEG:
		return -x & mask;
	case BPF_MOV:
		return y;
	}
	return 0;
}

/*
 * Operations whose low half of the result depends only on the operands'
 * low halves: for them a whole-width operation also gives the low
 * half's bounds.
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
	VALS_U lo, hi;

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
		else if (width == VALS_BITS)
			*rb = (struct bits){ (VALS_S)ba.val >> lo,
					     (VALS_S)ba.unk >> lo };
		else
			*rb = bits_low((struct bits){
					.val = half_s(ba.val) >> lo,
					.unk = half_s(ba.unk) >> lo }, VALS_HALF);
		break;
	}
}

/*
 * d = d op s on scalars, on the whole width or on the low halves (the
 * result zero-extended). Constants are folded exactly as the runtime
 * computes. An empty result (false) can only come from an empty input:
 * a path vals_refine() should have dropped.
 */
bool vals_alu(struct vals *d, const struct vals *s, u8 op, int width)
{
	struct bounds r, r32;
	struct bits b, b32;

	/*
	 * A shift by the width or more is masked here, but not on every
	 * JIT: as upstream, its result is unknown.
	 */
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    s->umax >= width)
		return vals_set(d, range_any(width),
				bits_low(bits_any(), width),
				range_any(VALS_HALF), width);
	if (vals_is_const(d) && vals_is_const(s)) {
		*d = vals_const(vals_eval(op, d->b.val, s->b.val, width));
		return true;
	}
	alu_width(op, d, s, width, &r, &b);
	if (width == VALS_BITS && alu_low_closed(op)) {
		alu_width(op, d, s, VALS_HALF, &r32, &b32);
		b32.unk |= VALS_HIGH;
		if (!bits_meet(&b, b32))
			b = bits_any();
	} else {
		r32 = range_any(VALS_HALF);
	}
	return vals_set(d, r, b, r32, width);
}

/* ---- conditional jumps -------------------------------------------------- */

/* The jump taken exactly when @op is not: the false side of @op. */
u8 vals_negate(u8 op)
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
		return VALS_JNSET;
	}
	return BPF_JSET;
}

/* Narrow @v's @width-bit bounds to @r (and its bits to @b). */
static void vals_narrow(struct vals *v, struct bounds r, struct bits *b,
			int width)
{
	if (width == VALS_HALF) {
		v->umin32 = max(v->umin32, (VALS_HU)r.umin);
		v->umax32 = min(v->umax32, (VALS_HU)r.umax);
		v->smin32 = max(v->smin32, (VALS_HS)r.smin);
		v->smax32 = min(v->smax32, (VALS_HS)r.smax);
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
static void range_exclude(struct bounds *r, VALS_U c, int width)
{
	VALS_S sc = width == VALS_HALF ? half_s(c) : (VALS_S)c;

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
 * it cannot be true: that side of the jump never runs.
 */
bool vals_refine(struct vals *a, struct vals *b, u8 op, int width)
{
	struct bounds ra = vals_range(a, width), rb = vals_range(b, width);
	struct bits ba = bits_low(a->b, width), bb = bits_low(b->b, width);
	struct bits *nba = NULL, *nbb = NULL;
	struct bits high = { .unk = width == VALS_HALF ? VALS_HIGH : 0 };
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
		ra.umax = min(ra.umax, (VALS_U)(rb.umax - 1));
		rb.umin = max(rb.umin, (VALS_U)(ra.umin + 1));
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
		ra.smax = min(ra.smax, (VALS_S)(rb.smax - 1));
		rb.smin = max(rb.smin, (VALS_S)(ra.smin + 1));
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
	case VALS_JNSET:
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
