// SPDX-License-Identifier: GPL-2.0
/*
 * A bpf(2) fuzzer. Threads issue, until a deadline, every command the
 * series implements and unknown ones, with attrs that start plausible
 * (fds of live maps and programs, valid buffers) and are then mutated:
 * random fields, bad pointers (NULL, kernel addresses, a guard page, a
 * buffer that ends at the guard page), attr sizes from 0 to far past a
 * page with zero or non-zero tail bytes. Programs come from the random
 * generator (random_prog.h) and load with log buffers of random sizes;
 * maps and programs are shared by all threads while some threads close
 * them, attach programs to sockets and put them in program arrays. A
 * child process does the same without privileges.
 *
 * It checks only what must hold whatever the input: no oops, WARN, BUG
 * or sanitizer report (the host runner watches the console), every
 * error an errno from the set bpf(2) may return, no success where there
 * can be none, no hang, no leaked file descriptor, and a map that one
 * thread owns always holds what that thread wrote (no lost data).
 *
 *	test_fuzz_bpf			a short run, for make test
 *	test_fuzz_bpf --time S [SEED]	S seconds (make fuzz FUZZ_TIME=S)
 *
 * The seed is printed; with the same seed the threads issue the same
 * calls, though their interleaving differs from run to run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "ebpf.h"
#include "random_prog.h"
#include "tap.h"
#include "unpriv.h"

#define SHORT_RUN	12	/* seconds, in make test */
#define THREADS		6
#define POOL		24	/* fds each of maps and programs */
/*
 * A thread that makes no progress for STALL_LIMIT seconds while the
 * others make STALL_OTHERS calls (a TCG guest on a loaded host may not
 * run at all for a while) is sent a signal: a long but legal call, a
 * test run repeated billions of times, must then end with EINTR. It
 * hangs if it makes no progress for STALL_LIMIT seconds more. A thread
 * stuck for STALL_ABSOLUTE seconds, or for LATE seconds past the
 * deadline (past it, only a call still running keeps a thread), is
 * sent the signal too.
 */
#define STALL_LIMIT	120
#define STALL_OTHERS	5000
#define STALL_ABSOLUTE	900
#define LATE		5
#define DONE		(-1)	/* what a thread that has ended does */
#define BUF_SIZE	(4 * 1024 * 1024)	/* for keys, values, attrs */
#define LOG_SIZE	(128 * 1024)
#define PERCPU_ENTRIES	4096
#define HASH_ENTRIES	(128 * 1024 * 1024)
#define PAGE		4096

/* Unknown to 6.1, or past the end of the command enum. */
#define FIRST_UNKNOWN_CMD	(BPF_PROG_BIND_MAP + 1)

struct counters {
	atomic_ulong calls;
	atomic_ulong maps;
	atomic_ulong progs;
	atomic_ulong runs;
	atomic_ulong attaches;
	atomic_ulong bad;
};

static struct counters count;
static atomic_int map_pool[POOL], prog_pool[POOL];
#define OWNERS		2	/* threads with a map of their own */
static atomic_ulong progress[THREADS + OWNERS];
/* what each thread does: the case of fuzz_thread(), or 100 + a command */
static atomic_int doing[THREADS + OWNERS];
static atomic_int threads_done;
static time_t deadline;
static bool on_ours, privileged = true;
/* an array map of the values random programs expect, a program array */
static int value_map, prog_array;

/*
 * Each thread's buffers end at a page that faults (its guard): a copy
 * the kernel makes past their end, of a size the fuzzer did not
 * foresee, fails with EFAULT instead of overwriting the fuzzer.
 */
struct thread {
	struct rprog gen;
	int index;
	uint8_t *buf;			/* BUF_SIZE bytes, then a guard */
	uint8_t *log;			/* LOG_SIZE bytes, then a guard */
	uint8_t *guard;			/* just a page, then a guard */
	int owned_fd;			/* a map no other thread touches */
	union bpf_attr attr;
};

static uint8_t *guarded(size_t size)
{
	uint8_t *p = mmap(NULL, size + PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + size, PAGE, PROT_NONE))
		return NULL;
	return p;
}

static uint32_t rnd(struct thread *t)
{
	return rprog_rnd(&t->gen);
}

static uint32_t pick(struct thread *t, uint32_t n)
{
	return rprog_pick(&t->gen, n);
}

static uint32_t pick_of(struct thread *t, const uint32_t *v, size_t n)
{
	return v[pick(t, n)];
}

#define PICK_OF(t, ...) ({						\
	const uint32_t __v[] = { __VA_ARGS__ };				\
	pick_of(t, __v, ARRAY_SIZE(__v));				\
})

/* Some fd: usually a live map or program, sometimes anything. */
static int some_fd(struct thread *t, atomic_int *pool)
{
	int fd;

	if (pick(t, 8)) {
		fd = atomic_load(&pool[pick(t, POOL)]);
		if (fd >= 0)
			return fd;
	}
	return PICK_OF(t, 0, 1, 2, -1, 1000, 0x7fffffff, rnd(t) & 63);
}

/* A user pointer: usually @good, sometimes a bad one. */
static uint64_t some_ptr(struct thread *t, void *good, uint32_t size)
{
	switch (pick(t, 12)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffff81000000ULL;	/* kernel text */
	case 2:
		return ptr_to_u64(t->guard);
	case 3:
		/* the last bytes before the guard page */
		return ptr_to_u64(t->guard - (size ? pick(t, size < PAGE ?
							size : PAGE) + 1 : 1));
	case 4:
		return rnd(t) | (uint64_t)rnd(t) << 32;
	default:
		return ptr_to_u64(good);
	}
}

static void put_fd(atomic_int *pool, int fd)
{
	int old = atomic_exchange(&pool[fd % POOL], fd);

	if (old >= 0)
		close(old);
}

/* Rarely: objects are made far more slowly than they are closed. */
static void close_some(struct thread *t)
{
	atomic_int *pool = pick(t, 2) ? map_pool : prog_pool;
	int fd = pick(t, 4) ? -1 : atomic_exchange(&pool[pick(t, POOL)], -1);

	if (fd >= 0)
		close(fd);
}

/* ---- plausible attrs, then mutated ---------------------------------- */

static const uint32_t map_types[] = {
	BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PROG_ARRAY,
	BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_ARRAY,
};

static uint64_t map_bytes(const union bpf_attr *a)
{
	return ((uint64_t)a->key_size + a->value_size) * a->max_entries;
}

/*
 * Sizes that may succeed stay small, not to exhaust the guest's memory
 * (upstream's kernel too lets root take it all, array by array or
 * value buffer by value buffer). Absurd ones stay, to find an overflow
 * in a size, where one allocation must then exceed what the machine
 * has and fail at once: not so for per-CPU maps, which allocate each
 * value on its own, and so take minutes to make 100,000 of them on the
 * debug build (kmemleak tracks each): they stay below PERCPU_ENTRIES.
 * A hash map without preallocation takes only its buckets at first,
 * 16 bytes (far more with lockdep) an entry: absurd only past
 * HASH_ENTRIES.
 */
static void fit_map_size(struct thread *t, union bpf_attr *a)
{
	bool per_cpu = a->map_type == BPF_MAP_TYPE_PERCPU_HASH ||
		       a->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
	bool absurd = map_bytes(a) >= 1ULL << 33 && !per_cpu &&
		      (a->map_type != BPF_MAP_TYPE_HASH ||
		       a->max_entries >= HASH_ENTRIES);

	if ((map_bytes(a) <= 1 << 20 &&
	     (!per_cpu || a->max_entries <= PERCPU_ENTRIES)) ||
	    (absurd && pick(t, 2)))
		return;
	a->max_entries = 4;
	if (map_bytes(a) > 1 << 20)
		a->value_size = PICK_OF(t, 4096, 65536);
	if (map_bytes(a) > 1 << 20)
		a->key_size = 16;
}

static void fill_map_create(struct thread *t, union bpf_attr *a)
{
	a->map_type = pick(t, 6) ? map_types[pick(t, ARRAY_SIZE(map_types))] :
		      pick(t, 40);
	a->key_size = pick(t, 4) ? PICK_OF(t, 4, 4, 8, 1, 16) :
		      PICK_OF(t, 0, 3, 64, 512, 513, 4096, rnd(t));
	a->value_size = pick(t, 4) ? PICK_OF(t, 4, 8, 48, 64, 200) :
			PICK_OF(t, 0, 1, 4095, 4096, 65536, 1 << 20, rnd(t));
	a->max_entries = pick(t, 4) ? PICK_OF(t, 1, 3, 16, 64, 128) :
			 PICK_OF(t, 0, 1000, 1 << 16, 1 << 24, rnd(t));
	if (a->map_type == BPF_MAP_TYPE_PROG_ARRAY && pick(t, 2)) {
		a->key_size = 4;
		a->value_size = 4;
	}
	if (!pick(t, 3))
		a->map_flags = pick(t, 2) ? 1U << pick(t, 16) : rnd(t);
	if (!pick(t, 4))
		snprintf(a->map_name, sizeof(a->map_name), "%s",
			 pick(t, 2) ? "fuzz_map.1" : "bad name!");
	if (!pick(t, 10))
		a->numa_node = pick(t, 3);
}

static void fill_elem(struct thread *t, union bpf_attr *a)
{
	a->map_fd = some_fd(t, map_pool);
	a->key = some_ptr(t, t->buf, 64);
	a->value = some_ptr(t, t->buf + BUF_SIZE / 2, 4096);
	memset(t->buf, 0, 64);
	if (pick(t, 3))
		*(uint32_t *)t->buf = pick(t, 20);
	if (!pick(t, 3))
		a->flags = pick(t, 2) ? pick(t, 5) : rnd(t);
}

/*
 * A call of any helper, known or not, with arguments of every kind:
 * stack pointers with room or not, the context, the map value or the
 * stack in r8, the map itself, constants. Then exit with 0.
 */
static int any_helper(struct thread *t, struct bpf_insn *insns, int n)
{
	const struct bpf_insn ld[] = { LDMAP(R1, t->gen.map_fd) };
	int reg;

	for (reg = R1; reg <= R5; reg++) {
		switch (pick(t, 6)) {
		case 0:
			insns[n++] = MOV64(reg, R10);
			insns[n++] = A64I(BPF_ADD, reg,
					  -(int32_t)PICK_OF(t, 8, 16, 64, 512));
			break;
		case 1:
			insns[n++] = MOV64(reg, R9);
			break;
		case 2:
			insns[n++] = MOV64(reg, R8);
			break;
		case 3:
			insns[n++] = ld[0];
			insns[n - 1].dst_reg = reg;
			insns[n++] = ld[1];
			break;
		default:
			insns[n++] = MOV64I(reg, PICK_OF(t, 0, 1, 4, 8, 16, 64,
							 512, 513, -1, rnd(t)));
		}
	}
	insns[n++] = CALL(pick(t, 4) ? pick(t, 212) : rnd(t));
	insns[n++] = MOV64I(R0, 0);
	insns[n++] = EXIT();
	return n;
}

/*
 * Half the loads are clean: the attr is right and only the program may
 * be wrong, so that many programs load, run and attach; the others
 * have bad fields, pointers and sizes.
 */
static int fill_prog_load(struct thread *t, union bpf_attr *a,
			  struct bpf_insn *insns, bool clean)
{
	t->gen.extended = pick(t, 2);
	t->gen.map_fd = pick(t, 4) ? value_map : some_fd(t, map_pool);
	if (clean && !pick(t, 3)) {
		/* a program that loads, to run, attach and tail-call */
		const struct bpf_insn ld[] = { LDMAP(R1, value_map) };

		t->gen.n = 0;
		insns[t->gen.n++] = ST(BPF_W, R10, -4, pick(t, 3));
		insns[t->gen.n++] = MOV64(R2, R10);
		insns[t->gen.n++] = A64I(BPF_ADD, R2, -4);
		insns[t->gen.n++] = ld[0];
		insns[t->gen.n++] = ld[1];
		insns[t->gen.n++] = CALL(BPF_FUNC_map_lookup_elem);
		insns[t->gen.n++] = JI(BPF_JEQ, R0, 0, 2);
		insns[t->gen.n++] = MOV64I(R1, 1);
		insns[t->gen.n++] = ATOMIC(BPF_DW, BPF_ADD, R0, 8, R1);
		insns[t->gen.n++] = MOV64I(R0, pick(t, 2) ? 0 : 0xffff);
		insns[t->gen.n++] = EXIT();
	} else if (pick(t, 6)) {
		rprog_generate(&t->gen);
		memcpy(insns, t->gen.insns, t->gen.n * sizeof(*insns));
		if (pick(t, 3))
			t->gen.n = any_helper(t, insns, t->gen.n - 2);
	} else {
		/* a tail call through a program array */
		const struct bpf_insn ld[] = {
			LDMAP(R2, pick(t, 4) ? prog_array : t->gen.map_fd)
		};

		t->gen.n = 0;
		insns[t->gen.n++] = ld[0];
		insns[t->gen.n++] = ld[1];
		insns[t->gen.n++] = MOV64I(R3, pick(t, 4));
		insns[t->gen.n++] = CALL(BPF_FUNC_tail_call);
		insns[t->gen.n++] = MOV64I(R0, 1);
		insns[t->gen.n++] = EXIT();
	}
	a->prog_type = pick(t, 6) ? BPF_PROG_TYPE_SOCKET_FILTER :
		       BPF_PROG_TYPE_TRACEPOINT;
	a->insns = ptr_to_u64(insns);
	a->insn_cnt = t->gen.n;
	a->license = ptr_to_u64("GPL");
	if (clean) {
		a->log_level = pick(t, 3);
		a->log_size = a->log_level ? 16 << pick(t, 14) : 0;
		a->log_buf = a->log_level ? ptr_to_u64(t->log) : 0;
		return t->gen.n;
	}
	if (!pick(t, 6))
		a->prog_type = PICK_OF(t, 0, 3, 40, rnd(t));
	a->insns = some_ptr(t, insns, t->gen.n * sizeof(*insns));
	a->insn_cnt = pick(t, 10) ? (uint32_t)t->gen.n :
		      PICK_OF(t, 0, 1, 4096, 4097, 1000001, rnd(t));
	a->license = pick(t, 8) ? ptr_to_u64("GPL") :
		     some_ptr(t, "Proprietary", 12);
	if (pick(t, 2)) {
		uint32_t size = PICK_OF(t, 0, 1, 7, 64, 128, 1000, 4096,
					65536, LOG_SIZE, rnd(t));

		a->log_level = pick(t, 4) ? pick(t, 3) :
			       PICK_OF(t, 4, 7, 8, rnd(t));
		a->log_size = size;
		a->log_buf = some_ptr(t, t->log, size);
		if (a->log_buf == ptr_to_u64(t->log) && pick(t, 2))
			a->log_buf += LOG_SIZE - (size < LOG_SIZE ? size :
							  LOG_SIZE);
	}
	if (!pick(t, 8))
		a->prog_flags = pick(t, 2) ? 1U << pick(t, 8) : rnd(t);
	if (!pick(t, 8))
		a->expected_attach_type = pick(t, 40);
	/* a good name, or one that fills the field without its NUL */
	if (!pick(t, 8))
		memcpy(a->prog_name, pick(t, 2) ? "fuzz\0" : "0123456789abcdef",
		       pick(t, 2) ? 5 : sizeof(a->prog_name));
	return t->gen.n;
}

static void fill_test_run(struct thread *t, union bpf_attr *a)
{
	uint32_t in = PICK_OF(t, 14, 64, 64, 1500, 0, 13, 3800, 4096,
			      BUF_SIZE / 2, rnd(t));

	a->test.prog_fd = some_fd(t, prog_pool);
	a->test.data_in = some_ptr(t, t->buf, in > BUF_SIZE / 2 ?
					      BUF_SIZE / 2 : in);
	a->test.data_size_in = in;
	if (pick(t, 2)) {
		a->test.data_out = some_ptr(t, t->buf + BUF_SIZE / 2, 4096);
		a->test.data_size_out = PICK_OF(t, 0, 1, 14, 64, 4096);
	}
	if (!pick(t, 3)) {
		a->test.ctx_in = some_ptr(t, t->buf + BUF_SIZE - 1024, 256);
		a->test.ctx_size_in = PICK_OF(t, 0, 4, 192, 200, 256, rnd(t));
		memset(t->buf + BUF_SIZE - 1024, 0, 256);
		if (pick(t, 2))
			t->buf[BUF_SIZE - 1024 + pick(t, 256)] = rnd(t);
	}
	if (!pick(t, 3)) {
		a->test.ctx_out = some_ptr(t, t->buf + BUF_SIZE - 512, 256);
		a->test.ctx_size_out = PICK_OF(t, 0, 4, 192, 256);
	}
	a->test.repeat = pick(t, 4) ? pick(t, 3) : PICK_OF(t, 100, 1000);
	if (!pick(t, 10))
		a->test.flags = rnd(t);
	if (!pick(t, 10))
		a->test.cpu = pick(t, 4);
}

/* ---- issuing a command and judging its result ------------------------ */

/* The errnos bpf(2) may return, from the commands we implement. */
static bool errno_allowed(int cmd, int e)
{
	switch (e) {
	case EINVAL: case E2BIG: case EFAULT: case EPERM:
		return true;
	case EBADF: case EACCES: case ENOENT: case EEXIST: case ENOMEM:
	case ENOSPC: case EOPNOTSUPP: case 524 /* ENOTSUPP */:
	case EAGAIN: case EINTR: case EBUSY: case ERANGE: case ENXIO:
	case EMFILE: case ENFILE: case EBADFD:
		return cmd < FIRST_UNKNOWN_CMD;
	case ENOTSOCK:	/* a socket map, which only the reference has */
		return !on_ours && cmd < FIRST_UNKNOWN_CMD;
	default:
		return false;
	}
}

static bool creates_fd(int cmd)
{
	return cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD;
}

/* The commands of ours that return 0 on success. */
static bool may_return_zero(int cmd)
{
	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM: case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM: case BPF_MAP_GET_NEXT_KEY:
	case BPF_PROG_TEST_RUN: case BPF_PROG_GET_NEXT_ID:
	case BPF_MAP_GET_NEXT_ID: case BPF_OBJ_GET_INFO_BY_FD:
	case BPF_MAP_FREEZE:
		return true;
	default:
		return false;
	}
}

static void judge(struct thread *t, int cmd, unsigned int size, long r,
		  int e)
{
	atomic_fetch_add(&count.calls, 1);
	atomic_fetch_add(&progress[t->index], 1);
	if (r < 0 && errno_allowed(cmd, e))
		return;
	if (r >= 0 && creates_fd(cmd)) {
		atomic_fetch_add(cmd == BPF_MAP_CREATE ? &count.maps :
				 &count.progs, 1);
		put_fd(cmd == BPF_MAP_CREATE ? map_pool : prog_pool, r);
		return;
	}
	if (r == 0 && may_return_zero(cmd)) {
		if (cmd == BPF_PROG_TEST_RUN)
			atomic_fetch_add(&count.runs, 1);
		return;
	}
	if (atomic_fetch_add(&count.bad, 1) < 20)
		printf("# thread %d: bpf(%d, size %u) returned %ld errno %d (%s)\n",
		       t->index, cmd, size, r, r < 0 ? e : 0,
		       r < 0 ? strerror(e) : "-");
}

/* The commands, as numbers: ours, then some that 6.1 has and we lack. */
static int some_cmd(struct thread *t)
{
	if (pick(t, 8))
		return PICK_OF(t, BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM,
			       BPF_MAP_UPDATE_ELEM, BPF_MAP_UPDATE_ELEM,
			       BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY,
			       BPF_PROG_LOAD, BPF_PROG_LOAD, BPF_PROG_TEST_RUN,
			       BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID,
			       BPF_OBJ_GET_INFO_BY_FD, BPF_MAP_FREEZE);
	/* commands 6.1 has but the series lacks only on our kernel */
	if (on_ours && pick(t, 2))
		return PICK_OF(t, BPF_OBJ_PIN, BPF_OBJ_GET, BPF_PROG_ATTACH,
			       BPF_BTF_LOAD, BPF_LINK_CREATE,
			       BPF_MAP_LOOKUP_BATCH, BPF_ITER_CREATE);
	return PICK_OF(t, FIRST_UNKNOWN_CMD, FIRST_UNKNOWN_CMD + 1, 1000,
		       -1, 0x80000000, rnd(t));
}

/*
 * The attr size of a call: usually the whole union, sometimes shorter
 * (the kernel zero-extends), longer with zero or non-zero tail bytes,
 * past a page, or absurd.
 */
static unsigned int some_size(struct thread *t, uint8_t **where)
{
	unsigned int size = sizeof(union bpf_attr);

	switch (pick(t, 10)) {
	case 0:
		size = pick(t, sizeof(union bpf_attr));
		break;
	case 1:
		size = sizeof(union bpf_attr) + 8 * (1 + pick(t, 8));
		break;
	case 2:
		size = PICK_OF(t, PAGE, PAGE + 1, 0xffffffff, rnd(t));
		break;
	default:
		break;
	}
	/* at the end of the page before the guard: bytes past it fault */
	*where = size <= PAGE ? t->guard - size : t->buf;
	return size;
}

static void random_command(struct thread *t)
{
	static __thread struct bpf_insn insns[RPROG_PROLOGUE + RPROG_MAX_LEN +
					      RPROG_SLACK];
	union bpf_attr *a = &t->attr;
	unsigned int size, i;
	int cmd = some_cmd(t);
	bool clean = false;
	uint8_t *where;
	long r;

	memset(a, 0, sizeof(*a));
	switch (cmd) {
	case BPF_MAP_CREATE:
		fill_map_create(t, a);
		break;
	case BPF_MAP_LOOKUP_ELEM:
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
		fill_elem(t, a);
		break;
	case BPF_MAP_GET_NEXT_KEY:
		fill_elem(t, a);
		a->next_key = some_ptr(t, t->buf + 64, 64);
		break;
	case BPF_PROG_LOAD:
		clean = pick(t, 2);
		fill_prog_load(t, a, insns, clean);
		break;
	case BPF_PROG_TEST_RUN:
		fill_test_run(t, a);
		break;
	default:
		for (i = 0; i < sizeof(*a); i += 4)
			*(uint32_t *)((uint8_t *)a + i) = pick(t, 2) ? 0 : rnd(t);
	}
	/* one random byte anywhere, now and then */
	if (!clean && !pick(t, 8))
		((uint8_t *)a)[pick(t, sizeof(*a))] = rnd(t);
	/* the budget holds whatever the flip hit */
	if (cmd == BPF_MAP_CREATE)
		fit_map_size(t, a);

	atomic_store(&doing[t->index], 100 + cmd);
	size = some_size(t, &where);
	if (clean) {
		size = sizeof(*a);
		where = t->guard - size;
	}
	if (where != t->buf) {
		memcpy(where, a, size < sizeof(*a) ? size : sizeof(*a));
		if (size > sizeof(*a))
			memset(where + sizeof(*a), pick(t, 2) ? 0 : 0xff,
			       size - sizeof(*a));
	} else {
		/* only sizes past a page: the kernel refuses them unread */
		memcpy(where, a, sizeof(*a));
		memset(where + sizeof(*a), 0, 2 * PAGE);
	}
	r = sys_bpf(cmd, (union bpf_attr *)(clean || pick(t, 30) ? where :
			(uint8_t *)some_ptr(t, where, size)), size);
	judge(t, cmd, size, r, errno);
}

/* ---- shared maps, hammered --------------------------------------------- */

static void hammer_map(struct thread *t)
{
	int fd = some_fd(t, map_pool), i;
	uint8_t *key = t->buf, *next = t->buf + 4096;
	uint8_t *value = t->buf + BUF_SIZE / 2;
	long r;

	for (i = 0; i < 16; i++) {
		int cmd = PICK_OF(t, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
				  BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY);

		memset(key, 0, 16);
		key[0] = pick(t, 20);
		errno = 0;
		switch (cmd) {
		case BPF_MAP_LOOKUP_ELEM:
			r = ebpf_map_lookup(fd, key, value);
			break;
		case BPF_MAP_UPDATE_ELEM:
			r = ebpf_map_update(fd, key, value, pick(t, 3));
			break;
		case BPF_MAP_DELETE_ELEM:
			r = ebpf_map_delete(fd, key);
			break;
		default:
			r = ebpf_map_next_key(fd, pick(t, 4) ? key : NULL,
					      next);
		}
		judge(t, cmd, sizeof(union bpf_attr), r, errno);
	}
}

/* A program array with programs in it, and a program that calls it. */
static void fill_prog_array(struct thread *t)
{
	int fd = pick(t, 4) ? prog_array : some_fd(t, map_pool), i;
	uint32_t key;
	long r;

	for (i = 0; i < 4; i++) {
		int prog = some_fd(t, prog_pool);

		key = pick(t, 5);
		r = ebpf_map_update(fd, &key, &prog, 0);
		judge(t, BPF_MAP_UPDATE_ELEM, sizeof(union bpf_attr), r,
		      errno);
	}
	if (pick(t, 2)) {
		key = pick(t, 5);
		r = ebpf_map_delete(fd, &key);
		judge(t, BPF_MAP_DELETE_ELEM, sizeof(union bpf_attr), r,
		      errno);
	}
}

static void run_prog(struct thread *t)
{
	uint32_t retval;
	long r;

	memset(t->buf, pick(t, 256), 1500);
	r = ebpf_prog_test_run(some_fd(t, prog_pool), t->buf,
			       PICK_OF(t, 14, 60, 1500), &retval, NULL,
			       1 + pick(t, 4));
	judge(t, BPF_PROG_TEST_RUN, sizeof(union bpf_attr), r, errno);
}

/* A program as a socket filter while packets go through, then closed. */
static void attach_socket(struct thread *t)
{
	int sv[2], prog = some_fd(t, prog_pool), i;
	char msg[256];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return;
	if (!setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_BPF, &prog,
			sizeof(prog)))
		atomic_fetch_add(&count.attaches, 1);
	for (i = 0; i < 8; i++) {
		memset(msg, i, sizeof(msg));
		if (send(sv[0], msg, 1 + pick(t, sizeof(msg)),
			 MSG_DONTWAIT) < 0)
			break;
		recv(sv[1], msg, sizeof(msg), MSG_DONTWAIT);
	}
	if (pick(t, 2))
		setsockopt(sv[1], SOL_SOCKET, SO_DETACH_BPF, &prog,
			   sizeof(prog));
	close(sv[0]);
	close(sv[1]);
}

static void *fuzz_thread(void *arg)
{
	struct thread *t = arg;

	while (time(NULL) < deadline) {
		int op = pick(t, 16);

		atomic_store(&doing[t->index], op);
		switch (op) {
		case 0:
		case 1:
			hammer_map(t);
			break;
		case 2:
			close_some(t);
			break;
		case 3:
			fill_prog_array(t);
			break;
		case 4:
			run_prog(t);
			break;
		case 5:
			attach_socket(t);
			break;
		default:
			random_command(t);
		}
	}
	atomic_store(&doing[t->index], DONE);
	atomic_fetch_add(&threads_done, 1);
	return NULL;
}

/* ---- a map that one thread owns: it must hold what was written ----- */

#define OWNED_KEYS	16
#define OWNED_FD	600	/* above every fd the fuzz threads may pick */

/*
 * The map is created before any other, at a high fd that stays open
 * all along: no other thread ever names it, not even through a stale
 * copy of a closed fd.
 */
static int owned_map(int index)
{
	int fd = ebpf_map_create(index % 2 ? BPF_MAP_TYPE_HASH :
				 BPF_MAP_TYPE_ARRAY, 4, 8, OWNED_KEYS, 0);
	int high;

	if (fd < 0)
		return -1;
	high = fcntl(fd, F_DUPFD_CLOEXEC, OWNED_FD);
	close(fd);
	return high;
}

static void *owned_map_thread(void *arg)
{
	struct thread *t = arg;
	uint64_t shadow[OWNED_KEYS] = {}, v;
	bool present[OWNED_KEYS] = {};
	bool hash = t->index % 2;	/* one of each */
	int fd = t->owned_fd, r;
	uint32_t k;

	if (!hash)
		memset(present, 1, sizeof(present));
	while (time(NULL) < deadline) {
		k = pick(t, OWNED_KEYS);
		atomic_fetch_add(&progress[t->index], 1);
		atomic_fetch_add(&count.calls, 1);
		switch (pick(t, 3)) {
		case 0:
			v = rnd(t) | (uint64_t)rnd(t) << 32;
			if (!ebpf_map_update(fd, &k, &v, BPF_ANY)) {
				shadow[k] = v;
				present[k] = true;
			}
			break;
		case 1:
			if (hash && !ebpf_map_delete(fd, &k))
				present[k] = false;
			break;
		default:
			r = ebpf_map_lookup(fd, &k, &v);
			if (r ? errno == ENOENT && !present[k] :
				present[k] && v == shadow[k])
				break;
			if (atomic_fetch_add(&count.bad, 1) >= 20)
				break;
			printf("# owned %s map key %u: lookup %d (%s)",
			       hash ? "hash" : "array", k, r,
			       r ? strerror(errno) : "-");
			printf(" value %#llx, last written %#llx%s\n",
			       (unsigned long long)v,
			       (unsigned long long)shadow[k],
			       present[k] ? "" : ", deleted");
		}
	}
	close(fd);
	atomic_store(&doing[t->index], DONE);
	atomic_fetch_add(&threads_done, 1);
	return NULL;
}

/* ---- the run ---------------------------------------------------------- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Where the guest's memory is, for a run that ends in the OOM killer. */
static void print_memory(void)
{
	static const char *const fields[] = {
		"MemFree:", "Slab:", "VmallocUsed:", "Percpu:",
	};
	char line[128];
	size_t i;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return;
	printf("# memory:");
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (!strncmp(line, fields[i], strlen(fields[i])))
				printf(" %s %ld kB", fields[i],
				       strtol(line + strlen(fields[i]), NULL, 10));
	}
	printf("\n");
	fclose(f);
}

static void drain_pools(void)
{
	int i, fd;

	for (i = 0; i < POOL; i++) {
		fd = atomic_exchange(&map_pool[i], -1);
		if (fd >= 0)
			close(fd);
		fd = atomic_exchange(&prog_pool[i], -1);
		if (fd >= 0)
			close(fd);
	}
}

/*
 * Runs the threads until @seconds have passed; the main thread watches
 * that each keeps making progress. Returns the number of failures.
 */
static void interrupted(int sig)
{
}

static int fuzz(uint64_t seed, int seconds)
{
	struct sigaction interrupt = { .sa_handler = interrupted };
	struct thread *threads = calloc(THREADS + OWNERS, sizeof(*threads));
	pthread_t ids[THREADS + OWNERS];
	unsigned long seen[THREADS + OWNERS] = {};
	unsigned long calls_then[THREADS + OWNERS] = {};
	time_t stalled[THREADS + OWNERS], interrupted_at[THREADS + OWNERS];
	int i, fds_before = count_fds(), fds_after, failures = 0;
	struct timespec t0, t1;
	double secs;

	for (i = 0; i < POOL; i++) {
		atomic_store(&map_pool[i], -1);
		atomic_store(&prog_pool[i], -1);
	}
	value_map = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, RPROG_VALUE_SIZE,
				    RPROG_MAP_ENTRIES, 0);
	/* without privileges a kernel may refuse a program array */
	prog_array = ebpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	if (value_map < 0) {
		printf("# no maps for the programs: %s\n", strerror(errno));
		return 1;
	}
	deadline = time(NULL) + seconds;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < THREADS + OWNERS; i++) {
		threads[i].index = i;
		threads[i].gen.rng = seed + 0x9e3779b97f4a7c15ULL * (i + 1);
		threads[i].buf = guarded(BUF_SIZE);
		threads[i].log = guarded(LOG_SIZE);
		threads[i].guard = guarded(PAGE);
		if (!threads[i].buf || !threads[i].log || !threads[i].guard) {
			printf("# no memory for thread %d\n", i);
			return 1;
		}
		threads[i].guard += PAGE;
		threads[i].owned_fd = i < THREADS ? -1 : owned_map(i);
		if (i >= THREADS && threads[i].owned_fd < 0) {
			printf("# no map of its own for thread %d: %s\n", i,
			       strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < THREADS + OWNERS; i++)
		pthread_create(&ids[i], NULL,
			       i < THREADS ? fuzz_thread : owned_map_thread,
			       &threads[i]);
	for (i = 0; i < THREADS + OWNERS; i++) {
		stalled[i] = time(NULL);
		interrupted_at[i] = 0;
	}
	/* no SA_RESTART: the call the signal interrupts returns EINTR */
	sigaction(SIGUSR1, &interrupt, NULL);
	while (time(NULL) < deadline + STALL_ABSOLUTE) {
		unsigned long calls = atomic_load(&count.calls);

		sleep(1);
		if (privileged && !(time(NULL) % 10))
			print_memory();
		for (i = 0; i < THREADS + OWNERS; i++) {
			unsigned long now = atomic_load(&progress[i]);

			if (now != seen[i]) {
				seen[i] = now;
				stalled[i] = time(NULL);
				interrupted_at[i] = 0;
				calls_then[i] = calls;
			}
		}
		if (atomic_load(&threads_done) == THREADS + OWNERS)
			break;
		for (i = 0; i < THREADS + OWNERS; i++) {
			time_t now = time(NULL), idle = now - stalled[i];
			bool others_ran = calls - calls_then[i] >= STALL_OTHERS;
			bool overdue = now > deadline + LATE && idle >= LATE;

			if (atomic_load(&doing[i]) == DONE)
				continue;
			if (!interrupted_at[i]) {
				if (!overdue && idle < STALL_ABSOLUTE &&
				    (idle < STALL_LIMIT || !others_ran))
					continue;
				interrupted_at[i] = now;
				printf("# thread %d idle %ld s, doing %d: interrupted\n",
				       i, (long)idle, atomic_load(&doing[i]));
				pthread_kill(ids[i], SIGUSR1);
				continue;
			}
			if (now - interrupted_at[i] < STALL_LIMIT)
				continue;
			printf("# thread %d made no progress in %ld s",
			       i, (long)idle);
			printf(" (%lu calls by the others), doing %d: a hang\n",
			       calls - calls_then[i], atomic_load(&doing[i]));
			fflush(stdout);
			return failures + 1;
		}
	}
	for (i = 0; i < THREADS + OWNERS; i++)
		pthread_join(ids[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	drain_pools();
	close(value_map);
	if (prog_array >= 0)
		close(prog_array);
	fds_after = count_fds();

	printf("# %s, seed %llu: %.0f s, %lu calls (%.0f/s),",
	       privileged ? "privileged" : "unprivileged",
	       (unsigned long long)seed, secs,
	       atomic_load(&count.calls), atomic_load(&count.calls) / secs);
	printf(" %lu maps, %lu programs created, %lu test runs,",
	       atomic_load(&count.maps), atomic_load(&count.progs),
	       atomic_load(&count.runs));
	printf(" %lu socket attaches, %lu bad results\n",
	       atomic_load(&count.attaches), atomic_load(&count.bad));
	if (fds_after != fds_before) {
		printf("# %d fds open before the run, %d after it\n",
		       fds_before, fds_after);
		failures++;
	}
	if (!atomic_load(&count.progs) || !atomic_load(&count.maps)) {
		printf("# nothing was created: the fuzzer is broken\n");
		failures++;
	}
	return failures + (atomic_load(&count.bad) != 0);
}

int main(int argc, char **argv)
{
	uint64_t seed = time(NULL);
	int seconds = SHORT_RUN, status, failed, unpriv_was;
	FILE *sysctl;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "--time"))
		seconds = atoi(argv[2]);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 0);
	on_ours = kernel_flavour("ours");
	printf("# fuzz seed %llu, %d s, %d threads and a child without privileges\n",
	       (unsigned long long)seed, seconds, THREADS);

	sysctl = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "r");
	if (!sysctl || fscanf(sysctl, "%d", &unpriv_was) != 1)
		unpriv_was = -1;
	if (sysctl)
		fclose(sysctl);
	unpriv_bpf_allow();
	child = fork();
	if (!child) {
		privileged = false;
		if (unpriv_drop_caps())
			_exit(2);
		_exit(fuzz(seed ^ 0x5555, seconds) ? 1 : 0);
	}
	failed = fuzz(seed, seconds);
	printf("%sok 1 fuzz privileged\n", failed ? "not " : "");
	if (child < 0 || waitpid(child, &status, 0) != child ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("not ok 2 fuzz unprivileged\n");
		failed++;
	} else {
		printf("ok 2 fuzz unprivileged\n");
	}
	/* the suites after this one expect the default back */
	sysctl = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "w");
	if (sysctl) {
		if (unpriv_was == 2)
			fputs("2\n", sysctl);
		fclose(sysctl);
	}
	printf("1..2\n");
	return failed ? 1 : 0;
}
