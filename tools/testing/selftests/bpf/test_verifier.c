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
#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"

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

	for (k = 0; k < sizeof(map_fds) / sizeof(map_fds[0]); k++) {
		if (map_fds[k] >= 0)
			close(map_fds[k]);
		map_fds[k] = -1;
	}
}

static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const int caps[] = { CAP_SYS_ADMIN, CAP_NET_ADMIN, 38 /* PERFMON */,
			     39 /* BPF */ };
	size_t i;

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		data[caps[i] / 32].effective &= ~(1U << (caps[i] % 32));
		data[caps[i] / 32].permitted &= ~(1U << (caps[i] % 32));
	}
	return syscall(SYS_capset, &hdr, data);
}

static char log_buf[1 << 20];

/* A zeroed Ethernet header, then payload bytes 1, 2, 3, ... */
static void make_packet(uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		data[i] = i < 14 ? 0 : i - 13;
}

/* Load in a child without privileges; returns its fd status as errno. */
static int load_unprivileged(const struct vcase *c, struct bpf_insn *insns,
			     uint32_t n, bool *log_ok)
{
	int pipefd[2], status, result[2] = { -1, 0 };
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
		if (drop_privileges())
			_exit(2);
		fd = ebpf_prog_load_opts(c->type ?: BPF_PROG_TYPE_SOCKET_FILTER,
					 insns, n, &opts);
		result[0] = fd < 0 ? errno : 0;
		result[1] = !c->unpriv_log || strstr(log_buf, c->unpriv_log);
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
		int uerr = load_unprivileged(c, insns, n, &log_ok);

		want_err = c->unpriv == U_SAME ? (c->err ?: EACCES) :
			   (c->unpriv_err ?: EACCES);
		if (want == ACCEPT && uerr)
			tap_fail("unprivileged: refused (%s)", strerror(uerr));
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
	char flavour[32] = "";
	FILE *f;

	f = fopen("/etc/kernel-flavour", "r");
	if (f) {
		if (fgets(flavour, sizeof(flavour), f))
			on_ours = !strncmp(flavour, "ours", 4);
		fclose(f);
	}
	/* upstream's default keeps unprivileged bpf(2) off; allow it */
	f = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "r+");
	if (f) {
		int v = 0;

		if (fscanf(f, "%d", &v) == 1 && v == 2) {
			rewind(f);
			fputs("0\n", f);
			v = 0;
		}
		fclose(f);
		unpriv_possible = v == 0;
	} else {
		unpriv_possible = true;
	}
	memset(map_fds, -1, sizeof(map_fds));
	has_tracepoints = probe_type(BPF_PROG_TYPE_TRACEPOINT);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	size_t i, n = 0;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	setup();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase *c = &cases[i];

		if (filter && !strstr(c->name, filter))
			continue;
		tap_failed = 0;
		tap_skip_reason = NULL;
		run_case(c);
		n++;
		if (tap_skip_reason && !tap_failed)
			printf("ok %zu %s # SKIP %s\n", n, c->name,
			       tap_skip_reason);
		else
			printf("%sok %zu %s\n", tap_failed ? "not " : "", n,
			       c->name);
		failed += tap_failed;
	}
	printf("1..%zu\n", n);
	return failed ? 1 : 0;
}
