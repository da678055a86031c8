// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint programs at work: attached with perf (PERF_EVENT_IOC_SET_BPF)
 * and through an event's tracefs filter file, run on every hit, and the
 * tracing helpers.
 *
 * The events come from this process: getpgid(2) with a chosen argument,
 * seen by raw_syscalls:sys_enter. Programs run on every hit of an event
 * on the whole machine, so each one first checks that the hit is a
 * getpgid of this process; that makes the counts exact. The record of
 * sys_enter is the 8-byte common header, then the syscall number at 8
 * and its six arguments from 16.
 *
 * Everything runs on the reference kernel too, except the filter-file
 * attach, which is the series' own.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "ebpf.h"
#include "ebpf_trace.h"
#include "tap.h"
#include "unpriv.h"

#define SYS_ENTER	"raw_syscalls/sys_enter"
#define SYS_EXIT	"raw_syscalls/sys_exit"
#define PRINTK_EVENT	"bpf_trace/bpf_trace_printk"
#define OFF_ID		8
#define OFF_ARG0	16
#define OFF_ARG1	24
#define MAX_INSNS	64

static bool on_ours;
static int tgid;

static void hit(long arg)
{
	syscall(__NR_getpgid, arg);
}

/* ---- programs ------------------------------------------------------- */

struct prog {
	struct bpf_insn insns[MAX_INSNS];
	int n;
};

#define EMIT(p, ...) do {						\
	struct bpf_insn __i[] = { __VA_ARGS__ };			\
	struct prog *__p = (p);						\
	memcpy(__p->insns + __p->n, __i, sizeof(__i));			\
	__p->n += ARRAY_SIZE(__i);					\
} while (0)

/*
 * r6 = ctx; unless the hit is a getpgid of this process, return
 * @other. The jump to the end is patched by prog_end().
 */
static void prog_begin(struct prog *p)
{
	p->n = 0;
	EMIT(p, MOV64(R6, R1), LDX(BPF_DW, R0, R6, OFF_ID),
	     JI(BPF_JNE, R0, __NR_getpgid, 0),
	     CALL(BPF_FUNC_get_current_pid_tgid), A64I(BPF_RSH, R0, 32),
	     JI(BPF_JNE, R0, tgid, 0));
}

/* Returns R0 for this process's getpgid, @other for other hits. */
static void prog_end_r0(struct prog *p, int other)
{
	EMIT(p, EXIT());
	p->insns[2].off = p->n - 3;
	p->insns[5].off = p->n - 6;
	EMIT(p, MOV64I(R0, other), EXIT());
}

static void prog_end(struct prog *p, int mine, int other)
{
	EMIT(p, MOV64I(R0, mine));
	prog_end_r0(p, other);
}

/* *(u64 *)map[0] += @inc */
static void emit_count(struct prog *p, int map_fd, int inc)
{
	EMIT(p, ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
	     LDMAP(R1, map_fd), CALL(BPF_FUNC_map_lookup_elem),
	     JI(BPF_JEQ, R0, 0, 2), MOV64I(R1, inc),
	     ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1));
}

static int load(struct prog *p)
{
	static char log[65536];
	int fd = ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, p->insns, p->n,
				log, sizeof(log));

	if (fd < 0)
		printf("# loading: %s\n%s", strerror(errno), log);
	return fd;
}

/* A program counting this process's getpgid calls into map[0], +@inc. */
static int counter(int map_fd, int inc, int ret)
{
	struct prog p;

	prog_begin(&p);
	emit_count(&p, map_fd, inc);
	prog_end(&p, ret, ret);
	return load(&p);
}

static int counter_map(void)
{
	return ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
}

static uint64_t count_of(int map_fd)
{
	uint32_t key = 0;
	uint64_t v = ~0ull;

	if (ebpf_map_lookup(map_fd, &key, &v))
		return ~0ull;
	return v;
}

static void hits(int n)
{
	int i;

	for (i = 0; i < n; i++)
		hit(i);
}

/* ---- the perf attach ------------------------------------------------ */

static void perf_attach_runs_on_each_hit(void)
{
	int map = expect_ok(counter_map());
	int prog = expect_ok(counter(map, 1, 0));
	int ev = expect_ok(trace_event_attach(SYS_ENTER, prog));

	hits(1000);
	expect_eq(count_of(map), 1000);
	close(ev);
	close(prog);
	close(map);
}

static void detach_stops_it(void)
{
	int map = expect_ok(counter_map());
	int prog = expect_ok(counter(map, 1, 0));
	int ev = expect_ok(trace_event_attach(SYS_ENTER, prog));

	hits(100);
	close(ev);
	hits(100);
	expect_eq(count_of(map), 100);
	close(prog);
	close(map);
}

static int query_count(int ev)
{
	struct {
		struct perf_event_query_bpf q;
		uint32_t ids[8];
	} query = { .q.ids_len = 8 };

	if (ioctl(ev, PERF_EVENT_IOC_QUERY_BPF, &query))
		return -1;
	return query.q.prog_cnt;
}

/* The event holds its program: closing the program's fd changes nothing. */
static void freed_program_leaves_nothing(void)
{
	int map = expect_ok(counter_map());
	int prog = expect_ok(counter(map, 1, 0));
	int ev = expect_ok(trace_event_attach(SYS_ENTER, prog));
	int probe = expect_ok(trace_event_open(SYS_ENTER, 0));

	close(prog);
	hits(10);
	expect_eq(count_of(map), 10);
	expect_eq(query_count(probe), 1);
	close(ev);
	hits(10);
	expect_eq(count_of(map), 10);
	expect_eq(query_count(probe), 0);
	close(probe);
	close(map);
}

static void several_programs_one_event(void)
{
	int map = expect_ok(counter_map());
	int one = expect_ok(counter(map, 1, 0));
	int ten = expect_ok(counter(map, 10, 0));
	int ev1 = expect_ok(trace_event_attach(SYS_ENTER, one));
	int ev2 = expect_ok(trace_event_attach(SYS_ENTER, ten));
	struct {
		struct perf_event_query_bpf q;
		uint32_t ids[2];
	} query = { .q.ids_len = 2 };
	struct perf_event_query_bpf small = { .ids_len = 1 };

	hits(50);
	expect_eq(count_of(map), 550);
	expect_ok(ioctl(ev1, PERF_EVENT_IOC_QUERY_BPF, &query));
	expect_eq(query.q.prog_cnt, 2);
	expect_eq(query.ids[0], fdinfo_field(one, "prog_id"));
	expect_eq(query.ids[1], fdinfo_field(ten, "prog_id"));
	expect_errno(ioctl(ev1, PERF_EVENT_IOC_QUERY_BPF, &small), ENOSPC);
	/* one program per perf event, and once per trace event */
	expect_errno(ioctl(ev1, PERF_EVENT_IOC_SET_BPF, ten), EEXIST);
	expect_errno(trace_event_attach(SYS_ENTER, one), EEXIST);
	close(ev1);
	close(ev2);
	close(one);
	close(ten);
	close(map);
}

/* sys_exit's record also has the syscall number at 8. */
static void one_program_several_events(void)
{
	int map = expect_ok(counter_map());
	int prog = expect_ok(counter(map, 1, 0));
	int ev1 = expect_ok(trace_event_attach(SYS_ENTER, prog));
	int ev2 = expect_ok(trace_event_attach(SYS_EXIT, prog));

	hits(30);
	expect_eq(count_of(map), 60);
	close(ev1);
	hits(30);
	expect_eq(count_of(map), 90);
	close(ev2);
	close(prog);
	close(map);
}

static void attach_errors(void)
{
	struct bpf_insn ret0[] = { MOV64I(R0, 0), EXIT() };
	struct bpf_insn far[] = { LDX(BPF_DW, R0, R1, 1000), EXIT() };
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK, .sample_period = 100000,
	};
	int ev = expect_ok(trace_event_open(SYS_ENTER, 0));
	int sw = expect_ok(perf_event_open(&attr, 0, -1, -1, 0));
	int sock = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret0,
					    2, NULL, 0));
	int tp = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2,
					  NULL, 0));
	int map = expect_ok(counter_map());
	int tp_far = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, far,
					      2, NULL, 0));

	expect_errno(ioctl(ev, PERF_EVENT_IOC_SET_BPF, 999), EBADF);
	expect_errno(ioctl(ev, PERF_EVENT_IOC_SET_BPF, map), EINVAL);
	expect_errno(ioctl(ev, PERF_EVENT_IOC_SET_BPF, sock), EINVAL);
	/* sys_enter's fields end at 64 */
	expect_errno(ioctl(ev, PERF_EVENT_IOC_SET_BPF, tp_far), EACCES);
	expect_errno(ioctl(sw, PERF_EVENT_IOC_SET_BPF, tp), EINVAL);
	expect_errno(ioctl(sw, PERF_EVENT_IOC_QUERY_BPF,
			   &(struct perf_event_query_bpf){}), EINVAL);
	expect_ok(ioctl(ev, PERF_EVENT_IOC_SET_BPF, tp));
	close(ev);
	close(sw);
	close(sock);
	close(tp);
	close(tp_far);
	close(map);
}

/* ---- the return value filters perf's records ------------------------ */

struct seen {
	int getpgid, odd, other_type;
};

static void count_sample(const struct perf_event_header *h, void *arg)
{
	struct seen *s = arg;
	const uint64_t *rec;
	uint32_t size;

	if (h->type != PERF_RECORD_SAMPLE) {
		s->other_type++;
		return;
	}
	rec = perf_sample_raw(h, &size);
	if (size < 24 || rec[1] != __NR_getpgid)
		return;
	s->getpgid++;
	s->odd += rec[2] & 1;
}

/*
 * With a program returning 1 for odd arguments only, perf records only
 * the calls with odd arguments; without a program, all of them.
 */
static void return_value_filters_perf(void)
{
	struct seen with = {}, without = {};
	struct perf_ring ring;
	int ev, prog, map = expect_ok(counter_map());
	struct prog p;

	ev = expect_ok(trace_event_open(SYS_ENTER, 1));
	if (expect_ok(perf_ring_map(&ring, ev, 6)) < 0)
		return;
	hits(100);
	perf_ring_drain(&ring, count_sample, &without);
	expect_eq(without.getpgid, 100);
	expect_eq(without.odd, 50);

	prog_begin(&p);
	/* return args[0] & 1 */
	EMIT(&p, LDX(BPF_DW, R0, R6, OFF_ARG0), A64I(BPF_AND, R0, 1));
	prog_end_r0(&p, 1);
	prog = expect_ok(load(&p));
	expect_ok(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	hits(100);
	perf_ring_drain(&ring, count_sample, &with);
	expect_eq(with.getpgid, 50);
	expect_eq(with.odd, 50);
	expect_eq(with.other_type, 0);

	/* several programs: recorded only if every one says so */
	close(prog);
	prog = expect_ok(counter(map, 1, 0));
	{
		int ev2 = expect_ok(trace_event_attach(SYS_ENTER, prog));
		struct seen both = {};

		hits(100);
		perf_ring_drain(&ring, count_sample, &both);
		expect_eq(both.getpgid, 0);
		close(ev2);
	}
	perf_ring_unmap(&ring);
	close(ev);
	close(prog);
	close(map);
}

/* ---- the filter-file attach (ours) ---------------------------------- */

static int count_trace_lines(int *odd)
{
	char line[512], *p;
	int n = 0;
	FILE *f = fopen(TRACEFS "/trace", "r");

	*odd = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "sys_enter: NR 121 (");
		if (!p)
			continue;
		n++;
		*odd += strtoul(p + strlen("sys_enter: NR 121 ("), NULL, 16) & 1;
	}
	fclose(f);
	return n;
}

static void filter_file_filters_trace(void)
{
	const char *filter = "events/" SYS_ENTER "/filter";
	char text[64], back[64] = "";
	int prog, fd, n, odd;
	struct prog p;
	FILE *f;

	if (!on_ours) {
		tap_skip("the filter-file attach is the series' own");
		return;
	}
	prog_begin(&p);
	EMIT(&p, LDX(BPF_DW, R0, R6, OFF_ARG0), A64I(BPF_AND, R0, 1));
	prog_end_r0(&p, 0);
	prog = expect_ok(load(&p));
	snprintf(text, sizeof(text), "bpf:%lld", fdinfo_field(prog, "prog_id"));
	expect_ok(tracefs_write(filter, text));
	f = fopen(TRACEFS "/events/" SYS_ENTER "/filter", "r");
	if (f) {
		if (!fgets(back, sizeof(back), f))
			back[0] = 0;
		fclose(f);
	}
	expect(!strncmp(back, text, strlen(text)));
	/* the event holds the program */
	close(prog);
	expect_ok(tracefs_write("trace", ""));
	expect_ok(tracefs_write("events/" SYS_ENTER "/enable", "1"));
	hits(100);
	expect_ok(tracefs_write("events/" SYS_ENTER "/enable", "0"));
	n = count_trace_lines(&odd);
	expect_eq(n, 50);
	expect_eq(odd, 50);

	expect_ok(tracefs_write(filter, "0"));
	expect_ok(tracefs_write("trace", ""));
	expect_ok(tracefs_write("events/" SYS_ENTER "/enable", "1"));
	hits(10);
	expect_ok(tracefs_write("events/" SYS_ENTER "/enable", "0"));
	n = count_trace_lines(&odd);
	expect(n >= 10);
	fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);
	close(fd);
}

static void filter_file_errors(void)
{
	const char *filter = "events/" SYS_ENTER "/filter";
	struct bpf_insn ret0[] = { MOV64I(R0, 0), EXIT() };
	struct bpf_insn far[] = { LDX(BPF_DW, R0, R1, 1000), EXIT() };
	int sock, tp_far, tp;
	char text[64];
	pid_t pid;
	int status;

	if (!on_ours) {
		tap_skip("the filter-file attach is the series' own");
		return;
	}
	sock = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret0, 2,
					NULL, 0));
	tp_far = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, far, 2,
					  NULL, 0));
	tp = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2, NULL,
				      0));
	expect_errno(tracefs_write(filter, "bpf:2000000000"), ENOENT);
	expect_errno(tracefs_write(filter, "bpf:"), EINVAL);
	expect_errno(tracefs_write(filter, "bpf:12x"), EINVAL);
	snprintf(text, sizeof(text), "bpf:%lld", fdinfo_field(sock, "prog_id"));
	expect_errno(tracefs_write(filter, text), EINVAL);
	snprintf(text, sizeof(text), "bpf:%lld",
		 fdinfo_field(tp_far, "prog_id"));
	expect_errno(tracefs_write(filter, text), EACCES);
	snprintf(text, sizeof(text), "bpf:%lld", fdinfo_field(tp, "prog_id"));
	pid = fork();
	if (!pid) {
		if (unpriv_drop_caps())
			_exit(2);
		_exit(tracefs_write(filter, text) && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_ok(tracefs_write(filter, "0"));
	close(sock);
	close(tp_far);
	close(tp);
}

/* ---- helpers -------------------------------------------------------- */

static int read_trace_pipe(char *buf, size_t size)
{
	int fd = open(TRACEFS "/trace_pipe", O_RDONLY | O_NONBLOCK);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fd);
	return len;
}

/* trace_printk("tpk %lu\n", args[0]) for this process's getpgid */
static int printk_prog(void)
{
	struct prog p;

	prog_begin(&p);
	EMIT(&p, LDI64(R1, 0x0a756c25206b7074ull),	/* "tpk %lu\n" */
	     STX(BPF_DW, R10, -16, R1), ST(BPF_DW, R10, -8, 0),
	     MOV64(R1, R10), A64I(BPF_ADD, R1, -16), MOV64I(R2, 9),
	     LDX(BPF_DW, R3, R6, OFF_ARG0), CALL(BPF_FUNC_trace_printk));
	prog_end(&p, 0, 0);
	return load(&p);
}

static char pipe_text[1 << 20];

static void trace_printk_to_trace_pipe(void)
{
	int prog, ev, i, found = 0;
	char want[32];

	expect_ok(tracefs_write("trace", ""));
	prog = expect_ok(printk_prog());
	ev = expect_ok(trace_event_attach(SYS_ENTER, prog));
	for (i = 0; i < 20; i++)
		hit(1000 + i);
	close(ev);
	close(prog);
	expect(read_trace_pipe(pipe_text, sizeof(pipe_text)) > 0);
	for (i = 0; i < 20; i++) {
		snprintf(want, sizeof(want), "bpf_trace_printk: tpk %d\n",
			 1000 + i);
		found += !!strstr(pipe_text, want);
	}
	expect_eq(found, 20);
}

/* map[0]++ on every hit of whatever event */
static int count_all_prog(int map)
{
	struct bpf_insn count_all[] = {
		ST(BPF_W, R10, -4, 0), MOV64(R2, R10), A64I(BPF_ADD, R2, -4),
		LDMAP(R1, map), CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 2), MOV64I(R1, 1),
		ATOMIC(BPF_DW, BPF_ADD, R0, 0, R1), MOV64I(R0, 0), EXIT(),
	};

	return ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, count_all,
			      ARRAY_SIZE(count_all), NULL, 0);
}

/*
 * A program's printk hits bpf_trace:bpf_trace_printk while the program
 * runs. If the program runs from perf, perf's own guard drops the
 * nested hit of perf's tracepoint glue before any program could run:
 * the program on the printk event neither runs nor counts a miss, as
 * upstream. If it runs as an event's filter (ours), the nested hit
 * reaches the programs of the printk event, which do not run either:
 * each hit is a recursion miss of theirs.
 */
static void recursion_is_counted(void)
{
	const char *filter = "events/" SYS_ENTER "/filter";
	int map = expect_ok(counter_map());
	int printer = expect_ok(printk_prog());
	int ev1 = expect_ok(trace_event_attach(SYS_ENTER, printer));
	int nested = expect_ok(count_all_prog(map));
	int ev2 = expect_ok(trace_event_attach(PRINTK_EVENT, nested));
	char text[64];

	hits(25);
	close(ev1);
	expect_eq(count_of(map), 0);
	expect_eq(fdinfo_field(nested, "recursion_misses"), 0);
	read_trace_pipe(pipe_text, sizeof(pipe_text));
	expect(strstr(pipe_text, "bpf_trace_printk: tpk 24\n"));

	if (on_ours) {
		snprintf(text, sizeof(text), "bpf:%lld",
			 fdinfo_field(printer, "prog_id"));
		expect_ok(tracefs_write(filter, text));
		expect_ok(tracefs_write("events/" SYS_ENTER "/enable", "1"));
		hits(25);
		expect_ok(tracefs_write("events/" SYS_ENTER "/enable", "0"));
		expect_ok(tracefs_write(filter, "0"));
		expect_eq(count_of(map), 0);
		expect_eq(fdinfo_field(nested, "recursion_misses"), 25);
		expect_eq(fdinfo_field(printer, "recursion_misses"), 0);
		read_trace_pipe(pipe_text, sizeof(pipe_text));
	}
	close(ev2);
	close(nested);
	close(printer);
	close(map);
}

/* ---- probe_read_kernel ---------------------------------------------- */

struct probe_result {
	int64_t ret;
	unsigned char buf[32];
};

/*
 * For this process's getpgid(addr): fill a 32-byte buffer with 0x5a,
 * call @helper(buf, 32, addr) and store the result and the buffer in
 * map[0].
 */
static int probe_prog(int map_fd, int helper)
{
	struct prog p;
	int i;

	prog_begin(&p);
	for (i = 0; i < 4; i++)
		EMIT(&p, ST(BPF_DW, R10, -32 + 8 * i, 0x5a5a5a5a));
	EMIT(&p, MOV64(R1, R10), A64I(BPF_ADD, R1, -32), MOV64I(R2, 32),
	     LDX(BPF_DW, R3, R6, OFF_ARG0), CALL(helper),
	     STX(BPF_DW, R10, -40, R0), ST(BPF_W, R10, -44, 0),
	     LDMAP(R1, map_fd), MOV64(R2, R10), A64I(BPF_ADD, R2, -44),
	     MOV64(R3, R10), A64I(BPF_ADD, R3, -40), MOV64I(R4, 0),
	     CALL(BPF_FUNC_map_update_elem));
	prog_end(&p, 0, 0);
	return load(&p);
}

static unsigned long kernel_symbol(const char *name)
{
	char line[256], sym[128], type;
	unsigned long addr, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name))
			found = addr;
	fclose(f);
	return found;
}

static struct probe_result probe(int helper, unsigned long addr)
{
	struct probe_result r = { .ret = 12345 };
	int map = ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, sizeof(r), 1, 0);
	int prog = probe_prog(map, helper);
	int ev = trace_event_attach(SYS_ENTER, prog);
	uint32_t key = 0;

	if (map < 0 || prog < 0 || ev < 0) {
		tap_fail("setting up: %s", strerror(errno));
	} else {
		hit(addr);
		ebpf_map_lookup(map, &key, &r);
	}
	close(ev);
	close(prog);
	close(map);
	return r;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void probe_read_kernel_bad_address(void)
{
	static const unsigned long bad[] = {
		0, 4096, 0xdead000000000000ul, 0xffffffffffe00000ul,
	};
	struct probe_result r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = probe(BPF_FUNC_probe_read_kernel, bad[i]);
		printf("# probe_read_kernel(%#lx) = %lld\n", bad[i],
		       (long long)r.ret);
		expect(r.ret < 0 && r.ret > -4096);
		expect(all_zero(r.buf, sizeof(r.buf)));
		r = probe(BPF_FUNC_probe_read_kernel_str, bad[i]);
		expect(r.ret < 0 && r.ret > -4096);
		expect(all_zero(r.buf, sizeof(r.buf)));
	}
}

static void probe_read_kernel_banner(void)
{
	unsigned long banner = kernel_symbol("linux_banner");
	char version[256] = "";
	struct probe_result r;
	FILE *f = fopen("/proc/version", "r");

	if (f) {
		if (!fgets(version, sizeof(version), f))
			version[0] = 0;
		fclose(f);
	}
	expect(banner != 0);
	expect(strlen(version) > 32);
	r = probe(BPF_FUNC_probe_read_kernel, banner);
	expect_eq(r.ret, 0);
	expect(!memcmp(r.buf, version, 32));
	/* a longer string: 31 bytes and a NUL, as strncpy_from_kernel */
	r = probe(BPF_FUNC_probe_read_kernel_str, banner);
	expect_eq(r.ret, 32);
	expect(!memcmp(r.buf, version, 31) && !r.buf[31]);
}

/* probe_read_user(_str) read this process; probe_read(_str) either. */
static void probe_read_user_and_compat(void)
{
	static const char text[40] = "a string in user memory, 32 bytes+";
	unsigned long banner = kernel_symbol("linux_banner");
	unsigned long user = (unsigned long)text;
	struct probe_result r;

	r = probe(BPF_FUNC_probe_read_user, user);
	expect_eq(r.ret, 0);
	expect(!memcmp(r.buf, text, 32));
	r = probe(BPF_FUNC_probe_read_user_str, user);
	expect_eq(r.ret, 32);
	expect(!memcmp(r.buf, text, 31) && !r.buf[31]);
	r = probe(BPF_FUNC_probe_read_user, banner);
	expect(r.ret < 0 && all_zero(r.buf, sizeof(r.buf)));
	r = probe(BPF_FUNC_probe_read_user_str, 0);
	expect(r.ret < 0 && all_zero(r.buf, sizeof(r.buf)));

	r = probe(BPF_FUNC_probe_read, user);
	expect_eq(r.ret, 0);
	expect(!memcmp(r.buf, text, 32));
	r = probe(BPF_FUNC_probe_read_str, banner);
	expect_eq(r.ret, 32);
	expect(!memcmp(r.buf, "Linux version ", 14));
	r = probe(BPF_FUNC_probe_read, 16);
	expect(r.ret < 0 && all_zero(r.buf, sizeof(r.buf)));
}

/* ---- perf_event_output ---------------------------------------------- */

struct order {
	uint64_t next, lost, bad;
};

static void check_order(const struct perf_event_header *h, void *arg)
{
	struct order *o = arg;
	const uint64_t *rec;
	uint32_t size;

	if (h->type == PERF_RECORD_LOST) {
		o->lost += ((const uint64_t *)(h + 1))[1];
		return;
	}
	rec = perf_sample_raw(h, &size);
	if (h->type != PERF_RECORD_SAMPLE || size < 16 || rec[0] != o->next ||
	    rec[1] != 0)
		o->bad++;
	o->next = rec[0] + 1;
}

static int bpf_output_event(int cpu)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW, .sample_period = 1,
		.wakeup_events = 1,
	};

	return perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* for this process's getpgid(seq): output { seq, cpu } on this CPU */
static int output_prog(int map_fd)
{
	struct prog p;

	prog_begin(&p);
	EMIT(&p, LDX(BPF_DW, R1, R6, OFF_ARG0), STX(BPF_DW, R10, -16, R1),
	     CALL(BPF_FUNC_get_smp_processor_id), STX(BPF_DW, R10, -8, R0),
	     MOV64(R1, R6), LDMAP(R2, map_fd), LDI64(R3, BPF_F_CURRENT_CPU),
	     MOV64(R4, R10), A64I(BPF_ADD, R4, -16), MOV64I(R5, 16),
	     CALL(BPF_FUNC_perf_event_output));
	prog_end(&p, 0, 0);
	return load(&p);
}

/*
 * 20000 records, written by the program as fast as this process issues
 * getpgid(2), in bursts of 1000 between reads of a 64-page ring (room
 * for 8192): every one arrives, in order, none lost.
 */
static void perf_event_output_in_order(void)
{
	int map = expect_ok(ebpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4,
					    4, 1, 0));
	int out = expect_ok(bpf_output_event(0));
	struct order o = { 0 };
	struct timespec t0, t1;
	struct perf_ring ring;
	uint32_t key = 0;
	int prog, ev, i, j;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	expect_ok(sched_setaffinity(0, sizeof(cpus), &cpus));
	if (expect_ok(perf_ring_map(&ring, out, 6)) < 0)
		return;
	expect_ok(ebpf_map_update(map, &key, &out, BPF_ANY));
	prog = expect_ok(output_prog(map));
	ev = expect_ok(trace_event_attach(SYS_ENTER, prog));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20; i++) {
		for (j = 0; j < 1000; j++)
			hit(i * 1000 + j);
		perf_ring_drain(&ring, check_order, &o);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# 20000 records at %.0f per second\n",
	       20000 / ((t1.tv_sec - t0.tv_sec) +
			(t1.tv_nsec - t0.tv_nsec) / 1e9));
	expect_eq(o.next, 20000);
	expect_eq(o.lost, 0);
	expect_eq(o.bad, 0);
	close(ev);
	close(prog);
	perf_ring_unmap(&ring);
	close(out);
	close(map);
	CPU_ZERO(&cpus);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

/* perf_event_output(flags = args[0]) returns into map[0] */
static void perf_event_output_errors(void)
{
	int map = expect_ok(ebpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4,
					    4, 2, 0));
	int res = expect_ok(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	int out = expect_ok(bpf_output_event(0));
	int other = expect_ok(trace_event_open(SYS_ENTER, 0));
	uint32_t key = 0, one = 1, big = 2;
	int64_t ret = 0;
	int prog, ev;
	struct prog p;

	/* user space: fds in, nothing out */
	expect_errno(ebpf_map_lookup(map, &key, &ret), 524);
	expect_errno(ebpf_map_update(map, &key, &out, BPF_NOEXIST), EINVAL);
	expect_errno(ebpf_map_update(map, &big, &out, BPF_ANY), E2BIG);
	expect_errno(ebpf_map_update(map, &key, &res, BPF_ANY), EBADF);
	expect_errno(ebpf_map_delete(map, &one), ENOENT);
	expect_ok(ebpf_map_update(map, &one, &out, BPF_ANY));
	expect_ok(ebpf_map_delete(map, &one));
	expect_ok(ebpf_map_update(map, &key, &other, BPF_ANY));

	prog_begin(&p);
	EMIT(&p, ST(BPF_DW, R10, -8, 7), MOV64(R1, R6), LDMAP(R2, map),
	     LDX(BPF_DW, R3, R6, OFF_ARG0), MOV64(R4, R10),
	     A64I(BPF_ADD, R4, -8), MOV64I(R5, 8),
	     CALL(BPF_FUNC_perf_event_output), STX(BPF_DW, R10, -16, R0),
	     ST(BPF_W, R10, -20, 0), LDMAP(R1, res), MOV64(R2, R10),
	     A64I(BPF_ADD, R2, -20), MOV64(R3, R10), A64I(BPF_ADD, R3, -16),
	     MOV64I(R4, 0), CALL(BPF_FUNC_map_update_elem));
	prog_end(&p, 0, 0);
	prog = expect_ok(load(&p));
	ev = expect_ok(trace_event_attach(SYS_ENTER, prog));
	hit(1);				/* an empty slot */
	expect_ok(ebpf_map_lookup(res, &key, &ret));
	expect_eq(ret, -ENOENT);
	hit(2);				/* past the end */
	expect_ok(ebpf_map_lookup(res, &key, &ret));
	expect_eq(ret, -E2BIG);
	hit(1ull << 40);		/* flags beyond the index */
	expect_ok(ebpf_map_lookup(res, &key, &ret));
	expect_eq(ret, -EINVAL);
	hit(0);				/* not a BPF_OUTPUT event */
	expect_ok(ebpf_map_lookup(res, &key, &ret));
	expect_eq(ret, -EINVAL);
	close(ev);
	close(prog);
	close(other);
	close(out);
	close(res);
	close(map);
}

/* ---- privileges ----------------------------------------------------- */

static void unprivileged_refused(void)
{
	struct bpf_insn ret0[] = { MOV64I(R0, 0), EXIT() };
	int prog = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2,
					    NULL, 0));
	int ev = expect_ok(trace_event_open(SYS_ENTER, 0));
	int pipefd[2], result[3] = { -1, -1, -1 }, status;
	pid_t pid;

	expect_ok(pipe(pipefd));
	pid = fork();
	if (!pid) {
		struct perf_event_query_bpf q = { 0 };

		if (unpriv_drop_caps())
			_exit(2);
		errno = 0;
		result[0] = ebpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2,
					   NULL, 0) < 0 ? errno : 0;
		result[1] = trace_event_open(SYS_ENTER, 0) < 0 ? errno : 0;
		result[2] = ioctl(ev, PERF_EVENT_IOC_QUERY_BPF, &q) ? errno : 0;
		if (write(pipefd[1], result, sizeof(result)) < 0)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], result, sizeof(result)) != sizeof(result))
		tap_fail("the child reported nothing");
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	expect_eq(result[0], EPERM);
	expect_eq(result[1], EACCES);
	expect_eq(result[2], EPERM);
	close(ev);
	close(prog);
}

static const struct tap_case cases[] = {
	TAP_CASE(perf_attach_runs_on_each_hit),
	TAP_CASE(detach_stops_it),
	TAP_CASE(freed_program_leaves_nothing),
	TAP_CASE(several_programs_one_event),
	TAP_CASE(one_program_several_events),
	TAP_CASE(attach_errors),
	TAP_CASE(return_value_filters_perf),
	TAP_CASE(filter_file_filters_trace),
	TAP_CASE(filter_file_errors),
	TAP_CASE(trace_printk_to_trace_pipe),
	TAP_CASE(recursion_is_counted),
	TAP_CASE(probe_read_kernel_bad_address),
	TAP_CASE(probe_read_kernel_banner),
	TAP_CASE(probe_read_user_and_compat),
	TAP_CASE(perf_event_output_in_order),
	TAP_CASE(perf_event_output_errors),
	TAP_CASE(unprivileged_refused),
	{}
};

int main(int argc, char **argv)
{
	on_ours = kernel_flavour("ours");
	tgid = getpid();
	if (tracefs_mount())
		perror("mounting tracefs");
	return tap_run(cases, argc, argv);
}
