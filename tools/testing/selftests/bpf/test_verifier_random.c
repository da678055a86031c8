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

static int run(int fd, uint32_t *retval)
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
	return ebpf_prog_test_run(fd, data, sizeof(data), retval, NULL, 1);
}

static void batch(uint64_t seed)
{
	struct rprog g;
	int i, k, fd, accepted = 0;
	uint32_t first, again;

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
		if (run(fd, &first))
			tap_fail("seed %llu program %d: run failed: %s",
				 (unsigned long long)seed, i, strerror(errno));
		for (k = 0; k < 2; k++) {
			if (run(fd, &again) || again != first)
				tap_fail("seed %llu program %d: returned %u, then %u",
					 (unsigned long long)seed, i, first,
					 again);
		}
		close(fd);
	}
	printf("# seed %llu: %d of %d programs accepted\n",
	       (unsigned long long)seed, accepted, PROGS);
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

static const struct tap_case cases[] = {
	TAP_CASE(batch_1), TAP_CASE(batch_2), TAP_CASE(batch_3),
	TAP_CASE(batch_4), TAP_CASE(batch_5), TAP_CASE(batch_6),
	TAP_CASE(batch_7), TAP_CASE(batch_8),
	TAP_CASE(unpriv_batch_1), TAP_CASE(unpriv_batch_2),
	TAP_CASE(unpriv_batch_3), TAP_CASE(unpriv_batch_4),
	TAP_CASE(unpriv_batch_5), TAP_CASE(unpriv_batch_6),
	TAP_CASE(unpriv_batch_7), TAP_CASE(unpriv_batch_8),
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
	return tap_run(cases, argc, argv);
}
