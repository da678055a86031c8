/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A header-only wrapper of bpf(2) for the series' samples and guest
 * tests. Calls follow the syscall convention: they return -1 and set
 * errno on failure, so callers can check the exact errno.
 */
#ifndef __EBPF_H
#define __EBPF_H

#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_bpf
#define __NR_bpf 321
#endif

static inline long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static inline uint64_t ptr_to_u64(const void *ptr)
{
	return (uint64_t)(unsigned long)ptr;
}

static inline int ebpf_map_create(enum bpf_map_type type, uint32_t key_size,
				  uint32_t value_size, uint32_t max_entries,
				  uint32_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static inline int ebpf_map_elem(int cmd, int fd, const void *key,
				const void *value, uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return sys_bpf(cmd, &attr, sizeof(attr));
}

static inline int ebpf_map_lookup(int fd, const void *key, void *value)
{
	return ebpf_map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

static inline int ebpf_map_update(int fd, const void *key, const void *value,
				  uint64_t flags)
{
	return ebpf_map_elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

static inline int ebpf_map_delete(int fd, const void *key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	return sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr));
}

/* A NULL key asks for the first key; ENOENT means there is no next one. */
static inline int ebpf_map_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.next_key = ptr_to_u64(next_key);
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr));
}

#endif
