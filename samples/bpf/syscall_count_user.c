// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_count: a tracepoint program in restricted C, loaded by libbpf
 * and attached with bpf_program__attach_tracepoint() to
 * raw_syscalls:sys_enter. It counts this process's getpgid(2) calls and
 * sums their arguments; the sample makes CALLS of them and exits 0 only
 * if both numbers are exactly what it did.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf_trace.h"

#define OBJ	"/bpf/syscall_count_kern.o"
#define CALLS	1000

static __u64 value(int map, __u32 key)
{
	__u64 v = 0;

	bpf_map_lookup_elem(map, &key, &v);
	return v;
}

int main(void)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *data_map;
	__u64 calls, sum, want_sum = 0;
	__u32 tgid = getpid();
	const void *init;
	char data[64];
	size_t size;
	int map, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* libbpf finds the event's id there */
	if (tracefs_mount())
		printf("mounting tracefs: %s\n", strerror(errno));
	obj = bpf_object__open_file(OBJ, NULL);
	data_map = obj ? bpf_object__find_map_by_name(obj, ".data") : NULL;
	init = data_map ? bpf_map__initial_value(data_map, &size) : NULL;
	if (!init || size < sizeof(tgid) || size > sizeof(data)) {
		printf("%s: cannot open it or find its .data\n", OBJ);
		return 1;
	}
	/* target_tgid is all of .data */
	memcpy(data, init, size);
	memcpy(data, &tgid, sizeof(tgid));
	if (bpf_map__set_initial_value(data_map, data, size) ||
	    bpf_object__load(obj)) {
		printf("%s: cannot load it: %s\n", OBJ, strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "count_getpgid");
	map = bpf_object__find_map_fd_by_name(obj, "getpgid_calls");
	link = prog ? bpf_program__attach_tracepoint(prog, "raw_syscalls",
						      "sys_enter") : NULL;
	if (!link || map < 0) {
		printf("attaching to raw_syscalls:sys_enter: %s\n",
		       strerror(errno));
		return 1;
	}
	printf("count_getpgid attached to raw_syscalls:sys_enter, for pid %u\n",
	       tgid);
	for (i = 1; i <= CALLS; i++) {
		syscall(__NR_getpgid, i);
		want_sum += i;
	}
	bpf_link__destroy(link);
	calls = value(map, 0);
	sum = value(map, 1);
	printf("getpgid calls: %llu counted, %d made\n"
	       "their arguments: %llu summed, %llu passed\n",
	       (unsigned long long)calls, CALLS, (unsigned long long)sum,
	       (unsigned long long)want_sum);
	bpf_object__close(obj);
	if (calls != CALLS || sum != want_sum) {
		printf("THE COUNTS DO NOT MATCH\n");
		return 2;
	}
	printf("Both match.\n");
	return 0;
}
