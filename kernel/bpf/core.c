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

/* While on, bpf_prog_run() counts runs and their time in fp->stats. */
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

/*
 * Free what bpf_prog_alloc() made, once nobody can be running the
 * program: it has no JIT image and needs no grace period.
 */
void __bpf_prog_free(struct bpf_prog *fp)
{
	struct bpf_prog_aux *aux = fp->aux;

	free_percpu(fp->stats);
	vfree(fp);
	kfree(aux->funcs);
	kfree(aux);
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

/*
 * A program with bpf-to-bpf calls has one image for all its functions.
 * Its symbol spans the image, for the unwinder and the exception tables,
 * but names only the first function; the others are bpf_prog_<tag>_F, as
 * upstream names the image it makes for each.
 */
static const struct ebpf_funcs *bpf_ksym_funcs(const struct bpf_ksym *ksym)
{
	const struct bpf_prog_aux *aux;

	if (!ksym->prog)
		return NULL;
	aux = container_of(ksym, struct bpf_prog_aux, ksym);
	return aux->funcs;
}

/* The name, start and end of function @k of the image of @ksym. */
static void bpf_ksym_func(const struct bpf_ksym *ksym, u32 k, char *sym,
			  unsigned long *start, unsigned long *end)
{
	const struct ebpf_funcs *funcs = bpf_ksym_funcs(ksym);

	*start = ksym->start;
	*end = ksym->end;
	if (!funcs) {
		strscpy(sym, ksym->name, KSYM_NAME_LEN);
		return;
	}
	if (k)
		snprintf(sym, KSYM_NAME_LEN, "bpf_prog_%*phN_F", BPF_TAG_SIZE,
			 funcs->func[k].tag);
	else
		strscpy(sym, ksym->name, KSYM_NAME_LEN);
	*start += funcs->func[k].offset;
	if (k + 1 < funcs->nr)
		*end = ksym->start + funcs->func[k + 1].offset;
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
	const struct ebpf_funcs *funcs;
	unsigned long start, end;
	struct bpf_ksym *ksym;
	u32 k = 0;

	rcu_read_lock();
	ksym = bpf_ksym_find(addr);
	if (ksym) {
		/* functions are laid out in order: the last one before addr */
		funcs = bpf_ksym_funcs(ksym);
		while (funcs && k + 1 < funcs->nr &&
		       ksym->start + funcs->func[k + 1].offset <= addr)
			k++;
		bpf_ksym_func(ksym, k, sym, &start, &end);
		if (size)
			*size = end - start;
		if (off)
			*off = addr - start;
	}
	rcu_read_unlock();
	return ksym ? sym : NULL;
}

/* The symnum-th function for /proc/kallsyms, if the sysctls allow naming. */
int bpf_get_kallsym(unsigned int symnum, unsigned long *value, char *type,
		    char *sym)
{
	const struct ebpf_funcs *funcs;
	struct bpf_ksym *ksym;
	unsigned long end;
	int err = -ERANGE;
	u32 nr;

	if (!bpf_jit_kallsyms_enabled())
		return err;
	rcu_read_lock();
	list_for_each_entry_rcu(ksym, &bpf_ksyms, lnode) {
		funcs = bpf_ksym_funcs(ksym);
		nr = funcs ? funcs->nr : 1;
		if (symnum >= nr) {
			symnum -= nr;
			continue;
		}
		bpf_ksym_func(ksym, symnum, sym, value, &end);
		*type = 't';
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

/*
 * The XDP dispatcher may turn its indirect call of the attached program
 * into a direct one. Not doing so is always right: it calls bpf_func.
 */
void bpf_dispatcher_change_prog(struct bpf_dispatcher *d,
				struct bpf_prog *from, struct bpf_prog *to)
{
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

/*
 * The interpreter's handlers are numbered by opcode where the opcode
 * alone says what to do, and past the opcodes where translation also
 * looks at imm or src_reg.
 */
enum {
	HANDLER_TRAP = 256,
	HANDLER_SWAB16,
	HANDLER_SWAB32,
	HANDLER_SWAB64,
	HANDLER_CALL_SUBPROG,
	HANDLER_ADD_W,
	HANDLER_ADD_DW,
	HANDLER_AND_W,
	HANDLER_AND_DW,
	HANDLER_OR_W,
	HANDLER_OR_DW,
	HANDLER_XOR_W,
	HANDLER_XOR_DW,
	HANDLER_FETCH_ADD_W,
	HANDLER_FETCH_ADD_DW,
	HANDLER_FETCH_AND_W,
	HANDLER_FETCH_AND_DW,
	HANDLER_FETCH_OR_W,
	HANDLER_FETCH_OR_DW,
	HANDLER_FETCH_XOR_W,
	HANDLER_FETCH_XOR_DW,
	HANDLER_XCHG_W,
	HANDLER_XCHG_DW,
	HANDLER_CMPXCHG_W,
	HANDLER_CMPXCHG_DW,
	NR_HANDLERS
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

static __always_inline u64 bpf_mod64(u64 x, u64 y)
{
	u64 rem;

	div64_u64_rem(x, y, &rem);
	return rem;
}

/* A faulting load reads 0, as bpf_probe_read_kernel() would. */
static u64 bpf_probe_load(const void *src, u32 size)
{
	union {
		u8 b;
		u16 h;
		u32 w;
		u64 dw;
	} val;

	if (copy_from_kernel_nofault(&val, src, size))
		return 0;
	switch (size) {
	case 1:
		return val.b;
	case 2:
		return val.h;
	case 4:
		return val.w;
	}
	return val.dw;
}

#define R(n)		regs[BPF_REG_##n]
#define DST		regs[pc->dst]
#define SRC		regs[pc->src]
#define IMM		pc->imm
#define AT(base)	((void *)(unsigned long)((base) + pc->off))
#define BRANCH(cond)	(pc->off & -(long)!!(cond))

/*
 * Run the cells from pc with r1-r5 as arguments, return r0. Called with
 * pc == NULL it returns its table of handlers instead, for translation:
 * a handler's address is only valid in this one copy of the function,
 * hence noinline and __noclone. Each handler ends by jumping to the next.
 */
static noinline __noclone u64 bpf_run(const union bpf_cell *pc, u64 r1, u64 r2,
				      u64 r3, u64 r4, u64 r5)
{
	static const void * const handlers[NR_HANDLERS] = {
		[BPF_ALU64 | BPF_ADD | BPF_X] = &&ADD64_X,
		[BPF_ALU64 | BPF_ADD | BPF_K] = &&ADD64_K,
		[BPF_ALU | BPF_ADD | BPF_X] = &&ADD32_X,
		[BPF_ALU | BPF_ADD | BPF_K] = &&ADD32_K,
		[BPF_ALU64 | BPF_SUB | BPF_X] = &&SUB64_X,
		[BPF_ALU64 | BPF_SUB | BPF_K] = &&SUB64_K,
		[BPF_ALU | BPF_SUB | BPF_X] = &&SUB32_X,
		[BPF_ALU | BPF_SUB | BPF_K] = &&SUB32_K,
		[BPF_ALU64 | BPF_MUL | BPF_X] = &&MUL64_X,
		[BPF_ALU64 | BPF_MUL | BPF_K] = &&MUL64_K,
		[BPF_ALU | BPF_MUL | BPF_X] = &&MUL32_X,
		[BPF_ALU | BPF_MUL | BPF_K] = &&MUL32_K,
		[BPF_ALU64 | BPF_DIV | BPF_X] = &&DIV64_X,
		[BPF_ALU64 | BPF_DIV | BPF_K] = &&DIV64_K,
		[BPF_ALU | BPF_DIV | BPF_X] = &&DIV32_X,
		[BPF_ALU | BPF_DIV | BPF_K] = &&DIV32_K,
		[BPF_ALU64 | BPF_MOD | BPF_X] = &&MOD64_X,
		[BPF_ALU64 | BPF_MOD | BPF_K] = &&MOD64_K,
		[BPF_ALU | BPF_MOD | BPF_X] = &&MOD32_X,
		[BPF_ALU | BPF_MOD | BPF_K] = &&MOD32_K,
		[BPF_ALU64 | BPF_OR | BPF_X] = &&OR64_X,
		[BPF_ALU64 | BPF_OR | BPF_K] = &&OR64_K,
		[BPF_ALU | BPF_OR | BPF_X] = &&OR32_X,
		[BPF_ALU | BPF_OR | BPF_K] = &&OR32_K,
		[BPF_ALU64 | BPF_AND | BPF_X] = &&AND64_X,
		[BPF_ALU64 | BPF_AND | BPF_K] = &&AND64_K,
		[BPF_ALU | BPF_AND | BPF_X] = &&AND32_X,
		[BPF_ALU | BPF_AND | BPF_K] = &&AND32_K,
		[BPF_ALU64 | BPF_XOR | BPF_X] = &&XOR64_X,
		[BPF_ALU64 | BPF_XOR | BPF_K] = &&XOR64_K,
		[BPF_ALU | BPF_XOR | BPF_X] = &&XOR32_X,
		[BPF_ALU | BPF_XOR | BPF_K] = &&XOR32_K,
		[BPF_ALU64 | BPF_LSH | BPF_X] = &&LSH64_X,
		[BPF_ALU64 | BPF_LSH | BPF_K] = &&LSH64_K,
		[BPF_ALU | BPF_LSH | BPF_X] = &&LSH32_X,
		[BPF_ALU | BPF_LSH | BPF_K] = &&LSH32_K,
		[BPF_ALU64 | BPF_RSH | BPF_X] = &&RSH64_X,
		[BPF_ALU64 | BPF_RSH | BPF_K] = &&RSH64_K,
		[BPF_ALU | BPF_RSH | BPF_X] = &&RSH32_X,
		[BPF_ALU | BPF_RSH | BPF_K] = &&RSH32_K,
		[BPF_ALU64 | BPF_ARSH | BPF_X] = &&ARSH64_X,
		[BPF_ALU64 | BPF_ARSH | BPF_K] = &&ARSH64_K,
		[BPF_ALU | BPF_ARSH | BPF_X] = &&ARSH32_X,
		[BPF_ALU | BPF_ARSH | BPF_K] = &&ARSH32_K,
		[BPF_ALU64 | BPF_MOV | BPF_X] = &&MOV64_X,
		[BPF_ALU64 | BPF_MOV | BPF_K] = &&MOV64_K,
		[BPF_ALU | BPF_MOV | BPF_X] = &&MOV32_X,
		[BPF_ALU | BPF_MOV | BPF_K] = &&MOV32_K,
		[BPF_ALU64 | BPF_NEG] = &&NEG64,
		[BPF_ALU | BPF_NEG] = &&NEG32,
		[HANDLER_SWAB16] = &&SWAB16,
		[HANDLER_SWAB32] = &&SWAB32,
		[HANDLER_SWAB64] = &&SWAB64,

		[BPF_JMP | BPF_JA] = &&JA,
		[BPF_JMP | BPF_JEQ | BPF_X] = &&JEQ_X,
		[BPF_JMP | BPF_JEQ | BPF_K] = &&JEQ_K,
		[BPF_JMP32 | BPF_JEQ | BPF_X] = &&JEQ32_X,
		[BPF_JMP32 | BPF_JEQ | BPF_K] = &&JEQ32_K,
		[BPF_JMP | BPF_JNE | BPF_X] = &&JNE_X,
		[BPF_JMP | BPF_JNE | BPF_K] = &&JNE_K,
		[BPF_JMP32 | BPF_JNE | BPF_X] = &&JNE32_X,
		[BPF_JMP32 | BPF_JNE | BPF_K] = &&JNE32_K,
		[BPF_JMP | BPF_JSET | BPF_X] = &&JSET_X,
		[BPF_JMP | BPF_JSET | BPF_K] = &&JSET_K,
		[BPF_JMP32 | BPF_JSET | BPF_X] = &&JSET32_X,
		[BPF_JMP32 | BPF_JSET | BPF_K] = &&JSET32_K,
		[BPF_JMP | BPF_JGT | BPF_X] = &&JGT_X,
		[BPF_JMP | BPF_JGT | BPF_K] = &&JGT_K,
		[BPF_JMP32 | BPF_JGT | BPF_X] = &&JGT32_X,
		[BPF_JMP32 | BPF_JGT | BPF_K] = &&JGT32_K,
		[BPF_JMP | BPF_JGE | BPF_X] = &&JGE_X,
		[BPF_JMP | BPF_JGE | BPF_K] = &&JGE_K,
		[BPF_JMP32 | BPF_JGE | BPF_X] = &&JGE32_X,
		[BPF_JMP32 | BPF_JGE | BPF_K] = &&JGE32_K,
		[BPF_JMP | BPF_JLT | BPF_X] = &&JLT_X,
		[BPF_JMP | BPF_JLT | BPF_K] = &&JLT_K,
		[BPF_JMP32 | BPF_JLT | BPF_X] = &&JLT32_X,
		[BPF_JMP32 | BPF_JLT | BPF_K] = &&JLT32_K,
		[BPF_JMP | BPF_JLE | BPF_X] = &&JLE_X,
		[BPF_JMP | BPF_JLE | BPF_K] = &&JLE_K,
		[BPF_JMP32 | BPF_JLE | BPF_X] = &&JLE32_X,
		[BPF_JMP32 | BPF_JLE | BPF_K] = &&JLE32_K,
		[BPF_JMP | BPF_JSGT | BPF_X] = &&JSGT_X,
		[BPF_JMP | BPF_JSGT | BPF_K] = &&JSGT_K,
		[BPF_JMP32 | BPF_JSGT | BPF_X] = &&JSGT32_X,
		[BPF_JMP32 | BPF_JSGT | BPF_K] = &&JSGT32_K,
		[BPF_JMP | BPF_JSGE | BPF_X] = &&JSGE_X,
		[BPF_JMP | BPF_JSGE | BPF_K] = &&JSGE_K,
		[BPF_JMP32 | BPF_JSGE | BPF_X] = &&JSGE32_X,
		[BPF_JMP32 | BPF_JSGE | BPF_K] = &&JSGE32_K,
		[BPF_JMP | BPF_JSLT | BPF_X] = &&JSLT_X,
		[BPF_JMP | BPF_JSLT | BPF_K] = &&JSLT_K,
		[BPF_JMP32 | BPF_JSLT | BPF_X] = &&JSLT32_X,
		[BPF_JMP32 | BPF_JSLT | BPF_K] = &&JSLT32_K,
		[BPF_JMP | BPF_JSLE | BPF_X] = &&JSLE_X,
		[BPF_JMP | BPF_JSLE | BPF_K] = &&JSLE_K,
		[BPF_JMP32 | BPF_JSLE | BPF_X] = &&JSLE32_X,
		[BPF_JMP32 | BPF_JSLE | BPF_K] = &&JSLE32_K,
		[BPF_JMP | BPF_CALL] = &&CALL,
		[HANDLER_CALL_SUBPROG] = &&CALL_SUBPROG,
		[BPF_JMP | BPF_TAIL_CALL] = &&TAIL_CALL,
		[BPF_JMP | BPF_EXIT] = &&EXIT,

		[BPF_LDX | BPF_MEM | BPF_B] = &&LDX_B,
		[BPF_LDX | BPF_MEM | BPF_H] = &&LDX_H,
		[BPF_LDX | BPF_MEM | BPF_W] = &&LDX_W,
		[BPF_LDX | BPF_MEM | BPF_DW] = &&LDX_DW,
		[BPF_LDX | BPF_PROBE_MEM | BPF_B] = &&PROBE_B,
		[BPF_LDX | BPF_PROBE_MEM | BPF_H] = &&PROBE_H,
		[BPF_LDX | BPF_PROBE_MEM | BPF_W] = &&PROBE_W,
		[BPF_LDX | BPF_PROBE_MEM | BPF_DW] = &&PROBE_DW,
		[BPF_ST | BPF_MEM | BPF_B] = &&ST_B,
		[BPF_ST | BPF_MEM | BPF_H] = &&ST_H,
		[BPF_ST | BPF_MEM | BPF_W] = &&ST_W,
		[BPF_ST | BPF_MEM | BPF_DW] = &&ST_DW,
		[BPF_STX | BPF_MEM | BPF_B] = &&STX_B,
		[BPF_STX | BPF_MEM | BPF_H] = &&STX_H,
		[BPF_STX | BPF_MEM | BPF_W] = &&STX_W,
		[BPF_STX | BPF_MEM | BPF_DW] = &&STX_DW,
		[BPF_LD | BPF_IMM | BPF_DW] = &&LD_IMM64,
		[BPF_ST | BPF_NOSPEC] = &&NOSPEC,

		[HANDLER_ADD_W] = &&ADD_W,
		[HANDLER_ADD_DW] = &&ADD_DW,
		[HANDLER_AND_W] = &&AND_W,
		[HANDLER_AND_DW] = &&AND_DW,
		[HANDLER_OR_W] = &&OR_W,
		[HANDLER_OR_DW] = &&OR_DW,
		[HANDLER_XOR_W] = &&XOR_W,
		[HANDLER_XOR_DW] = &&XOR_DW,
		[HANDLER_FETCH_ADD_W] = &&FETCH_ADD_W,
		[HANDLER_FETCH_ADD_DW] = &&FETCH_ADD_DW,
		[HANDLER_FETCH_AND_W] = &&FETCH_AND_W,
		[HANDLER_FETCH_AND_DW] = &&FETCH_AND_DW,
		[HANDLER_FETCH_OR_W] = &&FETCH_OR_W,
		[HANDLER_FETCH_OR_DW] = &&FETCH_OR_DW,
		[HANDLER_FETCH_XOR_W] = &&FETCH_XOR_W,
		[HANDLER_FETCH_XOR_DW] = &&FETCH_XOR_DW,
		[HANDLER_XCHG_W] = &&XCHG_W,
		[HANDLER_XCHG_DW] = &&XCHG_DW,
		[HANDLER_CMPXCHG_W] = &&CMPXCHG_W,
		[HANDLER_CMPXCHG_DW] = &&CMPXCHG_DW,
		[HANDLER_TRAP] = &&TRAP,
	};
	/*
	 * Programs never read stack they did not write: no auto-init. The
	 * registers are set one by one, which is cheaper than clearing the
	 * array first.
	 */
	u64 stack[MAX_BPF_STACK / sizeof(u64)] __uninitialized;
	u64 regs[MAX_BPF_EXT_REG] __uninitialized;
	u32 tail_calls = 0;

	if (unlikely(!pc))
		return (unsigned long)handlers;
	R(0) = 0;
	R(1) = r1;
	R(2) = r2;
	R(3) = r3;
	R(4) = r4;
	R(5) = r5;
	R(6) = 0;
	R(7) = 0;
	R(8) = 0;
	R(9) = 0;
	R(FP) = (unsigned long)&stack[ARRAY_SIZE(stack)];
	regs[BPF_REG_AX] = 0;
	goto *pc->op;

	/* 32-bit results are the low halves of 64-bit ones, zero-extended. */
ADD64_X:	DST += SRC;				goto *(++pc)->op;
ADD64_K:	DST += (u64)IMM;			goto *(++pc)->op;
ADD32_X:	DST = (u32)(DST + SRC);			goto *(++pc)->op;
ADD32_K:	DST = (u32)(DST + IMM);			goto *(++pc)->op;
SUB64_X:	DST -= SRC;				goto *(++pc)->op;
SUB64_K:	DST -= (u64)IMM;			goto *(++pc)->op;
SUB32_X:	DST = (u32)(DST - SRC);			goto *(++pc)->op;
SUB32_K:	DST = (u32)(DST - IMM);			goto *(++pc)->op;
MUL64_X:	DST *= SRC;				goto *(++pc)->op;
MUL64_K:	DST *= (u64)IMM;			goto *(++pc)->op;
MUL32_X:	DST = (u32)(DST * SRC);			goto *(++pc)->op;
MUL32_K:	DST = (u32)(DST * IMM);			goto *(++pc)->op;
OR64_X:		DST |= SRC;				goto *(++pc)->op;
OR64_K:		DST |= (u64)IMM;			goto *(++pc)->op;
OR32_X:		DST = (u32)(DST | SRC);			goto *(++pc)->op;
OR32_K:		DST = (u32)(DST | IMM);			goto *(++pc)->op;
AND64_X:	DST &= SRC;				goto *(++pc)->op;
AND64_K:	DST &= (u64)IMM;			goto *(++pc)->op;
AND32_X:	DST = (u32)(DST & SRC);			goto *(++pc)->op;
AND32_K:	DST = (u32)(DST & IMM);			goto *(++pc)->op;
XOR64_X:	DST ^= SRC;				goto *(++pc)->op;
XOR64_K:	DST ^= (u64)IMM;			goto *(++pc)->op;
XOR32_X:	DST = (u32)(DST ^ SRC);			goto *(++pc)->op;
XOR32_K:	DST = (u32)(DST ^ IMM);			goto *(++pc)->op;
MOV64_X:	DST = SRC;				goto *(++pc)->op;
MOV64_K:	DST = (u64)IMM;				goto *(++pc)->op;
MOV32_X:	DST = (u32)SRC;				goto *(++pc)->op;
MOV32_K:	DST = (u32)IMM;				goto *(++pc)->op;
NEG64:		DST = -DST;				goto *(++pc)->op;
NEG32:		DST = (u32)-DST;			goto *(++pc)->op;
SWAB16:		DST = swab16(DST);			goto *(++pc)->op;
SWAB32:		DST = swab32(DST);			goto *(++pc)->op;
SWAB64:		DST = swab64(DST);			goto *(++pc)->op;

	/* Register shift counts are masked; immediate ones were translated. */
LSH64_X:	DST <<= SRC & 63;			goto *(++pc)->op;
LSH64_K:	DST <<= IMM;				goto *(++pc)->op;
LSH32_X:	DST = (u32)(DST << (SRC & 31));		goto *(++pc)->op;
LSH32_K:	DST = (u32)(DST << IMM);		goto *(++pc)->op;
RSH64_X:	DST >>= SRC & 63;			goto *(++pc)->op;
RSH64_K:	DST >>= IMM;				goto *(++pc)->op;
RSH32_X:	DST = (u32)DST >> (SRC & 31);		goto *(++pc)->op;
RSH32_K:	DST = (u32)DST >> IMM;			goto *(++pc)->op;
ARSH64_X:	DST = (s64)DST >> (SRC & 63);		goto *(++pc)->op;
ARSH64_K:	DST = (s64)DST >> IMM;			goto *(++pc)->op;
ARSH32_X:	DST = (u32)((s32)DST >> (SRC & 31));	goto *(++pc)->op;
ARSH32_K:	DST = (u32)((s32)DST >> IMM);		goto *(++pc)->op;

	/* x / 0 = 0, x % 0 = x; a zero immediate was translated away. */
DIV64_X:	DST = SRC ? div64_u64(DST, SRC) : 0;	goto *(++pc)->op;
DIV64_K:	DST = div64_u64(DST, (u64)IMM);		goto *(++pc)->op;
DIV32_X:	DST = (u32)SRC ? (u32)DST / (u32)SRC : 0;
		goto *(++pc)->op;
DIV32_K:	DST = (u32)DST / (u32)IMM;		goto *(++pc)->op;
MOD64_X:	DST = SRC ? bpf_mod64(DST, SRC) : DST;	goto *(++pc)->op;
MOD64_K:	DST = bpf_mod64(DST, (u64)IMM);		goto *(++pc)->op;
MOD32_X:	DST = (u32)SRC ? (u32)DST % (u32)SRC : (u32)DST;
		goto *(++pc)->op;
MOD32_K:	DST = (u32)DST % (u32)IMM;		goto *(++pc)->op;

	/*
	 * A conditional jump adds its offset masked by the condition, without
	 * a branch of its own: each handler is then straight-line code, which
	 * also suits an emulating host (QEMU's TCG) best.
	 */
JA:		pc += pc->off;				goto *(++pc)->op;
JEQ_X:		pc += BRANCH(DST == SRC);		goto *(++pc)->op;
JEQ_K:		pc += BRANCH(DST == (u64)IMM);		goto *(++pc)->op;
JEQ32_X:	pc += BRANCH((u32)DST == (u32)SRC);	goto *(++pc)->op;
JEQ32_K:	pc += BRANCH((u32)DST == (u32)IMM);	goto *(++pc)->op;
JNE_X:		pc += BRANCH(DST != SRC);		goto *(++pc)->op;
JNE_K:		pc += BRANCH(DST != (u64)IMM);		goto *(++pc)->op;
JNE32_X:	pc += BRANCH((u32)DST != (u32)SRC);	goto *(++pc)->op;
JNE32_K:	pc += BRANCH((u32)DST != (u32)IMM);	goto *(++pc)->op;
JSET_X:		pc += BRANCH(DST & SRC);		goto *(++pc)->op;
JSET_K:		pc += BRANCH(DST & (u64)IMM);		goto *(++pc)->op;
JSET32_X:	pc += BRANCH((u32)DST & (u32)SRC);	goto *(++pc)->op;
JSET32_K:	pc += BRANCH((u32)DST & (u32)IMM);	goto *(++pc)->op;
JGT_X:		pc += BRANCH(DST > SRC);		goto *(++pc)->op;
JGT_K:		pc += BRANCH(DST > (u64)IMM);		goto *(++pc)->op;
JGT32_X:	pc += BRANCH((u32)DST > (u32)SRC);	goto *(++pc)->op;
JGT32_K:	pc += BRANCH((u32)DST > (u32)IMM);	goto *(++pc)->op;
JGE_X:		pc += BRANCH(DST >= SRC);		goto *(++pc)->op;
JGE_K:		pc += BRANCH(DST >= (u64)IMM);		goto *(++pc)->op;
JGE32_X:	pc += BRANCH((u32)DST >= (u32)SRC);	goto *(++pc)->op;
JGE32_K:	pc += BRANCH((u32)DST >= (u32)IMM);	goto *(++pc)->op;
JLT_X:		pc += BRANCH(DST < SRC);		goto *(++pc)->op;
JLT_K:		pc += BRANCH(DST < (u64)IMM);		goto *(++pc)->op;
JLT32_X:	pc += BRANCH((u32)DST < (u32)SRC);	goto *(++pc)->op;
JLT32_K:	pc += BRANCH((u32)DST < (u32)IMM);	goto *(++pc)->op;
JLE_X:		pc += BRANCH(DST <= SRC);		goto *(++pc)->op;
JLE_K:		pc += BRANCH(DST <= (u64)IMM);		goto *(++pc)->op;
JLE32_X:	pc += BRANCH((u32)DST <= (u32)SRC);	goto *(++pc)->op;
JLE32_K:	pc += BRANCH((u32)DST <= (u32)IMM);	goto *(++pc)->op;
JSGT_X:		pc += BRANCH((s64)DST > (s64)SRC);	goto *(++pc)->op;
JSGT_K:		pc += BRANCH((s64)DST > IMM);		goto *(++pc)->op;
JSGT32_X:	pc += BRANCH((s32)DST > (s32)SRC);	goto *(++pc)->op;
JSGT32_K:	pc += BRANCH((s32)DST > IMM);		goto *(++pc)->op;
JSGE_X:		pc += BRANCH((s64)DST >= (s64)SRC);	goto *(++pc)->op;
JSGE_K:		pc += BRANCH((s64)DST >= IMM);		goto *(++pc)->op;
JSGE32_X:	pc += BRANCH((s32)DST >= (s32)SRC);	goto *(++pc)->op;
JSGE32_K:	pc += BRANCH((s32)DST >= IMM);		goto *(++pc)->op;
JSLT_X:		pc += BRANCH((s64)DST < (s64)SRC);	goto *(++pc)->op;
JSLT_K:		pc += BRANCH((s64)DST < IMM);		goto *(++pc)->op;
JSLT32_X:	pc += BRANCH((s32)DST < (s32)SRC);	goto *(++pc)->op;
JSLT32_K:	pc += BRANCH((s32)DST < IMM);		goto *(++pc)->op;
JSLE_X:		pc += BRANCH((s64)DST <= (s64)SRC);	goto *(++pc)->op;
JSLE_K:		pc += BRANCH((s64)DST <= IMM);		goto *(++pc)->op;
JSLE32_X:	pc += BRANCH((s32)DST <= (s32)SRC);	goto *(++pc)->op;
JSLE32_K:	pc += BRANCH((s32)DST <= IMM);		goto *(++pc)->op;

CALL:		R(0) = ((bpf_helper_t)((unsigned long)__bpf_call_base + IMM))
			(R(1), R(2), R(3), R(4), R(5));
		goto *(++pc)->op;
CALL_SUBPROG:	R(0) = bpf_run(pc + IMM + 1, R(1), R(2), R(3), R(4), R(5));
		goto *(++pc)->op;
EXIT:		return R(0);

	/*
	 * r2 is a program array, r3 an index into it. The target reuses this
	 * frame. A failed tail call, including one past MAX_TAIL_CALL_CNT,
	 * goes on with the next instruction.
	 */
TAIL_CALL: {
		struct bpf_map *map = (void *)(unsigned long)R(2);
		struct bpf_array *array = container_of(map, struct bpf_array,
						       map);
		u32 index = R(3);
		struct bpf_prog *next;

		if (index >= map->max_entries ||
		    tail_calls >= MAX_TAIL_CALL_CNT)
			goto *(++pc)->op;
		tail_calls++;
		index = array_index_nospec(index, map->max_entries);
		next = READ_ONCE(array->ptrs[index]);
		/* A JIT image has no cells: prog arrays do not mix the two. */
		if (!next || next->bpf_func != bpf_prog_run_interp)
			goto *(++pc)->op;
		pc = bpf_prog_cells(next);
		goto *pc->op;
	}

LDX_B:		DST = *(u8 *)AT(SRC);			goto *(++pc)->op;
LDX_H:		DST = *(u16 *)AT(SRC);			goto *(++pc)->op;
LDX_W:		DST = *(u32 *)AT(SRC);			goto *(++pc)->op;
LDX_DW:		DST = *(u64 *)AT(SRC);			goto *(++pc)->op;
PROBE_B:	DST = bpf_probe_load(AT(SRC), 1);	goto *(++pc)->op;
PROBE_H:	DST = bpf_probe_load(AT(SRC), 2);	goto *(++pc)->op;
PROBE_W:	DST = bpf_probe_load(AT(SRC), 4);	goto *(++pc)->op;
PROBE_DW:	DST = bpf_probe_load(AT(SRC), 8);	goto *(++pc)->op;
ST_B:		*(u8 *)AT(DST) = IMM;			goto *(++pc)->op;
ST_H:		*(u16 *)AT(DST) = IMM;			goto *(++pc)->op;
ST_W:		*(u32 *)AT(DST) = IMM;			goto *(++pc)->op;
ST_DW:		*(u64 *)AT(DST) = IMM;			goto *(++pc)->op;
STX_B:		*(u8 *)AT(DST) = SRC;			goto *(++pc)->op;
STX_H:		*(u16 *)AT(DST) = SRC;			goto *(++pc)->op;
STX_W:		*(u32 *)AT(DST) = SRC;			goto *(++pc)->op;
STX_DW:		*(u64 *)AT(DST) = SRC;			goto *(++pc)->op;
LD_IMM64:	DST = pc[1].imm64;
		pc += 2;
		goto *pc->op;
NOSPEC:		barrier_nospec();			goto *(++pc)->op;

	/* 32-bit atomics return the old value zero-extended. */
ADD_W:		atomic_add(SRC, AT(DST));		goto *(++pc)->op;
ADD_DW:		atomic64_add(SRC, AT(DST));		goto *(++pc)->op;
AND_W:		atomic_and(SRC, AT(DST));		goto *(++pc)->op;
AND_DW:		atomic64_and(SRC, AT(DST));		goto *(++pc)->op;
OR_W:		atomic_or(SRC, AT(DST));		goto *(++pc)->op;
OR_DW:		atomic64_or(SRC, AT(DST));		goto *(++pc)->op;
XOR_W:		atomic_xor(SRC, AT(DST));		goto *(++pc)->op;
XOR_DW:		atomic64_xor(SRC, AT(DST));		goto *(++pc)->op;
FETCH_ADD_W:	SRC = (u32)atomic_fetch_add(SRC, AT(DST));	goto *(++pc)->op;
FETCH_ADD_DW:	SRC = atomic64_fetch_add(SRC, AT(DST));		goto *(++pc)->op;
FETCH_AND_W:	SRC = (u32)atomic_fetch_and(SRC, AT(DST));	goto *(++pc)->op;
FETCH_AND_DW:	SRC = atomic64_fetch_and(SRC, AT(DST));		goto *(++pc)->op;
FETCH_OR_W:	SRC = (u32)atomic_fetch_or(SRC, AT(DST));	goto *(++pc)->op;
FETCH_OR_DW:	SRC = atomic64_fetch_or(SRC, AT(DST));		goto *(++pc)->op;
FETCH_XOR_W:	SRC = (u32)atomic_fetch_xor(SRC, AT(DST));	goto *(++pc)->op;
FETCH_XOR_DW:	SRC = atomic64_fetch_xor(SRC, AT(DST));		goto *(++pc)->op;
XCHG_W:		SRC = (u32)atomic_xchg(AT(DST), SRC);		goto *(++pc)->op;
XCHG_DW:	SRC = atomic64_xchg(AT(DST), SRC);		goto *(++pc)->op;
CMPXCHG_W:	R(0) = (u32)atomic_cmpxchg(AT(DST), R(0), SRC);	goto *(++pc)->op;
CMPXCHG_DW:	R(0) = atomic64_cmpxchg(AT(DST), R(0), SRC);	goto *(++pc)->op;

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

/* In host byte order a "swap" only truncates: to 16 bits, 32, or not. */
static int bpf_translate_swap(const struct bpf_insn *insn,
			      union bpf_cell *cell)
{
	bool native = (BPF_SRC(insn->code) == BPF_TO_BE) ==
		      IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);

	switch (insn->imm) {
	case 16:
		cell->imm = 0xffff;
		return native ? BPF_ALU | BPF_AND | BPF_K : HANDLER_SWAB16;
	case 32:
		cell->src = cell->dst;
		return native ? BPF_ALU | BPF_MOV | BPF_X : HANDLER_SWAB32;
	case 64:
		cell->off = 0;
		return native ? BPF_JMP | BPF_JA : HANDLER_SWAB64;
	}
	return -EINVAL;
}

static int bpf_translate_atomic(const struct bpf_insn *insn)
{
	bool dw = BPF_SIZE(insn->code) == BPF_DW;

	switch (insn->imm) {
	case BPF_ADD:
		return dw ? HANDLER_ADD_DW : HANDLER_ADD_W;
	case BPF_AND:
		return dw ? HANDLER_AND_DW : HANDLER_AND_W;
	case BPF_OR:
		return dw ? HANDLER_OR_DW : HANDLER_OR_W;
	case BPF_XOR:
		return dw ? HANDLER_XOR_DW : HANDLER_XOR_W;
	case BPF_ADD | BPF_FETCH:
		return dw ? HANDLER_FETCH_ADD_DW : HANDLER_FETCH_ADD_W;
	case BPF_AND | BPF_FETCH:
		return dw ? HANDLER_FETCH_AND_DW : HANDLER_FETCH_AND_W;
	case BPF_OR | BPF_FETCH:
		return dw ? HANDLER_FETCH_OR_DW : HANDLER_FETCH_OR_W;
	case BPF_XOR | BPF_FETCH:
		return dw ? HANDLER_FETCH_XOR_DW : HANDLER_FETCH_XOR_W;
	case BPF_XCHG:
		return dw ? HANDLER_XCHG_DW : HANDLER_XCHG_W;
	case BPF_CMPXCHG:
		return dw ? HANDLER_CMPXCHG_DW : HANDLER_CMPXCHG_W;
	}
	return -EINVAL;
}

/*
 * Translate prog[i] into cell[0] (and cell[1] for a 64-bit immediate):
 * return the number of its handler, or -EINVAL for anything that must
 * not run: an unknown opcode or operation, a register past BPF_REG_AX,
 * a jump out of the program, a cut 64-bit immediate.
 */
static int bpf_translate_insn(const struct bpf_insn *prog, u32 i, u32 len,
			      const void * const *handlers,
			      union bpf_cell *cell)
{
	const struct bpf_insn *insn = &prog[i];
	u8 code = insn->code;

	if (insn->dst_reg > BPF_REG_AX || insn->src_reg > BPF_REG_AX)
		return -EINVAL;
	cell->dst = insn->dst_reg;
	cell->src = insn->src_reg;
	cell->off = insn->off;
	cell->imm = insn->imm;

	switch (code) {
	case BPF_ALU | BPF_END | BPF_TO_LE:
	case BPF_ALU | BPF_END | BPF_TO_BE:
		return bpf_translate_swap(insn, cell);
	case BPF_STX | BPF_ATOMIC | BPF_W:
	case BPF_STX | BPF_ATOMIC | BPF_DW:
		return bpf_translate_atomic(insn);
	case BPF_ALU64 | BPF_LSH | BPF_K:
	case BPF_ALU64 | BPF_RSH | BPF_K:
	case BPF_ALU64 | BPF_ARSH | BPF_K:
		cell->imm &= 63;
		break;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_ARSH | BPF_K:
		cell->imm &= 31;
		break;
	case BPF_ALU64 | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_K:
		/* x / 0 = 0: move the zero immediate in. */
		if (!insn->imm)
			return BPF_ALU64 | BPF_MOV | BPF_K;
		break;
	case BPF_ALU64 | BPF_MOD | BPF_K:
		/* x % 0 = x: do nothing. */
		if (!insn->imm) {
			cell->off = 0;
			return BPF_JMP | BPF_JA;
		}
		break;
	case BPF_ALU | BPF_MOD | BPF_K:
		/* ... but clear the upper half in 32-bit arithmetic. */
		if (!insn->imm) {
			cell->src = cell->dst;
			return BPF_ALU | BPF_MOV | BPF_X;
		}
		break;
	case BPF_JMP | BPF_CALL:
		if (insn->src_reg != BPF_PSEUDO_CALL)
			break;
		if (!bpf_target_ok(i, insn->imm, len))
			return -EINVAL;
		return HANDLER_CALL_SUBPROG;
	case BPF_LD | BPF_IMM | BPF_DW:
		if (i + 1 >= len || prog[i + 1].code || prog[i + 1].dst_reg ||
		    prog[i + 1].src_reg || prog[i + 1].off)
			return -EINVAL;
		cell[1].imm64 = (u64)(u32)prog[i + 1].imm << 32 |
				(u32)insn->imm;
		break;
	case BPF_JMP | BPF_TAIL_CALL:
	case BPF_JMP | BPF_EXIT:
		break;
	default:
		if ((BPF_CLASS(code) == BPF_JMP ||
		     BPF_CLASS(code) == BPF_JMP32) &&
		    !bpf_target_ok(i, insn->off, len))
			return -EINVAL;
	}
	return handlers[code] ? code : -EINVAL;
}

/* Check fp's instructions; with cells, also translate them there. */
static int bpf_translate(const struct bpf_prog *fp, union bpf_cell *cells)
{
	const void * const *handlers;
	union bpf_cell scratch[2];
	union bpf_cell *cell;
	int handler;
	u32 i;

	handlers = (void *)(unsigned long)bpf_run(NULL, 0, 0, 0, 0, 0);
	for (i = 0; i < fp->len; i++) {
		cell = cells ? &cells[i] : scratch;
		handler = bpf_translate_insn(fp->insnsi, i, fp->len, handlers,
					     cell);
		if (handler < 0)
			return handler;
		cell->op = handlers[handler];
		if (fp->insnsi[i].code == (BPF_LD | BPF_IMM | BPF_DW))
			cell[1].op = handlers[HANDLER_TRAP];
		i += fp->insnsi[i].code == (BPF_LD | BPF_IMM | BPF_DW);
	}
	if (cells)
		cells[fp->len].op = handlers[HANDLER_TRAP];
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
	if (fp->jited)
		bpf_prog_kallsyms_add(fp);
	else if (IS_ENABLED(CONFIG_BPF_JIT_ALWAYS_ON))
		*err = -EOPNOTSUPP;
	else
		*err = bpf_prog_use_interpreter(&fp);
	if (!*err)
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
	return -EOPNOTSUPP;
}
