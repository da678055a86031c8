// SPDX-License-Identifier: GPL-2.0
/*
 * The program types bpf(2) loads: what each program's context is, which
 * of its bytes the program may read or write, how those accesses become
 * accesses to the kernel object the program really runs on, which
 * helpers it may call, and how BPF_PROG_TEST_RUN runs it.
 *
 * Socket filters see a struct __sk_buff, the stable mirror of the
 * struct sk_buff they run on: the verifier allows the fields below and
 * rewrites each access into loads from the sk_buff (and, for a few
 * fields, from its device or its shared info). The five cb[] words are
 * the scratch area of the qdisc control block; the program may also
 * write them. Tracepoint programs see the raw record of the event,
 * read-only, as upstream lays it out: 8 bytes the program may not touch,
 * then the event's fields.
 */
#include <linux/capability.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/perf_event.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/sock_diag.h>
#include <linux/trace_events.h>
#include <asm/unaligned.h>
#include <net/busy_poll.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>

#include "ebpf.h"

/* ---- socket filters: the __sk_buff context -------------------------- */

#define SKB_CB_START	offsetof(struct __sk_buff, cb[0])
#define SKB_CB_END	offsetofend(struct __sk_buff, cb[4])

/* __sk_buff fields that are a plain copy of an sk_buff field. */
struct skb_mirror {
	u16 uoff;	/* in struct __sk_buff */
	u16 koff;	/* in struct sk_buff */
	u8 ksize;
};

#define UOFF(f)		offsetof(struct __sk_buff, f)
#define KOFF(f)		offsetof(struct sk_buff, f)
#define KSIZE(f)	sizeof_field(struct sk_buff, f)

static const struct skb_mirror skb_mirrors[] = {
	{ UOFF(len), KOFF(len), KSIZE(len) },
	{ UOFF(mark), KOFF(mark), KSIZE(mark) },
	{ UOFF(queue_mapping), KOFF(queue_mapping), KSIZE(queue_mapping) },
	{ UOFF(protocol), KOFF(protocol), KSIZE(protocol) },
	{ UOFF(vlan_tci), KOFF(vlan_tci), KSIZE(vlan_tci) },
	{ UOFF(vlan_proto), KOFF(vlan_proto), KSIZE(vlan_proto) },
	{ UOFF(priority), KOFF(priority), KSIZE(priority) },
	{ UOFF(ingress_ifindex), KOFF(skb_iif), KSIZE(skb_iif) },
	{ UOFF(hash), KOFF(hash), KSIZE(hash) },
#ifdef CONFIG_NET_SCHED
	{ UOFF(tc_index), KOFF(tc_index), KSIZE(tc_index) },
#endif
#if defined(CONFIG_NET_RX_BUSY_POLL) || defined(CONFIG_XPS)
	{ UOFF(napi_id), KOFF(napi_id), KSIZE(napi_id) },
#endif
};

static const struct skb_mirror *skb_mirror(u32 uoff)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(skb_mirrors); i++)
		if (skb_mirrors[i].uoff == uoff)
			return &skb_mirrors[i];
	return NULL;
}

/* The 32-bit fields of __sk_buff a socket filter may read. */
static bool skb_field_readable(u32 off)
{
	switch (off) {
	case offsetof(struct __sk_buff, len):
	case offsetof(struct __sk_buff, pkt_type):
	case offsetof(struct __sk_buff, mark):
	case offsetof(struct __sk_buff, queue_mapping):
	case offsetof(struct __sk_buff, protocol):
	case offsetof(struct __sk_buff, vlan_present):
	case offsetof(struct __sk_buff, vlan_tci):
	case offsetof(struct __sk_buff, vlan_proto):
	case offsetof(struct __sk_buff, priority):
	case offsetof(struct __sk_buff, ingress_ifindex):
	case offsetof(struct __sk_buff, ifindex):
	case offsetof(struct __sk_buff, tc_index):
	case offsetof(struct __sk_buff, hash):
	case offsetof(struct __sk_buff, napi_id):
	case offsetof(struct __sk_buff, gso_segs):
	case offsetof(struct __sk_buff, gso_size):
		return true;
	}
	return false;
}

static u32 skb_ctx_access(int off, int size, enum bpf_access_type type)
{
	if (off < 0 || off % size)
		return 0;
	/* The control block: any width, in both directions. */
	if (off >= SKB_CB_START && off + size <= SKB_CB_END)
		return size;
	if (type != BPF_READ || size > sizeof(u32) ||
	    !skb_field_readable(round_down(off, sizeof(u32))))
		return 0;
	return sizeof(u32);
}

/* dst = the u16 at @off of the sk_buff's shared info, skb in src */
static struct bpf_insn *skb_shinfo_load(struct bpf_insn *p, u8 dst, u8 src,
					u32 off)
{
#ifdef NET_SKBUFF_DATA_USES_OFFSET
	/* shinfo is at head + end; AX keeps head while dst takes end. */
	*p++ = BPF_LDX_MEM(BPF_DW, BPF_REG_AX, src,
			   offsetof(struct sk_buff, head));
	*p++ = BPF_LDX_MEM(BPF_W, dst, src, offsetof(struct sk_buff, end));
	*p++ = BPF_ALU64_REG(BPF_ADD, dst, BPF_REG_AX);
#else
	*p++ = BPF_LDX_MEM(BPF_DW, dst, src, offsetof(struct sk_buff, end));
#endif
	*p++ = BPF_LDX_MEM(BPF_H, dst, dst, off);
	return p;
}

static u32 skb_ctx_convert(const struct bpf_insn *insn, u32 field_off,
			   struct bpf_insn *out, struct bpf_prog *prog)
{
	const struct skb_mirror *m = skb_mirror(field_off);
	u8 dst = insn->dst_reg, src = insn->src_reg;
	struct bpf_insn *p = out;

	if (field_off >= SKB_CB_START && field_off < SKB_CB_END) {
		/* The same access, moved into the qdisc control block. */
		*p = *insn;
		p->off = offsetof(struct sk_buff, cb) +
			 offsetof(struct qdisc_skb_cb, data) +
			 field_off - SKB_CB_START;
		prog->cb_access = 1;
		return 1;
	}
	if (m) {
		*p++ = BPF_LDX_MEM(bytes_to_bpf_size(m->ksize), dst, src,
				   m->koff);
#if defined(CONFIG_NET_RX_BUSY_POLL)
		/* Below MIN_NAPI_ID the union holds a sender_cpu. */
		if (field_off == offsetof(struct __sk_buff, napi_id)) {
			*p++ = BPF_JMP_IMM(BPF_JGE, dst, MIN_NAPI_ID, 1);
			*p++ = BPF_MOV64_IMM(dst, 0);
		}
#elif defined(CONFIG_XPS)
		if (field_off == offsetof(struct __sk_buff, napi_id))
			p[-1] = BPF_MOV64_IMM(dst, 0);
#endif
		return p - out;
	}

	switch (field_off) {
	case offsetof(struct __sk_buff, pkt_type):
		*p++ = BPF_LDX_MEM(BPF_B, dst, src, PKT_TYPE_OFFSET);
		*p++ = BPF_ALU32_IMM(BPF_AND, dst, PKT_TYPE_MAX);
#ifdef __BIG_ENDIAN_BITFIELD
		*p++ = BPF_ALU32_IMM(BPF_RSH, dst, 5);
#endif
		break;
	case offsetof(struct __sk_buff, vlan_present):
		*p++ = BPF_LDX_MEM(BPF_B, dst, src, PKT_VLAN_PRESENT_OFFSET);
		if (PKT_VLAN_PRESENT_BIT)
			*p++ = BPF_ALU32_IMM(BPF_RSH, dst,
					     PKT_VLAN_PRESENT_BIT);
		*p++ = BPF_ALU32_IMM(BPF_AND, dst, 1);
		break;
	case offsetof(struct __sk_buff, ifindex):
		/* 0 for an skb without a device */
		*p++ = BPF_LDX_MEM(BPF_DW, dst, src,
				   offsetof(struct sk_buff, dev));
		*p++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 1);
		*p++ = BPF_LDX_MEM(BPF_W, dst, dst,
				   offsetof(struct net_device, ifindex));
		break;
	case offsetof(struct __sk_buff, gso_segs):
		p = skb_shinfo_load(p, dst, src,
				    offsetof(struct skb_shared_info, gso_segs));
		break;
	case offsetof(struct __sk_buff, gso_size):
		p = skb_shinfo_load(p, dst, src,
				    offsetof(struct skb_shared_info, gso_size));
		break;
	default:
		/* tc_index and napi_id in kernels built without them */
		*p++ = BPF_MOV64_IMM(dst, 0);
	}
	return p - out;
}

/*
 * bpf_skb_load_bytes(skb, offset, to, len): copy packet bytes, which may
 * sit in fragments, to the program's memory; on failure zero it.
 */
static u64 ebpf_skb_load_bytes(u64 skb, u64 offset, u64 to, u64 len, u64 r5)
{
	const struct sk_buff *s = (const struct sk_buff *)(unsigned long)skb;
	void *buf = (void *)(unsigned long)to;
	const void *p = NULL;

	if ((u32)offset <= INT_MAX)
		p = skb_header_pointer(s, (u32)offset, len, buf);
	if (!p) {
		memset(buf, 0, len);
		return -EFAULT;
	}
	if (p != buf)
		memcpy(buf, p, len);
	return 0;
}

const struct bpf_func_proto ebpf_skb_load_bytes_proto = {
	.func = ebpf_skb_load_bytes,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_PTR_TO_UNINIT_MEM,
		      ARG_CONST_SIZE },
};

/*
 * The @size bytes at @off past the start of a header (BPF_HDR_START_MAC
 * or BPF_HDR_START_NET), or NULL unless they all lie in the linear part
 * of the skb, where headers are.
 */
static const u8 *skb_header_bytes(const struct sk_buff *skb, u32 header,
				  s64 off, u32 size)
{
	const u8 *p;

	if (header == BPF_HDR_START_NET)
		p = skb_network_header(skb);
	else if (header == BPF_HDR_START_MAC && skb_mac_header_was_set(skb))
		p = skb_mac_header(skb);
	else
		return NULL;
	if (off < skb->head - p || off + size > skb_tail_pointer(skb) - p)
		return NULL;
	return p + off;
}

/*
 * Classic BPF's negative offsets: SKF_NET_OFF + k is byte k of the
 * network header, SKF_LL_OFF + k byte k of the link-layer header.
 */
static const u8 *skb_classic_area(const struct sk_buff *skb, int off,
				  unsigned int size)
{
	if (off >= SKF_NET_OFF)
		return skb_header_bytes(skb, BPF_HDR_START_NET,
					off - SKF_NET_OFF, size);
	if (off >= SKF_LL_OFF)
		return skb_header_bytes(skb, BPF_HDR_START_MAC,
					off - SKF_LL_OFF, size);
	return NULL;
}

/*
 * bpf_skb_load_bytes_relative(skb, offset, to, len, start_header): copy
 * bytes of the link-layer or network header, counted from its start,
 * even when the skb's data has moved past it (as it has in a UDP or
 * TCP socket's filter); on failure zero the buffer. Offsets are below
 * 64k, as upstream.
 */
static u64 ebpf_skb_load_bytes_relative(u64 skb, u64 offset, u64 to, u64 len,
					u64 header)
{
	const struct sk_buff *s = (const struct sk_buff *)(unsigned long)skb;
	const u8 *p = NULL;

	if ((u32)offset <= U16_MAX)
		p = skb_header_bytes(s, header, (u32)offset, len);
	if (!p) {
		memset((void *)(unsigned long)to, 0, len);
		return -EFAULT;
	}
	memcpy((void *)(unsigned long)to, p, len);
	return 0;
}

static const struct bpf_func_proto ebpf_skb_load_bytes_relative_proto = {
	.func = ebpf_skb_load_bytes_relative,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_PTR_TO_UNINIT_MEM,
		      ARG_CONST_SIZE, ARG_ANYTHING },
};

/*
 * The full socket the packet belongs to, if any. While a socket's
 * filter runs, sk_filter() lends the packet to that socket; a packet
 * socket runs its filter on the packet as it is, which on receive
 * belongs to none. A request socket stands for its listener.
 */
static struct sock *skb_full_sock(const struct sk_buff *skb)
{
	struct sock *sk = skb->sk ? sk_to_full_sk(skb->sk) : NULL;

	return sk && sk_fullsock(sk) ? sk : NULL;
}

/* bpf_get_socket_cookie(skb): the owner's cookie (as SO_COOKIE), or 0. */
static u64 ebpf_get_socket_cookie(u64 skb, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct sk_buff *s = (const struct sk_buff *)(unsigned long)skb;

	return s->sk ? __sock_gen_cookie(s->sk) : 0;
}

/* bpf_get_socket_uid(skb): the owner's uid, or the overflow uid. */
static u64 ebpf_get_socket_uid(u64 skb, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sock *sk = skb_full_sock((const struct sk_buff *)(long)skb);

	if (!sk)
		return overflowuid;
	return from_kuid_munged(sock_net(sk)->user_ns, sk->sk_uid);
}

static const struct bpf_func_proto ebpf_get_socket_cookie_proto = {
	.func = ebpf_get_socket_cookie,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX },
};

static const struct bpf_func_proto ebpf_get_socket_uid_proto = {
	.func = ebpf_get_socket_uid,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX },
};

/*
 * What BPF_LD_ABS and BPF_LD_IND become: the @size-byte big-endian value
 * at @offset of the packet (negative offsets are classic BPF's SKF_NET_OFF
 * and SKF_LL_OFF areas), or a negative error for the program to return 0.
 */
u64 ebpf_skb_load(u64 skb, u64 offset, u64 size, u64 unused1, u64 unused2)
{
	const struct sk_buff *s = (const struct sk_buff *)(unsigned long)skb;
	int off = (int)offset;
	const u8 *p;
	u8 buf[4];

	if (off >= 0)
		p = skb_header_pointer(s, off, size, buf);
	else
		p = skb_classic_area(s, off, size);
	if (!p)
		return -EFAULT;
	switch (size) {
	case 1:
		return *p;
	case 2:
		return get_unaligned_be16(p);
	default:
		return get_unaligned_be32(p);
	}
}

static const struct bpf_func_proto *skb_func_proto(enum bpf_func_id id)
{
	switch (id) {
	case BPF_FUNC_map_lookup_elem:
		return &ebpf_map_lookup_elem_proto;
	case BPF_FUNC_map_update_elem:
		return &ebpf_map_update_elem_proto;
	case BPF_FUNC_map_delete_elem:
		return &ebpf_map_delete_elem_proto;
	case BPF_FUNC_get_prandom_u32:
		return &ebpf_get_prandom_u32_proto;
	case BPF_FUNC_get_smp_processor_id:
		return &ebpf_get_smp_processor_id_proto;
	case BPF_FUNC_get_numa_node_id:
		return &ebpf_get_numa_node_id_proto;
	case BPF_FUNC_tail_call:
		return &ebpf_tail_call_proto;
	case BPF_FUNC_ktime_get_ns:
		return &ebpf_ktime_get_ns_proto;
	case BPF_FUNC_ktime_get_boot_ns:
		return &ebpf_ktime_get_boot_ns_proto;
	case BPF_FUNC_skb_load_bytes:
		return &ebpf_skb_load_bytes_proto;
	case BPF_FUNC_skb_load_bytes_relative:
		return &ebpf_skb_load_bytes_relative_proto;
	case BPF_FUNC_get_socket_cookie:
		return &ebpf_get_socket_cookie_proto;
	case BPF_FUNC_get_socket_uid:
		return &ebpf_get_socket_uid_proto;
	default:
		return NULL;
	}
}

/* Helpers upstream 6.1 gives every program type (bpf_base_func_proto). */
#define UPSTREAM_BASE_HELPERS						\
	BPF_FUNC_map_lookup_elem, BPF_FUNC_map_update_elem,		\
	BPF_FUNC_map_delete_elem, BPF_FUNC_map_push_elem,		\
	BPF_FUNC_map_pop_elem, BPF_FUNC_map_peek_elem,			\
	BPF_FUNC_map_lookup_percpu_elem, BPF_FUNC_get_prandom_u32,	\
	BPF_FUNC_get_smp_processor_id, BPF_FUNC_get_numa_node_id,	\
	BPF_FUNC_tail_call, BPF_FUNC_ktime_get_ns,			\
	BPF_FUNC_ktime_get_boot_ns, BPF_FUNC_ktime_get_tai_ns,		\
	BPF_FUNC_ringbuf_output, BPF_FUNC_ringbuf_reserve,		\
	BPF_FUNC_ringbuf_submit, BPF_FUNC_ringbuf_discard,		\
	BPF_FUNC_ringbuf_query, BPF_FUNC_strncmp, BPF_FUNC_strtol,	\
	BPF_FUNC_strtoul, BPF_FUNC_spin_lock, BPF_FUNC_spin_unlock,	\
	BPF_FUNC_jiffies64, BPF_FUNC_per_cpu_ptr, BPF_FUNC_this_cpu_ptr, \
	BPF_FUNC_timer_init, BPF_FUNC_timer_set_callback,		\
	BPF_FUNC_timer_start, BPF_FUNC_timer_cancel, BPF_FUNC_kptr_xchg, \
	BPF_FUNC_for_each_map_elem, BPF_FUNC_loop,			\
	BPF_FUNC_user_ringbuf_drain, BPF_FUNC_ringbuf_reserve_dynptr,	\
	BPF_FUNC_ringbuf_submit_dynptr, BPF_FUNC_ringbuf_discard_dynptr, \
	BPF_FUNC_dynptr_from_mem, BPF_FUNC_dynptr_read,			\
	BPF_FUNC_dynptr_write, BPF_FUNC_dynptr_data,			\
	BPF_FUNC_trace_printk, BPF_FUNC_get_current_task,		\
	BPF_FUNC_get_current_task_btf, BPF_FUNC_probe_read_user,	\
	BPF_FUNC_probe_read_kernel, BPF_FUNC_probe_read_user_str,	\
	BPF_FUNC_probe_read_kernel_str, BPF_FUNC_snprintf_btf,		\
	BPF_FUNC_snprintf, BPF_FUNC_task_pt_regs, BPF_FUNC_trace_vprintk

static const u8 skb_upstream_helpers[] = {
	UPSTREAM_BASE_HELPERS,
	BPF_FUNC_skb_load_bytes, BPF_FUNC_skb_load_bytes_relative,
	BPF_FUNC_get_socket_cookie, BPF_FUNC_get_socket_uid,
	BPF_FUNC_perf_event_output, BPF_FUNC_skc_to_tcp6_sock,
	BPF_FUNC_skc_to_tcp_sock, BPF_FUNC_skc_to_tcp_timewait_sock,
	BPF_FUNC_skc_to_tcp_request_sock, BPF_FUNC_skc_to_udp6_sock,
	BPF_FUNC_skc_to_unix_sock, BPF_FUNC_skc_to_mptcp_sock,
	BPF_FUNC_ktime_get_coarse_ns,
	0
};

/* ---- BPF_PROG_TEST_RUN for socket filters --------------------------- */

/*
 * The parts of a __sk_buff a test run takes from ctx_in and gives back
 * in ctx_out; every other byte of ctx_in must be zero.
 */
static int skb_ctx_in(struct sk_buff *skb, const struct __sk_buff *ctx)
{
	struct __sk_buff rest = *ctx;

	rest.mark = 0;
	rest.priority = 0;
	memset(rest.cb, 0, sizeof(rest.cb));
	if (memchr_inv(&rest, 0, sizeof(rest)))
		return -EINVAL;
	skb->mark = ctx->mark;
	skb->priority = ctx->priority;
	memcpy(qdisc_skb_cb(skb)->data, ctx->cb, sizeof(ctx->cb));
	return 0;
}

static void skb_ctx_out(const struct sk_buff *skb, struct __sk_buff *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->mark = skb->mark;
	ctx->priority = skb->priority;
	memcpy(ctx->cb, qdisc_skb_cb(skb)->data, sizeof(ctx->cb));
}

/*
 * A test packet belongs to a socket of its own, as upstream's do, so
 * that the socket helpers have one to report on: root's, with a cookie.
 */
static struct proto skb_test_proto = {
	.name = "ebpf_test",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct sock),
};

/* Run @prog @repeat times on @skb; the average time of a run in ns. */
static int skb_run_repeated(struct bpf_prog *prog, struct sk_buff *skb,
			    u32 repeat, u32 *retval, u32 *duration)
{
	u64 start, spent = 0;
	u32 i;

	for (i = 0; i < repeat; i++) {
		rcu_read_lock();
		migrate_disable();
		start = ktime_get_ns();
		*retval = bpf_prog_run(prog, skb);
		spent += ktime_get_ns() - start;
		migrate_enable();
		rcu_read_unlock();
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	*duration = min_t(u64, div_u64(spent, repeat), U32_MAX);
	return 0;
}

static int skb_test_run(struct bpf_prog *prog, const union bpf_attr *attr,
			union bpf_attr __user *uattr)
{
	u32 size = attr->test.data_size_in, out_size, copy;
	u32 headroom = NET_SKB_PAD + NET_IP_ALIGN;
	u32 tailroom = SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	void __user *ctx_in = u64_to_user_ptr(attr->test.ctx_in);
	void __user *ctx_out = u64_to_user_ptr(attr->test.ctx_out);
	void __user *data_out = u64_to_user_ptr(attr->test.data_out);
	struct net *net = current->nsproxy->net_ns;
	struct __sk_buff *ctx = NULL;
	u32 retval = 0, duration = 0;
	struct sk_buff *skb;
	struct sock *sk;
	bool cut;
	void *data;
	int err;

	if (attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	if (size < ETH_HLEN || size > PAGE_SIZE - headroom - tailroom)
		return -EINVAL;
	if (ctx_in || ctx_out) {
		ctx = kzalloc(sizeof(*ctx), GFP_USER);
		if (!ctx)
			return -ENOMEM;
	}
	if (ctx_in) {
		err = copy_struct_from_user(ctx, sizeof(*ctx), ctx_in,
					    attr->test.ctx_size_in);
		if (err)
			goto out_ctx;
	}

	err = -ENOMEM;
	data = kzalloc(headroom + size + tailroom, GFP_USER);
	if (!data)
		goto out_ctx;
	if (copy_from_user(data + headroom,
			   u64_to_user_ptr(attr->test.data_in), size)) {
		kfree(data);
		err = -EFAULT;
		goto out_ctx;
	}
	sk = sk_alloc(net, AF_UNSPEC, GFP_USER, &skb_test_proto, 1);
	if (!sk) {
		kfree(data);
		goto out_ctx;
	}
	sock_init_data(NULL, sk);
	skb = build_skb(data, 0);
	if (!skb) {
		kfree(data);
		goto out_sk;
	}
	skb->sk = sk;
	skb_reserve(skb, headroom);
	__skb_put(skb, size);
	/* As if received on loopback: the program sees the network header. */
	skb->protocol = eth_type_trans(skb, net->loopback_dev);
	skb_reset_network_header(skb);
	err = -EINVAL;
	/* An IPv4 packet has at least its header, as upstream insists. */
	if (skb->protocol == htons(ETH_P_IP) &&
	    skb_headlen(skb) < sizeof(struct iphdr))
		goto out_skb;
	if (ctx) {
		err = skb_ctx_in(skb, ctx);
		if (err)
			goto out_skb;
	}

	err = skb_run_repeated(prog, skb, max(attr->test.repeat, 1U),
			       &retval, &duration);
	if (err)
		goto out_skb;

	/* Give the frame back with a zeroed Ethernet header, as upstream. */
	memset(__skb_push(skb, ETH_HLEN), 0, ETH_HLEN);
	out_size = skb->len;
	copy = out_size;
	if (attr->test.data_size_out && copy > attr->test.data_size_out)
		copy = attr->test.data_size_out;
	err = -EFAULT;
	if (data_out && copy_to_user(data_out, skb->data, copy))
		goto out_skb;
	if (put_user(out_size, &uattr->test.data_size_out) ||
	    put_user(retval, &uattr->test.retval) ||
	    put_user(duration, &uattr->test.duration))
		goto out_skb;
	/* ENOSPC if the data or the context was cut, each on its own */
	cut = copy < out_size;
	if (ctx_out) {
		skb_ctx_out(skb, ctx);
		copy = min_t(u32, attr->test.ctx_size_out, sizeof(*ctx));
		if (copy_to_user(ctx_out, ctx, copy) ||
		    put_user((u32)sizeof(*ctx), &uattr->test.ctx_size_out))
			goto out_skb;
		cut |= copy < sizeof(*ctx);
	}
	err = cut ? -ENOSPC : 0;
out_skb:
	kfree_skb(skb);
out_sk:
	sk_free(sk);
out_ctx:
	kfree(ctx);
	return err;
}

const struct ebpf_prog_type ebpf_socket_filter_type = {
	.name = "socket_filter",
	.ctx_access = skb_ctx_access,
	.ctx_convert = skb_ctx_convert,
	.func_proto = skb_func_proto,
	.upstream_helpers = skb_upstream_helpers,
	.test_run = skb_test_run,
	.skb_loads = true,
};

/* ---- tracepoints: the raw event record ------------------------------ */

static bool tp_may_load(void)
{
	return perfmon_capable();
}

static u32 tp_ctx_access(int off, int size, enum bpf_access_type type)
{
	/*
	 * The first 8 bytes hold the pt_regs pointer of the perf glue.
	 * (int) keeps a negative @off negative in the comparison.
	 */
	if (type != BPF_READ || off < (int)sizeof(u64) ||
	    off >= PERF_MAX_TRACE_SIZE || off % size)
		return 0;
	return size;
}

static const struct bpf_func_proto *tp_func_proto(enum bpf_func_id id)
{
	const struct bpf_func_proto *fn = ebpf_trace_func_proto(id);

	if (fn)
		return fn;
	switch (id) {
	case BPF_FUNC_get_current_pid_tgid:
		return &ebpf_get_current_pid_tgid_proto;
	case BPF_FUNC_get_current_uid_gid:
		return &ebpf_get_current_uid_gid_proto;
	case BPF_FUNC_get_current_comm:
		return &ebpf_get_current_comm_proto;
	case BPF_FUNC_get_current_task:
		return &ebpf_get_current_task_proto;
	case BPF_FUNC_skb_load_bytes:
	case BPF_FUNC_skb_load_bytes_relative:
	case BPF_FUNC_get_socket_cookie:
	case BPF_FUNC_get_socket_uid:
		return NULL;
	default:
		return skb_func_proto(id);
	}
}

static const u8 tp_upstream_helpers[] = {
	UPSTREAM_BASE_HELPERS,
	BPF_FUNC_get_current_pid_tgid, BPF_FUNC_get_current_uid_gid,
	BPF_FUNC_get_current_comm, BPF_FUNC_perf_event_read,
	BPF_FUNC_current_task_under_cgroup, BPF_FUNC_probe_write_user,
	BPF_FUNC_probe_read, BPF_FUNC_probe_read_str,
	BPF_FUNC_get_current_cgroup_id,
	BPF_FUNC_get_current_ancestor_cgroup_id, BPF_FUNC_send_signal,
	BPF_FUNC_send_signal_thread, BPF_FUNC_perf_event_read_value,
	BPF_FUNC_get_ns_current_pid_tgid, BPF_FUNC_get_task_stack,
	BPF_FUNC_copy_from_user, BPF_FUNC_copy_from_user_task,
	BPF_FUNC_task_storage_get, BPF_FUNC_task_storage_delete,
	BPF_FUNC_get_func_ip, BPF_FUNC_get_branch_snapshot,
	BPF_FUNC_find_vma, BPF_FUNC_perf_event_output,
	BPF_FUNC_get_stackid, BPF_FUNC_get_stack,
	BPF_FUNC_get_attach_cookie,
	0
};

const struct ebpf_prog_type ebpf_tracepoint_type = {
	.name = "tracepoint",
	.may_load = tp_may_load,
	.ctx_access = tp_ctx_access,
	.func_proto = tp_func_proto,
	.upstream_helpers = tp_upstream_helpers,
};
