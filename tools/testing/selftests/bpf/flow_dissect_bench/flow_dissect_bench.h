/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc/flow_dissect_bench reads back after a run: a struct
 * fdb_report, then one struct fdb_flow per packet, the pool's in pool
 * order and the hot packet last. Shared by the module and by
 * bench_flow_dissect.c, which checks the flows against the map of the
 * program it timed.
 */
#ifndef FLOW_DISSECT_BENCH_H
#define FLOW_DISSECT_BENCH_H

#include <linux/types.h>

#define FDB_PROC		"flow_dissect_bench"
#define FDB_MAX_ROUNDS		16

/*
 * The timed passes of one workload, hot or cold: per pass, the median
 * over its turns of picoseconds per packet, so that a turn the host
 * stopped the guest in weighs no more than any other.
 */
struct fdb_times {
	__u64 ebpf_ps[FDB_MAX_ROUNDS];
	__u64 native_ps[FDB_MAX_ROUNDS];
	__u32 runs;		/* of the program on each packet, warm-up too */
	__u32 pad;
};

struct fdb_report {
	__u32 rounds;		/* timed passes of each kind */
	__u32 flows;		/* struct fdb_flow records that follow */
	__u64 pool_bytes;	/* the pool's skbs: truesize */
	struct fdb_times hot, cold;
};

/*
 * A packet's flow as skb_flow_dissect_flow_keys() found it, laid out
 * as samples/bpf/sockex2_kern.c's key: the program's map must hold it.
 */
struct fdb_flow {
	__be32 src[4], dst[4];	/* IPv4 in [0] */
	__u16 sport, dport;	/* host order */
	__u8 proto, ipv6;
	__u16 pad;
};

#endif
