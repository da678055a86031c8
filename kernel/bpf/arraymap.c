// SPDX-License-Identifier: GPL-2.0
/*
 * The array map types: max_entries slots indexed by a u32 key, all
 * allocated and zeroed at creation and never freed before the map, so
 * every element always exists: delete fails with EINVAL, BPF_NOEXIST
 * with EEXIST, and an index past the end is ENOENT on lookup and E2BIG
 * on update.
 *
 * BPF_MAP_TYPE_ARRAY keeps the values inline, 8-byte aligned so that
 * programs can use any access size on them. A lookup is a bounds check
 * and a multiply, so it needs no lock; concurrent updates of one
 * element are not atomic with respect to each other, as in upstream.
 *
 * BPF_MAP_TYPE_PERCPU_ARRAY keeps one per-CPU allocation per slot.
 * Programs see the copy of the CPU they run on; the system call
 * exchanges all possible CPUs' copies, each rounded up to 8 bytes.
 *
 * BPF_MAP_TYPE_PROG_ARRAY keeps program pointers, the targets of tail
 * calls. User space stores program fds and reads back program ids.
 * Slots are swapped with xchg(); a program leaves the array when its
 * slot is overwritten or deleted, or when the last file of the map is
 * closed (programs may hold the array that holds them).
 *
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY keeps perf events, where
 * bpf_perf_event_output() writes records. User space stores perf event
 * fds; a slot holds the event's file, in a struct bpf_event_entry, until
 * it is overwritten or deleted or the last file of the map is closed.
 * Programs read slots under RCU, so an entry is freed after a grace
 * period. Looking a slot up from user space is not supported, as
 * upstream.
 *
 * Every index that comes from a program or user space is clamped with
 * array_index_nospec() before it is used.
 */
#include <linux/bpf.h>
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "ebpf.h"

/*
 * The in-tree struct bpf_array, because the runtime's tail call (and
 * upstream's JIT) read a program array's ptrs[] at its offset. value[]
 * holds inline values, pptrs[] per-CPU ones, ptrs[] programs.
 */
static struct bpf_array *to_array(struct bpf_map *map)
{
	return container_of(map, struct bpf_array, map);
}

/* The clamped index of @key, or -1 if it is out of range. */
static s64 array_index(const struct bpf_map *map, const void *key)
{
	u32 index = *(const u32 *)key;

	if (unlikely(index >= map->max_entries))
		return -1;
	return array_index_nospec(index, map->max_entries);
}

static int array_check(union bpf_attr *attr, bool percpu)
{
	u32 flags = EBPF_MAP_COMMON_FLAGS;

	/* Only inline values can be mapped into user space. */
	if (attr->map_type == BPF_MAP_TYPE_ARRAY)
		flags |= BPF_F_MMAPABLE;
	if (attr->max_entries == 0 || attr->key_size != sizeof(u32) ||
	    attr->value_size == 0 || attr->map_flags & ~flags)
		return -EINVAL;
	/* Per-CPU memory comes from every node. */
	if (percpu && attr->map_flags & BPF_F_NUMA_NODE)
		return -EINVAL;
	/* round_up() of the element size must not overflow */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	if (percpu && !ebpf_percpu_size_ok(attr->value_size))
		return -E2BIG;
	return 0;
}

static int array_map_alloc_check(union bpf_attr *attr)
{
	return array_check(attr, false);
}

static int percpu_array_map_alloc_check(union bpf_attr *attr)
{
	return array_check(attr, true);
}

static int fd_array_map_alloc_check(union bpf_attr *attr)
{
	/*
	 * Values are fds of programs or perf events; programs may not even
	 * read these arrays.
	 */
	if (attr->value_size != sizeof(u32) ||
	    attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	return array_check(attr, false);
}

static struct bpf_array *array_alloc(union bpf_attr *attr, u32 slot_size)
{
	u64 size = sizeof(struct bpf_array) +
		   (u64)slot_size * attr->max_entries;
	struct bpf_array *array;

	array = ebpf_map_area_alloc(size, ebpf_map_attr_node(attr));
	if (array)
		array->elem_size = round_up(attr->value_size, 8);
	return array;
}

/*
 * A BPF_F_MMAPABLE array's values start on a page of their own, so that
 * user space can map them: the struct bpf_array ends where the pages of
 * values begin, inside the header's last page.
 */
static u64 array_mmap_header(void)
{
	return PAGE_ALIGN(offsetof(struct bpf_array, value));
}

static struct bpf_array *array_mmapable_alloc(union bpf_attr *attr)
{
	u64 values = PAGE_ALIGN((u64)round_up(attr->value_size, 8) *
				attr->max_entries);
	u64 size = array_mmap_header() + values;
	struct bpf_array *array;
	void *area;

	if (size > INT_MAX)
		return NULL;
	area = __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START,
				    VMALLOC_END, GFP_USER | __GFP_ZERO |
				    __GFP_NOWARN | __GFP_RETRY_MAYFAIL |
				    __GFP_ACCOUNT, PAGE_KERNEL, VM_USERMAP,
				    ebpf_map_attr_node(attr),
				    __builtin_return_address(0));
	if (!area)
		return NULL;
	array = area + array_mmap_header() - offsetof(struct bpf_array, value);
	array->elem_size = round_up(attr->value_size, 8);
	return array;
}

static void array_free(struct bpf_array *array)
{
	if (array->map.map_flags & BPF_F_MMAPABLE)
		vfree((void *)array->value - array_mmap_header());
	else
		kvfree(array);
}

static struct bpf_map *array_map_alloc(union bpf_attr *attr)
{
	struct bpf_array *array;

	if (attr->map_flags & BPF_F_MMAPABLE)
		array = array_mmapable_alloc(attr);
	else
		array = array_alloc(attr, round_up(attr->value_size, 8));
	if (!array)
		return ERR_PTR(-ENOMEM);
	/* array_free() needs it before the system call sets the rest */
	array->map.map_flags = attr->map_flags;
	return &array->map;
}

static void percpu_array_free_values(struct bpf_array *array, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		free_percpu(array->pptrs[i]);
		cond_resched();
	}
}

static struct bpf_map *percpu_array_map_alloc(union bpf_attr *attr)
{
	struct bpf_array *array;
	u32 i;

	array = array_alloc(attr, sizeof(void __percpu *));
	if (!array)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < attr->max_entries; i++) {
		array->pptrs[i] = ebpf_map_percpu_alloc(array->elem_size);
		if (!array->pptrs[i]) {
			percpu_array_free_values(array, i);
			kvfree(array);
			return ERR_PTR(-ENOMEM);
		}
		cond_resched();
	}
	return &array->map;
}

static struct bpf_map *fd_array_map_alloc(union bpf_attr *attr)
{
	struct bpf_array *array;

	array = array_alloc(attr, sizeof(void *));
	return array ? &array->map : ERR_PTR(-ENOMEM);
}

static void array_map_free(struct bpf_map *map)
{
	array_free(to_array(map));
}

static int array_map_mmap(struct bpf_map *map, struct vm_area_struct *vma)
{
	struct bpf_array *array = to_array(map);
	u64 pages = PAGE_ALIGN((u64)array->elem_size * map->max_entries) >>
		    PAGE_SHIFT;

	if (!(map->map_flags & BPF_F_MMAPABLE))
		return -EINVAL;
	if (vma->vm_pgoff + vma_pages(vma) > pages)
		return -EINVAL;
	return remap_vmalloc_range(vma, array->value, vma->vm_pgoff);
}

/*
 * Programs address a one-element array's value directly (global data:
 * LD_IMM64 with BPF_PSEUDO_MAP_VALUE), and read its address back.
 */
static int array_map_direct_value_addr(const struct bpf_map *map, u64 *addr,
				       u32 off)
{
	if (map->max_entries != 1)
		return -EBPF_UNSUPPORTED;
	if (off >= map->value_size)
		return -EINVAL;
	*addr = (unsigned long)to_array((struct bpf_map *)map)->value;
	return 0;
}

static int array_map_direct_value_meta(const struct bpf_map *map, u64 addr,
				       u32 *off)
{
	u64 base = (unsigned long)to_array((struct bpf_map *)map)->value;

	if (map->max_entries != 1 || addr < base ||
	    addr >= base + map->value_size)
		return -EINVAL;
	*off = addr - base;
	return 0;
}

static void percpu_array_map_free(struct bpf_map *map)
{
	struct bpf_array *array = to_array(map);

	percpu_array_free_values(array, map->max_entries);
	kvfree(array);
}

static void *array_map_lookup_elem(struct bpf_map *map, void *key)
{
	struct bpf_array *array = to_array(map);
	s64 index = array_index(map, key);

	if (index < 0)
		return NULL;
	return array->value + (size_t)array->elem_size * index;
}

static void *percpu_array_map_lookup_elem(struct bpf_map *map, void *key)
{
	s64 index = array_index(map, key);

	if (index < 0)
		return NULL;
	return this_cpu_ptr(to_array(map)->pptrs[index]);
}

static void *percpu_array_map_lookup_percpu_elem(struct bpf_map *map,
						 void *key, u32 cpu)
{
	s64 index = array_index(map, key);

	if (index < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	return per_cpu_ptr(to_array(map)->pptrs[index], cpu);
}

/* Programs cannot look into a program array; only tail calls use it. */
static void *prog_array_map_lookup_elem(struct bpf_map *map, void *key)
{
	return NULL;
}

/* The index an update of @key may write, or a negative errno. */
static s64 array_update_index(struct bpf_map *map, void *key, u64 flags)
{
	s64 index;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	index = array_index(map, key);
	if (unlikely(index < 0))
		return -E2BIG;
	if (unlikely(flags == BPF_NOEXIST))
		return -EEXIST;
	return index;
}

static int array_map_update_elem(struct bpf_map *map, void *key, void *value,
				 u64 flags)
{
	struct bpf_array *array = to_array(map);
	s64 index = array_update_index(map, key, flags);

	if (index < 0)
		return index;
	memcpy(array->value + (size_t)array->elem_size * index, value,
	       map->value_size);
	return 0;
}

/* A program stores the value of the CPU it runs on. */
static int percpu_array_map_update_elem(struct bpf_map *map, void *key,
					void *value, u64 flags)
{
	s64 index = array_update_index(map, key, flags);

	if (index < 0)
		return index;
	memcpy(this_cpu_ptr(to_array(map)->pptrs[index]), value,
	       map->value_size);
	return 0;
}

static int array_map_delete_elem(struct bpf_map *map, void *key)
{
	return -EINVAL;
}

/* Indexes in order; a key past the end starts over at 0. */
static int array_map_get_next_key(struct bpf_map *map, void *key,
				  void *next_key)
{
	u32 index = key ? *(u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index + 1 == map->max_entries)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

static int array_sys_lookup(struct bpf_map *map, void *key, void *value)
{
	void *elem = array_map_lookup_elem(map, key);

	if (!elem)
		return -ENOENT;
	memcpy(value, elem, map->value_size);
	return 0;
}

/*
 * User space sees every possible CPU's copy, 8-byte rounded, so the
 * padding it wrote reads back the same.
 */
static int percpu_array_sys_lookup(struct bpf_map *map, void *key,
				   void *value)
{
	struct bpf_array *array = to_array(map);
	s64 index = array_index(map, key);
	int cpu;

	if (index < 0)
		return -ENOENT;
	for_each_possible_cpu(cpu) {
		memcpy(value, per_cpu_ptr(array->pptrs[index], cpu),
		       array->elem_size);
		value += array->elem_size;
	}
	return 0;
}

static int percpu_array_sys_update(struct bpf_map *map, void *key,
				   void *value, u64 flags)
{
	struct bpf_array *array = to_array(map);
	s64 index = array_update_index(map, key, flags);
	int cpu;

	if (index < 0)
		return index;
	for_each_possible_cpu(cpu) {
		memcpy(per_cpu_ptr(array->pptrs[index], cpu), value,
		       array->elem_size);
		value += array->elem_size;
	}
	return 0;
}

static int prog_array_sys_lookup(struct bpf_map *map, void *key, void *value)
{
	s64 index = array_index(map, key);
	struct bpf_prog *prog;
	int err = -ENOENT;

	if (index < 0)
		return -ENOENT;
	rcu_read_lock();
	prog = READ_ONCE(to_array(map)->ptrs[index]);
	if (prog) {
		*(u32 *)value = ebpf_prog_id(prog);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/* Only BPF_ANY: a slot is either empty or replaced. */
static int prog_array_sys_update(struct bpf_map *map, void *key, void *value,
				 u64 flags)
{
	s64 index = array_index(map, key);
	struct bpf_prog *prog, *old;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index < 0)
		return -E2BIG;
	prog = ebpf_prog_get_for_map(map, *(u32 *)value);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	old = xchg(&to_array(map)->ptrs[index], prog);
	if (old)
		ebpf_prog_put(old);
	return 0;
}

static int prog_array_map_delete_elem(struct bpf_map *map, void *key)
{
	s64 index = array_index(map, key);
	struct bpf_prog *old;

	if (index < 0)
		return -E2BIG;
	old = xchg(&to_array(map)->ptrs[index], NULL);
	if (!old)
		return -ENOENT;
	ebpf_prog_put(old);
	return 0;
}

static void prog_array_clear(struct bpf_map *map)
{
	struct bpf_array *array = to_array(map);
	struct bpf_prog *old;
	u32 i;

	for (i = 0; i < map->max_entries; i++) {
		old = xchg(&array->ptrs[i], NULL);
		if (old)
			ebpf_prog_put(old);
	}
}

static void prog_array_map_free(struct bpf_map *map)
{
	prog_array_clear(map);
	kvfree(to_array(map));
}

static void perf_entry_free_rcu(struct rcu_head *rcu)
{
	struct bpf_event_entry *ee;

	ee = container_of(rcu, struct bpf_event_entry, rcu);
	fput(ee->perf_file);
	kfree(ee);
}

static void perf_entry_put(void *entry)
{
	struct bpf_event_entry *ee = entry;

	if (ee)
		call_rcu(&ee->rcu, perf_entry_free_rcu);
}

static int perf_array_sys_lookup(struct bpf_map *map, void *key, void *value)
{
	return -EBPF_UNSUPPORTED;
}

/* Only BPF_ANY, and only events a program can read on their CPU. */
static int perf_array_sys_update(struct bpf_map *map, void *key, void *value,
				 u64 flags)
{
	s64 index = array_index(map, key);
	struct bpf_event_entry *ee;
	struct file *file;
	u64 count;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index < 0)
		return -E2BIG;
	file = perf_event_get(*(u32 *)value);
	if (IS_ERR(file))
		return PTR_ERR(file);
	/* Inherited events cannot be read locally: refused as upstream. */
	if (perf_event_read_local(file->private_data, &count, NULL, NULL) ==
	    -EOPNOTSUPP) {
		fput(file);
		return -EOPNOTSUPP;
	}
	ee = kzalloc(sizeof(*ee), GFP_USER | __GFP_NOWARN | __GFP_ACCOUNT);
	if (!ee) {
		fput(file);
		return -ENOMEM;
	}
	ee->event = file->private_data;
	ee->perf_file = file;
	perf_entry_put(xchg(&to_array(map)->ptrs[index], ee));
	return 0;
}

static int perf_array_map_delete_elem(struct bpf_map *map, void *key)
{
	s64 index = array_index(map, key);
	void *old;

	if (index < 0)
		return -E2BIG;
	old = xchg(&to_array(map)->ptrs[index], NULL);
	if (!old)
		return -ENOENT;
	perf_entry_put(old);
	return 0;
}

static void perf_array_clear(struct bpf_map *map)
{
	u32 i;

	for (i = 0; i < map->max_entries; i++)
		perf_entry_put(xchg(&to_array(map)->ptrs[i], NULL));
}

static void perf_array_map_free(struct bpf_map *map)
{
	perf_array_clear(map);
	kvfree(to_array(map));
}

static const struct bpf_map_ops array_map_ops = {
	.map_alloc_check = array_map_alloc_check,
	.map_alloc = array_map_alloc,
	.map_free = array_map_free,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = array_map_lookup_elem,
	.map_update_elem = array_map_update_elem,
	.map_delete_elem = array_map_delete_elem,
	.map_mmap = array_map_mmap,
	.map_direct_value_addr = array_map_direct_value_addr,
	.map_direct_value_meta = array_map_direct_value_meta,
};

const struct ebpf_map_type ebpf_array_map = {
	.ops = &array_map_ops,
	.sys_lookup = array_sys_lookup,
	.sys_update = array_map_update_elem,
};

static const struct bpf_map_ops percpu_array_map_ops = {
	.map_alloc_check = percpu_array_map_alloc_check,
	.map_alloc = percpu_array_map_alloc,
	.map_free = percpu_array_map_free,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = percpu_array_map_lookup_elem,
	.map_lookup_percpu_elem = percpu_array_map_lookup_percpu_elem,
	.map_update_elem = percpu_array_map_update_elem,
	.map_delete_elem = array_map_delete_elem,
};

const struct ebpf_map_type ebpf_percpu_array_map = {
	.ops = &percpu_array_map_ops,
	.sys_lookup = percpu_array_sys_lookup,
	.sys_update = percpu_array_sys_update,
	.percpu = true,
};

static const struct bpf_map_ops prog_array_map_ops = {
	.map_alloc_check = fd_array_map_alloc_check,
	.map_alloc = fd_array_map_alloc,
	.map_free = prog_array_map_free,
	.map_release_uref = prog_array_clear,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = prog_array_map_lookup_elem,
	.map_delete_elem = prog_array_map_delete_elem,
};

const struct ebpf_map_type ebpf_prog_array_map = {
	.ops = &prog_array_map_ops,
	.sys_lookup = prog_array_sys_lookup,
	.sys_update = prog_array_sys_update,
};

static const struct bpf_map_ops perf_array_map_ops = {
	.map_alloc_check = fd_array_map_alloc_check,
	.map_alloc = fd_array_map_alloc,
	.map_free = perf_array_map_free,
	.map_release_uref = perf_array_clear,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = prog_array_map_lookup_elem,
	.map_delete_elem = perf_array_map_delete_elem,
};

const struct ebpf_map_type ebpf_perf_event_array_map = {
	.ops = &perf_array_map_ops,
	.sys_lookup = perf_array_sys_lookup,
	.sys_update = perf_array_sys_update,
};
