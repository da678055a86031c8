// SPDX-License-Identifier: GPL-2.0
/*
 * Soundness of the verifier's abstract domain (kernel/bpf/vals.c), built
 * on the host from the kernel's own file: for every ALU operation, every
 * branch refinement and the meet of two sets, every value the concrete
 * operation can produce from values in the operands' sets must lie in
 * the abstract result, and a set may only be found empty if it is.
 *
 Built with VALS_BITS=8 (values of 8 bits, halves of 4), it tries every
 * pair of abstract values of a family (small_family()) against every
 * pair of the values they stand for (up to MAXSET of each); with
 * VALS_BITS=64, random sets of values, their abstraction loosened at
 * random, for millions of cases with the seed printed. The semantics
 * it checks against are written here again, independently of
 * vals_eval().
 *
 * usage: vals_soundness [-e] [-n CASES] [-s SEED]
 *   -e  the exhaustive run over the family (the 8-bit build)
 *   -n  random cases (pairs of sets) per operation and width
 * Exits 1 and prints the first counterexample if the domain is unsound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "vals.h"
#include "../bpf_concrete.h"

#define W	VALS_BITS
#define H	VALS_HALF
#define MAXSET	8
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const u8 alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
	BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH,
};

static const u8 jmp_ops[] = {
	BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
	BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE, VALS_JNSET,
};

static unsigned long long checks;

/* ---- concrete semantics ------------------------------------------------ */

/* The domain's own jump, the negation of JSET, on top of the others. */
static bool cond(u8 op, VALS_U x, VALS_U y, int width)
{
	if (op == VALS_JNSET)
		return !concrete_cond(BPF_JSET, x, y, width);
	return concrete_cond(op, x, y, width);
}

/* Is @x one of the values @v stands for? */
static bool contains(const struct vals *v, VALS_U x)
{
	uint64_t lo = x & VALS_HUMAX;

	return (x & ~v->b.unk) == v->b.val && x >= v->umin && x <= v->umax &&
	       concrete_sext(x, W) >= v->smin && concrete_sext(x, W) <= v->smax &&
	       lo >= v->umin32 && lo <= v->umax32 &&
	       concrete_sext(x, H) >= v->smin32 && concrete_sext(x, H) <= v->smax32;
}

/* ---- abstract values with the concrete values they must contain ------- */

struct aval {
	struct vals v;
	int n;
	VALS_U x[MAXSET];
};

static void print_vals(const char *what, const struct vals *v)
{
	printf("  %s: bits %#llx/%#llx u [%#llx, %#llx] s [%lld, %lld]", what,
	       (unsigned long long)v->b.val,
	       (unsigned long long)v->b.unk, (unsigned long long)v->umin,
	       (unsigned long long)v->umax, (long long)v->smin,
	       (long long)v->smax);
	printf(" u32 [%#llx, %#llx] s32 [%lld, %lld]\n",
	       (unsigned long long)v->umin32,
	       (unsigned long long)v->umax32, (long long)v->smin32,
	       (long long)v->smax32);
}

static void fail(const char *what, u8 op, int width, const struct vals *a,
		 const struct vals *b, const struct vals *r, VALS_U x,
		 VALS_U y)
{
	printf("UNSOUND: %s op %#x width %d: x %#llx y %#llx\n", what, op,
	       width, (unsigned long long)x, (unsigned long long)y);
	print_vals("a", a);
	if (b)
		print_vals("b", b);
	if (r)
		print_vals("result", r);
	exit(1);
}

/* The tightest abstract value of the values x[0..n). */
static struct vals abstract(const VALS_U *x, int n)
{
	struct vals v = vals_const(x[0]);
	int i;

	for (i = 1; i < n; i++) {
		struct vals c = vals_const(x[i]);
		VALS_U diff = (v.b.val ^ c.b.val) | v.b.unk;

		v.b.unk = diff;
		v.b.val &= ~diff;
		v.umin = min(v.umin, c.umin);
		v.umax = max(v.umax, c.umax);
		v.smin = min(v.smin, c.smin);
		v.smax = max(v.smax, c.smax);
		v.umin32 = min(v.umin32, c.umin32);
		v.umax32 = max(v.umax32, c.umax32);
		v.smin32 = min(v.smin32, c.smin32);
		v.smax32 = max(v.smax32, c.smax32);
	}
	return v;
}

/* Tighten @a, which must keep its values. */
static bool settle(struct aval *a)
{
	struct vals before = a->v;
	int i;

	if (!vals_tighten(&a->v))
		fail("tighten (empty)", 0, W, &before, NULL, NULL, a->x[0], 0);
	for (i = 0; i < a->n; i++)
		if (!contains(&a->v, a->x[i]))
			fail("tighten", 0, W, &before, NULL, &a->v, a->x[i], 0);
	return true;
}

/* ---- the checks ---------------------------------------------------------- */

static void check_alu(const struct aval *a, const struct aval *b, u8 op,
		      int width)
{
	struct vals r = a->v;
	int i, j;

	if (op == BPF_NEG && b != a)
		return;
	if (!vals_alu(&r, &b->v, op, width))
		fail("alu (empty result)", op, width, &a->v, &b->v, NULL,
		     a->x[0], b->x[0]);
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++) {
			VALS_U z = concrete_alu(op, a->x[i], b->x[j], width);

			checks++;
			if (!contains(&r, z))
				fail("alu", op, width, &a->v, &b->v, &r,
				     a->x[i], b->x[j]);
		}
	}
}

static void check_refine(const struct aval *a, const struct aval *b, u8 op,
			 int width)
{
	struct vals ra = a->v, rb = b->v;
	bool ok = vals_refine(&ra, &rb, op, width);
	int i, j;

	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++) {
			checks++;
			if (!cond(op, a->x[i], b->x[j], width))
				continue;
			if (!ok)
				fail("refine (dropped a possible side)", op,
				     width, &a->v, &b->v, NULL, a->x[i],
				     b->x[j]);
			if (!contains(&ra, a->x[i]) || !contains(&rb, b->x[j]))
				fail("refine", op, width, &a->v, &b->v,
				     contains(&ra, a->x[i]) ? &rb : &ra,
				     a->x[i], b->x[j]);
		}
	}
	/* the jump's two sides are the op and its negation */
	if (vals_negate(vals_negate(op)) != op)
		fail("negate", op, width, &a->v, &b->v, NULL, 0, 0);
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (cond(op, a->x[i], b->x[j], width) ==
			    cond(vals_negate(op), a->x[i], b->x[j], width))
				fail("negate", op, width, &a->v, &b->v, NULL,
				     a->x[i], b->x[j]);
}

static void check_meet(const struct aval *a, const struct aval *b)
{
	struct vals m = a->v;
	bool ok = vals_meet(&m, &b->v);
	int i;

	for (i = 0; i < a->n; i++) {
		checks++;
		if (!contains(&b->v, a->x[i]))
			continue;
		if (!ok || !contains(&m, a->x[i]))
			fail("meet", 0, W, &a->v, &b->v, ok ? &m : NULL,
			     a->x[i], a->x[i]);
	}
}

static void check_pair(const struct aval *a, const struct aval *b)
{
	size_t k;
	int width;

	for (width = H; width <= W; width += H) {
		for (k = 0; k < sizeof(alu_ops); k++)
			check_alu(a, b, alu_ops[k], width);
		for (k = 0; k < sizeof(jmp_ops); k++)
			check_refine(a, b, jmp_ops[k], width);
	}
	check_meet(a, b);
}

/* ---- random sets ----------------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Values near the edges where bounds go wrong, and anything. */
static VALS_U rnd_value(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL,
	};
	uint64_t x = rnd();

	switch (rnd() % 6) {
	case 0:
		return x;
	case 1:
		return x % 64;
	case 2:
		return -(x % 64);
	case 3:
		return edges[x % ARRAY_SIZE(edges)] + rnd() % 5 - 2;
	case 4:
		return x & (rnd() | rnd());
	}
	return (x & 0xffffffff) | (rnd() % 3 ? 0 : rnd() << 32);
}

/* A random set of values near each other, abstracted and loosened. */
static void rnd_aval(struct aval *a)
{
	VALS_U base = rnd_value();
	int i;

	a->n = 1 + rnd() % MAXSET;
	for (i = 0; i < a->n; i++)
		a->x[i] = rnd() % 3 ? base + rnd() % 17 - 8 :
			  rnd() % 2 ? base ^ (rnd() & rnd() & rnd()) : rnd_value();
	a->v = abstract(a->x, a->n);
	/* forget some of it: the verifier seldom knows a set exactly */
	switch (rnd() % 8) {
	case 0:
		a->v.b.val = 0;
		a->v.b.unk = VALS_UMAX;
		break;
	case 1:
		a->v.umin = 0;
		a->v.umax = VALS_UMAX;
		break;
	case 2:
		a->v.smin = VALS_SMIN;
		a->v.smax = VALS_SMAX;
		break;
	case 3:
		a->v.umin32 = 0;
		a->v.umax32 = VALS_HUMAX;
		a->v.smin32 = VALS_HSMIN;
		a->v.smax32 = VALS_HSMAX;
		break;
	}
	settle(a);
}

static void run_random(unsigned long long cases)
{
	struct aval a, b;
	unsigned long long i;

	for (i = 0; i < cases; i++) {
		rnd_aval(&a);
		rnd_aval(&b);
		check_pair(&a, &b);
		check_pair(&a, &a);
	}
}

/* ---- the exhaustive family ------------------------------------------------- */

static struct aval *family;
static int nfamily;

/*
 * Add the abstraction of x[0..n) to the family, once. Its concrete values
 * for the checks: all it stands for if that is at most MAXSET values,
 * else its extremes in each order and the rest spread evenly.
 */
static void add_family(const VALS_U *x, int n)
{
	struct aval a = { .n = 0 };
	VALS_U all[256];
	unsigned int v, k = 0, i;

	a.v = abstract(x, n);
	a.n = n < MAXSET ? n : MAXSET;
	memcpy(a.x, x, a.n * sizeof(x[0]));
	settle(&a);
	for (i = 0; i < (unsigned int)nfamily; i++)
		if (!memcmp(&family[i].v, &a.v, sizeof(a.v)))
			return;
	for (v = 0; v < 256; v++)
		if (contains(&a.v, v))
			all[k++] = v;
	if (k <= MAXSET) {
		a.n = k;
		memcpy(a.x, all, k * sizeof(all[0]));
	} else {
		a.x[0] = all[0];
		a.x[1] = all[k - 1];
		for (i = 2; i < MAXSET; i++)
			a.x[i] = all[(k - 1) * (i - 1) / (MAXSET - 1)];
		a.n = MAXSET;
	}
	family = realloc(family, (nfamily + 1) * sizeof(*family));
	family[nfamily++] = a;
}

/*
 * At 8 bits: the abstractions of every run of 1 to 3 consecutive values
 * (wrapping), of the runs between every two points of a 32-value grid
 * (unsigned and signed intervals, wide ones), and of every known-bits
 * pattern with up to two unknown bits over a 6-value grid of knowns.
 */
static void small_family(void)
{
	VALS_U x[256];
	unsigned int a, b, k, n;

	for (n = 1; n <= 3; n++) {
		for (a = 0; a < 256; a++) {
			for (k = 0; k < n; k++)
				x[k] = a + k;
			add_family(x, n);
		}
	}
	for (a = 0; a < 256; a += 32) {
		for (b = 0; b < 256; b += 32) {
			n = 0;
			for (k = a; ; k = (k + 1) & 255) {
				x[n++] = k;
				if (k == ((b + 31) & 255) || n == 256)
					break;
			}
			add_family(x, n);
		}
	}
	for (k = 1; k < 256; k++) {
		if (__builtin_popcount(k) > 2)
			continue;
		for (a = 0; a < 256; a += 51) {
			VALS_U base = a & ~k;

			n = 0;
			for (b = 0; b < 256; b++)
				if (!(b & ~k))
					x[n++] = base | b;
			add_family(x, n);
		}
	}
}

static void run_family(void)
{
	int i, j;

	small_family();
	printf("# family: %d abstract values, %lld pairs\n", nfamily,
	       (long long)nfamily * nfamily);
	for (i = 0; i < nfamily; i++)
		for (j = 0; j < nfamily; j++)
			check_pair(&family[i], &family[j]);
}

int main(int argc, char **argv)
{
	unsigned long long cases = 200000;
	bool exhaustive = false;
	int opt;

	rng = time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt(argc, argv, "en:s:")) != -1) {
		switch (opt) {
		case 'e':
			exhaustive = true;
			break;
		case 'n':
			cases = strtoull(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	if (!rng)
		rng = 1;
	printf("# vals soundness, %d-bit values: seed %#llx\n", W,
	       (unsigned long long)rng);
	if (exhaustive)
		run_family();
	run_random(cases);
	printf("ok: %llu concrete checks, %d-bit values\n", checks, W);
	return 0;
}
