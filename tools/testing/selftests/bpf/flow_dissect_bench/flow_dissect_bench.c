// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel half of bench_flow_dissect: a socket filter program (the
 * flow dissector of samples/bpf sockex2, loaded by user space with
 * libbpf) against the kernel's own skb_flow_dissect_flow_keys(), on the
 * same packets, in the same loop:
 *
 *   hot   one skb, hot_runs times a pass: everything stays in the caches;
 *   cold  a pool of pool_packets skbs (2^17 by default: 106 MiB of skbs,
 *         of which a pass reads five or six cache lines a packet, some
 *         45 MiB), more than a last-level cache holds, walked in a
 *         fixed shuffled order that no prefetcher guesses.
 *
 * The packets are frames as a packet socket on lo sees them: data at
 * the Ethernet header, network header after it, skb->dev the loopback
 * device; IPv4 or IPv6, TCP or UDP, one in four behind an 802.1Q tag,
 * each of a flow of its own so that the program's map holds one entry
 * per packet.
 *
 * Writing a program's fd to /proc/flow_dissect_bench runs, for hot then
 * cold, a warm-up pass (the program adds the flows to its map) and
 * @rounds timed passes. A pass runs the program and the native
 * dissector by turns of a few hundred packets, so that both meet the
 * same noise of a shared machine, with bottom halves off as a socket
 * filter runs; between turns it may reschedule, untimed. A pass gives
 * each of the two the median over its turns of the time per packet.
 * Reading gives the times and, per packet, the flow the native
 * dissector found (see flow_dissect_bench.h): user space judges the
 * figures and checks them against the program's map.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/prandom.h>
#include <linux/proc_fs.h>
#include <linux/skbuff.h>
#include <linux/sort.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/vmalloc.h>
#include <net/flow_dissector.h>
#include <net/ip.h>
#include <net/net_namespace.h>

#include "flow_dissect_bench.h"

static unsigned int pool_packets = 1 << 17;
module_param(pool_packets, uint, 0444);
MODULE_PARM_DESC(pool_packets, "packets in the cold pool, at most 2^24");

static unsigned int hot_runs = 1 << 16;
module_param(hot_runs, uint, 0444);
MODULE_PARM_DESC(hot_runs, "runs on the hot packet in one pass, at most 2^24");

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "timed passes of each workload, at most 16");

#define PAYLOAD		64
/* packets of a turn, between two chances to reschedule */
#define CHUNK		256

static struct sk_buff **pool;	/* in the order a pass walks it, and half again */
static struct sk_buff *hot_skb;
static struct sk_buff **hot;	/* hot_runs times hot_skb, and half more */
static struct fdb_report *report;	/* and its flows */
static size_t report_size;
static u64 *turn_ps[2];	/* the turns of a pass: program, native */
static bool report_ready;
static DEFINE_MUTEX(bench_lock);

/* The frame of flow @id: addresses and ports follow from @id. */
static struct sk_buff *build_packet(u32 id, bool ipv6, bool udp, bool vlan)
{
	unsigned int l2 = ETH_HLEN + (vlan ? VLAN_HLEN : 0);
	unsigned int l3 = ipv6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int l4 = udp ? sizeof(struct udphdr) : sizeof(struct tcphdr);
	unsigned int len = l2 + l3 + l4 + PAYLOAD;
	__be16 proto = htons(ipv6 ? ETH_P_IPV6 : ETH_P_IP);
	__be32 dst = htonl(0xc0a80000 | ((id * 37) & 0xffff));
	struct sk_buff *skb;
	struct ethhdr *eth;
	__be16 *ports;

	skb = alloc_skb(NET_SKB_PAD + len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	eth = skb_put_zero(skb, len);
	eth->h_proto = proto;
	if (vlan) {
		struct vlan_hdr *tag = (struct vlan_hdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_8021Q);
		tag->h_vlan_TCI = htons(id & VLAN_VID_MASK);
		tag->h_vlan_encapsulated_proto = proto;
	}
	if (ipv6) {
		struct ipv6hdr *ip6 = (void *)eth + l2;

		ip6->version = 6;
		ip6->payload_len = htons(l4 + PAYLOAD);
		ip6->nexthdr = udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip6->hop_limit = 64;
		ip6->saddr.s6_addr32[0] = htonl(0xfd000000);
		ip6->saddr.s6_addr32[3] = htonl(id);
		ip6->daddr.s6_addr32[0] = htonl(0xfd000001);
		ip6->daddr.s6_addr32[3] = dst;
	} else {
		struct iphdr *ip = (void *)eth + l2;

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(l3 + l4 + PAYLOAD);
		ip->frag_off = htons(IP_DF);
		ip->ttl = 64;
		ip->protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip->saddr = htonl(0x0a000000 | id);
		ip->daddr = dst;
	}
	ports = (void *)eth + l2 + l3;
	ports[0] = htons(1024 + id % 64000);
	ports[1] = htons(1 + (id * 7) % 1024);
	if (udp) {
		((struct udphdr *)ports)->len = htons(l4 + PAYLOAD);
	} else {
		((struct tcphdr *)ports)->doff = 5;
		((struct tcphdr *)ports)->ack = 1;
	}

	skb->protocol = eth->h_proto;
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	/* lo lives as long as init_net: no reference to hold */
	skb->dev = init_net.loopback_dev;
	skb->pkt_type = PACKET_HOST;
	return skb;
}

/* What the kernel's dissector finds in @skb, as sockex2's map key. */
static void native_flow(const struct sk_buff *skb, struct fdb_flow *f)
{
	struct flow_keys keys;

	memset(f, 0, sizeof(*f));
	if (!skb_flow_dissect_flow_keys(skb, &keys, 0))
		return;
	f->proto = keys.basic.ip_proto;
	if (keys.control.addr_type == FLOW_DISSECTOR_KEY_IPV4_ADDRS) {
		f->src[0] = keys.addrs.v4addrs.src;
		f->dst[0] = keys.addrs.v4addrs.dst;
	} else if (keys.control.addr_type == FLOW_DISSECTOR_KEY_IPV6_ADDRS) {
		memcpy(f->src, &keys.addrs.v6addrs.src, sizeof(f->src));
		memcpy(f->dst, &keys.addrs.v6addrs.dst, sizeof(f->dst));
		f->ipv6 = 1;
	}
	f->sport = ntohs(keys.ports.src);
	f->dport = ntohs(keys.ports.dst);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, u32 n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/*
 * One pass of the program and of the native dissector over the first
 * @n of @skbs, by turns of CHUNK packets, so that both see the same
 * moments of a noisy machine; each gets the median over its turns of
 * ps per packet. The native dissector starts half-way through (@skbs
 * goes on for n / 2 more, from the start again): between two visits to
 * a packet, by either, every packet of the pool is seen.
 */
static void time_pass(const struct bpf_prog *prog, struct sk_buff *const *skbs,
		      u32 n, u64 *ebpf_ps, u64 *native_ps)
{
	struct sk_buff *const *native = skbs + n / 2;
	struct flow_keys keys;
	u32 i, j, end, turn;
	u64 t0, t1, t2;

	for (i = 0, turn = 0; i < n; i = end, turn++) {
		end = min(n, i + CHUNK);
		local_bh_disable();
		rcu_read_lock();
		t0 = ktime_get_ns();
		for (j = i; j < end; j++)
			bpf_prog_run_save_cb(prog, skbs[j]);
		t1 = ktime_get_ns();
		for (j = i; j < end; j++)
			skb_flow_dissect_flow_keys(native[j], &keys, 0);
		t2 = ktime_get_ns();
		rcu_read_unlock();
		local_bh_enable();
		turn_ps[0][turn] = div_u64((t1 - t0) * 1000, end - i);
		turn_ps[1][turn] = div_u64((t2 - t1) * 1000, end - i);
		cond_resched();
	}
	*ebpf_ps = median(turn_ps[0], turn);
	*native_ps = median(turn_ps[1], turn);
}

/* A warm-up pass (the program adds the flows to its map), then rounds. */
static void time_workload(const struct bpf_prog *prog,
			  struct sk_buff *const *skbs, u32 n,
			  struct fdb_times *t)
{
	u64 ebpf_ps, native_ps;
	u32 r;

	time_pass(prog, skbs, n, &ebpf_ps, &native_ps);
	for (r = 0; r < rounds; r++)
		time_pass(prog, skbs, n, &t->ebpf_ps[r], &t->native_ps[r]);
}

static void run_bench(const struct bpf_prog *prog)
{
	struct fdb_flow *flows = (struct fdb_flow *)(report + 1);
	u32 i;

	memset(&report->hot, 0, sizeof(report->hot));
	memset(&report->cold, 0, sizeof(report->cold));
	time_workload(prog, hot, hot_runs, &report->hot);
	report->hot.runs = (rounds + 1) * hot_runs;
	time_workload(prog, pool, pool_packets, &report->cold);
	report->cold.runs = rounds + 1;
	for (i = 0; i < pool_packets; i++)
		native_flow(pool[i], &flows[i]);
	native_flow(hot_skb, &flows[pool_packets]);
	report_ready = true;
}

static ssize_t bench_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct bpf_prog *prog;
	int fd, err;

	err = kstrtoint_from_user(buf, count, 10, &fd);
	if (err)
		return err;
	prog = bpf_prog_get_type(fd, BPF_PROG_TYPE_SOCKET_FILTER);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	err = mutex_lock_interruptible(&bench_lock);
	if (!err) {
		run_bench(prog);
		mutex_unlock(&bench_lock);
	}
	bpf_prog_put(prog);
	return err ?: count;
}

static ssize_t bench_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&bench_lock))
		return -EINTR;
	if (report_ready)
		ret = simple_read_from_buffer(buf, count, ppos, report,
					      report_size);
	else
		ret = -ENODATA;
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct proc_ops bench_ops = {
	.proc_read = bench_read,
	.proc_write = bench_write,
	.proc_lseek = default_llseek,
};

static void free_packets(void)
{
	u32 i;

	if (pool) {
		for (i = 0; i < pool_packets; i++)
			kfree_skb(pool[i]);
	}
	kfree_skb(hot_skb);
	vfree(pool);
	vfree(hot);
	vfree(turn_ps[0]);
	vfree(turn_ps[1]);
}

/*
 * The pool, shuffled the same way on every kernel, the hot packet, and
 * room for the times of a pass's turns.
 */
static int build_packets(void)
{
	u32 i, j, turns = DIV_ROUND_UP(max(pool_packets, hot_runs), CHUNK);
	struct rnd_state rnd;

	turn_ps[0] = vmalloc(array_size(turns, sizeof(u64)));
	turn_ps[1] = vmalloc(array_size(turns, sizeof(u64)));
	if (!turn_ps[0] || !turn_ps[1])
		return -ENOMEM;
	pool = vzalloc(array_size(pool_packets + pool_packets / 2,
				  sizeof(*pool)));
	hot = vmalloc(array_size(hot_runs + hot_runs / 2, sizeof(*hot)));
	if (!pool || !hot)
		return -ENOMEM;
	for (i = 0; i < pool_packets; i++) {
		pool[i] = build_packet(i, i % 4 == 3, i / 4 % 2, i / 8 % 4 == 3);
		if (!pool[i])
			return -ENOMEM;
		report->pool_bytes += pool[i]->truesize;
	}
	prandom_seed_state(&rnd, 12);
	for (i = pool_packets - 1; i > 0; i--) {
		j = ((u64)prandom_u32_state(&rnd) * (i + 1)) >> 32;
		swap(pool[i], pool[j]);
	}
	for (i = 0; i < pool_packets / 2; i++)
		pool[pool_packets + i] = pool[i];
	hot_skb = build_packet(pool_packets, false, false, false);
	if (!hot_skb)
		return -ENOMEM;
	for (i = 0; i < hot_runs + hot_runs / 2; i++)
		hot[i] = hot_skb;
	return 0;
}

static int __init flow_dissect_bench_init(void)
{
	int err;

	if (!pool_packets || pool_packets > 1 << 24 ||
	    !hot_runs || hot_runs > 1 << 24 ||
	    !rounds || rounds > FDB_MAX_ROUNDS)
		return -EINVAL;
	report_size = sizeof(*report) +
		      (pool_packets + 1ull) * sizeof(struct fdb_flow);
	report = vzalloc(report_size);
	if (!report)
		return -ENOMEM;
	report->rounds = rounds;
	report->flows = pool_packets + 1;
	err = build_packets();
	if (!err && !proc_create(FDB_PROC, 0600, NULL, &bench_ops))
		err = -ENOMEM;
	if (err) {
		free_packets();
		vfree(report);
	}
	return err;
}

static void __exit flow_dissect_bench_exit(void)
{
	remove_proc_entry(FDB_PROC, NULL);
	free_packets();
	vfree(report);
}

module_init(flow_dissect_bench_init);
module_exit(flow_dissect_bench_exit);
MODULE_DESCRIPTION("sockex2's flow dissector in eBPF against the kernel's, timed");
MODULE_LICENSE("GPL");
