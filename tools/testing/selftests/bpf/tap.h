/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for the guest tests.
 *
 * Each test binary is a list of cases. The host runner counts the
 * "ok"/"not ok" lines of every binary, so a case reports exactly once.
 * argv[1], when given, selects the cases whose name contains it.
 *
 *	static void array_update(void) { ... expect_eq(x, 1); ... }
 *	static const struct tap_case cases[] = {
 *		TAP_CASE(array_update),
 *		{}
 *	};
 *	int main(int argc, char **argv) { return tap_run(cases, argc, argv); }
 */
#ifndef __SELFTESTS_BPF_TAP_H
#define __SELFTESTS_BPF_TAP_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_case {
	const char *name;
	void (*run)(void);
};

#define TAP_CASE(fn) { #fn, fn }

/* State of the case being run. */
static int tap_failed;
static const char *tap_skip_reason;

#define tap_fail(fmt, ...) do {						\
	printf("# %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__);\
	tap_failed = 1;							\
} while (0)

#define expect(cond) do {						\
	if (!(cond))							\
		tap_fail("expected %s", #cond);				\
} while (0)

#define expect_eq(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		tap_fail("%s == %lld, expected %s == %lld",		\
			 #a, __a, #b, __b);				\
} while (0)

/* A syscall-style call (returns -1 and sets errno) that must fail with e. */
#define expect_errno(call, e) do {					\
	int __want = (e);						\
	long __r;							\
	errno = 0;							\
	__r = (long)(call);						\
	if (__r != -1 || errno != __want)				\
		tap_fail("%s returned %ld errno %d (%s), expected errno %d (%s)", \
			 #call, __r, errno, strerror(errno),		\
			 __want, strerror(__want));			\
} while (0)

/* A syscall-style call that must succeed; evaluates to its result. */
#define expect_ok(call) ({						\
	long __r;							\
	errno = 0;							\
	__r = (long)(call);						\
	if (__r < 0)							\
		tap_fail("%s failed: %s", #call, strerror(errno));	\
	__r;								\
})

#define tap_skip(reason) (tap_skip_reason = (reason))

/*
 * Whether the guest's kernel is of flavour @name (/etc/kernel-flavour:
 * "ours", "ours-debug" or "reference"); a prefix matches.
 */
static inline bool kernel_flavour(const char *name)
{
	char flavour[32] = "";
	FILE *f = fopen("/etc/kernel-flavour", "r");

	if (f) {
		if (!fgets(flavour, sizeof(flavour), f))
			flavour[0] = 0;
		fclose(f);
	}
	return !strncmp(flavour, name, strlen(name));
}

/* Whether the guest runs the reference kernel (upstream's BPF) or ours. */
static inline bool on_reference(void)
{
	return kernel_flavour("reference");
}

static inline bool tap_selected(const char *filter, const char *name)
{
	return !filter || strstr(name, filter);
}

static inline void tap_begin(void)
{
	tap_failed = 0;
	tap_skip_reason = NULL;
}

/* The line of case @n, @name, which has just run; 1 if it failed. */
static inline int tap_end(int n, const char *name)
{
	if (tap_skip_reason && !tap_failed)
		printf("ok %d %s # SKIP %s\n", n, name, tap_skip_reason);
	else
		printf("%sok %d %s\n", tap_failed ? "not " : "", n, name);
	return tap_failed;
}

/* Runs the selected @cases, numbering on from *@n; how many failed. */
static inline int tap_run_list(const struct tap_case *cases,
			       const char *filter, int *n)
{
	const struct tap_case *c;
	int failed = 0;

	for (c = cases; c->name; c++) {
		if (!tap_selected(filter, c->name))
			continue;
		tap_begin();
		c->run();
		failed += tap_end(++*n, c->name);
	}
	return failed;
}

static inline int tap_run(const struct tap_case *cases, int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int n = 0, failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = tap_run_list(cases, filter, &n);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}

#endif
