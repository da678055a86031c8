// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 JIT seen from user space: its images are freed with their
 * programs and leave no memory of the module area behind, they are named
 * in /proc/kallsyms, net.core.bpf_jit_enable=2 dumps them, and a JIT
 * that cannot compile (net.core.bpf_jit_limit reached) leaves the
 * program to the interpreter, which runs it alike. Instruction by
 * instruction the JIT is checked by lib/test_bpf.ko (test_bpf_jit*.sh)
 * and against the interpreter by test_verifier_random.
 *
 * Whether a program was JIT-compiled is seen through a program array,
 * which takes JIT-compiled programs or others but never both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "sysctl.h"
#include "tap.h"
#include "unpriv.h"

#define SYSCTL(name) "/proc/sys/net/core/bpf_jit_" name
#define UNPRIV_SYSCTL "/proc/sys/kernel/unprivileged_bpf_disabled"

static bool have_jit(void)
{
	if (access(SYSCTL("enable"), F_OK)) {
		tap_skip_reason = "this kernel has no JIT";
		return false;
	}
	return true;
}

/* r0 = 40 + 2; exit */
static int load_answer(const char *name)
{
	struct bpf_insn insns[] = {
		MOV64I(R0, 40),
		A64I(BPF_ADD, R0, 2),
		EXIT(),
	};

	return ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				   ARRAY_SIZE(insns),
				   &(struct ebpf_load_opts){ .name = name });
}

static uint32_t run_once(int fd)
{
	uint8_t data[64] = {};
	uint32_t ret = -1;

	expect_ok(ebpf_prog_test_run(fd, data, sizeof(data), &ret, NULL, 1));
	return ret;
}

/* 1 if @fd is JIT-compiled, 0 if not, -1 if it cannot be told. */
static int is_jited(int fd)
{
	int array, interp, jit = sysctl_set(SYSCTL("enable"), 0);
	uint32_t slot = 0;
	int ret = -1;

	interp = load_answer(NULL);
	sysctl_set(SYSCTL("enable"), jit);
	array = ebpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
	if (interp >= 0 && array >= 0 &&
	    !ebpf_map_update(array, &slot, &interp, 0)) {
		slot = 1;
		ret = !!ebpf_map_update(array, &slot, &fd, 0);
	}
	close(array);
	close(interp);
	return ret;
}

/*
 * Bytes of vmalloc memory in the module area, where the JIT's images
 * are: the area starts at MODULES_VADDR (0xffffffffa0000000 without
 * KASLR's offset, which only moves the kernel image). vmallocinfo
 * shows addresses with %pK: kernel.kptr_restrict=1 shows them to root.
 */
static long long module_area_bytes(void)
{
	unsigned long long start, end, sum = 0;
	char line[512];
	long kptr;
	FILE *f;

	kptr = sysctl_set("/proc/sys/kernel/kptr_restrict", 1);
	f = fopen("/proc/vmallocinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "0x%llx-0x%llx", &start, &end) == 2 &&
		    start >= 0xffffffffa0000000ULL)
			sum += end - start;
	if (f)
		fclose(f);
	if (kptr >= 0)
		sysctl_set("/proc/sys/kernel/kptr_restrict", kptr);
	return f ? (long long)sum : -1;
}

/* Programs are freed after a grace period, by a worker: wait for it. */
static long long module_area_settled(long long want)
{
	long long now = module_area_bytes();
	int i;

	for (i = 0; i < 100 && now > want; i++) {
		usleep(50000);
		now = module_area_bytes();
	}
	return now;
}

#define HELD 16
#define LOOPS 3000

static void images_are_freed(void)
{
	long long before, held, after;
	int fds[HELD], i, fd;

	if (!have_jit())
		return;
	before = module_area_settled(0);
	expect(before >= 0);
	/* the count sees images: HELD programs hold at least a page each */
	for (i = 0; i < HELD; i++)
		fds[i] = expect_ok(load_answer(NULL));
	held = module_area_bytes();
	if (held - before < HELD * 4096)
		tap_fail("module area: %lld bytes, %lld with %d programs",
			 before, held, HELD);
	for (i = 0; i < HELD; i++)
		close(fds[i]);
	for (i = 0; i < LOOPS && !tap_failed; i++) {
		fd = expect_ok(load_answer(NULL));
		expect_eq(run_once(fd), 42);
		close(fd);
	}
	after = module_area_settled(before);
	if (after > before)
		tap_fail("module area: %lld bytes before %d programs, %lld after",
			 before, LOOPS, after);
}

/* Lines of /proc/kallsyms naming a JIT image of a program named @name. */
static int kallsyms_count(const char *name)
{
	char line[512], *sym;
	FILE *f = fopen("/proc/kallsyms", "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f)) {
		sym = strstr(line, " t bpf_prog_");
		if (sym && strstr(sym, name))
			found++;
	}
	if (f)
		fclose(f);
	return found;
}

static void named_in_kallsyms(void)
{
	int fd, found, i;

	if (!have_jit())
		return;
	fd = expect_ok(load_answer("jit_ksym_test"));
	/* bpf_prog_<tag>_<name> */
	expect_eq(kallsyms_count("_jit_ksym_test"), 1);
	close(fd);
	/* gone with the program, once a grace period has passed */
	found = 1;
	for (i = 0; i < 100 && found; i++) {
		usleep(50000);
		found = kallsyms_count("_jit_ksym_test");
	}
	expect_eq(found, 0);
}

static void enable_2_dumps_the_image(void)
{
	static char log[1 << 18];
	long old;
	int fd, n;

	if (!have_jit())
		return;
	klogctl(5, NULL, 0);			/* SYSLOG_ACTION_CLEAR */
	old = sysctl_set(SYSCTL("enable"), 2);
	fd = expect_ok(load_answer(NULL));
	sysctl_set(SYSCTL("enable"), old);
	expect_eq(is_jited(fd), 1);
	expect_eq(run_once(fd), 42);
	close(fd);
	n = klogctl(3, log, sizeof(log) - 1);	/* SYSLOG_ACTION_READ_ALL */
	expect(n > 0);
	log[n > 0 ? n : 0] = 0;
	expect(strstr(log, "flen=3 "));
	expect(strstr(log, "JIT code: 00000000: "));
}

static void enable_0_interprets(void)
{
	long old;
	int fd;

	if (!have_jit())
		return;
	old = sysctl_set(SYSCTL("enable"), 0);
	fd = expect_ok(load_answer(NULL));
	sysctl_set(SYSCTL("enable"), old);
	old = sysctl_set(SYSCTL("enable"), 1);
	expect_eq(is_jited(fd), 0);
	sysctl_set(SYSCTL("enable"), old);
	expect_eq(run_once(fd), 42);
	close(fd);
}

/* The kernel's ENOTSUPP, which user space headers do not have. */
#define ENOTSUPP_ERRNO	524

/*
 * Past net.core.bpf_jit_limit a program without CAP_BPF is left to the
 * interpreter: it loads and runs alike. Root's programs may go past.
 * The child sees its program is not JIT-compiled through a program
 * array that already holds root's, which is. A documented difference:
 * the reference (6.1.192) refuses the program instead, with ENOTSUPP,
 * as it refuses every program that asked for the JIT and did not get it.
 */
static void limit_falls_back(void)
{
	long old_limit, old_enable, old_unpriv;
	int status, fd;
	pid_t pid;

	if (!have_jit())
		return;
	/* 1 is a lock; test_maps wants upstream's default (2) back */
	old_unpriv = sysctl_get(UNPRIV_SYSCTL);
	if (old_unpriv == 1) {
		tap_skip_reason = "unprivileged bpf(2) is locked off";
		return;
	}
	sysctl_set(UNPRIV_SYSCTL, 0);
	old_enable = sysctl_set(SYSCTL("enable"), 1);
	old_limit = sysctl_set(SYSCTL("limit"), 1);
	fd = expect_ok(load_answer(NULL));
	expect_eq(is_jited(fd), 1);
	pid = fork();
	if (pid == 0) {
		int child_fd, array;
		uint32_t slot = 0;

		if (unpriv_drop_caps())
			_exit(2);
		child_fd = load_answer(NULL);
		if (child_fd < 0 && errno == ENOTSUPP_ERRNO)
			_exit(6);	/* refused, not interpreted */
		array = ebpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
		if (child_fd < 0 || array < 0 ||
		    ebpf_map_update(array, &slot, &fd, 0))
			_exit(3);
		slot = 1;
		if (!ebpf_map_update(array, &slot, &child_fd, 0) ||
		    errno != EINVAL)
			_exit(4);	/* JIT-compiled past the limit */
		_exit(run_once(child_fd) == 42 && !tap_failed ? 0 : 5);
	}
	expect(pid > 0);
	expect(waitpid(pid, &status, 0) == pid);
	expect(WIFEXITED(status));
	expect_eq(WEXITSTATUS(status), on_reference() ? 6 : 0);
	sysctl_set(SYSCTL("limit"), old_limit);
	sysctl_set(SYSCTL("enable"), old_enable);
	if (old_unpriv >= 0)
		sysctl_set(UNPRIV_SYSCTL, old_unpriv);
	close(fd);
}

static const struct tap_case cases[] = {
	TAP_CASE(images_are_freed),
	TAP_CASE(named_in_kallsyms),
	TAP_CASE(enable_2_dumps_the_image),
	TAP_CASE(enable_0_interprets),
	TAP_CASE(limit_falls_back),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
