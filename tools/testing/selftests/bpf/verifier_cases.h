/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cases of test_verifier.c, grouped by the rule they check. Each
 * group has cases the verifier must accept and cases it must refuse.
 */

static const struct vcase cases[] = {
/* ---- basics ---------------------------------------------------------- */
{
	.name = "basic: return a constant",
	.insns = { MOV64I(R0, 42), EXIT() },
	.result = ACCEPT, .run = true, .retval = 42, .unpriv = U_SAME,
},
{
	.name = "basic: R0 not set at exit",
	.insns = { EXIT() },
	.result = REJECT, .log = "R0 is not set", .unpriv = U_SAME,
},
{
	.name = "basic: read of an unwritten register",
	.insns = { MOV64(R0, R2), EXIT() },
	.result = REJECT, .log = "R2 is read before", .unpriv = U_SAME,
},
{
	.name = "basic: R10 is read-only",
	.insns = { MOV64I(R10, 0), MOV64I(R0, 0), EXIT() },
	.result = REJECT, .log = "R10", .unpriv = U_SAME,
},
{
	.name = "basic: falls off the end",
	.insns = { MOV64I(R0, 0) },
	.result = REJECT, .err = EINVAL, .log = "jump out of the program",
},
{
	.name = "basic: unreachable instruction",
	.insns = { MOV64I(R0, 0), EXIT(), EXIT() },
	.result = REJECT, .err = EINVAL, .log = "unreachable",
},
{
	.name = "alu: 32-bit mov of a negative immediate zero-extends",
	.insns = { MOV32I(R0, -1), A64I(BPF_RSH, R0, 32), EXIT() },
	.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
},
{
	.name = "alu: 64-bit mov of a negative immediate sign-extends",
	.insns = { MOV64I(R0, -1), A64I(BPF_RSH, R0, 32), EXIT() },
	.result = ACCEPT, .run = true, .retval = 0xffffffff,
},
{
	.name = "stack: spill and fill a constant",
	.insns = {
		MOV64I(R1, 7),
		STX(BPF_DW, R10, -8, R1),
		LDX(BPF_DW, R0, R10, -8),
		EXIT(),
	},
	.result = ACCEPT, .run = true, .retval = 7, .unpriv = U_SAME,
},
{
	.name = "stack: read of uninitialized stack",
	.insns = { LDX(BPF_DW, R0, R10, -8), EXIT() },
	.result = REJECT, .log = "uninitialized stack", .unpriv = U_SAME,
},
{
	.name = "map: lookup, check, read",
	.insns = {
		ST(BPF_W, R10, -4, 0),
		MOV64(R2, R10),
		A64I(BPF_ADD, R2, -4),
		LDMAP(R1, MAP_ARRAY8),
		CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 2),
		LDX(BPF_DW, R0, R0, 0),
		EXIT(),
		MOV64I(R0, 1),
		EXIT(),
	},
	.result = ACCEPT, .run = true, .retval = 0, .unpriv = U_SAME,
},
{
	.name = "map: read without the NULL check",
	.insns = {
		ST(BPF_W, R10, -4, 0),
		MOV64(R2, R10),
		A64I(BPF_ADD, R2, -4),
		LDMAP(R1, MAP_ARRAY8),
		CALL(BPF_FUNC_map_lookup_elem),
		LDX(BPF_DW, R0, R0, 0),
		EXIT(),
	},
	.result = REJECT, .log = "may be NULL", .unpriv = U_SAME,
},
{
	.name = "map: read past the value",
	.insns = {
		ST(BPF_W, R10, -4, 0),
		MOV64(R2, R10),
		A64I(BPF_ADD, R2, -4),
		LDMAP(R1, MAP_ARRAY8),
		CALL(BPF_FUNC_map_lookup_elem),
		JI(BPF_JEQ, R0, 0, 1),
		LDX(BPF_DW, R0, R0, 4),
		EXIT(),
	},
	.result = REJECT, .log = "8-byte map value", .unpriv = U_SAME,
},
{
	.name = "ctx: read len",
	.insns = { LDX(BPF_W, R0, R1, offsetof(struct __sk_buff, len)), EXIT() },
	.result = ACCEPT, .run = true, .retval = 50, .unpriv = U_SAME,
},
{
	.name = "ctx: write len",
	.insns = {
		MOV64I(R0, 0),
		STX(BPF_W, R1, offsetof(struct __sk_buff, len), R0),
		EXIT(),
	},
	.result = REJECT, .log = "context", .unpriv = U_SAME,
},
{
	.name = "loop: bounded",
	.insns = {
		MOV64I(R0, 0),
		A64I(BPF_ADD, R0, 1),
		JI(BPF_JLT, R0, 10, -2),
		EXIT(),
	},
	.result = ACCEPT, .run = true, .retval = 10,
	.unpriv = U_REJECT, .unpriv_err = EINVAL, .unpriv_log = "back-edge",
},
{
	.name = "loop: infinite",
	.insns = {
		MOV64I(R0, 0),
		JI(BPF_JEQ, R0, 0, -1),
		EXIT(),
	},
	.result = REJECT, .err = EINVAL, .log = "infinite loop",
},
};
