// SPDX-License-Identifier: GPL-2.0
/*
 * tracex_syscalls: a live top-10 of system calls, by number and by
 * process.
 *
 * A tracepoint program on raw_syscalls:sys_enter counts every system
 * call of the machine twice: per syscall number in one hash map, per
 * process (tgid, with its command name) in another. Three busy children
 * give it something to see; every second this process prints the ten
 * busiest syscalls and processes of that second.
 *
 * The sys_enter record: the 8-byte common header, then the syscall
 * number at 8 and its arguments from 16.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "ebpf.h"
#include "ebpf_trace.h"

#define SECONDS		3
#define MAX_KEYS	1024
#define TOP		10
#define OFF_NR		8

struct proc_value {
	__u64 count;
	char comm[16];
};

/*
 * by_proc[tgid].count++ (a new entry takes the command name),
 * by_nr[nr]++
 */
static int load_counter(int by_nr, int by_proc)
{
	struct bpf_insn prog[] = {
		MOV64(R6, R1),
		CALL(BPF_FUNC_get_current_pid_tgid),
		A64I(BPF_RSH, R0, 32),
		STX(BPF_W, R10, -4, R0),		/* key: tgid */
		LDMAP(R1, by_proc),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 3),
		MOV64I(R1, 1),
		ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		JA(13),
		ST(BPF_DW, R10, -32, 1),		/* value at -32 */
		MOV64(R1, R10), A64I(BPF_ADD, R1, -24),
		MOV64I(R2, 16),
		CALL(BPF_FUNC_get_current_comm),
		LDMAP(R1, by_proc),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		MOV64(R3, R10), A64I(BPF_ADD, R3, -32),
		MOV64I(R4, BPF_NOEXIST),
		CALL(BPF_FUNC_map_update_elem),
		LDX(BPF_DW, R1, R6, OFF_NR),		/* key: the number */
		STX(BPF_DW, R10, -40, R1),
		LDMAP(R1, by_nr),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -40),
		CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 3),
		MOV64I(R1, 1),
		ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		JA(9),
		ST(BPF_DW, R10, -48, 1),
		LDMAP(R1, by_nr),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -40),
		MOV64(R3, R10), A64I(BPF_ADD, R3, -48),
		MOV64I(R4, BPF_NOEXIST),
		CALL(BPF_FUNC_map_update_elem),
		MOV64I(R0, 0),
		EXIT(),
	};
	static char log[65536];
	int fd = ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, prog,
				ARRAY_SIZE(prog), log, sizeof(log));

	if (fd < 0)
		fprintf(stderr, "tracex_syscalls: load: %s\n%s",
			strerror(errno), log);
	return fd;
}

/* The x86-64 numbers the children and a shell use most. */
static const char *syscall_name(__u64 nr)
{
	static const struct { int nr; const char *name; } names[] = {
		{ 0, "read" }, { 1, "write" }, { 2, "open" }, { 3, "close" },
		{ 4, "stat" }, { 5, "fstat" }, { 7, "poll" }, { 8, "lseek" },
		{ 9, "mmap" }, { 10, "mprotect" }, { 11, "munmap" },
		{ 12, "brk" }, { 13, "rt_sigaction" },
		{ 14, "rt_sigprocmask" }, { 16, "ioctl" }, { 21, "access" },
		{ 23, "select" }, { 24, "sched_yield" }, { 35, "nanosleep" },
		{ 39, "getpid" }, { 56, "clone" }, { 57, "fork" },
		{ 59, "execve" }, { 60, "exit" }, { 61, "wait4" },
		{ 62, "kill" }, { 72, "fcntl" }, { 102, "getuid" },
		{ 104, "getgid" }, { 110, "getppid" }, { 121, "getpgid" },
		{ 186, "gettid" }, { 202, "futex" }, { 228, "clock_gettime" },
		{ 230, "clock_nanosleep" }, { 231, "exit_group" },
		{ 257, "openat" }, { 262, "newfstatat" },
		{ 273, "set_robust_list" }, { 321, "bpf" },
	};
	static char other[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].nr == (int)nr)
			return names[i].name;
	snprintf(other, sizeof(other), "syscall %llu",
		 (unsigned long long)nr);
	return other;
}

struct row {
	__u64 key, count;
	char comm[16];
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/*
 * The rows of @map (@key_size-byte keys, little-endian, a u64 count
 * first in each value), which are then deleted: the counts since the
 * last call.
 */
static int take_rows(int map, size_t key_size, struct row *rows)
{
	__u64 key = 0, next = 0;
	struct proc_value v;
	void *prev = NULL;
	int n = 0, i;

	while (n < MAX_KEYS && !ebpf_map_next_key(map, prev, &next)) {
		memset(&v, 0, sizeof(v));
		if (!ebpf_map_lookup(map, &next, &v)) {
			rows[n].key = next;
			rows[n].count = v.count;
			memcpy(rows[n].comm, v.comm, sizeof(v.comm));
			rows[n].comm[15] = 0;
			n++;
		}
		memcpy(&key, &next, key_size);
		prev = &key;
	}
	/* our own deletes are counted again: delete what was read */
	for (i = 0; i < n; i++) {
		memcpy(&key, &rows[i].key, key_size);
		ebpf_map_delete(map, &key);
	}
	qsort(rows, n, sizeof(rows[0]), row_cmp);
	return n;
}

static void print_top(int by_nr, int by_proc, int second)
{
	static struct row nr_rows[MAX_KEYS], proc_rows[MAX_KEYS];
	int nn = take_rows(by_nr, sizeof(__u64), nr_rows);
	int np = take_rows(by_proc, sizeof(__u32), proc_rows);
	int i;

	printf("--- second %d ---\n", second);
	printf("%-20s %10s    %-7s %-16s %10s\n", "syscall", "calls", "pid",
	       "command", "calls");
	for (i = 0; i < TOP && (i < nn || i < np); i++) {
		if (i < nn)
			printf("%-20s %10llu    ", syscall_name(nr_rows[i].key),
			       (unsigned long long)nr_rows[i].count);
		else
			printf("%-20s %10s    ", "", "");
		if (i < np)
			printf("%-7llu %-16s %10llu",
			       (unsigned long long)proc_rows[i].key,
			       proc_rows[i].comm,
			       (unsigned long long)proc_rows[i].count);
		printf("\n");
	}
}

/* Busy children: each calls one syscall in a loop, at its own pace. */
static pid_t spawn(int kind)
{
	pid_t pid = fork();
	struct timespec ms = { 0, 1000000 };
	char buf[64];
	int fd;

	static const char *const names[] = { "getppid-loop", "proc-reader",
					     "sleeper" };

	if (pid)
		return pid;
	prctl(PR_SET_NAME, names[kind]);
	for (;;) {
		switch (kind) {
		case 0:
			getppid();
			break;
		case 1:
			fd = open("/proc/self/stat", O_RDONLY);
			if (fd >= 0) {
				if (read(fd, buf, sizeof(buf)) < 0)
					_exit(1);
				close(fd);
			}
			break;
		default:
			nanosleep(&ms, NULL);
		}
	}
}

int main(void)
{
	int by_nr, by_proc, prog, ev, s, i;
	pid_t kids[3];

	if (tracefs_mount()) {
		perror("tracex_syscalls: tracefs");
		return 1;
	}
	by_nr = ebpf_map_create(BPF_MAP_TYPE_HASH, sizeof(__u64),
				sizeof(__u64), MAX_KEYS, 0);
	by_proc = ebpf_map_create(BPF_MAP_TYPE_HASH, sizeof(__u32),
				  sizeof(struct proc_value), MAX_KEYS, 0);
	if (by_nr < 0 || by_proc < 0) {
		perror("tracex_syscalls: maps");
		return 1;
	}
	prog = load_counter(by_nr, by_proc);
	if (prog < 0)
		return 1;
	ev = trace_event_attach("raw_syscalls/sys_enter", prog);
	if (ev < 0) {
		perror("tracex_syscalls: attaching to raw_syscalls:sys_enter");
		return 1;
	}
	for (i = 0; i < 3; i++)
		kids[i] = spawn(i);
	printf("tracex_syscalls: top %d syscalls and processes, every second\n",
	       TOP);
	for (s = 1; s <= SECONDS; s++) {
		sleep(1);
		print_top(by_nr, by_proc, s);
	}
	for (i = 0; i < 3; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	close(ev);
	close(prog);
	close(by_nr);
	close(by_proc);
	return 0;
}
