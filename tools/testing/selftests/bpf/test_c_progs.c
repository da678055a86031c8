// SPDX-License-Identifier: GPL-2.0
/*
 * The corpus of restricted-C programs in progs/, each built by clang
 * and by gcc-bpf, loaded by Debian's unmodified libbpf and run with
 * BPF_PROG_TEST_RUN; every case checks the program's result and what it
 * left in its maps and global variables. A case runs once per compiler,
 * as "NAME.clang" and "NAME.gcc". An object gcc-bpf cannot build has a
 * NAME.gcc.skip beside it with the compiler's reason (see the
 * Makefile): the case is skipped with that reason.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tap.h"

#ifndef OBJ_DIR
#define OBJ_DIR "/bpf"
#endif

/*
 * libbpf's messages of the case being run, shown if it fails; with
 * LIBBPF_DEBUG set in the environment, all of them, debug ones too.
 */
static char libbpf_log[65536];
static size_t libbpf_log_len;
static bool libbpf_debug;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	size_t room = sizeof(libbpf_log) - libbpf_log_len;
	int n;

	if ((level == LIBBPF_DEBUG && !libbpf_debug) || room <= 1)
		return 0;
	n = vsnprintf(libbpf_log + libbpf_log_len, room, fmt, args);
	if (n > 0)
		libbpf_log_len += (size_t)n < room ? (size_t)n : room - 1;
	return 0;
}

/* A 64-byte IPv4/UDP frame to 127.0.0.1; tail_call changes its TOS. */
static unsigned char pkt[64] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55,	/* destination */
	0x00, 0x66, 0x77, 0x88, 0x99, 0xaa,	/* source */
	0x08, 0x00,				/* IPv4 */
	0x45, 0x00, 0x00, 50, 0x00, 0x00,
	0xee,					/* byte 20: loops.c looks for it */
	0x00, 64, 17, 0x00, 0x00,
	127, 0, 0, 1, 127, 0, 0, 1,
	0x30, 0x39, 0x00, 53, 0x00, 30, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 'E', 'B', 'P', 'F', 0x09, 0x0a,
};

/* What a socket filter sees: the packet from its network header on. */
#define NET_LEN (sizeof(pkt) - ETH_HLEN)

struct run {
	__u32 retval;
	struct __sk_buff ctx;
};

/*
 * One test run of @prog_fd on @data, with the context @ctx_in if not
 * NULL; fails the case if the run fails.
 */
static bool run_prog_ctx(int prog_fd, const void *data, __u32 size,
			 struct __sk_buff *ctx_in, struct run *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = data,
		    .data_size_in = size,
		    .ctx_in = ctx_in,
		    .ctx_size_in = ctx_in ? sizeof(*ctx_in) : 0,
		    .ctx_out = &r->ctx,
		    .ctx_size_out = sizeof(r->ctx),
	);
	int err;

	memset(r, 0, sizeof(*r));
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err) {
		tap_fail("BPF_PROG_TEST_RUN: %s", strerror(-err));
		return false;
	}
	r->retval = opts.retval;
	return true;
}

static bool run_prog(int prog_fd, const void *data, __u32 size, struct run *r)
{
	return run_prog_ctx(prog_fd, data, size, NULL, r);
}

/*
 * The global variables of section @sec, mapped from their map: a
 * mapping of the map's memory, shared with the program (libbpf 1.1
 * maps it so itself only for skeletons). Unmapped when the case ends.
 */
static struct { void *p; size_t size; } views[4];

static void *global_section(struct bpf_object *obj, const char *sec,
			    size_t want)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, sec);
	size_t size;
	void *p;
	int i;

	if (!map) {
		tap_fail("no map for section %s", sec);
		return NULL;
	}
	size = bpf_map__value_size(map);
	if (size < want) {
		tap_fail("section %s: %zu bytes, %zu wanted", sec, size, want);
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(map), 0);
	if (p == MAP_FAILED) {
		tap_fail("mmap of %s: %s", sec, strerror(errno));
		return NULL;
	}
	for (i = 0; i < 4 && views[i].p; i++)
		;
	if (i < 4) {
		views[i].p = p;
		views[i].size = size;
	}
	return p;
}

static void unmap_globals(void)
{
	int i;

	for (i = 0; i < 4 && views[i].p; i++) {
		munmap(views[i].p, views[i].size);
		views[i].p = NULL;
	}
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(obj, name);

	if (fd < 0)
		tap_fail("no map %s", name);
	return fd;
}

static int prog_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p) {
		tap_fail("no program %s", name);
		return -1;
	}
	return bpf_program__fd(p);
}

/* ---- the cases: each runs the object's program and checks its work --- */

static void ret_const(struct bpf_object *obj, int fd)
{
	struct run r;

	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 42);
}

/* Before loading, the initial value is libbpf's copy: set the constant. */
static int global_data_setup(struct bpf_object *obj)
{
	struct bpf_map *cfg = bpf_object__find_map_by_name(obj, ".rodata.cfg");
	__u32 scale = 3;

	if (!cfg) {
		tap_fail("no map .rodata.cfg");
		return -1;
	}
	return bpf_map__set_initial_value(cfg, &scale, sizeof(scale));
}

static void global_data(struct bpf_object *obj, int fd)
{
	struct { __u64 runs; __u32 last_len; } *stats, looked_up;
	__u64 *total = global_section(obj, ".data", sizeof(*total));
	int bss = map_fd(obj, ".bss"), cfg = map_fd(obj, ".rodata.cfg"), i;
	__u32 zero = 0, scale = 0;
	struct run r;

	stats = global_section(obj, ".bss", sizeof(*stats));
	if (!total || !stats || bss < 0 || cfg < 0)
		return;
	/* libbpf froze the constants after setting them */
	expect_ok(bpf_map_lookup_elem(cfg, &zero, &scale));
	expect_eq(scale, 3);
	expect_errno(bpf_map_update_elem(cfg, &zero, &scale, BPF_ANY), EPERM);
	for (i = 0; i < 2; i++)
		if (run_prog(fd, pkt, sizeof(pkt), &r))
			expect_eq(r.retval, 3 * 10 + 7);
	/* through the mapping and through the system call alike */
	expect_eq(stats->runs, 2);
	expect_eq(stats->last_len, NET_LEN);
	expect_eq(*total, 1000 + 3 * 3 + 3 * 5);	/* primes[1], [2] */
	expect_ok(bpf_map_lookup_elem(bss, &zero, &looked_up));
	expect_eq(looked_up.runs, 2);
	/* user space writes through the mapping; the program sees it */
	stats->runs = 100;
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(*total, 1000 + 3 * 3 + 3 * 5 + 3 * 3);
	expect_eq(stats->runs, 101);
}

static void strings(struct bpf_object *obj, int fd)
{
	const char *greeting = "hello, eBPF";
	char *copy = global_section(obj, ".bss", 16);
	__u32 sum = 0;
	struct run r;

	while (*greeting)
		sum += *greeting++;
	if (!copy || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, sum);
	expect(!strcmp(copy, "stack string"));
}

static void array_map(struct bpf_object *obj, int fd)
{
	int squares = map_fd(obj, "squares");
	__u64 v;
	__u32 i;
	struct run r;

	if (squares < 0 || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 8);
	for (i = 0; i < 8; i++) {
		expect_ok(bpf_map_lookup_elem(squares, &i, &v));
		expect_eq(v, i * i);
	}
}

static void hash_map(struct bpf_object *obj, int fd)
{
	struct { __u32 a; __u16 b, pad; } key = {}, next;
	int pairs = map_fd(obj, "pairs"), n = 0;
	struct run r;

	if (pairs < 0 || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 5);
	while (!bpf_map_get_next_key(pairs, n ? &key : NULL, &next)) {
		expect_eq(next.a % 2, 0);
		expect_eq(next.b, next.a * 3);
		key = next;
		n++;
	}
	expect_eq(n, 5);
}

static void percpu_maps(struct bpf_object *obj, int fd)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	int array = map_fd(obj, "pcpu_array"), hash = map_fd(obj, "pcpu_hash");
	__u64 values[ncpus > 0 ? ncpus : 1], sum;
	__u32 key = 1;
	struct run r;

	if (ncpus <= 0 || array < 0 || hash < 0)
		return;
	for (i = 0; i < 3; i++)
		if (run_prog(fd, pkt, sizeof(pkt), &r))
			expect_eq(r.retval, 1);
	expect_ok(bpf_map_lookup_elem(array, &key, values));
	for (sum = 0, i = 0; i < ncpus; i++)
		sum += values[i];
	expect_eq(sum, 3 * NET_LEN);
	expect_ok(bpf_map_lookup_elem(hash, &key, values));
	for (sum = 0, i = 0; i < ncpus; i++)
		sum += values[i];
	expect_eq(sum, 3);
}

static void stack_struct(struct bpf_object *obj, int fd)
{
	struct record {
		__u8 kind;
		__u16 port;
		__u32 addr;
		__u64 bytes;
		char tag[6];
	} rec;
	int records = map_fd(obj, "records");
	__u32 key = 1;
	struct run r;

	if (records < 0 || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 8081 + 3);
	expect_ok(bpf_map_lookup_elem(records, &key, &rec));
	expect_eq(rec.kind, 3);
	expect_eq(rec.port, 8081);
	expect_eq(rec.addr, 0x7f000001);
	expect_eq(rec.bytes, NET_LEN);
	expect(!strcmp(rec.tag, "abcde"));
}

static void loops(struct bpf_object *obj, int fd)
{
	struct run r;

	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 210 + 18 + 20 - ETH_HLEN);
}

static void skb_access(struct bpf_object *obj, int fd)
{
	struct run r;

	if (!run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 2);
	expect_eq(r.ctx.cb[0], NET_LEN);
	expect_eq(r.ctx.cb[1], htons(ETH_P_IP));
	expect_eq(r.ctx.cb[2], 64 << 8 | 17);
	expect_eq(r.ctx.cb[3], htonl(0x7f000001));
}

static void helpers(struct bpf_object *obj, int fd)
{
	struct {
		__u64 time, boot;
		__u32 cpu, node, random_draws;
	} *seen = global_section(obj, ".bss", sizeof(*seen));
	struct timespec now;
	struct run r;

	if (!seen || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 7);
	clock_gettime(CLOCK_MONOTONIC, &now);
	expect(seen->time <= now.tv_sec * 1000000000ull + now.tv_nsec);
	expect(seen->cpu < (__u32)libbpf_num_possible_cpus());
	expect_eq(seen->node, 0);
	expect_eq(seen->random_draws, 8);
}

static void helper_errno(struct bpf_object *obj, int fd)
{
	struct { __s64 exist, e2big, noent, full; } *err;
	struct run r;

	err = global_section(obj, ".bss", sizeof(*err));
	if (!err || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	if (on_reference()) {
		/*
		 * Upstream 6.1's JIT calls map operations directly, and they
		 * return int: only the errno's low 32 bits are defined, the
		 * upper half is what the operation's code left there (zero
		 * after "return -EEXIST"). Fixed in 6.5, which the series
		 * follows.
		 */
		expect_eq(err->exist, (__u32)-EEXIST);
		expect_eq((__u32)err->e2big, (__u32)-E2BIG);
		expect_eq((__u32)err->noent, (__u32)-ENOENT);
		expect_eq((__u32)err->full, (__u32)-E2BIG);
		expect_eq(r.retval, 0);
		return;
	}
	expect_eq(err->exist, -EEXIST);
	expect_eq(err->e2big, -E2BIG);
	expect_eq(err->noent, -ENOENT);
	expect_eq(err->full, -E2BIG);
	expect_eq(r.retval, 1);
}

static void tail_call(struct bpf_object *obj, int fd)
{
	int table = map_fd(obj, "jump_table");
	int one = prog_fd(obj, "tail_call_one");
	int two = prog_fd(obj, "tail_call_two");
	__u32 slot;
	struct run r;

	if (table < 0 || one < 0 || two < 0)
		return;
	slot = 0;
	expect_ok(bpf_map_update_elem(table, &slot, &one, BPF_ANY));
	slot = 2;
	expect_ok(bpf_map_update_elem(table, &slot, &two, BPF_ANY));

	pkt[ETH_HLEN + 1] = 0;
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 1);
	pkt[ETH_HLEN + 1] = 2;			/* two, whose slot 1 is empty */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 2);
	slot = 1;
	expect_ok(bpf_map_update_elem(table, &slot, &one, BPF_ANY));
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 1);
	pkt[ETH_HLEN + 1] = 3;			/* an empty slot */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 100);
	pkt[ETH_HLEN + 1] = 200;			/* past the end */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 100);
	pkt[ETH_HLEN + 1] = 0;
}

static void switch_case(struct bpf_object *obj, int fd)
{
	struct run r;

	/* UDP (30), TTL 64: above 32 (+1), even (+0) */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 31);
}

static void bitops(struct bpf_object *obj, int fd)
{
	struct {
		__u32 daddr;
		__u16 sport, dport;
		__u32 rot;
		__u64 swapped;
		__u32 folded;
		__u32 popcount;
	} *out = global_section(obj, ".bss", sizeof(*out));
	__u32 daddr = 0x7f000001, rot = daddr << 13 | daddr >> 19;
	__u64 wide = (__u64)daddr << 32 | rot;
	struct run r;

	if (!out || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 53);
	expect_eq(out->daddr, daddr);
	expect_eq(out->sport, 12345);
	expect_eq(out->dport, 53);
	expect_eq(out->rot, rot);
	expect_eq(out->swapped, __builtin_bswap64(wide));
	expect_eq(out->folded, (__u32)(wide ^ wide >> 32) & 0xfff0fff0);
	expect_eq(out->popcount, 8);
}

static void div_mod(struct bpf_object *obj, int fd)
{
	struct {
		__u64 q64, r64, q64_zero, r64_zero;
		__u32 q32, r32, q32_zero, r32_zero;
		__u64 by_const;
	} *out = global_section(obj, ".bss", sizeof(*out));
	__u64 n = 1000000007ull * 3;
	__u32 n32 = 4000000000u;
	struct run r;

	if (!out || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	/* by the TTL (64, and 64 + 3 in 32 bits), then by the TOS, 0 */
	expect_eq(out->q64, n / 64);
	expect_eq(out->r64, n % 64);
	expect_eq(out->q32, n32 / 67);
	expect_eq(out->r32, n32 % 67);
	expect_eq(out->q64_zero, 0);
	expect_eq(out->r64_zero, n);
	expect_eq(out->q32_zero, 0);
	expect_eq(out->r32_zero, n32);
	expect_eq(out->by_const, n / 7 + n % 10);
}

static void atomics(struct bpf_object *obj, int fd)
{
	struct { __u64 packets, bytes; __u32 small; } c;
	int by_proto = map_fd(obj, "by_proto"), i;
	__u64 *total = global_section(obj, ".bss", sizeof(*total));
	__u32 udp = 17;
	struct run r;

	if (by_proto < 0 || !total)
		return;
	for (i = 0; i < 3; i++)
		if (run_prog(fd, pkt, sizeof(pkt), &r))
			expect_eq(r.retval, 1);
	expect_ok(bpf_map_lookup_elem(by_proto, &udp, &c));
	expect_eq(c.packets, 3);
	expect_eq(c.bytes, 3 * NET_LEN);
	expect_eq(c.small, 6);
	expect_eq(*total, 3);
}

static void rodata_table(struct bpf_object *obj, int fd)
{
	static const __u16 weights[32] = {
		3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
		2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5,
	};
	__u32 sum = 0, i;
	struct run r;

	for (i = 0; i < 20; i++)
		sum += weights[pkt[ETH_HLEN + i] & 31];
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, sum);
}

static void packet_parse(struct bpf_object *obj, int fd)
{
	struct flow {
		__u32 saddr, daddr;
		__u16 sport, dport;
		__u8 proto;
		__u8 pad[3];
	} key = {
		.saddr = htonl(0x7f000001), .daddr = htonl(0x7f000001),
		.sport = 12345, .dport = 53, .proto = 17,
	};
	int flows = map_fd(obj, "flows"), i;
	__u64 count = 0;
	struct run r;

	if (flows < 0)
		return;
	for (i = 0; i < 3; i++)
		if (run_prog(fd, pkt, sizeof(pkt), &r))
			expect_eq(r.retval, 53);
	expect_ok(bpf_map_lookup_elem(flows, &key, &count));
	expect_eq(count, 3);
}

static void large_stack(struct bpf_object *obj, int fd)
{
	__u8 buf[448] = { 0 };
	__u32 sum = 0, i;
	struct run r;

	memcpy(buf, pkt + ETH_HLEN, 48);
	memcpy(buf + 400, buf, 48);
	for (i = 0; i < sizeof(buf); i += 4)
		sum += buf[i] + buf[i + 1] * 3 + buf[i + 2] * 5 +
		       buf[i + 3] * 7;
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, sum);
}

static void map_flags(struct bpf_object *obj, int fd)
{
	int config = map_fd(obj, "config"), result = map_fd(obj, "result");
	int lazy = map_fd(obj, "lazy");
	__u32 key = 0, value = 21, got = 0;
	struct run r;

	if (config < 0 || result < 0 || lazy < 0)
		return;
	/* the flags restrict programs, not user space */
	expect_ok(bpf_map_update_elem(config, &key, &value, BPF_ANY));
	if (!run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 42);
	expect_ok(bpf_map_lookup_elem(result, &key, &got));
	expect_eq(got, 43);
	key = 42;
	expect_ok(bpf_map_lookup_elem(lazy, &key, &got));
	expect_eq(got, 0);
}

static void cb_ctx(struct bpf_object *obj, int fd)
{
	struct __sk_buff ctx = {
		.cb = { 1, 2, 3, 4, 5 }, .mark = 0x1234, .priority = 0x77,
	};
	struct run r;

	if (!run_prog_ctx(fd, pkt, sizeof(pkt), &ctx, &r))
		return;
	expect_eq(r.retval, 1 + 4 + 9 + 16 + 25);
	expect_eq(r.ctx.cb[0], 55);
	expect_eq(r.ctx.cb[1], 2);
	expect_eq(r.ctx.cb[4], 0x1234 ^ 0x77);
	expect_eq(r.ctx.mark, 0x1234);
	expect_eq(r.ctx.priority, 0x77);
}

static void narrow_ctx(struct bpf_object *obj, int fd)
{
	struct run r;

	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, NET_LEN + htons(ETH_P_IP));
}

static void matrix(struct bpf_object *obj, int fd)
{
	__u32 (*product)[4] = global_section(obj, ".bss", 16 * sizeof(__u32));
	__u32 m[4][4], want, trace = 0;
	int i, j, k;
	struct run r;

	if (!product || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	for (i = 0; i < 16; i++)
		m[i / 4][i % 4] = pkt[ETH_HLEN + i] & 7;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			for (want = 0, k = 0; k < 4; k++)
				want += m[i][k] * m[k][j];
			expect_eq(product[i][j], want);
			if (i == j)
				trace += want;
		}
	expect_eq(r.retval, trace);
}

static void substring(struct bpf_object *obj, int fd)
{
	struct run r;

	/* "EBPF" at byte 33 of the network header, 13 past the UDP header */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 13);
}

static void bitfields(struct bpf_object *obj, int fd)
{
	struct { __u32 version, ihl, packed; } *decoded;
	struct { __u32 a:3, b:7, c:22; } p = { 5, 40, 0x2abcde };
	__u32 packed;
	struct run r;

	decoded = global_section(obj, ".bss", sizeof(*decoded));
	if (!decoded || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	memcpy(&packed, &p, sizeof(packed));
	expect_eq(r.retval, 45);
	expect_eq(decoded->version, 4);
	expect_eq(decoded->ihl, 5);
	expect_eq(decoded->packed, packed);
}

static void global_hist(struct bpf_object *obj, int fd)
{
	__u64 *hist = global_section(obj, ".bss", 16 * sizeof(__u64));
	__u64 want[16] = { 0 };
	struct run r;
	int i;

	if (!hist || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	for (i = 0; i < 32; i++)
		want[pkt[ETH_HLEN + i] & 15]++;
	expect_eq(r.retval, 32);
	for (i = 0; i < 16; i++)
		expect_eq(hist[i], want[i]);
}

static void multi_prog(struct bpf_object *obj, int fd)
{
	int count = prog_fd(obj, "mp_count"), twice = prog_fd(obj, "mp_double");
	__u32 *calls = global_section(obj, ".bss", sizeof(*calls));
	struct run r;

	if (count < 0 || twice < 0 || !calls)
		return;
	run_prog(count, pkt, sizeof(pkt), &r);
	run_prog(count, pkt, sizeof(pkt), &r);
	run_prog(twice, pkt, sizeof(pkt), &r);
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 4);
	expect_eq(*calls, 4);
}

static void sum_packet(struct bpf_object *obj, int fd)
{
	__u32 sum = 0, i;
	__u16 word;
	struct run r;

	for (i = 0; i + 1 < NET_LEN; i += 2) {
		memcpy(&word, pkt + ETH_HLEN + i, 2);
		sum += word;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, sum);
}

static void tail_self(struct bpf_object *obj, int fd)
{
	__u32 *runs = global_section(obj, ".bss", sizeof(*runs));
	int self = map_fd(obj, "self");
	__u32 zero = 0;
	struct run r;

	if (!runs || self < 0)
		return;
	expect_ok(bpf_map_update_elem(self, &zero, &fd, BPF_ANY));
	/* the first run and 33 tail calls */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 34);
	expect_eq(*runs, 34);
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 68);
	/* a program array holds its programs: empty it for the object to go */
	expect_ok(bpf_map_delete_elem(self, &zero));
}

static void config_dead_code(struct bpf_object *obj, int fd)
{
	struct run r;

	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 5);
}

static void memcpy_value(struct bpf_object *obj, int fd)
{
	struct blob {
		__u64 words[6];
		__u8 bytes[16];
	} in, out;
	int blobs = map_fd(obj, "blobs"), i;
	__u32 k0 = 0, k1 = 1;
	struct run r;

	if (blobs < 0)
		return;
	for (i = 0; i < 6; i++)
		in.words[i] = i + 1;
	for (i = 0; i < 16; i++)
		in.bytes[i] = i;
	expect_ok(bpf_map_update_elem(blobs, &k0, &in, BPF_ANY));
	if (!run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 1);
	expect_ok(bpf_map_lookup_elem(blobs, &k1, &out));
	in.words[5] += 1000;
	in.bytes[15] = 0x5a;
	expect(!memcmp(&in, &out, sizeof(in)));
}

static void upper_data(struct bpf_object *obj, int fd)
{
	char *text = global_section(obj, ".data", 32);
	struct run r;

	if (!text || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 16);
	expect(!strcmp(text, "HELLO FROM .DATA"));
}

static void inline_ptrs(struct bpf_object *obj, int fd)
{
	struct { __u32 hits, last; } slot;
	int slots = map_fd(obj, "slots");
	__u32 key = NET_LEN & 3;
	struct run r;

	if (slots < 0 || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, key);
	expect_ok(bpf_map_lookup_elem(slots, &key, &slot));
	expect_eq(slot.hits, 1);
	expect_eq(slot.last, NET_LEN);
}

static void ktime_order(struct bpf_object *obj, int fd)
{
	struct { __u64 stamps[4]; __u32 next; } *g;
	struct run r;
	int i;

	/* .bss ends with next: no padding after it */
	g = global_section(obj, ".bss", offsetof(typeof(*g), next) + 4);
	if (!g)
		return;
	for (i = 0; i < 3; i++)
		if (run_prog(fd, pkt, sizeof(pkt), &r))
			expect_eq(r.retval, 1);
	expect_eq(g->next, 3);
	expect(g->stamps[0] && g->stamps[0] < g->stamps[1] &&
	       g->stamps[1] < g->stamps[2]);
}

static void prandom_dist(struct bpf_object *obj, int fd)
{
	__u32 *buckets = global_section(obj, ".bss", 8 * sizeof(__u32));
	__u32 sum = 0, max = 0;
	struct run r;
	int i;

	if (!buckets || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, 64);
	for (i = 0; i < 8; i++) {
		sum += buckets[i];
		max = buckets[i] > max ? buckets[i] : max;
	}
	expect_eq(sum, 64);
	expect(max < 64);
}

static void percpu_single(struct bpf_object *obj, int fd)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	struct { __u64 runs; __u32 cpu, pad; } v[ncpus > 0 ? ncpus : 1];
	int counter = map_fd(obj, "counter");
	__u64 sum = 0;
	__u32 zero = 0;
	struct run r;

	if (ncpus <= 0 || counter < 0)
		return;
	for (i = 0; i < 3; i++)
		run_prog(fd, pkt, sizeof(pkt), &r);
	expect_ok(bpf_map_lookup_elem(counter, &zero, v));
	for (i = 0; i < ncpus; i++) {
		sum += v[i].runs;
		/* each CPU's copy names that CPU */
		if (v[i].runs)
			expect_eq(v[i].cpu, i);
	}
	expect_eq(sum, 3);
}

static void array_oob(struct bpf_object *obj, int fd)
{
	struct run r;

	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 0);
	pkt[ETH_HLEN + 1] = 99;		/* the last element */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 99);
	pkt[ETH_HLEN + 1] = 100;	/* past the end */
	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 0xdead);
	pkt[ETH_HLEN + 1] = 0;
}

static void if_ladder(struct bpf_object *obj, int fd)
{
	struct run r;

	if (run_prog(fd, pkt, sizeof(pkt), &r))
		expect_eq(r.retval, 255);
}

static void u64_arith(struct bpf_object *obj, int fd)
{
	struct {
		__u64 product, wrapped;
		__s64 arsh, neg;
		__u64 lsh;
		__u32 signed_less, unsigned_less;
	} *out = global_section(obj, ".bss", sizeof(*out));
	__u64 a, b;
	__s64 s;
	struct run r;

	if (!out || !run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	memcpy(&a, pkt + ETH_HLEN + 12, sizeof(a));
	b = a * 0x9e3779b97f4a7c15ull;
	s = -(__s64)(a >> 1);
	expect_eq(r.retval, 1);
	expect_eq(out->product, b);
	expect_eq(out->wrapped, b + 0xffffffffffffff00ull);
	expect_eq(out->neg, s);
	expect_eq(out->arsh, s >> 7);
	expect_eq(out->lsh, (__u64)s >> 7);
	expect_eq(out->signed_less, 1);
	expect_eq(out->unsigned_less, 0);
}

static void array_sum(struct bpf_object *obj, int fd)
{
	__u32 *argmax = global_section(obj, ".bss", sizeof(*argmax));
	int values = map_fd(obj, "values");
	__u32 i, v, sum = 0;
	struct run r;

	if (!argmax || values < 0)
		return;
	for (i = 0; i < 16; i++) {
		v = (i * 37) % 23;		/* the largest, 21, at 13 */
		sum += v;
		expect_ok(bpf_map_update_elem(values, &i, &v, BPF_ANY));
	}
	if (!run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(r.retval, sum);
	expect_eq(*argmax, 13);
}

/* How many bpf-to-bpf calls the kernel kept of @fd's program. */
static int subprog_calls(int fd)
{
	static struct bpf_insn insns[4096];
	struct bpf_prog_info info = {
		.xlated_prog_len = sizeof(insns),
		.xlated_prog_insns = (__u64)(unsigned long)insns,
	};
	__u32 len = sizeof(info), i;
	int n = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		tap_fail("BPF_OBJ_GET_INFO_BY_FD: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < info.xlated_prog_len / sizeof(insns[0]); i++)
		n += insns[i].code == (BPF_JMP | BPF_CALL) &&
		     insns[i].src_reg == BPF_PSEUDO_CALL;
	return n;
}

static void subprogs(struct bpf_object *obj, int fd)
{
	/*
	 * len 50: sum of 50..65 = 920, squares of 2 and 6 = 40,
	 * ((2 + 3) * 2) + 1 = 11, and 2 * 50 = 100.
	 */
	const __u32 want = 920 + 40 + 11 + 100;
	__u32 *bumps = global_section(obj, ".bss", sizeof(*bumps));
	int totals = map_fd(obj, "totals");
	__u64 total = 0;
	__u32 key = 0;
	struct run r;

	if (!bumps || totals < 0)
		return;
	/* fill, sum, square twice, depth1-3, global_twice, bump */
	expect(subprog_calls(fd) >= 9);
	if (!run_prog(fd, pkt, sizeof(pkt), &r))
		return;
	expect_eq(NET_LEN, 50);
	expect_eq(r.retval, want);
	expect_ok(bpf_map_lookup_elem(totals, &key, &total));
	expect_eq(total, want);
	expect_eq(*bumps, 1);
}

struct c_case {
	const char *obj;
	const char *prog;	/* the program the case runs */
	int (*setup)(struct bpf_object *obj);	/* before loading */
	void (*check)(struct bpf_object *obj, int prog_fd);
	/* gcc-bpf builds it, but the verifier refuses its code, this way */
	int gcc_refused;
};

#define C_CASE(o, p, s, c) { .obj = o, .prog = p, .setup = s, .check = c }
#define C_CASE_GCC_REFUSED(o, p, s, c, e)				\
	{ .obj = o, .prog = p, .setup = s, .check = c, .gcc_refused = e }

static const struct c_case c_cases[] = {
	C_CASE("ret_const", "ret_const", NULL, ret_const),
	C_CASE("global_data", "global_data", global_data_setup, global_data),
	C_CASE("strings", "strings", NULL, strings),
	C_CASE("array_map", "array_map", NULL, array_map),
	C_CASE("hash_map", "hash_map", NULL, hash_map),
	C_CASE("percpu_maps", "percpu_maps", NULL, percpu_maps),
	C_CASE("stack_struct", "stack_struct", NULL, stack_struct),
	C_CASE("loops", "loops", NULL, loops),
	C_CASE("skb_access", "skb_access", NULL, skb_access),
	C_CASE("helpers", "helpers", NULL, helpers),
	C_CASE("helper_errno", "helper_errno", NULL, helper_errno),
	C_CASE("tail_call", "tail_call_entry", NULL, tail_call),
	C_CASE("switch_case", "switch_case", NULL, switch_case),
	C_CASE("bitops", "bitops", NULL, bitops),
	C_CASE("div_mod", "div_mod", NULL, div_mod),
	C_CASE("atomics", "atomics", NULL, atomics),
	C_CASE("rodata_table", "rodata_table", NULL, rodata_table),
	C_CASE("packet_parse", "packet_parse", NULL, packet_parse),
	C_CASE("large_stack", "large_stack", NULL, large_stack),
	C_CASE("map_flags", "map_flags", NULL, map_flags),
	C_CASE("cb_ctx", "cb_ctx", NULL, cb_ctx),
	C_CASE("narrow_ctx", "narrow_ctx", NULL, narrow_ctx),
	C_CASE("matrix", "matrix", NULL, matrix),
	C_CASE("substring", "substring", NULL, substring),
	C_CASE("bitfields", "bitfields", NULL, bitfields),
	/*
	 * gcc-bpf walks the bytes with a pointer and stops when it equals
	 * the end: the verifier cannot bound a loop on pointer inequality,
	 * upstream's no more than ours.
	 */
	C_CASE_GCC_REFUSED("global_hist", "global_hist", NULL, global_hist,
			   EACCES),
	C_CASE("multi_prog", "mp_report", NULL, multi_prog),
	C_CASE("sum_packet", "sum_packet", NULL, sum_packet),
	C_CASE("tail_self", "tail_self", NULL, tail_self),
	C_CASE("config_dead_code", "config_dead_code", NULL,
	       config_dead_code),
	C_CASE("memcpy_value", "memcpy_value", NULL, memcpy_value),
	C_CASE("upper_data", "upper_data", NULL, upper_data),
	C_CASE("inline_ptrs", "inline_ptrs", NULL, inline_ptrs),
	/*
	 * gcc-bpf 12 puts a global's offset in its section both into the
	 * instruction and into the symbol of its relocation; libbpf 1.1
	 * adds the two, so "stamps", 8 bytes into .bss, is addressed at
	 * 16: the verifier refuses the store past the value it makes.
	 */
	C_CASE_GCC_REFUSED("ktime_order", "ktime_order", NULL, ktime_order,
			   EACCES),
	C_CASE("prandom_dist", "prandom_dist", NULL, prandom_dist),
	C_CASE("percpu_single", "percpu_single", NULL, percpu_single),
	C_CASE("array_oob", "array_oob", NULL, array_oob),
	C_CASE("if_ladder", "if_ladder", NULL, if_ladder),
	C_CASE("u64_arith", "u64_arith", NULL, u64_arith),
	/*
	 * gcc-bpf checks the lookup's result against a register holding
	 * 0; 6.1's verifier, like the series', takes only a comparison
	 * with the constant 0 as a NULL check (later kernels take both).
	 */
	C_CASE_GCC_REFUSED("array_sum", "array_sum", NULL, array_sum, EACCES),
	/*
	 * gcc-bpf 12 leaves the called functions out of .text: libbpf
	 * 1.1 finds "no .text section found yet sub-program call exists"
	 * and refuses the object (LIBBPF_ERRNO__RELOC) before any load.
	 */
	C_CASE_GCC_REFUSED("subprogs", "subprogs", NULL, subprogs,
			   LIBBPF_ERRNO__RELOC),
	{}
};

/* The reason gcc-bpf could not build @obj, from the build, or NULL. */
static const char *build_skip(const char *obj, const char *cc)
{
	static char reason[256];
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), OBJ_DIR "/%s.%s.skip", obj, cc);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(reason, sizeof(reason), f))
		strcpy(reason, "the compiler cannot build it");
	fclose(f);
	reason[strcspn(reason, "\n")] = 0;
	return reason;
}

static void run_c_case(const struct c_case *c, const char *cc)
{
	struct bpf_object *obj;
	char path[128];
	int fd, err;

	tap_skip(build_skip(c->obj, cc));
	if (tap_skip_reason)
		return;
	snprintf(path, sizeof(path), OBJ_DIR "/%s.%s.o", c->obj, cc);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		tap_fail("bpf_object__open_file(%s): %s", path,
			 strerror(errno));
		return;
	}
	err = c->setup ? c->setup(obj) : 0;
	if (!err && c->gcc_refused && !strcmp(cc, "gcc")) {
		expect_eq(bpf_object__load(obj), -c->gcc_refused);
		err = -1;
	} else if (!err) {
		err = bpf_object__load(obj);
		if (err)
			tap_fail("bpf_object__load(%s): %s", path,
				 strerror(-err));
	}
	fd = err ? -1 : prog_fd(obj, c->prog);
	if (fd >= 0)
		c->check(obj, fd);
	unmap_globals();
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	static const char * const compilers[] = { "clang", "gcc" };
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct c_case *c;
	int n = 0, failed = 0, i;
	char name[96];

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_debug = getenv("LIBBPF_DEBUG");
	libbpf_set_print(libbpf_print);
	for (c = c_cases; c->obj; c++) {
		for (i = 0; i < 2; i++) {
			snprintf(name, sizeof(name), "%s.%s", c->obj,
				 compilers[i]);
			if (!tap_selected(filter, name))
				continue;
			tap_begin();
			libbpf_log_len = 0;
			libbpf_log[0] = 0;
			run_c_case(c, compilers[i]);
			if ((tap_failed || libbpf_debug) && libbpf_log_len) {
				char *line = strtok(libbpf_log, "\n");

				for (; line; line = strtok(NULL, "\n"))
					printf("# libbpf: %s\n", line);
			}
			failed += tap_end(++n, name);
		}
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
