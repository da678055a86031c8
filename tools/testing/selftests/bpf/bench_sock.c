// SPDX-License-Identifier: GPL-2.0
/*
 * The cost a socket filter adds to each packet received: UDP datagrams
 * over loopback, sent and received by this process, with and without
 * counting programs attached. Prints "bench WORKLOAD NS ns" lines for
 * host/bench.sh, each the median of several rounds:
 *
 *  sock/udp_packet		ns per datagram, no filter anywhere
 *  sock/udp_packet_counted	the same, a counting program on the
 *				receiving socket
 *  sock/udp_packet_raw		the same, RAW_SOCKETS raw packet sockets on
 *				lo each running the counting program (which
 *				returns 0, so they queue nothing) on every
 *				datagram twice, out and in
 *  sock/filter_run		ns per program run: the extra time of
 *				sock/udp_packet_raw over the sock/udp_packet
 *				measured just before it, divided by the runs
 *
 * The JIT, where the kernel has one, is turned off while it runs: this
 * measures the interpreters.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "ebpf.h"
#include "bench.h"

#define ROUNDS		7
#define PACKETS		2000
/* enough runs per packet for the programs to outweigh the noise */
#define RAW_SOCKETS	32

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Counts every run in slot 0 of @map; returns @ret. */
static int load_counter(int map, uint32_t ret)
{
	struct bpf_insn insns[] = {
		MOV64(R6, R1),
		LDABS(BPF_B, ETH_HLEN + 9),	/* as a real filter would */
		ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 2), MOV64I(R1, 1),
		ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		MOV32I(R0, ret), EXIT(),
	};
	int fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				ARRAY_SIZE(insns), NULL, 0);

	if (fd < 0)
		die("BPF_PROG_LOAD");
	return fd;
}

/* ns per datagram sent from @tx and received on @rx */
static double udp_round(int tx, int rx)
{
	char buf[64] = { 0 };
	uint64_t t = now_ns();
	int i;

	for (i = 0; i < PACKETS; i++)
		if (send(tx, buf, sizeof(buf), 0) != sizeof(buf) ||
		    recv(rx, buf, sizeof(buf), 0) != sizeof(buf))
			die("udp");
	return (double)(now_ns() - t) / PACKETS;
}

static int raw_on_lo(int prog)
{
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex("lo"),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("raw socket");
	return fd;
}

int main(void)
{
	double plain[ROUNDS], counted[ROUNDS], raw[ROUNDS], run[ROUNDS];
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(a);
	int map, keep, drop, rx, tx, raws[RAW_SOCKETS], i, r;

	set_jit(0);
	map = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	if (map < 0)
		die("BPF_MAP_CREATE");
	keep = load_counter(map, -1);
	drop = load_counter(map, 0);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, len) ||
	    getsockname(rx, (struct sockaddr *)&a, &len) ||
	    connect(tx, (struct sockaddr *)&a, len))
		die("udp sockets");

	udp_round(tx, rx);	/* warm up */
	for (r = 0; r < ROUNDS; r++) {
		plain[r] = udp_round(tx, rx);
		for (i = 0; i < RAW_SOCKETS; i++)
			raws[i] = raw_on_lo(drop);
		raw[r] = udp_round(tx, rx);
		for (i = 0; i < RAW_SOCKETS; i++)
			close(raws[i]);
		run[r] = (raw[r] - plain[r]) / (2 * RAW_SOCKETS);
		if (setsockopt(rx, SOL_SOCKET, SO_ATTACH_BPF, &keep,
			       sizeof(keep)))
			die("SO_ATTACH_BPF");
		counted[r] = udp_round(tx, rx);
		if (setsockopt(rx, SOL_SOCKET, SO_DETACH_BPF, &r, sizeof(r)))
			die("SO_DETACH_BPF");
	}
	printf("bench sock/udp_packet %.1f ns\n", median(plain, ROUNDS));
	printf("bench sock/udp_packet_counted %.1f ns\n",
	       median(counted, ROUNDS));
	printf("bench sock/udp_packet_raw %.1f ns\n", median(raw, ROUNDS));
	printf("bench sock/filter_run %.1f ns\n", median(run, ROUNDS));
	return 0;
}
