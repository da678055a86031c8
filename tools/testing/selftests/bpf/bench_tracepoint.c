// SPDX-License-Identifier: GPL-2.0
/*
 * What a tracepoint costs: nanoseconds per getpgid(2), whose entry hits
 * raw_syscalls:sys_enter, with nothing attached to the event and with a
 * counting program attached through perf; and their difference, the
 * cost of one hit of the event with the program. Prints "bench WORKLOAD
 * NS ns" lines for host/bench.sh, each the median of several rounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ebpf.h"
#include "ebpf_trace.h"
#include "bench.h"

#define ROUNDS		15
#define CALLS_PER_ROUND	100000

static double ns_per_call(void)
{
	uint64_t t0 = now_ns();
	int i;

	for (i = 0; i < CALLS_PER_ROUND; i++)
		syscall(__NR_getpgid, 0);
	return (double)(now_ns() - t0) / CALLS_PER_ROUND;
}

/* map[0]++ on every hit: the program a counting tool attaches */
static int load_counter(int map_fd)
{
	struct bpf_insn prog[] = {
		ST(BPF_W, R10, -4, 0),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		LDMAP(R1, map_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 2),
		MOV64I(R1, 1),
		ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		MOV64I(R0, 0),
		EXIT(),
	};

	return ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, prog,
			      ARRAY_SIZE(prog), NULL, 0);
}

int main(void)
{
	double none[ROUNDS], prog[ROUNDS], hit[ROUNDS];
	int map, fd, ev, r;

	if (tracefs_mount()) {
		perror("tracefs");
		return 1;
	}
	map = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	fd = load_counter(map);
	if (map < 0 || fd < 0) {
		perror("counting program");
		return 1;
	}
	ns_per_call();		/* warm up */
	/* Alternate the two so that drifts of the machine hit both alike. */
	for (r = 0; r < ROUNDS; r++) {
		none[r] = ns_per_call();
		ev = trace_event_attach("raw_syscalls/sys_enter", fd);
		if (ev < 0) {
			perror("attach");
			return 1;
		}
		prog[r] = ns_per_call();
		close(ev);
		hit[r] = prog[r] - none[r];
		printf("# round %d: nothing attached %.1f ns, counting %.1f ns\n",
		       r, none[r], prog[r]);
	}
	printf("bench tracepoint/nothing_attached %.1f ns\n",
	       median(none, ROUNDS));
	printf("bench tracepoint/counting_program %.1f ns\n",
	       median(prog, ROUNDS));
	printf("bench tracepoint/cost_per_hit %.1f ns\n", median(hit, ROUNDS));
	close(fd);
	close(map);
	return 0;
}
