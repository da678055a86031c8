// SPDX-License-Identifier: GPL-2.0
/*
 * The seed's headline, measured: the flow dissector of samples/bpf
 * sockex2 (sockex2_kern.o, loaded with libbpf) against the kernel's own
 * skb_flow_dissect_flow_keys() on the same packets, both timed in the
 * kernel by flow_dissect_bench.ko (flow_dissect_bench/), once with the
 * program interpreted and once JIT-compiled (net.core.bpf_jit_enable 0,
 * then 1; restored after). Prints "bench WORKLOAD VALUE UNIT" lines for
 * host/bench.sh, each the median of the module's timed rounds (each
 * round the median over a pass's turns of a few hundred packets):
 *
 *  flow_dissect/hot		ns per packet of the program, interpreted,
 *				on one skb again and again
 *  flow_dissect/cold		the same on a pool of skbs larger than the
 *				last-level cache, in shuffled order
 *  jit_flow_dissect/{hot,cold}	the same, JIT-compiled
 *  flow_dissect_native/{hot,cold}
 *				ns per packet of the native dissector, on
 *				the same packets (the rounds of both runs)
 *  flow_dissect_ratio/{interp,jit}_{hot,cold}
 *				eBPF over native: the median over rounds
 *				of each round's ratio, the two having run
 *				by turns of a few hundred packets in the
 *				same pass over the same packets
 *
 * Before it prints, it checks that both did the same work: the flow the
 * native dissector found in each packet is in the program's map (its
 * size raised to hold one flow per packet), counted once per run of
 * the program on that packet, and the map holds nothing else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "flow_dissect_bench/flow_dissect_bench.h"

#define OBJ		"/bpf/sockex2_kern.o"
#define MODULE		"flow_dissect_bench"
#define PROC		"/proc/" FDB_PROC
#define POOL_PARAM	"/sys/module/" MODULE "/parameters/pool_packets"

/* sockex2_kern.c's map value */
struct flow_stats {
	__u64 packets, bytes;
};

static char module_path[4096];

static void die(const char *what)
{
	printf("# bench_flow_dissect: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A number from sysfs, or the end of the benchmark. */
static int read_int(const char *path)
{
	long v = sysctl_get(path);

	if (v < 0)
		die(path);
	return v;
}

static int find_module(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	const char *name = path + ftw->base;

	if (type != FTW_F || strcmp(name, MODULE ".ko"))
		return 0;
	snprintf(module_path, sizeof(module_path), "%s", path);
	return 1;
}

static void load_module(void)
{
	int fd;

	if (nftw("/lib/modules", find_module, 16, FTW_PHYS) != 1) {
		errno = ENOENT;
		die(MODULE ".ko");
	}
	fd = open(module_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
		die(module_path);
	close(fd);
}

/* Leave the machine as it was: no module (set_jit() restores the JIT). */
static void unload_module(void)
{
	syscall(SYS_delete_module, MODULE, O_NONBLOCK);
}

static void *read_report(size_t size)
{
	char *buf = malloc(size);
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(PROC, O_RDONLY);
	if (!buf || fd < 0)
		die(PROC);
	while (got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += n;
	if (got != size) {
		errno = EIO;
		die("the report is short");
	}
	close(fd);
	return buf;
}

/*
 * Every packet's native flow is in @map, counted once per run of the
 * program on it; nothing else is.
 */
static void check_map(int map, const struct fdb_report *rep,
		      const struct fdb_flow *flows)
{
	struct fdb_flow key, *prev = NULL;
	struct flow_stats s;
	__u32 i, entries = 0;
	__u64 want;

	for (i = 0; i < rep->flows; i++) {
		/* the pool's packets, then the hot one */
		want = i + 1 < rep->flows ? rep->cold.runs : rep->hot.runs;
		if (bpf_map_lookup_elem(map, &flows[i], &s)) {
			printf("# packet %u: the native flow is not in the map\n", i);
			exit(1);
		}
		if (s.packets != want) {
			printf("# packet %u: the map counts %llu runs, not %llu\n",
			       i, (unsigned long long)s.packets,
			       (unsigned long long)want);
			exit(1);
		}
	}
	while (!bpf_map_get_next_key(map, prev, &key)) {
		prev = &key;
		entries++;
	}
	if (entries != rep->flows) {
		printf("# the map holds %u flows for %u packets\n", entries,
		       rep->flows);
		exit(1);
	}
}

/* The program compiled as net.core.bpf_jit_enable=@jit says, timed. */
static struct fdb_report *run(int jit, __u32 pool)
{
	size_t size = sizeof(struct fdb_report) +
		      (pool + 1ull) * sizeof(struct fdb_flow);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct fdb_report *rep;
	struct bpf_map *map;
	char fd_text[16];
	int fd, proc;

	if (set_jit(jit) < 0)
		die(JIT_SYSCTL);
	obj = bpf_object__open_file(OBJ, NULL);
	if (!obj)
		die(OBJ);
	map = bpf_object__find_map_by_name(obj, "flows");
	prog = bpf_object__find_program_by_name(obj, "dissect");
	if (!map || !prog || bpf_map__set_max_entries(map, pool + 1) ||
	    bpf_object__load(obj))
		die(OBJ);
	fd = bpf_program__fd(prog);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("BPF_OBJ_GET_INFO_BY_FD");
	if (!info.jited_prog_len != !jit) {
		errno = EINVAL;
		die(jit ? "the JIT is on, the program is not JIT-compiled" :
			  "the JIT is off, the program is JIT-compiled");
	}

	snprintf(fd_text, sizeof(fd_text), "%d", fd);
	proc = open(PROC, O_WRONLY);
	if (proc < 0 || write(proc, fd_text, strlen(fd_text)) < 0)
		die(PROC);
	close(proc);
	rep = read_report(size);
	if (rep->flows != pool + 1) {
		errno = EINVAL;
		die("the report's flows");
	}
	check_map(bpf_map__fd(map), rep, (struct fdb_flow *)(rep + 1));
	bpf_object__close(obj);
	return rep;
}

static double ns_per_packet(const __u64 *ps, __u32 rounds)
{
	double v[FDB_MAX_ROUNDS];
	__u32 r;

	for (r = 0; r < rounds; r++)
		v[r] = ps[r] / 1000.0;
	return median(v, rounds);
}

/* Also prints each round's ratio, for the log. */
static double ebpf_over_native(const char *name, const struct fdb_times *t,
			       __u32 rounds)
{
	double v[FDB_MAX_ROUNDS];
	__u32 r;

	printf("# %s: eBPF/native by round:", name);
	for (r = 0; r < rounds; r++) {
		v[r] = (double)t->ebpf_ps[r] / t->native_ps[r];
		printf(" %.3f", v[r]);
	}
	printf("\n");
	return median(v, rounds);
}

/* The native dissector's rounds of both runs. */
static double native_ns(const struct fdb_times *a, const struct fdb_times *b,
			__u32 rounds)
{
	double v[2 * FDB_MAX_ROUNDS];
	__u32 r;

	for (r = 0; r < rounds; r++) {
		v[r] = a->native_ps[r] / 1000.0;
		v[rounds + r] = b->native_ps[r] / 1000.0;
	}
	return median(v, 2 * rounds);
}

int main(void)
{
	struct fdb_report *interp, *jit;
	double ratio[4];
	__u32 pool, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	load_module();
	atexit(unload_module);
	pool = read_int(POOL_PARAM);

	interp = run(0, pool);
	jit = run(1, pool);
	n = interp->rounds;
	printf("# %u packets in the cold pool, %.1f MiB of skbs; %u rounds; "
	       "the maps agree with the native dissector\n", pool,
	       interp->pool_bytes / 1048576.0, n);
	printf("bench flow_dissect/hot %.2f ns\n",
	       ns_per_packet(interp->hot.ebpf_ps, n));
	printf("bench flow_dissect/cold %.2f ns\n",
	       ns_per_packet(interp->cold.ebpf_ps, n));
	printf("bench jit_flow_dissect/hot %.2f ns\n",
	       ns_per_packet(jit->hot.ebpf_ps, n));
	printf("bench jit_flow_dissect/cold %.2f ns\n",
	       ns_per_packet(jit->cold.ebpf_ps, n));
	printf("bench flow_dissect_native/hot %.2f ns\n",
	       native_ns(&interp->hot, &jit->hot, n));
	printf("bench flow_dissect_native/cold %.2f ns\n",
	       native_ns(&interp->cold, &jit->cold, n));
	ratio[0] = ebpf_over_native("interp_hot", &interp->hot, n);
	ratio[1] = ebpf_over_native("interp_cold", &interp->cold, n);
	ratio[2] = ebpf_over_native("jit_hot", &jit->hot, n);
	ratio[3] = ebpf_over_native("jit_cold", &jit->cold, n);
	printf("bench flow_dissect_ratio/interp_hot %.3f x\n", ratio[0]);
	printf("bench flow_dissect_ratio/interp_cold %.3f x\n", ratio[1]);
	printf("bench flow_dissect_ratio/jit_hot %.3f x\n", ratio[2]);
	printf("bench flow_dissect_ratio/jit_cold %.3f x\n", ratio[3]);
	free(interp);
	free(jit);
	return 0;
}
