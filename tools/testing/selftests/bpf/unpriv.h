/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading programs as an unprivileged user would, for the verifier
 * tests: allow unprivileged bpf(2) where the sysctl lets us, and drop
 * the capabilities that make a caller privileged (in a child process:
 * it cannot be undone).
 */
#ifndef __UNPRIV_H
#define __UNPRIV_H

#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ebpf.h"

/*
 * Upstream's default (2) keeps unprivileged bpf(2) off until root says
 * otherwise; 1 is a lock that stays. True if unprivileged loads work.
 */
static inline bool unpriv_bpf_allow(void)
{
	FILE *f = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "r+");
	int v = 0;

	if (!f)
		return true;
	if (fscanf(f, "%d", &v) == 1 && v == 2) {
		rewind(f);
		fputs("0\n", f);
		v = 0;
	}
	fclose(f);
	return v == 0;
}

static inline int unpriv_drop_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const int caps[] = { CAP_SYS_ADMIN, CAP_NET_ADMIN, 38 /* PERFMON */,
			     39 /* BPF */ };
	unsigned int i;

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		data[caps[i] / 32].effective &= ~(1U << (caps[i] % 32));
		data[caps[i] / 32].permitted &= ~(1U << (caps[i] % 32));
	}
	return syscall(SYS_capset, &hdr, data);
}

#endif
