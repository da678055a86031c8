/* SPDX-License-Identifier: GPL-2.0 */
/* Reading and setting a sysctl through /proc/sys, for tests and benchmarks. */
#ifndef SYSCTL_H
#define SYSCTL_H

#include <stdio.h>

/* A sysctl's value; -1 if it is not there. */
static inline long sysctl_get(const char *path)
{
	FILE *f = fopen(path, "r");
	long value = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &value) != 1)
		value = -1;
	fclose(f);
	return value;
}

/* Set a sysctl, return its old value; -1 if it is not there. */
static inline long sysctl_set(const char *path, long value)
{
	FILE *f = fopen(path, "r+");
	long old = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &old) != 1)
		old = -1;
	rewind(f);
	fprintf(f, "%ld\n", value);
	if (fclose(f))
		old = -1;
	return old;
}

#endif
