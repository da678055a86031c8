/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A header-only wrapper of bpf(2) for the series' samples and guest
 * tests. Calls follow the syscall convention: they return -1 and set
 * errno on failure, so callers can check the exact errno.
 */
#ifndef __EBPF_H
#define __EBPF_H

#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __NR_bpf
#define __NR_bpf 321
#endif

static inline long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static inline uint64_t ptr_to_u64(const void *ptr)
{
	return (uint64_t)(unsigned long)ptr;
}

static inline int ebpf_map_create(enum bpf_map_type type, uint32_t key_size,
				  uint32_t value_size, uint32_t max_entries,
				  uint32_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static inline int ebpf_map_elem(int cmd, int fd, const void *key,
				const void *value, uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return sys_bpf(cmd, &attr, sizeof(attr));
}

static inline int ebpf_map_lookup(int fd, const void *key, void *value)
{
	return ebpf_map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

static inline int ebpf_map_update(int fd, const void *key, const void *value,
				  uint64_t flags)
{
	return ebpf_map_elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

static inline int ebpf_map_delete(int fd, const void *key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	return sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr));
}

/* A NULL key asks for the first key; ENOENT means there is no next one. */
static inline int ebpf_map_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.next_key = ptr_to_u64(next_key);
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr));
}

/* ---- programs ------------------------------------------------------ */

/* What a load asks for beyond the instructions; zero means the default. */
struct ebpf_load_opts {
	const char *license;		/* "GPL" if NULL */
	uint32_t flags;			/* prog_flags */
	uint32_t log_level;
	char *log_buf;
	uint32_t log_size;
	const char *name;
};

static inline int ebpf_prog_load_opts(enum bpf_prog_type type,
				      const struct bpf_insn *insns,
				      uint32_t count,
				      const struct ebpf_load_opts *opts)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = count;
	attr.license = ptr_to_u64(opts && opts->license ? opts->license :
					   "GPL");
	if (opts) {
		attr.prog_flags = opts->flags;
		attr.log_level = opts->log_level;
		attr.log_buf = ptr_to_u64(opts->log_buf);
		attr.log_size = opts->log_size;
		if (opts->name)
			strncpy(attr.prog_name, opts->name,
				sizeof(attr.prog_name) - 1);
	}
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static inline int ebpf_prog_load(enum bpf_prog_type type,
				 const struct bpf_insn *insns, uint32_t count,
				 char *log, uint32_t log_size)
{
	struct ebpf_load_opts opts = {
		.log_level = log ? 1 : 0, .log_buf = log, .log_size = log_size,
	};

	return ebpf_prog_load_opts(type, insns, count, &opts);
}

/* One BPF_PROG_TEST_RUN; *retval gets the program's return value. */
static inline int ebpf_prog_test_run(int fd, const void *data, uint32_t size,
				     uint32_t *retval, uint32_t *duration,
				     uint32_t repeat)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = size;
	attr.test.repeat = repeat;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	if (!err && retval)
		*retval = attr.test.retval;
	if (!err && duration)
		*duration = attr.test.duration;
	return err;
}

/*
 * Instructions, written the way one reads them:
 *
 *	MOV64I(R1, 5)		r1 = 5
 *	A64(BPF_ADD, R1, R2)	r1 += r2	(A32: 32-bit, w1 += w2)
 *	A64I(BPF_AND, R1, 7)	r1 &= 7
 *	LDX(BPF_W, R0, R1, 4)	r0 = *(u32 *)(r1 + 4)
 *	STX(BPF_DW, R10, -8, R1)	*(u64 *)(r10 - 8) = r1
 *	ST(BPF_W, R10, -4, 0)	*(u32 *)(r10 - 4) = 0
 *	JI(BPF_JGT, R1, 7, 2)	if r1 > 7 goto +2	(J: register, J32*: 32-bit)
 *	LDMAP(R1, fd)		r1 = the map behind fd (two slots)
 *	LDI64(R1, imm)		r1 = a 64-bit immediate (two slots)
 *	CALL(BPF_FUNC_map_lookup_elem), EXIT()
 */
enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

#define INSN(c, d, s, o, i)						\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s),\
			    .off = (o), .imm = (i) })

#define A64(op, d, s)	INSN(BPF_ALU64 | BPF_X | (op), d, s, 0, 0)
#define A64I(op, d, i)	INSN(BPF_ALU64 | BPF_K | (op), d, 0, 0, i)
#define A32(op, d, s)	INSN(BPF_ALU | BPF_X | (op), d, s, 0, 0)
#define A32I(op, d, i)	INSN(BPF_ALU | BPF_K | (op), d, 0, 0, i)
#define MOV64(d, s)	A64(BPF_MOV, d, s)
#define MOV64I(d, i)	A64I(BPF_MOV, d, i)
#define MOV32(d, s)	A32(BPF_MOV, d, s)
#define MOV32I(d, i)	A32I(BPF_MOV, d, i)
#define NEG64(d)	A64I(BPF_NEG, d, 0)
#define NEG32(d)	A32I(BPF_NEG, d, 0)
#define BSWAP(to, d, bits) INSN(BPF_ALU | BPF_END | (to), d, 0, 0, bits)

#define LDX(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, o, s)	INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i)		INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define ATOMIC(sz, op, d, o, s)	INSN(BPF_STX | BPF_ATOMIC | (sz), d, s, o, op)

#define J(op, d, s, o)		INSN(BPF_JMP | BPF_X | (op), d, s, o, 0)
#define JI(op, d, i, o)		INSN(BPF_JMP | BPF_K | (op), d, 0, o, i)
#define J32(op, d, s, o)	INSN(BPF_JMP32 | BPF_X | (op), d, s, o, 0)
#define J32I(op, d, i, o)	INSN(BPF_JMP32 | BPF_K | (op), d, 0, o, i)
#define JA(o)			INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL(fn)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Several instructions where one is expected, for two-slot loads. */
#define INSNS(...)		__VA_ARGS__

/* LDI64(dst, value) */
#define LDI64(d, ...)							\
	INSNS(INSN(BPF_LD | BPF_IMM | BPF_DW, d, 0, 0,			\
		   (uint32_t)(uint64_t)(__VA_ARGS__)),			\
	      INSN(0, 0, 0, 0, (uint32_t)((uint64_t)(__VA_ARGS__) >> 32)))
#define LDMAP(d, fd)							\
	INSNS(INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_FD, 0, fd), \
	      INSN(0, 0, 0, 0, 0))
#define LDABS(sz, i)		INSN(BPF_LD | BPF_ABS | (sz), 0, 0, 0, i)
#define LDIND(sz, s, i)		INSN(BPF_LD | BPF_IND | (sz), 0, s, 0, i)

#endif
