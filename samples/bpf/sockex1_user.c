// SPDX-License-Identifier: GPL-2.0
/*
 * sockex1: bytes per IP protocol received by a socket. Loads
 * sockex1_kern.o with libbpf, attaches its program to a packet socket
 * on lo with SO_ATTACH_BPF, sends UDP datagrams over loopback and
 * prints the counters of TCP, UDP and ICMP after each round. Exits 0
 * only if UDP's counter is exactly the bytes of the frames sent.
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
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define OBJ		"/bpf/sockex1_kern.o"
#define ROUNDS		3
#define PER_ROUND	5

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

/* @n datagrams of @size bytes to ourselves; the bytes of their frames. */
static long long send_udp(int n, size_t size)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(a);
	int rx = socket(AF_INET, SOCK_DGRAM, 0);
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[1400] = { 0 };
	long long frames = 0;

	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, len) ||
	    getsockname(rx, (struct sockaddr *)&a, &len) ||
	    connect(tx, (struct sockaddr *)&a, len))
		frames = -1;
	while (frames >= 0 && n--) {
		if (send(tx, buf, size, 0) != (ssize_t)size ||
		    recv(rx, buf, sizeof(buf), 0) != (ssize_t)size)
			frames = -1;
		else
			frames += ETH_HLEN + sizeof(struct iphdr) +
				  sizeof(struct udphdr) + size;
	}
	close(rx);
	close(tx);
	return frames;
}

static unsigned long long counter(int map, __u32 proto)
{
	__u64 bytes = 0;

	bpf_map_lookup_elem(map, &proto, &bytes);
	return bytes;
}

int main(void)
{
	unsigned long long udp;
	long long sent = 0, frames;
	struct bpf_program *prog;
	struct bpf_object *obj;
	int map, fd, sock, round;

	setvbuf(stdout, NULL, _IOLBF, 0);
	obj = bpf_object__open_file(OBJ, NULL);
	if (!obj || bpf_object__load(obj)) {
		printf("%s: cannot load it: %s\n", OBJ, strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "count_bytes");
	map = bpf_object__find_map_fd_by_name(obj, "bytes_by_proto");
	fd = prog ? bpf_program__fd(prog) : -1;
	sock = packet_socket_on_lo();
	if (fd < 0 || map < 0 || sock < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &fd, sizeof(fd))) {
		printf("attaching to a packet socket on lo: %s\n",
		       strerror(errno));
		return 1;
	}
	printf("Bytes lo received per IP protocol, counted by %s\n"
	       "(program count_bytes, map bytes_by_proto):\n\n", OBJ);
	printf("  %5s %8s %8s %8s\n", "round", "TCP", "UDP", "ICMP");
	for (round = 1; round <= ROUNDS; round++) {
		frames = send_udp(PER_ROUND, 100 * round);
		if (frames < 0) {
			printf("sending over loopback: %s\n", strerror(errno));
			return 1;
		}
		sent += frames;
		printf("  %5d %8llu %8llu %8llu\n", round,
		       counter(map, IPPROTO_TCP), counter(map, IPPROTO_UDP),
		       counter(map, IPPROTO_ICMP));
	}
	close(sock);
	udp = counter(map, IPPROTO_UDP);
	printf("\nUDP: %llu bytes counted, %lld bytes of frames sent: %s\n",
	       udp, sent, udp == (unsigned long long)sent ? "match" :
	       "DO NOT MATCH");
	bpf_object__close(obj);
	return udp == (unsigned long long)sent ? 0 : 2;
}
