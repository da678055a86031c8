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
#include <linux/percpu.h>

/*
 * A map type as the system call sees it. @ops is what programs call
 * (lookups return a pointer into the map, updates take one CPU's
 * value). The system call copies values in user space's layout
 * instead, which differs for some types: per-CPU maps exchange one
 * value per possible CPU, program arrays exchange program fds and ids.
 *
 * @sys_lookup copies the value of @key into @value or returns -ENOENT;
 * @sys_update stores @value, in the same layout, under @key.
 */
struct ebpf_map_type {
	const struct bpf_map_ops *ops;
	int (*sys_lookup)(struct bpf_map *map, void *key, void *value);
	int (*sys_update)(struct bpf_map *map, void *key, void *value,
			  u64 flags);
	bool percpu;
};

extern const struct ebpf_map_type ebpf_array_map;
extern const struct ebpf_map_type ebpf_percpu_array_map;
extern const struct ebpf_map_type ebpf_prog_array_map;
extern const struct ebpf_map_type ebpf_hash_map;
extern const struct ebpf_map_type ebpf_percpu_hash_map;

/* Flags every map type accepts at creation. */
#define EBPF_MAP_COMMON_FLAGS (BPF_F_NUMA_NODE | BPF_F_RDONLY |	\
			       BPF_F_WRONLY | BPF_F_RDONLY_PROG |	\
			       BPF_F_WRONLY_PROG)

static inline int ebpf_map_attr_node(const union bpf_attr *attr)
{
	return attr->map_flags & BPF_F_NUMA_NODE ? attr->numa_node :
						   NUMA_NO_NODE;
}

/*
 * A per-CPU value is stored, and seen from user space, rounded up to
 * 8 bytes per CPU; it must fit one chunk of the per-CPU allocator.
 */
static inline u32 ebpf_percpu_size(u32 value_size)
{
	return round_up(value_size, 8);
}

static inline bool ebpf_percpu_size_ok(u32 value_size)
{
	return ebpf_percpu_size(value_size) <= PCPU_MIN_UNIT_SIZE;
}

/* Memory a map takes at creation, charged to the creator's memcg. */
void *ebpf_map_area_alloc(u64 size, int numa_node);
void __percpu *ebpf_map_percpu_alloc(u32 size);

/*
 * Memory a map takes later, from any context (an update of a map
 * created with BPF_F_NO_PREALLOC), charged to the map creator's memcg
 * rather than to whoever triggers it.
 */
void *ebpf_map_elem_alloc(const struct bpf_map *map, size_t size);
void __percpu *ebpf_map_elem_percpu_alloc(const struct bpf_map *map,
					  u32 size);

/*
 * Programs held by program arrays. ebpf_prog_get_for_map() returns a
 * reference to the program behind @ufd if it may join @map, or an
 * ERR_PTR: -EBADF for a closed fd, -EINVAL for one that is not a
 * program. The program loader provides the programs; until it exists
 * no fd is one.
 */
struct bpf_prog *ebpf_prog_get_for_map(struct bpf_map *map, u32 ufd);
void ebpf_prog_put(struct bpf_prog *prog);
u32 ebpf_prog_id(const struct bpf_prog *prog);

#endif
