// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier: proves, before a program first runs, that it terminates
 * and only touches memory it may, then rewrites it for the runtime.
 *
 * It works in three passes over the instructions.
 *
 * 1. Shape. Every instruction is decoded once: known opcode, no reserved
 *    field set, registers in range, jumps inside the program and never
 *    into the second half of a 64-bit immediate load, no running off
 *    the end. Map file descriptors in LD_IMM64 become map
 *    references. A depth-first walk of the control-flow graph finds
 *    unreachable code and back edges (loops, refused to unprivileged
 *    programs). A backward data-flow pass computes which registers are
 *    live at each instruction; dead registers never keep two states
 *    apart.
 *
 * 2. Symbolic execution. Every path through the program is executed on
 *    abstract states. A state gives each register a kind (not written
 *    yet, scalar, pointer to the context, the stack, a map, a map value,
 *    a map value or NULL) and a value set: the known bits of the value
 *    (for pointers, of the offset) and its signed and unsigned bounds,
 *    both in 64 bits and in the low 32 bits. The stack is tracked per
 *    byte (never written, some data, zero, part of a spilled register)
 *    with the registers spilled to it. The value sets, their arithmetic
 *    and what a jump teaches are the abstract domain, pure functions in
 *    vals.c, proven sound by a user-space test. Each instruction is checked
 *    against the state and updates it; a conditional jump refines the
 *    value sets of its operands on each side and drops a side that the
 *    sets prove impossible. Every memory access is checked for all the
 *    offsets the pointer may have.
 *
 *    Paths are explored depth first. At the instructions where paths
 *    meet (jump targets and the instructions after conditional jumps)
 *    the state is kept as a checkpoint. A path that reaches a checkpoint
 *    whose every continuation has been verified, with a state the
 *    checkpoint's state includes, is safe and stops there. A checkpoint
 *    whose continuations are still being verified lies on the current
 *    path: arriving at it again with the same state is an infinite
 *    loop. Loops that make progress are simply executed, iteration after
 *    iteration, within the budget of processed instructions.
 *
 *    How much a checkpoint includes decides how often paths stop early.
 *    A scalar's exact value only matters if some later check depended
 *    on it: a memory access, a helper's size argument, a jump decided by
 *    it. Scalars start out imprecise, and a check that depends on one
 *    marks it precise by walking back along the path to the
 *    instructions that computed it, marking their inputs in the
 *    checkpoints the path went through. Checkpoints compare imprecise
 *    scalars only by kind.
 *
 * 3. Rewrite. Context accesses become loads from the kernel object the
 *    program runs on, helper ids become calls, division by a register
 *    gets its zero check, map references become addresses, and code no
 *    path reached becomes a trap. The result goes to
 *    bpf_prog_select_runtime().
 *
 * The log tells program authors what happened: with log_level 1 the
 * failing path and the state at the error, with log_level 2 every
 * processed instruction and the registers it changed. Every message
 * names the instruction.
 */
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "verifier.h"

/* ---- registers, stack and states: see verifier.h ------------------- */

static void reg_scalar(struct reg *r, struct vals v)
{
	*r = (struct reg){ .kind = K_SCALAR, .v = v };
}

static void reg_unknown(struct reg *r)
{
	reg_scalar(r, vals_any());
}

static void reg_pointer(struct reg *r, u8 kind, struct bpf_map *map)
{
	*r = (struct reg){ .kind = kind, .map = map, .v = vals_const(0) };
}

static bool is_ptr(const struct reg *r)
{
	return r->kind > K_SCALAR;
}

static bool reg_is_const(const struct reg *r, u64 c)
{
	return r->kind == K_SCALAR && vals_is_const(&r->v) && r->v.b.val == c;
}

static size_t slots_size(u32 n)
{
	return n * sizeof(struct slot);
}

static void *memdup_kv(const void *src, size_t size)
{
	void *p = kvmalloc(size, GFP_KERNEL_ACCOUNT);

	if (p)
		memcpy(p, src, size);
	return p;
}

static void frames_free(struct frame *frames, u32 depth)
{
	while (frames && depth)
		kvfree(frames[--depth].slots);
	kfree(frames);
}

/* A copy of the @depth frames at @src, stacks included. */
static struct frame *frames_dup(const struct frame *src, u32 depth)
{
	struct frame *f = kmemdup(src, depth * sizeof(*f), GFP_KERNEL_ACCOUNT);
	u32 i;

	if (!f)
		return NULL;
	for (i = 0; i < depth; i++) {
		if (!src[i].nslots) {
			f[i].slots = NULL;
			continue;
		}
		f[i].slots = memdup_kv(src[i].slots, slots_size(src[i].nslots));
		if (!f[i].slots) {
			f[i].nslots = 0;
			while (++i < depth)
				f[i].slots = NULL;
			frames_free(f, depth);
			return NULL;
		}
	}
	return f;
}

/* What the stacks of @st take, for MAX_CHECKPOINT_BYTES. */
static size_t frames_size(const struct state *st)
{
	size_t n = st->depth * sizeof(struct frame);
	u32 i;

	for (i = 0; i < st->depth; i++)
		n += slots_size(st->frames[i].nslots);
	return n;
}

static void state_free(struct state *st)
{
	if (!st)
		return;
	frames_free(st->frames, st->depth);
	kvfree(st->trail);
	kfree(st);
}

/*
 * A copy of @src for another path; the trail goes along, with room for
 * the step that forks it (fork_path()).
 */
static struct state *state_copy(const struct state *src)
{
	struct state *st = kmalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);

	if (!st)
		return NULL;
	*st = *src;
	st->frames = NULL;
	st->depth = 0;
	st->trail = kvmalloc_array(src->trail_len + 1, sizeof(*st->trail),
				   GFP_KERNEL_ACCOUNT);
	st->trail_cap = src->trail_len + 1;
	if (!st->trail)
		goto fail;
	if (src->trail_len)
		memcpy(st->trail, src->trail,
		       src->trail_len * sizeof(*st->trail));
	st->frames = frames_dup(src->frames, src->depth);
	if (!st->frames)
		goto fail;
	st->depth = src->depth;
	return st;
fail:
	state_free(st);
	return NULL;
}

/* Make room for @n slots in frame @f; new ones were never written. */
static int frame_grow(struct frame *f, u32 n)
{
	struct slot *slots;

	if (n <= f->nslots)
		return 0;
	slots = kvzalloc(slots_size(n), GFP_KERNEL_ACCOUNT);
	if (!slots)
		return -ENOMEM;
	if (f->nslots)
		memcpy(slots, f->slots, slots_size(f->nslots));
	kvfree(f->slots);
	f->slots = slots;
	f->nslots = n;
	return 0;
}

static int trail_add(struct state *st, struct step step)
{
	struct step *t;

	if (st->trail_len == st->trail_cap) {
		u32 cap = max(16U, st->trail_cap * 2);

		t = kvmalloc_array(cap, sizeof(*t), GFP_KERNEL_ACCOUNT);
		if (!t)
			return -ENOMEM;
		if (st->trail_len)
			memcpy(t, st->trail, st->trail_len * sizeof(*t));
		kvfree(st->trail);
		st->trail = t;
		st->trail_cap = cap;
	}
	st->trail[st->trail_len++] = step;
	return 0;
}

/* ---- pass 1: shape -------------------------------------------------- */

static bool is_ldimm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool is_cond_jump(const struct bpf_insn *in)
{
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA &&
	       op != BPF_CALL && op != BPF_EXIT;
}

/* goto, gotol or a conditional jump */
static bool is_jump(const struct bpf_insn *in)
{
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

static bool is_helper_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) && !in->src_reg;
}

/* A bpf-to-bpf call: imm is the offset of the function called. */
static bool is_subprog_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) &&
	       in->src_reg == BPF_PSEUDO_CALL;
}

/* The map behind LD_IMM64's fd: one reference per program and map. */
static int use_map(struct env *env, u32 i)
{
	struct bpf_map *map;
	u32 j;

	map = ebpf_map_get(env->insns[i].imm);
	if (IS_ERR(map))
		return reject(env, PTR_ERR(map), "fd %d is not a map",
			      env->insns[i].imm);
	for (j = 0; j < env->nmaps; j++) {
		if (env->maps[j] == map) {
			map_put(map);
			env->info[i].map = j;
			return 0;
		}
	}
	if (env->nmaps == MAX_USED_MAPS) {
		map_put(map);
		return reject(env, -E2BIG, "more than %d maps",
			      MAX_USED_MAPS);
	}
	env->info[i].map = env->nmaps;
	env->maps[env->nmaps++] = map;
	return 0;
}

/*
 * A map value's address (global data): the value of a one-element
 * array, at the offset in the upper half. It is a map value pointer.
 */
static int use_map_value(struct env *env, u32 i)
{
	const struct bpf_map *map;
	u32 off = env->insns[i + 1].imm;
	u64 addr;
	int err;

	err = use_map(env, i);
	if (err)
		return err;
	map = env->maps[env->info[i].map];
	if (!map->ops->map_direct_value_addr)
		return reject(env, -EINVAL,
			      "map %s has no value to address directly",
			      map->name);
	err = map->ops->map_direct_value_addr(map, &addr, off);
	if (err)
		return reject(env, err,
			      "no value at offset %u of map %s (value_size %u, max_entries %u)",
			      off, map->name, map->value_size,
			      map->max_entries);
	return 0;
}

static int check_ldimm64(struct env *env, u32 i)
{
	const struct bpf_insn *in = &env->insns[i];

	if (i + 1 >= env->len || in[1].code || in[1].dst_reg ||
	    in[1].src_reg || in[1].off || in->off)
		return reject(env, -EINVAL, "malformed 64-bit immediate load");
	switch (in->src_reg) {
	case 0:
		return 0;
	case BPF_PSEUDO_MAP_FD:
		if (in[1].imm)
			return reject(env, -EINVAL,
				      "map reference with a nonzero upper half");
		return use_map(env, i);
	case BPF_PSEUDO_MAP_VALUE:
		return use_map_value(env, i);
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
	case BPF_PSEUDO_BTF_ID:
	case BPF_PSEUDO_FUNC:
		return reject(env, -EBPF_UNSUPPORTED,
			      "64-bit immediate kind %d is not supported",
			      in->src_reg);
	}
	return reject(env, -EINVAL, "unknown 64-bit immediate kind %d",
		      in->src_reg);
}

static int check_alu_shape(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code);
	int width = BPF_CLASS(in->code) == BPF_ALU64 ? 64 : 32;
	bool x = BPF_SRC(in->code) == BPF_X;

	if (op == BPF_END) {
		if (in->src_reg || in->off ||
		    (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return reject(env, -EINVAL,
				      "malformed byte swap (reserved fields)");
		return 0;
	}
	if (op == BPF_NEG) {
		if (in->src_reg || in->off || in->imm)
			return reject(env, -EINVAL,
				      "malformed negation (reserved fields)");
		return 0;
	}
	if (in->off || (x ? in->imm : in->src_reg))
		return reject(env, -EINVAL, "ALU instruction uses reserved fields");
	if (x)
		return 0;
	if ((op == BPF_DIV || op == BPF_MOD) && !in->imm)
		return reject(env, -EINVAL, "division by zero");
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (in->imm < 0 || in->imm >= width))
		return reject(env, -EINVAL, "shift by %d is out of range",
			      in->imm);
	return 0;
}

static int check_jmp_shape(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;

	switch (op) {
	case BPF_JA:
		/* goto has its offset in off, gotol (32-bit class) in imm */
		if (in->src_reg || in->dst_reg ||
		    (BPF_CLASS(in->code) == BPF_JMP ? in->imm : in->off))
			return reject(env, -EINVAL, "goto uses reserved fields");
		return 0;
	case BPF_EXIT:
		if (in->imm || in->src_reg || in->dst_reg || in->off)
			return reject(env, -EINVAL, "exit uses reserved fields");
		return 0;
	case BPF_CALL:
		if ((in->src_reg && in->src_reg != BPF_PSEUDO_CALL) ||
		    in->dst_reg || in->off)
			return reject(env, -EINVAL,
				      "call uses reserved fields");
		return 0;
	}
	if (x ? in->imm : in->src_reg)
		return reject(env, -EINVAL, "jump uses reserved fields");
	return 0;
}

/*
 * A known instruction code: checked for every instruction before
 * anything else, as upstream. 64-bit immediate loads are checked whole
 * here too, since their map references are taken now.
 */
static int check_opcode(struct env *env, u32 i)
{
	const struct bpf_insn *in = &env->insns[i];
	u8 op = BPF_OP(in->code), mode = BPF_MODE(in->code);
	u8 size = BPF_SIZE(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	bool known;

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		known = op < BPF_END || (op == BPF_END &&
					 BPF_CLASS(in->code) == BPF_ALU);
		known &= op != BPF_NEG || !x;
		break;
	case BPF_JMP:
	case BPF_JMP32:
		known = op <= BPF_JSLE;
		if (op == BPF_JA || op == BPF_CALL || op == BPF_EXIT)
			known &= !x;
		if (op == BPF_CALL || op == BPF_EXIT)
			known &= BPF_CLASS(in->code) == BPF_JMP;
		if (known && op == BPF_CALL &&
		    in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			return reject(env, -EBPF_UNSUPPORTED,
				      "%u: calls to kernel functions are not supported",
				      i);
		break;
	case BPF_LDX:
	case BPF_ST:
		known = mode == BPF_MEM;
		break;
	case BPF_STX:
		known = mode == BPF_MEM ||
			(mode == BPF_ATOMIC && (size == BPF_W || size == BPF_DW));
		break;
	default:
		if (mode == BPF_IMM && size == BPF_DW)
			return check_ldimm64(env, i);
		known = (mode == BPF_ABS || mode == BPF_IND) && size != BPF_DW;
	}
	if (!known)
		return reject(env, -EINVAL, "%u: unknown instruction code %#04x",
			      i, in->code);
	return 0;
}

/*
 * No reserved field set, registers that exist, operands that make
 * sense: checked, as upstream, when a path reaches the instruction.
 * Instructions no path reaches never run.
 */
static int check_fields(struct env *env, const struct bpf_insn *in)
{
	u8 mode = BPF_MODE(in->code);

	if (in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
		return reject(env, -EINVAL, "R%d is not a register",
			      in->dst_reg >= MAX_BPF_REG ? in->dst_reg :
			      in->src_reg);
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu_shape(env, in);
	case BPF_JMP:
	case BPF_JMP32:
		return check_jmp_shape(env, in);
	case BPF_LDX:
		if (in->imm)
			break;
		return 0;
	case BPF_ST:
		if (in->src_reg)
			break;
		return 0;
	case BPF_STX:
		if (mode == BPF_MEM)
			return in->imm ? reject(env, -EINVAL,
						"store uses reserved fields") : 0;
		switch (in->imm) {
		case BPF_ADD:
		case BPF_AND:
		case BPF_OR:
		case BPF_XOR:
		case BPF_ADD | BPF_FETCH:
		case BPF_AND | BPF_FETCH:
		case BPF_OR | BPF_FETCH:
		case BPF_XOR | BPF_FETCH:
		case BPF_XCHG:
		case BPF_CMPXCHG:
			return 0;
		}
		return reject(env, -EINVAL, "unknown atomic operation %#x",
			      in->imm);
	case BPF_LD:
		if (is_ldimm64(in))
			return 0;
		if (in->dst_reg || in->off ||
		    (mode == BPF_ABS && in->src_reg))
			return reject(env, -EINVAL,
				      "packet load uses reserved fields");
		if (!env->type->skb_loads)
			return reject(env, -EINVAL,
				      "packet loads are not allowed in %s programs",
				      env->type->name);
		return 0;
	}
	return reject(env, -EINVAL, "instruction uses reserved fields");
}

/*
 * Where control may go after @i; returns how many places. With @calls, a
 * bpf-to-bpf call also goes to the function it calls; without, it is
 * one step of its own function, as for liveness.
 */
static int successors(const struct env *env, u32 i, s64 next[2], bool calls)
{
	const struct bpf_insn *in = &env->insns[i];
	u8 cls = BPF_CLASS(in->code);

	if (cls != BPF_JMP && cls != BPF_JMP32) {
		next[0] = i + (is_ldimm64(in) ? 2 : 1);
		return 1;
	}
	switch (BPF_OP(in->code)) {
	case BPF_EXIT:
		return 0;
	case BPF_CALL:
		next[0] = i + 1;
		next[1] = (s64)i + in->imm + 1;
		return calls && is_subprog_call(in) ? 2 : 1;
	case BPF_JA:
		next[0] = jump_target(in, i);
		return 1;
	}
	next[0] = i + 1;
	next[1] = jump_target(in, i);
	return 2;
}

/* The function starting at @insn, or -1 if none does. */
static int subprog_at(const struct env *env, u32 insn)
{
	int lo = 0, hi = env->nsubprogs - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (env->subprogs[mid].start == insn)
			return mid;
		if (env->subprogs[mid].start < insn)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int add_subprog(struct env *env, u32 i, s64 start)
{
	u32 k;

	if (start < 0 || start >= env->len)
		return reject(env, -EINVAL, "%u: call to invalid destination %lld",
			      i, start);
	if (subprog_at(env, start) >= 0)
		return 0;
	if (env->nsubprogs == MAX_SUBPROGS)
		return reject(env, -E2BIG, "more than %d functions",
			      MAX_SUBPROGS);
	for (k = env->nsubprogs; k && env->subprogs[k - 1].start > start; k--)
		env->subprogs[k] = env->subprogs[k - 1];
	env->subprogs[k] = (struct subprog){ .start = start };
	env->nsubprogs++;
	return 0;
}

/*
 * The functions of the program: the first instruction, and every target
 * of a bpf-to-bpf call. Each is a piece of the program that no jump
 * leaves or enters and that ends with exit or goto, never running on
 * into the next. As 6.1 without BTF, only the first may hold tail calls
 * and packet loads, and calls need CAP_BPF.
 */
static int find_subprogs(struct env *env)
{
	const struct bpf_insn *in;
	u32 i, k = 0, end;
	s64 to;
	int err;

	env->nsubprogs = 1;
	for (i = 0; i < env->len; i++) {
		in = &env->insns[i];
		if (!is_subprog_call(in) || (env->info[i].flags & I_IMM64_HI))
			continue;
		if (!bpf_capable())
			return reject(env, -EPERM,
				      "%u: calls to BPF functions need CAP_BPF",
				      i);
		err = add_subprog(env, i, (s64)i + in->imm + 1);
		if (err)
			return err;
	}
	env->subprogs[env->nsubprogs].start = env->len;

	for (i = 0; i < env->len; i++) {
		in = &env->insns[i];
		end = env->subprogs[k + 1].start;
		if (env->info[i].flags & I_IMM64_HI)
			goto next;
		if (k && ((is_helper_call(in) && in->imm == BPF_FUNC_tail_call) ||
			  BPF_CLASS(in->code) == BPF_LD) && !is_ldimm64(in))
			return reject(env, -EINVAL,
				      "%u: %s is not allowed in a called function without BTF",
				      i, BPF_CLASS(in->code) == BPF_LD ?
				      "a packet load" : "a tail call");
		to = jump_target(in, i);
		if (is_jump(in) &&
		    (to < env->subprogs[k].start || to >= end))
			return reject(env, -EINVAL,
				      "%u: jump out of its function to %lld", i,
				      to);
next:
		if (i + 1 < end)
			continue;
		if (in->code != (BPF_JMP | BPF_EXIT) &&
		    in->code != (BPF_JMP | BPF_JA) &&
		    in->code != (BPF_JMP32 | BPF_JA))
			return reject(env, -EINVAL,
				      "%u: a function's last instruction must be exit or goto",
				      i);
		k++;
	}
	return 0;
}

/*
 * Depth-first over the control-flow graph: every jump lands on an
 * instruction, everything is reachable, and a loop (an edge back to an
 * instruction on the walk's stack) needs privilege.
 */
static int check_cfg(struct env *env)
{
	enum { FRESH, ACTIVE, FINISHED };
	u32 *stack, depth = 0, i;
	u8 *color;
	int err = 0, k, n;
	s64 next[2];

	color = kvcalloc(env->len, 1, GFP_KERNEL_ACCOUNT);
	stack = kvmalloc_array(env->len, sizeof(*stack), GFP_KERNEL_ACCOUNT);
	if (!color || !stack) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < env->len; i++)
		if (env->info[i].flags & I_IMM64_HI)
			color[i] = FINISHED;	/* not a place to land */

	stack[depth++] = 0;
	color[0] = ACTIVE;
	while (depth) {
		i = stack[depth - 1];
		n = successors(env, i, next, true);
		for (k = 0; k < n; k++) {
			if (next[k] < 0 || next[k] >= env->len) {
				err = reject(env, -EINVAL,
					     "%u: jump out of the program to %lld",
					     i, next[k]);
				goto out;
			}
			if (env->info[next[k]].flags & I_IMM64_HI) {
				err = reject(env, -EINVAL,
					     "%u: jump into the middle of the 64-bit load at %lld",
					     i, next[k] - 1);
				goto out;
			}
			/* a function returns there: another state may meet */
			if (next[k] != i + 1 || is_cond_jump(&env->insns[i]) ||
			    is_subprog_call(&env->insns[i]))
				env->info[next[k]].flags |= I_PRUNE;
			if (color[next[k]] == ACTIVE &&
			    is_subprog_call(&env->insns[i]) && next[k] != i + 1) {
				err = reject(env, -EINVAL,
					     "%u: back-edge to %lld: a recursive call",
					     i, next[k]);
				goto out;
			}
			/* a loop closes with a jump, never by running on */
			if (color[next[k]] == ACTIVE &&
			    (!env->loops_ok || !is_jump(&env->insns[i]))) {
				err = reject(env, -EINVAL,
					     "%u: back-edge to %lld%s", i, next[k],
					     env->loops_ok ? " by falling through" :
					     ": loops need CAP_BPF");
				goto out;
			}
			if (color[next[k]] == FRESH) {
				color[next[k]] = ACTIVE;
				stack[depth++] = next[k];
				break;
			}
		}
		if (k == n) {
			color[i] = FINISHED;
			depth--;
		}
	}
	for (i = 0; i < env->len; i++) {
		if (color[i] == FRESH) {
			err = reject(env, -EINVAL, "%u: unreachable instruction",
				     i);
			break;
		}
	}
out:
	kvfree(color);
	kvfree(stack);
	return err;
}

#define R(n)		BIT(BPF_REG_##n)
#define ARG_REGS	(R(1) | R(2) | R(3) | R(4) | R(5))
#define CALLER_SAVED	(R(0) | ARG_REGS)

/* The helper @id offers programs of this type, or NULL. */
static const struct bpf_func_proto *helper(const struct env *env, s32 id)
{
	if (id <= 0 || id >= __BPF_FUNC_MAX_ID)
		return NULL;
	return env->type->func_proto(id);
}

/* Registers @i reads and writes, for liveness. */
static void insn_regs(const struct env *env, u32 i, u16 *use, u16 *def)
{
	const struct bpf_insn *in = &env->insns[i];
	const struct bpf_func_proto *fn;
	u16 dst = BIT(in->dst_reg), src = BIT(in->src_reg);
	bool x = BPF_SRC(in->code) == BPF_X;
	int k;

	*use = 0;
	*def = 0;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		*def = dst;
		if (BPF_OP(in->code) == BPF_MOV)
			*use = x ? src : 0;
		else if (BPF_OP(in->code) == BPF_NEG ||
			 BPF_OP(in->code) == BPF_END)
			*use = dst;
		else
			*use = dst | (x ? src : 0);
		break;
	case BPF_LDX:
		*use = src;
		*def = dst;
		break;
	case BPF_ST:
		*use = dst;
		break;
	case BPF_STX:
		*use = dst | src;
		if (BPF_MODE(in->code) != BPF_ATOMIC)
			break;
		if (in->imm == BPF_CMPXCHG) {
			*use |= R(0);
			*def = R(0);
		} else if (in->imm & BPF_FETCH) {
			*def = src;
		}
		break;
	case BPF_LD:
		if (is_ldimm64(in)) {
			*def = dst;
			break;
		}
		*use = R(6) | (BPF_MODE(in->code) == BPF_IND ? src : 0);
		*def = CALLER_SAVED;
		break;
	default:
		switch (BPF_OP(in->code)) {
		case BPF_JA:
			break;
		case BPF_EXIT:
			*use = R(0);
			break;
		case BPF_CALL:
			*def = CALLER_SAVED;
			fn = is_helper_call(in) ? helper(env, in->imm) : NULL;
			if (!fn) {
				*use = ARG_REGS;
				break;
			}
			for (k = 0; k < 5 && fn->arg_type[k]; k++)
				*use |= BIT(BPF_REG_1 + k);
			break;
		default:
			*use = dst | (x ? src : 0);
		}
	}
	/* R10 is the same in every state */
	*use &= ~R(10);
}

/* Registers live before each instruction, to a fixed point. */
static void compute_liveness(struct env *env)
{
	bool changed = true;
	u16 use, def, out;
	s64 next[2];
	int k, n;
	u32 i;

	while (changed) {
		changed = false;
		for (i = env->len; i-- > 0;) {
			if (env->info[i].flags & I_IMM64_HI)
				continue;
			n = successors(env, i, next, false);
			out = 0;
			for (k = 0; k < n; k++)
				out |= env->info[next[k]].live;
			insn_regs(env, i, &use, &def);
			use |= out & ~def;
			if (use != env->info[i].live) {
				env->info[i].live = use;
				changed = true;
			}
		}
	}
}

/* ---- pass 2: registers ---------------------------------------------- */

static struct reg *reg_at(struct env *env, u8 regno)
{
	return &env->cur->regs[regno];
}

static int check_read(struct env *env, u8 regno)
{
	if (reg_at(env, regno)->kind == K_NONE)
		return reject(env, -EACCES, "R%d is read before it is written",
			      regno);
	return 0;
}

static int check_write(struct env *env, u8 regno)
{
	if (regno == BPF_REG_FP)
		return reject(env, -EACCES,
			      "R10 (the frame pointer) is read-only");
	return 0;
}

/* Unprivileged programs may not learn kernel addresses. */
static int check_no_leak(struct env *env, u8 regno, const char *where)
{
	if (is_ptr(reg_at(env, regno)) && !env->leaks_ok)
		return reject(env, -EACCES, "R%d leaks a pointer %s", regno,
			      where);
	return 0;
}

static u32 new_id(struct env *env)
{
	return ++env->id_gen;
}

/*
 * Every register of @st, one per call, from *@pos: the running
 * function's, the callers' r6-r9 its frames keep, then those spilled
 * to each frame's stack. NULL after the last.
 */
static struct reg *next_reg(struct state *st, u32 *pos)
{
	u32 n, f;

	for (;; (*pos)++) {
		n = *pos;
		if (n < MAX_BPF_REG)
			return &st->regs[(*pos)++];
		n -= MAX_BPF_REG;
		if (n < 4 * st->depth) {
			(*pos)++;
			return &st->frames[n / 4].saved[n % 4];
		}
		n -= 4 * st->depth;
		for (f = 0; f < st->depth && n >= st->frames[f].nslots; f++)
			n -= st->frames[f].nslots;
		if (f == st->depth)
			return NULL;
		if (st->frames[f].slots[n].bytes[0] == B_SPILL) {
			(*pos)++;
			return &st->frames[f].slots[n].spill;
		}
	}
}

/* The next copy of the value behind @id from *@pos; NULL after the last. */
static struct reg *next_copy(struct state *st, u32 id, u32 *pos)
{
	struct reg *r;

	while ((r = next_reg(st, pos)))
		if (r->id == id)
			return r;
	return NULL;
}

/* ---- pass 2: precision ------------------------------------------------
 *
 * A check that depends on a scalar's value (pointer arithmetic, a
 * helper's size, a jump decided by it) makes the scalar precise: the
 * path is walked back to the instructions that computed it, and the
 * registers and stack slots they computed it from are marked precise in
 * every checkpoint the path went through. Checkpoints compare the
 * values of precise scalars only.
 *
 * Each frame has its own registers and slots to look for. Walking back
 * over a bpf-to-bpf call leaves the called function: what it wanted of
 * its arguments, the caller wants of its r1-r5. Walking back over the
 * exit that returned enters the function: the caller's r0 was its r0,
 * while the caller's r6-r9 wait, kept in the frame, for the call.
 */
struct wanted {
	u16 regs[MAX_FRAMES];
	u64 slots[MAX_FRAMES];
	u32 frame;		/* the frame running where the walk is */
};

static bool wanted_any(const struct wanted *w)
{
	u32 f;

	for (f = 0; f <= w->frame; f++)
		if (w->regs[f] || w->slots[f])
			return true;
	return false;
}

/* What @w wants was computed from what, before step @st. */
static void backtrack(const struct env *env, const struct step *st,
		      struct wanted *w)
{
	const struct bpf_insn *in = &env->insns[st->insn];
	u16 d = BIT(in->dst_reg), s = BIT(in->src_reg);
	u32 f = w->frame;
	u16 *regs = &w->regs[f];
	u64 *slots = &w->slots[st->slot >= 0 ? st->slot / MAX_SLOTS : f];
	u64 slot = st->slot >= 0 ? BIT_ULL(st->slot % MAX_SLOTS) : 0;
	bool x = BPF_SRC(in->code) == BPF_X;
	u8 op = BPF_OP(in->code);
	bool whole = BPF_SIZE(in->code) == BPF_DW;

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (!(*regs & d))
			break;
		if (op == BPF_MOV)
			*regs = (*regs & ~d) | (x ? s : 0);
		else if (x && op != BPF_END)
			*regs |= s;
		break;
	case BPF_LDX:
		if (!(*regs & d))
			break;
		*regs &= ~d;
		*slots |= slot;		/* a fill: from the slot */
		break;
	case BPF_ST:
		/* a whole slot of immediate: nothing before matters */
		if (whole)
			*slots &= ~slot;
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC) {
			u16 out = in->imm == BPF_CMPXCHG ? R(0) :
				  (in->imm & BPF_FETCH) ? s : 0;

			if (*regs & out) {
				*regs &= ~out;
				*slots |= slot;
			}
			if (*slots & slot)
				*regs |= s | (in->imm == BPF_CMPXCHG ? R(0) : 0);
			break;
		}
		if (!(*slots & slot))
			break;
		if (whole)
			*slots &= ~slot;
		*regs |= s;
		break;
	case BPF_LD:
		*regs &= is_ldimm64(in) ? ~d : ~CALLER_SAVED;
		break;
	default:
		if (is_subprog_call(in)) {
			/* back in the caller, before the call */
			if (f)
				w->regs[f - 1] |= *regs & ARG_REGS;
			*regs = 0;
			w->slots[f] = 0;
			w->frame = f ? f - 1 : 0;
		} else if (op == BPF_EXIT && f + 1 < MAX_FRAMES) {
			/* back in the function that returned */
			w->regs[f + 1] = *regs & R(0);
			w->slots[f + 1] = 0;
			*regs &= ~CALLER_SAVED;
			w->frame = f + 1;
		} else if (op == BPF_CALL) {
			*regs &= ~CALLER_SAVED;
		/* what a jump learnt of one operand came from the other */
		} else if (is_cond_jump(in) && x &&
			   ((*regs & (d | s)) ||
			    (st->slot == STEP_LINKED && *regs))) {
			*regs |= d | s;
		}
	}
}

/*
 * Mark @r precise if it is a scalar; false if there is nothing to look
 * for before: it is no scalar, or it was already precise in @st, a
 * checkpoint, whose history was marked then.
 */
static bool mark_precise(struct reg *r, bool checkpoint)
{
	bool go_on = r->kind == K_SCALAR && !(r->precise && checkpoint);

	if (r->kind == K_SCALAR)
		r->precise = true;
	return go_on;
}

/*
 * Bytes known to be zero are compared exactly, like precise values: the
 * register whose zero was stored there must be precise too.
 */
static bool slot_has_zero(const struct slot *s)
{
	return memchr(s->bytes, B_ZERO, SLOT_SIZE);
}

/* Mark what @w wants in @st, dropping what needs no further walk. */
static void mark_wanted(struct state *st, struct wanted *w, bool checkpoint)
{
	struct frame *fr;
	struct reg *r;
	u32 f, i;

	for (f = 0; f < st->depth && f <= w->frame; f++) {
		for (i = 0; i < MAX_BPF_REG; i++) {
			if (!(w->regs[f] & BIT(i)))
				continue;
			/* a caller's r6-r9 are kept in the next frame */
			if (f == st->depth - 1)
				r = &st->regs[i];
			else if (i >= BPF_REG_6 && i <= BPF_REG_9)
				r = &st->frames[f + 1].saved[i - BPF_REG_6];
			else
				r = NULL;
			if (!r || !mark_precise(r, checkpoint))
				w->regs[f] &= ~BIT(i);
		}
		fr = &st->frames[f];
		for (i = 0; i < MAX_SLOTS; i++) {
			if (!(w->slots[f] & BIT_ULL(i)))
				continue;
			/* zero bytes: a store of zero, further back, decided */
			if (i < fr->nslots && slot_has_zero(&fr->slots[i]))
				continue;
			if (i >= fr->nslots || fr->slots[i].bytes[0] != B_SPILL ||
			    !mark_precise(&fr->slots[i].spill, checkpoint))
				w->slots[f] &= ~BIT_ULL(i);
		}
	}
}

/* Mark what @w wants now precise, back along the path. */
static void make_precise_wanted(struct env *env, struct wanted *w)
{
	struct state *st = env->cur;
	struct checkpoint *cp;
	u32 i;

	if (!env->precision)
		return;
	for (;;) {
		mark_wanted(st, w, st != env->cur);
		for (i = st->trail_len; i-- > 0 && wanted_any(w);)
			backtrack(env, &st->trail[i], w);
		cp = st->parent;
		if (!cp || !wanted_any(w))
			return;
		st = &cp->st;
	}
}

/* Mark the running function's @regs precise, back along the path. */
static void make_precise(struct env *env, u16 regs)
{
	struct wanted w = { .frame = env->cur->depth - 1 };

	w.regs[w.frame] = regs;
	make_precise_wanted(env, &w);
}

/* ---- pass 2: the stack ---------------------------------------------- */

static int spill_size(const struct slot *s)
{
	int n = 0;

	while (n < SLOT_SIZE && s->bytes[n] == B_SPILL)
		n++;
	return n;
}

/* Forget the register spilled in @s; its bytes stay initialized. */
static void slot_unspill(struct slot *s)
{
	bool zero = reg_is_const(&s->spill, 0);
	int i;

	for (i = 0; i < SLOT_SIZE; i++)
		if (s->bytes[i] == B_SPILL)
			s->bytes[i] = zero ? B_ZERO : B_MISC;
}

static bool slot_has_ptr(const struct slot *s)
{
	return s->bytes[0] == B_SPILL && is_ptr(&s->spill);
}

/* The function in @fr uses @addr (negative, from its R10) of its stack. */
static void stack_used(struct env *env, const struct frame *fr, s64 addr)
{
	u32 *depth = &env->subprogs[fr->subprog].stack_depth;

	*depth = max_t(u32, *depth, round_up(-addr, SLOT_SIZE));
}

static int stack_grow(struct env *env, struct frame *fr, s64 addr)
{
	stack_used(env, fr, addr);
	return frame_grow(fr, round_up(-addr, SLOT_SIZE) / SLOT_SIZE);
}

/* Slot and byte of stack address @addr (negative, from R10). */
static struct slot *stack_byte(struct frame *fr, s64 addr, int *byte)
{
	u32 idx = (-addr - 1) / SLOT_SIZE;

	*byte = addr + SLOT_SIZE * (idx + 1);
	return idx < fr->nslots ? &fr->slots[idx] : NULL;
}

/*
 * A load that speculatively bypasses a store to the stack reads what the
 * store replaced. For an unprivileged program that must be neither a
 * pointer read as data, nor data read as the pointer just stored, nor
 * bytes never written (old kernel stack): such a store gets a barrier
 * after it, as upstream.
 */
static bool store_needs_fence(const struct slot *s, int b, int size,
			      const struct reg *val)
{
	int i;

	if (val && is_ptr(val))
		return true;
	for (i = b; i < b + size; i++)
		if (s->bytes[i] != B_MISC && s->bytes[i] != B_ZERO)
			return true;
	return false;
}

/*
 * Store @size bytes at the constant stack address @addr: the register
 * @val (a spill if it starts a slot and keeps all its bits), or data
 * that is zero or not.
 */
static int stack_write(struct env *env, struct frame *fr, s64 addr, int size,
		       const struct reg *val, bool zero)
{
	struct slot *s;
	int b, i, err;

	/*
	 * A frame's stack goes when it returns: nothing may point there
	 * from a caller's frame. As 6.1, no stack pointer at all may be
	 * stored in a caller's stack.
	 */
	if (val && val->kind == K_STACK && fr != &env->cur->frames[env->cur->depth - 1])
		return reject(env, -EINVAL,
			      "a stack pointer may not be stored in the stack of a caller");
	err = stack_grow(env, fr, addr);
	if (err)
		return err;
	s = stack_byte(fr, addr, &b);
	if (!env->leaks_ok && store_needs_fence(s, b, size, val))
		env->info[env->insn].flags |= I_NOSPEC;
	if (s->bytes[0] == B_SPILL && !(b == 0 && size == SLOT_SIZE)) {
		/* unprivileged programs never break a whole register */
		if (!env->leaks_ok && spill_size(s) == SLOT_SIZE)
			return reject(env, -EACCES,
				      "partial overwrite of the register spilled at fp%lld",
				      addr - b);
		slot_unspill(s);
	}
	if (val && is_ptr(val) && size != SLOT_SIZE)
		return reject(env, -EACCES,
			      "a pointer must be stored with 8 bytes, not %d",
			      size);
	/*
	 * As upstream: pointers are always kept; scalars only for CAP_BPF
	 * and only if something is known of them. The rest is data.
	 */
	if (val && !is_ptr(val) &&
	    (!env->spill_scalars || vals_is_any(&val->v)))
		val = NULL;
	if (val && !zero && b == 0 &&
	    (is_ptr(val) || size == SLOT_SIZE ||
	     val->v.umax < BIT_ULL(size * 8))) {
		if (s->bytes[0] == B_SPILL)
			slot_unspill(s);
		s->spill = *val;
		memset(s->bytes, B_SPILL, size);
		return 0;
	}
	for (i = b; i < b + size; i++)
		s->bytes[i] = zero ? B_ZERO : B_MISC;
	return 0;
}

/* Load @size bytes from the constant stack address @addr into @dst. */
static int stack_read(struct env *env, struct frame *fr, s64 addr, int size,
		      struct reg *dst)
{
	bool zero = true;
	struct slot *s;
	int b, i;

	s = stack_byte(fr, addr, &b);
	if (s && s->bytes[0] == B_SPILL) {
		if (b == 0 && spill_size(s) == size) {
			*dst = s->spill;
			return 0;
		}
		if (is_ptr(&s->spill))
			return reject(env, -EACCES,
				      "partial load of the pointer spilled at fp%lld",
				      addr - b);
	}
	for (i = b; i < b + size; i++) {
		u8 t = s ? s->bytes[i] : B_INVALID;

		if (t == B_SPILL)
			t = reg_is_const(&s->spill, 0) ? B_ZERO : B_MISC;
		if (t == B_INVALID && !env->leaks_ok)
			return reject(env, -EACCES,
				      "read of uninitialized stack at fp%lld",
				      addr - b + i);
		zero &= t == B_ZERO;
	}
	reg_scalar(dst, zero ? vals_const(0) : vals_of_size(size));
	return 0;
}

/* What a helper or a variable offset does to a range of stack bytes. */
enum range_use {
	RANGE_READ,		/* all must be initialized */
	RANGE_HELPER_READ,	/* and no pointer may leak through them */
	RANGE_WRITE,		/* every byte is written */
	RANGE_MAYBE_WRITE,	/* any byte may be written */
};

/* Bytes [lo, hi) of the stack, accessed as @use says. */
static int stack_range(struct env *env, struct frame *fr, s64 lo, s64 hi,
		       enum range_use use)
{
	bool write = use == RANGE_WRITE || use == RANGE_MAYBE_WRITE;
	struct slot *s;
	s64 a;
	int b;

	if (write) {
		int err = stack_grow(env, fr, lo);

		if (err)
			return err;
	}
	for (a = lo; a < hi; a++) {
		s = stack_byte(fr, a, &b);
		if (write) {
			if (s->bytes[b] == B_SPILL)
				slot_unspill(s);
			if (use == RANGE_WRITE || s->bytes[b] == B_ZERO)
				s->bytes[b] = B_MISC;
			continue;
		}
		/* privileged programs may read what was never written */
		if ((!s || s->bytes[b] == B_INVALID) && !env->leaks_ok)
			return reject(env, -EACCES,
				      "read of uninitialized stack at fp%lld",
				      a);
		if (!s)
			continue;
		if (use == RANGE_HELPER_READ && slot_has_ptr(s) &&
		    !env->leaks_ok)
			return reject(env, -EACCES,
				      "the pointer spilled at fp%lld would leak to a helper",
				      a - b);
	}
	return 0;
}

/* ---- pass 2: memory ------------------------------------------------- */

/* One load, store or atomic operation. */
struct mem_access {
	u8 regno;			/* the pointer */
	s16 off;
	int size;
	enum bpf_access_type type;
	bool atomic;
	bool imm;			/* BPF_ST: the value is an immediate */
	const struct reg *val;		/* the value stored */
	struct reg *dst;		/* where a load goes */
	s32 slot;			/* out: see struct step */
};

/* Are all the offsets of @r plus @off aligned to @size? */
static bool aligned(const struct reg *r, s16 off, int size)
{
	struct bits b = bits_add(r->v.b, bits_const((s64)off));

	return !((b.val | b.unk) & (size - 1));
}

/*
 * Bytes [lo, end) of the stack, for an access of @size bytes: starting
 * outside the stack is EACCES, reaching past its top EINVAL, as upstream.
 */
static int stack_bounds(struct env *env, const struct reg *ptr, u8 regno,
			s64 lo, s64 end, s64 size)
{
	if (lo < -MAX_BPF_STACK || lo >= 0)
		return reject(env, -EACCES,
			      "R%d: %lld bytes at fp%+lld: out of the stack",
			      regno, size, lo);
	if (end > 0)
		return reject(env, -EINVAL,
			      "R%d: %lld bytes at fp%+lld: past the top of the stack",
			      regno, size, lo);
	stack_used(env, &env->cur->frames[ptr->frame], lo);
	return 0;
}

static int stack_access(struct env *env, struct mem_access *m,
			const struct reg *base)
{
	s64 lo = base->v.smin + m->off, hi = base->v.smax + m->off;
	struct frame *fr = &env->cur->frames[base->frame];
	struct reg old;
	bool zero;
	int err;

	if (!aligned(base, m->off, m->size))
		return reject(env, -EACCES,
			      "misaligned stack access of %d bytes at fp%+lld",
			      m->size, lo);
	if (base->v.smax >= MAX_VAR_OFF)
		return reject(env, -EACCES,
			      "R%d: unbounded variable stack offset", m->regno);
	err = stack_bounds(env, base, m->regno, lo, hi + m->size, m->size);
	if (err)
		return err;
	if (lo != hi) {
		/* only privileged programs get here: see ptr_alu() */
		if (m->type == BPF_READ) {
			err = stack_range(env, fr, lo, hi + m->size, RANGE_READ);
			reg_scalar(m->dst, vals_of_size(m->size));
			return err;
		}
		/* as upstream, a pointer stored so is only data from then on */
		return stack_range(env, fr, lo, hi + m->size,
				   RANGE_MAYBE_WRITE);
	}

	/* a spill or a fill: precision follows the value through the slot */
	m->slot = base->frame * MAX_SLOTS + (-lo - 1) / SLOT_SIZE;
	if (m->type == BPF_READ)
		return stack_read(env, fr, lo, m->size, m->dst);
	if (m->atomic) {
		/* what a fetch gets back is what a load would */
		err = stack_read(env, fr, lo, m->size, m->dst ?: &old);
		if (err)
			return err;
		if (is_ptr(m->dst ?: &old) && !env->leaks_ok)
			return reject(env, -EACCES,
				      "atomic operation on the pointer spilled at fp%lld",
				      lo);
		return stack_write(env, fr, lo, m->size, NULL, false);
	}
	zero = m->val && reg_is_const(m->val, 0);
	return stack_write(env, fr, lo, m->size, m->val, zero);
}

/*
 * A frozen map that programs may only read, with no writable mapping,
 * never changes again (user space's .rodata): a load of @size bytes at
 * a known offset of its value is a constant, and the paths a constant
 * rules out are never explored. Returns false if the value is not.
 */
static bool value_constant(const struct bpf_map *map, s64 off, int size,
			   u64 *val)
{
	u64 addr;

	if (!(map->map_flags & BPF_F_RDONLY_PROG) || !READ_ONCE(map->frozen) ||
	    atomic64_read(&map->writecnt) || !map->ops->map_direct_value_addr ||
	    map->ops->map_direct_value_addr(map, &addr, off))
		return false;
	addr += off;
	switch (size) {
	case 1:
		*val = *(u8 *)(unsigned long)addr;
		return true;
	case 2:
		*val = *(u16 *)(unsigned long)addr;
		return true;
	case 4:
		*val = *(u32 *)(unsigned long)addr;
		return true;
	case 8:
		*val = *(u64 *)(unsigned long)addr;
		return true;
	}
	return false;
}

static int value_access(struct env *env, struct mem_access *m,
			const struct reg *base)
{
	u64 val;
	const struct bpf_map *map = base->map;
	s64 lo = base->v.smin + m->off, hi = base->v.smax + m->off;

	/*
	 * A locked operation that splits a cache line raises #AC under
	 * split-lock detection: atomics are always aligned, as upstream.
	 */
	if ((env->strict || m->atomic) && m->size > 1 &&
	    !aligned(base, m->off, m->size))
		return reject(env, -EACCES,
			      "misaligned value access: %d bytes at offset %lld%s",
			      m->size, lo, m->atomic ? " by an atomic operation" :
			      " (strict alignment)");

	if ((m->type == BPF_WRITE || m->atomic) &&
	    (map->map_flags & BPF_F_RDONLY_PROG))
		return reject(env, -EACCES, "map %s is read-only to programs",
			      map->name);
	if ((m->type == BPF_READ || m->atomic) &&
	    (map->map_flags & BPF_F_WRONLY_PROG))
		return reject(env, -EACCES, "map %s is write-only to programs",
			      map->name);
	/* a constant may be negative: the access's own offset may make up */
	if (base->v.smin < 0 && !vals_is_const(&base->v))
		return reject(env, -EACCES,
			      "R%d's offset into the map value may be negative (min %lld): check it first",
			      m->regno, base->v.smin);
	if (base->v.smax >= MAX_VAR_OFF)
		return reject(env, -EACCES,
			      "R%d's offset into the map value is unbounded: check it first",
			      m->regno);
	if (lo < 0 || hi + m->size > map->value_size)
		return reject(env, -EACCES,
			      "access of %d bytes at offset %lld..%lld of a %u-byte map value",
			      m->size, lo, hi, map->value_size);
	if (m->type == BPF_WRITE && m->val && is_ptr(m->val) && !env->leaks_ok)
		return reject(env, -EACCES, "a pointer would leak into a map");
	if (m->dst && m->type == BPF_READ && !m->atomic &&
	    vals_is_const(&base->v) && value_constant(map, lo, m->size, &val))
		reg_scalar(m->dst, vals_const(val));
	else if (m->dst)
		reg_scalar(m->dst, vals_of_size(m->size));
	return 0;
}

static int ctx_access(struct env *env, struct mem_access *m,
		      const struct reg *base)
{
	struct insn_info *info = &env->info[env->insn];
	u32 field;

	if (!vals_is_zero(&base->v))
		return reject(env, -EACCES,
			      "R%d is a moved context pointer: access the context at fixed offsets from its start",
			      m->regno);
	if (m->atomic || m->imm)
		return reject(env, -EACCES,
			      "%s to the context are not allowed",
			      m->atomic ? "atomic operations" :
			      "immediate stores");
	field = env->type->ctx_access(m->off, m->size, m->type);
	if (!field)
		return reject(env, -EACCES,
			      "%s of %d bytes at offset %d of the %s context is not allowed",
			      m->type == BPF_READ ? "read" : "write",
			      m->size, m->off, env->type->name);
	if (m->type == BPF_WRITE && is_ptr(m->val) && !env->leaks_ok)
		return reject(env, -EACCES,
			      "a pointer would leak into the context");
	info->flags |= I_CTX;
	info->ctx_field = field;
	/* An attach point checks that its context is this long. */
	env->prog->aux->max_ctx_offset = max_t(u32, m->off + m->size,
					       env->prog->aux->max_ctx_offset);
	if (m->dst)
		reg_scalar(m->dst, vals_of_size(m->size));
	return 0;
}

static int check_mem(struct env *env, struct mem_access *m)
{
	const struct reg *base = reg_at(env, m->regno);
	struct insn_info *info = &env->info[env->insn];
	int err;

	switch (base->kind) {
	case K_STACK:
		err = stack_access(env, m, base);
		break;
	case K_VALUE:
		err = value_access(env, m, base);
		break;
	case K_CTX:
		err = ctx_access(env, m, base);
		break;
	case K_VALUE_OR_NULL:
		return reject(env, -EACCES,
			      "R%d may be NULL: compare it with 0 before the access",
			      m->regno);
	case K_MAP:
		/* upstream reads struct bpf_map through BTF, which we lack */
		return reject(env, -EBPF_UNSUPPORTED,
			      "R%d: access to the map itself is not supported",
			      m->regno);
	default:
		return reject(env, -EACCES, "R%d is a %s, not a pointer to memory",
			      m->regno, kind_names[base->kind]);
	}
	if (err)
		return err;
	if (base->kind != K_CTX)
		info->flags |= I_OTHER_MEM;
	if ((info->flags & (I_CTX | I_OTHER_MEM)) == (I_CTX | I_OTHER_MEM))
		return reject(env, -EINVAL,
			      "this instruction accesses the context on one path and other memory on another");
	return 0;
}

static int do_load(struct env *env, const struct bpf_insn *in,
		   struct step *step)
{
	struct reg val;
	struct mem_access m = {
		.regno = in->src_reg, .off = in->off,
		.size = bpf_size_to_bytes(BPF_SIZE(in->code)),
		.type = BPF_READ, .dst = &val, .slot = STEP_NO_SLOT,
	};
	int err;

	err = check_read(env, in->src_reg) ?: check_write(env, in->dst_reg) ?:
	      check_mem(env, &m);
	if (err)
		return err;
	*reg_at(env, in->dst_reg) = val;
	step->slot = m.slot;
	return 0;
}

static int do_store(struct env *env, const struct bpf_insn *in,
		    struct step *step)
{
	int size = bpf_size_to_bytes(BPF_SIZE(in->code));
	struct reg imm;
	struct mem_access m = {
		.regno = in->dst_reg, .off = in->off, .size = size,
		.type = BPF_WRITE, .slot = STEP_NO_SLOT,
	};
	int err;

	err = check_read(env, in->dst_reg);
	if (err)
		return err;
	if (BPF_CLASS(in->code) == BPF_STX) {
		err = check_read(env, in->src_reg);
		if (err)
			return err;
		m.val = reg_at(env, in->src_reg);
	} else {
		/* the bytes stored are the immediate's low ones */
		reg_scalar(&imm, vals_const(size == 8 ? (s64)in->imm :
					    in->imm & GENMASK_ULL(size * 8 - 1, 0)));
		m.val = &imm;
		m.imm = true;
	}
	err = check_mem(env, &m);
	step->slot = m.slot;
	return err;
}

static int do_atomic(struct env *env, const struct bpf_insn *in,
		     struct step *step)
{
	int size = bpf_size_to_bytes(BPF_SIZE(in->code));
	struct reg old;
	struct mem_access m = {
		.regno = in->dst_reg, .off = in->off, .size = size,
		.type = BPF_WRITE, .atomic = true, .dst = &old,
		.slot = STEP_NO_SLOT,
	};
	u8 out = in->imm == BPF_CMPXCHG ? BPF_REG_0 : in->src_reg;
	int err;

	err = check_read(env, in->dst_reg) ?: check_read(env, in->src_reg) ?:
	      check_no_leak(env, in->src_reg, "into memory");
	if (!err && in->imm == BPF_CMPXCHG)
		err = check_read(env, BPF_REG_0) ?:
		      check_no_leak(env, BPF_REG_0, "into memory");
	if (err)
		return err;
	if (reg_at(env, in->dst_reg)->kind == K_CTX)
		return reject(env, -EACCES,
			      "atomic operations on the context are not allowed");
	err = check_mem(env, &m);
	if (err)
		return err;
	step->slot = m.slot;
	/* fetching ones give back the old value */
	if (in->imm == BPF_CMPXCHG || (in->imm & BPF_FETCH)) {
		err = check_write(env, out);
		if (!err)
			*reg_at(env, out) = old;
	}
	return err;
}

/* ---- pass 2: arithmetic --------------------------------------------- */

/*
 * An operation on a value set gave no value: its input was empty, which
 * the jump that narrowed it should have found. Refuse rather than go on
 * with a state that claims nothing.
 */
static int empty_result(struct env *env)
{
	return reject(env, -EFAULT,
		      "R%d: no value fits the result (verifier bug): refusing",
		      env->insns[env->insn].dst_reg);
}

static const char *ptr_name(const struct reg *r)
{
	return kind_names[r->kind];
}

/*
 * How far an unprivileged program's pointer may move at @in without
 * leaving its object, looking from the side the move goes to; as
 * upstream, the stack and map values are the only objects for that.
 */
static int move_limit(struct env *env, const struct reg *ptr, bool left,
		      s64 *limit)
{
	s64 max;

	switch (ptr->kind) {
	case K_STACK:
		max = MAX_BPF_STACK + left;
		*limit = -ptr->v.smin;
		break;
	case K_VALUE:
		max = ptr->map->value_size;
		*limit = left ? ptr->v.smin : (s64)ptr->v.umax;
		break;
	default:
		return reject(env, -EACCES,
			      "unprivileged programs may not move a %s pointer by a register",
			      ptr_name(ptr));
	}
	if (*limit >= max)
		return reject(env, -EACCES,
			      "the pointer would move beyond its object");
	return 0;
}

/*
 * An unprivileged ALU instruction must do the same kind of thing on every
 * path, because the rewrite gives it one form: pointer arithmetic gets
 * its offset masked (see rewrite_ptr_alu()), arithmetic on numbers does
 * not.
 */
static int alu_paths_agree(struct env *env, u8 kind, u32 span)
{
	struct insn_info *info = &env->info[env->insn];

	if (info->alu_kind && (info->alu_kind != kind ||
			       info->alu_span != span))
		return reject(env, -EACCES,
			      "R%d: pointer arithmetic differs between paths (other objects, offsets or scalars)",
			      env->insns[env->insn].dst_reg);
	info->alu_kind = kind;
	info->alu_span = span;
	return 0;
}

/*
 * Speculative execution may run an unprivileged program down the side
 * of a jump that the bounds of an offset rule out, with any offset. As
 * upstream, the rewrite then clamps the offset to the span it may have
 * on every architectural path, so that even then a pointer never leaves
 * its object. Here the span is found and must be the same on all paths.
 */
static int spectre_check(struct env *env, const struct bpf_insn *in,
			 const struct reg *ptr, const struct reg *off,
			 const struct reg *res)
{
	bool neg = off->v.smin < 0, sub = BPF_OP(in->code) == BPF_SUB;
	bool left = sub != neg;
	s64 before, after;
	u8 kind;
	int err;

	if (env->leaks_ok || BPF_SRC(in->code) == BPF_K ||
	    env->cur->speculative)
		return 0;
	err = move_limit(env, ptr, left, &before) ?:
	      move_limit(env, res, left, &after);
	if (err)
		return err;
	kind = ALU_PTR | (neg ? ALU_NEG : 0) |
	       (vals_is_const(&off->v) ? ALU_CONST : 0) |
	       (ptr == reg_at(env, in->dst_reg) ? ALU_PTR_DST : 0);
	return alu_paths_agree(env, kind, abs(before - after));
}

/*
 * Pointer plus or minus scalar: the offset is the sum. Offsets stay
 * within +-MAX_VAR_OFF so that no offset arithmetic can overflow, and
 * unprivileged programs may only build pointers that stay inside their
 * object, at offsets that do not depend on data.
 */
static int ptr_alu(struct env *env, const struct bpf_insn *in,
		   struct reg *d, const struct reg *s)
{
	u8 op = BPF_OP(in->code), dst = in->dst_reg;
	const struct reg *ptr = is_ptr(d) ? d : s;
	const struct reg *off = is_ptr(d) ? s : d;
	struct vals by;
	struct reg res;
	int err;

	if (BPF_CLASS(in->code) == BPF_ALU) {
		/* as upstream, a 32-bit subtraction is only a number */
		if (op == BPF_SUB && env->leaks_ok) {
			reg_unknown(d);
			return 0;
		}
		return reject(env, -EACCES,
			      "R%d: 32-bit arithmetic on a pointer", dst);
	}
	if (op != BPF_ADD && op != BPF_SUB)
		return reject(env, -EACCES,
			      "R%d: only + and - work on pointers, not %s",
			      dst, alu_sym[op >> 4]);
	if (is_ptr(d) && is_ptr(s)) {
		/* the distance between two pointers is a plain number */
		if (op == BPF_SUB && env->leaks_ok) {
			reg_unknown(d);
			return 0;
		}
		return reject(env, -EACCES, "R%d: %s two pointers",
			      dst, op == BPF_ADD ? "adding" : "subtracting");
	}
	if (!is_ptr(d) && op == BPF_SUB)
		return reject(env, -EACCES,
			      "R%d: subtracting a pointer from a scalar", dst);
	/* as upstream, for the JITs: add a negative offset instead */
	if (op == BPF_SUB && ptr->kind == K_STACK)
		return reject(env, -EACCES,
			      "R%d: subtraction from a stack pointer; add a negative offset",
			      dst);

	/* the offset's value decides what the pointer may reach */
	if (BPF_SRC(in->code) == BPF_X)
		make_precise(env, BIT(is_ptr(d) ? in->src_reg : dst));
	/* see spectre_check() */
	if (!env->leaks_ok && BPF_SRC(in->code) == BPF_X &&
	    ptr->kind != K_STACK && ptr->kind != K_VALUE)
		return reject(env, -EACCES,
			      "unprivileged programs may not move a %s pointer by a register",
			      ptr_name(ptr));

	switch (ptr->kind) {
	case K_VALUE_OR_NULL:
		return reject(env, -EACCES,
			      "R%d: arithmetic on a pointer that may be NULL; compare it with 0 first",
			      dst);
	case K_MAP:
		if (op == BPF_ADD && reg_is_const(off, 0)) {
			*d = *ptr;
			return 0;
		}
		return reject(env, -EACCES, "R%d: arithmetic on a map pointer",
			      dst);
	}

	if (vals_is_const(&off->v)) {
		s64 c = off->v.b.val;

		if (c <= -MAX_VAR_OFF || c >= MAX_VAR_OFF)
			return reject(env, -EINVAL,
				      "R%d: offset %lld is too large for a %s pointer",
				      dst, c, ptr_name(ptr));
	} else if (off->v.smin == S64_MIN) {
		return reject(env, -EINVAL,
			      "R%d: adding a scalar with no lower bound to a %s pointer",
			      dst, ptr_name(ptr));
	} else if (off->v.smin <= -MAX_VAR_OFF || off->v.smin >= MAX_VAR_OFF) {
		return reject(env, -EINVAL,
			      "R%d: offset %lld is too large for a %s pointer",
			      dst, off->v.smin, ptr_name(ptr));
	} else if (!env->leaks_ok && off->v.smin < 0 && off->v.smax > 0) {
		return reject(env, -EACCES,
			      "R%d: the scalar added may be negative or positive",
			      dst);
	}

	res = *ptr;
	by = off->v;
	/*
	 * Under speculation the rewrite's clamp may make the offset 0 (see
	 * rewrite_ptr_alu()): what follows must be safe for that too.
	 */
	if (!env->leaks_ok && BPF_SRC(in->code) == BPF_X &&
	    !vals_is_const(&by)) {
		by = vals_any();
		by.smin = min_t(s64, off->v.smin, 0);
		by.smax = max_t(s64, off->v.smax, 0);
		/* the offset or 0: a bit known in both stays known */
		by.b.unk = off->v.b.val | off->v.b.unk;
		by.b.val = 0;
		vals_tighten(&by);
	}
	if (!vals_alu(&res.v, &by, op, 64))
		return empty_result(env);
	if (res.v.smin <= -MAX_VAR_OFF || res.v.smin >= MAX_VAR_OFF)
		return reject(env, -EINVAL,
			      "R%d: offset %lld is out of range for a %s pointer",
			      dst, res.v.smin, ptr_name(ptr));
	err = spectre_check(env, in, ptr, off, &res);
	if (err)
		return err;

	if (!env->leaks_ok && res.kind == K_STACK) {
		if (!vals_is_const(&res.v))
			return reject(env, -EACCES,
				      "R%d: unprivileged programs may not use variable stack offsets",
				      dst);
		if (res.v.smin >= 0 || res.v.smin < -MAX_BPF_STACK)
			return reject(env, -EACCES,
				      "R%d: stack pointer fp%+lld is outside the stack",
				      dst, res.v.smin);
	}
	if (!env->leaks_ok && res.kind == K_VALUE &&
	    (res.v.smin < 0 || res.v.umax >= res.map->value_size))
		return reject(env, -EACCES,
			      "R%d: map value pointer would leave the value",
			      dst);
	*d = res;
	return 0;
}

/* Byte swaps: to_le is a truncation here, to_be swaps. */
static bool do_swap(struct reg *d, const struct bpf_insn *in)
{
	bool be = BPF_SRC(in->code) == BPF_TO_BE;
	int bits = in->imm;
	struct vals mask;
	u64 x;

	if (!vals_is_const(&d->v)) {
		mask = vals_const(GENMASK_ULL(bits - 1, 0));
		if (be)
			reg_scalar(d, vals_of_size(bits / 8));
		else if (bits != 64)
			return vals_alu(&d->v, &mask, BPF_AND, 64);
		return true;
	}
	x = d->v.b.val;
	switch (bits) {
	case 16:
		x = be ? swab16(x) : (u16)x;
		break;
	case 32:
		x = be ? swab32(x) : (u32)x;
		break;
	default:
		x = be ? swab64(x) : x;
	}
	reg_scalar(d, vals_const(x));
	return true;
}

static int do_alu(struct env *env, const struct bpf_insn *in)
{
	u8 op = BPF_OP(in->code), dst = in->dst_reg;
	int width = BPF_CLASS(in->code) == BPF_ALU64 ? 64 : 32;
	bool x = BPF_SRC(in->code) == BPF_X && op != BPF_END;
	struct reg *d = reg_at(env, dst), imm;
	struct reg *s = &imm;
	int err;

	err = check_write(env, dst);
	if (!err && op != BPF_MOV)
		err = check_read(env, dst);
	if (!err && x)
		err = check_read(env, in->src_reg);
	if (err)
		return err;
	if (x)
		s = reg_at(env, in->src_reg);
	else
		reg_scalar(&imm, vals_const(width == 64 ? (s64)in->imm :
					    (u32)in->imm));

	if (op == BPF_MOV) {
		if (width == 32 && is_ptr(s)) {
			if (!env->leaks_ok)
				return reject(env, -EACCES,
					      "R%d: partial copy of a pointer",
					      dst);
			reg_scalar(d, vals_of_size(4));
		} else if (width == 32) {
			struct reg r = { .kind = K_SCALAR, .v = s->v };

			if (!vals_alu(&r.v, &s->v, BPF_MOV, 32))
				return empty_result(env);
			*d = r;
		} else {
			/* a copy: what is learnt about one holds for both */
			if (s->kind == K_SCALAR && !s->id &&
			    !vals_is_const(&s->v))
				s->id = new_id(env);
			*d = *s;
		}
		return 0;
	}

	if (op == BPF_NEG || op == BPF_END) {
		if (is_ptr(d)) {
			if (!env->leaks_ok)
				return reject(env, -EACCES,
					      "R%d: arithmetic on a pointer",
					      dst);
			reg_unknown(d);
			return 0;
		}
		if (op == BPF_END ? !do_swap(d, in) :
		    !vals_alu(&d->v, &d->v, BPF_NEG, width))
			return empty_result(env);
		d->id = 0;
		d->precise = false;
		return 0;
	}

	if (is_ptr(d) || is_ptr(s))
		return ptr_alu(env, in, d, s);
	if (!env->leaks_ok && x && (op == BPF_ADD || op == BPF_SUB) &&
	    !env->cur->speculative) {
		err = alu_paths_agree(env, ALU_SCALAR, 0);
		if (err)
			return err;
	}
	if (!vals_alu(&d->v, &s->v, op, width))
		return empty_result(env);
	d->id = 0;
	d->precise = false;
	return 0;
}

/* ---- pass 2: conditional jumps -------------------------------------- */

/* What a jump taught about register @regno, given to all its copies. */
static bool settle(struct state *st, u8 regno, const struct vals *v)
{
	struct reg *r = &st->regs[regno], *c;
	u32 id = r->id, pos = 0;
	bool ok = true;

	if (!id) {
		r->v = *v;
		return true;
	}
	while ((c = next_copy(st, id, &pos)))
		ok &= vals_meet(&c->v, v);
	return ok;
}

/*
 * Queue the path that continues at @target from a copy of this state. The
 * jump @step is on the copy's trail, as it will be on this one's: precision
 * found on either side must backtrack through it.
 */
static struct state *fork_path(struct env *env, u32 target,
			       const struct step *step)
{
	struct state *st;

	if (env->npending == MAX_PENDING) {
		reject(env, -E2BIG, "more than %d branches wait to be explored",
		       MAX_PENDING);
		return ERR_PTR(-E2BIG);
	}
	st = state_copy(env->cur);
	if (!st)
		return ERR_PTR(-ENOMEM);
	if (trail_add(st, *step)) {
		state_free(st);
		return ERR_PTR(-ENOMEM);
	}
	if (st->parent)
		st->parent->live++;
	env->pending[env->npending++] = (struct pending){ st, target };
	return st;
}

/*
 * The side of a jump the state proves impossible may still run under
 * speculative execution. As upstream, unprivileged programs must be safe
 * on it too: explore it with what was known before the jump.
 */
static int speculate(struct env *env, u32 insn, const struct step *step)
{
	struct state *st;

	if (env->leaks_ok)
		return 0;
	st = fork_path(env, insn, step);
	if (IS_ERR(st))
		return PTR_ERR(st);
	st->speculative = true;
	return 0;
}

/* After a NULL check of the lookup result @id: NULL or a value. */
static void null_checked(struct state *st, u32 id, bool null)
{
	struct reg *r;
	u32 pos = 0;

	while ((r = next_copy(st, id, &pos))) {
		if (r->kind != K_VALUE_OR_NULL)
			continue;
		if (null)
			reg_scalar(r, vals_const(0));
		else
			r->kind = K_VALUE;
	}
}

static int ptr_branch(struct env *env, const struct bpf_insn *in,
		      struct reg *a, const struct reg *b,
		      const struct step *step)
{
	u8 op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	/*
	 * Against 0, the immediate or a register known to hold it; not in
	 * 32 bits, where a valid pointer's low half may be 0.
	 */
	bool null_test = (op == BPF_JEQ || op == BPF_JNE) &&
			 BPF_CLASS(in->code) == BPF_JMP && !is_ptr(b) &&
			 vals_is_zero(&b->v);
	u32 target = env->insn + in->off + 1;
	struct state *other;
	int err;

	if (is_ptr(b) && !env->leaks_ok)
		return reject(env, -EACCES,
			      "R%d: unprivileged programs may not compare pointers",
			      in->src_reg);
	/* a map value pointer is never NULL */
	if (null_test && a->kind == K_VALUE) {
		/* the way the jump goes depends on that register being 0 */
		if (x)
			make_precise(env, BIT(in->src_reg));
		err = speculate(env, op == BPF_JNE ? env->insn + 1 : target,
				step);
		env->insn = op == BPF_JNE ? target : env->insn + 1;
		return err;
	}
	/*
	 * Checking a lookup result, NULL on one side and a value on the
	 * other: against the immediate only, as 6.1 (the C it compiles
	 * from must load on both kernels alike).
	 */
	if (null_test && !x && a->kind == K_VALUE_OR_NULL) {
		u32 id = a->id;

		other = fork_path(env, target, step);
		if (IS_ERR(other))
			return PTR_ERR(other);
		null_checked(other, id, op == BPF_JEQ);
		null_checked(env->cur, id, op != BPF_JEQ);
		env->insn++;
		return 0;
	}
	if (!env->leaks_ok)
		return reject(env, -EACCES,
			      "R%d: unprivileged programs may not compare pointers",
			      in->dst_reg);
	/* nothing to learn: both ways */
	other = fork_path(env, target, step);
	if (IS_ERR(other))
		return PTR_ERR(other);
	env->insn++;
	return 0;
}

static int do_branch(struct env *env, const struct bpf_insn *in,
		     struct step *step)
{
	u8 op = BPF_OP(in->code);
	int width = BPF_CLASS(in->code) == BPF_JMP32 ? 32 : 64;
	bool x = BPF_SRC(in->code) == BPF_X;
	u32 target = env->insn + in->off + 1;
	struct vals ta, tb, fa, fb;
	struct reg *a, *b, imm;
	struct state *other;
	bool t_ok, f_ok;
	int err;

	err = check_read(env, in->dst_reg) ?:
	      (x ? check_read(env, in->src_reg) : 0);
	if (err)
		return err;
	a = reg_at(env, in->dst_reg);
	b = &imm;
	if (x)
		b = reg_at(env, in->src_reg);
	else
		reg_scalar(&imm, vals_const(width == 64 ? (s64)in->imm :
					    (u32)in->imm));
	if (is_ptr(a) || is_ptr(b))
		return ptr_branch(env, in, a, b, step);

	ta = a->v;
	tb = b->v;
	fa = a->v;
	fb = b->v;
	t_ok = vals_refine(&ta, &tb, op, width);
	f_ok = vals_refine(&fa, &fb, vals_negate(op), width);
	/* a side ruled out by the values: they matter */
	if (!t_ok || !f_ok)
		make_precise(env, BIT(in->dst_reg) | (x ? BIT(in->src_reg) : 0));
	/* copies learn from the jump too: see backtrack(); before forking */
	if (a->id || (x && b->id))
		step->slot = STEP_LINKED;

	if (t_ok && f_ok) {
		other = fork_path(env, target, step);
		if (IS_ERR(other))
			return PTR_ERR(other);
		t_ok = settle(other, in->dst_reg, &ta) &&
		       (!x || settle(other, in->src_reg, &tb));
		if (!t_ok) {
			/* learnt only now, from the copies: drop it */
			env->npending--;
			if (other->parent)
				other->parent->live--;
			state_free(other);
		}
	} else if (t_ok) {
		err = speculate(env, env->insn + 1, step);
		if (err)
			return err;
		t_ok = settle(env->cur, in->dst_reg, &ta) &&
		       (!x || settle(env->cur, in->src_reg, &tb));
		env->insn = target;
		return t_ok ? 0 : 1;
	} else if (f_ok) {
		err = speculate(env, target, step);
		if (err)
			return err;
	}
	f_ok = f_ok && settle(env->cur, in->dst_reg, &fa) &&
	       (!x || settle(env->cur, in->src_reg, &fb));
	env->insn++;
	return f_ok ? 0 : 1;
}

/* ---- pass 2: helper calls ------------------------------------------- */

struct call_meta {
	struct bpf_map *map;
};

/*
 * The memory a helper reads or writes through R@regno: @min..@max bytes
 * (the size argument's bounds, @max for a fixed size).
 */
static int helper_mem(struct env *env, u8 regno, u64 min, u64 max,
		      bool write)
{
	const struct reg *r = reg_at(env, regno);
	s64 lo = r->v.smin, hi = r->v.smax;
	struct frame *fr;
	int err;

	switch (r->kind) {
	case K_STACK:
		if (lo != hi && !env->leaks_ok)
			return reject(env, -EACCES,
				      "R%d: unprivileged programs may not use variable stack offsets",
				      regno);
		if (hi >= MAX_VAR_OFF)
			return reject(env, -EACCES,
				      "R%d: unbounded variable stack offset",
				      regno);
		err = stack_bounds(env, r, regno, lo, hi + max, max);
		if (err)
			return err;
		fr = &env->cur->frames[r->frame];
		if (write && min == max && lo == hi)
			return stack_range(env, fr, lo, lo + max, RANGE_WRITE);
		/*
		 * A helper may fill less than a variable size: what it leaves
		 * is read as it was, so it must be initialized as for a read.
		 * Any byte may have been written: no zero or spilled register
		 * survives there.
		 */
		err = stack_range(env, fr, lo, hi + max, RANGE_HELPER_READ);
		if (err || !write)
			return err;
		return stack_range(env, fr, lo, hi + max, RANGE_MAYBE_WRITE);
	case K_VALUE:
		return value_access(env, &(struct mem_access){
			.regno = regno, .size = 0,
			.type = write ? BPF_WRITE : BPF_READ,
		}, r) ?: (r->v.smax + max > r->map->value_size ?
			  reject(env, -EACCES,
				 "R%d: %llu bytes at offset %lld do not fit in a %u-byte map value",
				 regno, max, r->v.smax, r->map->value_size) : 0);
	case K_VALUE_OR_NULL:
		return reject(env, -EACCES,
			      "R%d may be NULL: compare it with 0 before passing it",
			      regno);
	}
	return reject(env, -EACCES,
		      "R%d is a %s: the helper needs a pointer to the stack or a map value",
		      regno, kind_names[r->kind]);
}

/* A size argument: bounded, not negative, not zero unless allowed. */
static int helper_size(struct env *env, u8 regno, bool zero_ok,
		       u64 *min, u64 *max)
{
	const struct reg *r = reg_at(env, regno);
	int err = check_read(env, regno);

	if (err)
		return err;
	if (r->kind != K_SCALAR)
		return reject(env, -EACCES, "R%d: a size must be a scalar",
			      regno);
	if (r->v.smin < 0)
		return reject(env, -EACCES,
			      "R%d: the size may be negative (min %lld); bound it first",
			      regno, r->v.smin);
	if (r->v.umax >= MAX_VAR_OFF)
		return reject(env, -EACCES,
			      "R%d: the size is unbounded; bound it first", regno);
	if (!r->v.umin && !zero_ok)
		return reject(env, -EACCES, "R%d: the size may be zero",
			      regno);
	make_precise(env, BIT(regno));
	*min = r->v.umin;
	*max = r->v.umax;
	return 0;
}

static int helper_arg(struct env *env, const struct bpf_func_proto *fn,
		      int k, struct call_meta *meta)
{
	u32 arg = fn->arg_type[k];
	u8 regno = BPF_REG_1 + k;
	const struct reg *r = reg_at(env, regno);
	u64 min, max;
	int err;

	err = check_read(env, regno);
	if (err)
		return err;
	switch (KIND_OF(arg)) {
	case ARG_ANYTHING:
		return check_no_leak(env, regno, "to a helper");
	case ARG_CONST_MAP_PTR:
		if (r->kind != K_MAP)
			return reject(env, -EACCES,
				      "R%d must be a map (LD_IMM64 of a map fd), not a %s",
				      regno, kind_names[r->kind]);
		meta->map = r->map;
		return 0;
	case ARG_PTR_TO_MAP_KEY:
		return helper_mem(env, regno, meta->map->key_size,
				  meta->map->key_size, false);
	case ARG_PTR_TO_MAP_VALUE:
		return helper_mem(env, regno, meta->map->value_size,
				  meta->map->value_size, false);
	case ARG_PTR_TO_CTX:
		if (r->kind != K_CTX || !vals_is_zero(&r->v))
			return reject(env, -EACCES,
				      "R%d must be the context, unmoved", regno);
		return 0;
	case ARG_PTR_TO_MEM:
		/* the next argument is its size: there must be one */
		if (k + 1 >= ARRAY_SIZE(fn->arg_type) ||
		    (fn->arg_type[k + 1] != ARG_CONST_SIZE &&
		     fn->arg_type[k + 1] != ARG_CONST_SIZE_OR_ZERO))
			return reject(env, -EFAULT,
				      "helper %s#%d: memory argument %d has no size argument after it",
				      helper_name(env->insns[env->insn].imm),
				      env->insns[env->insn].imm, k + 1);
		err = helper_size(env, regno + 1,
				  fn->arg_type[k + 1] == ARG_CONST_SIZE_OR_ZERO,
				  &min, &max);
		if (err)
			return err;
		/* even for no bytes the pointer must be one to memory */
		if (!max && (arg & PTR_MAYBE_NULL) && reg_is_const(r, 0))
			return 0;
		return helper_mem(env, regno, min, max, arg & MEM_UNINIT);
	case ARG_CONST_SIZE:
	case ARG_CONST_SIZE_OR_ZERO:
		return 0;
	}
	return reject(env, -EBPF_UNSUPPORTED, "helper argument kind %u", arg);
}

/*
 * Program arrays and perf event arrays work with their own helper only,
 * and that helper with them only, as upstream.
 */
static bool map_fits_helper(u32 map_type, s32 func)
{
	switch (func) {
	case BPF_FUNC_tail_call:
		return map_type == BPF_MAP_TYPE_PROG_ARRAY;
	case BPF_FUNC_perf_event_output:
		return map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	}
	return map_type != BPF_MAP_TYPE_PROG_ARRAY &&
	       map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

/*
 * The size a bpf_skb_load_bytes() copies, if the same on every path:
 * rewrite_insn() then copies it in place. (The size is precise, so no
 * path with another size is pruned on the way to the call.)
 */
static void note_call_size(struct env *env, const struct reg *size)
{
	struct insn_info *info = &env->info[env->insn];

	if (size->v.umin != size->v.umax ||
	    (info->call_size && info->call_size != size->v.umin))
		info->flags |= I_SIZES_DIFFER;
	info->call_size = size->v.umin;
}

static int do_call(struct env *env, const struct bpf_insn *in)
{
	const struct bpf_func_proto *fn = helper(env, in->imm);
	struct call_meta meta = {};
	const u8 *up;
	int k, err;

	if (!fn) {
		if (in->imm <= 0 || in->imm >= __BPF_FUNC_MAX_ID)
			return reject(env, -EINVAL, "there is no helper %d",
				      in->imm);
		for (up = env->type->upstream_helpers; up && *up; up++)
			if (*up == in->imm)
				return reject(env, -EBPF_UNSUPPORTED,
					      "helper %s#%d is not supported by this kernel",
					      helper_name(in->imm), in->imm);
		return reject(env, -EINVAL,
			      "helper %s#%d is not available to %s programs",
			      helper_name(in->imm), in->imm, env->type->name);
	}
	if (fn->gpl_only && !env->prog->gpl_compatible)
		return reject(env, -EINVAL,
			      "helper %s#%d needs a GPL-compatible license",
			      helper_name(in->imm), in->imm);

	for (k = 0; k < 5 && fn->arg_type[k] != ARG_DONTCARE; k++) {
		err = helper_arg(env, fn, k, &meta);
		if (err)
			return err;
	}
	/* as 6.1: the interpreter has no tail calls beside bpf-to-bpf ones */
	if (in->imm == BPF_FUNC_tail_call && env->nsubprogs > 1 &&
	    !env->prog->jit_requested)
		return reject(env, -EINVAL,
			      "tail calls need the JIT in a program with bpf-to-bpf calls");
	if (meta.map && (in->imm == BPF_FUNC_map_lookup_elem ||
			 (in->imm == BPF_FUNC_tail_call && !env->leaks_ok))) {
		struct insn_info *info = &env->info[env->insn];

		if (info->call_map && info->call_map != meta.map)
			info->flags |= I_MAPS_DIFFER;
		info->call_map = meta.map;
		/* the index check of rewrite_insn() must know the one array */
		if (in->imm == BPF_FUNC_tail_call &&
		    (info->flags & I_MAPS_DIFFER))
			return reject(env, -EINVAL,
				      "tail call with other program arrays on other paths");
	}
	if (fn == &ebpf_skb_load_bytes_proto)
		note_call_size(env, reg_at(env, BPF_REG_4));
	if (meta.map && !map_fits_helper(meta.map->map_type, in->imm))
		return reject(env, -EINVAL,
			      "map %s (type %u) cannot be used with %s",
			      meta.map->name, meta.map->map_type,
			      helper_name(in->imm));
	if (in->imm == BPF_FUNC_get_prandom_u32)
		bpf_user_rnd_init_once();

	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		env->cur->regs[k] = (struct reg){};
	switch (KIND_OF(fn->ret_type)) {
	case RET_INTEGER:
		reg_unknown(reg_at(env, BPF_REG_0));
		break;
	case RET_VOID:
		*reg_at(env, BPF_REG_0) = (struct reg){};
		break;
	case RET_PTR_TO_MAP_VALUE:
		reg_pointer(reg_at(env, BPF_REG_0), K_VALUE_OR_NULL, meta.map);
		reg_at(env, BPF_REG_0)->id = new_id(env);
		break;
	default:
		return reject(env, -EBPF_UNSUPPORTED, "helper return kind %u",
			      fn->ret_type);
	}
	return 0;
}

/* ---- pass 2: bpf-to-bpf calls ------------------------------------------ */

/*
 * A call to a function of the program: a new frame, with its own stack
 * and the caller's r6-r9 kept aside; the function gets r1-r5 as they are
 * (the caller's stack pointers included) and nothing else.
 */
static int do_subprog_call(struct env *env, const struct bpf_insn *in)
{
	struct state *st = env->cur;
	u32 target = env->insn + in->imm + 1;
	struct frame *frames, *fr;
	int k;

	if (st->depth == MAX_FRAMES)
		return reject(env, -E2BIG,
			      "the call stack of %d frames is too deep",
			      st->depth + 1);
	frames = krealloc_array(st->frames, st->depth + 1, sizeof(*frames),
				GFP_KERNEL_ACCOUNT);
	if (!frames)
		return -ENOMEM;
	st->frames = frames;
	fr = &frames[st->depth];
	*fr = (struct frame){
		.subprog = subprog_at(env, target),
		.callsite = env->insn,
	};
	for (k = 0; k < ARRAY_SIZE(fr->saved); k++) {
		fr->saved[k] = st->regs[BPF_REG_6 + k];
		st->regs[BPF_REG_6 + k] = (struct reg){};
	}
	st->regs[BPF_REG_0] = (struct reg){};
	reg_pointer(&st->regs[BPF_REG_FP], K_STACK, NULL);
	st->regs[BPF_REG_FP].frame = st->depth++;
	env->insn = target;
	return 0;
}

/*
 * Back from a called function: r0 is its result, r1-r5 are gone, r6-r9
 * are the caller's again. A pointer to the stack that is going away may
 * not come back; as 6.1, nor may any other stack pointer.
 */
static int do_subprog_exit(struct env *env)
{
	struct state *st = env->cur;
	struct frame *fr = &st->frames[st->depth - 1];
	int k;

	if (st->regs[BPF_REG_0].kind == K_STACK)
		return reject(env, -EINVAL,
			      "R0: a function may not return a stack pointer");
	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		st->regs[k] = (struct reg){};
	for (k = 0; k < ARRAY_SIZE(fr->saved); k++)
		st->regs[BPF_REG_6 + k] = fr->saved[k];
	reg_pointer(&st->regs[BPF_REG_FP], K_STACK, NULL);
	st->regs[BPF_REG_FP].frame = st->depth - 2;
	env->insn = fr->callsite + 1;
	kvfree(fr->slots);
	st->depth--;
	return 0;
}

/* ---- pass 2: the rest of the instructions --------------------------- */

static int do_ld(struct env *env, const struct bpf_insn *in)
{
	struct reg *d = reg_at(env, in->dst_reg);
	const struct reg *ctx = reg_at(env, BPF_REG_6);
	int k, err;

	if (is_ldimm64(in)) {
		err = check_write(env, in->dst_reg);
		if (err)
			return err;
		if (in->src_reg == BPF_PSEUDO_MAP_FD) {
			reg_pointer(d, K_MAP,
				    env->maps[env->info[env->insn].map]);
		} else if (in->src_reg == BPF_PSEUDO_MAP_VALUE) {
			reg_pointer(d, K_VALUE,
				    env->maps[env->info[env->insn].map]);
			d->v = vals_const((u32)in[1].imm);
		} else {
			reg_scalar(d, vals_const((u64)(u32)in[1].imm << 32 |
						 (u32)in->imm));
		}
		env->insn += 2;
		return 0;
	}

	/* packet loads: the skb is R6, R1-R5 are clobbered, R0 the value */
	err = check_read(env, BPF_REG_6);
	if (err)
		return err;
	if (ctx->kind != K_CTX)
		return reject(env, -EINVAL,
			      "packet loads need the context in R6, not a %s",
			      kind_names[ctx->kind]);
	if (!vals_is_zero(&ctx->v))
		return reject(env, -EACCES,
			      "packet loads need the context in R6 unmoved");
	if (BPF_MODE(in->code) == BPF_IND) {
		err = check_read(env, in->src_reg);
		if (err)
			return err;
	}
	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		env->cur->regs[k] = (struct reg){};
	reg_scalar(reg_at(env, BPF_REG_0),
		   vals_of_size(bpf_size_to_bytes(BPF_SIZE(in->code))));
	env->insn++;
	return 0;
}

static int do_exit_insn(struct env *env)
{
	/* a function's R0 may be unset (void): its caller may not read it */
	if (env->cur->depth > 1)
		return do_subprog_exit(env);
	if (reg_at(env, BPF_REG_0)->kind == K_NONE)
		return reject(env, -EACCES, "R0 is not set at exit");
	return check_no_leak(env, BPF_REG_0, "as the return value") ?: 1;
}

/*
 * Execute instruction env->insn on env->cur: 0 and env->insn set to the
 * next one, 1 if the path ends here, or an error. The instruction fills
 * in @step, what precision tracking must know of it, for the path's
 * trail; a jump also gives it to the side it forks (fork_path()).
 */
static int step(struct env *env, struct step *step)
{
	const struct bpf_insn *in = &env->insns[env->insn];
	int err;

	err = check_fields(env, in);
	if (err)
		return err;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		err = do_alu(env, in);
		break;
	case BPF_LDX:
		err = do_load(env, in, step);
		break;
	case BPF_ST:
		err = do_store(env, in, step);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			err = do_atomic(env, in, step);
		else
			err = do_store(env, in, step);
		break;
	case BPF_LD:
		return do_ld(env, in);
	default:
		switch (BPF_OP(in->code)) {
		case BPF_EXIT:
			return do_exit_insn(env);
		case BPF_JA:
			env->insn = jump_target(in, env->insn);
			return 0;
		case BPF_CALL:
			if (is_subprog_call(in))
				return do_subprog_call(env, in);
			err = do_call(env, in);
			break;
		default:
			return do_branch(env, in, step);
		}
	}
	if (!err)
		env->insn++;
	return err;
}

/* ---- pass 2: checkpoints -------------------------------------------- */

/* Which ids of an old state correspond to which ids of the current one. */
struct idmap {
	u32 n;
	struct {
		u32 old, cur;
	} pair[MAX_BPF_REG + MAX_SLOTS];
};

/* Ids must correspond one to one: links the old state relied on hold. */
static bool ids_match(struct idmap *m, u32 old, u32 cur)
{
	u32 i;

	if (!old)
		return true;
	if (!cur)
		return false;
	for (i = 0; i < m->n; i++) {
		if (m->pair[i].old == old)
			return m->pair[i].cur == cur;
		if (m->pair[i].cur == cur)
			return false;
	}
	if (m->n == ARRAY_SIZE(m->pair))
		return false;
	m->pair[m->n].old = old;
	m->pair[m->n++].cur = cur;
	return true;
}

/*
 * Does old include cur: is every continuation that was safe from @old
 * safe from @cur too? With @exact, are they the same?
 */
static bool reg_covers(const struct env *env, const struct reg *old,
		       const struct reg *cur, struct idmap *ids, bool exact)
{
	if (old->kind == K_NONE && !exact)
		return true;	/* the old paths never read it */
	if (old->kind != cur->kind)
		return false;
	switch (old->kind) {
	case K_NONE:
		return true;
	case K_SCALAR:
		if (!ids_match(ids, old->id, cur->id))
			return false;
		if (exact)
			return !memcmp(&old->v, &cur->v, sizeof(old->v));
		/* no check after the checkpoint depended on its value */
		if (!old->precise && env->precision)
			return true;
		return vals_in(&cur->v, &old->v);
	case K_MAP:
		return old->map == cur->map;
	case K_STACK:
		if (old->frame != cur->frame)
			return false;
		break;
	case K_VALUE_OR_NULL:
		if (!ids_match(ids, old->id, cur->id))
			return false;
		fallthrough;
	case K_VALUE:
		if (old->map != cur->map)
			return false;
		break;
	}
	if (exact)
		return !memcmp(&old->v, &cur->v, sizeof(old->v));
	return vals_in(&cur->v, &old->v);
}

static u8 byte_at(const struct frame *fr, u32 slot, int b)
{
	return slot < fr->nslots ? fr->slots[slot].bytes[b] : B_INVALID;
}

static bool stack_covers(const struct env *env, const struct frame *old,
			 const struct frame *cur, struct idmap *ids, bool exact)
{
	u32 i, n = max(old->nslots, cur->nslots);
	int b;

	for (i = 0; i < n; i++) {
		const struct slot *o = i < old->nslots ? &old->slots[i] : NULL;
		const struct slot *c = i < cur->nslots ? &cur->slots[i] : NULL;

		if (exact && !o && c && memchr_inv(c->bytes, B_INVALID,
						   SLOT_SIZE))
			return false;
		if (!o)
			continue;
		if (o->bytes[0] == B_SPILL) {
			if (!c || spill_size(c) != spill_size(o) ||
			    !reg_covers(env, &o->spill, &c->spill, ids, exact))
				return false;
		}
		for (b = 0; b < SLOT_SIZE; b++) {
			u8 ob = o->bytes[b], cb = byte_at(cur, i, b);

			if (ob == cb || (ob == B_INVALID && !exact))
				continue;
			/* privileged programs read unwritten stack as data */
			if (ob == B_MISC && !exact && env->leaks_ok)
				continue;
			if (exact || ob == B_ZERO || ob == B_SPILL)
				return false;
			/* old: some data; cur: zero, data or a spilled scalar */
			if (cb == B_INVALID || (cb == B_SPILL && slot_has_ptr(c)))
				return false;
		}
	}
	return true;
}

/*
 * The callers' frames must match whole: the same calls to return from,
 * and stacks and r6-r9 that include the current ones. Only the running
 * function's registers have liveness to go by.
 */
static bool state_covers(struct env *env, const struct state *old,
			 const struct state *cur, u32 insn, bool exact)
{
	u16 live = env->info[insn].live;
	struct idmap ids;
	u32 f;
	int i;

	/* what holds under speculation need not hold for real paths */
	if (old->speculative && !cur->speculative)
		return false;
	if (old->depth != cur->depth)
		return false;
	ids.n = 0;
	for (i = 0; i < MAX_BPF_REG; i++)
		if ((live & BIT(i)) &&
		    !reg_covers(env, &old->regs[i], &cur->regs[i], &ids, exact))
			return false;
	for (f = 0; f < old->depth; f++) {
		const struct frame *o = &old->frames[f], *c = &cur->frames[f];

		if (o->callsite != c->callsite)
			return false;
		for (i = 0; f && i < ARRAY_SIZE(o->saved); i++)
			if (!reg_covers(env, &o->saved[i], &c->saved[i], &ids,
					exact))
				return false;
		if (!stack_covers(env, o, c, &ids, exact))
			return false;
	}
	return true;
}

static void checkpoint_free(struct env *env, struct checkpoint *cp)
{
	env->cp_bytes -= sizeof(*cp) + frames_size(&cp->st);
	env->checkpoints--;
	hlist_del_init(&cp->node);
	frames_free(cp->st.frames, cp->st.depth);
	kvfree(cp->st.trail);
	kfree(cp);
}

/* The current state becomes a checkpoint at @insn, taking its trail. */
static int add_checkpoint(struct env *env, u32 insn)
{
	struct state *cur = env->cur;
	struct checkpoint *cp;

	cp = kzalloc(sizeof(*cp), GFP_KERNEL_ACCOUNT);
	if (!cp)
		return -ENOMEM;
	cp->st = *cur;
	cp->st.frames = frames_dup(cur->frames, cur->depth);
	if (!cp->st.frames) {
		kfree(cp);
		return -ENOMEM;
	}
	cp->insn = insn;
	cp->live = 1;
	cp->parent = cur->parent;
	cur->parent = cp;
	cur->trail = NULL;
	cur->trail_len = 0;
	cur->trail_cap = 0;
	hlist_add_head(&cp->node, &env->open[insn]);
	env->cp_bytes += sizeof(*cp) + frames_size(&cp->st);
	env->checkpoints++;
	env->peak_checkpoints = max(env->peak_checkpoints, env->checkpoints);
	return 0;
}

/* A path ended: its checkpoints may now be proven safe. */
static void path_done(struct env *env, struct state *st)
{
	struct checkpoint *cp = st->parent;

	struct checkpoint *parent;

	while (cp && !--cp->live) {
		parent = cp->parent;
		if (cp->parked) {
			checkpoint_free(env, cp);
		} else {
			hlist_del(&cp->node);
			hlist_add_head(&cp->node, &env->done[cp->insn]);
			kvfree(cp->st.trail);
			cp->st.trail = NULL;
			cp->st.trail_len = 0;
		}
		cp = parent;
	}
	state_free(st);
}

/*
 * This path is as safe as @old's because @old's precise values hold
 * here too: the checkpoints before it must keep them precise as well.
 */
static void keep_precise(struct env *env, const struct state *old, u32 insn)
{
	struct wanted w = { .frame = old->depth - 1 };
	u16 live = env->info[insn].live;
	const struct frame *fr;
	const struct reg *r;
	u32 f, i;

	for (i = 0; i < MAX_BPF_REG; i++) {
		r = &old->regs[i];
		if ((live & BIT(i)) && r->kind == K_SCALAR && r->precise)
			w.regs[w.frame] |= BIT(i);
	}
	for (f = 0; f < old->depth; f++) {
		fr = &old->frames[f];
		for (i = 0; f && i < ARRAY_SIZE(fr->saved); i++) {
			r = &fr->saved[i];
			if (r->kind == K_SCALAR && r->precise)
				w.regs[f - 1] |= BIT(BPF_REG_6 + i);
		}
		for (i = 0; i < fr->nslots; i++) {
			r = &fr->slots[i].spill;
			if ((fr->slots[i].bytes[0] == B_SPILL &&
			     r->kind == K_SCALAR && r->precise) ||
			    slot_has_zero(&fr->slots[i]))
				w.slots[f] |= BIT_ULL(i);
		}
	}
	make_precise_wanted(env, &w);
}

/*
 * How visit() keeps the lists of checkpoints short. An open checkpoint
 * that the path missed OPEN_MISSES times belongs to an earlier iteration
 * of a loop the path is still in: later iterations seldom match it, so
 * it is parked (kept for the path's precision, no longer compared). A
 * proven checkpoint is dropped once it has missed DONE_MISSES times and
 * more than DONE_MISSES_PER_HIT times per hit: comparing against it costs
 * more than the paths it stops save. In a loop, a new checkpoint is made
 * only every LOOP_CHECKPOINT_STEPS instructions of the path, since one
 * iteration's state seldom includes the next's and each costs memory.
 * The numbers only trade time for memory: any value is safe.
 */
#define OPEN_MISSES		8
#define DONE_MISSES		64
#define DONE_MISSES_PER_HIT	8
#define LOOP_CHECKPOINT_STEPS	64

/*
 * At a meeting point: stop if a proven checkpoint includes this state,
 * refuse an infinite loop, otherwise keep the state as a checkpoint.
 * Returns 1 to stop the path.
 */
static int visit(struct env *env, u32 insn)
{
	struct checkpoint *cp;
	struct hlist_node *tmp;
	bool looping = false;

	hlist_for_each_entry_safe(cp, tmp, &env->open[insn], node) {
		/* an open checkpoint here is on this very path: a loop */
		looping = true;
		if (state_covers(env, &cp->st, env->cur, insn, true))
			return reject(env, -EINVAL,
				      "infinite loop: the state at %u repeats",
				      insn);
		/* an old iteration: keep it for the path, stop comparing */
		if (++cp->misses > OPEN_MISSES) {
			hlist_del(&cp->node);
			hlist_add_head(&cp->node, &env->parked);
			cp->parked = true;
		}
	}
	hlist_for_each_entry_safe(cp, tmp, &env->done[insn], node) {
		if (state_covers(env, &cp->st, env->cur, insn, false)) {
			cp->hits++;
			keep_precise(env, &cp->st, insn);
			return 1;
		}
		/* keep the list short: drop checkpoints that seldom help */
		if (++cp->misses > DONE_MISSES &&
		    cp->misses > DONE_MISSES_PER_HIT * cp->hits)
			checkpoint_free(env, cp);
	}
	if (env->cp_bytes > MAX_CHECKPOINT_BYTES)
		return 0;
	/* in a loop, one iteration's state seldom helps the next */
	if (looping && env->cur->trail_len < LOOP_CHECKPOINT_STEPS)
		return 0;
	return add_checkpoint(env, insn);
}

/* ---- pass 2: exploring every path ----------------------------------- */

/* The path that led to the current instruction, for the log. */
static void vlog_path(struct env *env)
{
	const u32 keep = 256;
	struct checkpoint *cp;
	u32 total = env->cur->trail_len, skip, n = 0, i;
	const struct state **chain;
	int depth = 0, d;

	for (cp = env->cur->parent; cp; cp = cp->parent) {
		total += cp->st.trail_len;
		depth++;
	}
	chain = kvmalloc_array(depth + 1, sizeof(*chain), GFP_KERNEL);
	if (!chain)
		return;
	chain[depth] = env->cur;
	for (cp = env->cur->parent, d = depth - 1; cp; cp = cp->parent)
		chain[d--] = &cp->st;

	skip = total > keep ? total - keep : 0;
	if (skip)
		vlog(env, "... %u earlier instructions on this path\n", skip);
	for (d = 0; d <= depth; d++) {
		for (i = 0; i < chain[d]->trail_len; i++, n++)
			if (n >= skip)
				vlog_insn(env, chain[d]->trail[i].insn);
	}
	kvfree(chain);
}

static void vlog_written(struct env *env, u32 insn)
{
	const struct bpf_insn *in = &env->insns[insn];
	u16 use, def;
	int i;

	insn_regs(env, insn, &use, &def);
	if (BPF_CLASS(in->code) == BPF_JMP && BPF_OP(in->code) == BPF_CALL)
		def = R(0);
	for (i = 0; i < MAX_BPF_REG; i++)
		if ((def & BIT(i)) && env->cur->regs[i].kind != K_NONE)
			vlog_reg(env, i, &env->cur->regs[i]);
	vlog(env, "\n");
}

static int explore(struct env *env)
{
	struct pending next;
	struct step facts;
	u32 insn;
	int err;

	for (;;) {
		insn = env->insn;
		if (env->info[insn].flags & I_PRUNE) {
			err = visit(env, insn);
			if (err < 0)
				return err;
			if (err) {
				if (env->log.level & LOG_EVERY)
					vlog(env, "%u: safe: an explored state includes this one\n",
					     insn);
				goto path_end;
			}
		}
		if (++env->processed > BPF_COMPLEXITY_LIMIT_INSNS)
			return reject(env, -E2BIG,
				      "the program is too complex: more than %u instructions processed",
				      BPF_COMPLEXITY_LIMIT_INSNS);
		if (signal_pending(current))
			return -EAGAIN;
		cond_resched();

		env->info[insn].flags |= I_SEEN;
		facts = (struct step){ .insn = insn, .slot = STEP_NO_SLOT };
		err = step(env, &facts);
		if (err < 0)
			return err;
		if (trail_add(env->cur, facts))
			return -ENOMEM;
		if (env->log.level & LOG_EVERY) {
			char buf[96];

			insn_str(env, insn, buf, sizeof(buf));
			vlog(env, "%u: %-40s;", insn, buf);
			vlog_written(env, insn);
		}
		if (!err)
			continue;
path_end:
		path_done(env, env->cur);
		env->cur = NULL;
		if (!env->npending)
			return 0;
		next = env->pending[--env->npending];
		env->cur = next.st;
		env->insn = next.insn;
		if (env->log.level & LOG_EVERY) {
			vlog(env, "%u: from a branch:", next.insn);
			vlog_state(env, env->cur);
		}
	}
}

/* ---- pass 3: rewrite ------------------------------------------------ */

/*
 * The most instructions one instruction becomes: a bpf_skb_load_bytes()
 * of LOAD_BYTES_INLINE_MAX bytes, hardened (rewrite_skb_load_bytes()).
 */
#define REWRITE_MAX	32
/* The longest bpf_skb_load_bytes() done in place: 8 words. */
#define LOAD_BYTES_INLINE_MAX	64
static_assert(EBPF_CTX_PATCH_MAX + 2 <= REWRITE_MAX);

/*
 * A lookup in the one array of every path is done in place: the bounds
 * check, the value's address from the map's, in R1. Where speculation
 * is hardened, a mask keeps the index in the array even where the check
 * is mispredicted: (index - max_entries) >> 63 is all ones only for an
 * index below max_entries.
 */
static int rewrite_array_lookup(const struct bpf_map *map, bool harden,
				struct bpf_insn *out)
{
	u32 size = container_of(map, struct bpf_array, map)->elem_size;
	int n = 0, to_null;

	out[n++] = BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0);
	to_null = n;
	out[n++] = BPF_JMP_IMM(BPF_JGE, BPF_REG_0, map->max_entries, 0);
	if (harden) {
		out[n++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_0);
		out[n++] = BPF_ALU64_IMM(BPF_SUB, BPF_REG_2, map->max_entries);
		out[n++] = BPF_ALU64_IMM(BPF_ARSH, BPF_REG_2, 63);
		out[n++] = BPF_ALU64_REG(BPF_AND, BPF_REG_0, BPF_REG_2);
	}
	out[n++] = is_power_of_2(size) ?
		   BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, ilog2(size)) :
		   BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, size);
	out[n++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1);
	out[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0,
				 offsetof(struct bpf_array, value) -
				 offsetof(struct bpf_array, map));
	out[n++] = BPF_JMP_A(1);
	out[to_null].off = n - to_null - 1;
	out[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	return n;
}

/*
 * Which lookups rewrite_array_lookup() does: an array's whose bounds
 * and value size its immediates hold.
 */
static bool array_lookup_inline(const struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_ARRAY &&
	       map->max_entries <= S32_MAX &&
	       container_of(map, struct bpf_array, map)->elem_size <= S32_MAX;
}

/* A context access becomes an access to the kernel object. */
static int rewrite_ctx(struct env *env, const struct bpf_insn *in,
		       const struct insn_info *info, struct bpf_insn *out)
{
	int size = bpf_size_to_bytes(BPF_SIZE(in->code));
	u32 field = info->ctx_field, field_off = round_down(in->off, field);
	struct bpf_insn whole = *in;
	int n, shift;

	if (!env->type->ctx_convert) {
		out[0] = *in;
		return 1;
	}
	whole.code = BPF_CLASS(in->code) | BPF_MODE(in->code) |
		     bytes_to_bpf_size(field);
	whole.off = field_off;
	n = env->type->ctx_convert(&whole, field_off, out, env->prog);
	if (size < field) {
		/* a narrow read: the right bytes of the whole field */
		shift = (in->off - field_off) * 8;
		if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))
			shift = (field - size) * 8 - shift;
		if (shift)
			out[n++] = BPF_ALU32_IMM(BPF_RSH, in->dst_reg, shift);
		out[n++] = BPF_ALU32_IMM(BPF_AND, in->dst_reg,
					 GENMASK(size * 8 - 1, 0));
	}
	return n;
}

/*
 * Appends to @out[0..@n) the test that @size bytes at the offset in @off
 * (zero-extended) lie in the packet's linear part; returns the new
 * length. *@to_slow is the index of its jump, whose target, the slow
 * path, the caller fills in. Past the test @off holds the bytes'
 * address. Where speculation is hardened, the offset is masked so that
 * a mispredicted test reads nothing past the linear part: (off - limit)
 * >> 63 is all ones only below the limit. @lim and @tmp are scratch.
 */
static int emit_linear_test(struct bpf_insn *out, int n, u8 skb, u8 off,
			    u8 lim, u8 tmp, u32 size, bool harden,
			    int *to_slow)
{
	/* lim: the first offset a read of size bytes cannot start at */
	out[n++] = BPF_LDX_MEM(BPF_W, lim, skb, offsetof(struct sk_buff, len));
	out[n++] = BPF_LDX_MEM(BPF_W, tmp, skb,
			       offsetof(struct sk_buff, data_len));
	out[n++] = BPF_ALU64_REG(BPF_SUB, lim, tmp);
	if (size > 1)
		out[n++] = BPF_ALU64_IMM(BPF_SUB, lim, size - 1);
	*to_slow = n;
	out[n++] = BPF_JMP_REG(BPF_JSGE, off, lim, 0);
	if (harden) {
		out[n++] = BPF_MOV64_REG(tmp, off);
		out[n++] = BPF_ALU64_REG(BPF_SUB, tmp, lim);
		out[n++] = BPF_ALU64_IMM(BPF_ARSH, tmp, 63);
		out[n++] = BPF_ALU64_REG(BPF_AND, off, tmp);
	}
	out[n++] = BPF_LDX_MEM(BPF_DW, tmp, skb, offsetof(struct sk_buff, data));
	out[n++] = BPF_ALU64_REG(BPF_ADD, off, tmp);
	return n;
}

/*
 * BPF_LD_ABS and BPF_LD_IND: the packet's bytes at the offset, in network
 * order. In the linear part of the packet, a load from skb->data;
 * elsewhere (paged data, classic BPF's negative SKF_* offsets),
 * ebpf_skb_load(). A failed load ends the program with 0.
 */
static int rewrite_ld_abs(const struct bpf_insn *in, bool harden,
			  struct bpf_insn *out)
{
	u32 size = bpf_size_to_bytes(BPF_SIZE(in->code));
	int n = 0, to_slow, over_slow = -1;

	if (BPF_MODE(in->code) == BPF_IND) {
		out[n++] = BPF_MOV32_REG(BPF_REG_2, in->src_reg);
		if (in->imm)
			out[n++] = BPF_ALU32_IMM(BPF_ADD, BPF_REG_2, in->imm);
	} else {
		out[n++] = BPF_MOV32_IMM(BPF_REG_2, in->imm);
	}
	if (IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS)) {
		n = emit_linear_test(out, n, BPF_REG_6, BPF_REG_2, BPF_REG_3,
				     BPF_REG_4, size, harden, &to_slow);
		out[n++] = BPF_LDX_MEM(BPF_SIZE(in->code), BPF_REG_0,
				       BPF_REG_2, 0);
		if (size > 1)
			out[n++] = BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, size * 8);
		over_slow = n;
		out[n++] = BPF_JMP_A(0);
		out[to_slow].off = n - to_slow - 1;
	}
	out[n++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_6);
	out[n++] = BPF_MOV64_IMM(BPF_REG_3, size);
	out[n++] = BPF_EMIT_CALL(ebpf_skb_load);
	out[n++] = BPF_JMP_IMM(BPF_JSGE, BPF_REG_0, 0, 2);
	out[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	out[n++] = BPF_EXIT_INSN();
	if (over_slow >= 0)
		out[over_slow].off = n - over_slow - 1;
	return n;
}

/*
 * bpf_skb_load_bytes(skb, off, to, size) with the same size on every
 * path: bytes in the linear part are copied in place, in words of 8
 * (of 4, 2 or 1 for fewer bytes), the last word overlapping the one
 * before it where the size is not a multiple of the word; other bytes,
 * and any failure, are left to the helper. R1-R5 are the call's to
 * clobber. Only in programs for the JIT: the interpreter runs the
 * helper's memcpy() faster than the instructions that replace it.
 */
static int rewrite_skb_load_bytes(u32 size, bool harden, const void *helper,
				  struct bpf_insn *out)
{
	u32 word = size >= 8 ? 8 : rounddown_pow_of_two(size), at = 0;
	int n = 0, to_slow, over_slow;

	/* the helper takes the offset as a u32 */
	out[n++] = BPF_MOV32_REG(BPF_REG_2, BPF_REG_2);
	n = emit_linear_test(out, n, BPF_REG_1, BPF_REG_2, BPF_REG_4, BPF_REG_5,
			     size, harden, &to_slow);
	for (;;) {
		out[n++] = BPF_LDX_MEM(bytes_to_bpf_size(word), BPF_REG_4,
				       BPF_REG_2, at);
		out[n++] = BPF_STX_MEM(bytes_to_bpf_size(word), BPF_REG_3,
				       BPF_REG_4, at);
		if (at + word == size)
			break;
		at = min(at + word, size - word);
	}
	out[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	over_slow = n;
	out[n++] = BPF_JMP_A(0);
	out[to_slow].off = n - to_slow - 1;
	out[n++] = BPF_MOV64_IMM(BPF_REG_4, size);
	out[n++] = BPF_EMIT_CALL(helper);
	out[over_slow].off = n - over_slow - 1;
	return n;
}

/* Division by a register: x / 0 = 0 and x % 0 = x whatever the runtime. */
static int rewrite_div(const struct bpf_insn *in, struct bpf_insn *out)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	u8 s = in->src_reg, d = in->dst_reg;

	if (BPF_OP(in->code) == BPF_MOD && is64) {
		out[0] = BPF_JMP_IMM(BPF_JEQ, s, 0, 1);
		out[1] = *in;
		return 2;
	}
	out[0] = is64 ? BPF_JMP_IMM(BPF_JNE, s, 0, 2) :
			BPF_JMP32_IMM(BPF_JNE, s, 0, 2);
	out[1] = BPF_OP(in->code) == BPF_DIV ? BPF_MOV64_IMM(d, 0) :
					       BPF_MOV32_REG(d, d);
	out[2] = BPF_JMP_A(1);
	out[3] = *in;
	return 4;
}

/*
 * Unprivileged pointer arithmetic by a register: the offset is clamped
 * to [0, span] without a branch (as array_index_nospec() does), a
 * negative one as its opposite, so that no speculation can move the
 * pointer further than an architectural path could. A pointer and an
 * offset in registers the program may read again keep their values; AX
 * is the runtime's scratch register.
 */
static int rewrite_ptr_alu(const struct bpf_insn *in,
			   const struct insn_info *info, struct bpf_insn *out)
{
	bool ptr_dst = info->alu_kind & ALU_PTR_DST;
	bool neg = info->alu_kind & ALU_NEG;
	u8 base = ptr_dst ? in->dst_reg : in->src_reg;
	u8 by = ptr_dst ? in->src_reg : in->dst_reg;
	u8 op = BPF_OP(in->code);
	u32 span = info->alu_span;
	int n = 0;

	if (neg)
		op = op == BPF_ADD ? BPF_SUB : BPF_ADD;
	if (info->alu_kind & ALU_CONST) {
		/* the same number on every path: it needs no register */
		out[n++] = BPF_MOV32_IMM(BPF_REG_AX, span);
	} else {
		if (neg)
			out[n++] = BPF_ALU64_IMM(BPF_NEG, by, 0);
		/* AX = ~(by | (span - by)) >> 63 (arithmetic): all ones or 0 */
		out[n++] = BPF_MOV32_IMM(BPF_REG_AX, span);
		out[n++] = BPF_ALU64_REG(BPF_SUB, BPF_REG_AX, by);
		out[n++] = BPF_ALU64_REG(BPF_OR, BPF_REG_AX, by);
		out[n++] = BPF_ALU64_IMM(BPF_XOR, BPF_REG_AX, -1);
		out[n++] = BPF_ALU64_IMM(BPF_ARSH, BPF_REG_AX, 63);
		out[n++] = BPF_ALU64_REG(BPF_AND, BPF_REG_AX, by);
		if (neg && ptr_dst)
			out[n++] = BPF_ALU64_IMM(BPF_NEG, by, 0);
	}
	if (!ptr_dst)
		out[n++] = BPF_MOV64_REG(in->dst_reg, base);
	out[n++] = BPF_ALU64_REG(op, in->dst_reg, BPF_REG_AX);
	return n;
}

/* What instruction @i becomes; jumps keep their old offsets here. */
static int rewrite_insn(struct env *env, u32 i, struct bpf_insn *out)
{
	const struct bpf_insn *in = &env->insns[i];
	const struct insn_info *info = &env->info[i];
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	const struct bpf_func_proto *fn;

	if (!(info->flags & I_SEEN)) {
		/* no path gets here; should one, it ends the program */
		out[0] = BPF_MOV64_IMM(BPF_REG_0, 0);
		out[1] = BPF_EXIT_INSN();
		return 2;
	}
	if (is_ldimm64(in)) {
		out[0] = in[0];
		out[1] = in[1];
		if (in->src_reg == BPF_PSEUDO_MAP_FD ||
		    in->src_reg == BPF_PSEUDO_MAP_VALUE) {
			const struct bpf_map *map = env->maps[info->map];
			u64 addr = (unsigned long)map;

			/* checked by use_map_value(): it succeeds */
			if (in->src_reg == BPF_PSEUDO_MAP_VALUE) {
				map->ops->map_direct_value_addr(map, &addr,
								in[1].imm);
				addr += (u32)in[1].imm;
			}
			out[0].src_reg = 0;
			out[0].imm = (u32)addr;
			out[1].imm = addr >> 32;
		}
		return 2;
	}
	if ((cls == BPF_LDX || cls == BPF_STX || cls == BPF_ST) &&
	    (info->flags & I_CTX))
		return rewrite_ctx(env, in, info, out);
	if (cls == BPF_LD)
		return rewrite_ld_abs(in, !env->leaks_ok, out);
	if (is_helper_call(in)) {
		fn = helper(env, in->imm);
		/*
		 * A lookup in the one map of every path calls the map's own
		 * lookup, not the helper that finds it through the map: one
		 * indirect call less, as upstream.
		 */
		if (in->imm == BPF_FUNC_map_lookup_elem && info->call_map &&
		    !(info->flags & I_MAPS_DIFFER)) {
			if (array_lookup_inline(info->call_map))
				return rewrite_array_lookup(info->call_map,
							    !env->leaks_ok, out);
			out[0] = BPF_EMIT_CALL(info->call_map->ops->map_lookup_elem);
			return 1;
		}
		if (fn == &ebpf_skb_load_bytes_proto &&
		    env->prog->jit_requested &&
		    IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
		    !(info->flags & I_SIZES_DIFFER) && info->call_size &&
		    info->call_size <= LOAD_BYTES_INLINE_MAX)
			return rewrite_skb_load_bytes(info->call_size,
						      !env->leaks_ok, fn->func,
						      out);
		if (in->imm != BPF_FUNC_tail_call) {
			out[0] = BPF_EMIT_CALL(fn->func);
			return 1;
		}
		/*
		 * The programs it jumps to may write skb->cb, where the
		 * socket's own data is (an AF_UNIX skb's fds): the caller
		 * must save and restore it as if this program wrote it.
		 */
		env->prog->cb_access = 1;
		/*
		 * For unprivileged programs, as upstream: an index past the
		 * array, its upper half included, skips the call before any
		 * speculation can use it.
		 */
		if (!info->call_map) {
			out[0] = (struct bpf_insn){ .code = BPF_JMP | BPF_TAIL_CALL };
			return 1;
		}
		out[0] = BPF_JMP_IMM(BPF_JGE, BPF_REG_3, info->call_map->max_entries, 1);
		out[1] = (struct bpf_insn){ .code = BPF_JMP | BPF_TAIL_CALL };
		return 2;
	}
	if (is_subprog_call(in)) {
		/* the runtime's frame for the function: see rewrite() too */
		out[0] = *in;
		out[0].off = round_up(env->subprogs[subprog_at(env, i + in->imm + 1)].stack_depth,
				      SLOT_SIZE);
		return 1;
	}
	if ((cls == BPF_ALU || cls == BPF_ALU64) && BPF_SRC(in->code) == BPF_X &&
	    (op == BPF_DIV || op == BPF_MOD))
		return rewrite_div(in, out);
	if (info->alu_kind & ALU_PTR)
		return rewrite_ptr_alu(in, info, out);
	out[0] = *in;
	if (!(info->flags & I_NOSPEC))
		return 1;
	out[1] = BPF_ST_NOSPEC();
	return 2;
}

/*
 * The functions that run, for kallsyms and bpf_prog_info: each starts
 * where its first instruction went, its tag is of what was loaded. A
 * function no path calls is left in dead code, as its calls are.
 */
static struct ebpf_funcs *rewrite_funcs(struct env *env, const u32 *pos)
{
	const struct subprog *sp = env->subprogs;
	struct ebpf_funcs *funcs;
	struct ebpf_func *f;
	u32 k;

	funcs = kzalloc(struct_size(funcs, func, env->nsubprogs),
			GFP_KERNEL_ACCOUNT);
	if (!funcs)
		return NULL;
	for (k = 0; k < env->nsubprogs; k++) {
		if (!(env->info[sp[k].start].flags & I_SEEN))
			continue;
		f = &funcs->func[funcs->nr++];
		f->insn = pos[sp[k].start];
		ebpf_insns_tag(env->insns + sp[k].start,
			       sp[k + 1].start - sp[k].start, f->tag);
	}
	return funcs;
}

static int rewrite(struct env *env)
{
	struct ebpf_funcs *funcs = NULL;
	struct bpf_insn scratch[REWRITE_MAX], *insns;
	struct bpf_prog *prog;
	u32 *pos, i, len = 0;
	s64 off;
	int err = 0;

	pos = kvmalloc_array(env->len + 1, sizeof(*pos), GFP_KERNEL_ACCOUNT);
	if (!pos)
		return -ENOMEM;
	for (i = 0; i < env->len; i++) {
		pos[i] = len;
		if ((env->info[i].flags & I_IMM64_HI) &&
		    (env->info[i - 1].flags & I_SEEN))
			continue;
		len += rewrite_insn(env, i, scratch);
	}
	pos[env->len] = len;

	insns = kvmalloc_array(len, sizeof(*insns), GFP_KERNEL_ACCOUNT);
	if (!insns) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < env->len; i++) {
		if ((env->info[i].flags & I_IMM64_HI) &&
		    (env->info[i - 1].flags & I_SEEN))
			continue;
		rewrite_insn(env, i, insns + pos[i]);
		if (is_subprog_call(&env->insns[i]) &&
		    (env->info[i].flags & I_SEEN)) {
			insns[pos[i]].imm = pos[i + env->insns[i].imm + 1] -
					    pos[i] - 1;
			continue;
		}
		if (!is_jump(&env->insns[i]) || !(env->info[i].flags & I_SEEN))
			continue;
		/* gotol becomes goto where the offset fits */
		off = (s64)pos[jump_target(&env->insns[i], i)] - pos[i] - 1;
		if (insns[pos[i]].code == (BPF_JMP32 | BPF_JA) &&
		    off == (s16)off)
			insns[pos[i]] = BPF_JMP_A(off);
		else if (insns[pos[i]].code == (BPF_JMP32 | BPF_JA))
			insns[pos[i]].imm = off;
		else if (off == (s16)off)
			insns[pos[i]].off = off;
		else
			err = reject(env, -ERANGE,
				     "%u: the rewritten jump does not reach", i);
		if (err)
			goto out;
	}

	if (env->nsubprogs > 1) {
		funcs = rewrite_funcs(env, pos);
		if (!funcs) {
			err = -ENOMEM;
			goto out;
		}
	}

	prog = env->prog;
	if (len != prog->len) {
		prog = bpf_prog_realloc(prog, bpf_prog_size(len), GFP_USER);
		if (!prog) {
			err = -ENOMEM;
			goto out;
		}
		env->prog = prog;
		prog->len = len;
	}
	memcpy(prog->insnsi, insns, len * sizeof(*insns));
	/* one function that runs: no table, as for a program without calls */
	if (funcs && funcs->nr > 1)
		swap(prog->aux->funcs, funcs);
out:
	kfree(funcs);
	kvfree(insns);
	kvfree(pos);
	return err;
}

/* ---- the entry point -------------------------------------------------- */

static int log_init(struct env *env, const union bpf_attr *attr)
{
	struct vlog *log = &env->log;

	if (!attr->log_level && !attr->log_buf && !attr->log_size)
		return 0;
	if (!attr->log_level || !attr->log_buf || attr->log_size < 128 ||
	    attr->log_size > UINT_MAX >> 2 ||
	    attr->log_level & ~(LOG_PATH | LOG_EVERY | LOG_STATS))
		return -EINVAL;
	log->level = attr->log_level;
	log->buf = u64_to_user_ptr(attr->log_buf);
	log->size = attr->log_size;
	return 0;
}

static int check_shape(struct env *env)
{
	u32 i;
	int err;

	for (i = 0; i < env->len; i++) {
		err = check_opcode(env, i);
		if (err) {
			char msg[sizeof(env->err)];

			/* name the instruction if the message does not */
			strscpy(msg, env->err, sizeof(msg));
			if (!isdigit(msg[0]))
				snprintf(env->err, sizeof(env->err), "%u: %s",
					 i, msg);
			return err;
		}
		/* check_opcode() made sure the second half exists */
		if (is_ldimm64(&env->insns[i]))
			env->info[++i].flags |= I_IMM64_HI;
	}
	err = find_subprogs(env) ?: check_cfg(env);
	if (!err)
		compute_liveness(env);
	return err;
}

static void free_env(struct env *env)
{
	struct checkpoint *cp;
	struct hlist_node *tmp;
	u32 i;

	hlist_for_each_entry_safe(cp, tmp, &env->parked, node)
		checkpoint_free(env, cp);
	if (env->open) {
		for (i = 0; i < env->len; i++) {
			hlist_for_each_entry_safe(cp, tmp, &env->open[i], node)
				checkpoint_free(env, cp);
			hlist_for_each_entry_safe(cp, tmp, &env->done[i], node)
				checkpoint_free(env, cp);
		}
	}
	while (env->npending)
		state_free(env->pending[--env->npending].st);
	state_free(env->cur);
	kvfree(env->pending);
	kvfree(env->open);
	kvfree(env->done);
	kvfree(env->info);
	kvfree(env);
}

/*
 * As 6.1: every chain of calls the program may make, dead code included,
 * has at most MAX_FRAMES frames and at most MAX_BPF_STACK bytes of stack
 * in all, each function's counted in multiples of 32 bytes, at least 32.
 * Recursion was refused by check_cfg(), so the walk ends; a function
 * already walked from as deep a chain is not walked again.
 */
static int check_stack_depth(struct env *env, u32 k, u32 frames, u32 depth)
{
	struct subprog *sp = &env->subprogs[k];
	u32 i;
	int err;

	if (sp->walked && frames <= sp->walked_frames &&
	    depth <= sp->walked_depth)
		return 0;
	sp->walked = true;
	sp->walked_frames = max(sp->walked_frames, frames);
	sp->walked_depth = max(sp->walked_depth, depth);

	if (frames == MAX_FRAMES)
		return reject(env, -E2BIG,
			      "the call stack of %u frames is too deep", frames);
	depth += round_up(max(sp->stack_depth, 1U), 32);
	if (depth > MAX_BPF_STACK)
		return reject(env, -EACCES,
			      "%u frames use %u bytes of stack: more than %d",
			      frames + 1, depth, MAX_BPF_STACK);
	for (i = sp->start; i < sp[1].start; i++) {
		if (!is_subprog_call(&env->insns[i]) ||
		    (env->info[i].flags & I_IMM64_HI))
			continue;
		err = check_stack_depth(env, subprog_at(env, i + env->insns[i].imm + 1),
					frames + 1, depth);
		if (err)
			return err;
	}
	return 0;
}

static int verify(struct env *env)
{
	struct state *st;
	int err;

	env->info = kvcalloc(env->len, sizeof(*env->info), GFP_KERNEL_ACCOUNT);
	if (!env->info)
		return -ENOMEM;
	err = check_shape(env);
	if (err)
		return err;

	env->open = kvcalloc(env->len, sizeof(*env->open), GFP_KERNEL_ACCOUNT);
	env->done = kvcalloc(env->len, sizeof(*env->done), GFP_KERNEL_ACCOUNT);
	env->pending = kvcalloc(MAX_PENDING, sizeof(*env->pending),
				GFP_KERNEL_ACCOUNT);
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (st)
		st->frames = kzalloc(sizeof(*st->frames), GFP_KERNEL_ACCOUNT);
	if (!env->open || !env->done || !env->pending || !st || !st->frames) {
		state_free(st);
		return -ENOMEM;
	}
	st->depth = 1;
	reg_pointer(&st->regs[BPF_REG_1], K_CTX, NULL);
	reg_pointer(&st->regs[BPF_REG_FP], K_STACK, NULL);
	env->cur = st;
	env->insn = 0;
	err = explore(env);
	if (err && env->log.level && env->err[0]) {
		if (env->log.level & LOG_PATH)
			vlog_path(env);
		vlog(env, "%u: %s\n", env->insn, env->err);
		if (env->log.level & LOG_PATH) {
			vlog(env, "state at %u:", env->insn);
			vlog_state(env, env->cur);
		}
		env->err[0] = 0;
	}
	/* every path is explored: the stack each function needs is known */
	return err ?: check_stack_depth(env, 0, 0, 0);
}

int ebpf_verify(struct bpf_prog **pprog, const struct ebpf_prog_type *type,
		const union bpf_attr *attr)
{
	struct bpf_prog *prog = *pprog;
	struct bpf_prog_aux *aux = prog->aux;
	u64 start = ktime_get_ns();
	struct env *env;
	int err;

	env = kvzalloc(sizeof(*env), GFP_KERNEL_ACCOUNT);
	if (!env)
		return -ENOMEM;
	env->prog = prog;
	env->type = type;
	env->insns = prog->insnsi;
	env->len = prog->len;
	env->loops_ok = bpf_capable();
	env->spill_scalars = bpf_capable();
	env->precision = bpf_capable();
	env->leaks_ok = perfmon_capable();
	env->strict = attr->prog_flags & BPF_F_STRICT_ALIGNMENT ||
		      (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
		       !(attr->prog_flags & BPF_F_ANY_ALIGNMENT));

	err = log_init(env, attr);
	if (err)
		goto out;
	err = verify(env);
	if (err && env->err[0])
		vlog(env, "%s\n", env->err);
	if (!err)
		err = rewrite(env);
	vlog(env, "processed %u insns (limit %u), %u checkpoints, stack %u, %llu us\n",
	     env->processed, BPF_COMPLEXITY_LIMIT_INSNS,
	     env->peak_checkpoints, env->subprogs[0].stack_depth,
	     div_u64(ktime_get_ns() - start, NSEC_PER_USEC));
	if (env->log.level && (env->log.truncated ||
			       env->log.used >= env->log.size - 1))
		err = -ENOSPC;
	if (env->log.level && !env->log.buf)
		err = -EFAULT;
out:
	/* the program holds the maps, whatever happened */
	prog = env->prog;
	aux = prog->aux;
	if (env->nmaps) {
		aux->used_maps = kmemdup(env->maps,
					 env->nmaps * sizeof(env->maps[0]),
					 GFP_KERNEL_ACCOUNT);
		if (aux->used_maps) {
			aux->used_map_cnt = env->nmaps;
		} else {
			while (env->nmaps)
				map_put(env->maps[--env->nmaps]);
			err = -ENOMEM;
		}
	}
	aux->stack_depth = env->subprogs[0].stack_depth;
	aux->verified_insns = env->processed;
	*pprog = prog;
	free_env(env);
	return err;
}
