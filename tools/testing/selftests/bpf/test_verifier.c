// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's rules, one case each: a program, its type, the verdict
 * (accepted, or refused with an errno and, on our kernel, a substring of
 * the log) and, for accepted socket filters, the value a run returns.
 * Cases may also state the verdict for an unprivileged loader, which
 * runs in a child without CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON and
 * CAP_NET_ADMIN.
 *
 * The same binary runs on the reference kernel: verdicts, errnos and
 * return values must agree there; log texts are ours and are only
 * checked on our kernel.
 *
 * Maps are named by placeholders (MAP_ARRAY8, ...) in LDMAP(); the
 * runner creates a fresh map for each and patches its fd in.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"
#include "unpriv.h"

#define MAX_INSNS	64

enum { ACCEPT = 1, REJECT };

/* What an unprivileged loader gets. */
enum { U_UNTESTED, U_SAME, U_ACCEPT, U_REJECT };

/* Map placeholders for LDMAP(). */
enum {
	MAP_ARRAY8 = 1000,	/* array, 4-byte key, 8-byte value, 4 entries */
	MAP_ARRAY48,		/* array, 48-byte value, 4 entries */
	MAP_ARRAY_RDONLY,	/* MAP_ARRAY8 with BPF_F_RDONLY_PROG */
	MAP_ARRAY_WRONLY,	/* MAP_ARRAY8 with BPF_F_WRONLY_PROG */
	MAP_HASH8,		/* hash, 8-byte key, 8-byte value */
	MAP_PROGS,		/* program array of 4 */
	MAP_PERF_EVENTS,	/* perf event array of 4 */
	MAP_LAST
};

struct vcase {
	const char *name;
	struct bpf_insn insns[MAX_INSNS];
	uint32_t len;		/* 0: up to the last nonzero instruction */
	uint32_t type;		/* 0: BPF_PROG_TYPE_SOCKET_FILTER */
	int result;
	int err;		/* errno of a refusal; 0 means EACCES */
	const char *log;	/* in the log of a refusal, on our kernel */
	int unpriv;
	int unpriv_err;		/* 0: EACCES */
	const char *unpriv_log;
	bool run;		/* run it and compare the return value */
	uint32_t retval;
	uint32_t flags;		/* prog_flags */
	const char *license;
	uint32_t log_level;	/* 0: 1 */
	/* why the reference kernel, upstream's, gives another verdict */
	const char *ref_skip;
};

#include "verifier_cases.h"
#include "verifier_cases_packet.h"
#include "verifier_cases_trace.h"
#include "verifier_cases_calls.h"

static bool on_ours;
static bool unpriv_possible;
static bool has_tracepoints;
static int map_fds[MAP_LAST - MAP_ARRAY8];

static int create_map(int which)
{
	switch (which) {
	case MAP_ARRAY8:
		return ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	case MAP_ARRAY48:
		return ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 48, 4, 0);
	case MAP_ARRAY_RDONLY:
		return ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4,
				       BPF_F_RDONLY_PROG);
	case MAP_ARRAY_WRONLY:
		return ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4,
				       BPF_F_WRONLY_PROG);
	case MAP_HASH8:
		return ebpf_map_create(BPF_MAP_TYPE_HASH, 8, 8, 16, 0);
	case MAP_PROGS:
		return ebpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	case MAP_PERF_EVENTS:
		return ebpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4,
				       0);
	}
	return -1;
}

static uint32_t case_len(const struct vcase *c)
{
	uint32_t n = MAX_INSNS;

	if (c->len)
		return c->len;
	while (n && !memcmp(&c->insns[n - 1], &(struct bpf_insn){},
			    sizeof(struct bpf_insn)))
		n--;
	return n;
}

/* Patch map placeholders with fresh maps; false if a map type is missing. */
static bool fix_maps(struct bpf_insn *insns, uint32_t n)
{
	uint32_t i;
	int k;

	for (i = 0; i < n; i++) {
		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW) ||
		    insns[i].src_reg != BPF_PSEUDO_MAP_FD ||
		    insns[i].imm < MAP_ARRAY8 || insns[i].imm >= MAP_LAST)
			continue;
		k = insns[i].imm - MAP_ARRAY8;
		if (map_fds[k] < 0)
			map_fds[k] = create_map(insns[i].imm);
		if (map_fds[k] < 0)
			return false;
		insns[i].imm = map_fds[k];
	}
	return true;
}

static void close_maps(void)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(map_fds); k++) {
		if (map_fds[k] >= 0)
			close(map_fds[k]);
		map_fds[k] = -1;
	}
}

static char log_buf[1 << 20];

/* A zeroed Ethernet header, then payload bytes 1, 2, 3, ... */
static void make_packet(uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		data[i] = i < 14 ? 0 : i - 13;
}

/*
 * Load in a child without privileges, and run what it accepts when the
 * case runs: unprivileged programs are rewritten against speculation and
 * must still compute the same. Returns the load's errno, 0 if accepted.
 */
static int load_unprivileged(const struct vcase *c, struct bpf_insn *insns,
			     uint32_t n, bool *log_ok, uint32_t *retval)
{
	int pipefd[2], status, result[3] = { -1, 0, 0 };
	uint8_t data[64];
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (!pid) {
		struct ebpf_load_opts opts = {
			.license = c->license, .flags = c->flags,
			.log_level = 1, .log_buf = log_buf,
			.log_size = sizeof(log_buf),
		};
		int fd;

		log_buf[0] = 0;
		if (unpriv_drop_caps())
			_exit(2);
		fd = ebpf_prog_load_opts(c->type ?: BPF_PROG_TYPE_SOCKET_FILTER,
					 insns, n, &opts);
		result[0] = fd < 0 ? errno : 0;
		result[1] = !c->unpriv_log || strstr(log_buf, c->unpriv_log);
		make_packet(data, sizeof(data));
		if (fd >= 0 && c->run &&
		    ebpf_prog_test_run(fd, data, sizeof(data),
				       (uint32_t *)&result[2], NULL, 1))
			result[2] = ~c->retval;
		if (write(pipefd[1], result, sizeof(result)) < 0)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], result, sizeof(result)) != sizeof(result))
		result[0] = -1;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	*log_ok = result[1];
	*retval = result[2];
	return result[0];
}

static void run_case(const struct vcase *c)
{
	struct bpf_insn insns[MAX_INSNS];
	uint32_t n = case_len(c), retval;
	struct ebpf_load_opts opts = {
		.license = c->license, .flags = c->flags,
		.log_level = c->log_level ?: 1, .log_buf = log_buf,
		.log_size = sizeof(log_buf),
	};
	int fd, want_err = c->err ?: EACCES;
	uint8_t data[64];
	bool log_ok = true;

	if (c->ref_skip && !on_ours) {
		tap_skip(c->ref_skip);
		return;
	}
	if (c->type == BPF_PROG_TYPE_TRACEPOINT && !has_tracepoints) {
		tap_skip("this kernel has no tracepoint programs");
		return;
	}
	memcpy(insns, c->insns, sizeof(insns));
	if (!fix_maps(insns, n)) {
		tap_skip("a map type this kernel lacks");
		close_maps();
		return;
	}
	log_buf[0] = 0;
	errno = 0;
	fd = ebpf_prog_load_opts(c->type ?: BPF_PROG_TYPE_SOCKET_FILTER,
				 insns, n, &opts);
	if (c->result == ACCEPT && fd < 0)
		tap_fail("refused (%s):\n%s", strerror(errno), log_buf);
	if (c->result == REJECT && fd >= 0)
		tap_fail("accepted, expected errno %d", want_err);
	if (c->result == REJECT && fd < 0 && errno != want_err)
		tap_fail("errno %d (%s), expected %d:\n%s", errno,
			 strerror(errno), want_err, log_buf);
	if (c->result == REJECT && fd < 0 && on_ours && c->log &&
	    !strstr(log_buf, c->log))
		tap_fail("log lacks \"%s\":\n%s", c->log, log_buf);

	if (fd >= 0 && c->run) {
		make_packet(data, sizeof(data));
		if (ebpf_prog_test_run(fd, data, sizeof(data), &retval, NULL, 1))
			tap_fail("test run failed: %s", strerror(errno));
		else if (retval != c->retval)
			tap_fail("returned %u (%#x), expected %u (%#x)", retval,
				 retval, c->retval, c->retval);
	}
	if (fd >= 0)
		close(fd);

	if (c->unpriv != U_UNTESTED && unpriv_possible) {
		int want = c->unpriv == U_SAME ? c->result :
			   c->unpriv == U_ACCEPT ? ACCEPT : REJECT;
		int uerr = load_unprivileged(c, insns, n, &log_ok, &retval);

		want_err = c->unpriv == U_SAME ? (c->err ?: EACCES) :
			   (c->unpriv_err ?: EACCES);
		if (want == ACCEPT && uerr)
			tap_fail("unprivileged: refused (%s)", strerror(uerr));
		if (want == ACCEPT && !uerr && c->run && retval != c->retval)
			tap_fail("unprivileged: returned %u (%#x), expected %u",
				 retval, retval, c->retval);
		if (want == REJECT && !uerr)
			tap_fail("unprivileged: accepted");
		if (want == REJECT && uerr && uerr != want_err)
			tap_fail("unprivileged: errno %d (%s), expected %d",
				 uerr, strerror(uerr), want_err);
		if (want == REJECT && on_ours && !log_ok)
			tap_fail("unprivileged: log lacks \"%s\"",
				 c->unpriv_log);
	}
	close_maps();
}

static bool probe_type(enum bpf_prog_type type)
{
	struct bpf_insn insns[] = { MOV64I(R0, 0), EXIT() };
	int fd = ebpf_prog_load(type, insns, 2, NULL, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void setup(void)
{
	on_ours = kernel_flavour("ours");
	unpriv_possible = unpriv_bpf_allow();
	memset(map_fds, -1, sizeof(map_fds));
	has_tracepoints = probe_type(BPF_PROG_TYPE_TRACEPOINT);
}

/* ---- cases that are more than one load --------------------------------- */

static const struct bpf_insn ret0[] = { MOV64I(R0, 0), EXIT() };

static int load_attr(union bpf_attr *attr)
{
	return sys_bpf(BPF_PROG_LOAD, attr, sizeof(*attr));
}

static void attr_for(union bpf_attr *attr, const struct bpf_insn *insns,
		     uint32_t n)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr->insns = ptr_to_u64(insns);
	attr->insn_cnt = n;
	attr->license = ptr_to_u64("GPL");
}

static void load_no_insns(void)
{
	union bpf_attr attr;

	attr_for(&attr, ret0, 0);
	expect_errno(load_attr(&attr), E2BIG);
}

static void load_insns_fault(void)
{
	union bpf_attr attr;

	attr_for(&attr, ret0, 2);
	attr.insns = ptr_to_u64((void *)8);
	expect_errno(load_attr(&attr), EFAULT);
}

static void load_license_fault(void)
{
	union bpf_attr attr;

	attr_for(&attr, ret0, 2);
	attr.license = 0;
	expect_errno(load_attr(&attr), EFAULT);
}

static void load_unknown_type(void)
{
	union bpf_attr attr;

	attr_for(&attr, ret0, 2);
	attr.prog_type = 9999;
	expect_errno(load_attr(&attr), EINVAL);
}

static void load_names(void)
{
	union bpf_attr attr;
	int fd;

	attr_for(&attr, ret0, 2);
	strcpy(attr.prog_name, "ok.name_1");
	fd = expect_ok(load_attr(&attr));
	close(fd);
	strcpy(attr.prog_name, "not-ok");
	expect_errno(load_attr(&attr), EINVAL);
	memset(attr.prog_name, 'a', sizeof(attr.prog_name));
	expect_errno(load_attr(&attr), EINVAL);
}

static void load_ignored_fields(void)
{
	union bpf_attr attr;
	int fd;

	/* kern_version and expected_attach_type mean nothing here */
	attr_for(&attr, ret0, 2);
	attr.kern_version = 0x12345;
	attr.expected_attach_type = 7;
	fd = expect_ok(load_attr(&attr));
	close(fd);
}

static void load_attach_btf_id(void)
{
	union bpf_attr attr;

	attr_for(&attr, ret0, 2);
	attr.attach_btf_id = 1;
	expect_errno(load_attr(&attr), EINVAL);
}

static void load_past_the_attr(void)
{
	char big[sizeof(union bpf_attr) + 8] = {};
	union bpf_attr *attr = (union bpf_attr *)big;

	attr_for(attr, ret0, 2);
	big[sizeof(union bpf_attr) + 3] = 1;
	expect_errno(sys_bpf(BPF_PROG_LOAD, attr, sizeof(big)), E2BIG);
}

static struct bpf_insn *movs_then_exit(uint32_t n)
{
	struct bpf_insn *insns = calloc(n, sizeof(*insns));
	uint32_t i;

	for (i = 0; i < n - 1; i++)
		insns[i] = MOV64I(R0, i);
	insns[n - 1] = EXIT();
	return insns;
}

/* 4096 instructions for everyone, more for privileged loaders only */
static void load_sizes(void)
{
	struct bpf_insn *insns = movs_then_exit(BPF_MAXINSNS);
	struct bpf_insn *more = movs_then_exit(BPF_MAXINSNS + 1);
	char log[256];
	struct ebpf_load_opts opts = {
		.log_level = 4, .log_buf = log, .log_size = sizeof(log),
	};
	int fd;

	fd = expect_ok(ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, insns,
					   BPF_MAXINSNS, &opts));
	close(fd);
	expect(strstr(log, "processed 4096 insns"));
	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, more,
				      BPF_MAXINSNS + 1, NULL, 0));
	close(fd);
	free(insns);
	free(more);
}

static void load_too_many_insns(void)
{
	struct bpf_insn *insns = movs_then_exit(1000001);

	expect_errno(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				    1000001, NULL, 0), E2BIG);
	free(insns);
}

static void load_unprivileged_limits(void)
{
	struct bpf_insn *insns = movs_then_exit(BPF_MAXINSNS + 1);
	int status;
	pid_t pid;

	if (!unpriv_possible) {
		tap_skip("unprivileged bpf(2) is disabled");
		free(insns);
		return;
	}
	pid = fork();
	if (!pid) {
		int r1, r2;

		if (unpriv_drop_caps())
			_exit(9);
		r1 = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				    BPF_MAXINSNS + 1, NULL, 0) < 0 &&
		     errno == E2BIG;
		r2 = ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2, NULL,
				    0) < 0 && errno == EPERM;
		_exit(r1 && r2 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(insns);
}

/* 65 maps in one program */
static void load_too_many_maps(void)
{
	struct bpf_insn insns[65 * 2 + 2];
	int fds[65], i;

	for (i = 0; i < 65; i++) {
		struct bpf_insn ld[] = { LDMAP(R1, 0) };

		fds[i] = expect_ok(create_map(MAP_ARRAY8));
		ld[0].imm = fds[i];
		insns[2 * i] = ld[0];
		insns[2 * i + 1] = ld[1];
	}
	insns[130] = MOV64I(R0, 0);
	insns[131] = EXIT();
	expect_errno(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 132,
				    NULL, 0), E2BIG);
	/* 64 are fine */
	insns[128] = MOV64I(R0, 0);
	insns[129] = EXIT();
	i = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 130,
				     NULL, 0));
	close(i);
	for (i = 0; i < 65; i++)
		close(fds[i]);
}

static const struct bpf_insn bad_prog[] = {
	MOV64I(R1, 1), MOV64I(R2, 2), MOV64I(R3, 3), MOV64I(R4, 4),
	MOV64I(R5, 5), MOV64I(R6, 6), LDX(BPF_DW, R0, R7, 0), EXIT(),
};

static int load_logged(const struct bpf_insn *insns, uint32_t n,
		       uint32_t level, char *buf, uint32_t size)
{
	struct ebpf_load_opts opts = {
		.log_level = level, .log_buf = buf, .log_size = size,
	};

	return ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, insns, n,
				   &opts);
}

static void log_attrs(void)
{
	char buf[256];

	expect_errno(load_logged(ret0, 2, 1, NULL, sizeof(buf)), EINVAL);
	expect_errno(load_logged(ret0, 2, 0, buf, sizeof(buf)), EINVAL);
	expect_errno(load_logged(ret0, 2, 1, buf, 127), EINVAL);
	expect_errno(load_logged(ret0, 2, 8, buf, sizeof(buf)), EINVAL);
	expect_errno(load_logged(ret0, 2, 1, (char *)8, sizeof(buf)), EFAULT);
	expect_ok(load_logged(ret0, 2, 7, buf, sizeof(buf)));
}

/* A log that does not fit: ENOSPC, and what fits is NUL-terminated. */
static void log_truncated(void)
{
	char buf[1024];

	memset(buf, 'x', sizeof(buf));
	expect_errno(load_logged(bad_prog, 8, 2, buf, 128), ENOSPC);
	expect(strlen(buf) == 127);
	expect(buf[128] == 'x');
}

/* A log that does not fit fails the load even of a good program. */
static void log_full_on_success(void)
{
	char buf[128];

	memset(buf, 'x', sizeof(buf));
	expect_errno(load_logged(ret0, 2, 2, buf, sizeof(buf)), ENOSPC);
	expect(strnlen(buf, sizeof(buf)) == sizeof(buf) - 1);
}

static void log_stats(void)
{
	char buf[1024] = "";
	int fd;

	fd = expect_ok(load_logged(ret0, 2, 4, buf, sizeof(buf)));
	close(fd);
	expect(strstr(buf, "processed 2 insns"));
}

/* Our log: the failing path, the reason with the instruction, the state */
static void log_failing_path(void)
{
	char buf[4096] = "";

	if (!on_ours) {
		tap_skip("our log format");
		return;
	}
	expect_errno(load_logged(bad_prog, 8, 1, buf, sizeof(buf)), EACCES);
	expect(strstr(buf, "0: r1 = 1\n"));
	expect(strstr(buf, "5: r6 = 6\n"));
	expect(strstr(buf, "6: R7 is read before it is written"));
	expect(strstr(buf, "R6=6"));
}

static void log_every_insn(void)
{
	const struct bpf_insn insns[] = {
		MOV64I(R0, 1), JI(BPF_JEQ, R0, 1, 1), MOV64I(R0, 2), EXIT(),
	};
	char buf[4096] = "";
	int fd;

	if (!on_ours) {
		tap_skip("our log format");
		return;
	}
	fd = expect_ok(load_logged(insns, 4, 2, buf, sizeof(buf)));
	close(fd);
	expect(strstr(buf, "0: r0 = 1"));
	expect(strstr(buf, "R0=1"));
	expect(strstr(buf, "1: if r0 == 1 goto pc+1"));
	expect(strstr(buf, "3: exit"));
	expect(!strstr(buf, "2: r0 = 2"));
}

/* The program keeps its maps after their fds are closed. */
static void map_held_by_program(void)
{
	uint32_t key = 0, retval = 0;
	uint64_t value = 1234;
	uint8_t data[64];
	int map = expect_ok(create_map(MAP_ARRAY8)), fd;
	struct bpf_insn insns[] = { VALUE(map), LDX(BPF_DW, R0, R0, 0), EXIT() };

	expect_ok(ebpf_map_update(map, &key, &value, 0));
	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				      ARRAY_SIZE(insns), NULL,
				      0));
	close(map);
	make_packet(data, sizeof(data));
	expect_ok(ebpf_prog_test_run(fd, data, sizeof(data), &retval, NULL, 1));
	expect_eq(retval, 1234);
	close(fd);
}

static int test_run_attr(union bpf_attr *attr)
{
	return sys_bpf(BPF_PROG_TEST_RUN, attr, sizeof(*attr));
}

static void test_run_errors(void)
{
	uint8_t data[64] = {};
	union bpf_attr attr;
	int fd, map;

	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret0, 2,
				      NULL, 0));
	expect_errno(ebpf_prog_test_run(fd, data, 13, NULL, NULL, 1), EINVAL);
	expect_errno(ebpf_prog_test_run(fd, (void *)8, 64, NULL, NULL, 1),
		     EFAULT);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = sizeof(data);
	attr.test.flags = 1U << 20;
	expect_errno(test_run_attr(&attr), EINVAL);
	attr.test.flags = 0;
	attr.test.ctx_size_in = 8;
	expect_errno(test_run_attr(&attr), EINVAL);
	close(fd);
	expect_errno(ebpf_prog_test_run(999, data, 64, NULL, NULL, 1), EBADF);
	map = expect_ok(create_map(MAP_ARRAY8));
	expect_errno(ebpf_prog_test_run(map, data, 64, NULL, NULL, 1), EINVAL);
	close(map);
}

/* Data comes back with a zeroed Ethernet header; ENOSPC when cut. */
static void test_run_data_out(void)
{
	uint8_t data[64], out[64];
	union bpf_attr attr;
	int fd;

	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret0, 2,
				      NULL, 0));
	make_packet(data, sizeof(data));
	data[0] = 0xaa;
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = sizeof(data);
	attr.test.data_out = ptr_to_u64(out);
	attr.test.data_size_out = sizeof(out);
	attr.test.repeat = 100;
	expect_ok(test_run_attr(&attr));
	expect_eq(attr.test.data_size_out, 64);
	expect_eq(out[0], 0);
	expect(!memcmp(out + 14, data + 14, 50));
	attr.test.data_size_out = 20;
	expect_errno(test_run_attr(&attr), ENOSPC);
	expect_eq(attr.test.data_size_out, 64);
	close(fd);
}

/* ctx_in sets mark and cb, ctx_out gives back what the program wrote */
static void test_run_ctx(void)
{
	const struct bpf_insn insns[] = {
		LDX(BPF_W, R0, R1, offsetof(struct __sk_buff, mark)),
		LDX(BPF_W, R2, R1, offsetof(struct __sk_buff, cb[1])),
		A64(BPF_ADD, R0, R2), MOV64I(R2, 77),
		STX(BPF_W, R1, offsetof(struct __sk_buff, cb[3]), R2), EXIT(),
	};
	struct __sk_buff in = { .mark = 5, .cb[1] = 6 }, out = {};
	uint8_t data[64];
	union bpf_attr attr;
	int fd;

	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				      ARRAY_SIZE(insns), NULL,
				      0));
	make_packet(data, sizeof(data));
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = sizeof(data);
	attr.test.ctx_in = ptr_to_u64(&in);
	attr.test.ctx_size_in = sizeof(in);
	attr.test.ctx_out = ptr_to_u64(&out);
	attr.test.ctx_size_out = sizeof(out);
	expect_ok(test_run_attr(&attr));
	expect_eq(attr.test.retval, 11);
	expect_eq(out.cb[3], 77);
	expect_eq(out.mark, 5);
	in.len = 1;
	expect_errno(test_run_attr(&attr), EINVAL);
	close(fd);
}

static void test_run_tracepoint(void)
{
	uint8_t data[64] = {};
	int fd;

	if (!has_tracepoints) {
		tap_skip("this kernel has no tracepoint programs");
		return;
	}
	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2, NULL,
				      0));
	expect_errno(ebpf_prog_test_run(fd, data, 64, NULL, NULL, 1), 524);
	close(fd);
}

/* Tail calls need program arrays, from the maps branch of the series. */
static void tail_calls(void)
{
	const struct bpf_insn callee[] = { MOV64I(R0, 42), EXIT() };
	uint32_t key = 1, retval = 0;
	uint8_t data[64];
	int progs = create_map(MAP_PROGS), target, fd;
	struct bpf_insn caller[] = {
		MOV64(R6, R1), MOV64I(R3, 0), LDMAP(R2, progs),
		CALL(BPF_FUNC_tail_call),
		MOV64(R1, R6), MOV64I(R3, 1), LDMAP(R2, progs),
		CALL(BPF_FUNC_tail_call),
		MOV64I(R0, 7), EXIT(),
	};

	if (progs < 0) {
		tap_skip("no program arrays");
		return;
	}
	caller[2].imm = progs;
	caller[7].imm = progs;
	target = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, callee,
					  2, NULL, 0));
	log_buf[0] = 0;
	fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, caller,
			    ARRAY_SIZE(caller), log_buf,
			    sizeof(log_buf));
	if (fd < 0)
		tap_fail("caller refused: %s\n%s", strerror(errno), log_buf);
	make_packet(data, sizeof(data));
	/* slot 0 is empty: the program goes on after the call */
	expect_ok(ebpf_prog_test_run(fd, data, 64, &retval, NULL, 1));
	expect_eq(retval, 7);
	expect_ok(ebpf_map_update(progs, &key, &target, 0));
	expect_ok(ebpf_prog_test_run(fd, data, 64, &retval, NULL, 1));
	expect_eq(retval, 42);
	close(fd);
	close(target);
	close(progs);
}

static void tail_call_map_types(void)
{
	int progs = create_map(MAP_PROGS), array = create_map(MAP_ARRAY8);
	struct bpf_insn with_array[] = {
		MOV64I(R3, 0), LDMAP(R2, array), CALL(BPF_FUNC_tail_call),
		MOV64I(R0, 0), EXIT(),
	};
	struct bpf_insn lookup_progs[] = { VALUE(progs), MOV64I(R0, 0), EXIT() };

	if (progs < 0) {
		tap_skip("no program arrays");
		close(array);
		return;
	}
	with_array[1].imm = array;
	lookup_progs[3].imm = progs;
	expect_errno(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, with_array, 5,
				    NULL, 0), EINVAL);
	expect_errno(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, lookup_progs,
				    ARRAY_SIZE(lookup_progs), NULL, 0), EINVAL);
	close(array);
	close(progs);
}

/* Many paths that meet again must verify in few steps. */
static void pruning_keeps_it_small(void)
{
	struct bpf_insn insns[40 * 4 + 2];
	char log[512] = "";
	int i, n = 0, fd;
	unsigned int processed = 0;
	char *p;

	for (i = 0; i < 40; i++) {
		/* if (time is odd) r3 = i; r3 is dead where paths meet */
		insns[n++] = CALL(BPF_FUNC_ktime_get_ns);
		insns[n++] = JI(BPF_JSET, R0, 1, 1);
		insns[n++] = MOV64I(R3, i);
		insns[n++] = MOV64I(R3, 0);
	}
	insns[n++] = MOV64I(R0, 1);
	insns[n++] = EXIT();
	fd = expect_ok(load_logged(insns, n, 4, log, sizeof(log)));
	close(fd);
	p = strstr(log, "processed ");
	if (p)
		processed = strtoul(p + 10, NULL, 10);
	expect(processed > 0 && processed < 1000);
}

static const struct tap_case fcases[] = {
	TAP_CASE(load_no_insns),
	TAP_CASE(load_insns_fault),
	TAP_CASE(load_license_fault),
	TAP_CASE(load_unknown_type),
	TAP_CASE(load_names),
	TAP_CASE(load_ignored_fields),
	TAP_CASE(load_attach_btf_id),
	TAP_CASE(load_past_the_attr),
	TAP_CASE(load_sizes),
	TAP_CASE(load_too_many_insns),
	TAP_CASE(load_unprivileged_limits),
	TAP_CASE(load_too_many_maps),
	TAP_CASE(log_attrs),
	TAP_CASE(log_truncated),
	TAP_CASE(log_full_on_success),
	TAP_CASE(log_stats),
	TAP_CASE(log_failing_path),
	TAP_CASE(log_every_insn),
	TAP_CASE(map_held_by_program),
	TAP_CASE(test_run_errors),
	TAP_CASE(test_run_data_out),
	TAP_CASE(test_run_ctx),
	TAP_CASE(test_run_tracepoint),
	TAP_CASE(tail_calls),
	TAP_CASE(tail_call_map_types),
	TAP_CASE(pruning_keeps_it_small),
	{}
};

/* Runs the selected @count cases, numbering on from *@n; how many failed. */
static int run_cases(const struct vcase *c, size_t count, const char *filter,
		     int *n)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		if (!tap_selected(filter, c[i].name))
			continue;
		tap_begin();
		run_case(&c[i]);
		failed += tap_end(++*n, c[i].name);
	}
	return failed;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int n = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	setup();
	failed += run_cases(cases, ARRAY_SIZE(cases), filter, &n);
	failed += run_cases(packet_cases, ARRAY_SIZE(packet_cases), filter, &n);
	failed += run_cases(trace_cases, ARRAY_SIZE(trace_cases), filter, &n);
	failed += run_cases(call_cases, ARRAY_SIZE(call_cases), filter, &n);
	failed += tap_run_list(fcases, filter, &n);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
