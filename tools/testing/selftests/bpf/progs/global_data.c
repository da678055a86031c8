// SPDX-License-Identifier: GPL-2.0
/*
 * Global variables: .data, .bss and .rodata, which libbpf turns into
 * one-element array maps that the program addresses directly. The
 * variables user space reads or sets sit alone in their sections, so
 * that each is at offset 0 of its map whatever the compiler's layout.
 * user_scale is set by user space before loading; it is not const, or
 * the compilers would fold its initial value, but its section makes
 * libbpf create it read-only to programs and freeze it (gas warns about
 * a writable variable in a .rodata section when gcc-bpf builds this).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 user_scale SEC(".rodata.cfg") = 1;

struct {
	__u64 runs;
	__u32 last_len;
} stats;

__u64 total = 1000;
/*
 * Not 16 bytes: clang 14 puts a 16-byte constant in .rodata.cst16,
 * which libbpf 1.1 cannot place ("failed to determine size").
 */
static const __u32 primes[5] = { 2, 3, 5, 7, 11 };

SEC("socket")
int global_data(struct __sk_buff *skb)
{
	stats.runs++;
	stats.last_len = skb->len;
	total += primes[stats.runs & 3] * user_scale;
	return user_scale * 10 + primes[3];
}

char LICENSE[] SEC("license") = "GPL";
