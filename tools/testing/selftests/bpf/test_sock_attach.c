// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF programs attached to sockets with SO_ATTACH_BPF: what the socket
 * receives (everything, nothing, n bytes of each packet), replacing,
 * detaching and locking the filter, the reference the socket holds on
 * its program, the errnos of bad requests, classic filters alongside,
 * programs without privileges, packet loads (LD_ABS, LD_IND) on a raw
 * packet socket, and the socket helpers.
 *
 * The same binary runs on the reference kernel, upstream's, which
 * defines every result checked here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"
#include "unpriv.h"

#ifndef SO_COOKIE
#define SO_COOKIE	57
#endif

/* A UDP socket on 127.0.0.1 and another one connected to it. */
struct udp_pair {
	int rx, tx;
	uint16_t port;		/* of rx, network order */
};

static int udp_pair_open(struct udp_pair *p)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(a);

	p->rx = socket(AF_INET, SOCK_DGRAM, 0);
	p->tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (p->rx < 0 || p->tx < 0 ||
	    bind(p->rx, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(p->rx, (struct sockaddr *)&a, &len) ||
	    connect(p->tx, (struct sockaddr *)&a, sizeof(a))) {
		tap_fail("udp sockets: %s", strerror(errno));
		return -1;
	}
	p->port = a.sin_port;
	return 0;
}

static void udp_pair_close(struct udp_pair *p)
{
	close(p->rx);
	close(p->tx);
}

/* Send @n datagrams of @size bytes; false on a short send. */
static bool send_n(int fd, int n, size_t size)
{
	char buf[1500];

	memset(buf, 'x', sizeof(buf));
	while (n--)
		if (send(fd, buf, size, 0) != (ssize_t)size)
			return false;
	return true;
}

/*
 * Receive what arrives until nothing more does for @quiet_ms; how many
 * datagrams, with their lengths in @lens (up to 16).
 */
static int recv_all(int fd, int quiet_ms, ssize_t *lens)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[2048];
	int n = 0;

	while (poll(&pfd, 1, quiet_ms) == 1) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r < 0)
			break;
		if (lens && n < 16)
			lens[n] = r;
		n++;
	}
	return n;
}

static int attach_bpf(int sock, int prog)
{
	return setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog));
}

/* Every SOL_SOCKET option wants an int, even those that ignore it. */
static int detach(int sock)
{
	int unused = 0;

	return setsockopt(sock, SOL_SOCKET, SO_DETACH_BPF, &unused,
			  sizeof(unused));
}

static int lock_filter(int sock, int on)
{
	return setsockopt(sock, SOL_SOCKET, SO_LOCK_FILTER, &on, sizeof(on));
}

static char log_buf[1 << 16];

#define CB(i)	offsetof(struct __sk_buff, cb[i])

static int load(enum bpf_prog_type type, const struct bpf_insn *insns,
		uint32_t n)
{
	int fd;

	log_buf[0] = 0;
	fd = ebpf_prog_load(type, insns, n, log_buf, sizeof(log_buf));
	if (fd < 0)
		tap_fail("BPF_PROG_LOAD: %s\n%s", strerror(errno), log_buf);
	return fd;
}

#define LOAD(...) ({							\
	struct bpf_insn __i[] = { __VA_ARGS__ };			\
	load(BPF_PROG_TYPE_SOCKET_FILTER, __i, ARRAY_SIZE(__i));	\
})

/* A program that only returns @v. */
static int prog_ret(uint32_t v)
{
	return LOAD(MOV32I(R0, v), EXIT());
}

/* A counter: slot 0 of an array of u64 counts every run; returns @v. */
static int prog_count(int map, uint32_t v)
{
	return LOAD(ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		    LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		    JI(BPF_JEQ, R0, 0, 2), MOV64I(R1, 1),
		    ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		    MOV32I(R0, v), EXIT());
}

static int counter_map(void)
{
	return expect_ok(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0));
}

static uint64_t map_get(int map, uint32_t key)
{
	uint64_t v = ~0ULL;

	if (ebpf_map_lookup(map, &key, &v))
		tap_fail("lookup of %u: %s", key, strerror(errno));
	return v;
}

/* ---- what the socket receives --------------------------------------- */

static void counts_exactly_what_was_sent(void)
{
	int map = counter_map(), prog = prog_count(map, -1);
	struct udp_pair p;

	if (udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(p.rx, prog));
	expect(send_n(p.tx, 7, 100));
	expect_eq(recv_all(p.rx, 200, NULL), 7);
	expect_eq(map_get(map, 0), 7);
	udp_pair_close(&p);
	close(prog);
	close(map);
}

static void returning_0_drops_everything(void)
{
	int map = counter_map(), prog = prog_count(map, 0);
	struct udp_pair p;

	if (udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(p.rx, prog));
	/* the sender does not notice */
	expect(send_n(p.tx, 5, 100));
	expect_eq(recv_all(p.rx, 200, NULL), 0);
	expect_eq(map_get(map, 0), 5);
	udp_pair_close(&p);
	close(prog);
	close(map);
}

/*
 * A filter returns how many bytes of the packet to keep. An AF_UNIX
 * datagram is all payload; a UDP one still has its 8-byte header when
 * the filter runs, and is never cut into it.
 */
static void return_value_trims(void)
{
	static const struct { uint32_t ret; ssize_t unix_len, udp_len; } t[] = {
		{ 4, 4, 0 }, { 12, 12, 4 }, { 99, 99, 91 }, { 100, 100, 92 },
		{ 1000, 100, 100 }, { 0xffffffff, 100, 100 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		int prog = prog_ret(t[i].ret), sv[2];
		struct udp_pair p;
		ssize_t len[16];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || udp_pair_open(&p))
			return;
		expect_ok(attach_bpf(sv[1], prog));
		expect_ok(attach_bpf(p.rx, prog));
		expect(send_n(sv[0], 1, 100));
		expect(send_n(p.tx, 1, 100));
		if (recv_all(sv[1], 100, len) != 1 || len[0] != t[i].unix_len)
			tap_fail("AF_UNIX, filter returns %u: not one datagram of %zd",
				 t[i].ret, t[i].unix_len);
		if (recv_all(p.rx, 100, len) != 1 || len[0] != t[i].udp_len)
			tap_fail("UDP, filter returns %u: not one datagram of %zd",
				 t[i].ret, t[i].udp_len);
		close(sv[0]);
		close(sv[1]);
		udp_pair_close(&p);
		close(prog);
	}
}

/*
 * While the filter runs, an AF_UNIX datagram's skb->cb holds its
 * sender's credentials and passed fds, where __sk_buff's cb[] is: a
 * program that may write cb[], through a tail call too, runs with the
 * block saved and restored, or the receiver frees a pointer the
 * program wrote.
 */
static void tail_called_cb_writes_stay_in_the_program(void)
{
	static const uint32_t verdicts[] = { 0, 0xffffffff };
	uint32_t key = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verdicts); i++) {
		int array = expect_ok(ebpf_map_create(BPF_MAP_TYPE_PROG_ARRAY,
						      4, 4, 1, 0));
		int writer = LOAD(MOV32I(R2, 0x41414141),
				  STX(BPF_W, R1, CB(0), R2),
				  STX(BPF_W, R1, CB(1), R2),
				  STX(BPF_W, R1, CB(2), R2),
				  STX(BPF_W, R1, CB(3), R2),
				  STX(BPF_W, R1, CB(4), R2),
				  MOV32I(R0, verdicts[i]), EXIT());
		int entry = LOAD(LDMAP(R2, array), MOV64I(R3, 0),
				 CALL(BPF_FUNC_tail_call),
				 MOV32I(R0, 0), EXIT());
		int sv[2];

		if (array < 0 || writer < 0 || entry < 0 ||
		    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			return;
		expect_ok(ebpf_map_update(array, &key, &writer, 0));
		expect_ok(attach_bpf(sv[1], entry));
		expect(send_n(sv[0], 3, 100));
		expect_eq(recv_all(sv[1], 100, NULL), verdicts[i] ? 3 : 0);
		close(sv[0]);
		close(sv[1]);
		close(entry);
		close(writer);
		close(array);
	}
}

/* ---- attach, replace, detach, lock ---------------------------------- */

static void replace_and_detach(void)
{
	int map = counter_map(), drop = prog_count(map, 0);
	struct sock_filter accept_all[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff) };
	struct sock_fprog classic = { 1, accept_all };
	int keep = prog_ret(-1);
	struct udp_pair p;

	if (udp_pair_open(&p))
		return;
	/* nothing to detach yet */
	expect_errno(detach(p.rx), ENOENT);

	expect_ok(attach_bpf(p.rx, drop));
	expect(send_n(p.tx, 2, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 0);
	/* eBPF replaces eBPF */
	expect_ok(attach_bpf(p.rx, keep));
	expect(send_n(p.tx, 3, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 3);
	expect_eq(map_get(map, 0), 2);
	/* eBPF replaces classic, classic replaces eBPF */
	expect_ok(setsockopt(p.rx, SOL_SOCKET, SO_ATTACH_FILTER, &classic,
			     sizeof(classic)));
	expect_ok(attach_bpf(p.rx, drop));
	expect(send_n(p.tx, 1, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 0);
	expect_ok(setsockopt(p.rx, SOL_SOCKET, SO_ATTACH_FILTER, &classic,
			     sizeof(classic)));
	expect(send_n(p.tx, 1, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 1);
	expect_eq(map_get(map, 0), 3);

	/* SO_DETACH_BPF is SO_DETACH_FILTER: either removes either kind */
	expect_ok(attach_bpf(p.rx, drop));
	expect_ok(setsockopt(p.rx, SOL_SOCKET, SO_DETACH_FILTER, &(int){ 0 },
			     sizeof(int)));
	expect(send_n(p.tx, 4, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 4);
	expect_eq(map_get(map, 0), 4 - 1);
	expect_errno(detach(p.rx), ENOENT);
	udp_pair_close(&p);
	close(drop);
	close(keep);
	close(map);
}

static void locked_filter_stays(void)
{
	int map = counter_map(), prog = prog_count(map, -1), drop = prog_ret(0);
	struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog classic = { 1, none };
	socklen_t len = sizeof(int);
	struct udp_pair p;
	int on = 0;

	if (udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(p.rx, prog));
	expect_ok(lock_filter(p.rx, 1));
	expect_ok(getsockopt(p.rx, SOL_SOCKET, SO_LOCK_FILTER, &on, &len));
	expect_eq(on, 1);
	expect_errno(attach_bpf(p.rx, drop), EPERM);
	expect_errno(setsockopt(p.rx, SOL_SOCKET, SO_ATTACH_FILTER, &classic,
				sizeof(classic)), EPERM);
	expect_errno(detach(p.rx), EPERM);
	expect_errno(lock_filter(p.rx, 0), EPERM);
	/* locking again is allowed */
	expect_ok(lock_filter(p.rx, 1));
	expect(send_n(p.tx, 3, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 3);
	expect_eq(map_get(map, 0), 3);
	udp_pair_close(&p);

	/* a lock on a socket without a filter keeps it without one */
	if (udp_pair_open(&p))
		return;
	expect_ok(lock_filter(p.rx, 1));
	expect_errno(attach_bpf(p.rx, prog), EPERM);
	expect_errno(detach(p.rx), EPERM);
	udp_pair_close(&p);
	close(prog);
	close(drop);
	close(map);
}

static void bad_requests(void)
{
	struct bpf_insn tp[] = { MOV64I(R0, 0), EXIT() };
	int map = counter_map(), sock = socket(AF_INET, SOCK_DGRAM, 0);
	int prog = prog_ret(-1), fd, tp_fd;
	uint64_t big = prog;

	/* a closed fd, a map, a file that is no program */
	fd = dup(prog);
	close(fd);
	expect_errno(attach_bpf(sock, fd), EBADF);
	expect_errno(attach_bpf(sock, map), EINVAL);
	fd = open("/proc/self/stat", O_RDONLY);
	expect_errno(attach_bpf(sock, fd), EINVAL);
	close(fd);
	expect_errno(attach_bpf(sock, -1), EBADF);
	/* the fd is a u32, no more, no less */
	expect_errno(setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &big,
				sizeof(big)), EINVAL);
	expect_errno(setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &big, 2),
		     EINVAL);
	expect_errno(setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, NULL, 4),
		     EFAULT);
	/* a program of another type */
	tp_fd = ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, tp, 2, NULL, 0);
	if (tp_fd >= 0) {
		expect_errno(attach_bpf(sock, tp_fd), EINVAL);
		close(tp_fd);
	}
	/* nothing was attached by any of these */
	expect_errno(detach(sock), ENOENT);
	/* an eBPF filter has no classic code to give back */
	expect_ok(attach_bpf(sock, prog));
	expect_errno(getsockopt(sock, SOL_SOCKET, SO_GET_FILTER, NULL,
				&(socklen_t){ 0 }), EACCES);
	close(sock);
	close(prog);
	close(map);
	if (tp_fd < 0)
		tap_skip("no tracepoint programs to refuse");
}

/* ---- references ----------------------------------------------------- */

static uint32_t fdinfo_prog_id(int fd)
{
	char path[64], line[128];
	uint32_t id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "prog_id: %u", &id) == 1)
			break;
	fclose(f);
	return id;
}

static int prog_fd_by_id(uint32_t id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
}

static bool prog_alive(uint32_t id)
{
	int fd = prog_fd_by_id(id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Whether the program @id is gone within a second (frees are deferred). */
static bool prog_gone(uint32_t id)
{
	int i, fd;

	for (i = 0; i < 100; i++) {
		fd = prog_fd_by_id(id);
		if (fd < 0)
			return errno == ENOENT;
		close(fd);
		usleep(10000);
	}
	return false;
}

static void socket_holds_the_program(void)
{
	int map = counter_map(), prog = prog_count(map, -1), fd;
	uint32_t id = fdinfo_prog_id(prog);
	struct udp_pair p;

	if (!id) {
		tap_fail("fdinfo shows no id");
		return;
	}
	if (udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(p.rx, prog));
	close(prog);
	/* still there, and still running */
	fd = expect_ok(prog_fd_by_id(id));
	if (fd >= 0) {
		expect_eq(fdinfo_prog_id(fd), id);
		close(fd);
	}
	expect(send_n(p.tx, 3, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 3);
	expect_eq(map_get(map, 0), 3);

	/* closing the socket lets it go */
	udp_pair_close(&p);
	expect(prog_gone(id));
	/* ... and with it the program's reference on the map */
	close(map);
}

static void detach_and_replace_let_go(void)
{
	int a = prog_ret(-1), b = prog_ret(-1);
	uint32_t ida = fdinfo_prog_id(a), idb = fdinfo_prog_id(b);
	int sock = socket(AF_INET, SOCK_DGRAM, 0);

	expect_ok(attach_bpf(sock, a));
	close(a);
	expect_ok(attach_bpf(sock, b));
	close(b);
	expect(prog_gone(ida));
	expect(prog_alive(idb));
	expect_ok(detach(sock));
	expect(prog_gone(idb));
	close(sock);
}

static void id_lookup_rules(void)
{
	union bpf_attr attr;

	expect_errno(prog_fd_by_id(0), ENOENT);
	expect_errno(prog_fd_by_id(0x7ffffff0), ENOENT);
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = 1;
	attr.next_id = 1;
	expect_errno(sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr)),
		     EINVAL);
}

static void two_sockets_one_program(void)
{
	int map = counter_map(), prog = prog_count(map, -1);
	struct udp_pair p, q;

	if (udp_pair_open(&p) || udp_pair_open(&q))
		return;
	expect_ok(attach_bpf(p.rx, prog));
	expect_ok(attach_bpf(q.rx, prog));
	close(prog);
	expect(send_n(p.tx, 3, 10));
	expect(send_n(q.tx, 5, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 3);
	expect_eq(recv_all(q.rx, 100, NULL), 5);
	expect_eq(map_get(map, 0), 8);
	/* one goes, the other keeps counting */
	udp_pair_close(&p);
	expect(send_n(q.tx, 2, 10));
	expect_eq(recv_all(q.rx, 100, NULL), 2);
	expect_eq(map_get(map, 0), 10);
	udp_pair_close(&q);
	close(map);
}

static void classic_filters_still_work(void)
{
	/* keep UDP datagrams of exactly 8 + 3 bytes, 8 + 2 of them */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 11, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 10),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog classic = { ARRAY_SIZE(code), code };
	struct sock_filter back[ARRAY_SIZE(code)];
	socklen_t n = ARRAY_SIZE(back);
	struct udp_pair p;
	ssize_t len[16];

	if (udp_pair_open(&p))
		return;
	expect_ok(setsockopt(p.rx, SOL_SOCKET, SO_ATTACH_FILTER, &classic,
			     sizeof(classic)));
	expect(send_n(p.tx, 1, 3));
	expect(send_n(p.tx, 1, 4));
	expect(send_n(p.tx, 1, 3));
	expect_eq(recv_all(p.rx, 100, len), 2);
	expect_eq(len[0], 2);
	expect_eq(len[1], 2);
	/* the length is in instructions, not bytes */
	expect_ok(getsockopt(p.rx, SOL_SOCKET, SO_GET_FILTER, back, &n));
	expect_eq(n, ARRAY_SIZE(code));
	expect(!memcmp(back, code, sizeof(code)));
	udp_pair_close(&p);
}

/*
 * Without privileges, a program may be loaded where the sysctl allows
 * it and attached to one's own sockets, always.
 */
static void unprivileged_attach(void)
{
	int status = 0;
	pid_t pid;

	if (!unpriv_bpf_allow()) {
		tap_skip("unprivileged bpf(2) is locked off");
		return;
	}
	pid = fork();
	if (!pid) {
		int map, prog;
		struct udp_pair p;

		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		map = counter_map();
		prog = prog_count(map, -1);
		if (map < 0 || prog < 0)
			_exit(11);
		if (udp_pair_open(&p) || attach_bpf(p.rx, prog))
			_exit(12);
		if (!send_n(p.tx, 4, 10) || recv_all(p.rx, 100, NULL) != 4)
			_exit(13);
		_exit(map_get(map, 0) == 4 ? 0 : 14);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_fail("unprivileged child: status %#x", status);
}

/* ---- packet loads on a raw packet socket ----------------------------- */

static int packet_socket_on_lo(void)
{
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex("lo"),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		tap_fail("packet socket on lo: %s", strerror(errno));
		return -1;
	}
	return fd;
}

/*
 * Count, per UDP destination port, the IPv4 packets lo receives (each
 * also passes the socket once on its way out: those are skipped). The
 * port sits past an IP header of variable length: LD_IND.
 */
static int prog_port_counter(int map)
{
	return LOAD(MOV64(R6, R1),
		    LDX(BPF_W, R0, R6, offsetof(struct __sk_buff, pkt_type)),
		    JI(BPF_JEQ, R0, PACKET_OUTGOING, 18),
		    LDX(BPF_W, R0, R6, offsetof(struct __sk_buff, protocol)),
		    JI(BPF_JNE, R0, htons(ETH_P_IP), 16),
		    LDABS(BPF_B, ETH_HLEN + 9),
		    JI(BPF_JNE, R0, IPPROTO_UDP, 14),
		    LDABS(BPF_B, ETH_HLEN),
		    A32I(BPF_AND, R0, 0xf), A32I(BPF_LSH, R0, 2),
		    MOV64(R7, R0),
		    LDIND(BPF_H, R7, ETH_HLEN + 2),	/* udp->dest */
		    STX(BPF_W, R10, -4, R0),
		    MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		    LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		    JI(BPF_JEQ, R0, 0, 2), MOV64I(R1, 1),
		    ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		    MOV64I(R0, 0), EXIT());
}

static void packet_loads_on_a_raw_socket(void)
{
	int map = expect_ok(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 65536, 0));
	int prog = prog_port_counter(map), raw = packet_socket_on_lo();
	struct udp_pair p, q;
	uint32_t port;
	uint64_t n;

	if (raw < 0 || prog < 0 || udp_pair_open(&p) || udp_pair_open(&q))
		return;
	expect_ok(attach_bpf(raw, prog));
	expect(send_n(p.tx, 6, 50));
	expect(send_n(q.tx, 2, 1000));
	expect_eq(recv_all(p.rx, 200, NULL), 6);
	expect_eq(recv_all(q.rx, 200, NULL), 2);
	/* the filter returns 0: the raw socket itself got nothing */
	expect_eq(recv_all(raw, 50, NULL), 0);
	port = ntohs(p.port);
	expect_ok(ebpf_map_lookup(map, &port, &n));
	expect_eq(n, 6);
	port = ntohs(q.port);
	expect_ok(ebpf_map_lookup(map, &port, &n));
	expect_eq(n, 2);
	close(raw);
	udp_pair_close(&p);
	udp_pair_close(&q);
	close(prog);
	close(map);
}

/* An out-of-packet load ends the program with 0: the packet is dropped. */
static void packet_load_past_the_end_drops(void)
{
	int prog = LOAD(MOV64(R6, R1), LDABS(BPF_B, 1400), MOV32I(R0, -1),
			EXIT());
	int raw = packet_socket_on_lo();
	struct udp_pair p;

	if (raw < 0 || prog < 0 || udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(raw, prog));
	expect(send_n(p.tx, 1, 10));
	expect(send_n(p.tx, 1, 1400));
	expect_eq(recv_all(p.rx, 200, NULL), 2);
	/* only the large datagram, out and in, reaches the raw socket */
	expect_eq(recv_all(raw, 100, NULL), 2);
	close(raw);
	udp_pair_close(&p);
	close(prog);
}

/* ---- socket helpers ------------------------------------------------- */

/* Store cookie and uid of the packet's socket in slots 0 and 1; keep it. */
static int prog_cookie_uid(int map)
{
	return LOAD(MOV64(R6, R1),
		    CALL(BPF_FUNC_get_socket_cookie), MOV64(R7, R0),
		    MOV64(R1, R6), CALL(BPF_FUNC_get_socket_uid),
		    MOV64(R8, R0),
		    ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		    LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		    JI(BPF_JEQ, R0, 0, 1), STX(BPF_DW, R0, 0, R7),
		    ST(BPF_W, R10, -4, 1), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		    LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		    JI(BPF_JEQ, R0, 0, 1), STX(BPF_DW, R0, 0, R8),
		    MOV32I(R0, -1), EXIT());
}

/*
 * While a socket's filter runs, the packet belongs to that socket: the
 * helpers tell the cookie and the owner of the socket the filter guards.
 */
static void socket_cookie_and_uid_of_the_socket(int type)
{
	int map = counter_map(), prog = prog_cookie_uid(map), sv[2];
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie = 0;
	struct udp_pair p;
	int rx, tx;

	/* a socket's uid is its creator's fsuid */
	setfsuid(4321);
	if (type == AF_UNIX) {
		rx = socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
		tx = sv[0];
		rx = rx ?: sv[1];
	} else {
		rx = udp_pair_open(&p);
		tx = p.tx;
		rx = rx ?: p.rx;
	}
	setfsuid(0);
	if (prog < 0 || rx < 0)
		return;
	expect_ok(attach_bpf(rx, prog));
	expect(send_n(tx, 1, 10));
	expect_eq(recv_all(rx, 100, NULL), 1);
	expect_ok(getsockopt(rx, SOL_SOCKET, SO_COOKIE, &cookie, &len));
	expect(cookie != 0);
	expect_eq(map_get(map, 0), cookie);
	expect_eq(map_get(map, 1), 4321);
	close(tx);
	close(rx);
	close(prog);
	close(map);
}

static void socket_cookie_and_uid_on_udp(void)
{
	socket_cookie_and_uid_of_the_socket(AF_INET);
}

static void socket_cookie_and_uid_on_af_unix(void)
{
	socket_cookie_and_uid_of_the_socket(AF_UNIX);
}

/*
 * A packet socket runs its filter on the packet as it is: on lo, on its
 * way in or out, it belongs to no socket.
 */
static void socket_cookie_and_uid_of_no_socket(void)
{
	int map = counter_map(), prog = prog_cookie_uid(map);
	int raw = packet_socket_on_lo();
	struct udp_pair p;

	if (prog < 0 || raw < 0 || udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(raw, prog));
	expect(send_n(p.tx, 1, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 1);
	expect_eq(recv_all(raw, 100, NULL), 2);
	expect_eq(map_get(map, 0), 0);
	expect_eq(map_get(map, 1), 65534);	/* the overflow uid */
	udp_pair_close(&p);
	close(raw);
	close(prog);
	close(map);
}

/* A test run's packet belongs to a socket of root's, with a cookie. */
static void socket_cookie_and_uid_on_a_test_run(void)
{
	int cookie = LOAD(CALL(BPF_FUNC_get_socket_cookie),
			  JI(BPF_JNE, R0, 0, 2), MOV64I(R0, 7), EXIT(),
			  MOV64I(R0, 9), EXIT());
	int uid = LOAD(CALL(BPF_FUNC_get_socket_uid), EXIT());
	uint8_t pkt[64] = { 0 };
	uint32_t ret = 0;

	expect_ok(ebpf_prog_test_run(cookie, pkt, sizeof(pkt), &ret, NULL, 1));
	expect_eq(ret, 9);
	ret = 1;
	expect_ok(ebpf_prog_test_run(uid, pkt, sizeof(pkt), &ret, NULL, 1));
	expect_eq(ret, 0);
	/* an IPv4 packet must have its header */
	pkt[12] = 0x08;
	expect_errno(ebpf_prog_test_run(uid, pkt, ETH_HLEN + 19, &ret, NULL, 1),
		     EINVAL);
	expect_ok(ebpf_prog_test_run(uid, pkt, ETH_HLEN + 20, &ret, NULL, 1));
	close(cookie);
	close(uid);
}

/*
 * skb_load_bytes_relative(skb, off, to, len, start): 2 bytes at @off of
 * the header @start in r0, or the helper's error.
 */
static int prog_relative(int off, int start, int len)
{
	return LOAD(ST(BPF_DW, R10, -8, -1),
		    MOV64I(R2, off), MOV64(R3, R10), A64I(BPF_ADD, R3, -8),
		    MOV64I(R4, len), MOV64I(R5, start),
		    CALL(BPF_FUNC_skb_load_bytes_relative),
		    JI(BPF_JNE, R0, 0, 2),
		    LDX(BPF_H, R0, R10, -8), EXIT(),
		    /* failed: r0 is the error; the 2 bytes must be zeroed */
		    LDX(BPF_H, R1, R10, -8),
		    JI(BPF_JEQ, R1, 0, 1), MOV64I(R0, 1), EXIT());
}

static uint32_t run_relative(int off, int start, int len, const void *pkt,
			     uint32_t size)
{
	int prog = prog_relative(off, start, len);
	uint32_t ret = 0xdead;

	if (prog >= 0 && ebpf_prog_test_run(prog, pkt, size, &ret, NULL, 1))
		tap_fail("test run: %s", strerror(errno));
	close(prog);
	return ret;
}

/* On a test run the link-layer header starts the data, then the IP one. */
static void load_bytes_relative(void)
{
	uint8_t pkt[64] = { [12] = 0x08, [13] = 0x00, [14] = 0x45, [15] = 7,
			    [23] = IPPROTO_UDP, [62] = 0xaa, [63] = 0xbb };

	expect_eq(run_relative(12, BPF_HDR_START_MAC, 2, pkt, 64), 0x0008);
	expect_eq(run_relative(0, BPF_HDR_START_NET, 2, pkt, 64), 0x0745);
	expect_eq(run_relative(8, BPF_HDR_START_NET, 2, pkt, 64), 0x1100);
	expect_eq(run_relative(48, BPF_HDR_START_NET, 2, pkt, 64), 0xbbaa);
	/* past the end, a header that does not exist, a huge offset */
	expect_eq(run_relative(49, BPF_HDR_START_NET, 2, pkt, 64), (uint32_t)-EFAULT);
	expect_eq(run_relative(63, BPF_HDR_START_MAC, 2, pkt, 64), (uint32_t)-EFAULT);
	expect_eq(run_relative(0, 2, 2, pkt, 64), (uint32_t)-EFAULT);
	expect_eq(run_relative(0x10000, BPF_HDR_START_MAC, 2, pkt, 64),
		  (uint32_t)-EFAULT);
	expect_eq(run_relative(-1, BPF_HDR_START_NET, 2, pkt, 64), (uint32_t)-EFAULT);
}

/* The real thing: a UDP socket's filter runs with data past the header. */
static void load_bytes_relative_on_udp(void)
{
	int map = counter_map(), prog;
	struct udp_pair p;

	/* slot 0 = the IP protocol byte, read relative to the network header */
	prog = LOAD(MOV64I(R2, 9), MOV64(R3, R10), A64I(BPF_ADD, R3, -16),
		    MOV64I(R4, 1), MOV64I(R5, BPF_HDR_START_NET),
		    CALL(BPF_FUNC_skb_load_bytes_relative),
		    JI(BPF_JNE, R0, 0, 9),
		    LDX(BPF_B, R6, R10, -16),
		    ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		    LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		    JI(BPF_JEQ, R0, 0, 1), STX(BPF_DW, R0, 0, R6),
		    MOV32I(R0, -1), EXIT());
	if (prog < 0 || udp_pair_open(&p))
		return;
	expect_ok(attach_bpf(p.rx, prog));
	expect(send_n(p.tx, 1, 10));
	expect_eq(recv_all(p.rx, 100, NULL), 1);
	expect_eq(map_get(map, 0), IPPROTO_UDP);
	udp_pair_close(&p);
	close(prog);
	close(map);
}

static const struct tap_case cases[] = {
	TAP_CASE(counts_exactly_what_was_sent),
	TAP_CASE(returning_0_drops_everything),
	TAP_CASE(return_value_trims),
	TAP_CASE(tail_called_cb_writes_stay_in_the_program),
	TAP_CASE(replace_and_detach),
	TAP_CASE(locked_filter_stays),
	TAP_CASE(bad_requests),
	TAP_CASE(socket_holds_the_program),
	TAP_CASE(detach_and_replace_let_go),
	TAP_CASE(id_lookup_rules),
	TAP_CASE(two_sockets_one_program),
	TAP_CASE(classic_filters_still_work),
	TAP_CASE(unprivileged_attach),
	TAP_CASE(packet_loads_on_a_raw_socket),
	TAP_CASE(packet_load_past_the_end_drops),
	TAP_CASE(socket_cookie_and_uid_on_udp),
	TAP_CASE(socket_cookie_and_uid_on_af_unix),
	TAP_CASE(socket_cookie_and_uid_of_no_socket),
	TAP_CASE(socket_cookie_and_uid_on_a_test_run),
	TAP_CASE(load_bytes_relative),
	TAP_CASE(load_bytes_relative_on_udp),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
