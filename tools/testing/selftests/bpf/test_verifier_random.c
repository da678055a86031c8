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
 * is printed with its verifier log (several: seed:number,seed:number),
 * with RPROG_EXTENDED=1 in the environment one of the extended
 * generator. "--verdicts COUNT SEED" loads COUNT programs of the
 * extended generator and prints which were accepted, for make
 * differential (host/differential.sh).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "ebpf.h"
#include "random_prog.h"
#include "sysctl.h"
#include "tap.h"
#include "unpriv.h"

#define PROGS		400

static int map_fd;

static void start(struct rprog *g, uint64_t seed, bool extended)
{
	g->rng = seed;
	g->map_fd = map_fd;
	g->extended = extended;
}

static char log_buf[1 << 16];

static void show(uint64_t seed, int number, bool extended)
{
	struct rprog g;
	int i, fd;

	start(&g, seed, extended);
	for (i = 0; i <= number; i++)
		rprog_generate(&g);
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
	return sysctl_set(JIT_SYSCTL, on);
}

static unsigned long long compared, jit_accepted, leaking;

/*
 * Whether the program also loads without CAP_PERFMON and CAP_SYS_ADMIN
 * (CAP_BPF kept): the verifier then refuses a program that returns a
 * pointer or stores one in a map, whose value is an address of the
 * interpreter's stack or of the JIT's frame and so differs.
 */
static bool loads_without_leaks(struct rprog *g)
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
static void differential(uint64_t seed, int i, struct rprog *g, int fd)
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
	struct rprog g;
	int i, k, fd, accepted = 0;
	uint32_t first, again;
	int jit = set_jit(1);
	bool leaks;

	start(&g, seed, false);
	for (i = 0; i < PROGS; i++) {
		rprog_generate(&g);
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
		leaks = false;
		if (run(fd, &first))
			tap_fail("seed %llu program %d: run failed: %s",
				 (unsigned long long)seed, i, strerror(errno));
		for (k = 0; k < 2; k++) {
			if (run(fd, &again)) {
				tap_fail("seed %llu program %d: run failed: %s",
					 (unsigned long long)seed, i,
					 strerror(errno));
			} else if (again != first) {
				/*
				 * A program may return an address (of the
				 * packet, which each run allocates anew); it
				 * is one if it leaks, refused without
				 * CAP_PERFMON.
				 */
				if (!loads_without_leaks(&g)) {
					leaks = true;
					leaking++;
					break;
				}
				tap_fail("seed %llu program %d: returned %u, then %u",
					 (unsigned long long)seed, i, first,
					 again);
			}
		}
		/* counted once: as leaking, not compared too */
		if (jit >= 0 && !leaks)
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
	struct rprog g;
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
		start(&g, seed, false);
		for (i = 0; i < PROGS; i++) {
			struct unpriv_result r = { .number = i };

			rprog_generate(&g);
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

	start(&g, seed, false);
	for (i = 0, k = 0; i < PROGS && k < n; i++) {
		rprog_generate(&g);
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
	       "%llu more differ by the addresses they leak; %llu accepted\n",
	       compared, first, first + count - 1, leaking, jit_accepted);
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
	printf("# %llu programs compared JIT-compiled and interpreted\n",
	       compared);
	printf("# %llu more differ by the addresses they leak\n", leaking);
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

/*
 * "VB FIRST HEX": the verdicts of programs FIRST..FIRST+VERDICT_CHUNK-1,
 * bit i of the bitmap (byte i / 8 first, low bit first) set if program
 * FIRST+i was accepted. Two processes load alternate chunks, one per
 * vCPU; both generate every program, since each depends on the ones
 * before it.
 */
#define VERDICT_CHUNK	1024

static void verdict_chunks(uint64_t seed, int count, int worker, int workers)
{
	uint8_t bits[VERDICT_CHUNK / 8];
	int i, fd, chunk, errnos[256] = {}, accepted = 0;
	struct rprog g;
	size_t k;

	start(&g, seed, true);
	for (chunk = 0; chunk * VERDICT_CHUNK < count; chunk++) {
		int first = chunk * VERDICT_CHUNK;
		int last = first + VERDICT_CHUNK < count ?
			   first + VERDICT_CHUNK : count;
		bool mine = chunk % workers == worker;
		char line[16 + 2 * sizeof(bits) + 1];
		int pos;

		memset(bits, 0, sizeof(bits));
		for (i = first; i < last; i++) {
			rprog_generate(&g);
			if (!mine)
				continue;
			fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER,
					    g.insns, g.n, NULL, 0);
			if (fd >= 0) {
				bits[(i - first) / 8] |= 1 << (i - first) % 8;
				accepted++;
				close(fd);
			} else {
				errnos[errno & 255]++;
			}
		}
		if (!mine)
			continue;
		pos = sprintf(line, "VB %d ", first);
		for (k = 0; k < (size_t)(last - first + 7) / 8; k++)
			pos += sprintf(line + pos, "%02x", bits[k]);
		puts(line);
	}
	printf("VS worker %d accepted %d", worker, accepted);
	for (k = 0; k < ARRAY_SIZE(errnos); k++)
		if (errnos[k])
			printf(" errno%zu %d", k, errnos[k]);
	printf("\n");
}

static int verdicts(int count, uint64_t seed)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 1;
	verdict_chunks(seed, count, !pid, 2);
	if (!pid)
		exit(0);
	waitpid(pid, &status, 0);
	printf("VDONE %d %llu\n", count, (unsigned long long)seed);
	return 0;
}

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

		show(seed, strtol(end + 1, &end, 10),
		     getenv("RPROG_EXTENDED"));
		one = *end ? end + 1 : end;
	}
	if (getenv("PROG"))
		return 0;
	if (argc == 4 && !strcmp(argv[1], "--verdicts")) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		return verdicts(atoi(argv[2]), strtoull(argv[3], NULL, 10));
	}
	if (getenv("JIT_SEEDS"))
		return long_differential(getenv("JIT_SEEDS"));
	return tap_run(cases, argc, argv);
}
