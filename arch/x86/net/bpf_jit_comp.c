// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86-64 JIT: translates a verified, rewritten eBPF program into
 * native code that the runtime calls as prog->bpf_func(ctx, insnsi).
 *
 * Every BPF register lives in one x86 register for the whole program
 * (jit_reg[] below), chosen so that a helper call needs no shuffling:
 * r1-r5 are the C argument registers, r0 the return register, r6-r9 and
 * the frame pointer callee-saved ones. r9, r11 and r12 are the JIT's own
 * scratch registers.
 *
 * Each instruction is emitted into a small buffer by emit_* helpers that
 * know one x86 encoding each. A pass emits the whole program and records
 * where every instruction starts. Jumps are sized from the previous
 * pass's addresses, starting from an overestimate, so every jump can only
 * shrink from one pass to the next; once a pass gives the same size as
 * the one before, every address is final, and one more pass writes the
 * image. The image is written while it is writable and not executable,
 * then made read-only and only then executable.
 *
 * The frame, from the return address down: the caller's rbp (rbp points
 * at it, so frame-pointer unwinding works), the program's stack (r10 is
 * rbp itself), the tail call count if it makes tail calls, and the
 * callee-saved registers the program uses.
 * A tail call unwinds the frame down to rbp and jumps into the target
 * past the instructions that set up rbp and zero the count, carrying the
 * count in r9. Documentation/bpf/jit.rst has the details.
 *
 * Semantics are the interpreter's (kernel/bpf/core.c), even where the
 * verifier would have ruled a case out: division by zero, shift counts,
 * 32-bit results zero-extended, a failed tail call keeping r0-r5.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/jhash.h>
#include <linux/moduleloader.h>
#include <linux/random.h>
#include <linux/set_memory.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/extable.h>
#include <asm/nospec-branch.h>

/* x86 register numbers, as ModRM and REX encode them. */
enum {
	RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
};

static const u8 jit_reg[MAX_BPF_JIT_REG] = {
	[BPF_REG_0] = RAX,
	[BPF_REG_1] = RDI,
	[BPF_REG_2] = RSI,
	[BPF_REG_3] = RDX,
	[BPF_REG_4] = RCX,
	[BPF_REG_5] = R8,
	[BPF_REG_6] = RBX,
	[BPF_REG_7] = R13,
	[BPF_REG_8] = R14,
	[BPF_REG_9] = R15,
	[BPF_REG_FP] = RBP,
	[BPF_REG_AX] = R10,
};

/* Scratch: TMP holds blinded constants and divisors, TCC the count. */
#define TMP	R11
#define TCC	R9
#define TMP2	R12

/* Condition codes of Jcc, by low nibble. */
enum {
	CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6,
	CC_A = 0x7, CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf,
};

/* ModRM.reg extensions of the group-1 (0x81/0x83) and shift opcodes. */
enum {
	EXT_ADD = 0, EXT_OR = 1, EXT_AND = 4, EXT_SUB = 5, EXT_XOR = 6,
	EXT_CMP = 7,
};

enum { EXT_SHL = 4, EXT_SHR = 5, EXT_SAR = 7 };

/* The largest instruction, the tail call, takes about 70 bytes. */
#define JIT_INSN_MAX		128
#define JIT_MAX_PASSES		256
#define ENDBR_BYTES		(IS_ENABLED(CONFIG_X86_KERNEL_IBT) ? 4 : 0)
/* push rbp; mov rbp, rsp; xor r9d, r9d: what a tail call skips. */
#define TAIL_CALL_SKIP		(ENDBR_BYTES + 1 + 3 + 3)
/* push rbp; mov rbp, rsp; sub rsp, imm32; push rbx, r13, r14, r15 */
#define SUBPROG_PROLOGUE	(1 + 3 + 7 + 1 + 2 + 2 + 2)

/* At the start of the image's memory, which is page aligned. */
struct jit_header {
	u32 size;
};

#define JIT_CODE_OFFSET		16

struct jit {
	const struct bpf_prog *prog;
	u8 *image;		/* NULL until the last pass */
	u32 *addrs;		/* previous pass: start of each insn, then end */
	u32 *next;		/* this pass's */
	u32 pos;		/* offset of buf[0] in the image */
	u32 stack;		/* bytes of BPF stack below rbp */
	/*
	 * bpf-to-bpf calls: for each instruction that starts a called
	 * function, its stack size + 1, else 0; the first of them (len if
	 * none), where the main function ends.
	 */
	u32 *subprog;
	u32 first_subprog;
	u32 blind_seed;
	u16 saved;		/* callee-saved x86 registers used, by bit */
	bool tail_calls;
	bool blind;
	bool failed;
	struct exception_table_entry *extable;
	u32 nr_extable;
	u8 buf[JIT_INSN_MAX];
	u32 n;			/* bytes in buf */
};

static atomic_long_t jit_charged;

/* ---- encodings ------------------------------------------------------- */

static bool is_s8(s64 v)
{
	return v == (s8)v;
}

static bool is_s32(s64 v)
{
	return v == (s32)v;
}

static void emit1(struct jit *j, u8 b)
{
	if (j->n < JIT_INSN_MAX)
		j->buf[j->n++] = b;
	else
		j->failed = true;
}

static void emit2(struct jit *j, u8 b1, u8 b2)
{
	emit1(j, b1);
	emit1(j, b2);
}

static void emit4(struct jit *j, u32 v)
{
	int k;

	for (k = 0; k < 4; k++)
		emit1(j, v >> (8 * k));
}

static void emit8(struct jit *j, u64 v)
{
	emit4(j, v);
	emit4(j, v >> 32);
}

/*
 * A REX prefix when one is needed: 64-bit operand size, an extended reg
 * or r/m register, or a byte access to spl, bpl, sil or dil (@byte_reg),
 * which without REX would mean ah, ch, dh or bh.
 */
static void emit_rex(struct jit *j, bool w, u8 reg, u8 rm, bool byte_reg)
{
	u8 rex = 0x40 | w << 3 | (reg & 8) >> 1 | (rm & 8) >> 3;

	if (rex != 0x40 || (byte_reg && reg >= RSP && reg <= RDI))
		emit1(j, rex);
}

static void emit_modrm_reg(struct jit *j, u8 reg, u8 rm)
{
	emit1(j, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/*
 * ModRM for [base + off]. Always with a displacement, so that rbp and
 * r13 as base need no special case; rsp and r12 need a SIB byte.
 */
static void emit_modrm_mem(struct jit *j, u8 reg, u8 base, s32 off)
{
	bool d8 = is_s8(off);

	emit1(j, (d8 ? 0x40 : 0x80) | (reg & 7) << 3 | (base & 7));
	if ((base & 7) == RSP)
		emit1(j, 0x24);
	if (d8)
		emit1(j, off);
	else
		emit4(j, off);
}

/* opcode r/m=dst, reg=src: add, or, and, sub, xor, cmp, test, mov... */
static void emit_rr(struct jit *j, u8 opcode, bool w, u8 dst, u8 src)
{
	emit_rex(j, w, src, dst, false);
	emit1(j, opcode);
	emit_modrm_reg(j, src, dst);
}

/* 0x0f opcode reg=dst, r/m=src: imul, movzx, bsf... */
static void emit_rr_0f(struct jit *j, u8 opcode, bool w, u8 dst, u8 src)
{
	emit_rex(j, w, dst, src, false);
	emit2(j, 0x0f, opcode);
	emit_modrm_reg(j, dst, src);
}

/* Group 1 with an immediate: dst = dst op imm, imm sign-extended. */
static void emit_alu_imm(struct jit *j, u8 ext, bool w, u8 dst, s32 imm)
{
	emit_rex(j, w, 0, dst, false);
	if (is_s8(imm)) {
		emit1(j, 0x83);
		emit_modrm_reg(j, ext, dst);
		emit1(j, imm);
	} else if (dst == RAX) {
		emit1(j, ext << 3 | 5);			/* op eax, imm32 */
		emit4(j, imm);
	} else {
		emit1(j, 0x81);
		emit_modrm_reg(j, ext, dst);
		emit4(j, imm);
	}
}

static void emit_mov(struct jit *j, bool w, u8 dst, u8 src)
{
	/* A 32-bit move onto itself still clears the upper half. */
	if (w && dst == src)
		return;
	emit_rr(j, 0x89, w, dst, src);
}

/* dst = imm, sign-extended when @w, zero-extended otherwise. */
static void emit_mov_imm32(struct jit *j, bool w, u8 dst, s32 imm)
{
	if (!imm) {
		emit_rr(j, 0x31, false, dst, dst);	/* xor dst32, dst32 */
	} else if (!w || imm > 0) {
		emit_rex(j, false, 0, dst, false);
		emit1(j, 0xb8 + (dst & 7));
		emit4(j, imm);
	} else {
		emit_rex(j, true, 0, dst, false);
		emit1(j, 0xc7);
		emit_modrm_reg(j, 0, dst);
		emit4(j, imm);
	}
}

static void emit_mov_imm64(struct jit *j, u8 dst, u64 imm)
{
	if (imm <= U32_MAX) {
		emit_mov_imm32(j, false, dst, imm);
	} else if (is_s32(imm)) {
		emit_mov_imm32(j, true, dst, imm);
	} else {
		emit_rex(j, true, 0, dst, false);
		emit1(j, 0xb8 + (dst & 7));
		emit8(j, imm);
	}
}

/* dst = [base + off], @size bytes zero-extended. */
static void emit_load(struct jit *j, u8 size, u8 dst, u8 base, s32 off)
{
	switch (size) {
	case BPF_B:
	case BPF_H:
		emit_rex(j, false, dst, base, false);
		emit2(j, 0x0f, size == BPF_B ? 0xb6 : 0xb7);
		break;
	default:
		emit_rex(j, size == BPF_DW, dst, base, false);
		emit1(j, 0x8b);
	}
	emit_modrm_mem(j, dst, base, off);
}

static void emit_store(struct jit *j, u8 size, u8 base, s32 off, u8 src)
{
	if (size == BPF_H)
		emit1(j, 0x66);
	emit_rex(j, size == BPF_DW, src, base, size == BPF_B);
	emit1(j, size == BPF_B ? 0x88 : 0x89);
	emit_modrm_mem(j, src, base, off);
}

static void emit_store_imm(struct jit *j, u8 size, u8 base, s32 off,
			   s32 imm)
{
	if (size == BPF_H)
		emit1(j, 0x66);
	emit_rex(j, size == BPF_DW, 0, base, false);
	emit1(j, size == BPF_B ? 0xc6 : 0xc7);
	emit_modrm_mem(j, 0, base, off);
	if (size == BPF_B)
		emit1(j, imm);
	else if (size == BPF_H)
		emit2(j, imm, imm >> 8);
	else
		emit4(j, imm);
}

static void emit_push(struct jit *j, u8 reg)
{
	emit_rex(j, false, 0, reg, false);
	emit1(j, 0x50 + (reg & 7));
}

static void emit_pop(struct jit *j, u8 reg)
{
	emit_rex(j, false, 0, reg, false);
	emit1(j, 0x58 + (reg & 7));
}

/* Where the next emitted byte will be in the image (last pass only). */
static unsigned long jit_here(const struct jit *j)
{
	return (unsigned long)j->image + j->pos + j->n;
}

/* call or jmp (@opcode 0xe8 or 0xe9) rel32 to a kernel function. */
static void emit_rel32(struct jit *j, u8 opcode, const void *target)
{
	s64 rel = 0;

	if (j->image) {
		rel = (unsigned long)target - (jit_here(j) + 5);
		if (!is_s32(rel))
			j->failed = true;
	}
	emit1(j, opcode);
	emit4(j, rel);
}

/*
 * A jump to instruction @target (prog->len: the epilogue) at the end of
 * instruction @i, @cc < 0 for an unconditional one. Sized from the
 * previous pass, where the distance was at least what it is now.
 */
static void emit_jump(struct jit *j, int cc, u32 i, u32 target)
{
	/* where @i ends: before the prologue of a function starting next */
	u32 end = j->addrs[i + 1] - (j->subprog[i + 1] ? SUBPROG_PROLOGUE : 0);
	s64 rel = (s64)j->addrs[target] - end;

	if (cc < 0) {
		if (!rel)
			return;
		if (is_s8(rel)) {
			emit2(j, 0xeb, rel);
		} else {
			emit1(j, 0xe9);
			emit4(j, rel);
		}
	} else if (is_s8(rel)) {
		emit2(j, 0x70 | cc, rel);
	} else {
		emit2(j, 0x0f, 0x80 | cc);
		emit4(j, rel);
	}
}

/* A short forward jump inside one instruction; land_here() resolves it. */
static u32 emit_jump_fwd(struct jit *j, int cc)
{
	emit2(j, cc < 0 ? 0xeb : 0x70 | cc, 0);
	return j->n;
}

static void land_here(struct jit *j, u32 from)
{
	if (j->n - from > S8_MAX)
		j->failed = true;
	j->buf[from - 1] = j->n - from;
}

/* ---- constant blinding ----------------------------------------------- */

/*
 * With blinding, no immediate the program chose appears in the image:
 * TMP is loaded with imm ^ key and then xor'ed with key, for a key that
 * depends on the instruction and on a per-program random seed.
 */
static u32 blind_key(const struct jit *j, u32 i)
{
	return jhash_1word(i, j->blind_seed);
}

/* TMP = imm, sign-extended when @w. */
static void emit_tmp_imm(struct jit *j, u32 i, bool w, s32 imm)
{
	s32 key = blind_key(j, i);

	emit_mov_imm32(j, w, TMP, j->blind ? imm ^ key : imm);
	if (j->blind)
		emit_alu_imm(j, EXT_XOR, w, TMP, key);
}

/* ---- instructions ---------------------------------------------------- */

static u8 alu_opcode(u8 op)
{
	switch (op) {
	case BPF_ADD:
		return 0x01;
	case BPF_SUB:
		return 0x29;
	case BPF_AND:
		return 0x21;
	case BPF_OR:
		return 0x09;
	default:
		return 0x31;	/* BPF_XOR */
	}
}

static u8 alu_ext(u8 op)
{
	switch (op) {
	case BPF_ADD:
		return EXT_ADD;
	case BPF_SUB:
		return EXT_SUB;
	case BPF_AND:
		return EXT_AND;
	case BPF_OR:
		return EXT_OR;
	default:
		return EXT_XOR;
	}
}

/*
 * dst = dst / TMP or dst % TMP, unsigned. div takes rdx:rax, which hold
 * r3 and r0: those of them that are not dst are saved around it on the
 * stack.
 */
static void emit_divide(struct jit *j, bool w, bool mod, u8 dst)
{
	if (dst != RAX)
		emit_push(j, RAX);
	if (dst != RDX)
		emit_push(j, RDX);
	emit_mov(j, true, RAX, dst);
	emit_rr(j, 0x31, false, RDX, RDX);
	emit_rex(j, w, 0, TMP, false);
	emit1(j, 0xf7);
	emit_modrm_reg(j, 6, TMP);			/* div tmp */
	emit_mov(j, true, dst, mod ? RDX : RAX);
	if (dst != RDX)
		emit_pop(j, RDX);
	if (dst != RAX)
		emit_pop(j, RAX);
}

/* The interpreter's x / 0 = 0 and x % 0 = x, the latter cut to 32 bits. */
static void emit_divide_by_zero(struct jit *j, bool w, bool mod, u8 dst)
{
	if (!mod)
		emit_rr(j, 0x31, false, dst, dst);
	else if (!w)
		emit_mov(j, false, dst, dst);
}

static void emit_div(struct jit *j, const struct bpf_insn *insn, u32 i,
		     u8 dst, u8 src)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool mod = BPF_OP(insn->code) == BPF_MOD;
	u32 to_zero, to_end;

	if (BPF_SRC(insn->code) == BPF_K) {
		if (!insn->imm) {
			emit_divide_by_zero(j, w, mod, dst);
			return;
		}
		emit_tmp_imm(j, i, w, insn->imm);
		emit_divide(j, w, mod, dst);
		return;
	}
	emit_mov(j, w, TMP, src);
	emit_rr(j, 0x85, w, TMP, TMP);
	to_zero = emit_jump_fwd(j, CC_E);
	emit_divide(j, w, mod, dst);
	if (mod && w) {
		land_here(j, to_zero);
		return;
	}
	to_end = emit_jump_fwd(j, -1);
	land_here(j, to_zero);
	emit_divide_by_zero(j, w, mod, dst);
	land_here(j, to_end);
}

static void emit_shift(struct jit *j, const struct bpf_insn *insn, u8 dst,
		       u8 src)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	u8 ext = BPF_OP(insn->code) == BPF_LSH ? EXT_SHL :
		 BPF_OP(insn->code) == BPF_RSH ? EXT_SHR : EXT_SAR;
	u8 count, shifted = dst;

	if (BPF_SRC(insn->code) == BPF_K) {
		count = insn->imm & (w ? 63 : 31);
		if (!count) {
			if (!w)
				emit_mov(j, false, dst, dst);
			return;
		}
		emit_rex(j, w, 0, dst, false);
		emit1(j, 0xc1);
		emit_modrm_reg(j, ext, dst);
		emit1(j, count);
		return;
	}
	/* shlx, shrx, sarx dst, dst, src: the count in any register */
	if (boot_cpu_has(X86_FEATURE_BMI2)) {
		emit1(j, 0xc4);
		emit1(j, (~dst & 8) << 4 | 0x40 | (~dst & 8) << 2 | 0x02);
		emit1(j, w << 7 | (~src & 15) << 3 |
			 (ext == EXT_SHL ? 1 : ext == EXT_SAR ? 2 : 3));
		emit1(j, 0xf7);
		emit_modrm_reg(j, dst, dst);
		return;
	}
	/* The count must be in cl, which is r4: keep r4 in TMP meanwhile. */
	if (src != RCX) {
		emit_mov(j, true, TMP, RCX);
		emit_mov(j, true, RCX, src);
		if (dst == RCX)
			shifted = TMP;
	}
	emit_rex(j, w, 0, shifted, false);
	emit1(j, 0xd3);
	emit_modrm_reg(j, ext, shifted);
	if (src != RCX)
		emit_mov(j, true, RCX, TMP);
}

static void emit_swap(struct jit *j, const struct bpf_insn *insn, u8 dst)
{
	bool to_be = BPF_SRC(insn->code) == BPF_TO_BE;

	switch (insn->imm) {
	case 16:
		if (to_be) {
			/* ror dst16, 8 */
			emit1(j, 0x66);
			emit_rex(j, false, 0, dst, false);
			emit1(j, 0xc1);
			emit_modrm_reg(j, 1, dst);
			emit1(j, 8);
		}
		emit_rr_0f(j, 0xb7, false, dst, dst);	/* movzx dst32, dst16 */
		break;
	case 32:
		if (to_be) {
			emit_rex(j, false, 0, dst, false);
			emit2(j, 0x0f, 0xc8 + (dst & 7));	/* bswap */
		} else {
			emit_mov(j, false, dst, dst);
		}
		break;
	case 64:
		if (to_be) {
			emit_rex(j, true, 0, dst, false);
			emit2(j, 0x0f, 0xc8 + (dst & 7));
		}
		break;
	}
}

static void emit_alu(struct jit *j, const struct bpf_insn *insn, u32 i,
		     u8 dst, u8 src)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool k = BPF_SRC(insn->code) == BPF_K;
	u8 op = BPF_OP(insn->code);

	/* A blinded immediate becomes the register operand TMP. */
	if (k && j->blind && op != BPF_LSH && op != BPF_RSH &&
	    op != BPF_ARSH && op != BPF_NEG && op != BPF_END &&
	    op != BPF_DIV && op != BPF_MOD) {
		emit_tmp_imm(j, i, w, insn->imm);
		src = TMP;
		k = false;
	}

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		if (k)
			emit_alu_imm(j, alu_ext(op), w, dst, insn->imm);
		else
			emit_rr(j, alu_opcode(op), w, dst, src);
		break;
	case BPF_MOV:
		if (k)
			emit_mov_imm32(j, w, dst, insn->imm);
		else
			emit_mov(j, w, dst, src);
		break;
	case BPF_MUL:
		if (!k) {
			emit_rr_0f(j, 0xaf, w, dst, src);	/* imul */
			break;
		}
		emit_rex(j, w, dst, dst, false);
		emit1(j, is_s8(insn->imm) ? 0x6b : 0x69);
		emit_modrm_reg(j, dst, dst);
		if (is_s8(insn->imm))
			emit1(j, insn->imm);
		else
			emit4(j, insn->imm);
		break;
	case BPF_NEG:
		emit_rex(j, w, 0, dst, false);
		emit1(j, 0xf7);
		emit_modrm_reg(j, 3, dst);
		break;
	case BPF_DIV:
	case BPF_MOD:
		emit_div(j, insn, i, dst, src);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		emit_shift(j, insn, dst, src);
		break;
	case BPF_END:
		emit_swap(j, insn, dst);
		break;
	}
}

static int jump_cc(u8 op)
{
	switch (op) {
	case BPF_JEQ:
		return CC_E;
	case BPF_JNE:
	case BPF_JSET:
		return CC_NE;
	case BPF_JGT:
		return CC_A;
	case BPF_JGE:
		return CC_AE;
	case BPF_JLT:
		return CC_B;
	case BPF_JLE:
		return CC_BE;
	case BPF_JSGT:
		return CC_G;
	case BPF_JSGE:
		return CC_GE;
	case BPF_JSLT:
		return CC_L;
	default:
		return CC_LE;	/* BPF_JSLE */
	}
}

static void emit_cond_jump(struct jit *j, const struct bpf_insn *insn, u32 i,
			   u8 dst, u8 src)
{
	bool w = BPF_CLASS(insn->code) == BPF_JMP;
	bool jset = BPF_OP(insn->code) == BPF_JSET;

	if (BPF_SRC(insn->code) == BPF_K) {
		if (j->blind) {
			emit_tmp_imm(j, i, w, insn->imm);
			src = TMP;
		} else if (!insn->imm && !jset) {
			/* test sets the flags a compare with 0 would */
			src = dst;
			jset = true;
		} else if (jset) {
			emit_rex(j, w, 0, dst, false);
			emit1(j, 0xf7);
			emit_modrm_reg(j, 0, dst);
			emit4(j, insn->imm);
			goto jump;
		} else {
			emit_alu_imm(j, EXT_CMP, w, dst, insn->imm);
			goto jump;
		}
	}
	emit_rr(j, jset ? 0x85 : 0x39, w, dst, src);
jump:
	emit_jump(j, jump_cc(BPF_OP(insn->code)), i, i + 1 + insn->off);
}

/* The callee-saved registers the program uses, rbx first. */
static const u8 callee_saved[] = { RBX, R12, R13, R14, R15 };

static void emit_push_saved(struct jit *j)
{
	int k;

	for (k = 0; k < ARRAY_SIZE(callee_saved); k++)
		if (j->saved & BIT(callee_saved[k]))
			emit_push(j, callee_saved[k]);
}

/* Pops what emit_push_saved() pushed. */
static void emit_pop_saved(struct jit *j)
{
	int k;

	for (k = ARRAY_SIZE(callee_saved) - 1; k >= 0; k--)
		if (j->saved & BIT(callee_saved[k]))
			emit_pop(j, callee_saved[k]);
}

/* mov dst, [base + index * 8 + off32] */
static void emit_load_indexed(struct jit *j, u8 dst, u8 base, u8 index,
			      s32 off)
{
	emit1(j, 0x48 | (dst & 8) >> 1 | (index & 8) >> 2 | (base & 8) >> 3);
	emit1(j, 0x8b);
	emit1(j, 0x80 | (dst & 7) << 3 | RSP);		/* a SIB byte follows */
	emit1(j, 0xc0 | (index & 7) << 3 | (base & 7));	/* scale 8 */
	emit4(j, off);
}

/* The tail call count: a u32 just below the program's stack. */
static s32 tail_call_count(const struct jit *j)
{
	return -(s32)j->stack - 8;
}

/*
 * r2 is the program array, r3 the index. Like the interpreter: an index
 * past the array or a 34th tail call goes on with the next instruction;
 * otherwise the count goes up, and an empty slot goes on too. r0-r5 are
 * kept on every path that goes on.
 *
 * The index goes through a cmov, which no CPU predicts: one speculating
 * past the index check reads slot 0 (max_entries is at least 1), as
 * after array_index_nospec(). The count check is computed, not branched
 * on: sbb turns its carry into "go" (all ones below the limit), the
 * count goes up by go, the slot is and'ed with it, and one branch leaves
 * if that leaves no program.
 */
static void emit_tail_call(struct jit *j)
{
	s32 count = tail_call_count(j);
	u32 out[2];

	emit_rr(j, 0x31, false, TMP, TMP);
	/* cmp edx, [rsi + max_entries]; cmovb tmp32, edx */
	emit1(j, 0x3b);
	emit_modrm_mem(j, RDX, RSI, offsetof(struct bpf_array, map.max_entries));
	emit_rr_0f(j, 0x40 | CC_B, false, TMP, RDX);
	out[0] = emit_jump_fwd(j, CC_AE);
	emit_load_indexed(j, TMP, RSI, TMP, offsetof(struct bpf_array, ptrs));
	/* cmp dword [rbp + count], MAX_TAIL_CALL_CNT; sbb tcc, tcc */
	emit1(j, 0x83);
	emit_modrm_mem(j, EXT_CMP, RBP, count);
	emit1(j, MAX_TAIL_CALL_CNT);
	emit_rr(j, 0x19, true, TCC, TCC);
	/* sub [rbp + count], tcc32: the count goes up by go */
	emit_rex(j, false, TCC, RBP, false);
	emit1(j, 0x29);
	emit_modrm_mem(j, TCC, RBP, count);
	emit_rr(j, 0x21, true, TMP, TCC);		/* and tmp, tcc */
	out[1] = emit_jump_fwd(j, CC_E);
	emit_load(j, BPF_W, TCC, RBP, count);
	emit_load(j, BPF_DW, TMP, TMP, offsetof(struct bpf_prog, bpf_func));
	emit_alu_imm(j, EXT_ADD, true, TMP, TAIL_CALL_SKIP);
	emit_pop_saved(j);
	emit_mov(j, true, RSP, RBP);
#ifdef CONFIG_RETPOLINE
	emit_rel32(j, 0xe9, __x86_indirect_thunk_array[TMP]);
#else
	emit_rex(j, false, 0, TMP, false);
	emit2(j, 0xff, 0xe0 | (TMP & 7));	/* jmp *tmp */
#endif
	land_here(j, out[0]);
	land_here(j, out[1]);
}

/*
 * A load that may fault reads 0 instead, as copy_from_kernel_nofault()
 * would: a user address without touching memory, any other through the
 * exception table, whose entry resumes at the instruction zeroing dst.
 */
static void emit_probe_load(struct jit *j, u8 size, u8 dst, u8 src, s16 off)
{
	struct exception_table_entry *ex;
	unsigned long load;
	u32 to_zero, to_end;

	emit_rex(j, true, TMP, src, false);
	emit1(j, 0x8d);					/* lea */
	emit_modrm_mem(j, TMP, src, off);
	emit_mov_imm64(j, TCC, TASK_SIZE_MAX + PAGE_SIZE);
	emit_rr(j, 0x39, true, TMP, TCC);
	to_zero = emit_jump_fwd(j, CC_B);
	load = jit_here(j);
	emit_load(j, size, dst, src, off);
	if (j->image) {
		ex = &j->extable[j->nr_extable++];
		ex->insn = load - (unsigned long)&ex->insn;
		ex->fixup = jit_here(j) + 2 - (unsigned long)&ex->fixup;
		ex->data = EX_TYPE_BPF;
	}
	to_end = emit_jump_fwd(j, -1);
	land_here(j, to_zero);
	emit_rr(j, 0x31, false, dst, dst);
	land_here(j, to_end);
}

/* Called by fixup_exception() for a fault at an emit_probe_load(). */
bool ex_handler_bpf(const struct exception_table_entry *x,
		    struct pt_regs *regs)
{
	regs->ip = (unsigned long)&x->fixup + x->fixup;
	return true;
}

static void emit_atomic(struct jit *j, const struct bpf_insn *insn, u8 dst,
			u8 src)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	s16 off = insn->off;
	u8 op = insn->imm & ~BPF_FETCH;
	u8 scratch = src != RAX ? src : TCC;
	u32 retry;

	switch (insn->imm) {
	case BPF_ADD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		emit1(j, 0xf0);				/* lock */
		emit_rex(j, w, src, dst, false);
		emit1(j, alu_opcode(op));
		emit_modrm_mem(j, src, dst, off);
		return;
	case BPF_ADD | BPF_FETCH:
		emit1(j, 0xf0);
		emit_rex(j, w, src, dst, false);
		emit2(j, 0x0f, 0xc1);			/* xadd */
		emit_modrm_mem(j, src, dst, off);
		return;
	case BPF_XCHG:
		emit_rex(j, w, src, dst, false);	/* locked anyway */
		emit1(j, 0x87);
		emit_modrm_mem(j, src, dst, off);
		return;
	case BPF_CMPXCHG:
		emit1(j, 0xf0);
		emit_rex(j, w, src, dst, false);
		emit2(j, 0x0f, 0xb1);
		emit_modrm_mem(j, src, dst, off);
		/* a 32-bit success leaves rax's upper half: the old is u32 */
		if (!w)
			emit_mov(j, false, RAX, RAX);
		return;
	}

	/*
	 * Fetching and, or, xor: a cmpxchg loop on rax. TMP holds the
	 * address, TMP2 the operand; r0 is kept in TCC unless it is src,
	 * which gets the old value and is free meanwhile.
	 */
	if (src != RAX)
		emit_mov(j, true, TCC, RAX);
	emit_rex(j, true, TMP, dst, false);
	emit1(j, 0x8d);					/* lea */
	emit_modrm_mem(j, TMP, dst, off);
	emit_mov(j, true, TMP2, src);
	emit_load(j, w ? BPF_DW : BPF_W, RAX, TMP, 0);
	retry = j->n;
	emit_mov(j, w, scratch, RAX);
	emit_rr(j, alu_opcode(op), w, scratch, TMP2);
	emit1(j, 0xf0);
	emit_rex(j, w, scratch, TMP, false);
	emit2(j, 0x0f, 0xb1);
	emit_modrm_mem(j, scratch, TMP, 0);
	emit2(j, 0x70 | CC_NE, retry - (j->n + 2));
	if (src != RAX) {
		emit_mov(j, w, src, RAX);
		emit_mov(j, true, RAX, TCC);
	}
}

/* ret, or the return thunk's jmp */
static void emit_ret(struct jit *j)
{
#ifdef CONFIG_RETHUNK
	if (cpu_feature_enabled(X86_FEATURE_RETHUNK)) {
		emit_rel32(j, 0xe9, x86_return_thunk);
		return;
	}
#endif
	emit1(j, 0xc3);
	if (IS_ENABLED(CONFIG_SLS))
		emit1(j, 0xcc);
}

/*
 * A function called by a bpf-to-bpf call has a frame of its own, as the
 * main one's without the tail call count (tail calls stay in the main
 * function, as 6.1 has them without BTF): the caller's rbp, its stack,
 * the BPF callee-saved registers. Its stack size is fixed-width here so
 * that a call knows where the prologue starts before its first
 * instruction. r12 is scratch within one instruction: nothing to keep.
 */
static void emit_subprog_prologue(struct jit *j, u32 stack)
{
	emit_push(j, RBP);
	emit_mov(j, true, RBP, RSP);
	emit_rex(j, true, 0, RSP, false);
	emit1(j, 0x81);
	emit_modrm_reg(j, EXT_SUB, RSP);
	emit4(j, stack);
	emit_push(j, RBX);
	emit_push(j, R13);
	emit_push(j, R14);
	emit_push(j, R15);
	if (j->n != SUBPROG_PROLOGUE)
		j->failed = true;
}

static void emit_subprog_epilogue(struct jit *j)
{
	emit_pop(j, R15);
	emit_pop(j, R14);
	emit_pop(j, R13);
	emit_pop(j, RBX);
	emit1(j, 0xc9);					/* leave */
	emit_ret(j);
}

/*
 * call rel32 to the prologue of the function starting at @target, just
 * before its first instruction; exact once the addresses are final.
 */
static void emit_subprog_call(struct jit *j, u32 target)
{
	s64 rel = (s64)j->addrs[target] - SUBPROG_PROLOGUE -
		  (j->pos + j->n + 5);

	emit1(j, 0xe8);
	emit4(j, rel);
}

static int emit_insn(struct jit *j, u32 i)
{
	const struct bpf_insn *insn = &j->prog->insnsi[i];
	u8 dst = jit_reg[insn->dst_reg], src = jit_reg[insn->src_reg];
	u8 code = insn->code;
	u64 imm64;

	switch (BPF_CLASS(code)) {
	case BPF_ALU:
	case BPF_ALU64:
		emit_alu(j, insn, i, dst, src);
		return 0;
	case BPF_JMP:
	case BPF_JMP32:
		switch (BPF_OP(code)) {
		case BPF_JA:
			emit_jump(j, -1, i, i + 1 + insn->off);
			return 0;
		case BPF_EXIT:
			if (i >= j->first_subprog)
				emit_subprog_epilogue(j);
			else
				emit_jump(j, -1, i, j->prog->len);
			return 0;
		case BPF_TAIL_CALL:
			/* the count is in the main function's frame */
			if (i >= j->first_subprog)
				return -EOPNOTSUPP;
			emit_tail_call(j);
			return 0;
		case BPF_CALL:
			if (insn->src_reg == BPF_PSEUDO_CALL) {
				emit_subprog_call(j, i + insn->imm + 1);
				return 0;
			}
			/* kfuncs are not supported */
			if (insn->src_reg)
				return -EOPNOTSUPP;
			emit_rel32(j, 0xe8, (void *)__bpf_call_base + insn->imm);
			return 0;
		}
		emit_cond_jump(j, insn, i, dst, src);
		return 0;
	case BPF_LD:
		imm64 = (u64)(u32)insn[1].imm << 32 | (u32)insn->imm;
		if (j->blind) {
			u64 key = (u64)blind_key(j, i) << 32 | blind_key(j, i + 1);

			emit_mov_imm64(j, dst, imm64 ^ key);
			emit_mov_imm64(j, TMP, key);
			emit_rr(j, 0x31, true, dst, TMP);
		} else {
			emit_mov_imm64(j, dst, imm64);
		}
		return 0;
	case BPF_LDX:
		if (BPF_MODE(code) == BPF_PROBE_MEM)
			emit_probe_load(j, BPF_SIZE(code), dst, src, insn->off);
		else
			emit_load(j, BPF_SIZE(code), dst, src, insn->off);
		return 0;
	case BPF_ST:
		if (BPF_MODE(code) == BPF_NOSPEC) {
			emit1(j, 0x0f);
			emit2(j, 0xae, 0xe8);		/* lfence */
		} else if (j->blind) {
			emit_tmp_imm(j, i, true, insn->imm);
			emit_store(j, BPF_SIZE(code), dst, insn->off, TMP);
		} else {
			emit_store_imm(j, BPF_SIZE(code), dst, insn->off,
				       insn->imm);
		}
		return 0;
	case BPF_STX:
		if (BPF_MODE(code) == BPF_ATOMIC)
			emit_atomic(j, insn, dst, src);
		else
			emit_store(j, BPF_SIZE(code), dst, insn->off, src);
		return 0;
	}
	return -EINVAL;
}

static void emit_endbr(struct jit *j)
{
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		emit4(j, 0xfa1e0ff3);
}

static void emit_prologue(struct jit *j)
{
	emit_endbr(j);
	emit_push(j, RBP);
	emit_mov(j, true, RBP, RSP);
	emit_rr(j, 0x31, false, TCC, TCC);
	/* a tail call enters here, with its count in TCC */
	if (j->n != TAIL_CALL_SKIP)
		j->failed = true;
	emit_endbr(j);
	if (j->stack)
		emit_alu_imm(j, EXT_SUB, true, RSP, j->stack);
	if (j->tail_calls)
		emit_push(j, TCC);		/* at tail_call_count() */
	emit_push_saved(j);
}

static void emit_epilogue(struct jit *j)
{
	emit_pop_saved(j);
	emit1(j, 0xc9);					/* leave */
	emit_ret(j);
}

/* Move what emit_*() put in buf to the image, if there is one yet. */
static int jit_flush(struct jit *j)
{
	if (j->failed)
		return -E2BIG;
	if (j->image)
		memcpy(j->image + j->pos, j->buf, j->n);
	j->pos += j->n;
	j->n = 0;
	return 0;
}

/* One pass: fills j->next and returns the size of the code, or an error. */
static int jit_pass(struct jit *j)
{
	const struct bpf_prog *prog = j->prog;
	u32 i;
	int err;

	j->pos = 0;
	j->nr_extable = 0;
	emit_prologue(j);
	err = jit_flush(j);
	if (err)
		return err;
	for (i = 0; i < prog->len; i++) {
		if (j->subprog[i]) {
			emit_subprog_prologue(j, j->subprog[i] - 1);
			err = jit_flush(j);
			if (err)
				return err;
		}
		j->next[i] = j->pos;
		err = emit_insn(j, i);
		if (!err)
			err = jit_flush(j);
		if (err)
			return err;
		/* the second half of a 64-bit immediate emits nothing */
		if (prog->insnsi[i].code == (BPF_LD | BPF_IMM | BPF_DW))
			j->next[++i] = j->pos;
	}
	j->next[prog->len] = j->pos;
	emit_epilogue(j);
	err = jit_flush(j);
	return err ?: j->pos;
}

/*
 * Image memory comes from the module area, within reach of rel32 calls
 * to the kernel's helpers, and counts against net.core.bpf_jit_limit,
 * which only programs with CAP_BPF may exceed.
 */
static struct jit_header *jit_alloc(u32 size)
{
	u32 total = round_up(size, PAGE_SIZE);
	struct jit_header *hdr;

	if (atomic_long_add_return(total, &jit_charged) >
	    READ_ONCE(bpf_jit_limit) && !bpf_capable())
		goto uncharge;
	hdr = module_alloc(total);
	if (!hdr)
		goto uncharge;
	/* int3 wherever no code is, so that a stray jump traps */
	memset(hdr, 0xcc, total);
	hdr->size = total;
	return hdr;
uncharge:
	atomic_long_sub(total, &jit_charged);
	return NULL;
}

/* vfree() of module memory resets its permissions first. */
static void jit_free_image(struct jit_header *hdr)
{
	u32 total = hdr->size;

	module_memfree(hdr);
	atomic_long_sub(total, &jit_charged);
}

static struct jit_header *jit_header_of(const struct bpf_prog *prog)
{
	return (void *)((unsigned long)prog->bpf_func & PAGE_MASK);
}

/* W^X: written while writable only, then read-only, then executable. */
static int jit_seal(struct jit_header *hdr)
{
	int pages = hdr->size >> PAGE_SHIFT;
	int err;

	err = set_memory_ro((unsigned long)hdr, pages);
	if (!err)
		err = set_memory_x((unsigned long)hdr, pages);
	return err;
}

/*
 * The functions bpf-to-bpf calls go to, each with the stack size the
 * verifier wrote into the calls' off (the runtime's frame size).
 */
static int find_subprogs(struct jit *j, u32 *subprog)
{
	const struct bpf_prog *prog = j->prog;
	const struct bpf_insn *insn;
	u32 i;
	s64 t;

	memset(subprog, 0, (prog->len + 1) * sizeof(*subprog));
	j->subprog = subprog;
	j->first_subprog = prog->len;
	for (i = 0; i < prog->len; i++) {
		insn = &prog->insnsi[i];
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i++;
			continue;
		}
		if (insn->code != (BPF_JMP | BPF_CALL) ||
		    insn->src_reg != BPF_PSEUDO_CALL)
			continue;
		t = (s64)i + insn->imm + 1;
		if (t <= 0 || t >= prog->len || insn->off < 0 ||
		    insn->off > MAX_BPF_STACK || insn->off % 8)
			return -EINVAL;
		subprog[t] = insn->off + 1;
		j->first_subprog = min_t(u32, j->first_subprog, t);
	}
	return 0;
}

/*
 * Where the verifier's functions start in the image, for kallsyms and
 * bpf_prog_info: each called one at its prologue.
 */
static int place_funcs(struct jit *j, struct ebpf_funcs *funcs)
{
	struct ebpf_func *f;
	u32 k;

	for (k = 1; k < funcs->nr; k++) {
		f = &funcs->func[k];
		if (f->insn >= j->prog->len || !j->subprog[f->insn])
			return -EINVAL;
		f->offset = j->addrs[f->insn] - SUBPROG_PROLOGUE;
	}
	return 0;
}

static bool is_fetching_logic(const struct bpf_insn *insn)
{
	return insn->code == (BPF_STX | BPF_ATOMIC | BPF_W) ||
	       insn->code == (BPF_STX | BPF_ATOMIC | BPF_DW) ?
	       insn->imm == (BPF_AND | BPF_FETCH) ||
	       insn->imm == (BPF_OR | BPF_FETCH) ||
	       insn->imm == (BPF_XOR | BPF_FETCH) : false;
}

/*
 * What the frame must hold: the callee-saved registers the program
 * writes (it can read none it has not written), TMP2 for a fetching
 * and/or/xor, the count if it makes tail calls. Returns the number of
 * loads that need an exception table entry.
 */
static u32 scan_prog(struct jit *j)
{
	const struct bpf_insn *insn = j->prog->insnsi;
	u32 i, n = 0;

	for (i = 0; i < j->prog->len; i++, insn++) {
		j->saved |= BIT(jit_reg[insn->dst_reg]) |
			    BIT(jit_reg[insn->src_reg]);
		if (is_fetching_logic(insn))
			j->saved |= BIT(TMP2);
		if (insn->code == (BPF_JMP | BPF_TAIL_CALL))
			j->tail_calls = true;
		n += BPF_CLASS(insn->code) == BPF_LDX &&
		     BPF_MODE(insn->code) == BPF_PROBE_MEM;
	}
	j->saved &= BIT(RBX) | BIT(R12) | BIT(R13) | BIT(R14) | BIT(R15);
	return n;
}

/*
 * Compile @prog in place: on success it runs from the image, on any
 * failure it is left as it was, for the interpreter.
 */
struct bpf_prog *bpf_int_jit_compile(struct bpf_prog *prog)
{
	struct jit j = { .prog = prog };
	struct jit_header *hdr = NULL;
	u32 i, code_size, size, nr_extable;
	int pass, len = 0, prev = -1;
	u32 *addrs;

	if (!prog->jit_requested)
		return prog;
	j.stack = round_up(prog->aux->stack_depth, 8);
	if (j.stack > MAX_BPF_STACK)
		return prog;
	j.blind = prog->blinding_requested;
	j.blind_seed = get_random_u32();
	nr_extable = scan_prog(&j);

	addrs = kvmalloc_array(3 * (prog->len + 1), sizeof(*addrs), GFP_KERNEL);
	if (!addrs)
		return prog;
	j.addrs = addrs;
	j.next = addrs + prog->len + 1;
	if (find_subprogs(&j, addrs + 2 * (prog->len + 1)))
		goto out;
	/* An overestimate: no instruction takes JIT_INSN_MAX bytes. */
	for (i = 0; i <= prog->len; i++)
		j.addrs[i] = i * JIT_INSN_MAX;

	for (pass = 1; pass <= JIT_MAX_PASSES && len != prev; pass++) {
		prev = len;
		len = jit_pass(&j);
		if (len < 0)
			goto out;
		swap(j.addrs, j.next);
	}
	if (len != prev)
		goto out;

	code_size = len;
	size = JIT_CODE_OFFSET + ALIGN(code_size, 4) +
	       nr_extable * sizeof(struct exception_table_entry);
	hdr = jit_alloc(size);
	if (!hdr)
		goto out;
	j.image = (u8 *)hdr + JIT_CODE_OFFSET;
	j.extable = (void *)(j.image + ALIGN(code_size, 4));
	len = jit_pass(&j);
	if (len != code_size || j.nr_extable != nr_extable) {
		WARN_ONCE(1, "bpf: jit: the last pass changed the image size\n");
		goto out;
	}
	if (bpf_jit_enable > 1)
		bpf_jit_dump(prog->len, code_size, pass, j.image);
	if (prog->aux->funcs && place_funcs(&j, prog->aux->funcs))
		goto out;
	if (jit_seal(hdr))
		goto out;

	prog->aux->extable = nr_extable ? j.extable : NULL;
	prog->aux->num_exentries = nr_extable;
	prog->bpf_func = (void *)j.image;
	prog->jited_len = code_size;
	prog->jited = 1;
	hdr = NULL;
out:
	if (hdr)
		jit_free_image(hdr);
	kvfree(addrs);
	return prog;
}

void bpf_jit_free(struct bpf_prog *prog)
{
	if (prog->jited)
		jit_free_image(jit_header_of(prog));
	__bpf_prog_free(prog);
}
