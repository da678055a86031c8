// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of the map commands seen from user space: nanoseconds per
 * bpf(2) lookup, update, delete and insert, for hash and array maps of
 * a few sizes. Prints "bench WORKLOAD NS ns" lines for host/bench.sh,
 * which runs the same binary on our kernel and the reference kernel
 * and compares them; each value is the median of several rounds.
 *
 * Keys are visited in a scrambled order so that consecutive operations
 * do not hit neighbouring buckets or slots.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ebpf.h"
#include "bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ROUNDS		7
#define OPS_PER_ROUND	16384

static void report(const char *kind, uint32_t entries, const char *op,
		   double *rounds)
{
	printf("bench %s/%uk/%s %.1f ns\n", kind, entries / 1024, op,
	       median(rounds, ROUNDS));
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A permutation of 0..n-1 (n a power of two): odd multiplier, xor. */
static uint32_t scramble(uint32_t i, uint32_t n)
{
	return ((i * 2654435761u) ^ (n >> 1)) & (n - 1);
}

/* Hash keys are 8 bytes and not dense, as real ones (addresses, ids). */
static uint64_t hash_key(uint32_t i)
{
	return (uint64_t)i * 0x9e3779b97f4a7c15ull;
}

static void bench_hash(const char *kind, uint32_t flags, uint32_t entries)
{
	double lookup[ROUNDS], update[ROUNDS], del[ROUNDS], insert[ROUNDS];
	uint64_t key, value = 1, t;
	uint32_t i, r, batch;
	int fd;

	fd = ebpf_map_create(BPF_MAP_TYPE_HASH, 8, 8, entries, flags);
	if (fd < 0)
		die("hash map");
	for (i = 0; i < entries; i++) {
		key = hash_key(i);
		if (ebpf_map_update(fd, &key, &value, BPF_NOEXIST))
			die("fill");
	}

	for (r = 0; r < ROUNDS; r++) {
		t = now_ns();
		for (i = 0; i < OPS_PER_ROUND; i++) {
			key = hash_key(scramble(i, entries));
			if (ebpf_map_lookup(fd, &key, &value))
				die("lookup");
		}
		lookup[r] = (double)(now_ns() - t) / OPS_PER_ROUND;

		t = now_ns();
		for (i = 0; i < OPS_PER_ROUND; i++) {
			key = hash_key(scramble(i, entries));
			if (ebpf_map_update(fd, &key, &value, BPF_EXIST))
				die("update");
		}
		update[r] = (double)(now_ns() - t) / OPS_PER_ROUND;

		/* Delete a batch of keys, then put them back. */
		batch = entries < OPS_PER_ROUND ? entries : OPS_PER_ROUND;
		t = now_ns();
		for (i = 0; i < batch; i++) {
			key = hash_key(scramble(i, entries));
			if (ebpf_map_delete(fd, &key))
				die("delete");
		}
		del[r] = (double)(now_ns() - t) / batch;
		t = now_ns();
		for (i = 0; i < batch; i++) {
			key = hash_key(scramble(i, entries));
			if (ebpf_map_update(fd, &key, &value, BPF_NOEXIST))
				die("insert");
		}
		insert[r] = (double)(now_ns() - t) / batch;
	}
	close(fd);
	report(kind, entries, "lookup", lookup);
	report(kind, entries, "update", update);
	report(kind, entries, "delete", del);
	report(kind, entries, "insert", insert);
}

static void bench_array(uint32_t entries)
{
	double lookup[ROUNDS], update[ROUNDS];
	uint64_t value = 1, t;
	uint32_t key, i, r;
	int fd;

	fd = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, entries, 0);
	if (fd < 0)
		die("array map");
	for (r = 0; r < ROUNDS; r++) {
		t = now_ns();
		for (i = 0; i < OPS_PER_ROUND; i++) {
			key = scramble(i, entries);
			if (ebpf_map_lookup(fd, &key, &value))
				die("lookup");
		}
		lookup[r] = (double)(now_ns() - t) / OPS_PER_ROUND;

		t = now_ns();
		for (i = 0; i < OPS_PER_ROUND; i++) {
			key = scramble(i, entries);
			if (ebpf_map_update(fd, &key, &value, BPF_ANY))
				die("update");
		}
		update[r] = (double)(now_ns() - t) / OPS_PER_ROUND;
	}
	close(fd);
	report("array", entries, "lookup", lookup);
	report("array", entries, "update", update);
}

int main(void)
{
	static const uint32_t sizes[] = { 1024, 65536 };
	unsigned int s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		bench_hash("hash", 0, sizes[s]);
		bench_hash("hash_noprealloc", BPF_F_NO_PREALLOC, sizes[s]);
		bench_array(sizes[s]);
	}
	return 0;
}
