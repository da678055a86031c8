// SPDX-License-Identifier: GPL-2.0
/*
 * Debian's bpftool 7.1 on this kernel: each case loads programs or maps
 * with bpf(2), runs "bpftool prog show", "prog dump xlated", "map show"
 * or "map dump" on them and compares the output with what upstream 6.1
 * prints, ids and times aside (they become ID and TIME), and whether
 * the program is JIT-compiled (JIT): the same text must come out on
 * both kernels.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"

#define LDMAPVALUE(d, fd, off)						\
	INSNS(INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_VALUE, 0, fd), \
	      INSN(0, 0, 0, 0, off))

static __u32 obj_id(int fd, bool prog)
{
	union bpf_attr attr;
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;

	memset(&attr, 0, sizeof(attr));
	memset(&pinfo, 0, sizeof(pinfo));
	memset(&minfo, 0, sizeof(minfo));
	attr.info.bpf_fd = fd;
	attr.info.info_len = prog ? sizeof(pinfo) : sizeof(minfo);
	attr.info.info = prog ? ptr_to_u64(&pinfo) : ptr_to_u64(&minfo);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		return 0;
	return prog ? pinfo.id : minfo.id;
}

/* In @line, the number after each @word becomes @as ("1,2" too). */
static void normalize_number(char *line, const char *word, const char *as)
{
	char out[512], *o = out, *s = line;
	size_t wlen = strlen(word);

	while (*s && o < out + sizeof(out) - 32) {
		if (!strncmp(s, word, wlen) && isdigit((unsigned char)s[wlen])) {
			o += sprintf(o, "%s%s", word, as);
			s += wlen;
			while (isdigit((unsigned char)*s) || *s == ',')
				s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = 0;
	strcpy(line, out);
}

/*
 * The output of bpftool @fmt, with ids, load times and the JIT status
 * replaced, in @buf.
 */
static bool run_bpftool(char *buf, size_t size, const char *fmt, ...)
{
	char cmd[256], line[512], *p;
	size_t used = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	memmove(cmd + 8, cmd, sizeof(cmd) - 8);
	memcpy(cmd, "bpftool ", 8);
	cmd[sizeof(cmd) - 1] = 0;
	f = popen(cmd, "r");
	if (!f) {
		tap_fail("popen(%s): %s", cmd, strerror(errno));
		return false;
	}
	buf[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		/* "N: type" starts an object, "loaded_at DATE" a time */
		p = line;
		while (isdigit((unsigned char)*p))
			p++;
		if (p != line && *p == ':') {
			memmove(line + 2, p, strlen(p) + 1);
			memcpy(line, "ID", 2);
		}
		p = strstr(line, "loaded_at ");
		if (p) {
			char *end = strchr(p + 10, ' ');

			if (end)
				memmove(p + 14, end, strlen(end) + 1);
			memcpy(p + 10, "TIME", 4);
		}
		p = strstr(line, "not jited");
		if (p) {
			memmove(p + 3, p + 9, strlen(p + 9) + 1);
			memcpy(p, "JIT", 3);
		}
		p = strstr(line, "jited ");
		if (p) {
			char *end = strchr(p + 6, ' ');

			if (end) {
				memmove(p + 3, end, strlen(end) + 1);
				memcpy(p, "JIT", 3);
			}
		}
		normalize_number(line, "map_ids ", "ID");
		normalize_number(line, "map[id:", "ID");
		used += snprintf(buf + used, size - used, "%s", line);
		if (used >= size)
			break;
	}
	if (pclose(f)) {
		tap_fail("%s failed", cmd);
		return false;
	}
	return true;
}

static void print_lines(const char *prefix, const char *text)
{
	const char *end;

	for (; *text; text = end + (*end == '\n')) {
		end = strchrnul(text, '\n');
		printf("# %s%.*s\n", prefix, (int)(end - text), text);
	}
}

/* The output must be upstream's; if not, both are shown. */
static void expect_output(const char *got, const char *want)
{
	if (!strcmp(got, want))
		return;
	tap_fail("bpftool's output differs from upstream's");
	print_lines("got:  ", got);
	print_lines("want: ", want);
}

static int load(const struct bpf_insn *insns, uint32_t n, const char *name)
{
	struct ebpf_load_opts opts = { .name = name };

	return ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, insns, n,
				   &opts);
}

static int map_create(enum bpf_map_type type, uint32_t value_size,
		      uint32_t max, const char *name)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = max;
	strncpy(attr.map_name, name, sizeof(attr.map_name) - 1);
	return sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static char out[8192];

/* What upstream 6.1's kernel makes bpftool print for the cases below. */
static const char prog_show_want[] =
	"ID: socket_filter  name bt_ret  tag f7b20f7af67e4318  gpl\n"
	"\tloaded_at TIME  uid 0\n"
	"\txlated 16B  JIT  memlock 4096B\n";

static const char prog_show_maps_want[] =
	"ID: socket_filter  name bt_maps  tag f4e9cfdbdd74f3fb  gpl\n"
	"\tloaded_at TIME  uid 0\n"
	"\txlated 48B  JIT  memlock 4096B  map_ids ID\n";

static const char dump_xlated_want[] =
	"   0: (18) r1 = map[id:ID]\n"
	"   2: (18) r2 = map[id:ID][0]+4\n"
	"   4: (61) r0 = *(u32 *)(r2 +0)\n"
	"   5: (95) exit\n";

/* Each called function by its own symbol: the tags are of its code. */
static const char dump_calls_want[] =
	"   0: (b7) r1 = 3\n"
	"   1: (85) call pc+2#bpf_prog_cd2bdbcb423041aa_F\n"
	"   2: (85) call pc+4#bpf_prog_8923dad831f6fb51_F\n"
	"   3: (95) exit\n"
	"   4: (b7) r0 = 1\n"
	"   5: (0f) r0 += r1\n"
	"   6: (95) exit\n"
	"   7: (b7) r0 = 7\n"
	"   8: (95) exit\n";

static const char map_show_want[] =
	"ID: array  name bt_dump  flags 0x0\n"
	"\tkey 4B  value 8B  max_entries 3  memlock 4096B\n";

static const char map_dump_want[] =
	"key: 00 00 00 00  value: 00 11 00 00 00 00 00 00\n"
	"key: 01 00 00 00  value: 01 11 00 00 00 00 00 00\n"
	"key: 02 00 00 00  value: 02 11 00 00 00 00 00 00\n"
	"Found 3 elements\n";

static const char map_show_frozen_want[] =
	"ID: array  name bt_frozen  flags 0x0\n"
	"\tkey 4B  value 8B  max_entries 1  memlock 4096B\n"
	"\tfrozen\n";

static void prog_show(void)
{
	struct bpf_insn insns[] = { MOV64I(R0, 42), EXIT() };
	int fd = expect_ok(load(insns, ARRAY_SIZE(insns), "bt_ret"));

	if (run_bpftool(out, sizeof(out), "prog show id %u", obj_id(fd, true)))
		expect_output(out, prog_show_want);
	close(fd);
}

static void prog_show_maps(void)
{
	int array = expect_ok(map_create(BPF_MAP_TYPE_ARRAY, 8, 1, "bt_a"));
	int hash = expect_ok(map_create(BPF_MAP_TYPE_HASH, 8, 4, "bt_h"));
	struct bpf_insn insns[] = {
		LDMAP(R1, hash),
		LDMAPVALUE(R2, array, 4),
		LDX(BPF_W, R0, R2, 0),
		EXIT(),
	};
	int fd = expect_ok(load(insns, ARRAY_SIZE(insns), "bt_maps"));
	__u32 id = obj_id(fd, true);

	if (run_bpftool(out, sizeof(out), "prog show id %u", id))
		expect_output(out, prog_show_maps_want);
	if (run_bpftool(out, sizeof(out), "prog dump xlated id %u", id))
		expect_output(out, dump_xlated_want);
	close(fd);
	close(array);
	close(hash);
}

/*
 * How many lines of /proc/kallsyms name @sym, a JIT image's; the address
 * of the last in *@addr.
 */
static int kallsyms_find(const char *sym, __u64 *addr)
{
	char line[512], name[256];
	unsigned long long a;
	int n = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %*s %255s", &a, name) != 2 ||
		    strcmp(name, sym) || !strstr(line, "[bpf]"))
			continue;
		*addr = a;
		n++;
	}
	fclose(f);
	return n;
}

/*
 * A program with bpf-to-bpf calls: the calls name their functions, each
 * function is in kallsyms, bpf_prog_info gives each its address, length
 * and tag, as upstream, where each function is an image of its own.
 */
static void prog_calls(void)
{
	struct bpf_insn insns[] = {
		MOV64I(R1, 3),
		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2),
		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 4),
		EXIT(),
		MOV64I(R0, 1),
		A64(BPF_ADD, R0, R1),
		EXIT(),
		MOV64I(R0, 7),
		EXIT(),
	};
	int fd = expect_ok(load(insns, ARRAY_SIZE(insns), "bt_calls"));
	__u8 tags[4][BPF_TAG_SIZE] = {};
	struct bpf_prog_info info;
	static const char * const syms[] = {
		"bpf_prog_179d211b312269b2_bt_calls",
		"bpf_prog_cd2bdbcb423041aa_F",
		"bpf_prog_8923dad831f6fb51_F",
	};
	__u32 lens[4] = {}, len = 0, i;
	__u64 ksyms[4] = {}, addr = 0;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	info.nr_jited_ksyms = 4;
	info.jited_ksyms = ptr_to_u64(ksyms);
	info.nr_jited_func_lens = 4;
	info.jited_func_lens = ptr_to_u64(lens);
	info.nr_prog_tags = 4;
	info.prog_tags = ptr_to_u64(tags);
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = ptr_to_u64(&info);
	expect_ok(sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)));
	if (!info.jited_prog_len) {
		tap_fail("not JIT-compiled: the case needs bpf_jit_enable=1");
		close(fd);
		return;
	}
	expect_eq(info.nr_jited_ksyms, 3);
	expect_eq(info.nr_jited_func_lens, 3);
	expect_eq(info.nr_prog_tags, 3);
	for (i = 0; i < 3; i++)
		len += lens[i];
	expect_eq(len, info.jited_prog_len);
	if (memcmp(tags[1], "\xcd\x2b\xdb\xcb\x42\x30\x41\xaa", 8))
		tap_fail("function 1's tag is not that of its code");

	if (run_bpftool(out, sizeof(out), "prog dump xlated id %u",
			obj_id(fd, true)))
		expect_output(out, dump_calls_want);
	for (i = 0; i < 3; i++) {
		expect_eq(kallsyms_find(syms[i], &addr), 1);
		if (addr != ksyms[i])
			tap_fail("%s is at %llx, bpf_prog_info says %llx",
				 syms[i], (unsigned long long)addr,
				 (unsigned long long)ksyms[i]);
	}
	close(fd);
	expect_eq(kallsyms_find(syms[1], &addr), 0);
}

static void map_show_and_dump(void)
{
	int array = expect_ok(map_create(BPF_MAP_TYPE_ARRAY, 8, 3, "bt_dump"));
	__u32 key, id = obj_id(array, false);
	__u64 value;

	for (key = 0; key < 3; key++) {
		value = 0x1100 + key;
		expect_ok(ebpf_map_update(array, &key, &value, BPF_ANY));
	}
	if (run_bpftool(out, sizeof(out), "map show id %u", id))
		expect_output(out, map_show_want);
	if (run_bpftool(out, sizeof(out), "map dump id %u", id))
		expect_output(out, map_dump_want);
	close(array);
}

static void map_show_frozen(void)
{
	int array = expect_ok(map_create(BPF_MAP_TYPE_ARRAY, 8, 1,
					 "bt_frozen"));
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = array;
	expect_ok(sys_bpf(BPF_MAP_FREEZE, &attr, sizeof(attr)));
	if (run_bpftool(out, sizeof(out), "map show id %u", obj_id(array, false)))
		expect_output(out, map_show_frozen_want);
	close(array);
}

static const struct tap_case cases[] = {
	TAP_CASE(prog_show),
	TAP_CASE(prog_show_maps),
	TAP_CASE(prog_calls),
	TAP_CASE(map_show_and_dump),
	TAP_CASE(map_show_frozen),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
