/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kernel/bpf/vals.c takes from the kernel, for building it in user
 * space: integer types, min and max, bit scans, overflow checks and the
 * BPF opcodes of the uapi header.
 */
#ifndef _VALS_USER_H
#define _VALS_USER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;

#define min(a, b) ({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define swap(a, b) do {						\
	typeof(a) *_pa = &(a);						\
	typeof(b) *_pb = &(b);						\
	typeof(a) _t = *_pa;						\
	*_pa = *_pb;							\
	*_pb = _t;							\
} while (0)

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline unsigned long __ffs64(u64 x)
{
	return __builtin_ctzll(x);
}

static inline bool is_power_of_2(u64 x)
{
	return x && !(x & (x - 1));
}

static inline u64 div64_u64(u64 a, u64 b)
{
	return a / b;
}

#endif /* _VALS_USER_H */
