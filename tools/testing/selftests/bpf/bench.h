/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks share: a monotonic clock in ns, the median of a
 * round's figures (the report takes medians, never one run), the time
 * of one program load, and net.core.bpf_jit_enable, which a benchmark
 * that changes it puts back before it ends.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ebpf.h"
#include "sysctl.h"

#define JIT_SYSCTL	"/proc/sys/net/core/bpf_jit_enable"

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v. */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * ns that one BPF_PROG_LOAD of the socket filter @insns takes, timed in
 * user space so that both kernels are timed alike; the program is
 * closed at once. -1 if it is refused (errno says why).
 */
static inline double load_ns(const struct bpf_insn *insns, int n,
			     const struct ebpf_load_opts *opts)
{
	uint64_t t = now_ns();
	int fd = ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, insns, n,
				     opts);
	double ns = now_ns() - t;

	if (fd < 0)
		return -1;
	close(fd);
	return ns;
}

/* What net.core.bpf_jit_enable was before set_jit() first changed it. */
static inline int *jit_before(void)
{
	static int value = -1;

	return &value;
}

static inline void restore_jit(void)
{
	sysctl_set(JIT_SYSCTL, *jit_before());
}

/*
 * Set net.core.bpf_jit_enable and return its old value, or -1 where the
 * kernel has no JIT (nothing is set then). The value from before the
 * first change is written back when the process exits (returning from
 * main or calling exit()), so the benchmarks after it in the same boot
 * see what the guest set.
 */
static inline int set_jit(int value)
{
	int old = sysctl_set(JIT_SYSCTL, value);

	if (old >= 0 && *jit_before() < 0) {
		*jit_before() = old;
		atexit(restore_jit);
	}
	return old;
}

#endif
