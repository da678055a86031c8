// SPDX-License-Identifier: GPL-2.0
/*
 * What the JIT makes of a program and what it costs, measured alike on
 * any kernel with net.core.bpf_jit_enable: the same programs are loaded
 * on both kernels and read back with BPF_OBJ_GET_INFO_BY_FD. Prints
 * "bench WORKLOAD VALUE UNIT" lines for host/bench.sh:
 *
 *  jit-size/NAME	bytes of native code (jited_prog_len) per BPF
 *			instruction loaded, for every program of the C
 *			corpus (the objects in /bpf, both compilers) and
 *			a few large generated ones; jit-size/corpus is
 *			the corpus's total bytes over its instructions;
 *			jit-size-xlated the same per instruction after
 *			the verifier's rewrites (xlated_prog_len), which
 *			differ between the kernels
 *  jit-attach/classic	ns per instruction of attaching a classic socket
 *			filter of 4089 instructions with the JIT on: its
 *			check and conversion to eBPF (net/core/filter.c,
 *			the same on both kernels) and the JIT, but no
 *			verifier, whose time would drown the JIT's
 *  jit-time/classic	ns per instruction that the JIT adds to such an
 *			attach: the median over pairs of attaches, JIT on
 *			and off, of their difference. Without the JIT the
 *			series' kernel translates a program for its
 *			direct-threaded interpreter, which upstream's
 *			does not: there this is the JIT's time less the
 *			translation's (jit-attach/classic is not)
 *  jit-time/generated_NAME
 *			the same for a load (BPF_PROG_LOAD) of each
 *			large generated program: the verifier does the
 *			same work with the JIT on and off, and its time
 *			cancels out of each pair's difference
 *  seccomp/syscall	ns per fcntl(F_GETFD) without a seccomp filter
 *  seccomp/filter_run	ns a seccomp filter adds to that system call,
 *			run by the interpreter (jit_seccomp/filter_run:
 *			JIT-compiled); the filter is an allow-list of
 *			200 system calls that looks at fcntl's command
 *
 * A program that one kernel does not JIT-compile prints a "#" line
 * instead: its figures would compare nothing. A program with BPF
 * function calls counts all its functions: one image here, one per
 * function upstream.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf.h"
#include "bench.h"

#define LOADS		15
/* for the frees a close leaves to a worker, after a grace period */
#define SETTLE_US	20000
#define MAX_PROG	4096

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/*
 * @op(@arg) in LOADS pairs, the JIT on and then off, each after the
 * frees the one before left to a worker: @on gets its ns with the JIT,
 * @diff the ns the JIT adds in each pair.
 */
static void jit_on_off(double (*op)(const void *), const void *arg,
		       double *on, double *diff)
{
	int r;

	for (r = 0; r < LOADS; r++) {
		set_jit(1);
		usleep(SETTLE_US);
		on[r] = op(arg);
		set_jit(0);
		usleep(SETTLE_US);
		diff[r] = on[r] - op(arg);
	}
	set_jit(1);
}

static int load(enum bpf_prog_type type, const struct bpf_insn *insns,
		int n)
{
	static char log[1 << 20];
	int fd = ebpf_prog_load(type, insns, n, NULL, 0);

	if (fd < 0) {
		ebpf_prog_load(type, insns, n, log, sizeof(log));
		fprintf(stderr, "%s\n", log);
		die("BPF_PROG_LOAD");
	}
	return fd;
}

static struct bpf_prog_info prog_info(int fd)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("BPF_OBJ_GET_INFO_BY_FD");
	return info;
}

struct totals {
	double bytes, insns, xlated;
};

/*
 * The image size of a program of @n instructions loaded as @fd, added
 * to @sum for the corpus.
 */
static void measure(const char *name, int fd, int n, struct totals *sum)
{
	struct bpf_prog_info info = prog_info(fd);
	double bytes = info.jited_prog_len;
	int xlated = info.xlated_prog_len / sizeof(struct bpf_insn);

	if (!bytes) {
		printf("# %s: not JIT-compiled\n", name);
		return;
	}
	printf("bench jit-size/%s %.3f bytes/insn\n", name, bytes / n);
	if (sum) {
		sum->bytes += bytes;
		sum->insns += n;
		sum->xlated += xlated;
	} else {
		printf("bench jit-size-xlated/%s %.3f bytes/insn\n", name,
		       bytes / xlated);
	}
}

/* A call of a BPF function, which not every JIT compiles yet */
static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	return 0;
}

/* Every program of every object of the corpus that both compilers built. */
static void bench_corpus(void)
{
	struct totals sum = {};
	struct bpf_program *prog;
	struct bpf_object *obj;
	char name[128], *base;
	glob_t files;
	size_t i;

	libbpf_set_print(libbpf_quiet);
	if (glob("/bpf/*.o", 0, NULL, &files)) {
		printf("# no C corpus in /bpf\n");
		return;
	}
	for (i = 0; i < files.gl_pathc; i++) {
		base = strrchr(files.gl_pathv[i], '/') + 1;
		obj = bpf_object__open_file(files.gl_pathv[i], NULL);
		if (!obj || bpf_object__load(obj)) {
			printf("# %s: does not load\n", base);
			bpf_object__close(obj);
			continue;
		}
		bpf_object__for_each_program(prog, obj) {
			int n = bpf_program__insn_cnt(prog);

			snprintf(name, sizeof(name), "%.*s/%s",
				 (int)(strlen(base) - 2), base,
				 bpf_program__name(prog));
			measure(name, bpf_program__fd(prog), n, &sum);
		}
		bpf_object__close(obj);
	}
	globfree(&files);
	if (!sum.insns)
		return;
	printf("bench jit-size/corpus %.3f bytes/insn\n",
	       sum.bytes / sum.insns);
	printf("bench jit-size-xlated/corpus %.3f bytes/insn\n",
	       sum.bytes / sum.xlated);
}

/* ---- large generated programs -------------------------------------- */

static struct bpf_insn gen[MAX_PROG];
static int len;

static void emit(struct bpf_insn insn)
{
	if (len < MAX_PROG)
		gen[len++] = insn;
}

/* ALU of both widths on r0-r9, registers and immediates, no jumps */
static void gen_alu(void)
{
	static const int ops[] = { BPF_ADD, BPF_XOR, BPF_OR, BPF_SUB, BPF_AND,
				   BPF_MUL, BPF_LSH, BPF_RSH, BPF_ARSH, BPF_DIV };
	int i, op, d, s;

	for (i = R0; i <= R9; i++)
		emit(MOV64I(i, i * 3 + 1));
	for (i = 0; len < MAX_PROG - 1; i++) {
		op = ops[i % 10], d = i % 10, s = (i / 3) % 10;
		if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
			emit(A64I(op, d, i % 63));
		else if (op == BPF_DIV)
			emit(A32I(op, d, i | 1));
		else if (i % 2)
			emit(A64(op, d, s));
		else
			emit(i % 4 ? A32I(op, d, i * 7919) : A64I(op, d, i));
	}
	emit(EXIT());
}

/* a parser: checks of packet bytes, each with its own exit */
static void gen_branches(void)
{
	int i;

	emit(MOV64(R6, R1));
	emit(MOV64I(R7, 0));
	for (i = 0; len < MAX_PROG - 8; i++) {
		emit(LDABS(BPF_B, i % 40));
		emit(JI(BPF_JGT, R0, 200, 3));
		emit(J32I(BPF_JEQ, R0, i % 7, 1));
		emit(A64I(BPF_ADD, R7, 1));
		emit(JA(2));
		emit(MOV64I(R0, 0));
		emit(EXIT());
	}
	emit(MOV64(R0, R7));
	emit(EXIT());
}

/* stores and loads of every size on the stack */
static void gen_stack(void)
{
	static const int sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	int i, size, off;

	emit(MOV64I(R1, 1));
	for (i = 0; len < MAX_PROG - 3; i++) {
		size = sizes[i % 4];
		off = -8 * (1 + i % 64);
		if (i % 3 == 0)
			emit(ST(size, R10, off, i));
		else
			emit(STX(size, R10, off, R1));
		emit(LDX(size, R1 + i % 5, R10, off));
	}
	emit(MOV64I(R0, 0));
	emit(EXIT());
}

/* map lookups, each value read */
static void gen_calls(int map)
{
	const struct bpf_insn ld_map[] = { LDMAP(R1, map) };

	emit(MOV64I(R7, 0));
	while (len < MAX_PROG - 16) {
		emit(ST(BPF_W, R10, -4, len % 4));
		emit(MOV64(R2, R10));
		emit(A64I(BPF_ADD, R2, -4));
		emit(ld_map[0]);
		emit(ld_map[1]);
		emit(CALL(BPF_FUNC_map_lookup_elem));
		emit(JI(BPF_JEQ, R0, 0, 2));
		emit(LDX(BPF_DW, R6, R0, 0));
		emit(A64(BPF_ADD, R7, R6));
	}
	emit(MOV64I(R0, 0));
	emit(EXIT());
}

/* ns of a load of the program gen[] holds, closed at once */
static double load_gen_ns(const void *unused)
{
	double ns = load_ns(gen, len, NULL);

	if (ns < 0)
		die("BPF_PROG_LOAD");
	return ns;
}

static void bench_generated(void)
{
	static const char * const names[] = { "alu", "branches", "stack",
					      "calls" };
	int map = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	double on[LOADS], diff[LOADS];
	size_t k;
	int fd;

	if (map < 0)
		die("BPF_MAP_CREATE");
	for (k = 0; k < ARRAY_SIZE(names); k++) {
		char name[32];

		len = 0;
		if (k == 0)
			gen_alu();
		else if (k == 1)
			gen_branches();
		else if (k == 2)
			gen_stack();
		else
			gen_calls(map);
		fd = load(BPF_PROG_TYPE_SOCKET_FILTER, gen, len);
		snprintf(name, sizeof(name), "generated_%s", names[k]);
		measure(name, fd, len, NULL);
		close(fd);
		jit_on_off(load_gen_ns, NULL, on, diff);
		printf("bench jit-time/%s %.1f ns/insn\n", name,
		       median(diff, LOADS) / len);
	}
	close(map);
}

/* ---- a classic filter ------------------------------------------------ */

#define CLASSIC_LEN	4089
#define OPTMEM_SYSCTL	"/proc/sys/net/core/optmem_max"

#define CSTMT(code, k)		((struct sock_filter){ code, 0, 0, k })

/* 511 rounds of a packet byte's arithmetic, stored and reloaded */
static int classic_filter(struct sock_filter *f)
{
	int n = 0, i;

	f[n++] = CSTMT(BPF_LDX | BPF_W | BPF_IMM, 1);
	for (i = 0; n < CLASSIC_LEN - 8; i++) {
		f[n++] = CSTMT(BPF_LD | BPF_B | BPF_ABS, i % 64);
		f[n++] = CSTMT(BPF_ALU | BPF_AND | BPF_K, 0x7f);
		f[n++] = CSTMT(BPF_ALU | BPF_ADD | BPF_X, 0);
		f[n++] = (struct sock_filter){ BPF_JMP | BPF_JGT | BPF_K, 0, 1, 100 };
		f[n++] = CSTMT(BPF_ALU | BPF_RSH | BPF_K, 1);
		f[n++] = CSTMT(BPF_ST, i % 16);
		f[n++] = CSTMT(BPF_LDX | BPF_W | BPF_MEM, i % 16);
		f[n++] = CSTMT(BPF_ALU | BPF_MUL | BPF_K, 3);
	}
	f[n++] = CSTMT(BPF_RET | BPF_A, 0);
	return n;
}

static void attach(int sock, const struct sock_fprog *prog)
{
	if (setsockopt(sock, SOL_SOCKET, SO_ATTACH_FILTER, prog,
		       sizeof(*prog)))
		die("SO_ATTACH_FILTER");
}

struct attach_args {
	int sock;
	struct sock_fprog prog;
};

static double attach_ns(const void *arg)
{
	const struct attach_args *a = arg;
	uint64_t t = now_ns();

	attach(a->sock, &a->prog);
	return now_ns() - t;
}

/*
 * A classic filter meets no verifier: attaching one checks it,
 * converts it to eBPF (net/core/filter.c on both kernels) and compiles
 * it. Each attach replaces the one before, which is freed.
 */
static void bench_classic(void)
{
	static struct sock_filter f[CLASSIC_LEN];
	struct attach_args a = {
		.sock = socket(AF_INET, SOCK_DGRAM, 0),
		.prog = { .filter = f, .len = classic_filter(f) },
	};
	FILE *optmem = fopen(OPTMEM_SYSCTL, "r+");
	double on[LOADS], diff[LOADS];
	long old_optmem;

	/* the socket is charged for its filter, which is large */
	if (a.sock < 0 || !optmem || fscanf(optmem, "%ld", &old_optmem) != 1)
		die(OPTMEM_SYSCTL);
	rewind(optmem);
	fprintf(optmem, "%d\n", 1 << 22);
	fflush(optmem);
	attach(a.sock, &a.prog);
	jit_on_off(attach_ns, &a, on, diff);
	close(a.sock);
	rewind(optmem);
	fprintf(optmem, "%ld\n", old_optmem);
	fclose(optmem);
	printf("bench jit-attach/classic %.1f ns/insn\n",
	       median(on, LOADS) / a.prog.len);
	printf("bench jit-time/classic %.1f ns/insn\n",
	       median(diff, LOADS) / a.prog.len);
}

/* ---- seccomp ---------------------------------------------------------- */

#define SYSCALLS	10000
#define SECCOMP_ROUNDS	15
#define ALLOWED		200

#define JEQ(k, t, f)	((struct sock_filter){ BPF_JMP | BPF_JEQ | BPF_K, t, f, k })

/*
 * Allow system calls 0-199 but fcntl, exit_group, clock_gettime, fcntl with
 * F_GETFD or F_GETFL; fail anything else with EPERM. An allow-list as
 * long as a container runtime's, checked one number after the other.
 * fcntl's check of its command keeps the kernel from caching the
 * verdict: for fcntl the whole filter runs on every call.
 */
static int seccomp_filter(struct sock_filter *f)
{
	int n = 0, i, allow;

	f[n++] = CSTMT(BPF_LD | BPF_W | BPF_ABS,
		       offsetof(struct seccomp_data, arch));
	f[n++] = JEQ(AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = CSTMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = CSTMT(BPF_LD | BPF_W | BPF_ABS,
		       offsetof(struct seccomp_data, nr));
	for (i = 0; i < ALLOWED; i++)
		if (i != __NR_fcntl)
			f[n++] = JEQ(i, 0, 0);
	f[n++] = JEQ(__NR_exit_group, 0, 0);
	f[n++] = JEQ(__NR_clock_gettime, 0, 0);	/* when the vDSO cannot */
	allow = n + 4;
	for (i = 4; i < n; i++)
		f[i].jt = allow - i - 1;
	f[n++] = JEQ(__NR_fcntl, 0, 4);
	f[n++] = CSTMT(BPF_LD | BPF_W | BPF_ABS,
		       offsetof(struct seccomp_data, args[1]));
	f[n++] = JEQ(F_GETFD, 1, 0);
	f[n++] = JEQ(F_GETFL, 0, 1);
	f[n++] = CSTMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = CSTMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	return n;
}

/*
 * ns per fcntl(F_GETFD), in a child (which a filter stays on) without
 * a filter (@filter 0) or with one compiled as net.core.bpf_jit_enable
 * says.
 */
static double syscall_ns(bool filter)
{
	struct sock_filter f[ALLOWED + 16];
	struct sock_fprog prog = { .filter = f, .len = seccomp_filter(f) };
	int pipefd[2], status, i;
	uint64_t t;
	double ns;
	pid_t pid;

	if (pipe(pipefd))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		if (filter &&
		    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)))
			die("seccomp");
		for (i = 0; i < SYSCALLS / 10; i++)	/* warm up */
			fcntl(pipefd[1], F_GETFD);
		t = now_ns();
		for (i = 0; i < SYSCALLS; i++)
			if (fcntl(pipefd[1], F_GETFD) < 0)
				die("fcntl");
		ns = (double)(now_ns() - t) / SYSCALLS;
		_exit(write(pipefd[1], &ns, sizeof(ns)) != sizeof(ns));
	}
	if (read(pipefd[0], &ns, sizeof(ns)) != sizeof(ns) ||
	    waitpid(pid, &status, 0) != pid || status)
		die("seccomp child");
	close(pipefd[0]);
	close(pipefd[1]);
	return ns;
}

/* The three kinds of child in turn, then the medians of each. */
static void bench_seccomp(void)
{
	double bare[SECCOMP_ROUNDS], interp[SECCOMP_ROUNDS],
	       jit[SECCOMP_ROUNDS], base;
	int r;

	for (r = 0; r < SECCOMP_ROUNDS; r++) {
		bare[r] = syscall_ns(false);
		set_jit(0);
		interp[r] = syscall_ns(true);
		set_jit(1);
		jit[r] = syscall_ns(true);
	}
	base = median(bare, SECCOMP_ROUNDS);
	printf("bench seccomp/syscall %.1f ns\n", base);
	printf("bench seccomp/filter_run %.1f ns\n",
	       median(interp, SECCOMP_ROUNDS) - base);
	printf("bench jit_seccomp/filter_run %.1f ns\n",
	       median(jit, SECCOMP_ROUNDS) - base);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access(JIT_SYSCTL, F_OK)) {
		printf("# bench_jit: this kernel has no JIT\n");
		return 0;
	}
	if (set_jit(1) < 0)
		die(JIT_SYSCTL);
	bench_generated();
	bench_classic();
	bench_corpus();
	bench_seccomp();
	return 0;
}
