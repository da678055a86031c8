/* SPDX-License-Identifier: GPL-2.0 */
/*
 * More cases of test_verifier.c for the packet loads of socket filters
 * (BPF_LD_ABS, BPF_LD_IND): their calling convention, the offsets they
 * take (negative ones included) and what a load outside the packet
 * does; and for bpf_skb_load_bytes() of a size known to the verifier,
 * which JIT-compiled programs do in place. Accepted cases run on a test
 * packet: a zeroed Ethernet header, then payload bytes 1, 2, ..., 50,
 * where offset 0 is the first payload byte (the network header).
 */

/* classic BPF's areas for negative offsets (linux/filter.h) */
#define PKT_NET_OFF	(-0x100000)
#define PKT_LL_OFF	(-0x200000)

/* A load clobbers R1-R5: reading @r afterwards is refused. */
#define PKT_CLOBBERS(r) {						\
	.name = "packet loads: " #r " is gone afterwards",		\
	.insns = { MOV64(R6, R1), MOV64(R2, R1), MOV64(R3, R1),	\
		   MOV64(R4, R1), MOV64(R5, R1), LDABS(BPF_B, 0),	\
		   MOV64(R0, r), EXIT() },				\
	.result = REJECT, .log = #r " is read", .unpriv = U_SAME,	\
}

/* Accepted, and the run returns @v. */
#define PKT_RUN(nm, v, ...) {						\
	.name = "packet loads: " nm,					\
	.insns = { __VA_ARGS__, EXIT() },				\
	.result = ACCEPT, .run = true, .retval = v, .unpriv = U_SAME,	\
}

static const struct vcase packet_cases[] = {
	PKT_CLOBBERS(R1),
	PKT_CLOBBERS(R2),
	PKT_CLOBBERS(R3),
	PKT_CLOBBERS(R4),
	PKT_CLOBBERS(R5),
	PKT_RUN("R7-R9 survive", 7 + 8 + 9,
		MOV64(R6, R1), MOV64I(R7, 7), MOV64I(R8, 8), MOV64I(R9, 9),
		LDIND(BPF_W, R7, 0), MOV64(R0, R7), A64(BPF_ADD, R0, R8),
		A64(BPF_ADD, R0, R9)),
	PKT_RUN("R1 is not needed, R6 is", 3,
		MOV64(R6, R1), MOV64I(R1, 0), LDABS(BPF_B, 2)),
	PKT_RUN("a context spilled and filled into R6", 0x0102,
		STX(BPF_DW, R10, -8, R1), LDX(BPF_DW, R6, R10, -8),
		LDABS(BPF_H, 0)),
	PKT_RUN("the last half word", 0x3132,
		MOV64(R6, R1), LDABS(BPF_H, 48)),
	PKT_RUN("a half word that sticks out returns 0", 0,
		MOV64(R6, R1), LDABS(BPF_H, 49), MOV64I(R0, 9)),
	PKT_RUN("the last word", 0x2f303132,
		MOV64(R6, R1), LDABS(BPF_W, 46)),
	PKT_RUN("a word that sticks out returns 0", 0,
		MOV64(R6, R1), LDABS(BPF_W, 47), MOV64I(R0, 9)),
	PKT_RUN("the last byte, indirect", 50,
		MOV64(R6, R1), MOV64I(R7, 40), LDIND(BPF_B, R7, 9)),
	PKT_RUN("the largest offset returns 0", 0,
		MOV64(R6, R1), LDABS(BPF_B, 0x7fffffff), MOV64I(R0, 9)),
	PKT_RUN("byte 1 of the network header", 2,
		MOV64(R6, R1), LDABS(BPF_B, PKT_NET_OFF + 1)),
	PKT_RUN("the link-layer header area", 0x0102,
		MOV64(R6, R1), LDABS(BPF_H, PKT_LL_OFF + 14)),
	PKT_RUN("below the link-layer area returns 0", 0,
		MOV64(R6, R1), LDABS(BPF_B, PKT_LL_OFF - 1), MOV64I(R0, 9)),
	PKT_RUN("past the network header area returns 0", 0,
		MOV64(R6, R1), LDABS(BPF_B, PKT_NET_OFF + 50), MOV64I(R0, 9)),
	PKT_RUN("indirect into the network header area", 1,
		MOV64(R6, R1), MOV64I(R7, PKT_NET_OFF), LDIND(BPF_B, R7, 0)),
	/* the offset is the low 32 bits of the sum */
	PKT_RUN("indirect offsets wrap at 32 bits", 2,
		MOV64(R6, R1), MOV32I(R7, -1), LDIND(BPF_B, R7, 2)),
	PKT_RUN("indirect offsets ignore the high half", 4,
		MOV64(R6, R1), LDI64(R7, 0x100000003ULL), LDIND(BPF_B, R7, 0)),
	PKT_RUN("indirect, a negative sum returns 0", 0,
		MOV64(R6, R1), MOV64I(R7, 1), LDIND(BPF_B, R7, -2),
		MOV64I(R0, 9)),
	PKT_RUN("an unknown index, checked at run time", 0,
		MOV64(R6, R1), LDABS(BPF_B, 0), MOV64(R7, R0),
		A64I(BPF_LSH, R7, 20), LDIND(BPF_B, R7, 0), MOV64I(R0, 9)),
	{
		.name = "packet loads: R6 the context on one path only",
		.insns = {
			MOV64(R6, R1), LDX(BPF_W, R0, R1, SKB(len)),
			JI(BPF_JGT, R0, 10, 1), MOV64I(R6, 0),
			LDABS(BPF_B, 0), EXIT(),
		},
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},
	{
		.name = "packet loads: LD_IND of 8 bytes",
		.insns = { MOV64(R6, R1), MOV64I(R7, 0), LDIND(BPF_DW, R7, 0),
			   EXIT() },
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},
	{
		.name = "packet loads: LD_ABS as BPF_LDX is no packet load",
		.insns = { MOV64(R6, R1),
			   INSN(BPF_LDX | BPF_ABS | BPF_B, 0, 0, 0, 0),
			   EXIT() },
		.result = REJECT, .err = EINVAL, .unpriv = U_SAME,
	},

	/*
	 * skb_load_bytes(skb, @off, fp-72, @size), its 72 bytes all ones
	 * before; returns the 32-bit word at byte @at (aligned) of fp-72. Sizes from 1
	 * to 64 are copied in place in words, the last overlapping the one
	 * before; 65 is the helper's.
	 */
#define LOAD_BYTES(nm, off, size, at, v)				\
	PKT_RUN("skb_load_bytes " nm, v, MOV64(R6, R1),			\
		ST(BPF_DW, R10, -8, -1), ST(BPF_DW, R10, -16, -1),	\
		ST(BPF_DW, R10, -24, -1), ST(BPF_DW, R10, -32, -1),	\
		ST(BPF_DW, R10, -40, -1), ST(BPF_DW, R10, -48, -1),	\
		ST(BPF_DW, R10, -56, -1), ST(BPF_DW, R10, -64, -1),	\
		ST(BPF_DW, R10, -72, -1), MOV64(R1, R6),		\
		LDI64(R2, off), MOV64(R3, R10), A64I(BPF_ADD, R3, -72),	\
		MOV64I(R4, size), CALL(BPF_FUNC_skb_load_bytes),	\
		LDX(BPF_W, R0, R10, -72 + (at)))
	LOAD_BYTES("of the last byte", 49, 1, 0, 0xffffff32),
	LOAD_BYTES("of 3 bytes", 0, 3, 0, 0xff030201),
	LOAD_BYTES("of 7 bytes, its start", 40, 7, 0, 0x2c2b2a29),
	LOAD_BYTES("of 7 bytes, its end", 40, 7, 4, 0xff2f2e2d),
	LOAD_BYTES("of 20 bytes, the overlap", 30, 20, 12, 0x2e2d2c2b),
	LOAD_BYTES("of 20 bytes, its end", 30, 20, 16, 0x3231302f),
	LOAD_BYTES("of 20 bytes, after it", 30, 20, 20, 0xffffffff),
	LOAD_BYTES("of 40 bytes, its start", 10, 40, 0, 0x0e0d0c0b),
	LOAD_BYTES("of 40 bytes, its end", 10, 40, 36, 0x3231302f),
	LOAD_BYTES("of the whole packet, its end", 0, 50, 44, 0x302f2e2d),
	LOAD_BYTES("of the whole packet, after it", 0, 50, 48, 0xffff3231),
	LOAD_BYTES("of 20 bytes, one past the end, zeroes", 31, 20, 16, 0),
	LOAD_BYTES("of 64 bytes, past the end, zeroes", 0, 64, 60, 0),
	LOAD_BYTES("of 65 bytes, past the end, zeroes", 0, 65, 60, 0),
	LOAD_BYTES("at offset 2^31 zeroes", 0x80000000ULL, 4, 0, 0),
	LOAD_BYTES("at offset -1 zeroes", -1, 4, 0, 0),
	/* the helper takes the offset's low 32 bits */
	LOAD_BYTES("at offset 2^32 + 3", 0x100000003ULL, 4, 0, 0x07060504),
	LOAD_BYTES("at offset -2^32 + 3", 0xffffffff00000003ULL, 4, 0,
		   0x07060504),
	{
		.name = "packet loads: skb_load_bytes past the end returns -EFAULT",
		.insns = {
			MOV64(R6, R1), MOV64I(R2, 31), MOV64(R3, R10),
			A64I(BPF_ADD, R3, -24), MOV64I(R4, 20),
			CALL(BPF_FUNC_skb_load_bytes), EXIT(),
		},
		.result = ACCEPT, .run = true, .retval = (uint32_t)-EFAULT,
		.unpriv = U_SAME,
	},
	/*
	 * One call, a size of 8 on the path the verifier walks first and 2
	 * on the other, which it must not prune where they meet (the size
	 * is precise): done in place with either size, the call would
	 * write the wrong bytes on the other path. The first case runs the
	 * path walked second, the other case the first; each returns the
	 * word at fp-16: bytes 1, 2, then the 0x77s (size 2) or bytes 1-4.
	 */
#define LOAD_BYTES_SIZES(nm, jmp, v) {					\
	.name = "packet loads: skb_load_bytes with other sizes on other paths, " nm, \
	.insns = {							\
		MOV64(R6, R1), ST(BPF_DW, R10, -16, 0x77777777),	\
		LDX(BPF_W, R7, R6, SKB(len)),				\
		MOV64I(R4, 8), jmp, JA(1), MOV64I(R4, 2),		\
		MOV64(R1, R6), MOV64I(R2, 0), MOV64(R3, R10),		\
		A64I(BPF_ADD, R3, -16), CALL(BPF_FUNC_skb_load_bytes),	\
		LDX(BPF_W, R0, R10, -16), EXIT(),			\
	},								\
	.result = ACCEPT, .run = true, .retval = v, .unpriv = U_SAME,	\
}

	LOAD_BYTES_SIZES("the second", JI(BPF_JGT, R7, 10, 1), 0x77770201),
	LOAD_BYTES_SIZES("the first", JI(BPF_JLE, R7, 10, 1), 0x04030201),
};
