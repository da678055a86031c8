// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH and BPF_MAP_TYPE_PERCPU_HASH.
 *
 * A table of 2^n buckets, n the smallest that gives max_entries
 * buckets. A bucket is an RCU list ending in a "nulls" marker that
 * holds the bucket's number, and a raw spinlock. Keys are hashed with
 * jhash and a random seed per map, so colliding keys cannot be worked
 * out in advance to flood one bucket.
 *
 * Programs look up without any lock, inside an RCU read-side section.
 * Changes to a bucket take its lock with interrupts off, and only
 * inside a per-CPU "busy" mark of the map: a program that interrupts a
 * writer of the same map on the same CPU (from an NMI, or a tracepoint
 * inside the locked section) gets EBUSY instead of a deadlock. The
 * system call also takes the bucket lock for its lookups and for
 * get_next_key, so user space only ever copies whole elements.
 *
 * Elements. By default a map allocates max_entries elements, plus one
 * per possible CPU, at creation, and keeps the unused ones on a free
 * list. A deleted element goes back to the list at once, as upstream's
 * do, so a full map takes a new key right after a delete. A lock-free
 * reader may then be standing on an element that moves to another
 * bucket; it notices when it reaches a nulls marker that is not its
 * bucket's, and walks its bucket again. The spares cover an update
 * that replaces an element of a full map: each CPU has at most one
 * update of a map in flight. With BPF_F_NO_PREALLOC an element is
 * allocated per insert, without sleeping, and freed after an RCU grace
 * period. Either way the number of keys is counted and capped at
 * max_entries (E2BIG).
 *
 * An update of an existing key swaps in a new element in the old one's
 * place, so readers see the old value or the new one, never a mix
 * (unless a preallocated element is recycled under them). Per-CPU
 * values are updated in place instead: each CPU's copy belongs to the
 * programs that run there, and a swap would lose their updates.
 */
#include <linux/bpf.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rculist_nulls.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "ebpf.h"

struct htab_bucket {
	struct hlist_nulls_head head;
	raw_spinlock_t lock;
};

struct htab_elem {
	struct hlist_nulls_node node;
	union {
		struct htab_elem *next_free;	/* preallocated, unused */
		struct rcu_head rcu;		/* allocated, being freed */
	};
	void __percpu *pcpu;			/* per-CPU maps: the value */
	u32 hash;
	char key[] __aligned(8);		/* then, inline, the value */
};

struct htab {
	struct bpf_map map;
	struct htab_bucket *buckets;
	u32 mask;			/* number of buckets - 1 */
	u32 seed;
	u32 value_off;			/* from the key to an inline value */
	u32 elem_size;
	bool percpu;
	bool prealloc;
	atomic_t count;			/* keys in the map */
	int __percpu *busy;
	/* Preallocated maps only. */
	void *pool;
	struct htab_elem *free;
	raw_spinlock_t free_lock;
};

static struct htab *to_htab(struct bpf_map *map)
{
	return container_of(map, struct htab, map);
}

static void *elem_value(const struct htab *h, struct htab_elem *e)
{
	return e->key + h->value_off;
}

static u32 htab_hash(const struct htab *h, const void *key)
{
	u32 size = h->map.key_size;

	/* most keys are of whole words: hash them a word at a time */
	if (size % 4 == 0)
		return jhash2(key, size / 4, h->seed);
	return jhash(key, size, h->seed);
}

static struct htab_bucket *htab_bucket(const struct htab *h, u32 hash)
{
	return &h->buckets[hash & h->mask];
}

/*
 * Walks bucket @b for @key. Under the bucket's lock the answer is
 * exact. Without it (RCU), *@end tells where the walk ended: if that
 * nulls marker is not @b's, a recycled element led the walk astray.
 */
static struct htab_elem *bucket_find(const struct htab *h,
				     struct htab_bucket *b, u32 hash,
				     const void *key,
				     struct hlist_nulls_node **end)
{
	struct hlist_nulls_node *pos;
	struct htab_elem *e;

	hlist_nulls_for_each_entry_rcu(e, pos, &b->head, node)
		if (e->hash == hash && !memcmp(e->key, key, h->map.key_size))
			return e;
	*end = pos;
	return NULL;
}

static struct htab_elem *htab_find_rcu(const struct htab *h, const void *key)
{
	u32 hash = htab_hash(h, key);
	struct htab_bucket *b = htab_bucket(h, hash);
	struct hlist_nulls_node *end;
	struct htab_elem *e;

	do {
		e = bucket_find(h, b, hash, key, &end);
	} while (!e && get_nulls_value(end) != (hash & h->mask));
	return e;
}

static struct htab_elem *bucket_find_locked(const struct htab *h,
					    struct htab_bucket *b, u32 hash,
					    const void *key)
{
	struct hlist_nulls_node *end;

	lockdep_assert_held(&b->lock);
	return bucket_find(h, b, hash, key, &end);
}

/*
 * Marks this CPU busy in @h with interrupts off, or fails if it already
 * is: the caller interrupted a change of @h on this CPU.
 */
static int htab_enter(struct htab *h, unsigned long *irqflags)
{
	local_irq_save(*irqflags);
	if (unlikely(__this_cpu_inc_return(*h->busy) != 1)) {
		__this_cpu_dec(*h->busy);
		local_irq_restore(*irqflags);
		return -EBUSY;
	}
	return 0;
}

static void htab_leave(struct htab *h, unsigned long irqflags)
{
	__this_cpu_dec(*h->busy);
	local_irq_restore(irqflags);
}

/* Called busy, under a bucket lock. */
static struct htab_elem *elem_get(struct htab *h)
{
	struct htab_elem *e;

	if (h->prealloc) {
		raw_spin_lock(&h->free_lock);
		e = h->free;
		if (e)
			h->free = e->next_free;
		raw_spin_unlock(&h->free_lock);
		return e;
	}

	e = ebpf_map_elem_alloc(&h->map, h->elem_size);
	if (!e)
		return NULL;
	e->pcpu = NULL;
	if (h->percpu) {
		e->pcpu = ebpf_map_elem_percpu_alloc(&h->map,
						     ebpf_percpu_size(h->map.value_size));
		if (!e->pcpu) {
			kfree(e);
			e = NULL;
		}
	}
	return e;
}

static void elem_free(struct htab_elem *e)
{
	free_percpu(e->pcpu);
	kfree(e);
}

static void elem_free_rcu(struct rcu_head *rcu)
{
	elem_free(container_of(rcu, struct htab_elem, rcu));
}

/* Called busy, after unlinking @e. */
static void elem_put(struct htab *h, struct htab_elem *e)
{
	if (h->prealloc) {
		raw_spin_lock(&h->free_lock);
		e->next_free = h->free;
		h->free = e;
		raw_spin_unlock(&h->free_lock);
	} else {
		/* Lock-free readers may still be looking at it. */
		call_rcu(&e->rcu, elem_free_rcu);
	}
}

/*
 * Stores a per-CPU value: from user space every possible CPU's copy,
 * one after the other, 8-byte rounded; from a program the copy of
 * this CPU, and then, for a new element, zeroes for the others.
 */
static void percpu_store(struct htab *h, struct htab_elem *e, void *value,
			 bool all_cpus, bool new)
{
	u32 size = ebpf_percpu_size(h->map.value_size);
	int cpu, this_cpu = smp_processor_id();

	for_each_possible_cpu(cpu) {
		void *dst = per_cpu_ptr(e->pcpu, cpu);

		if (all_cpus) {
			memcpy(dst, value, size);
			value += size;
		} else if (cpu == this_cpu) {
			memcpy(dst, value, h->map.value_size);
		} else if (new) {
			memset(dst, 0, size);
		}
	}
}

static int htab_update(struct htab *h, void *key, void *value, u64 flags,
		       bool all_cpus)
{
	u32 hash = htab_hash(h, key);
	struct htab_bucket *b = htab_bucket(h, hash);
	struct htab_elem *old, *e = NULL;
	unsigned long irqflags;
	int err;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	err = htab_enter(h, &irqflags);
	if (err)
		return err;
	raw_spin_lock(&b->lock);

	old = bucket_find_locked(h, b, hash, key);
	if (old && flags == BPF_NOEXIST) {
		err = -EEXIST;
	} else if (!old && flags == BPF_EXIST) {
		err = -ENOENT;
	} else if (old && h->percpu) {
		percpu_store(h, old, value, all_cpus, false);
		old = NULL;
	} else if (!old && atomic_fetch_add_unless(&h->count, 1,
						   h->map.max_entries) ==
			   h->map.max_entries) {
		err = -E2BIG;
	} else {
		e = elem_get(h);
		if (!e) {
			if (!old)
				atomic_dec(&h->count);
			err = -ENOMEM;
		}
	}

	if (e) {
		e->hash = hash;
		memcpy(e->key, key, h->map.key_size);
		if (h->percpu)
			percpu_store(h, e, value, all_cpus, true);
		else
			memcpy(elem_value(h, e), value, h->map.value_size);
		if (old)
			hlist_nulls_replace_rcu(&old->node, &e->node);
		else
			hlist_nulls_add_head_rcu(&e->node, &b->head);
	}

	raw_spin_unlock(&b->lock);
	if (e && old)
		elem_put(h, old);
	htab_leave(h, irqflags);
	return err;
}

static int htab_map_update_elem(struct bpf_map *map, void *key, void *value,
				u64 flags)
{
	return htab_update(to_htab(map), key, value, flags, false);
}

static int htab_sys_update(struct bpf_map *map, void *key, void *value,
			   u64 flags)
{
	return htab_update(to_htab(map), key, value, flags, true);
}

static int htab_map_delete_elem(struct bpf_map *map, void *key)
{
	struct htab *h = to_htab(map);
	u32 hash = htab_hash(h, key);
	struct htab_bucket *b = htab_bucket(h, hash);
	unsigned long irqflags;
	struct htab_elem *e;
	int err;

	err = htab_enter(h, &irqflags);
	if (err)
		return err;
	raw_spin_lock(&b->lock);
	e = bucket_find_locked(h, b, hash, key);
	if (e) {
		hlist_nulls_del_rcu(&e->node);
		atomic_dec(&h->count);
	}
	raw_spin_unlock(&b->lock);
	if (e)
		elem_put(h, e);
	htab_leave(h, irqflags);
	return e ? 0 : -ENOENT;
}

static void *htab_map_lookup_elem(struct bpf_map *map, void *key)
{
	struct htab *h = to_htab(map);
	struct htab_elem *e = htab_find_rcu(h, key);

	if (!e)
		return NULL;
	return h->percpu ? this_cpu_ptr(e->pcpu) : elem_value(h, e);
}

static void *htab_map_lookup_percpu_elem(struct bpf_map *map, void *key,
					 u32 cpu)
{
	struct htab_elem *e;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	e = htab_find_rcu(to_htab(map), key);
	return e ? per_cpu_ptr(e->pcpu, cpu) : NULL;
}

/* The system call's copy of an element, made under its bucket's lock. */
static int htab_sys_lookup(struct bpf_map *map, void *key, void *value)
{
	struct htab *h = to_htab(map);
	u32 hash = htab_hash(h, key);
	u32 size = ebpf_percpu_size(map->value_size);
	struct htab_bucket *b = htab_bucket(h, hash);
	unsigned long irqflags;
	struct htab_elem *e;
	int cpu, err;

	err = htab_enter(h, &irqflags);
	if (err)
		return err;
	raw_spin_lock(&b->lock);
	e = bucket_find_locked(h, b, hash, key);
	if (e && h->percpu) {
		for_each_possible_cpu(cpu) {
			memcpy(value, per_cpu_ptr(e->pcpu, cpu), size);
			value += size;
		}
	} else if (e) {
		memcpy(value, elem_value(h, e), map->value_size);
	}
	raw_spin_unlock(&b->lock);
	htab_leave(h, irqflags);
	return e ? 0 : -ENOENT;
}

/*
 * Under the lock of bucket @i, copies into @next the key after @key,
 * or the first key if @key is NULL. Returns 0 if it did, -ENOENT if
 * @key is not in the bucket, 1 if there is no key after it.
 */
static int bucket_next_key(struct htab *h, u32 i, const void *key, u32 hash,
			   void *next)
{
	struct htab_bucket *b = &h->buckets[i];
	struct hlist_nulls_node *pos;
	unsigned long irqflags;
	struct htab_elem *e;
	int err;

	err = htab_enter(h, &irqflags);
	if (err)
		return err;
	raw_spin_lock(&b->lock);
	if (key) {
		e = bucket_find_locked(h, b, hash, key);
		pos = e ? e->node.next : NULL;
	} else {
		pos = b->head.first;
	}
	if (!pos) {
		err = -ENOENT;
	} else if (is_a_nulls(pos)) {
		err = 1;
	} else {
		e = hlist_nulls_entry(pos, struct htab_elem, node);
		memcpy(next, e->key, h->map.key_size);
	}
	raw_spin_unlock(&b->lock);
	htab_leave(h, irqflags);
	return err;
}

/*
 * Buckets in order, each from its head. A key that is not (or no
 * longer) in the map restarts the walk, as upstream's does, so an
 * iteration that deletes the key it stands on still ends.
 */
static int htab_map_get_next_key(struct bpf_map *map, void *key, void *next)
{
	struct htab *h = to_htab(map);
	u32 i = 0;
	int err;

	if (key) {
		u32 hash = htab_hash(h, key);

		i = hash & h->mask;
		err = bucket_next_key(h, i, key, hash, next);
		if (err <= 0 && err != -ENOENT)
			return err;
		i = err == 1 ? i + 1 : 0;
	}
	for (; i <= h->mask; i++) {
		/* Empty buckets are skipped without taking their lock. */
		if (hlist_nulls_empty(&h->buckets[i].head))
			continue;
		err = bucket_next_key(h, i, NULL, 0, next);
		if (err <= 0)
			return err;
	}
	return -ENOENT;
}

static int htab_check(union bpf_attr *attr, bool percpu)
{
	if (attr->map_flags & ~(EBPF_MAP_COMMON_FLAGS | BPF_F_NO_PREALLOC))
		return -EINVAL;
	/* Per-CPU memory comes from every node. */
	if (percpu && attr->map_flags & BPF_F_NUMA_NODE)
		return -EINVAL;
	if (!attr->max_entries || !attr->key_size || !attr->value_size)
		return -EINVAL;
	/* Elements must stay within what kmalloc() can give. */
	if ((u64)attr->key_size + attr->value_size >=
	    KMALLOC_MAX_SIZE - sizeof(struct htab_elem))
		return -E2BIG;
	if (percpu && !ebpf_percpu_size_ok(attr->value_size))
		return -E2BIG;
	/* The bucket count, a power of two, must fit a u32. */
	if (attr->max_entries > 1U << 31)
		return -E2BIG;
	return 0;
}

static int htab_map_alloc_check(union bpf_attr *attr)
{
	return htab_check(attr, false);
}

static int percpu_htab_map_alloc_check(union bpf_attr *attr)
{
	return htab_check(attr, true);
}

static void htab_free_pool(struct htab *h)
{
	u32 i, n = h->map.max_entries + num_possible_cpus();

	if (h->percpu) {
		for (i = 0; i < n; i++) {
			struct htab_elem *e = h->pool + (size_t)i * h->elem_size;

			free_percpu(e->pcpu);
			cond_resched();
		}
	}
	kvfree(h->pool);
}

static int htab_fill_pool(struct htab *h)
{
	u32 i, n = h->map.max_entries + num_possible_cpus();
	u32 size = ebpf_percpu_size(h->map.value_size);

	h->pool = ebpf_map_area_alloc((u64)n * h->elem_size, h->map.numa_node);
	if (!h->pool)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct htab_elem *e = h->pool + (size_t)i * h->elem_size;

		if (h->percpu) {
			e->pcpu = ebpf_map_percpu_alloc(size);
			if (!e->pcpu) {
				htab_free_pool(h);
				return -ENOMEM;
			}
		}
		e->next_free = h->free;
		h->free = e;
		cond_resched();
	}
	return 0;
}

static void htab_map_free(struct bpf_map *map)
{
	struct htab *h = to_htab(map);
	struct hlist_nulls_node *pos;
	struct htab_elem *e;
	u32 i;

	/* Nothing can reach the map any more: no locks needed. */
	if (h->prealloc) {
		htab_free_pool(h);
	} else {
		for (i = 0; i <= h->mask; i++) {
			hlist_nulls_for_each_entry_safe(e, pos,
							&h->buckets[i].head,
							node)
				elem_free(e);
			cond_resched();
		}
	}
	free_percpu(h->busy);
	kvfree(h->buckets);
	kvfree(h);
}

static struct bpf_map *htab_map_alloc(union bpf_attr *attr)
{
	int node = ebpf_map_attr_node(attr);
	u32 i, n = roundup_pow_of_two(attr->max_entries);
	struct htab *h;

	h = ebpf_map_area_alloc(sizeof(*h), node);
	if (!h)
		return ERR_PTR(-ENOMEM);
	/* The element pool needs these before map_create() sets them. */
	h->map.max_entries = attr->max_entries;
	h->map.value_size = attr->value_size;
	h->map.key_size = attr->key_size;
	h->map.numa_node = node;
	h->mask = n - 1;
	h->percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_HASH;
	h->prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	h->seed = get_random_u32();
	h->value_off = round_up(attr->key_size, 8);
	h->elem_size = sizeof(struct htab_elem) + h->value_off;
	if (!h->percpu)
		h->elem_size += round_up(attr->value_size, 8);
	raw_spin_lock_init(&h->free_lock);

	h->buckets = ebpf_map_area_alloc((u64)n * sizeof(*h->buckets), node);
	h->busy = ebpf_map_percpu_alloc(sizeof(int));
	if (!h->buckets || !h->busy || (h->prealloc && htab_fill_pool(h))) {
		free_percpu(h->busy);
		kvfree(h->buckets);
		kvfree(h);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < n; i++) {
		INIT_HLIST_NULLS_HEAD(&h->buckets[i].head, i);
		raw_spin_lock_init(&h->buckets[i].lock);
		if (!(i % 4096))
			cond_resched();
	}
	return &h->map;
}

static const struct bpf_map_ops htab_map_ops = {
	.map_alloc_check = htab_map_alloc_check,
	.map_alloc = htab_map_alloc,
	.map_free = htab_map_free,
	.map_get_next_key = htab_map_get_next_key,
	.map_lookup_elem = htab_map_lookup_elem,
	.map_update_elem = htab_map_update_elem,
	.map_delete_elem = htab_map_delete_elem,
};

const struct ebpf_map_type ebpf_hash_map = {
	.ops = &htab_map_ops,
	.sys_lookup = htab_sys_lookup,
	.sys_update = htab_sys_update,
};

static const struct bpf_map_ops percpu_htab_map_ops = {
	.map_alloc_check = percpu_htab_map_alloc_check,
	.map_alloc = htab_map_alloc,
	.map_free = htab_map_free,
	.map_get_next_key = htab_map_get_next_key,
	.map_lookup_elem = htab_map_lookup_elem,
	.map_lookup_percpu_elem = htab_map_lookup_percpu_elem,
	.map_update_elem = htab_map_update_elem,
	.map_delete_elem = htab_map_delete_elem,
};

const struct ebpf_map_type ebpf_percpu_hash_map = {
	.ops = &percpu_htab_map_ops,
	.sys_lookup = htab_sys_lookup,
	.sys_update = htab_sys_update,
	.percpu = true,
};
