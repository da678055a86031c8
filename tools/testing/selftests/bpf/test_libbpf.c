// SPDX-License-Identifier: GPL-2.0
/*
 * What libbpf 1.1 and bpftool 7.1 need from the kernel, found by running
 * them: libbpf's feature probes, global data (BPF_PSEUDO_MAP_VALUE on
 * BPF_F_MMAPABLE arrays, frozen BPF_F_RDONLY_PROG ones for .rodata),
 * BPF_MAP_FREEZE, mmap() of maps, BPF_OBJ_GET_INFO_BY_FD, ids and
 * BPF_*_GET_NEXT_ID / BPF_*_GET_FD_BY_ID; and that BTF, which this
 * kernel lacks, fails the way libbpf expects of an older kernel. Each
 * case checks upstream's errnos.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf.h"
#include "tap.h"

/* ENOTSUPP, the kernel's "not supported", as user space sees it. */
#define ENOTSUPP_KERNEL	524

/* A libbpf call that must fail with errno @e (libbpf returns -@e). */
#define expect_fail(call, e) do {					\
	int __want = (e);						\
	long __r;							\
	errno = 0;							\
	__r = (long)(call);						\
	if (__r >= 0 || errno != __want)				\
		tap_fail("%s returned %ld errno %d (%s), expected errno %d (%s)", \
			 #call, __r, errno, strerror(errno),		\
			 __want, strerror(__want));			\
} while (0)

/* r = the address of byte @off of the value of the map behind @fd */
#define LDMAPVALUE(d, fd, off)						\
	INSNS(INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_VALUE, 0, fd), \
	      INSN(0, 0, 0, 0, off))

static unsigned char pkt[64] = { [12] = 0x08, [14] = 0x45 };

static int load(const struct bpf_insn *insns, uint32_t n, const char *name)
{
	struct ebpf_load_opts opts = { .name = name };

	return ebpf_prog_load_opts(BPF_PROG_TYPE_SOCKET_FILTER, insns, n,
				   &opts);
}

static int array_create(uint32_t value_size, uint32_t max, uint32_t flags,
			const char *name)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);

	return bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, value_size, max,
			      &opts);
}

/* ---- libbpf's probes ------------------------------------------------ */

static void probes_prog_and_map_types(void)
{
	expect_eq(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER,
					     NULL), 1);
	expect_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_HASH, NULL), 1);
	expect_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_ARRAY, NULL), 1);
	expect_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PROG_ARRAY, NULL), 1);
	expect_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PERCPU_HASH, NULL),
		  1);
	expect_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PERCPU_ARRAY, NULL),
		  1);
	expect_eq(libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCKET_FILTER,
					  BPF_FUNC_map_lookup_elem, NULL), 1);
	expect_eq(libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCKET_FILTER,
					  BPF_FUNC_skb_load_bytes, NULL), 1);
}

/*
 * BTF: libbpf loads an object's BTF only if a probe BTF loads. This
 * kernel has no BTF: BPF_BTF_LOAD is an unknown command (EINVAL), as on
 * a kernel from before BTF, and libbpf goes on without it.
 */
static void btf_load_refused(void)
{
	static const struct {
		struct {
			__u16 magic;
			__u8 version, flags;
			__u32 hdr_len, type_off, type_len, str_off, str_len;
		} hdr;
		__u32 int_type[4];
		char strings[5];
	} btf = {
		.hdr = { 0xeb9f, 1, 0, 24, 0, 16, 16, 5 },
		/* "int": name 1, kind INT, size 4, 32 bits signed */
		.int_type = { 1, 1 << 24, 4, 1 << 24 | 32 },
		.strings = "\0int",
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.btf = ptr_to_u64(&btf);
	/* exactly the header and its sections, no padding */
	attr.btf_size = offsetof(typeof(btf), strings) + sizeof(btf.strings);
	if (on_reference()) {
		fd = expect_ok(sys_bpf(BPF_BTF_LOAD, &attr, sizeof(attr)));
		close(fd);
		return;
	}
	expect_errno(sys_bpf(BPF_BTF_LOAD, &attr, sizeof(attr)), EINVAL);
}

/* ---- names ---------------------------------------------------------- */

static void prog_and_map_names(void)
{
	struct bpf_insn insns[] = { MOV64I(R0, 0), EXIT() };
	struct bpf_prog_info pinfo = {};
	struct bpf_map_info minfo = {};
	__u32 len = sizeof(pinfo);
	int prog, map;

	prog = expect_ok(load(insns, ARRAY_SIZE(insns), "libbpf_nametest"));
	map = expect_ok(array_create(4, 1, 0, "a.name_ok"));
	expect_ok(bpf_obj_get_info_by_fd(prog, &pinfo, &len));
	expect(!strcmp(pinfo.name, "libbpf_nametest"));
	len = sizeof(minfo);
	expect_ok(bpf_obj_get_info_by_fd(map, &minfo, &len));
	expect(!strcmp(minfo.name, "a.name_ok"));
	expect_errno(load(insns, ARRAY_SIZE(insns), "bad-name"), EINVAL);
	expect_fail(array_create(4, 1, 0, "bad name"), EINVAL);
	close(prog);
	close(map);
}

/* ---- global data: BPF_PSEUDO_MAP_VALUE ------------------------------ */

/* What libbpf's global data probe does: a store to a map value's address. */
static void map_value_store(void)
{
	int map = expect_ok(array_create(32, 1, 0, "global"));
	struct bpf_insn insns[] = {
		LDMAPVALUE(R1, map, 16),
		ST(BPF_DW, R1, 0, 42),
		LDMAPVALUE(R2, map, 4),
		LDX(BPF_W, R0, R2, 0),
		EXIT(),
	};
	__u64 value[4] = { 0 }, zero = 0;
	__u32 retval = 0;
	int prog;

	value[0] = 7ull << 32;		/* the u32 at offset 4 */
	expect_ok(ebpf_map_update(map, &zero, value, BPF_ANY));
	prog = expect_ok(load(insns, ARRAY_SIZE(insns), "map_value"));
	expect_ok(ebpf_prog_test_run(prog, pkt, sizeof(pkt), &retval, NULL,
				     1));
	expect_eq(retval, 7);
	expect_ok(ebpf_map_lookup(map, &zero, value));
	expect_eq(value[2], 42);
	close(prog);
	close(map);
}

static int load_value_ref(int map, __u32 off)
{
	struct bpf_insn insns[] = {
		LDMAPVALUE(R1, map, off),
		MOV64I(R0, 0),
		EXIT(),
	};

	return load(insns, ARRAY_SIZE(insns), NULL);
}

static void map_value_refused(void)
{
	int hash = expect_ok(ebpf_map_create(BPF_MAP_TYPE_HASH, 4, 8, 1, 0));
	int two = expect_ok(array_create(8, 2, 0, NULL));
	int one = expect_ok(array_create(8, 1, 0, NULL));
	int pcpu = expect_ok(ebpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
					     1, 0));

	expect_errno(load_value_ref(hash, 0), EINVAL);
	expect_errno(load_value_ref(pcpu, 0), EINVAL);
	expect_errno(load_value_ref(two, 0), ENOTSUPP_KERNEL);
	expect_errno(load_value_ref(one, 8), EINVAL);
	expect_errno(load_value_ref(-1, 0), EBADF);
	close(expect_ok(load_value_ref(one, 7)));
	close(hash);
	close(two);
	close(one);
	close(pcpu);
}

/* Past the end of the value, from a valid address: the access is checked. */
static void map_value_bounds(void)
{
	int map = expect_ok(array_create(8, 1, 0, NULL));
	struct bpf_insn insns[] = {
		LDMAPVALUE(R1, map, 4),
		LDX(BPF_DW, R0, R1, 0),
		EXIT(),
	};

	expect_errno(load(insns, ARRAY_SIZE(insns), NULL), EACCES);
	close(map);
}

/* .rodata: read-only to programs; .kconfig-like write-only the other way. */
static void map_prog_access_flags(void)
{
	int ro = expect_ok(array_create(8, 1, BPF_F_RDONLY_PROG, NULL));
	int wo = expect_ok(array_create(8, 1, BPF_F_WRONLY_PROG, NULL));
	struct bpf_insn store_ro[] = {
		LDMAPVALUE(R1, ro, 0), ST(BPF_DW, R1, 0, 1),
		MOV64I(R0, 0), EXIT(),
	};
	struct bpf_insn load_ro[] = {
		LDMAPVALUE(R1, ro, 0), LDX(BPF_DW, R0, R1, 0), EXIT(),
	};
	struct bpf_insn store_wo[] = {
		LDMAPVALUE(R1, wo, 0), ST(BPF_DW, R1, 0, 1),
		MOV64I(R0, 0), EXIT(),
	};
	struct bpf_insn load_wo[] = {
		LDMAPVALUE(R1, wo, 0), LDX(BPF_DW, R0, R1, 0), EXIT(),
	};

	expect_errno(load(store_ro, ARRAY_SIZE(store_ro), NULL), EACCES);
	close(expect_ok(load(load_ro, ARRAY_SIZE(load_ro), NULL)));
	close(expect_ok(load(store_wo, ARRAY_SIZE(store_wo), NULL)));
	expect_errno(load(load_wo, ARRAY_SIZE(load_wo), NULL), EACCES);
	expect_fail(array_create(8, 1, BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG,
				 NULL), EINVAL);
	close(ro);
	close(wo);
}

/*
 * libbpf's .rodata: frozen and read-only to programs, its values are
 * constants to the verifier, which never explores the paths they rule
 * out (here one that reads past the stack). Without either flag the
 * path is explored and the program refused.
 */
static int load_rodata_user(__u32 flags, bool frozen)
{
	int map = expect_ok(array_create(8, 1, flags, NULL));
	struct bpf_insn insns[] = {
		LDMAPVALUE(R1, map, 4),
		LDX(BPF_W, R0, R1, 0),
		JI(BPF_JEQ, R0, 7, 1),
		LDX(BPF_DW, R0, R10, 8),
		EXIT(),
	};
	__u64 value = 7ull << 32, zero = 0;
	int prog;

	expect_ok(ebpf_map_update(map, &zero, &value, BPF_ANY));
	if (frozen)
		expect_ok(bpf_map_freeze(map));
	prog = load(insns, ARRAY_SIZE(insns), NULL);
	close(map);
	return prog;
}

static void rodata_constants(void)
{
	__u32 retval = 0;
	int prog;

	prog = expect_ok(load_rodata_user(BPF_F_RDONLY_PROG, true));
	expect_ok(ebpf_prog_test_run(prog, pkt, sizeof(pkt), &retval, NULL,
				     1));
	expect_eq(retval, 7);
	close(prog);
	expect_errno(load_rodata_user(BPF_F_RDONLY_PROG, false), EACCES);
	expect_errno(load_rodata_user(0, true), EACCES);
}

/* ---- BPF_MAP_FREEZE ------------------------------------------------- */

static void freeze(void)
{
	int map = expect_ok(array_create(8, 1, 0, NULL));
	struct bpf_insn insns[] = {
		LDMAPVALUE(R1, map, 0), ST(BPF_DW, R1, 0, 5),
		MOV64I(R0, 0), EXIT(),
	};
	__u64 value = 3, zero = 0;
	int prog, rdonly;

	expect_ok(ebpf_map_update(map, &zero, &value, BPF_ANY));
	expect_ok(bpf_map_freeze(map));
	expect_errno(ebpf_map_update(map, &zero, &value, BPF_ANY), EPERM);
	expect_fail(bpf_map_freeze(map), EBUSY);
	expect_ok(ebpf_map_lookup(map, &zero, &value));
	expect_eq(value, 3);
	/* frozen for user space only: programs still write */
	prog = expect_ok(load(insns, ARRAY_SIZE(insns), NULL));
	expect_ok(ebpf_prog_test_run(prog, pkt, sizeof(pkt), NULL, NULL, 1));
	expect_ok(ebpf_map_lookup(map, &zero, &value));
	expect_eq(value, 5);
	close(prog);

	/* a read-only fd may freeze too; a closed one may not */
	rdonly = expect_ok(array_create(8, 1, BPF_F_RDONLY, NULL));
	expect_ok(bpf_map_freeze(rdonly));
	close(rdonly);
	expect_fail(bpf_map_freeze(rdonly), EBADF);
	close(map);
}

/* ---- mmap() of BPF_F_MMAPABLE arrays -------------------------------- */

static void mmap_array(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int map = expect_ok(array_create(8, 1000, BPF_F_MMAPABLE, NULL));
	__u32 key = 999;
	__u64 value = 0, *p;

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, map, 0);
	expect(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	p[999] = 77;
	expect_ok(ebpf_map_lookup(map, &key, &value));
	expect_eq(value, 77);
	value = 88;
	expect_ok(ebpf_map_update(map, &key, &value, BPF_ANY));
	expect_eq(p[999], 88);
	/* a writable mapping keeps the map from being frozen */
	expect_fail(bpf_map_freeze(map), EBUSY);
	munmap(p, 2 * page);
	expect_ok(bpf_map_freeze(map));
	expect(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map, 0) ==
	       MAP_FAILED && errno == EPERM);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, map, 0);
	expect(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		expect_eq(p[999 % (page / 8)], 0);
		munmap(p, page);
	}
	close(map);
}

static void mmap_refused(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int mmapable = expect_ok(array_create(8, 10, BPF_F_MMAPABLE, NULL));
	int plain = expect_ok(array_create(8, 10, 0, NULL));
	int ro = expect_ok(array_create(8, 10, BPF_F_MMAPABLE |
					BPF_F_RDONLY_PROG, NULL));
	int hash = expect_ok(ebpf_map_create(BPF_MAP_TYPE_HASH, 4, 8, 1, 0));
	void *p;

	expect_errno(ebpf_map_create(BPF_MAP_TYPE_HASH, 4, 8, 1,
				     BPF_F_MMAPABLE), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1,
				     BPF_F_MMAPABLE), EINVAL);
	expect_errno(mmap(NULL, page, PROT_READ, MAP_PRIVATE, mmapable, 0),
		     EINVAL);
	expect_errno(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, mmapable, 0),
		     EINVAL);
	expect_errno(mmap(NULL, page, PROT_READ, MAP_SHARED, plain, 0),
		     EINVAL);
	expect_errno(mmap(NULL, page, PROT_READ, MAP_SHARED, hash, 0),
		     ENOTSUPP_KERNEL);
	/* read-only to programs: the values must not change behind them */
	expect_errno(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro,
			  0), EACCES);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
	expect(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		expect_errno(mprotect(p, page, PROT_READ | PROT_WRITE), EACCES);
		munmap(p, page);
	}
	close(mmapable);
	close(plain);
	close(ro);
	close(hash);
}

/* ---- BPF_OBJ_GET_INFO_BY_FD ----------------------------------------- */

/* The program libbpf's feature probe loads, whose tag upstream computes. */
static const struct bpf_insn ret0[] = { MOV64I(R0, 0), EXIT() };
static const __u8 ret0_tag[BPF_TAG_SIZE] = {
	0xa0, 0x4f, 0x5e, 0xef, 0x06, 0xa7, 0xf5, 0x55,
};

static void prog_info(void)
{
	int map = expect_ok(array_create(8, 1, 0, "info_map"));
	struct bpf_insn insns[] = {
		LDMAP(R1, map),
		LDMAPVALUE(R2, map, 4),
		MOV64I(R0, 1),
		EXIT(),
	};
	struct bpf_insn xlated[16];
	struct bpf_map_info minfo = {};
	struct bpf_prog_info info;
	__u32 len, map_ids[2] = { 0 }, ksym_lens[1];
	__u8 tags[2][BPF_TAG_SIZE];
	int prog, same;

	prog = expect_ok(load(insns, ARRAY_SIZE(insns), "info_prog"));
	same = expect_ok(load(insns, ARRAY_SIZE(insns), "info_prog"));
	len = sizeof(minfo);
	expect_ok(bpf_obj_get_info_by_fd(map, &minfo, &len));

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 2;
	info.map_ids = ptr_to_u64(map_ids);
	info.xlated_prog_len = sizeof(xlated);
	info.xlated_prog_insns = ptr_to_u64(xlated);
	info.nr_prog_tags = 2;
	info.prog_tags = ptr_to_u64(tags);
	info.nr_jited_func_lens = 1;
	info.jited_func_lens = ptr_to_u64(ksym_lens);
	len = sizeof(info);
	expect_ok(bpf_obj_get_info_by_fd(prog, &info, &len));
	expect_eq(len, sizeof(info));
	expect_eq(info.type, BPF_PROG_TYPE_SOCKET_FILTER);
	expect(info.id > 0);
	expect(!strcmp(info.name, "info_prog"));
	expect_eq(info.nr_map_ids, 1);
	expect_eq(map_ids[0], minfo.id);
	expect_eq(info.gpl_compatible, 1);
	expect_eq(info.created_by_uid, getuid());
	expect(info.load_time > 0);
	expect_eq(info.nr_prog_tags, 1);
	expect(!memcmp(tags[0], info.tag, BPF_TAG_SIZE));
	expect_eq(info.nr_jited_ksyms, 1);
	expect_eq(info.nr_jited_func_lens, 1);
	expect_eq(info.func_info_rec_size, sizeof(struct bpf_func_info));
	expect_eq(info.line_info_rec_size, sizeof(struct bpf_line_info));
	expect_eq(info.btf_id, 0);
	expect(info.verified_insns > 0);

	/* the xlated program gives maps back as ids and offsets */
	expect_eq(info.xlated_prog_len, sizeof(insns));
	expect_eq(xlated[0].code, BPF_LD | BPF_IMM | BPF_DW);
	expect_eq(xlated[0].src_reg, BPF_PSEUDO_MAP_FD);
	expect_eq(xlated[0].imm, minfo.id);
	expect_eq(xlated[1].imm, 0);
	expect_eq(xlated[2].src_reg, BPF_PSEUDO_MAP_VALUE);
	expect_eq(xlated[2].imm, minfo.id);
	expect_eq(xlated[3].imm, 4);
	expect(!memcmp(&xlated[4], &insns[4], 2 * sizeof(insns[0])));

	/* the tag does not depend on map fds */
	len = sizeof(info);
	memset(&info, 0, sizeof(info));
	expect_ok(bpf_obj_get_info_by_fd(same, &info, &len));
	expect(!memcmp(tags[0], info.tag, BPF_TAG_SIZE));
	close(prog);
	close(same);
	close(map);
}

static void prog_tag(void)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int prog = expect_ok(load(ret0, ARRAY_SIZE(ret0), NULL));

	expect_ok(bpf_obj_get_info_by_fd(prog, &info, &len));
	expect(!memcmp(info.tag, ret0_tag, BPF_TAG_SIZE));
	close(prog);
}

static void map_info(void)
{
	int map = expect_ok(array_create(12, 3, BPF_F_MMAPABLE, "m"));
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0xff, sizeof(info));
	expect_ok(bpf_obj_get_info_by_fd(map, &info, &len));
	expect_eq(len, sizeof(info));
	expect_eq(info.type, BPF_MAP_TYPE_ARRAY);
	expect(info.id > 0);
	expect_eq(info.key_size, 4);
	expect_eq(info.value_size, 12);
	expect_eq(info.max_entries, 3);
	expect_eq(info.map_flags, BPF_F_MMAPABLE);
	expect(!strcmp(info.name, "m"));
	expect_eq(info.btf_id, 0);
	expect_eq(info.map_extra, 0);
	close(map);
}

static void info_sizes(void)
{
	int map = expect_ok(array_create(8, 1, 0, NULL));
	int prog = expect_ok(load(ret0, ARRAY_SIZE(ret0), NULL));
	struct { struct bpf_map_info info; __u64 more[2]; } big;
	struct bpf_prog_info pinfo;
	__u32 len;
	int pipefd[2];

	/* a longer struct is fine while its tail is zero */
	memset(&big, 0, sizeof(big));
	len = sizeof(big);
	expect_ok(bpf_obj_get_info_by_fd(map, &big, &len));
	expect_eq(len, sizeof(big.info));
	big.more[1] = 1;
	len = sizeof(big);
	expect_eq(bpf_obj_get_info_by_fd(map, &big, &len), -E2BIG);
	/* a shorter one gets what fits */
	memset(&pinfo, 0, sizeof(pinfo));
	len = 8;
	expect_ok(bpf_obj_get_info_by_fd(prog, &pinfo, &len));
	expect_eq(len, 8);
	expect_eq(pinfo.type, BPF_PROG_TYPE_SOCKET_FILTER);
	expect_eq(pinfo.xlated_prog_len, 0);
	/* records of a size the kernel does not know */
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.func_info_rec_size = 4;
	len = sizeof(pinfo);
	expect_eq(bpf_obj_get_info_by_fd(prog, &pinfo, &len), -EINVAL);
	/* only programs and maps */
	expect_ok(pipe(pipefd));
	len = sizeof(pinfo);
	expect_eq(bpf_obj_get_info_by_fd(pipefd[0], &pinfo, &len), -EINVAL);
	close(pipefd[0]);
	close(pipefd[1]);
	expect_eq(bpf_obj_get_info_by_fd(pipefd[0], &pinfo, &len), -EBADFD);
	close(map);
	close(prog);
}

/* ---- ids ------------------------------------------------------------ */

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static void prog_ids(void)
{
	int a = expect_ok(load(ret0, ARRAY_SIZE(ret0), "id_a"));
	int b = expect_ok(load(ret0, ARRAY_SIZE(ret0), "id_b"));
	__u32 ida = prog_id(a), idb = prog_id(b), id = 0, found = 0;
	int fd;

	expect(ida && idb && ida != idb);
	while (!bpf_prog_get_next_id(id, &id))
		found += (id == ida) + (id == idb);
	expect_eq(errno, ENOENT);
	expect_eq(found, 2);
	fd = expect_ok(bpf_prog_get_fd_by_id(idb));
	expect_eq(prog_id(fd), idb);
	close(fd);
	close(b);
	/* gone with its last fd */
	expect_fail(bpf_prog_get_fd_by_id(idb), ENOENT);
	expect_fail(bpf_prog_get_next_id(INT_MAX, &id), EINVAL);
	expect_fail(bpf_prog_get_fd_by_id(0), ENOENT);
	close(a);
}

static void map_ids(void)
{
	int a = expect_ok(array_create(8, 1, 0, "id_a"));
	__u32 ida = map_id(a), id = 0, found = 0, key = 0;
	__u64 value = 1;
	union bpf_attr attr;
	int fd;

	expect(ida);
	while (!bpf_map_get_next_id(id, &id))
		found += id == ida;
	expect_eq(errno, ENOENT);
	expect_eq(found, 1);
	fd = expect_ok(bpf_map_get_fd_by_id(ida));
	expect_eq(map_id(fd), ida);
	expect_ok(ebpf_map_update(fd, &key, &value, BPF_ANY));
	close(fd);

	/* open_flags choose the access of the new fd */
	memset(&attr, 0, sizeof(attr));
	attr.map_id = ida;
	attr.open_flags = BPF_F_RDONLY;
	fd = expect_ok(sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr)));
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), EPERM);
	expect_ok(ebpf_map_lookup(fd, &key, &value));
	close(fd);
	attr.open_flags = BPF_F_RDONLY | BPF_F_WRONLY;
	expect_errno(sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr)),
		     EINVAL);
	attr.open_flags = BPF_F_MMAPABLE;
	expect_errno(sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr)),
		     EINVAL);
	close(a);
	expect_fail(bpf_map_get_fd_by_id(ida), ENOENT);
}

/* A program keeps its maps, and their ids, alive after their fds close. */
static void map_id_held_by_prog(void)
{
	int map = expect_ok(array_create(8, 1, 0, "held"));
	struct bpf_insn insns[] = { LDMAP(R1, map), MOV64I(R0, 0), EXIT() };
	__u32 id = map_id(map);
	int prog, fd;

	prog = expect_ok(load(insns, ARRAY_SIZE(insns), NULL));
	close(map);
	fd = expect_ok(bpf_map_get_fd_by_id(id));
	close(fd);
	close(prog);
}

static const struct tap_case cases[] = {
	TAP_CASE(probes_prog_and_map_types),
	TAP_CASE(btf_load_refused),
	TAP_CASE(prog_and_map_names),
	TAP_CASE(map_value_store),
	TAP_CASE(map_value_refused),
	TAP_CASE(map_value_bounds),
	TAP_CASE(map_prog_access_flags),
	TAP_CASE(rodata_constants),
	TAP_CASE(freeze),
	TAP_CASE(mmap_array),
	TAP_CASE(mmap_refused),
	TAP_CASE(prog_info),
	TAP_CASE(prog_tag),
	TAP_CASE(map_info),
	TAP_CASE(info_sizes),
	TAP_CASE(prog_ids),
	TAP_CASE(map_ids),
	TAP_CASE(map_id_held_by_prog),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
