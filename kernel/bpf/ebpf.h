/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the parts of the eBPF series' bpf(2) stack: the
 * system call, the map types and, later, the verifier. Types are the
 * in-tree ones from <linux/bpf.h>; names are the series' own so that
 * they never collide with the !CONFIG_BPF_SYSCALL fallbacks there.
 */
#ifndef __KERNEL_BPF_EBPF_H
#define __KERNEL_BPF_EBPF_H

#include <linux/bpf.h>

extern const struct bpf_map_ops ebpf_array_map_ops;

/* Flags every map type accepts at creation. */
#define EBPF_MAP_COMMON_FLAGS (BPF_F_NUMA_NODE | BPF_F_RDONLY |	\
			       BPF_F_WRONLY | BPF_F_RDONLY_PROG |	\
			       BPF_F_WRONLY_PROG)

void *ebpf_map_area_alloc(u64 size, int numa_node);

#endif
