// SPDX-License-Identifier: GPL-2.0
/*
 * sockex2: a flow dissector in C on a socket. Loads sockex2_kern.o with
 * libbpf, attaches its program to a packet socket on lo, and, while it
 * makes UDP and TCP traffic over loopback (IPv6 too if the kernel has
 * it), prints the table of flows the program found after each round.
 * Then bpftool shows the program, its instructions and the map. Exits
 * 0 only if the UDP flow it made has exactly the packets and bytes it
 * sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define OBJ		"/bpf/sockex2_kern.o"
#define ROUNDS		3
#define PER_ROUND	4
#define SIZE		200

struct flow {
	__u32 src[4], dst[4];
	__u16 sport, dport;
	__u8 proto, ipv6;
	__u16 pad;
};

struct flow_stats {
	__u64 packets, bytes;
};

static int packet_socket_on_lo(void)
{
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex("lo"),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

/* A connected pair of @type sockets of family @af over loopback. */
static int pair(int af, int type, int *tx, int *rx)
{
	struct sockaddr_storage a = { .ss_family = af };
	socklen_t len = af == AF_INET ? sizeof(struct sockaddr_in) :
					sizeof(struct sockaddr_in6);
	int srv;

	if (af == AF_INET)
		((struct sockaddr_in *)&a)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&a)->sin6_addr = in6addr_loopback;
	srv = socket(af, type, 0);
	*tx = socket(af, type, 0);
	if (srv < 0 || *tx < 0 || bind(srv, (struct sockaddr *)&a, len) ||
	    getsockname(srv, (struct sockaddr *)&a, &len) ||
	    (type == SOCK_STREAM && listen(srv, 1)) ||
	    connect(*tx, (struct sockaddr *)&a, len))
		return -1;
	*rx = type == SOCK_STREAM ? accept(srv, NULL, NULL) : srv;
	if (type == SOCK_STREAM)
		close(srv);
	return *rx < 0 ? -1 : 0;
}

/* @n messages of SIZE bytes from @tx to @rx. */
static int exchange(int tx, int rx, int n)
{
	char buf[SIZE] = { 0 };
	ssize_t got;
	int left;

	while (n--) {
		if (send(tx, buf, SIZE, 0) != SIZE)
			return -1;
		for (left = SIZE; left > 0; left -= got) {
			got = recv(rx, buf, left, 0);
			if (got <= 0)
				return -1;
		}
	}
	return 0;
}

static void print_flows(int map)
{
	struct flow key, next, *prev = NULL;
	struct flow_stats s;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	printf("  %-5s %-30s %-30s %7s %8s\n", "proto", "from", "to",
	       "packets", "bytes");
	while (!bpf_map_get_next_key(map, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(map, &key, &s))
			continue;
		inet_ntop(key.ipv6 ? AF_INET6 : AF_INET, key.src, src,
			  sizeof(src));
		inet_ntop(key.ipv6 ? AF_INET6 : AF_INET, key.dst, dst,
			  sizeof(dst));
		printf("  %-5s %24s:%-5u %24s:%-5u %7llu %8llu\n",
		       key.proto == IPPROTO_TCP ? "TCP" :
		       key.proto == IPPROTO_UDP ? "UDP" :
		       key.proto == IPPROTO_ICMP ? "ICMP" : "other",
		       src, key.sport, dst, key.dport,
		       (unsigned long long)s.packets,
		       (unsigned long long)s.bytes);
	}
}

/* What bpftool (on PATH) shows of the program and its map, loaded. */
static void show_with_bpftool(int prog_fd, int map_fd)
{
	struct bpf_prog_info prog = {};
	struct bpf_map_info map = {};
	__u32 len = sizeof(prog);
	static const char * const what[] = { "prog show id %u",
					     "prog dump xlated id %u",
					     "map dump id %u" };
	char cmd[64];
	int i;

	if (bpf_obj_get_info_by_fd(prog_fd, &prog, &len))
		return;
	len = sizeof(map);
	if (bpf_obj_get_info_by_fd(map_fd, &map, &len))
		return;
	for (i = 0; i < 3; i++) {
		memcpy(cmd, "bpftool ", 8);
		snprintf(cmd + 8, sizeof(cmd) - 8, what[i],
			 i < 2 ? prog.id : map.id);
		printf("\n$ %s\n", cmd);
		if (system(cmd))
			printf("(%s failed)\n", cmd);
	}
}

/* The flow of the IPv4 datagrams from @tx's port to @rx's. */
static void udp_flow(int tx, int rx, struct flow *f)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(f, 0, sizeof(*f));
	f->proto = IPPROTO_UDP;
	f->src[0] = htonl(INADDR_LOOPBACK);
	f->dst[0] = f->src[0];
	getsockname(tx, (struct sockaddr *)&a, &len);
	f->sport = ntohs(a.sin_port);
	len = sizeof(a);
	getsockname(rx, (struct sockaddr *)&a, &len);
	f->dport = ntohs(a.sin_port);
}

int main(void)
{
	int map, fd, sock, round, utx, urx, ttx, trx, tx6 = -1, rx6 = -1;
	struct flow_stats got = { 0 }, want = { 0 };
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct flow udp;

	setvbuf(stdout, NULL, _IOLBF, 0);
	obj = bpf_object__open_file(OBJ, NULL);
	if (!obj || bpf_object__load(obj)) {
		printf("%s: cannot load it: %s\n", OBJ, strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "dissect");
	map = bpf_object__find_map_fd_by_name(obj, "flows");
	fd = prog ? bpf_program__fd(prog) : -1;
	sock = packet_socket_on_lo();
	if (fd < 0 || map < 0 || sock < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &fd, sizeof(fd))) {
		printf("attaching to a packet socket on lo: %s\n",
		       strerror(errno));
		return 1;
	}
	if (pair(AF_INET, SOCK_DGRAM, &utx, &urx) ||
	    pair(AF_INET, SOCK_STREAM, &ttx, &trx)) {
		printf("loopback sockets: %s\n", strerror(errno));
		return 1;
	}
	if (pair(AF_INET6, SOCK_DGRAM, &tx6, &rx6))
		printf("(no IPv6 on lo: IPv4 only)\n");
	udp_flow(utx, urx, &udp);
	printf("Flows on lo, found by %s (program dissect, map flows):\n", OBJ);
	for (round = 1; round <= ROUNDS; round++) {
		if (exchange(utx, urx, PER_ROUND) ||
		    exchange(ttx, trx, PER_ROUND) ||
		    (tx6 >= 0 && exchange(tx6, rx6, PER_ROUND))) {
			printf("sending over loopback: %s\n", strerror(errno));
			return 1;
		}
		want.packets += PER_ROUND;
		want.bytes += PER_ROUND * (ETH_HLEN + sizeof(struct iphdr) +
					   sizeof(struct udphdr) + SIZE);
		printf("\nround %d:\n", round);
		print_flows(map);
	}
	show_with_bpftool(fd, map);
	close(sock);
	bpf_map_lookup_elem(map, &udp, &got);
	printf("\nUDP 127.0.0.1:%u -> 127.0.0.1:%u: %llu packets, %llu bytes; "
	       "sent %llu, %llu: %s\n", udp.sport, udp.dport,
	       (unsigned long long)got.packets, (unsigned long long)got.bytes,
	       (unsigned long long)want.packets,
	       (unsigned long long)want.bytes,
	       got.packets == want.packets && got.bytes == want.bytes ?
	       "match" : "DO NOT MATCH");
	bpf_object__close(obj);
	return got.packets == want.packets && got.bytes == want.bytes ? 0 : 2;
}
