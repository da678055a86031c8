// SPDX-License-Identifier: GPL-2.0
/*
 * dropmon: where does the kernel drop packets?
 *
 * A tracepoint program on skb:kfree_skb counts the drops per location
 * (the address of the code that freed the packet) in a hash map. Meanwhile
 * this process drops packets on purpose, through loopback: UDP
 * datagrams to a port nobody listens on, a TCP connection attempt to
 * one, and datagrams into a socket whose receive buffer is full. Every
 * second it prints the table of locations, named through
 * /proc/kallsyms, and their counts.
 *
 * The kfree_skb record: the 8-byte common header, then skbaddr at 8,
 * location at 16, protocol at 24 and the drop reason at 28.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "ebpf.h"
#include "ebpf_trace.h"

#define SECONDS		3
#define MAX_LOCATIONS	256
#define OFF_LOCATION	16

/* drops[location]++ */
static int load_dropmon(int map_fd)
{
	struct bpf_insn prog[] = {
		LDX(BPF_DW, R1, R1, OFF_LOCATION),
		STX(BPF_DW, R10, -8, R1),		/* key: the location */
		LDMAP(R1, map_fd),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -8),
		CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 3),
		MOV64I(R1, 1),				/* seen: count it */
		ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1),
		JA(9),
		ST(BPF_DW, R10, -16, 1),		/* new: insert 1 */
		LDMAP(R1, map_fd),
		MOV64(R2, R10), A64I(BPF_ADD, R2, -8),
		MOV64(R3, R10), A64I(BPF_ADD, R3, -16),
		MOV64I(R4, BPF_NOEXIST),
		CALL(BPF_FUNC_map_update_elem),
		MOV64I(R0, 0),
		EXIT(),
	};
	static char log[65536];
	int fd = ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, prog,
				ARRAY_SIZE(prog), log, sizeof(log));

	if (fd < 0)
		fprintf(stderr, "dropmon: load: %s\n%s", strerror(errno), log);
	return fd;
}

/* ---- kernel symbols ------------------------------------------------- */

struct ksym {
	unsigned long addr;
	char name[64];
};

static struct ksym *ksyms;
static size_t nr_ksyms;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The text symbols of /proc/kallsyms, sorted by address. */
static int ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t cap = 0;
	char line[256], type;
	struct ksym s;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %63s", &s.addr, &type, s.name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		if (nr_ksyms == cap) {
			cap = cap ? 2 * cap : 4096;
			ksyms = realloc(ksyms, cap * sizeof(*ksyms));
			if (!ksyms)
				return -1;
		}
		ksyms[nr_ksyms++] = s;
	}
	fclose(f);
	qsort(ksyms, nr_ksyms, sizeof(*ksyms), ksym_cmp);
	return 0;
}

/* "function+0xoff" for @addr, into @buf. */
static const char *ksym_name(unsigned long addr, char *buf, size_t size)
{
	size_t lo = 0, hi = nr_ksyms;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (!nr_ksyms || ksyms[lo].addr > addr)
		snprintf(buf, size, "%#lx", addr);
	else
		snprintf(buf, size, "%s+%#lx", ksyms[lo].name,
			 addr - ksyms[lo].addr);
	return buf;
}

/* ---- making drops --------------------------------------------------- */

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return a;
}

struct droppers {
	int udp, full, full_port;
};

static int droppers_open(struct droppers *d)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int small = 1;

	d->udp = socket(AF_INET, SOCK_DGRAM, 0);
	/* a receiver that never reads, with the smallest buffer */
	d->full = socket(AF_INET, SOCK_DGRAM, 0);
	if (d->udp < 0 || d->full < 0 ||
	    setsockopt(d->full, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) ||
	    bind(d->full, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(d->full, (struct sockaddr *)&a, &len))
		return -1;
	d->full_port = ntohs(a.sin_port);
	return 0;
}

/* Packets to a closed UDP port, a SYN to a closed TCP port, a flood. */
static void make_drops(const struct droppers *d)
{
	struct sockaddr_in closed = loopback(9), full = loopback(d->full_port);
	char payload[512] = "dropmon";
	int i, tcp;

	for (i = 0; i < 20; i++)
		sendto(d->udp, payload, 64, 0, (struct sockaddr *)&closed,
		       sizeof(closed));
	for (i = 0; i < 50; i++)
		sendto(d->udp, payload, sizeof(payload), 0,
		       (struct sockaddr *)&full, sizeof(full));
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	if (tcp >= 0) {
		connect(tcp, (struct sockaddr *)&closed, sizeof(closed));
		close(tcp);
	}
}

/* ---- the table ------------------------------------------------------ */

struct drop {
	__u64 location, count;
};

static int drop_cmp(const void *a, const void *b)
{
	const struct drop *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void print_table(int map_fd, int second)
{
	struct drop drops[MAX_LOCATIONS];
	__u64 key, next, *prev = NULL;
	char name[128];
	int n = 0, i;

	while (n < MAX_LOCATIONS && !ebpf_map_next_key(map_fd, prev, &next)) {
		drops[n].location = next;
		if (!ebpf_map_lookup(map_fd, &next, &drops[n].count))
			n++;
		key = next;
		prev = &key;
	}
	qsort(drops, n, sizeof(drops[0]), drop_cmp);
	printf("--- second %d: %d drop locations ---\n", second, n);
	printf("%8s  %s\n", "drops", "location");
	for (i = 0; i < n; i++)
		printf("%8llu  %s\n", (unsigned long long)drops[i].count,
		       ksym_name(drops[i].location, name, sizeof(name)));
}

int main(void)
{
	struct droppers d;
	int map, prog, ev, s;

	if (tracefs_mount() || ksyms_load() || droppers_open(&d)) {
		perror("dropmon: setup");
		return 1;
	}
	map = ebpf_map_create(BPF_MAP_TYPE_HASH, sizeof(__u64),
			      sizeof(__u64), MAX_LOCATIONS, 0);
	if (map < 0) {
		perror("dropmon: map");
		return 1;
	}
	prog = load_dropmon(map);
	if (prog < 0)
		return 1;
	ev = trace_event_attach("skb/kfree_skb", prog);
	if (ev < 0) {
		perror("dropmon: attaching to skb:kfree_skb");
		return 1;
	}
	printf("dropmon: counting skb:kfree_skb per location for %d seconds\n",
	       SECONDS);
	for (s = 1; s <= SECONDS; s++) {
		int tick;

		for (tick = 0; tick < 10; tick++) {
			make_drops(&d);
			usleep(100000);
		}
		print_table(map, s);
	}
	close(ev);
	close(prog);
	close(map);
	return 0;
}
