// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF runtime: program memory, runtime selection and the interpreter.
 *
 * Every BPF program in the kernel is a struct bpf_prog holding eBPF
 * instructions: classic socket and seccomp filters once net/core/filter.c
 * has converted them, programs loaded through bpf(2), lib/test_bpf's.
 * This file allocates and frees them, decides how each one runs and runs
 * those that are not JIT-compiled.
 *
 * bpf_prog_select_runtime() first checks that every instruction is one
 * the runtime knows, so that nothing unknown is ever executed. It then
 * offers the program to the JIT (bpf_int_jit_compile(), weak here, the
 * arch JIT overrides it) when net.core.bpf_jit_enable asks for it, and
 * otherwise hands it to the interpreter.
 *
 * The interpreter is direct-threaded. When a program is handed to it,
 * each instruction is translated once into a cell that holds the address
 * of the code running it, next to its operands; the cells are appended to
 * the program's own memory, which is read-only from then on. Running an
 * instruction is then a single indirect jump, and whatever depends only
 * on the instruction (which atomic operation, which byte swap, division
 * by a zero immediate, masking an immediate shift count) is settled by
 * the translation rather than on every run. There is one cell per
 * instruction, so jump offsets keep their meaning, and a trap cell after
 * the last one stops a program that would run off its end. Registers and
 * the 512-byte stack live in the interpreter's frame on the kernel stack.
 *
 * Attach points run programs under RCU, so bpf_prog_free() waits for a
 * grace period and then finishes in process context, where JIT images
 * may be released. JIT images are listed for kallsyms, the unwinder and
 * exception tables on an RCU-protected list.
 */

#include <linux/bpf.h>
#include <linux/extable.h>
#include <linux/filter.h>
#include <linux/kallsyms.h>
#include <linux/nospec.h>
#include <linux/objtool.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/rculist.h>
#include <linux/static_call.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#define CREATE_TRACE_POINTS
#include <linux/bpf_trace.h>

EXPORT_TRACEPOINT_SYMBOL_GPL(xdp_exception);
EXPORT_TRACEPOINT_SYMBOL_GPL(xdp_bulk_tx);

/* Turned on by bpf(2)'s BPF_ENABLE_STATS; bpf_prog_run() then times runs. */
DEFINE_STATIC_KEY_FALSE(bpf_stats_enabled_key);
EXPORT_SYMBOL(bpf_stats_enabled_key);

/* ---- program memory ------------------------------------------------- */

/*
 * Programs live in vmalloc memory so that bpf_prog_lock_ro() can make
 * them read-only page by page; fp->pages counts those pages.
 */
static struct bpf_prog *bpf_prog_vzalloc(unsigned int size, gfp_t gfp_extra)
{
	unsigned long pages = DIV_ROUND_UP(size, PAGE_SIZE);
	struct bpf_prog *fp;

	if (!size || pages > U16_MAX)
		return NULL;
	fp = __vmalloc(pages * PAGE_SIZE,
		       GFP_KERNEL_ACCOUNT | __GFP_ZERO | gfp_extra);
	if (fp)
		fp->pages = pages;
	return fp;
}

struct bpf_prog *bpf_prog_alloc_no_stats(unsigned int size, gfp_t gfp_extra)
{
	struct bpf_prog_aux *aux;
	struct bpf_prog *fp;

	fp = bpf_prog_vzalloc(size, gfp_extra);
	if (!fp)
		return NULL;
	aux = kzalloc(sizeof(*aux), GFP_KERNEL_ACCOUNT | gfp_extra);
	if (!aux) {
		vfree(fp);
		return NULL;
	}
	fp->aux = aux;
	aux->prog = fp;
	INIT_LIST_HEAD(&aux->ksym.lnode);
	mutex_init(&aux->used_maps_mutex);
	mutex_init(&aux->ext_mutex);
	mutex_init(&aux->dst_mutex);
	/* Taken now: the JIT sysctls may change before the program runs. */
	fp->jit_requested = ebpf_jit_enabled();
	fp->blinding_requested = bpf_jit_blinding_enabled(fp);
	return fp;
}

struct bpf_prog *bpf_prog_alloc(unsigned int size, gfp_t gfp_extra)
{
	struct bpf_prog *fp;
	int cpu;

	fp = bpf_prog_alloc_no_stats(size, gfp_extra);
	if (!fp)
		return NULL;
	fp->stats = alloc_percpu_gfp(struct bpf_prog_stats,
				     GFP_KERNEL_ACCOUNT | gfp_extra);
	if (!fp->stats) {
		__bpf_prog_free(fp);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(fp->stats, cpu)->syncp);
	return fp;
}
EXPORT_SYMBOL_GPL(bpf_prog_alloc);

/*
 * Grow a program that is not yet running. The new copy takes over aux and
 * stats; on failure the old program is left intact for the caller.
 */
struct bpf_prog *bpf_prog_realloc(struct bpf_prog *fp_old, unsigned int size,
				  gfp_t gfp_extra)
{
	struct bpf_prog *fp;

	if (size <= fp_old->pages * PAGE_SIZE)
		return fp_old;
	fp = bpf_prog_vzalloc(size, gfp_extra);
	if (!fp)
		return NULL;
	memcpy(fp, fp_old, fp_old->pages * PAGE_SIZE);
	fp->pages = DIV_ROUND_UP(size, PAGE_SIZE);
	fp->aux->prog = fp;
	vfree(fp_old);
	return fp;
}

/* Free a program nobody can be running: no JIT image, no grace period. */
void __bpf_prog_free(struct bpf_prog *fp)
{
	if (fp->aux) {
		mutex_destroy(&fp->aux->used_maps_mutex);
		mutex_destroy(&fp->aux->ext_mutex);
		mutex_destroy(&fp->aux->dst_mutex);
		kfree(fp->aux->poke_tab);
		kfree(fp->aux);
	}
	free_percpu(fp->stats);
	free_percpu(fp->active);
	vfree(fp);
}

static void bpf_prog_free_work(struct work_struct *work)
{
	struct bpf_prog_aux *aux = container_of(work, struct bpf_prog_aux, work);
	struct bpf_prog *fp = aux->prog;

	if (fp->jited)
		bpf_jit_free(fp);
	else
		__bpf_prog_free(fp);
}

static void bpf_prog_free_rcu(struct rcu_head *rcu)
{
	struct bpf_prog_aux *aux = container_of(rcu, struct bpf_prog_aux, rcu);

	/* The rcu_head is done with: its space in aux now serves the work. */
	INIT_WORK(&aux->work, bpf_prog_free_work);
	schedule_work(&aux->work);
}

/*
 * Free a program once every run of it that may have started is over.
 * Callable from any context but NMI, including RCU callbacks.
 */
void bpf_prog_free(struct bpf_prog *fp)
{
	bpf_prog_kallsyms_del(fp);
	call_rcu(&fp->aux->rcu, bpf_prog_free_rcu);
}
EXPORT_SYMBOL_GPL(bpf_prog_free);

/* ---- JIT images: sysctls, kallsyms, text and exception lookups -------- */

#ifdef CONFIG_BPF_JIT
int bpf_jit_enable __read_mostly = IS_ENABLED(CONFIG_BPF_JIT_DEFAULT_ON);
int bpf_jit_kallsyms __read_mostly = IS_ENABLED(CONFIG_BPF_JIT_DEFAULT_ON);
int bpf_jit_harden __read_mostly;
long bpf_jit_limit __read_mostly;
long bpf_jit_limit_max __read_mostly;

/* Set by the x86 speculation code when reused JIT memory needs a flush. */
DEFINE_STATIC_CALL_NULL(bpf_arch_pred_flush, bpf_arch_pred_flush);
DEFINE_STATIC_KEY_FALSE(bpf_pred_flush_enabled);

/* The JIT may use the whole executable area; by default half of it. */
static int __init bpf_jit_limit_init(void)
{
#ifdef MODULES_VADDR
	bpf_jit_limit_max = MODULES_END - MODULES_VADDR;
#else
	bpf_jit_limit_max = VMALLOC_END - VMALLOC_START;
#endif
	bpf_jit_limit = bpf_jit_limit_max / 2;
	return 0;
}
core_initcall(bpf_jit_limit_init);

/* Every image in kernel text the JIT made: programs, trampolines... */
static LIST_HEAD(bpf_ksyms);
static DEFINE_SPINLOCK(bpf_ksyms_lock);

void bpf_ksym_add(struct bpf_ksym *ksym)
{
	unsigned long flags;

	spin_lock_irqsave(&bpf_ksyms_lock, flags);
	list_add_tail_rcu(&ksym->lnode, &bpf_ksyms);
	spin_unlock_irqrestore(&bpf_ksyms_lock, flags);
}

/* Readers may still walk through ksym until a grace period has passed. */
void bpf_ksym_del(struct bpf_ksym *ksym)
{
	unsigned long flags;

	spin_lock_irqsave(&bpf_ksyms_lock, flags);
	if (!list_empty(&ksym->lnode) && ksym->lnode.prev != LIST_POISON2)
		list_del_rcu(&ksym->lnode);
	spin_unlock_irqrestore(&bpf_ksyms_lock, flags);
}

void bpf_prog_kallsyms_add(struct bpf_prog *fp)
{
	struct bpf_ksym *ksym = &fp->aux->ksym;

	if (!fp->jited || !list_empty(&ksym->lnode))
		return;
	ksym->start = (unsigned long)fp->bpf_func;
	ksym->end = ksym->start + fp->jited_len;
	ksym->prog = true;
	snprintf(ksym->name, sizeof(ksym->name), "bpf_prog_%*phN%s%s",
		 BPF_TAG_SIZE, fp->tag, fp->aux->name[0] ? "_" : "",
		 fp->aux->name);
	bpf_ksym_add(ksym);
}

void bpf_prog_kallsyms_del(struct bpf_prog *fp)
{
	bpf_ksym_del(&fp->aux->ksym);
}

/* Under rcu_read_lock(). */
static struct bpf_ksym *bpf_ksym_find(unsigned long addr)
{
	struct bpf_ksym *ksym;

	list_for_each_entry_rcu(ksym, &bpf_ksyms, lnode)
		if (addr >= ksym->start && addr < ksym->end)
			return ksym;
	return NULL;
}

/* Called by the unwinder, in any context; RCU is watching (extable.c). */
bool is_bpf_text_address(unsigned long addr)
{
	bool found;

	rcu_read_lock();
	found = bpf_ksym_find(addr);
	rcu_read_unlock();
	return found;
}

const char *__bpf_address_lookup(unsigned long addr, unsigned long *size,
				 unsigned long *off, char *sym)
{
	struct bpf_ksym *ksym;

	rcu_read_lock();
	ksym = bpf_ksym_find(addr);
	if (ksym) {
		if (size)
			*size = ksym->end - ksym->start;
		if (off)
			*off = addr - ksym->start;
		strscpy(sym, ksym->name, KSYM_NAME_LEN);
	}
	rcu_read_unlock();
	return ksym ? sym : NULL;
}

/* The symnum-th image for /proc/kallsyms, if the sysctls allow naming. */
int bpf_get_kallsym(unsigned int symnum, unsigned long *value, char *type,
		    char *sym)
{
	struct bpf_ksym *ksym;
	int err = -ERANGE;

	if (!bpf_jit_kallsyms_enabled())
		return err;
	rcu_read_lock();
	list_for_each_entry_rcu(ksym, &bpf_ksyms, lnode) {
		if (symnum--)
			continue;
		*value = ksym->start;
		*type = 't';
		strscpy(sym, ksym->name, KSYM_NAME_LEN);
		err = 0;
		break;
	}
	rcu_read_unlock();
	return err;
}

/* A fault in a JIT image: did the JIT mark that instruction as allowed to? */
const struct exception_table_entry *search_bpf_extables(unsigned long addr)
{
	const struct exception_table_entry *entry = NULL;
	struct bpf_prog_aux *aux;
	struct bpf_ksym *ksym;

	rcu_read_lock();
	ksym = bpf_ksym_find(addr);
	if (ksym && ksym->prog) {
		aux = container_of(ksym, struct bpf_prog_aux, ksym);
		if (aux->num_exentries)
			entry = search_extable(aux->extable,
					       aux->num_exentries, addr);
	}
	rcu_read_unlock();
	return entry;
}

/* No JIT image: only the program itself to free. The JIT overrides this. */
void __weak bpf_jit_free(struct bpf_prog *fp)
{
	__bpf_prog_free(fp);
}
#endif /* CONFIG_BPF_JIT */

/* The eBPF JIT: compiles fp in place or returns a new program; or not. */
struct bpf_prog * __weak bpf_int_jit_compile(struct bpf_prog *fp)
{
	return fp;
}

/* A classic-BPF JIT, which x86 does not have. */
void __weak bpf_jit_compile(struct bpf_prog *fp)
{
}

/* ---- the interpreter ------------------------------------------------ */

/*
 * A translated instruction. The second cell of a 64-bit immediate load
 * holds the immediate and traps if anything jumps to it.
 */
union bpf_cell {
	struct {
		const void *op;
		union {
			struct {
				u8 dst;
				u8 src;
				s16 off;
				s32 imm;
			};
			u64 imm64;
		};
	};
};

/* The operations for an opcode, by size or by operand source and width. */
#define BPF_ALU_OPS(X, name, code)					\
	X(name##64_X, BPF_ALU64 | (code) | BPF_X)			\
	X(name##64_K, BPF_ALU64 | (code) | BPF_K)			\
	X(name##32_X, BPF_ALU | (code) | BPF_X)				\
	X(name##32_K, BPF_ALU | (code) | BPF_K)
#define BPF_JMP_OPS(X, name, code)					\
	X(name##_X, BPF_JMP | (code) | BPF_X)				\
	X(name##_K, BPF_JMP | (code) | BPF_K)				\
	X(name##32_X, BPF_JMP32 | (code) | BPF_X)			\
	X(name##32_K, BPF_JMP32 | (code) | BPF_K)
#define BPF_MEM_OPS(X, name, code)					\
	X(name##_B, (code) | BPF_B)					\
	X(name##_H, (code) | BPF_H)					\
	X(name##_W, (code) | BPF_W)					\
	X(name##_DW, (code) | BPF_DW)

/* Operations an opcode alone selects. */
#define BPF_OPCODE_OPS(X)						\
	BPF_ALU_OPS(X, ADD, BPF_ADD)					\
	BPF_ALU_OPS(X, SUB, BPF_SUB)					\
	BPF_ALU_OPS(X, MUL, BPF_MUL)					\
	BPF_ALU_OPS(X, DIV, BPF_DIV)					\
	BPF_ALU_OPS(X, MOD, BPF_MOD)					\
	BPF_ALU_OPS(X, OR, BPF_OR)					\
	BPF_ALU_OPS(X, AND, BPF_AND)					\
	BPF_ALU_OPS(X, XOR, BPF_XOR)					\
	BPF_ALU_OPS(X, LSH, BPF_LSH)					\
	BPF_ALU_OPS(X, RSH, BPF_RSH)					\
	BPF_ALU_OPS(X, ARSH, BPF_ARSH)					\
	BPF_ALU_OPS(X, MOV, BPF_MOV)					\
	X(NEG64, BPF_ALU64 | BPF_NEG)					\
	X(NEG32, BPF_ALU | BPF_NEG)					\
	X(JA, BPF_JMP | BPF_JA)						\
	BPF_JMP_OPS(X, JEQ, BPF_JEQ)					\
	BPF_JMP_OPS(X, JNE, BPF_JNE)					\
	BPF_JMP_OPS(X, JSET, BPF_JSET)					\
	BPF_JMP_OPS(X, JGT, BPF_JGT)					\
	BPF_JMP_OPS(X, JGE, BPF_JGE)					\
	BPF_JMP_OPS(X, JLT, BPF_JLT)					\
	BPF_JMP_OPS(X, JLE, BPF_JLE)					\
	BPF_JMP_OPS(X, JSGT, BPF_JSGT)					\
	BPF_JMP_OPS(X, JSGE, BPF_JSGE)					\
	BPF_JMP_OPS(X, JSLT, BPF_JSLT)					\
	BPF_JMP_OPS(X, JSLE, BPF_JSLE)					\
	X(CALL, BPF_JMP | BPF_CALL)					\
	X(TAIL_CALL, BPF_JMP | BPF_TAIL_CALL)				\
	X(EXIT, BPF_JMP | BPF_EXIT)					\
	BPF_MEM_OPS(X, LDX, BPF_LDX | BPF_MEM)				\
	BPF_MEM_OPS(X, PROBE, BPF_LDX | BPF_PROBE_MEM)			\
	BPF_MEM_OPS(X, ST, BPF_ST | BPF_MEM)				\
	BPF_MEM_OPS(X, STX, BPF_STX | BPF_MEM)				\
	X(LD_IMM64, BPF_LD | BPF_IMM | BPF_DW)				\
	X(NOSPEC, BPF_ST | BPF_NOSPEC)

#define BPF_ATOMIC_OPS(X, name)						\
	X(name##_W) X(name##_DW) X(name##_FETCH_W) X(name##_FETCH_DW)

/* Operations that also depend on the imm or src_reg field. */
#define BPF_TRANSLATED_OPS(X)						\
	X(TRAP)								\
	X(SWAB16) X(SWAB32) X(SWAB64)					\
	X(CALL_SUBPROG)							\
	BPF_ATOMIC_OPS(X, ATOMIC_ADD)					\
	BPF_ATOMIC_OPS(X, ATOMIC_AND)					\
	BPF_ATOMIC_OPS(X, ATOMIC_OR)					\
	BPF_ATOMIC_OPS(X, ATOMIC_XOR)					\
	X(XCHG_W) X(XCHG_DW) X(CMPXCHG_W) X(CMPXCHG_DW)

#define BPF_OP_ENUM(name, ...)	OP_##name,
enum bpf_op {
	OP_NONE,		/* not an instruction: translation fails */
	BPF_OPCODE_OPS(BPF_OP_ENUM)
	BPF_TRANSLATED_OPS(BPF_OP_ENUM)
	NR_BPF_OPS
};

#define BPF_OP_OF_CODE(name, code)	[code] = OP_##name,
static const u8 bpf_op_of_code[256] = {
	BPF_OPCODE_OPS(BPF_OP_OF_CODE)
};

typedef u64 (*bpf_helper_t)(u64, u64, u64, u64, u64);

static unsigned int bpf_prog_run_interp(const void *ctx,
					const struct bpf_insn *insn);

static size_t bpf_cells_offset(u32 len)
{
	return ALIGN(offsetof(struct bpf_prog, insnsi[len]),
		     sizeof(union bpf_cell));
}

/* bpf_prog_vzalloc() memory is page aligned, so offsets align addresses. */
static const union bpf_cell *bpf_prog_cells(const struct bpf_prog *fp)
{
	return (const void *)fp + bpf_cells_offset(fp->len);
}

#define R(n)		regs[BPF_REG_##n]
#define DST		regs[pc->dst]
#define SRC		regs[pc->src]
#define IMM		pc->imm
#define AT(base)	((void *)(unsigned long)((base) + pc->off))
#define NEXT		goto *(++pc)->op
#define JUMP_IF(cond)	do { if (cond) pc += pc->off; NEXT; } while (0)

/*
 * Run the cells from pc with r1-r5 as arguments, return r0. Called with
 * pc == NULL it returns its table of handlers instead, for translation:
 * handler addresses are only valid in this one copy of the function,
 * hence noinline and __noclone.
 */
static noinline __noclone u64 bpf_run(const union bpf_cell *pc, u64 r1, u64 r2,
				      u64 r3, u64 r4, u64 r5)
{
#define BPF_OP_LABEL(name, ...)	[OP_##name] = &&name,
	static const void * const handlers[NR_BPF_OPS] = {
		[OP_NONE] = &&TRAP,
		BPF_OPCODE_OPS(BPF_OP_LABEL)
		BPF_TRANSLATED_OPS(BPF_OP_LABEL)
	};
	/* Programs never read stack they did not write: skip auto-init. */
	u64 stack[MAX_BPF_STACK / sizeof(u64)] __uninitialized;
	u64 regs[MAX_BPF_EXT_REG] = {
		[BPF_REG_1] = r1, [BPF_REG_2] = r2, [BPF_REG_3] = r3,
		[BPF_REG_4] = r4, [BPF_REG_5] = r5,
		[BPF_REG_FP] = (unsigned long)&stack[ARRAY_SIZE(stack)],
	};
	u32 tail_calls = 0;

	if (unlikely(!pc))
		return (unsigned long)handlers;
	goto *pc->op;

#define ALU(name, op)							\
	name##64_X:	DST = DST op SRC;			NEXT;	\
	name##64_K:	DST = DST op (u64)IMM;			NEXT;	\
	name##32_X:	DST = (u32)DST op (u32)SRC;		NEXT;	\
	name##32_K:	DST = (u32)DST op (u32)IMM;		NEXT;
	ALU(ADD, +)
	ALU(SUB, -)
	ALU(MUL, *)
	ALU(OR, |)
	ALU(AND, &)
	ALU(XOR, ^)

	/* Counts in registers are masked; immediates were at translation. */
#define SHIFT(name, op, t64, t32)					\
	name##64_X:	DST = (t64)DST op (SRC & 63);		NEXT;	\
	name##64_K:	DST = (t64)DST op IMM;			NEXT;	\
	name##32_X:	DST = (u32)((t32)DST op (SRC & 31));	NEXT;	\
	name##32_K:	DST = (u32)((t32)DST op IMM);		NEXT;
	SHIFT(LSH, <<, u64, u32)
	SHIFT(RSH, >>, u64, u32)
	SHIFT(ARSH, >>, s64, s32)

	/* A zero immediate divisor was translated away. */
DIV64_X:	DST = SRC ? div64_u64(DST, SRC) : 0;			NEXT;
DIV64_K:	DST = div64_u64(DST, (u64)IMM);				NEXT;
DIV32_X:	DST = (u32)SRC ? (u32)DST / (u32)SRC : 0;		NEXT;
DIV32_K:	DST = (u32)DST / (u32)IMM;				NEXT;
MOD64_X:	if (SRC)
			div64_u64_rem(DST, SRC, &DST);
		NEXT;
MOD64_K:	div64_u64_rem(DST, (u64)IMM, &DST);			NEXT;
MOD32_X:	DST = (u32)SRC ? (u32)DST % (u32)SRC : (u32)DST;	NEXT;
MOD32_K:	DST = (u32)DST % (u32)IMM;				NEXT;
MOV64_X:	DST = SRC;						NEXT;
MOV64_K:	DST = (u64)IMM;						NEXT;
MOV32_X:	DST = (u32)SRC;						NEXT;
MOV32_K:	DST = (u32)IMM;						NEXT;
NEG64:		DST = -DST;						NEXT;
NEG32:		DST = (u32)-DST;					NEXT;
SWAB16:		DST = swab16(DST);					NEXT;
SWAB32:		DST = swab32(DST);					NEXT;
SWAB64:		DST = swab64(DST);					NEXT;

JA:		JUMP_IF(true);
#define JMP(name, op, t64, t32)						\
	name##_X:	JUMP_IF((t64)DST op (t64)SRC);			\
	name##_K:	JUMP_IF((t64)DST op (t64)IMM);			\
	name##32_X:	JUMP_IF((t32)DST op (t32)SRC);			\
	name##32_K:	JUMP_IF((t32)DST op (t32)IMM);
	JMP(JEQ, ==, u64, u32)
	JMP(JNE, !=, u64, u32)
	JMP(JSET, &, u64, u32)
	JMP(JGT, >, u64, u32)
	JMP(JGE, >=, u64, u32)
	JMP(JLT, <, u64, u32)
	JMP(JLE, <=, u64, u32)
	JMP(JSGT, >, s64, s32)
	JMP(JSGE, >=, s64, s32)
	JMP(JSLT, <, s64, s32)
	JMP(JSLE, <=, s64, s32)

CALL:		R(0) = ((bpf_helper_t)((unsigned long)__bpf_call_base + IMM))
			(R(1), R(2), R(3), R(4), R(5));
		NEXT;
CALL_SUBPROG:	R(0) = bpf_run(pc + IMM + 1, R(1), R(2), R(3), R(4), R(5));
		NEXT;
EXIT:		return R(0);

	/*
	 * r2 is a program array, r3 an index into it. The target reuses this
	 * frame. Failure, including past MAX_TAIL_CALL_CNT tail calls, goes
	 * on with the next instruction.
	 */
TAIL_CALL: {
		struct bpf_array *array = container_of((void *)(unsigned long)R(2),
						       struct bpf_array, map);
		u32 index = R(3);
		struct bpf_prog *next;

		if (index >= array->map.max_entries ||
		    tail_calls >= MAX_TAIL_CALL_CNT)
			NEXT;
		tail_calls++;
		index = array_index_nospec(index, array->map.max_entries);
		next = READ_ONCE(array->ptrs[index]);
		/* A JIT-compiled target has no cells; the map layer keeps them apart. */
		if (!next || next->bpf_func != bpf_prog_run_interp)
			NEXT;
		pc = bpf_prog_cells(next);
		goto *pc->op;
	}

#define MEM(size, type)							\
	LDX_##size:	DST = *(type *)AT(SRC);			NEXT;	\
	ST_##size:	*(type *)AT(DST) = IMM;			NEXT;	\
	STX_##size:	*(type *)AT(DST) = SRC;			NEXT;	\
	PROBE_##size: {							\
		type val;						\
									\
		if (copy_from_kernel_nofault(&val, AT(SRC), sizeof(val)))	\
			val = 0;					\
		DST = val;						\
		NEXT;							\
	}
	MEM(B, u8)
	MEM(H, u16)
	MEM(W, u32)
	MEM(DW, u64)

LD_IMM64:	DST = pc[1].imm64;
		pc++;
		NEXT;
NOSPEC:		barrier_nospec();
		NEXT;

#define ATOMIC(name, op)						\
	name##_W:	atomic_##op((u32)SRC, AT(DST));			NEXT;	\
	name##_DW:	atomic64_##op(SRC, AT(DST));			NEXT;	\
	name##_FETCH_W:	SRC = (u32)atomic_fetch_##op((u32)SRC, AT(DST));	NEXT;	\
	name##_FETCH_DW: SRC = atomic64_fetch_##op(SRC, AT(DST));	NEXT;
	ATOMIC(ATOMIC_ADD, add)
	ATOMIC(ATOMIC_AND, and)
	ATOMIC(ATOMIC_OR, or)
	ATOMIC(ATOMIC_XOR, xor)
XCHG_W:		SRC = (u32)atomic_xchg(AT(DST), (u32)SRC);		NEXT;
XCHG_DW:	SRC = atomic64_xchg(AT(DST), SRC);			NEXT;
CMPXCHG_W:	R(0) = (u32)atomic_cmpxchg(AT(DST), (u32)R(0), (u32)SRC);
		NEXT;
CMPXCHG_DW:	R(0) = atomic64_cmpxchg(AT(DST), R(0), SRC);
		NEXT;

TRAP:
	WARN_ONCE(1, "bpf: interpreter ran into a cell that is no instruction\n");
	return 0;
}

/* Its indirect jumps are to the handlers above, not calls. */
STACK_FRAME_NON_STANDARD(bpf_run);

static unsigned int bpf_prog_run_interp(const void *ctx,
					const struct bpf_insn *insn)
{
	const struct bpf_prog *fp = container_of(insn, struct bpf_prog,
						 insnsi[0]);

	return bpf_run(bpf_prog_cells(fp), (unsigned long)ctx, 0, 0, 0, 0);
}

static bool bpf_target_ok(u32 i, s64 delta, u32 len)
{
	return i + delta + 1 >= 0 && i + delta + 1 < len;
}

static enum bpf_op bpf_translate_swap(const struct bpf_insn *insn,
				      union bpf_cell *cell)
{
	bool native = (BPF_SRC(insn->code) == BPF_TO_BE) ==
		      IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);

	/* In host order a "swap" only truncates. */
	switch (insn->imm) {
	case 16:
		cell->imm = 0xffff;
		return native ? OP_AND32_K : OP_SWAB16;
	case 32:
		cell->src = cell->dst;
		return native ? OP_MOV32_X : OP_SWAB32;
	case 64:
		cell->off = 0;
		return native ? OP_JA : OP_SWAB64;
	}
	return OP_NONE;
}

static enum bpf_op bpf_translate_atomic(const struct bpf_insn *insn)
{
	bool dw = BPF_SIZE(insn->code) == BPF_DW;

	switch (insn->imm) {
	case BPF_ADD:
		return dw ? OP_ATOMIC_ADD_DW : OP_ATOMIC_ADD_W;
	case BPF_AND:
		return dw ? OP_ATOMIC_AND_DW : OP_ATOMIC_AND_W;
	case BPF_OR:
		return dw ? OP_ATOMIC_OR_DW : OP_ATOMIC_OR_W;
	case BPF_XOR:
		return dw ? OP_ATOMIC_XOR_DW : OP_ATOMIC_XOR_W;
	case BPF_ADD | BPF_FETCH:
		return dw ? OP_ATOMIC_ADD_FETCH_DW : OP_ATOMIC_ADD_FETCH_W;
	case BPF_AND | BPF_FETCH:
		return dw ? OP_ATOMIC_AND_FETCH_DW : OP_ATOMIC_AND_FETCH_W;
	case BPF_OR | BPF_FETCH:
		return dw ? OP_ATOMIC_OR_FETCH_DW : OP_ATOMIC_OR_FETCH_W;
	case BPF_XOR | BPF_FETCH:
		return dw ? OP_ATOMIC_XOR_FETCH_DW : OP_ATOMIC_XOR_FETCH_W;
	case BPF_XCHG:
		return dw ? OP_XCHG_DW : OP_XCHG_W;
	case BPF_CMPXCHG:
		return dw ? OP_CMPXCHG_DW : OP_CMPXCHG_W;
	}
	return OP_NONE;
}

/*
 * Translate prog[i] into cell[0] (and cell[1] for a 64-bit immediate).
 * Returns OP_NONE for anything the interpreter must not run: an unknown
 * opcode or operation, a register past BPF_REG_AX, a jump out of the
 * program, a truncated 64-bit immediate.
 */
static enum bpf_op bpf_translate_insn(const struct bpf_insn *prog, u32 i,
				      u32 len, union bpf_cell *cell)
{
	const struct bpf_insn *insn = &prog[i];
	enum bpf_op op = bpf_op_of_code[insn->code];

	if (insn->dst_reg > BPF_REG_AX || insn->src_reg > BPF_REG_AX)
		return OP_NONE;
	cell->dst = insn->dst_reg;
	cell->src = insn->src_reg;
	cell->off = insn->off;
	cell->imm = insn->imm;

	switch (insn->code) {
	case BPF_ALU | BPF_END | BPF_TO_LE:
	case BPF_ALU | BPF_END | BPF_TO_BE:
		return bpf_translate_swap(insn, cell);
	case BPF_STX | BPF_ATOMIC | BPF_W:
	case BPF_STX | BPF_ATOMIC | BPF_DW:
		return bpf_translate_atomic(insn);
	}

	switch (op) {
	case OP_LSH64_K:
	case OP_RSH64_K:
	case OP_ARSH64_K:
		cell->imm &= 63;
		break;
	case OP_LSH32_K:
	case OP_RSH32_K:
	case OP_ARSH32_K:
		cell->imm &= 31;
		break;
	case OP_DIV64_K:
	case OP_DIV32_K:
		/* dst / 0 is 0: move in the (zero) immediate. */
		if (!insn->imm)
			op = OP_MOV64_K;
		break;
	case OP_MOD64_K:
		/* dst % 0 is dst. */
		if (!insn->imm) {
			cell->off = 0;
			op = OP_JA;
		}
		break;
	case OP_MOD32_K:
		/* ... with the upper half cleared in 32-bit arithmetic. */
		if (!insn->imm) {
			cell->src = cell->dst;
			op = OP_MOV32_X;
		}
		break;
	case OP_CALL:
		if (insn->src_reg != BPF_PSEUDO_CALL)
			break;
		if (!bpf_target_ok(i, insn->imm, len))
			return OP_NONE;
		op = OP_CALL_SUBPROG;
		break;
	case OP_LD_IMM64:
		if (i + 1 >= len || prog[i + 1].code || prog[i + 1].dst_reg ||
		    prog[i + 1].src_reg || prog[i + 1].off)
			return OP_NONE;
		cell[1].imm64 = (u64)(u32)prog[i + 1].imm << 32 | (u32)insn->imm;
		break;
	case OP_TAIL_CALL:
	case OP_EXIT:
		break;
	default:
		if ((BPF_CLASS(insn->code) == BPF_JMP ||
		     BPF_CLASS(insn->code) == BPF_JMP32) &&
		    !bpf_target_ok(i, insn->off, len))
			return OP_NONE;
	}
	return op;
}

/* Check prog's instructions; with cells, also translate them there. */
static int bpf_translate(const struct bpf_prog *fp, union bpf_cell *cells)
{
	const void * const *handlers = NULL;
	union bpf_cell scratch[2];
	union bpf_cell *cell;
	enum bpf_op op;
	u32 i;

	if (cells)
		handlers = (void *)(unsigned long)bpf_run(NULL, 0, 0, 0, 0, 0);
	for (i = 0; i < fp->len; i++) {
		cell = cells ? &cells[i] : scratch;
		op = bpf_translate_insn(fp->insnsi, i, fp->len, cell);
		if (op == OP_NONE)
			return -EINVAL;
		if (cells)
			cell->op = handlers[op];
		if (op == OP_LD_IMM64) {
			i++;
			if (cells)
				cell[1].op = handlers[OP_TRAP];
		}
	}
	if (cells)
		cells[fp->len].op = handlers[OP_TRAP];
	return 0;
}

/* Append the cells to the program and make it run on the interpreter. */
static int bpf_prog_use_interpreter(struct bpf_prog **pfp)
{
	struct bpf_prog *fp = *pfp;
	size_t size = bpf_cells_offset(fp->len) +
		      (fp->len + 1) * sizeof(union bpf_cell);

	if (size > UINT_MAX)
		return -E2BIG;
	fp = bpf_prog_realloc(fp, size, 0);
	if (!fp)
		return -ENOMEM;
	*pfp = fp;
	bpf_translate(fp, (void *)fp + bpf_cells_offset(fp->len));
	fp->bpf_func = bpf_prog_run_interp;
	return 0;
}

/* ---- runtime selection ---------------------------------------------- */

/*
 * Make fp runnable: JIT-compiled if asked for and possible, interpreted
 * otherwise. Returns the program to use from now on, which may not be fp,
 * and sets *err; on error the returned program is still the caller's to
 * free.
 */
struct bpf_prog *bpf_prog_select_runtime(struct bpf_prog *fp, int *err)
{
	*err = bpf_translate(fp, NULL);
	if (*err)
		return fp;

	if (fp->jit_requested)
		fp = bpf_int_jit_compile(fp);
	if (fp->jited) {
		bpf_prog_kallsyms_add(fp);
	} else if (IS_ENABLED(CONFIG_BPF_JIT_ALWAYS_ON)) {
		*err = -ENOTSUPP;
		return fp;
	} else {
		*err = bpf_prog_use_interpreter(&fp);
		if (*err)
			return fp;
	}
	*err = bpf_prog_lock_ro(fp);
	return fp;
}
EXPORT_SYMBOL_GPL(bpf_prog_select_runtime);

/* ---- what the rest of the kernel calls ------------------------------ */

/*
 * Helper calls carry their target as imm, an offset from this function,
 * which is never called: BPF_EMIT_CALL() and the interpreter's CALL.
 */
noinline u64 __bpf_call_base(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return 0;
}
EXPORT_SYMBOL_GPL(__bpf_call_base);

/* Classic BPF's SKF_AD_CPU and SKF_AD_RANDOM, converted to calls. */
BPF_CALL_0(bpf_get_raw_cpu_id)
{
	return raw_smp_processor_id();
}

/* Per-CPU and lockless, so that programs in NMI context may use it. */
static DEFINE_PER_CPU(struct rnd_state, bpf_user_rnd);

void bpf_user_rnd_init_once(void)
{
	prandom_init_once(&bpf_user_rnd);
}

BPF_CALL_0(bpf_user_rnd_u32)
{
	struct rnd_state *state = get_cpu_ptr(&bpf_user_rnd);
	u32 val = prandom_u32_state(state);

	put_cpu_ptr(&bpf_user_rnd);
	return val;
}

/*
 * Placeholders for what the bpf(2) and tracing sides provide: helper
 * prototypes net/core/filter.c offers to programs, and perf output.
 */
const struct bpf_func_proto bpf_get_smp_processor_id_proto __weak;
const struct bpf_func_proto bpf_ktime_get_coarse_ns_proto __weak;
const struct bpf_func_proto bpf_get_current_pid_tgid_proto __weak;
const struct bpf_func_proto bpf_get_current_uid_gid_proto __weak;

u64 __weak bpf_event_output(struct bpf_map *map, u64 flags, void *meta,
			    u64 meta_size, void *ctx, u64 ctx_size,
			    bpf_ctx_copy_t ctx_copy)
{
	return -ENOTSUPP;
}
