// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY: max_entries values of value_size bytes, indexed by
 * a u32 key, preallocated and zeroed at creation and never freed before
 * the map. A lookup is an index check and a multiply, so it needs no
 * lock; concurrent updates of one element are not atomic with respect
 * to each other, as in upstream. Elements are 8-byte aligned so that
 * programs can use any access size on them.
 */
#include <linux/bpf.h>
#include <linux/nospec.h>
#include <linux/slab.h>

#include "ebpf.h"

struct array_map {
	struct bpf_map map;
	u32 elem_size;
	char values[] __aligned(8);
};

static struct array_map *to_array(struct bpf_map *map)
{
	return container_of(map, struct array_map, map);
}

static int array_map_alloc_check(union bpf_attr *attr)
{
	if (attr->max_entries == 0 || attr->key_size != sizeof(u32) ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~EBPF_MAP_COMMON_FLAGS)
		return -EINVAL;
	/* round_up() of the element size must not overflow */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	return 0;
}

static struct bpf_map *array_map_alloc(union bpf_attr *attr)
{
	u32 elem_size = round_up(attr->value_size, 8);
	u64 size = struct_size((struct array_map *)NULL, values, 0) +
		   (u64)elem_size * attr->max_entries;
	struct array_map *array;

	array = ebpf_map_area_alloc(size, attr->map_flags & BPF_F_NUMA_NODE ?
				    attr->numa_node : NUMA_NO_NODE);
	if (!array)
		return ERR_PTR(-ENOMEM);
	array->elem_size = elem_size;
	return &array->map;
}

static void array_map_free(struct bpf_map *map)
{
	kvfree(to_array(map));
}

static void *array_map_lookup_elem(struct bpf_map *map, void *key)
{
	struct array_map *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	index = array_index_nospec(index, map->max_entries);
	return array->values + (size_t)array->elem_size * index;
}

static int array_map_update_elem(struct bpf_map *map, void *key, void *value,
				 u64 flags)
{
	u32 index = *(u32 *)key;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	/* Every element of an array always exists. */
	if (unlikely(flags == BPF_NOEXIST))
		return -EEXIST;
	memcpy(array_map_lookup_elem(map, key), value, map->value_size);
	return 0;
}

const struct bpf_map_ops ebpf_array_map_ops = {
	.map_alloc_check = array_map_alloc_check,
	.map_alloc = array_map_alloc,
	.map_free = array_map_free,
	.map_lookup_elem = array_map_lookup_elem,
	.map_update_elem = array_map_update_elem,
};
