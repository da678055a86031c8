// SPDX-License-Identifier: GPL-2.0
/*
 * The concrete half of make differential, run on the host: for each
 * program our kernel accepts and the reference refuses, a search for a
 * run that touches memory the program may not touch.
 *
 * The programs are regenerated from the seed with random_prog.h, exactly
 * as the guest loaded them, and run on an interpreter that knows where
 * every pointer points: a register or spilled stack slot carries the
 * region its value points into (stack, one map value, the context, a
 * map) or none (a scalar). Every load, store, atomic and helper memory
 * argument is checked against its region's size; a dereference of a
 * scalar (NULL included) and a misaligned atomic are faults too. The
 * inputs vary from run to run: map value contents (biased toward the
 * program's own immediates and the edges around them), the packet and
 * its length, the context fields, skb_load_bytes failing, a lookup
 * returning NULL. A program with a faulting run has a witness.
 *
 *	oob_search SEED COUNT RUNS < indexes	(one program number a line)
 *
 * prints one line per program ("W index insn what" or "N index") and
 * a summary; with -v also the listing of each witness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_concrete.h"
#include "random_prog.h"

#define STACK_SIZE	512
#define CTX_SIZE	((int)sizeof(struct __sk_buff))
#define MAX_PACKET	1514

enum region { SCALAR, STACK, VALUE0, CTX = VALUE0 + RPROG_MAP_ENTRIES, MAP };

/* Where the regions seem to be, so that pointers compare and print. */
static uint64_t region_base(int r)
{
	switch (r) {
	case STACK:
		return 0x7ffe00000000ULL + STACK_SIZE;	/* r10: the top */
	case CTX:
		return 0xffff888000100000ULL;
	case MAP:
		return 0xffff888000200000ULL;
	default:
		return 0xffff888000300000ULL + (r - VALUE0) * 0x1000;
	}
}

static int region_size(int r)
{
	return r == CTX ? CTX_SIZE : r >= VALUE0 && r < CTX ?
	       RPROG_VALUE_SIZE : 0;
}

struct reg {
	uint64_t v;
	int region;
};

struct machine {
	struct reg r[11];
	uint8_t stack[STACK_SIZE];
	struct reg spill[STACK_SIZE / 8];	/* a pointer spilled whole */
	uint8_t value[RPROG_MAP_ENTRIES][RPROG_VALUE_SIZE];
	uint8_t ctx[CTX_SIZE];
	uint8_t packet[MAX_PACKET];
	uint32_t packet_len;
	bool null_lookup, load_bytes_fails;
	/* the fault, if any */
	int fault_insn;
	char fault[128];
};

static uint64_t rng;

static uint64_t rnd64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static int fault(struct machine *m, int pc, const char *what, int region,
		 int64_t off, int size)
{
	static const char * const names[] = {
		"scalar", "stack", "value 0", "value 1", "value 2", "ctx",
		"map",
	};

	m->fault_insn = pc;
	snprintf(m->fault, sizeof(m->fault), "%s: %s%+lld size %d", what,
		 names[region], (long long)off, size);
	return -1;
}

/*
 * The bytes of @size at @p + @off, or NULL after recording the fault.
 * Stack offsets count from its top, as r10 does.
 */
static uint8_t *mem(struct machine *m, int pc, struct reg p, int16_t off,
		    int size, bool write)
{
	int64_t at = (int64_t)(p.v - region_base(p.region)) + off;

	if (p.region == SCALAR || p.region == MAP) {
		fault(m, pc, p.v ? "dereference of a non-pointer" :
		      "NULL dereference", p.region, at, size);
		return NULL;
	}
	if (p.region == STACK) {
		if (at < -STACK_SIZE || at + size > 0) {
			fault(m, pc, "stack out of bounds", p.region, at,
			      size);
			return NULL;
		}
		if (write) {
			int s;

			/* a write clears the spilled pointers it touches */
			for (s = (at + STACK_SIZE) / 8;
			     s <= (at + STACK_SIZE + size - 1) / 8; s++)
				m->spill[s].region = SCALAR;
		}
		return m->stack + STACK_SIZE + at;
	}
	if (at < 0 || at + size > region_size(p.region)) {
		fault(m, pc, "out of bounds", p.region, at, size);
		return NULL;
	}
	if (p.region == CTX)
		return m->ctx + at;
	return m->value[p.region - VALUE0] + at;
}

static uint64_t load(const uint8_t *p, int size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);	/* little-endian, as x86 */
	return v;
}

static void store(uint8_t *p, int size, uint64_t v)
{
	memcpy(p, &v, size);
}

static struct reg scalar(uint64_t v)
{
	return (struct reg){ v, SCALAR };
}

static int size_of(uint8_t code)
{
	return rprog_size_bytes(BPF_SIZE(code));
}

static int do_atomic(struct machine *m, int pc, const struct bpf_insn *in)
{
	int size = size_of(in->code);
	struct reg *dst = &m->r[in->dst_reg], *src = &m->r[in->src_reg];
	uint8_t *p = mem(m, pc, *dst, in->off, size, true);
	uint64_t old, v = src->v;

	if (!p)
		return -1;
	if ((dst->v + in->off) % size)
		return fault(m, pc, "misaligned atomic", dst->region,
			     (int64_t)(dst->v - region_base(dst->region)) +
			     in->off, size);
	old = load(p, size);
	switch (in->imm) {
	case BPF_XCHG:
		store(p, size, v);
		*src = scalar(old);
		return 0;
	case BPF_CMPXCHG:
		if (old == (size == 4 ? (uint32_t)m->r[R0].v : m->r[R0].v))
			store(p, size, v);
		m->r[R0] = scalar(old);
		return 0;
	}
	store(p, size, concrete_alu(in->imm & ~BPF_FETCH, old, v, size * 8));
	if (in->imm & BPF_FETCH)
		*src = scalar(old);
	return 0;
}

static int call(struct machine *m, int pc, int32_t fn)
{
	struct reg *r = m->r;
	uint8_t *p;
	int i;

	switch (fn) {
	case BPF_FUNC_map_lookup_elem: {
		uint32_t key;

		p = mem(m, pc, r[R2], 0, 4, false);
		if (!p)
			return -1;
		key = load(p, 4);
		r[R0] = key < RPROG_MAP_ENTRIES && !m->null_lookup ?
			(struct reg){ region_base(VALUE0 + key),
				      VALUE0 + key } : scalar(0);
		break;
	}
	case BPF_FUNC_skb_load_bytes: {
		uint32_t off = r[R2].v, len = r[R4].v;
		bool ok = off + (uint64_t)len <= m->packet_len &&
			  !m->load_bytes_fails;

		p = mem(m, pc, r[R3], 0, len, true);
		if (!p)
			return -1;
		for (i = 0; i < (int)len; i++)
			p[i] = ok ? m->packet[off + i] : 0;
		r[R0] = scalar(ok ? 0 : -14);
		break;
	}
	default:
		r[R0] = scalar(0);
	}
	for (i = R1; i <= R5; i++)
		r[i] = scalar(0xdead0000 + i);
	return 0;
}

/* Runs @g on @m: 0 if it ended, -1 on a fault. */
static int run(struct machine *m, const struct rprog *g)
{
	struct reg *r = m->r;
	int pc = 0, steps = 0;

	memset(r, 0, sizeof(m->r));
	r[R1] = (struct reg){ region_base(CTX), CTX };
	r[R10] = (struct reg){ region_base(STACK), STACK };
	while (pc < g->n && steps++ < 100000) {
		const struct bpf_insn *in = &g->insns[pc];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		struct reg *dst = &r[in->dst_reg], *src = &r[in->src_reg];
		bool is64 = cls == BPF_ALU64 || cls == BPF_JMP;
		uint8_t *p;

		if (in->dst_reg > R10 || in->src_reg > R10)
			return fault(m, pc, "bad register", SCALAR, 0, 0);
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64: {
			struct reg b = BPF_SRC(in->code) == BPF_X ? *src :
				       scalar((int64_t)in->imm);
			uint64_t v;

			if (op == BPF_END) {
				v = dst->v;
				if (in->imm == 16)
					v = BPF_SRC(in->code) == BPF_TO_BE ?
					    __builtin_bswap16(v) : (uint16_t)v;
				else if (in->imm == 32)
					v = BPF_SRC(in->code) == BPF_TO_BE ?
					    __builtin_bswap32(v) : (uint32_t)v;
				else if (BPF_SRC(in->code) == BPF_TO_BE)
					v = __builtin_bswap64(v);
				*dst = scalar(v);
				break;
			}
			if (op == BPF_MOV && is64) {
				*dst = b;
				break;
			}
			v = concrete_alu(op, dst->v, b.v, is64 ? 64 : 32);
			/* pointer +- scalar stays a pointer */
			if (is64 && op == BPF_ADD && dst->region != SCALAR &&
			    b.region == SCALAR)
				*dst = (struct reg){ v, dst->region };
			else if (is64 && op == BPF_ADD && b.region != SCALAR &&
				 dst->region == SCALAR)
				*dst = (struct reg){ v, b.region };
			else if (is64 && op == BPF_SUB &&
				 dst->region != SCALAR && b.region == SCALAR)
				*dst = (struct reg){ v, dst->region };
			else
				*dst = scalar(v);
			break;
		}
		case BPF_LDX:
			p = mem(m, pc, *src, in->off, size_of(in->code), false);
			if (!p)
				return -1;
			if (src->region == STACK && size_of(in->code) == 8) {
				int64_t at = (int64_t)(src->v -
					     region_base(STACK)) + in->off;

				if (!((at + STACK_SIZE) % 8) &&
				    m->spill[(at + STACK_SIZE) / 8].region) {
					*dst = m->spill[(at + STACK_SIZE) / 8];
					break;
				}
			}
			*dst = scalar(load(p, size_of(in->code)));
			break;
		case BPF_ST:
		case BPF_STX: {
			int size = size_of(in->code);
			struct reg v = cls == BPF_ST ?
				       scalar((int64_t)in->imm) : *src;

			if (BPF_MODE(in->code) == BPF_ATOMIC) {
				if (do_atomic(m, pc, in))
					return -1;
				break;
			}
			p = mem(m, pc, *dst, in->off, size, true);
			if (!p)
				return -1;
			store(p, size, v.v);
			if (dst->region == STACK && size == 8 &&
			    v.region != SCALAR) {
				int64_t at = (int64_t)(dst->v -
					     region_base(STACK)) + in->off;

				if (!((at + STACK_SIZE) % 8))
					m->spill[(at + STACK_SIZE) / 8] = v;
			}
			break;
		}
		case BPF_LD:
			if (BPF_MODE(in->code) == BPF_IMM) {
				uint64_t v = (uint32_t)in->imm |
					     (uint64_t)(uint32_t)in[1].imm << 32;

				*dst = in->src_reg == BPF_PSEUDO_MAP_FD ?
				       (struct reg){ region_base(MAP), MAP } :
				       scalar(v);
				pc++;
				break;
			}
			{
				/* packet loads end the program out of range */
				uint64_t off = (uint32_t)in->imm;
				int size = size_of(in->code);

				if (BPF_MODE(in->code) == BPF_IND)
					off = (uint32_t)(off + src->v);
				if (off + size > m->packet_len)
					return 0;
				r[R0] = scalar(0);
				for (int i = 0; i < size; i++)
					r[R0].v = r[R0].v << 8 |
						  m->packet[off + i];
				for (int i = R1; i <= R5; i++)
					r[i] = scalar(0xbeef0000 + i);
			}
			break;
		case BPF_JMP:
		case BPF_JMP32:
			if (op == BPF_EXIT)
				return 0;
			if (op == BPF_CALL) {
				if (call(m, pc, in->imm))
					return -1;
				break;
			}
			if (op == BPF_JA) {
				pc += in->off;
				break;
			}
			if (concrete_cond(op, dst->v, BPF_SRC(in->code) == BPF_X ?
				 src->v : (uint64_t)(int64_t)in->imm, is64 ? 64 : 32))
				pc += in->off;
			break;
		}
		pc++;
	}
	return 0;
}

/* Values worth trying: the program's immediates, around their edges. */
struct dictionary {
	uint64_t v[256];
	int n;
};

static void dict_add(struct dictionary *d, uint64_t v)
{
	if (d->n < (int)ARRAY_SIZE(d->v))
		d->v[d->n++] = v;
}

static void dict_build(struct dictionary *d, const struct rprog *g)
{
	int i;

	d->n = 0;
	for (i = 0; i < g->n; i++) {
		int64_t k = g->insns[i].imm;

		dict_add(d, k);
		dict_add(d, k + 1);
		dict_add(d, k - 1);
		dict_add(d, -k);
		dict_add(d, (uint64_t)k << 32);
	}
	dict_add(d, 0);
	dict_add(d, ~0ULL);
	dict_add(d, 0x80000000ULL);
	dict_add(d, 0x7fffffffffffffffULL);
}

static uint64_t some_value(const struct dictionary *d)
{
	uint64_t x = rnd64();

	switch (x % 4) {
	case 0:
		return rnd64();
	case 1:
		return (x >> 8) % 256;
	default:
		return d->v[(x >> 8) % d->n];
	}
}

static void inputs(struct machine *m, const struct dictionary *d)
{
	int e, i;

	memset(m->stack, 0, sizeof(m->stack));
	memset(m->spill, 0, sizeof(m->spill));
	for (e = 0; e < RPROG_MAP_ENTRIES; e++) {
		if (rnd64() % 4 == 0) {
			memset(m->value[e], 0, RPROG_VALUE_SIZE);
			continue;
		}
		for (i = 0; i < RPROG_VALUE_SIZE; i += 8) {
			uint64_t v = some_value(d);

			/* a narrow field, sign-extended or not, or a u64 */
			switch (rnd64() % 4) {
			case 0:
				v = (uint8_t)v;
				break;
			case 1:
				v = (uint32_t)v;
				break;
			default:
				break;
			}
			memcpy(m->value[e] + i, &v, 8);
		}
	}
	m->packet_len = rnd64() % 2 ? 64 : 14 + rnd64() % (MAX_PACKET - 14);
	for (i = 0; i < (int)m->packet_len; i++)
		m->packet[i] = rnd64() % 3 ? some_value(d) : rnd64();
	memset(m->ctx, 0, sizeof(m->ctx));
	for (i = 0; i < CTX_SIZE; i += 4) {
		uint32_t v = some_value(d);

		memcpy(m->ctx + i, &v, 4);
	}
	memcpy(m->ctx + offsetof(struct __sk_buff, len), &m->packet_len, 4);
	m->null_lookup = rnd64() % 8 == 0;
	m->load_bytes_fails = rnd64() % 4 == 0;
}

static void listing(const struct rprog *g, int mark)
{
	int i;

	for (i = 0; i < g->n; i++)
		printf("  %s%3d: code %02x dst r%d src r%d off %d imm %d\n",
		       i == mark ? ">" : " ", i, g->insns[i].code,
		       g->insns[i].dst_reg, g->insns[i].src_reg,
		       g->insns[i].off, g->insns[i].imm);
}

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");
	struct rprog g = { .map_fd = 3, .extended = true };
	int count, runs, next, i, k, witnesses = 0, searched = 0;
	struct dictionary d;
	struct machine m;
	int classes[8] = {};
	static const char * const class_names[] = {
		"out of bounds", "stack out of bounds", "NULL dereference",
		"dereference of a non-pointer", "misaligned atomic", "other",
	};

	if (verbose) {
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: oob_search [-v] SEED COUNT RUNS < indexes\n");
		return 2;
	}
	g.rng = strtoull(argv[1], NULL, 10);
	count = atoi(argv[2]);
	runs = atoi(argv[3]);
	if (scanf("%d", &next) != 1)
		next = -1;
	for (i = 0; i < count && next >= 0; i++) {
		g.map_fd = 3;
		rprog_generate(&g);
		if (i != next)
			continue;
		searched++;
		dict_build(&d, &g);
		rng = 0x9e3779b97f4a7c15ULL * (i + 1);
		for (k = 0; k < runs; k++) {
			inputs(&m, &d);
			if (run(&m, &g))
				break;
		}
		if (k < runs) {
			size_t c;

			witnesses++;
			for (c = 0; c < ARRAY_SIZE(class_names) - 1; c++)
				if (!strncmp(m.fault, class_names[c],
					     strlen(class_names[c])))
					break;
			classes[c]++;
			printf("W %d insn %d run %d %s\n", i, m.fault_insn, k,
			       m.fault);
			if (verbose)
				listing(&g, m.fault_insn);
		} else {
			printf("N %d\n", i);
		}
		if (scanf("%d", &next) != 1)
			next = -1;
	}
	printf("S searched %d witnesses %d", searched, witnesses);
	for (k = 0; k < (int)ARRAY_SIZE(class_names); k++)
		if (classes[k])
			printf(", %s %d", class_names[k], classes[k]);
	printf("\n");
	return 0;
}
