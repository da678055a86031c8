// SPDX-License-Identifier: GPL-2.0
/*
 * Random programs against the verifier. Each batch generates programs
 * from a fixed seed: ALU operations of every kind on registers and
 * immediates, stack stores and loads, context reads, map lookups and
 * value accesses at random offsets (in bounds or not), forward jumps on
 * random conditions, helper calls, atomics and packet loads. Many are
 * refused; every one that is accepted is run three times on the same
 * packet and map contents and must return the same value each time.
 * The kernel must not oops on any of them (the runner watches the
 * console). A failing case names its seed and program number.
 *
 * Where the kernel has a JIT, every accepted program is also loaded a
 * second time with net.core.bpf_jit_enable=0 and the two are compared
 * on the same inputs: same return value, same map contents after the
 * run. A program array proves the two differ in being JIT-compiled: it
 * refuses to mix them. Programs that differ only because they leak an
 * address (a stack pointer differs between the runtimes) are told apart
 * by loading them without CAP_PERFMON, where the verifier refuses leaks.
 * With JIT_SEEDS=first:count the batches of those seeds are run instead
 * of the cases (the long differential run).
 *
 * To compare kernels: with VERDICTS=1 in the environment every verdict
 * is printed ("V seed number errno"); with PROG=seed:number one program
 * is printed with its verifier log (several: seed:number,seed:number).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "ebpf.h"
#include "tap.h"
#include "unpriv.h"

#define PROGS		400
#define MAX_LEN		96
#define PROLOGUE	24

static uint64_t rng;
static int map_fd;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545F4914F6CDD1DULL) >> 32;
}

static uint32_t pick(uint32_t n)
{
	return rnd() % n;
}

/* Interesting immediates: small, edges of the signs, powers of two. */
static int32_t imm(void)
{
	static const int32_t edges[] = {
		0, 1, -1, 2, 7, 8, 31, 32, 47, 48, 63, 64, 255, 0x7fff,
		0x7fffffff, (int32_t)0x80000000, -8, -48, 0xffff,
	};

	if (pick(3))
		return edges[pick(ARRAY_SIZE(edges))];
	return rnd();
}

/* r0-r7 hold scalars; r8 a map value pointer, r9 the context */
static uint8_t reg(void)
{
	return pick(30) ? pick(8) : pick(10);
}

static const uint8_t alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
	BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH,
};

static const uint8_t jmp_ops[] = {
	BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
	BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE,
};

static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

static int size_bytes(uint8_t sz)
{
	return sz == BPF_B ? 1 : sz == BPF_H ? 2 : sz == BPF_W ? 4 : 8;
}

static const int ctx_fields[] = {
	offsetof(struct __sk_buff, len), offsetof(struct __sk_buff, mark),
	offsetof(struct __sk_buff, protocol),
	offsetof(struct __sk_buff, cb[0]), offsetof(struct __sk_buff, cb[3]),
	offsetof(struct __sk_buff, ifindex), offsetof(struct __sk_buff, hash),
	offsetof(struct __sk_buff, data), -4, 300,
};

struct gen {
	struct bpf_insn insns[PROLOGUE + MAX_LEN + 48];
	int n;
};

static void put(struct gen *g, struct bpf_insn in)
{
	g->insns[g->n++] = in;
}

/* After a call or a packet load: r1-r5 hold something again. */
static void refill(struct gen *g)
{
	int i;

	for (i = R1; i <= R5; i++)
		put(g, MOV64I(i, imm()));
}

static void alu(struct gen *g)
{
	uint8_t op = alu_ops[pick(ARRAY_SIZE(alu_ops))];
	uint8_t cls = pick(2) ? BPF_ALU64 : BPF_ALU;
	int32_t k = imm();

	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && pick(4))
		k &= cls == BPF_ALU64 ? 63 : 31;
	if ((op == BPF_DIV || op == BPF_MOD) && !k)
		k = 3;
	if (pick(2))
		put(g, INSN(cls | BPF_K | op, reg(), 0, 0, k));
	else
		put(g, INSN(cls | BPF_X | op, reg(), reg(), 0, 0));
	if (!pick(20))
		put(g, A64I(BPF_NEG, reg(), 0));
	if (!pick(20))
		put(g, BSWAP(pick(2) ? BPF_TO_BE : BPF_TO_LE, reg(),
			     16 << pick(3)));
}

/* A stack access, usually aligned and inside, sometimes not. */
static void stack(struct gen *g)
{
	uint8_t sz = sizes[pick(4)];
	int16_t off = -(int16_t)((pick(8) + 1) * 8);

	/* mostly aligned to the size; sometimes not, or out of the stack */
	off += pick(8) ? size_bytes(sz) * pick(8 / size_bytes(sz)) : pick(8);
	if (!pick(30))
		off = pick(2) ? 0 : -520;
	switch (pick(4)) {
	case 0:
		put(g, ST(sz, R10, off, imm()));
		break;
	case 1:
		put(g, STX(sz, R10, off, reg()));
		break;
	default:
		put(g, LDX(sz, reg(), R10, off));
	}
}

static void ctx(struct gen *g)
{
	int off = ctx_fields[pick(pick(4) ? 7 : ARRAY_SIZE(ctx_fields))];

	if (pick(8))
		put(g, LDX(BPF_W, reg(), R9, off));
	else
		put(g, STX(sizes[pick(4)], R9, off, reg()));
}

/* r8 = a map value (or return 0), then an access at a random offset */
static void map(struct gen *g)
{
	const struct bpf_insn ld[] = { LDMAP(R1, map_fd) };
	uint8_t sz = sizes[pick(4)];
	int16_t off = pick(4) ? (int16_t)(pick(48 / 8) * 8) : (int16_t)imm();

	put(g, ST(BPF_W, R10, -4, pick(3)));
	put(g, MOV64(R2, R10));
	put(g, A64I(BPF_ADD, R2, -4));
	put(g, ld[0]);
	put(g, ld[1]);
	put(g, CALL(BPF_FUNC_map_lookup_elem));
	if (pick(10)) {
		put(g, JI(BPF_JNE, R0, 0, 2));
		put(g, MOV64I(R0, 0));
		put(g, EXIT());
	}
	put(g, MOV64(R8, R0));
	refill(g);
	if (pick(3)) {
		/* an offset from a register, bounded or not */
		uint8_t r = reg();

		put(g, A64I(BPF_AND, r, pick(2) ? 31 : imm()));
		put(g, A64(BPF_ADD, R8, r));
	}
	if (pick(2))
		put(g, LDX(sz, reg(), R8, off));
	else
		put(g, STX(sz, R8, off, reg()));
	put(g, MOV64I(R0, imm()));
}

static void jump(struct gen *g, int left)
{
	uint8_t op = jmp_ops[pick(ARRAY_SIZE(jmp_ops))];
	uint8_t cls = pick(3) ? BPF_JMP : BPF_JMP32;
	int16_t off = pick(left > 1 ? left : 1);

	if (pick(2))
		put(g, INSN(cls | BPF_K | op, reg(), 0, off, imm()));
	else
		put(g, INSN(cls | BPF_X | op, reg(), reg(), off, 0));
}

static void other(struct gen *g)
{
	switch (pick(6)) {
	case 0:
		put(g, MOV64(R6, R9));
		put(g, LDABS(sizes[pick(3)], pick(2) ? (int32_t)pick(64) : imm()));
		refill(g);
		break;
	case 1:
		put(g, MOV64(R1, R9));
		put(g, MOV64I(R2, pick(60)));
		put(g, MOV64(R3, R10));
		put(g, A64I(BPF_ADD, R3, -32));
		put(g, MOV64I(R4, 1 + pick(pick(8) ? 32 : 64)));
		put(g, CALL(BPF_FUNC_skb_load_bytes));
		refill(g);
		break;
	case 2:
		put(g, CALL(BPF_FUNC_get_numa_node_id));
		refill(g);
		break;
	case 3:
		put(g, ST(BPF_DW, R10, -40, imm()));
		put(g, ATOMIC(pick(2) ? BPF_DW : BPF_W,
			      pick(2) ? BPF_ADD | BPF_FETCH : BPF_XOR,
			      R10, -40, reg()));
		break;
	default: {
		uint64_t v = (uint64_t)rnd() << 32 | rnd();
		const struct bpf_insn ld[] = { LDI64(reg(), v) };

		put(g, ld[0]);
		put(g, ld[1]);
	}
	}
}

static void generate(struct gen *g)
{
	int len = PROLOGUE + 16 + pick(MAX_LEN - 40), i;

	g->n = 0;
	put(g, MOV64(R9, R1));
	/* privileged programs may read unwritten stack: write it all */
	for (i = 1; i <= 8; i++)
		put(g, ST(BPF_DW, R10, -8 * i, 0));
	for (i = R0; i <= R7; i++)
		if (pick(30))
			put(g, MOV64I(i, imm()));
	put(g, MOV64(R8, R10));
	put(g, A64I(BPF_ADD, R8, -48));
	while (g->n < len) {
		switch (pick(10)) {
		case 0:
		case 1:
		case 2:
			alu(g);
			break;
		case 3:
		case 4:
			stack(g);
			break;
		case 5:
			ctx(g);
			break;
		case 6:
			map(g);
			break;
		case 7:
		case 8:
			jump(g, len - g->n);
			break;
		default:
			other(g);
		}
	}
	put(g, MOV64(R0, reg()));
	put(g, EXIT());
}

static char log_buf[1 << 16];

static void show(uint64_t seed, int number)
{
	struct gen g;
	int i, fd;

	rng = seed;
	for (i = 0; i <= number; i++)
		generate(&g);
	for (i = 0; i < g.n; i++)
		printf("P %d: %02x %d %d %d %d\n", i, g.insns[i].code,
		       g.insns[i].dst_reg, g.insns[i].src_reg, g.insns[i].off,
		       g.insns[i].imm);
	fd = ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, g.insns, g.n,
				 &(struct ebpf_load_opts){ .log_level = 2,
					.log_buf = log_buf,
					.log_size = sizeof(log_buf) });
	printf("P verdict %d errno %d\n%s\n", fd < 0 ? -1 : 0, errno,
	       log_buf);
}

/* The map's three values, as a run leaves them. */
struct map_snapshot {
	uint64_t value[3][6];
};

static int run_snapshot(int fd, uint32_t *retval, struct map_snapshot *snap)
{
	uint8_t data[64];
	uint64_t zero[6] = {};
	uint32_t key;
	size_t i;

	for (key = 0; key < 3; key++)
		if (ebpf_map_update(map_fd, &key, zero, 0))
			return -1;
	for (i = 0; i < sizeof(data); i++)
		data[i] = i < 14 ? 0 : i * 7;
	if (ebpf_prog_test_run(fd, data, sizeof(data), retval, NULL, 1))
		return -1;
	for (key = 0; snap && key < 3; key++)
		if (ebpf_map_lookup(map_fd, &key, snap->value[key]))
			return -1;
	return 0;
}

static int run(int fd, uint32_t *retval)
{
	return run_snapshot(fd, retval, NULL);
}

#define JIT_SYSCTL "/proc/sys/net/core/bpf_jit_enable"

/* Set net.core.bpf_jit_enable, return its old value; -1: no JIT. */
static int set_jit(int on)
{
	FILE *f = fopen(JIT_SYSCTL, "r+");
	int old = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &old) != 1)
		old = -1;
	rewind(f);
	fprintf(f, "%d\n", on);
	fclose(f);
	return old;
}

static unsigned long long compared, jit_accepted, leaking;

/*
 * Whether the program also loads without CAP_PERFMON and CAP_SYS_ADMIN
 * (CAP_BPF kept): the verifier then refuses a program that returns a
 * pointer or stores one in a map, whose value is an address of the
 * interpreter's stack or of the JIT's frame and so differs.
 */
static bool loads_without_leaks(struct gen *g)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (syscall(SYS_capget, &hdr, data))
			_exit(2);
		data[0].effective &= ~(1U << CAP_SYS_ADMIN);
		data[1].effective &= ~(1U << (38 /* PERFMON */ - 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(2);
		_exit(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, g->insns,
				     g->n, NULL, 0) < 0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Load the program again for the interpreter, run both copies on the
 * same inputs and compare. @fd was loaded with the JIT on.
 */
static void differential(uint64_t seed, int i, struct gen *g, int fd)
{
	struct map_snapshot jit_map, int_map;
	uint32_t jit_ret, int_ret, slot;
	int int_fd, array;

	set_jit(0);
	int_fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, g->insns, g->n,
				NULL, 0);
	set_jit(1);
	if (int_fd < 0) {
		tap_fail("seed %llu program %d: refused for the interpreter: %s",
			 (unsigned long long)seed, i, strerror(errno));
		return;
	}
	/* a program array takes either JIT'd programs or the others */
	array = ebpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
	slot = 0;
	if (array < 0 || ebpf_map_update(array, &slot, &int_fd, 0)) {
		tap_fail("seed %llu program %d: program array: %s",
			 (unsigned long long)seed, i, strerror(errno));
	} else {
		slot = 1;
		if (!ebpf_map_update(array, &slot, &fd, 0) || errno != EINVAL)
			tap_fail("seed %llu program %d: not JIT-compiled",
				 (unsigned long long)seed, i);
	}
	if (array >= 0)
		close(array);
	if (run_snapshot(fd, &jit_ret, &jit_map) ||
	    run_snapshot(int_fd, &int_ret, &int_map)) {
		tap_fail("seed %llu program %d: run failed: %s",
			 (unsigned long long)seed, i, strerror(errno));
	} else if ((jit_ret != int_ret ||
		    memcmp(&jit_map, &int_map, sizeof(jit_map))) &&
		   !loads_without_leaks(g)) {
		leaking++;
		close(int_fd);
		return;
	} else if (jit_ret != int_ret) {
		tap_fail("seed %llu program %d: JIT returned %u, interpreter %u",
			 (unsigned long long)seed, i, jit_ret, int_ret);
	} else if (memcmp(&jit_map, &int_map, sizeof(jit_map))) {
		tap_fail("seed %llu program %d: JIT and interpreter leave different maps",
			 (unsigned long long)seed, i);
	}
	compared++;
	close(int_fd);
}

static void batch(uint64_t seed)
{
	struct gen g;
	int i, k, fd, accepted = 0;
	uint32_t first, again;
	int jit = set_jit(1);

	rng = seed;
	for (i = 0; i < PROGS; i++) {
		generate(&g);
		fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, g.insns, g.n,
				    NULL, 0);
		if (getenv("VERDICTS"))
			printf("V %llu %d %d\n", (unsigned long long)seed, i,
			       fd < 0 ? errno : 0);
		if (fd < 0) {
			if (errno != EACCES && errno != EINVAL &&
			    errno != E2BIG)
				tap_fail("seed %llu program %d: errno %d",
					 (unsigned long long)seed, i, errno);
			continue;
		}
		accepted++;
		if (run(fd, &first))
			tap_fail("seed %llu program %d: run failed: %s",
				 (unsigned long long)seed, i, strerror(errno));
		for (k = 0; k < 2; k++) {
			if (run(fd, &again) || again != first)
				tap_fail("seed %llu program %d: returned %u, then %u",
					 (unsigned long long)seed, i, first,
					 again);
		}
		if (jit >= 0)
			differential(seed, i, &g, fd);
		close(fd);
	}
	if (jit >= 0)
		set_jit(jit);
	jit_accepted += jit >= 0 ? accepted : 0;
	printf("# seed %llu: %d of %d programs accepted%s\n",
	       (unsigned long long)seed, accepted, PROGS,
	       jit >= 0 ? ", each run JIT-compiled and interpreted" : "");
	if (!accepted)
		tap_fail("no program was accepted");
}

/* What an unprivileged child reports of one program it loaded. */
struct unpriv_result {
	int number;
	int ran;
	uint32_t retval;
};

/*
 * Unprivileged programs are verified under more rules and rewritten
 * against speculation: every program an unprivileged child loads must
 * also load with privileges and return the same there.
 */
static void batch_unpriv(uint64_t seed)
{
	static struct unpriv_result got[PROGS];
	int pipefd[2], status, i, k, n = 0, fd;
	uint32_t retval = 0;
	struct gen g;
	pid_t pid;

	if (!unpriv_bpf_allow()) {
		tap_skip("unprivileged bpf(2) is disabled");
		return;
	}
	if (pipe(pipefd)) {
		tap_fail("pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (!pid) {
		close(pipefd[0]);
		if (unpriv_drop_caps())
			_exit(2);
		rng = seed;
		for (i = 0; i < PROGS; i++) {
			struct unpriv_result r = { .number = i };

			generate(&g);
			fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER,
					    g.insns, g.n, NULL, 0);
			if (fd < 0)
				continue;
			r.ran = !run(fd, &r.retval);
			close(fd);
			if (write(pipefd[1], &r, sizeof(r)) != sizeof(r))
				_exit(3);
		}
		_exit(0);
	}
	close(pipefd[1]);
	while (n < PROGS && read(pipefd[0], &got[n], sizeof(got[n])) ==
			    sizeof(got[n]))
		n++;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		tap_fail("the unprivileged child failed: status %#x", status);
		return;
	}

	rng = seed;
	for (i = 0, k = 0; i < PROGS && k < n; i++) {
		generate(&g);
		if (got[k].number != i)
			continue;
		fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, g.insns, g.n,
				    NULL, 0);
		if (fd < 0)
			tap_fail("seed %llu program %d: refused with privileges: %s",
				 (unsigned long long)seed, i, strerror(errno));
		else if (!got[k].ran)
			tap_fail("seed %llu program %d: the unprivileged run failed",
				 (unsigned long long)seed, i);
		else if (run(fd, &retval) || retval != got[k].retval)
			tap_fail("seed %llu program %d: unprivileged %u, privileged %u",
				 (unsigned long long)seed, i, got[k].retval,
				 retval);
		if (fd >= 0)
			close(fd);
		k++;
	}
	printf("# seed %llu: %d of %d programs accepted without privileges\n",
	       (unsigned long long)seed, n, PROGS);
	if (!n)
		tap_fail("no program was accepted without privileges");
}

#define BATCH(n)							\
static void batch_##n(void)						\
{									\
	batch(0x9e3779b97f4a7c15ULL * (n));				\
}

#define UNPRIV_BATCH(n)							\
static void unpriv_batch_##n(void)					\
{									\
	batch_unpriv(0x9e3779b97f4a7c15ULL * (n));			\
}

BATCH(1)
BATCH(2)
BATCH(3)
BATCH(4)
BATCH(5)
BATCH(6)
BATCH(7)
BATCH(8)
UNPRIV_BATCH(1)
UNPRIV_BATCH(2)
UNPRIV_BATCH(3)
UNPRIV_BATCH(4)
UNPRIV_BATCH(5)
UNPRIV_BATCH(6)
UNPRIV_BATCH(7)
UNPRIV_BATCH(8)

/*
 * JIT_SEEDS=first:count: batches first to first + count - 1, each one
 * TAP line, then a line with the number of programs compared.
 */
static int long_differential(const char *seeds)
{
	unsigned long long first, count, n;
	int failed = 0;

	if (sscanf(seeds, "%llu:%llu", &first, &count) != 2) {
		printf("not ok 1 JIT_SEEDS is not first:count\n");
		return 1;
	}
	if (set_jit(1) < 0) {
		printf("ok 1 differential # SKIP this kernel has no JIT\n");
		return 0;
	}
	for (n = 0; n < count; n++) {
		tap_begin();
		batch(0x9e3779b97f4a7c15ULL * (first + n));
		failed += tap_end(n + 1, "differential batch");
	}
	printf("# %llu programs run JIT-compiled and interpreted, seeds %llu to %llu; "
	       "%llu more differ by the addresses they leak\n",
	       compared, first, first + count - 1, leaking);
	if (compared + leaking != jit_accepted)
		printf("not ok %llu compared all accepted programs\n", n + 1);
	printf("1..%llu\n", n + (compared + leaking != jit_accepted));
	return failed || compared + leaking != jit_accepted;
}

/*
 * More batches where the kernel has a JIT, so that make test compares
 * a few thousand programs on both runtimes (seeds 9 to 32).
 */
static void jit_batches(void)
{
	int n;

	if (set_jit(1) < 0) {
		tap_skip_reason = "this kernel has no JIT";
		return;
	}
	for (n = 9; n <= 32; n++)
		batch(0x9e3779b97f4a7c15ULL * n);
	printf("# %llu programs compared JIT-compiled and interpreted, "
	       "%llu more differ by the addresses they leak\n",
	       compared, leaking);
}

static const struct tap_case cases[] = {
	TAP_CASE(batch_1), TAP_CASE(batch_2), TAP_CASE(batch_3),
	TAP_CASE(batch_4), TAP_CASE(batch_5), TAP_CASE(batch_6),
	TAP_CASE(batch_7), TAP_CASE(batch_8),
	TAP_CASE(unpriv_batch_1), TAP_CASE(unpriv_batch_2),
	TAP_CASE(unpriv_batch_3), TAP_CASE(unpriv_batch_4),
	TAP_CASE(unpriv_batch_5), TAP_CASE(unpriv_batch_6),
	TAP_CASE(unpriv_batch_7), TAP_CASE(unpriv_batch_8),
	TAP_CASE(jit_batches),
	{}
};

int main(int argc, char **argv)
{
	const char *one = getenv("PROG");

	map_fd = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 48, 3, 0);
	if (map_fd < 0) {
		printf("not ok 1 no array map: %s\n", strerror(errno));
		return 1;
	}
	while (one && *one) {
		char *end;
		uint64_t seed = strtoull(one, &end, 10);

		show(seed, strtol(end + 1, &end, 10));
		one = *end ? end + 1 : end;
	}
	if (getenv("PROG"))
		return 0;
	if (getenv("JIT_SEEDS"))
		return long_differential(getenv("JIT_SEEDS"));
	return tap_run(cases, argc, argv);
}
