// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier benchmark: large programs loaded as socket filters, each
 * several times. For each program it prints the median time of a load
 * (the system call, in user space, so both kernels are timed alike) and
 * the number of instructions the verifier processed, from the
 * "processed N insns" line both kernels write at log_level 4:
 *
 *	bench verifier-time/NAME MICROSECONDS us
 *	bench verifier-insns/NAME COUNT insns
 *
 * The programs: straight-line code, trees of branches whose paths meet
 * again (they verify quickly only with state pruning), bounded loops,
 * and code full of map lookups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf.h"
#include "bench.h"

#define MAX_PROG	8192
#define LOADS		5

static struct bpf_insn prog[MAX_PROG];
static int len;
static int map_small, map_big;
static char log_buf[1 << 16];

static void emit(struct bpf_insn insn)
{
	if (len < MAX_PROG)
		prog[len++] = insn;
}

static void emit2(const struct bpf_insn *two)
{
	emit(two[0]);
	emit(two[1]);
}

static void emit_map(int reg, int fd)
{
	const struct bpf_insn ld[] = { LDMAP(reg, fd) };

	emit2(ld);
}

/* r0 = a value of @fd at key @key, or return 0. Clobbers r1-r5. */
static void emit_lookup(int fd, int key)
{
	emit(ST(BPF_W, R10, -4, key));
	emit(MOV64(R2, R10));
	emit(A64I(BPF_ADD, R2, -4));
	emit_map(R1, fd);
	emit(CALL(BPF_FUNC_map_lookup_elem));
	emit(JI(BPF_JNE, R0, 0, 2));
	emit(MOV64I(R0, 0));
	emit(EXIT());
}

/* 4096 instructions, no jumps. */
static void straight(void)
{
	static const int ops[] = { BPF_ADD, BPF_XOR, BPF_OR, BPF_SUB,
				   BPF_AND, BPF_MUL, BPF_LSH, BPF_RSH };
	int i;

	for (i = R0; i <= R9; i++)
		emit(MOV64I(i, i * 3 + 1));
	while (len < BPF_MAXINSNS - 1) {
		int op = ops[len % 8], d = len % 10, s = (len / 3) % 10;

		if (op == BPF_LSH || op == BPF_RSH)
			emit(A64I(op, d, len % 63));
		else if (len % 2)
			emit(A64(op, d, s));
		else
			emit(A32I(op, d, len));
	}
	emit(EXIT());
}

/*
 * @n diamonds, each on a fresh random bit; the arms compute a value that
 * later code only returns: its exact value never matters.
 */
static void diamonds(int n)
{
	int i;

	emit(MOV64I(R7, 0));
	for (i = 0; i < n; i++) {
		emit(CALL(BPF_FUNC_get_prandom_u32));
		emit(JI(BPF_JSET, R0, 1, 2));
		emit(A64I(BPF_ADD, R7, 1));
		emit(JA(1));
		emit(A64I(BPF_ADD, R7, 2));
		emit(STX(BPF_DW, R10, -16, R7));
	}
	emit(LDX(BPF_DW, R0, R10, -16));
	emit(EXIT());
}

/*
 * Diamonds whose arms pick an offset into a map value that is used at
 * the end: the paths only meet where their offsets agree.
 */
static void offsets(int n)
{
	int i;

	emit_lookup(map_big, 0);
	emit(MOV64(R6, R0));
	emit(MOV64I(R7, 0));
	for (i = 0; i < n; i++) {
		emit(CALL(BPF_FUNC_get_prandom_u32));
		emit(JI(BPF_JSET, R0, 1, 1));
		emit(A64I(BPF_ADD, R7, 1));
	}
	emit(MOV64(R1, R6));
	emit(A64(BPF_ADD, R1, R7));
	emit(LDX(BPF_B, R0, R1, 0));
	emit(EXIT());
}

/* A parser: a chain of checks on packet bytes, each with its own exit. */
static void parser(int n)
{
	int i;

	emit(MOV64(R6, R1));
	emit(MOV64I(R7, 0));
	for (i = 0; i < n; i++) {
		emit(LDABS(BPF_B, i % 40));
		emit(JI(BPF_JGT, R0, 200, 3));
		emit(JI(BPF_JEQ, R0, i % 7, 1));
		emit(A64I(BPF_ADD, R7, 1));
		emit(JA(2));
		emit(MOV64I(R0, 0));
		emit(EXIT());
	}
	emit(MOV64(R0, R7));
	emit(EXIT());
}

/* for (i = 0; i < n; i++) sum += i & 7 */
static void loop(int n)
{
	emit(MOV64I(R1, 0));
	emit(MOV64I(R0, 0));
	emit(MOV64(R2, R1));
	emit(A64I(BPF_AND, R2, 7));
	emit(A64(BPF_ADD, R0, R2));
	emit(A64I(BPF_ADD, R1, 1));
	emit(JI(BPF_JLT, R1, n, -5));
	emit(EXIT());
}

/* an outer loop of @outer rounds around an inner one of @inner */
static void nested_loops(int outer, int inner)
{
	emit(MOV64I(R0, 0));
	emit(MOV64I(R1, 0));
	emit(MOV64I(R2, 0));
	emit(A64I(BPF_ADD, R0, 1));
	emit(A64I(BPF_ADD, R2, 1));
	emit(JI(BPF_JLT, R2, inner, -3));
	emit(A64I(BPF_ADD, R1, 1));
	emit(JI(BPF_JLT, R1, outer, -6));
	emit(EXIT());
}

/* @n lookups in two maps, each value read and the other map updated */
static void maps(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		emit_lookup(i % 2 ? map_big : map_small, i % 4);
		emit(LDX(BPF_DW, R6, R0, 0));
		emit(A64I(BPF_ADD, R6, 1));
		emit(STX(BPF_DW, R10, -16, R6));
		emit(ST(BPF_W, R10, -4, i % 4));
		emit(MOV64(R2, R10));
		emit(A64I(BPF_ADD, R2, -4));
		emit(MOV64(R3, R10));
		emit(A64I(BPF_ADD, R3, -16));
		emit(MOV64I(R4, 0));
		emit_map(R1, map_small);
		emit(CALL(BPF_FUNC_map_update_elem));
	}
	emit(MOV64I(R0, 0));
	emit(EXIT());
}

static void measure(const char *name, void (*build)(int), int arg)
{
	struct ebpf_load_opts opts = {
		.log_level = 4, .log_buf = log_buf, .log_size = sizeof(log_buf),
	};
	double ns[LOADS];
	const char *p;
	int i;

	len = 0;
	build(arg);
	for (i = 0; i < LOADS; i++) {
		log_buf[0] = 0;
		ns[i] = load_ns(prog, len, &opts);
		if (ns[i] < 0) {
			printf("# %s: refused: %s\n%s", name, strerror(errno),
			       log_buf);
			return;
		}
	}
	printf("bench verifier-time/%s %.0f us\n", name,
	       median(ns, LOADS) / 1000);
	p = strstr(log_buf, "processed ");
	if (p)
		printf("bench verifier-insns/%s %lu insns\n", name,
		       strtoul(p + 10, NULL, 10));
}

static void straight_arg(int unused)
{
	straight();
}

static void nested_arg(int n)
{
	nested_loops(n, n);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	map_small = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	map_big = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 64, 4, 0);
	if (map_small < 0 || map_big < 0) {
		printf("# bench_verifier: no array maps: %s\n", strerror(errno));
		return 1;
	}
	measure("straight-4096", straight_arg, 0);
	measure("diamonds-64", diamonds, 64);
	measure("diamonds-600", diamonds, 600);
	measure("offsets-40", offsets, 40);
	measure("parser-200", parser, 200);
	measure("loop-1000", loop, 1000);
	measure("nested-loops-60", nested_arg, 60);
	measure("maps-64", maps, 64);
	return 0;
}
