// SPDX-License-Identifier: GPL-2.0
/*
 * Functions the compiler keeps as functions: bpf-to-bpf calls taking
 * scalars, a pointer into the caller's stack (read and written) and a
 * map value pointer, one function called from two places, a chain of
 * three calls, and a global (non-static) function. Every argument
 * depends on the packet, so that no compiler folds a call away.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

__u32 bumps;

static __noinline int square(int x)
{
	return x * x;
}

/* Writes the caller's buffer. */
static __noinline void fill(__u8 *buf, __u8 first)
{
	int i;

	for (i = 0; i < 16; i++)
		buf[i] = first + i;
}

/* Reads it back. */
static __noinline __u32 sum(const __u8 *buf, int n)
{
	__u32 s = 0;
	int i;

	for (i = 0; i < 16 && i < n; i++)
		s += buf[i];
	return s;
}

static __noinline int bump(__u64 *total, __u64 by)
{
	*total += by;
	bumps++;
	return 0;
}

static __noinline int depth3(int x)
{
	return x + 3;
}

static __noinline int depth2(int x)
{
	return depth3(x) * 2;
}

static __noinline int depth1(int x)
{
	return depth2(x) + 1;
}

__noinline int global_twice(int x)
{
	return x * 2;
}

SEC("socket")
int subprogs(struct __sk_buff *skb)
{
	__u32 len = skb->len, key = 0;
	__u8 buf[16];
	__u64 *total;
	int r;

	fill(buf, len & 0xff);
	r = sum(buf, len);
	r += square(len & 7) + square((len >> 3) & 7);
	r += depth1(len & 3);
	r += global_twice(len);
	total = bpf_map_lookup_elem(&totals, &key);
	if (total)
		bump(total, r);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
