// SPDX-License-Identifier: GPL-2.0
/*
 * Stateful packet inspection with a socket filter: a program attached
 * to a raw AF_PACKET socket on lo reads each packet's IP protocol with
 * BPF_LD_ABS and counts packets and bytes per protocol in an array map,
 * while this process makes TCP, UDP and ICMP traffic over loopback and
 * prints the map as a table every second.
 *
 * Each packet sent over lo passes a packet socket twice, on its way out
 * and on its way back in; the program counts only the second. At the
 * end the counts are checked against what was sent: UDP and ICMP
 * exactly, TCP against the segments the kernel says it sent, and all
 * bytes against the IP bytes it says it sent. The exit status tells.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ebpf.h"

#define ROUNDS		3
#define UDP_PER_ROUND	5

struct counts {
	__u64 packets;
	__u64 bytes;
};

static const struct {
	int proto;
	const char *name;
} protos[] = {
	{ IPPROTO_TCP, "TCP" }, { IPPROTO_UDP, "UDP" }, { IPPROTO_ICMP, "ICMP" },
};

static int load_counter(int map)
{
	struct bpf_insn prog[] = {
		MOV64(R6, R1),			/* LD_ABS wants the skb in R6 */
		LDX(BPF_W, R0, R6, offsetof(struct __sk_buff, pkt_type)),
		JI(BPF_JEQ, R0, PACKET_OUTGOING, 14),
		LDX(BPF_W, R0, R6, offsetof(struct __sk_buff, protocol)),
		JI(BPF_JNE, R0, htons(ETH_P_IP), 12),
		/* r0 = ip->protocol */
		LDABS(BPF_B, ETH_HLEN + offsetof(struct iphdr, protocol)),
		STX(BPF_W, R10, -4, R0),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		LDMAP(R1, map),
		CALL(BPF_FUNC_map_lookup_elem),	/* r0 = &counts[proto] */
		JI(BPF_JEQ, R0, 0, 4),
		MOV64I(R1, 1),
		ATOMIC(BPF_DW, BPF_ADD, R0, offsetof(struct counts, packets), R1),
		LDX(BPF_W, R1, R6, offsetof(struct __sk_buff, len)),
		ATOMIC(BPF_DW, BPF_ADD, R0, offsetof(struct counts, bytes), R1),
		MOV64I(R0, 0),			/* the socket keeps nothing */
		EXIT(),
	};
	static char log[65536];
	int fd;

	fd = ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, prog,
			    ARRAY_SIZE(prog), log, sizeof(log));
	if (fd < 0)
		printf("BPF_PROG_LOAD: %s\n%s", strerror(errno), log);
	return fd;
}

static int packet_socket_on_lo(void)
{
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex("lo"),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		printf("packet socket on lo: %s\n", strerror(errno));
		return -1;
	}
	return fd;
}

/* What this process sent, at the IP level. */
struct sent {
	__u64 udp, udp_bytes, pings, icmp_bytes, tcp_conns, tcp_payload;
};

/* 127.0.0.1, any port */
static const struct sockaddr_in loopback = {
	.sin_family = AF_INET,
	.sin_addr.s_addr = __constant_htonl(INADDR_LOOPBACK),
};

static int send_udp(int n, size_t size, struct sent *s)
{
	struct sockaddr_in a = loopback;
	socklen_t len = sizeof(a);
	int rx = socket(AF_INET, SOCK_DGRAM, 0);
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[1400] = { 0 };
	int err = -1;

	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, len) ||
	    getsockname(rx, (struct sockaddr *)&a, &len) ||
	    connect(tx, (struct sockaddr *)&a, len))
		goto out;
	while (n--) {
		if (send(tx, buf, size, 0) != (ssize_t)size ||
		    recv(rx, buf, sizeof(buf), 0) != (ssize_t)size)
			goto out;
		s->udp++;
		s->udp_bytes += sizeof(struct iphdr) + 8 + size;
	}
	err = 0;
out:
	close(rx);
	close(tx);
	return err;
}

/* One connection that carries @size bytes, opened and closed. */
static int send_tcp(size_t size, struct sent *s)
{
	struct sockaddr_in a = loopback;
	socklen_t len = sizeof(a);
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	int cli = socket(AF_INET, SOCK_STREAM, 0), conn = -1;
	static char buf[16384];
	size_t got = 0;
	ssize_t r;
	int err = -1;

	if (srv < 0 || cli < 0 || bind(srv, (struct sockaddr *)&a, len) ||
	    getsockname(srv, (struct sockaddr *)&a, &len) || listen(srv, 1) ||
	    connect(cli, (struct sockaddr *)&a, len))
		goto out;
	conn = accept(srv, NULL, NULL);
	if (conn < 0 || send(cli, buf, size, 0) != (ssize_t)size)
		goto out;
	while (got < size && (r = recv(conn, buf, sizeof(buf), 0)) > 0)
		got += r;
	if (got != size)
		goto out;
	s->tcp_conns++;
	s->tcp_payload += size;
	err = 0;
out:
	close(cli);
	close(conn);
	close(srv);
	return err;
}

/* busybox ping: one echo request of @size bytes of data, one reply. */
static int send_ping(int size, struct sent *s)
{
	char sz[16];
	int status;
	pid_t pid;

	snprintf(sz, sizeof(sz), "%d", size);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execlp("ping", "ping", "-c", "1", "-s", sz, "127.0.0.1", NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	s->pings++;
	s->icmp_bytes += 2 * (sizeof(struct iphdr) + 8 + size);
	return 0;
}

/*
 * A counter of /proc/net/snmp or /proc/net/netstat: the line "@group:"
 * of names, then the one of values.
 */
static long long kernel_stat(const char *file, const char *group,
			     const char *name)
{
	static const char seps[] = { ' ', '\n', 0 };
	char names[4096], values[4096], *n, *v, *sn, *sv;
	size_t glen = strlen(group);
	long long result = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, group, glen) || names[glen] != ':' ||
		    !fgets(values, sizeof(values), f))
			continue;
		n = strtok_r(names, seps, &sn);
		v = strtok_r(values, seps, &sv);
		while (n && v) {
			if (!strcmp(n, name))
				result = atoll(v);
			n = strtok_r(NULL, seps, &sn);
			v = strtok_r(NULL, seps, &sv);
		}
		break;
	}
	fclose(f);
	return result;
}

static void read_counts(int map, struct counts *c)
{
	unsigned int i;
	__u32 key;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		key = protos[i].proto;
		memset(&c[i], 0, sizeof(c[i]));
		ebpf_map_lookup(map, &key, &c[i]);
	}
}

static void sleep_until(const struct timespec *t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

static bool check(const char *what, unsigned long long got,
		  unsigned long long want)
{
	printf("  %-48s %6llu %s %llu\n", what, got,
	       got == want ? "==" : "!= expected", want);
	return got == want;
}

int main(void)
{
	long long segs0, octets0, segs, octets;
	struct counts c[ARRAY_SIZE(protos)];
	struct sent s = { 0 };
	struct timespec t;
	int map, prog, sock, round;
	unsigned long long all_bytes = 0, all_packets = 0;
	unsigned int i;
	bool ok = true;

	setvbuf(stdout, NULL, _IOLBF, 0);
	map = ebpf_map_create(BPF_MAP_TYPE_ARRAY, sizeof(__u32),
			      sizeof(struct counts), 256, 0);
	if (map < 0) {
		printf("BPF_MAP_CREATE: %s\n", strerror(errno));
		return 1;
	}
	prog = load_counter(map);
	sock = packet_socket_on_lo();
	if (prog < 0 || sock < 0)
		return 1;
	segs0 = kernel_stat("/proc/net/snmp", "Tcp", "OutSegs");
	octets0 = kernel_stat("/proc/net/netstat", "IpExt", "OutOctets");
	if (setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog))) {
		printf("SO_ATTACH_BPF: %s\n", strerror(errno));
		return 1;
	}
	/* The socket holds the program now; the map is read through @map. */
	close(prog);

	printf("Counting what lo receives, per IP protocol: a socket filter on\n"
	       "a raw packet socket reads ip->protocol with BPF_LD_ABS and adds\n"
	       "to packets and bytes (Ethernet header included) in a map.\n\n");
	printf("  %6s  %-5s %8s %9s\n", "second", "proto", "packets", "bytes");
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (round = 1; round <= ROUNDS; round++) {
		if (send_udp(UDP_PER_ROUND, 100 * round, &s) ||
		    send_tcp(1000 * round, &s) || send_ping(50 + round, &s)) {
			printf("sending over loopback failed: %s\n",
			       strerror(errno));
			return 1;
		}
		t.tv_sec++;
		sleep_until(&t);
		read_counts(map, c);
		for (i = 0; i < ARRAY_SIZE(protos); i++) {
			if (i)
				printf("  %6s", "");
			else
				printf("  %6d", round);
			printf("  %-5s %8llu %9llu\n", protos[i].name,
			       (unsigned long long)c[i].packets,
			       (unsigned long long)c[i].bytes);
		}
	}
	close(sock);

	segs = kernel_stat("/proc/net/snmp", "Tcp", "OutSegs") - segs0;
	octets = kernel_stat("/proc/net/netstat", "IpExt", "OutOctets") - octets0;
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		all_packets += c[i].packets;
		all_bytes += c[i].bytes;
	}
	printf("\nSent: %llu UDP datagrams, %llu TCP connections carrying %llu bytes,\n"
	       "%llu pings (busybox ping, one echo request and reply each).\n",
	       s.udp, s.tcp_conns, s.tcp_payload, s.pings);
	printf("Counted by the program, against what was sent:\n");
	ok &= check("UDP packets = datagrams sent", c[1].packets, s.udp);
	ok &= check("UDP bytes = their frames", c[1].bytes,
		    s.udp_bytes + ETH_HLEN * s.udp);
	ok &= check("ICMP packets = requests and replies", c[2].packets,
		    2 * s.pings);
	ok &= check("ICMP bytes = their frames", c[2].bytes,
		    s.icmp_bytes + ETH_HLEN * 2 * s.pings);
	ok &= check("TCP packets = segments sent (Tcp OutSegs)", c[0].packets,
		    segs);
	ok &= check("all bytes = IP bytes sent (OutOctets) + headers",
		    all_bytes, octets + ETH_HLEN * all_packets);
	printf("%s\n", ok ? "All counts match." : "COUNTS DO NOT MATCH.");
	return ok ? 0 : 2;
}
