// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(2) maps: every command on every map type, the errno of every
 * failure, iteration, per-CPU values, passing maps between processes,
 * a concurrent stress run, memory returning after close, and the
 * unprivileged_bpf_disabled sysctl. Expectations are upstream's; the
 * same binary runs on the reference kernel to confirm them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint32_t hash_types[] = {
	BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH,
};

/* Both kinds of element allocation. */
static const uint32_t hash_flags[] = { 0, BPF_F_NO_PREALLOC };

static int possible_cpus(void)
{
	static int n;
	char buf[256], *p;
	FILE *f;

	if (n)
		return n;
	f = fopen("/sys/devices/system/cpu/possible", "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		tap_fail("cannot read the possible CPUs");
		exit(1);
	}
	fclose(f);
	/* "0-1", "0,2-3", ... */
	for (p = strtok(buf, ",\n"); p; p = strtok(NULL, ",\n")) {
		int lo, hi;

		if (sscanf(p, "%d-%d", &lo, &hi) == 2)
			n += hi - lo + 1;
		else
			n++;
	}
	return n;
}

static int is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Bytes of one value as user space exchanges it with the map. */
static size_t user_value_size(uint32_t type, uint32_t value_size)
{
	if (is_percpu(type))
		return ((value_size + 7) & ~7u) * possible_cpus();
	return value_size;
}

static int map_create(uint32_t type, uint32_t key_size, uint32_t value_size,
		      uint32_t max_entries, uint32_t flags)
{
	return ebpf_map_create(type, key_size, value_size, max_entries, flags);
}

/* A user value for @key: every 8-byte slot says which key and CPU. */
static void fill_value(uint64_t *v, size_t size, uint64_t key, uint64_t gen)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		v[i] = key << 40 | gen << 8 | i;
}

/* --- hash maps ---------------------------------------------------- */

static void hash_basic_one(uint32_t type, uint32_t flags)
{
	size_t size = user_value_size(type, 8);
	uint64_t *value = calloc(1, size), *out = calloc(1, size);
	uint32_t key = 7;
	int fd = expect_ok(map_create(type, 4, 8, 16, flags));

	fill_value(value, size, key, 1);
	expect_errno(ebpf_map_lookup(fd, &key, out), ENOENT);
	expect_errno(ebpf_map_update(fd, &key, value, BPF_EXIST), ENOENT);
	expect_ok(ebpf_map_update(fd, &key, value, BPF_NOEXIST));
	expect_errno(ebpf_map_update(fd, &key, value, BPF_NOEXIST), EEXIST);
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));

	fill_value(value, size, key, 2);
	expect_ok(ebpf_map_update(fd, &key, value, BPF_EXIST));
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));
	fill_value(value, size, key, 3);
	expect_ok(ebpf_map_update(fd, &key, value, BPF_ANY));
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));

	expect_ok(ebpf_map_delete(fd, &key));
	expect_errno(ebpf_map_delete(fd, &key), ENOENT);
	expect_errno(ebpf_map_lookup(fd, &key, out), ENOENT);
	/* A deleted key can come back. */
	expect_ok(ebpf_map_update(fd, &key, value, BPF_NOEXIST));
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));
	close(fd);
	free(value);
	free(out);
}

static void hash_basic(void)
{
	size_t t, f;

	for (t = 0; t < ARRAY_SIZE(hash_types); t++)
		for (f = 0; f < ARRAY_SIZE(hash_flags); f++)
			hash_basic_one(hash_types[t], hash_flags[f]);
}

static void hash_update_flags(void)
{
	uint64_t value = 1;
	uint32_t key = 1;
	size_t t;

	for (t = 0; t < ARRAY_SIZE(hash_types); t++) {
		size_t size = user_value_size(hash_types[t], 8);
		void *v = calloc(1, size);
		int fd = expect_ok(map_create(hash_types[t], 4, 8, 4, 0));

		expect_errno(ebpf_map_update(fd, &key, v, BPF_EXIST + 1), EINVAL);
		expect_errno(ebpf_map_update(fd, &key, v, BPF_F_LOCK), EINVAL);
		expect_errno(ebpf_map_update(fd, &key, v, 1ULL << 40), EINVAL);
		/* None of them inserted anything. */
		expect_errno(ebpf_map_lookup(fd, &key, v), ENOENT);
		expect_errno(ebpf_map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value,
					   BPF_F_LOCK), EINVAL);
		expect_errno(ebpf_map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value,
					   2), EINVAL);
		close(fd);
		free(v);
	}
}

/* max_entries caps the keys, not the updates of keys already there. */
static void hash_full_one(uint32_t type, uint32_t flags)
{
	size_t size = user_value_size(type, 8);
	uint64_t *value = calloc(1, size), *out = calloc(1, size);
	uint32_t key;
	int i, fd = expect_ok(map_create(type, 4, 8, 4, flags));

	for (key = 0; key < 4; key++) {
		fill_value(value, size, key, 0);
		expect_ok(ebpf_map_update(fd, &key, value, BPF_NOEXIST));
	}
	key = 4;
	expect_errno(ebpf_map_update(fd, &key, value, BPF_ANY), E2BIG);
	expect_errno(ebpf_map_update(fd, &key, value, BPF_NOEXIST), E2BIG);
	/* Absent and BPF_EXIST: ENOENT decides first. */
	expect_errno(ebpf_map_update(fd, &key, value, BPF_EXIST), ENOENT);

	/* Replacing in a full map works, many times over. */
	for (i = 0; i < 100 && !tap_failed; i++) {
		key = i % 4;
		fill_value(value, size, key, i);
		expect_ok(ebpf_map_update(fd, &key, value,
					  i & 1 ? BPF_ANY : BPF_EXIST));
		expect_ok(ebpf_map_lookup(fd, &key, out));
		expect(!memcmp(out, value, size));
	}

	/* Room made by a delete is usable at once. */
	for (i = 0; i < 100 && !tap_failed; i++) {
		key = i % 4;
		expect_ok(ebpf_map_delete(fd, &key));
		key = 100 + i;
		expect_ok(ebpf_map_update(fd, &key, value, BPF_NOEXIST));
		expect_ok(ebpf_map_delete(fd, &key));
		key = i % 4;
		expect_ok(ebpf_map_update(fd, &key, value, BPF_NOEXIST));
	}
	close(fd);
	free(value);
	free(out);
}

static void hash_full(void)
{
	size_t t, f;

	for (t = 0; t < ARRAY_SIZE(hash_types); t++)
		for (f = 0; f < ARRAY_SIZE(hash_flags); f++)
			hash_full_one(hash_types[t], hash_flags[f]);
}

static void hash_create_invalid(void)
{
	const uint32_t big = 4u << 20;	/* KMALLOC_MAX_SIZE on x86-64 */
	size_t t;

	for (t = 0; t < ARRAY_SIZE(hash_types); t++) {
		uint32_t type = hash_types[t];

		expect_errno(map_create(type, 0, 4, 1, 0), EINVAL);
		expect_errno(map_create(type, 4, 0, 1, 0), EINVAL);
		expect_errno(map_create(type, 4, 4, 0, 0), EINVAL);
		expect_errno(map_create(type, 4, 4, 1, 1u << 31), EINVAL);
		expect_errno(map_create(type, 4, 4, 1, BPF_F_MMAPABLE), EINVAL);
		expect_errno(map_create(type, 4, 4, 1, BPF_F_RDONLY | BPF_F_WRONLY),
			     EINVAL);
		expect_errno(map_create(type, 4, 4, 1,
					BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG),
			     EINVAL);
		/* Elements must fit a kmalloc(). */
		expect_errno(map_create(type, 4, big, 1, 0), E2BIG);
		expect_errno(map_create(type, big, 4, 1, 0), E2BIG);
		/* The bucket count is a power of two in a u32. */
		expect_errno(map_create(type, 4, 4, (1u << 31) + 1,
					BPF_F_NO_PREALLOC), E2BIG);
	}
	/* A per-CPU value must fit one per-CPU chunk (32 KiB). */
	expect_errno(map_create(BPF_MAP_TYPE_PERCPU_HASH, 4, 32768 + 1, 1, 0),
		     E2BIG);
	close(expect_ok(map_create(BPF_MAP_TYPE_PERCPU_HASH, 4, 32768, 1, 0)));
}

static int create_on_node(uint32_t type, uint32_t node)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 4;
	attr.map_flags = BPF_F_NUMA_NODE;
	attr.numa_node = node;
	return sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static void numa_node(void)
{
	close(expect_ok(create_on_node(BPF_MAP_TYPE_HASH, 0)));
	close(expect_ok(create_on_node(BPF_MAP_TYPE_ARRAY, 0)));
	close(expect_ok(create_on_node(BPF_MAP_TYPE_PROG_ARRAY, 0)));
	expect_errno(create_on_node(BPF_MAP_TYPE_HASH, 4096), EINVAL);
	/* Per-CPU memory is everywhere: no node to choose. */
	expect_errno(create_on_node(BPF_MAP_TYPE_PERCPU_HASH, 0), EINVAL);
	expect_errno(create_on_node(BPF_MAP_TYPE_PERCPU_ARRAY, 0), EINVAL);
}

/* Maps far larger than the guest's memory fail cleanly. */
static void too_large(void)
{
	int fd;

	fd = map_create(BPF_MAP_TYPE_HASH, 8, 8, 1u << 28, 0);
	expect(fd < 0 && (errno == ENOMEM || errno == E2BIG));
	fd = map_create(BPF_MAP_TYPE_HASH, 8, 8, 1u << 31, BPF_F_NO_PREALLOC);
	expect(fd < 0 && (errno == ENOMEM || errno == E2BIG));
	fd = map_create(BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 1u << 28, 0);
	expect(fd < 0 && (errno == ENOMEM || errno == E2BIG));
	fd = map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1u << 31, 0);
	expect(fd < 0 && (errno == ENOMEM || errno == E2BIG));
}

/* Keys are all their bytes: sizes that are not a multiple of anything. */
static void hash_key_sizes(void)
{
	static const uint32_t sizes[] = { 1, 3, 7, 13, 64, 255 };
	unsigned char key[255], value[17], out[17];
	size_t s;
	int i;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		uint32_t ks = sizes[s];
		int fd = expect_ok(map_create(BPF_MAP_TYPE_HASH, ks,
					      sizeof(value), 256, 0));

		memset(key, 0x5a, sizeof(key));
		for (i = 0; i < 256; i++) {
			key[ks - 1] = i;
			memset(value, i, sizeof(value));
			expect_ok(ebpf_map_update(fd, key, value, BPF_NOEXIST));
		}
		for (i = 0; i < 256 && !tap_failed; i++) {
			key[ks - 1] = i;
			expect_ok(ebpf_map_lookup(fd, key, out));
			memset(value, i, sizeof(value));
			expect(!memcmp(out, value, sizeof(value)));
		}
		if (ks > 1) {
			key[ks - 1] = 0;
			key[0] = 0;
			expect_errno(ebpf_map_lookup(fd, key, out), ENOENT);
		}
		close(fd);
	}
}

/* All keys of a map through get_next_key; returns how many. */
static int collect_keys(int fd, uint32_t *keys, int max)
{
	uint32_t key, next;
	int n = 0, err;

	for (err = ebpf_map_next_key(fd, NULL, &next); !err;
	     err = ebpf_map_next_key(fd, &key, &next)) {
		if (n == max) {
			tap_fail("get_next_key returned more than %d keys", max);
			return n;
		}
		keys[n++] = next;
		key = next;
	}
	if (errno != ENOENT)
		tap_fail("get_next_key ended with %s", strerror(errno));
	return n;
}

static void hash_iterate_one(uint32_t type, uint32_t flags)
{
	size_t size = user_value_size(type, 8);
	uint64_t *value = calloc(1, size);
	uint32_t key, next, first, keys[300];
	unsigned char seen[200] = { 0 };
	int i, n, fd = expect_ok(map_create(type, 4, 8, 200, flags));

	/* An empty map has no first key. */
	expect_errno(ebpf_map_next_key(fd, NULL, &next), ENOENT);
	key = 5;
	expect_errno(ebpf_map_next_key(fd, &key, &next), ENOENT);

	for (key = 0; key < 200; key++)
		expect_ok(ebpf_map_update(fd, &key, value, BPF_ANY));
	n = collect_keys(fd, keys, 300);
	expect_eq(n, 200);
	for (i = 0; i < n; i++) {
		if (keys[i] >= 200 || seen[keys[i]]++)
			tap_fail("key %u returned twice or unknown", keys[i]);
	}

	/* NULL, or a key that is not in the map, give the first key. */
	expect_ok(ebpf_map_next_key(fd, NULL, &first));
	expect_eq(first, keys[0]);
	key = 1000;
	expect_ok(ebpf_map_next_key(fd, &key, &next));
	expect_eq(next, first);
	/* The last key has no next. */
	expect_errno(ebpf_map_next_key(fd, &keys[n - 1], &next), ENOENT);
	close(fd);
	free(value);
}

static void hash_iterate(void)
{
	size_t t, f;

	for (t = 0; t < ARRAY_SIZE(hash_types); t++)
		for (f = 0; f < ARRAY_SIZE(hash_flags); f++)
			hash_iterate_one(hash_types[t], hash_flags[f]);
}

/*
 * Deleting keys other than the one the walk stands on loses nothing
 * else; deleting the one it stands on after taking the next is the
 * usual way to empty a map.
 */
static void hash_iterate_delete(void)
{
	uint32_t key, next;
	uint64_t value = 0;
	unsigned char seen[256] = { 0 }, deleted[256] = { 0 };
	int n = 0, err, fd = expect_ok(map_create(BPF_MAP_TYPE_HASH, 4, 8, 256, 0));

	for (key = 0; key < 256; key++)
		expect_ok(ebpf_map_update(fd, &key, &value, BPF_ANY));
	for (err = ebpf_map_next_key(fd, NULL, &next); !err && n < 1000;
	     err = ebpf_map_next_key(fd, &key, &next), n++) {
		uint32_t victim = (next * 7 + 3) % 256;

		if (next >= 256 || seen[next]++ || deleted[next])
			tap_fail("key %u: unknown, seen twice or deleted", next);
		/* Delete a key not seen yet, never the current one. */
		if (victim != next && !seen[victim] && !deleted[victim]) {
			expect_ok(ebpf_map_delete(fd, &victim));
			deleted[victim] = 1;
		}
		key = next;
	}
	expect_eq(errno, ENOENT);
	for (key = 0; key < 256; key++)
		if (!seen[key] && !deleted[key])
			tap_fail("key %u was skipped", key);

	/* Empty it while walking: take the next key, delete the current. */
	n = 0;
	err = ebpf_map_next_key(fd, NULL, &key);
	while (!err && n++ < 1000) {
		err = ebpf_map_next_key(fd, &key, &next);
		if (err && errno != ENOENT)
			tap_fail("get_next_key: %s", strerror(errno));
		expect_ok(ebpf_map_delete(fd, &key));
		key = next;
	}
	expect_errno(ebpf_map_next_key(fd, NULL, &next), ENOENT);
	close(fd);
}

/*
 * Every map hashes with its own random seed: the same keys come out of
 * two maps in different orders (identical orders over 64 keys in 64
 * buckets would take an astronomically unlikely coincidence).
 */
static void hash_seed_per_map(void)
{
	uint32_t key, a[64], b[64];
	uint64_t value = 0;
	int fa = expect_ok(map_create(BPF_MAP_TYPE_HASH, 4, 8, 64, 0));
	int fb = expect_ok(map_create(BPF_MAP_TYPE_HASH, 4, 8, 64, 0));

	for (key = 0; key < 64; key++) {
		expect_ok(ebpf_map_update(fa, &key, &value, BPF_ANY));
		expect_ok(ebpf_map_update(fb, &key, &value, BPF_ANY));
	}
	expect_eq(collect_keys(fa, a, 64), 64);
	expect_eq(collect_keys(fb, b, 64), 64);
	expect(memcmp(a, b, sizeof(a)));
	close(fa);
	close(fb);
}

/* --- per-CPU values ----------------------------------------------- */

/*
 * One value per possible CPU, each in an 8-byte-rounded slot; the
 * whole slot, padding included, reads back as written.
 */
static void percpu_values_one(uint32_t type, uint32_t flags)
{
	const uint32_t vs = 12;		/* slots of 16 bytes */
	int ncpu = possible_cpus();
	size_t size = user_value_size(type, vs);
	unsigned char *value = malloc(size), *out = malloc(size);
	uint32_t key = 1;
	int cpu, fd = expect_ok(map_create(type, 4, vs, 4, flags));

	expect_eq(size, 16 * ncpu);
	for (cpu = 0; cpu < ncpu; cpu++)
		memset(value + 16 * cpu, 0x10 + cpu, 16);
	expect_ok(ebpf_map_update(fd, &key, value, BPF_ANY));
	memset(out, 0, size);
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));

	/* Each CPU's copy changes independently. */
	memset(value + 16 * (ncpu - 1), 0xee, 16);
	expect_ok(ebpf_map_update(fd, &key, value, BPF_EXIST));
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));
	close(fd);
	free(value);
	free(out);
}

static void percpu_values(void)
{
	percpu_values_one(BPF_MAP_TYPE_PERCPU_HASH, 0);
	percpu_values_one(BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC);
	percpu_values_one(BPF_MAP_TYPE_PERCPU_ARRAY, 0);
}

static void percpu_array(void)
{
	size_t size = user_value_size(BPF_MAP_TYPE_PERCPU_ARRAY, 8);
	uint64_t *value = calloc(1, size), *out = calloc(1, size);
	uint32_t key, next;
	int fd = expect_ok(map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 8, 0));

	/* Zeroed at creation, on every CPU. */
	memset(out, 0xff, size);
	key = 7;
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));

	fill_value(value, size, key, 1);
	expect_errno(ebpf_map_update(fd, &key, value, BPF_NOEXIST), EEXIST);
	expect_ok(ebpf_map_update(fd, &key, value, BPF_EXIST));
	expect_ok(ebpf_map_lookup(fd, &key, out));
	expect(!memcmp(out, value, size));
	expect_errno(ebpf_map_update(fd, &key, value, BPF_EXIST + 1), EINVAL);

	key = 8;
	expect_errno(ebpf_map_lookup(fd, &key, out), ENOENT);
	expect_errno(ebpf_map_update(fd, &key, value, BPF_ANY), E2BIG);
	expect_errno(ebpf_map_delete(fd, &key), EINVAL);
	key = 0;
	expect_errno(ebpf_map_delete(fd, &key), EINVAL);
	expect_ok(ebpf_map_next_key(fd, NULL, &next));
	expect_eq(next, 0);

	expect_errno(map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32768 + 1, 1, 0),
		     E2BIG);
	expect_errno(map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 8, 1, 0), EINVAL);
	expect_errno(map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1,
				BPF_F_NO_PREALLOC), EINVAL);
	close(fd);
	free(value);
	free(out);
}

/* --- arrays ------------------------------------------------------- */

static void array_delete_and_iterate(void)
{
	static const uint32_t types[] = {
		BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY,
		BPF_MAP_TYPE_PROG_ARRAY,
	};
	uint32_t key, next;
	size_t t;
	int n, fd;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		fd = expect_ok(map_create(types[t], 4, 4, 5, 0));
		if (types[t] != BPF_MAP_TYPE_PROG_ARRAY) {
			key = 0;
			expect_errno(ebpf_map_delete(fd, &key), EINVAL);
			key = 5;
			expect_errno(ebpf_map_delete(fd, &key), EINVAL);
		}
		/* Indexes in order, whatever the contents. */
		expect_ok(ebpf_map_next_key(fd, NULL, &next));
		expect_eq(next, 0);
		for (n = 1, key = 0; !ebpf_map_next_key(fd, &key, &next); n++) {
			expect_eq(next, key + 1);
			key = next;
		}
		expect_eq(errno, ENOENT);
		expect_eq(n, 5);
		expect_eq(key, 4);
		/* An index past the end starts over. */
		key = 5;
		expect_ok(ebpf_map_next_key(fd, &key, &next));
		expect_eq(next, 0);
		key = UINT32_MAX;
		expect_ok(ebpf_map_next_key(fd, &key, &next));
		expect_eq(next, 0);
		close(fd);
	}
}

/* --- program arrays ----------------------------------------------- */

/*
 * Values are program fds; no fd here is a program, so every update is
 * refused the way upstream refuses a non-program fd. Lookups of empty
 * slots are ENOENT.
 */
static void prog_array(void)
{
	uint32_t key = 0, value, next;
	int other = expect_ok(map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0));
	int fd = expect_ok(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0));
	int pipefd[2];

	expect_errno(ebpf_map_lookup(fd, &key, &value), ENOENT);
	key = 4;
	expect_errno(ebpf_map_lookup(fd, &key, &value), ENOENT);

	key = 0;
	value = other;
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), EINVAL);
	expect_ok(pipe(pipefd));
	value = pipefd[0];
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), EINVAL);
	value = 12345;
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), EBADF);
	value = -1;
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), EBADF);
	/* Flags and the index are checked before the fd. */
	value = other;
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_NOEXIST), EINVAL);
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_EXIST), EINVAL);
	key = 4;
	value = 12345;
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), E2BIG);

	key = 0;
	expect_errno(ebpf_map_delete(fd, &key), ENOENT);
	key = 4;
	expect_errno(ebpf_map_delete(fd, &key), E2BIG);
	expect_ok(ebpf_map_next_key(fd, NULL, &next));
	expect_eq(next, 0);

	/* Values are fds: 4 bytes. Programs may not read or write it. */
	expect_errno(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 8, 4, 0), EINVAL);
	expect_errno(map_create(BPF_MAP_TYPE_PROG_ARRAY, 8, 4, 4, 0), EINVAL);
	expect_errno(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 0, 0), EINVAL);
	expect_errno(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4,
				BPF_F_RDONLY_PROG), EINVAL);
	expect_errno(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4,
				BPF_F_WRONLY_PROG), EINVAL);
	expect_errno(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4,
				BPF_F_NO_PREALLOC), EINVAL);
	close(expect_ok(map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4,
				   BPF_F_RDONLY)));
	close(pipefd[0]);
	close(pipefd[1]);
	close(fd);
	close(other);
}

/* --- every command's errno ---------------------------------------- */

static const uint32_t all_types[] = {
	BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PROG_ARRAY,
	BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_ARRAY,
};

static void commands_bad_fd(void)
{
	uint32_t key = 0, next;
	uint64_t value[64] = { 0 };
	int pipefd[2];

	expect_ok(pipe(pipefd));
	expect_errno(ebpf_map_delete(-1, &key), EBADF);
	expect_errno(ebpf_map_delete(12345, &key), EBADF);
	expect_errno(ebpf_map_next_key(12345, &key, &next), EBADF);
	expect_errno(ebpf_map_next_key(12345, NULL, &next), EBADF);
	expect_errno(ebpf_map_delete(pipefd[0], &key), EINVAL);
	expect_errno(ebpf_map_next_key(pipefd[0], &key, &next), EINVAL);
	expect_errno(ebpf_map_lookup(pipefd[0], &key, value), EINVAL);
	expect_errno(ebpf_map_update(pipefd[1], &key, value, BPF_ANY), EINVAL);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void commands_bad_pointers(void)
{
	void *unmapped = mmap(NULL, 4096, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t t;

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		uint32_t type = all_types[t];
		size_t size = user_value_size(type, 4);
		void *value = calloc(1, size);
		uint32_t key = 0, next;
		int fd = expect_ok(map_create(type, 4, 4, 4, 0));

		expect_errno(ebpf_map_lookup(fd, NULL, value), EFAULT);
		expect_errno(ebpf_map_lookup(fd, unmapped, value), EFAULT);
		expect_errno(ebpf_map_update(fd, NULL, value, BPF_ANY), EFAULT);
		expect_errno(ebpf_map_update(fd, &key, NULL, BPF_ANY), EFAULT);
		expect_errno(ebpf_map_update(fd, &key, unmapped, BPF_ANY),
			     EFAULT);
		expect_errno(ebpf_map_delete(fd, NULL), EFAULT);
		expect_errno(ebpf_map_delete(fd, unmapped), EFAULT);
		expect_errno(ebpf_map_next_key(fd, unmapped, &next), EFAULT);
		/* A NULL key is the first-key request, not a fault. */
		if (type == BPF_MAP_TYPE_HASH ||
		    type == BPF_MAP_TYPE_PERCPU_HASH) {
			/* Nothing to copy out of an empty map... */
			expect_errno(ebpf_map_next_key(fd, NULL, NULL), ENOENT);
			expect_errno(ebpf_map_lookup(fd, &key, NULL), ENOENT);
			expect_ok(ebpf_map_update(fd, &key, value, BPF_ANY));
		}
		/* ...but now there is. */
		expect_errno(ebpf_map_next_key(fd, NULL, NULL), EFAULT);
		expect_errno(ebpf_map_next_key(fd, NULL, unmapped), EFAULT);
		if (type != BPF_MAP_TYPE_PROG_ARRAY)
			expect_errno(ebpf_map_lookup(fd, &key, NULL), EFAULT);
		close(fd);
		free(value);
	}
	munmap(unmapped, 4096);
}

/* Fields past what a command reads must be zero (EINVAL otherwise). */
static void commands_unused_attr(void)
{
	uint32_t key = 0, next;
	union bpf_attr attr;
	int fd = expect_ok(map_create(BPF_MAP_TYPE_HASH, 4, 4, 4, 0));

	/* BPF_MAP_DELETE_ELEM reads nothing past key. */
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(&key);
	attr.value = ptr_to_u64(&next);
	expect_errno(sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr)), EINVAL);
	attr.value = 0;
	attr.flags = BPF_ANY + 1;
	expect_errno(sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr)), EINVAL);
	attr.flags = 0;
	expect_errno(sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr)), ENOENT);

	/* BPF_MAP_GET_NEXT_KEY reads nothing past next_key. */
	attr.next_key = ptr_to_u64(&next);
	attr.flags = 1;
	expect_errno(sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr)), EINVAL);
	attr.flags = 0;
	expect_errno(sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr)), ENOENT);
	close(fd);
}

static void commands_access_mode(void)
{
	size_t t;

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		uint32_t type = all_types[t], key = 0, next;
		void *value = calloc(1, user_value_size(type, 4));
		int ro = expect_ok(map_create(type, 4, 4, 4, BPF_F_RDONLY));
		int wo = expect_ok(map_create(type, 4, 4, 4, BPF_F_WRONLY));

		expect_errno(ebpf_map_update(ro, &key, value, BPF_ANY), EPERM);
		expect_errno(ebpf_map_delete(ro, &key), EPERM);
		expect_errno(ebpf_map_lookup(wo, &key, value), EPERM);
		expect_errno(ebpf_map_next_key(wo, &key, &next), EPERM);
		expect_errno(ebpf_map_next_key(wo, NULL, &next), EPERM);
		/* The permission check comes before the key is read. */
		expect_errno(ebpf_map_delete(ro, NULL), EPERM);
		expect_errno(ebpf_map_lookup(wo, NULL, value), EPERM);
		expect_eq(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
		expect_eq(fcntl(wo, F_GETFL) & O_ACCMODE, O_WRONLY);
		close(ro);
		close(wo);
		free(value);
	}
}

static void map_names(void)
{
	size_t t;

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = all_types[t];
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 2;
		strcpy(attr.map_name, "flows_v4.tcp");
		close(expect_ok(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr))));
		strcpy(attr.map_name, "flows-v4");
		expect_errno(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)),
			     EINVAL);
	}
}

/* --- fdinfo ------------------------------------------------------- */

static long long fdinfo_field(int fd, const char *name)
{
	char path[64], line[256];
	size_t len = strlen(name);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			v = strtoll(line + len + 1, NULL, 0);
	fclose(f);
	return v;
}

static void fdinfo(void)
{
	static const struct {
		uint32_t type, key_size, value_size, max_entries, flags;
	} maps[] = {
		{ BPF_MAP_TYPE_HASH, 4, 12, 1000, 0 },
		{ BPF_MAP_TYPE_HASH, 13, 100, 10, BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_ARRAY, 4, 4096, 64, BPF_F_RDONLY },
		{ BPF_MAP_TYPE_PERCPU_HASH, 8, 20, 100, BPF_F_WRONLY_PROG },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 3, 0 },
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 32, 0 },
	};
	long page = sysconf(_SC_PAGESIZE);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		int fd = expect_ok(map_create(maps[i].type, maps[i].key_size,
					      maps[i].value_size,
					      maps[i].max_entries,
					      maps[i].flags));
		/* Upstream's estimate: entries of key + value, in pages. */
		long long entry = (maps[i].key_size +
				   user_value_size(maps[i].type,
						   maps[i].value_size) + 7) & ~7;
		long long memlock = (entry * maps[i].max_entries + page - 1) /
				    page * page;

		expect_eq(fdinfo_field(fd, "map_type"), maps[i].type);
		expect_eq(fdinfo_field(fd, "key_size"), maps[i].key_size);
		expect_eq(fdinfo_field(fd, "value_size"), maps[i].value_size);
		expect_eq(fdinfo_field(fd, "max_entries"), maps[i].max_entries);
		/* The access flags belong to the fd, not to the map. */
		expect_eq(fdinfo_field(fd, "map_flags"),
			  maps[i].flags & ~(BPF_F_RDONLY | BPF_F_WRONLY));
		expect_eq(fdinfo_field(fd, "map_extra"), 0);
		expect_eq(fdinfo_field(fd, "memlock"), memlock);
		close(fd);
	}
}

/* --- passing maps between processes -------------------------------- */

static void fork_shares_map(void)
{
	uint32_t key = 1;
	uint64_t value = 0;
	int status, sync[2];
	int fd = expect_ok(map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0));
	pid_t pid = fork();
	char c;

	if (pid == 0) {
		value = 42;
		_exit(ebpf_map_update(fd, &key, &value, BPF_NOEXIST) ? 1 : 0);
	}
	expect(pid > 0);
	expect_eq(waitpid(pid, &status, 0), pid);
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_ok(ebpf_map_lookup(fd, &key, &value));
	expect_eq(value, 42);

	/* The child's fd outlives the parent's: the map stays. */
	expect_ok(pipe(sync));
	pid = fork();
	if (pid == 0) {
		close(sync[1]);
		if (read(sync[0], &c, 1) != 0)	/* until the parent closed */
			_exit(1);
		if (ebpf_map_lookup(fd, &key, &value) || value != 42)
			_exit(1);
		key = 2;
		_exit(ebpf_map_update(fd, &key, &value, BPF_ANY) ? 1 : 0);
	}
	close(fd);
	close(sync[0]);
	close(sync[1]);
	expect_eq(waitpid(pid, &status, 0), pid);
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int send_fd(int sock, int fd)
{
	char data = 'm', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &data, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char data, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &data, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * A child creates maps and sends them over a unix socket, then exits;
 * the parent's received fds keep the maps, their contents and their
 * access modes.
 */
static void scm_rights_passes_map(void)
{
	uint32_t key = 3;
	uint64_t value;
	int sv[2], status, fd, ro;
	pid_t pid;

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	if (pid == 0) {
		int m = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
		int r = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_RDONLY);

		value = 77;
		if (m < 0 || r < 0 ||
		    ebpf_map_update(m, &key, &value, BPF_ANY) ||
		    send_fd(sv[1], m) || send_fd(sv[1], r))
			_exit(1);
		_exit(0);
	}
	expect(pid > 0);
	fd = recv_fd(sv[0]);
	ro = recv_fd(sv[0]);
	expect_eq(waitpid(pid, &status, 0), pid);
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect(fd >= 0 && ro >= 0);

	value = 0;
	expect_ok(ebpf_map_lookup(fd, &key, &value));
	expect_eq(value, 77);
	expect_ok(ebpf_map_update(fd, &key, &value, BPF_EXIST));
	expect_eq(fdinfo_field(fd, "map_type"), BPF_MAP_TYPE_HASH);
	expect_ok(ebpf_map_lookup(ro, &key, &value));
	expect_errno(ebpf_map_update(ro, &key, &value, BPF_ANY), EPERM);
	close(fd);
	close(ro);
	close(sv[0]);
	close(sv[1]);
}

/* --- stress ------------------------------------------------------- */

#define STRESS_THREADS	4
#define STRESS_KEYS	256	/* key k belongs to thread k % STRESS_THREADS */
#define STRESS_ENTRIES	128	/* fewer than the keys: the map fills up */
#define STRESS_OPS	40000

struct stress {
	int fd, id;
	uint32_t type;
	unsigned int seed;
	/* What the owner knows of its keys: 0 absent, else the value. */
	uint64_t shadow[STRESS_KEYS];
	int failed;
	char why[128];
};

/* Threads do not print: the first failure of each is kept for later. */
static void stress_fail(struct stress *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	s->failed = 1;
}

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	size_t size = user_value_size(s->type, 8);
	uint64_t *value = calloc(1, size), *out = calloc(1, size);
	int i, err;

	for (i = 0; i < STRESS_OPS && !s->failed; i++) {
		uint32_t r = rand_r(&s->seed);
		uint32_t key = r % STRESS_KEYS, next;
		int own = key % STRESS_THREADS == (uint32_t)s->id;

		switch (r >> 16 & 3) {
		case 0:		/* update */
			if (!own)
				break;
			fill_value(value, size, key, i + 1);
			err = ebpf_map_update(s->fd, &key, value, BPF_ANY);
			if (!err)
				s->shadow[key] = value[0];
			else if (errno != E2BIG || s->shadow[key])
				stress_fail(s, "update %u: %s (present %d)", key,
					    strerror(errno), !!s->shadow[key]);
			break;
		case 1:		/* delete */
			if (!own)
				break;
			err = ebpf_map_delete(s->fd, &key);
			if (err ? errno != ENOENT || s->shadow[key] :
				  !s->shadow[key])
				stress_fail(s, "delete %u: %d %s, present %d", key,
					    err, strerror(errno), !!s->shadow[key]);
			s->shadow[key] = 0;
			break;
		case 2:		/* lookup, exact for the owner's keys */
			err = ebpf_map_lookup(s->fd, &key, out);
			if (err && errno != ENOENT)
				stress_fail(s, "lookup %u: %s", key, strerror(errno));
			else if (own && !err != !!s->shadow[key])
				stress_fail(s, "lookup %u: %d, present %d", key,
					    err, !!s->shadow[key]);
			else if (own && !err && out[0] != s->shadow[key])
				stress_fail(s, "lookup %u: wrong value", key);
			break;
		default:	/* a few steps of iteration */
			err = ebpf_map_next_key(s->fd, r & 1 ? &key : NULL,
						&next);
			if (err && errno != ENOENT)
				stress_fail(s, "next_key: %s", strerror(errno));
			else if (!err && next >= STRESS_KEYS)
				stress_fail(s, "next_key: unknown key %u", next);
			break;
		}
	}
	free(value);
	free(out);
	return NULL;
}

/*
 * Threads change only their own keys but read and walk all of them.
 * At the end the map must hold exactly the keys and values the owners
 * believe it holds.
 */
static void stress_one(uint32_t type, uint32_t flags)
{
	static struct stress st[STRESS_THREADS];
	pthread_t tid[STRESS_THREADS];
	size_t size = user_value_size(type, 8);
	uint64_t *out = calloc(1, size);
	uint32_t keys[STRESS_KEYS + 1];
	int i, n, present = 0;
	int fd = expect_ok(map_create(type, 4, 8, STRESS_ENTRIES, flags));

	for (i = 0; i < STRESS_THREADS; i++) {
		memset(&st[i], 0, sizeof(st[i]));
		st[i].fd = fd;
		st[i].id = i;
		st[i].type = type;
		st[i].seed = 1234 + i;
		expect_eq(pthread_create(&tid[i], NULL, stress_thread, &st[i]), 0);
	}
	for (i = 0; i < STRESS_THREADS; i++) {
		pthread_join(tid[i], NULL);
		if (st[i].failed)
			tap_fail("thread %d: %s", i, st[i].why);
	}

	n = collect_keys(fd, keys, STRESS_KEYS + 1);
	for (i = 0; i < STRESS_KEYS; i++) {
		struct stress *s = &st[i % STRESS_THREADS];
		uint32_t key = i;
		int err = ebpf_map_lookup(fd, &key, out);

		if (s->shadow[i]) {
			present++;
			if (err || out[0] != s->shadow[i])
				tap_fail("key %d: lost or wrong value", i);
		} else if (!err || errno != ENOENT) {
			tap_fail("key %d: present after its delete", i);
		}
	}
	expect_eq(n, present);
	expect(present <= STRESS_ENTRIES);
	/* The map still works: empty it, refill it to the brim. */
	for (i = 0; i < n; i++)
		expect_ok(ebpf_map_delete(fd, &keys[i]));
	for (i = 0; i < STRESS_ENTRIES; i++) {
		uint32_t key = i;

		fill_value(out, size, key, 1);
		expect_ok(ebpf_map_update(fd, &key, out, BPF_NOEXIST));
	}
	close(fd);
	free(out);
}

static void stress_hash(void)
{
	stress_one(BPF_MAP_TYPE_HASH, 0);
}

static void stress_hash_no_prealloc(void)
{
	stress_one(BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC);
}

static void stress_percpu_hash(void)
{
	stress_one(BPF_MAP_TYPE_PERCPU_HASH, 0);
}

/* --- memory ------------------------------------------------------- */

static long mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Creates, fills and closes maps of every type: about 20 MiB in all. */
static void churn_maps(void)
{
	static const struct {
		uint32_t type, key_size, value_size, max_entries, flags;
	} maps[] = {
		{ BPF_MAP_TYPE_HASH, 8, 64, 2048, 0 },
		{ BPF_MAP_TYPE_HASH, 8, 64, 2048, BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_PERCPU_HASH, 8, 16, 1024, 0 },
		{ BPF_MAP_TYPE_PERCPU_HASH, 8, 16, 1024, BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_ARRAY, 4, 256, 1024, 0 },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 64, 256, 0 },
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4096, 0 },
	};
	static uint64_t value[64 * 64];
	size_t i;
	int round;

	for (round = 0; round < 20 && !tap_failed; round++) {
		for (i = 0; i < ARRAY_SIZE(maps); i++) {
			int fd = map_create(maps[i].type, maps[i].key_size,
					    maps[i].value_size,
					    maps[i].max_entries, maps[i].flags);
			uint64_t key;

			if (fd < 0) {
				tap_fail("create type %u: %s", maps[i].type,
					 strerror(errno));
				return;
			}
			if (maps[i].type != BPF_MAP_TYPE_PROG_ARRAY)
				for (key = 0; key < 256; key++)
					ebpf_map_update(fd, &key, value, BPF_ANY);
			close(fd);
		}
	}
}

/*
 * After a first round has warmed the allocators, many more rounds of
 * maps must give all their memory back. Freeing is asynchronous (a
 * workqueue, RCU), so waiting for it is allowed, never failing.
 */
static void close_frees_memory(void)
{
	long base, now = 0;
	int i;

	churn_maps();
	sleep(1);
	base = mem_available_kb();
	for (i = 0; i < 5 && !tap_failed; i++)
		churn_maps();
	for (i = 0; i < 300; i++) {
		now = mem_available_kb();
		if (now > base - 16 * 1024)
			break;
		usleep(100000);
	}
	if (now <= base - 16 * 1024)
		tap_fail("MemAvailable %ld kB, was %ld kB before", now, base);
}

/* --- unprivileged_bpf_disabled -------------------------------------- */

#define UNPRIV_SYSCTL "/proc/sys/kernel/unprivileged_bpf_disabled"

static int sysctl_read(void)
{
	FILE *f = fopen(UNPRIV_SYSCTL, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* 0 or -1 with errno, like a syscall. */
static int sysctl_write(const char *s)
{
	int fd = open(UNPRIV_SYSCTL, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int set_caps(uint64_t caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = (uint32_t)caps;
	data[0].permitted = (uint32_t)caps;
	data[1].effective = caps >> 32;
	data[1].permitted = caps >> 32;
	return syscall(SYS_capset, &hdr, data);
}

enum who { NOBODY, ROOT_NO_CAPS, ROOT_CAP_BPF };

/*
 * Runs @fn in a child that is, per @who, uid 65534 with no
 * capabilities, or uid 0 with none or only CAP_BPF. Returns what @fn
 * returned, or -1 if the child could not be set up.
 */
static int as(enum who who, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int err;

		if (who == NOBODY)
			err = setresgid(65534, 65534, 65534) ||
			      setresuid(65534, 65534, 65534);
		else
			err = set_caps(who == ROOT_CAP_BPF ?
				       1ULL << CAP_BPF : 0);
		_exit(err ? 255 : fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 255 ? -1 : WEXITSTATUS(status);
}

/* Exit statuses: 0 created, 1 EPERM, 2 anything else. */
static int try_create(void *arg)
{
	int fd = map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, 0);

	if (fd >= 0)
		return 0;
	return errno == EPERM ? 1 : 2;
}

/* Element commands on an inherited map: 0 if they all work. */
static int use_map(void *arg)
{
	int fd = *(int *)arg;
	uint32_t key = 0, value = 5, next;

	if (ebpf_map_update(fd, &key, &value, BPF_ANY) ||
	    ebpf_map_lookup(fd, &key, &value) || value != 5 ||
	    ebpf_map_next_key(fd, NULL, &next) || ebpf_map_delete(fd, &key))
		return 1;
	return 0;
}

static int try_sysctl_write(void *arg)
{
	if (!sysctl_write(arg))
		return 0;
	return errno == EPERM ? 1 : 2;
}

/*
 * The sysctl gates map creation for tasks without CAP_BPF or
 * CAP_SYS_ADMIN: 0 lets them create maps, 2 does not. Using a map one
 * has never needs privilege. Only CAP_SYS_ADMIN may write it.
 */
static void unprivileged(void)
{
	int saved = sysctl_read(), fd;
	char buf[16];

	expect(saved >= 0 && saved <= 2);
	if (saved == 1) {
		tap_skip("unprivileged_bpf_disabled is locked at 1");
		return;
	}
	fd = expect_ok(map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, 0));

	expect_ok(sysctl_write("0"));
	expect_eq(sysctl_read(), 0);
	expect_eq(as(NOBODY, try_create, NULL), 0);
	expect_eq(as(ROOT_NO_CAPS, try_create, NULL), 0);
	expect_eq(as(NOBODY, use_map, &fd), 0);

	expect_ok(sysctl_write("2"));
	expect_eq(sysctl_read(), 2);
	expect_eq(as(NOBODY, try_create, NULL), 1);
	expect_eq(as(ROOT_NO_CAPS, try_create, NULL), 1);
	expect_eq(as(ROOT_CAP_BPF, try_create, NULL), 0);
	expect_eq(as(NOBODY, use_map, &fd), 0);

	/* Only CAP_SYS_ADMIN writes; 0..2 are the values. */
	expect_eq(as(ROOT_CAP_BPF, try_sysctl_write, "0"), 1);
	expect_eq(sysctl_read(), 2);
	expect_errno(sysctl_write("3"), EINVAL);
	expect_errno(sysctl_write("-1"), EINVAL);
	expect_eq(sysctl_read(), 2);
	expect_ok(sysctl_write("0"));
	expect_eq(sysctl_read(), 0);

	snprintf(buf, sizeof(buf), "%d", saved);
	expect_ok(sysctl_write(buf));
	expect_eq(sysctl_read(), saved);
	close(fd);
}

/* An attr larger than a page, which creators get E2BIG for. */
static int try_create_oversized(void *arg)
{
	size_t size = 2 * sysconf(_SC_PAGESIZE);
	union bpf_attr *attr = calloc(1, size);

	attr->map_type = BPF_MAP_TYPE_HASH;
	attr->key_size = 4;
	attr->value_size = 4;
	attr->max_entries = 1;
	if (sys_bpf(BPF_MAP_CREATE, attr, size) >= 0)
		return 0;
	return errno == EPERM ? 1 : 2;
}

/*
 * Both kernels are built with CONFIG_BPF_UNPRIV_DEFAULT_OFF=y, its
 * default: the sysctl starts at 2. (The lock at 1 is tested by
 * host/guest/suites/test_unpriv_lock.sh, which runs after every other
 * suite because it cannot be undone.)
 */
static void unprivileged_default(void)
{
	expect_eq(sysctl_read(), 2);
}

/*
 * The permission check comes before anything else: even an attr the
 * kernel would refuse as E2BIG gets EPERM.
 */
static void unprivileged_check_first(void)
{
	int saved = sysctl_read();

	if (saved == 1) {
		tap_skip("unprivileged_bpf_disabled is locked at 1");
		return;
	}
	expect_ok(sysctl_write("2"));
	expect_eq(as(NOBODY, try_create_oversized, NULL), 1);
	if (saved == 0)
		expect_ok(sysctl_write("0"));
}

static const struct tap_case cases[] = {
	TAP_CASE(hash_basic),
	TAP_CASE(hash_update_flags),
	TAP_CASE(hash_full),
	TAP_CASE(hash_create_invalid),
	TAP_CASE(hash_key_sizes),
	TAP_CASE(hash_iterate),
	TAP_CASE(hash_iterate_delete),
	TAP_CASE(hash_seed_per_map),
	TAP_CASE(percpu_values),
	TAP_CASE(percpu_array),
	TAP_CASE(array_delete_and_iterate),
	TAP_CASE(prog_array),
	TAP_CASE(numa_node),
	TAP_CASE(too_large),
	TAP_CASE(commands_bad_fd),
	TAP_CASE(commands_bad_pointers),
	TAP_CASE(commands_unused_attr),
	TAP_CASE(commands_access_mode),
	TAP_CASE(map_names),
	TAP_CASE(fdinfo),
	TAP_CASE(fork_shares_map),
	TAP_CASE(scm_rights_passes_map),
	TAP_CASE(stress_hash),
	TAP_CASE(stress_hash_no_prealloc),
	TAP_CASE(stress_percpu_hash),
	TAP_CASE(close_frees_memory),
	TAP_CASE(unprivileged_default),
	TAP_CASE(unprivileged),
	TAP_CASE(unprivileged_check_first),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
