/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the verifier's files share: its limits, the abstract state of a
 * path (registers, stack slots, checkpoints), the per-instruction facts
 * and the verifier's environment, and the log (verifier_log.c).
 */
#ifndef _KERNEL_BPF_VERIFIER_H
#define _KERNEL_BPF_VERIFIER_H

#include <linux/bpf.h>
#include <linux/filter.h>

#include "ebpf.h"
#include "vals.h"

/* Offsets and sizes a pointer may ever carry, as upstream. */
#define MAX_VAR_OFF		((s64)BIT(29))
#define MAX_USED_MAPS		64
/* Paths waiting to be explored. */
#define MAX_PENDING		8192
/* Memory for checkpoints; beyond it no new ones are made. */
#define MAX_CHECKPOINT_BYTES	(64 << 20)
#define SLOT_SIZE		8
/* log_level bits, as in the uapi's description of the log */
#define LOG_PATH		BIT(0)	/* the failing path */
#define LOG_EVERY		BIT(1)	/* every instruction */
#define LOG_STATS		BIT(2)
/* the kind of an argument or return type, without its flags */
#define KIND_OF(t)		((t) & (BIT(BPF_BASE_TYPE_BITS) - 1))
#define MAX_SLOTS		(MAX_BPF_STACK / SLOT_SIZE)
/* bpf-to-bpf calls: frames on one path, functions in one program, as 6.1 */
#define MAX_FRAMES		8
#define MAX_SUBPROGS		256

/* ---- registers, stack and states --------------------------------------- */

enum kind {
	K_NONE,			/* not written on this path */
	K_SCALAR,
	K_CTX,			/* the program's context */
	K_STACK,		/* this program's stack, offset from R10 */
	K_MAP,			/* a map itself, from LD_IMM64 */
	K_VALUE,		/* an element of map */
	K_VALUE_OR_NULL,	/* that, or NULL, as lookups return */
};

extern const char * const kind_names[];

struct reg {
	u8 kind;
	/* a scalar some check depended on: checkpoints compare its value */
	bool precise;
	/* registers sharing a nonzero id hold copies of one value */
	u32 id;
	/* K_STACK: whose stack, the index of the frame in struct state */
	u8 frame;
	struct bpf_map *map;
	/* a scalar's value, a pointer's offset */
	struct vals v;
};

/* What each byte of the stack holds. */
enum {
	B_INVALID,		/* never written */
	B_MISC,			/* data of no known value */
	B_ZERO,			/* zero */
	B_SPILL,		/* part of the slot's spilled register */
};

/*
 * Eight bytes of stack. A register stored to the start of a slot is kept
 * as it was (a "spill"): its bytes are B_SPILL and a load of the same
 * size from there gives the register back.
 */
struct slot {
	u8 bytes[SLOT_SIZE];
	struct reg spill;
};

/*
 * One instruction of a path and what precision tracking must know of it:
 * the stack slot it accessed at a constant offset (frame * MAX_SLOTS +
 * index), or one of these.
 */
struct step {
	u32 insn;
	s32 slot;
};

#define STEP_NO_SLOT	(-1)
#define STEP_LINKED	(-2)	/* a jump that refined copies too: do_branch() */

struct checkpoint;

/*
 * The stack of one function call on the path. A called function's frame
 * also keeps where it returns to and its caller's r6-r9, which the call
 * preserves; the running function's registers are the state's own.
 */
struct frame {
	/* slots[i] holds fp-8*(i+1) .. fp-8*i-1; deeper ones never written */
	u32 nslots;
	struct slot *slots;
	u32 subprog;		/* the function running in this frame */
	u32 callsite;		/* the call instruction (not for frame 0) */
	struct reg saved[4];	/* the caller's r6-r9 */
};

struct state {
	struct reg regs[MAX_BPF_REG];
	/* frames[depth - 1] is the running function's */
	u32 depth;
	struct frame *frames;
	/* the path: the last checkpoint on it, and the steps since */
	struct checkpoint *parent;
	struct step *trail;
	u32 trail_len, trail_cap;
	/* a side of a jump only speculative execution takes */
	bool speculative;
};

/*
 * A state kept at a meeting point. live counts the paths from here that
 * are still being verified; at 0 every continuation is proven safe and
 * the checkpoint moves to its instruction's done list.
 */
struct checkpoint {
	struct hlist_node node;
	struct checkpoint *parent;
	u32 insn;
	u32 live;
	u32 hits, misses;
	bool parked;		/* open, but no longer compared against */
	struct state st;
};

struct pending {
	struct state *st;
	u32 insn;
};

/* Per instruction facts. */
enum {
	I_PRUNE = BIT(0),	/* paths meet here: keep checkpoints */
	I_SEEN = BIT(1),	/* some path executed it */
	I_CTX = BIT(2),		/* accesses the context */
	I_OTHER_MEM = BIT(3),	/* accesses other memory */
	I_NOSPEC = BIT(4),	/* a store a later load must not bypass */
	I_IMM64_HI = BIT(5),	/* the second half of a 64-bit immediate load */
	I_MAPS_DIFFER = BIT(6),	/* a map call: other paths, other maps */
	I_SIZES_DIFFER = BIT(7),	/* a call: other paths, other sizes */
};

/* How unprivileged pointer arithmetic moved a pointer: insn_info.alu_kind */
enum {
	ALU_PTR = BIT(0),	/* a pointer moved by a register */
	ALU_NEG = BIT(1),	/* by a negative offset: mask its opposite */
	ALU_CONST = BIT(2),	/* known on every path */
	ALU_PTR_DST = BIT(3),	/* the pointer is the destination */
	ALU_SCALAR = BIT(4),	/* only numbers: nothing to mask */
};

struct insn_info {
	u16 live;		/* registers read before written from here */
	u8 flags;
	u8 ctx_field;		/* context field size of a ctx access */
	u8 map;			/* LD_IMM64: index in used maps */
	/* unprivileged pointer arithmetic: how it moved the pointer */
	u8 alu_kind;
	u32 alu_span;
	/* bpf_skb_load_bytes(): its size, unless I_SIZES_DIFFER */
	u32 call_size;
	/*
	 * A tail call (unprivileged) or a map lookup: the map of every
	 * path, unless I_MAPS_DIFFER.
	 */
	struct bpf_map *call_map;
};

/* A function of the program: where it starts, how much stack it uses. */
struct subprog {
	u32 start;
	u32 stack_depth;
	/* the deepest chain of calls check_stack_depth() came from */
	bool walked;
	u32 walked_frames, walked_depth;
};

struct vlog {
	char __user *buf;
	u32 size, used, level;
	bool truncated;
};

struct env {
	struct bpf_prog *prog;
	const struct ebpf_prog_type *type;
	struct bpf_insn *insns;
	u32 len;
	struct insn_info *info;
	/*
	 * What the loader's privileges allow, each named for what it
	 * switches. CAP_BPF: back edges (loops_ok), keeping the values of
	 * scalars spilled to the stack (spill_scalars), comparing scalars
	 * at checkpoints only when precise (precision), as upstream.
	 * CAP_PERFMON: pointers seen as numbers, read of unwritten stack,
	 * no speculation hardening (leaks_ok). strict: check the alignment
	 * of every map value access.
	 */
	bool loops_ok, spill_scalars, precision, leaks_ok, strict;
	struct vlog log;
	char err[192];

	struct state *cur;
	u32 insn;
	struct pending *pending;
	u32 npending;
	struct hlist_head *open;	/* checkpoints still in progress */
	struct hlist_head *done;	/* and those proven safe */
	struct hlist_head parked;	/* open ones no longer searched */
	u64 cp_bytes;
	u32 checkpoints, peak_checkpoints;
	u32 processed, id_gen;
	/* the functions, by start; subprogs[nsubprogs].start is len */
	struct subprog subprogs[MAX_SUBPROGS + 1];
	u32 nsubprogs;

	struct bpf_map *maps[MAX_USED_MAPS];
	u32 nmaps;
};

/* Where the jump at @i goes: gotol (BPF_JMP32 | BPF_JA) has it in imm. */
static inline s64 jump_target(const struct bpf_insn *in, u32 i)
{
	if (in->code == (BPF_JMP32 | BPF_JA))
		return (s64)i + in->imm + 1;
	return (s64)i + in->off + 1;
}

/* ---- the log: verifier_log.c ------------------------------------------ */

extern const char alu_sym[16][4];
__printf(2, 3) void vlog(struct env *env, const char *fmt, ...);
__printf(3, 4) int reject(struct env *env, int err, const char *fmt, ...);
const char *helper_name(s32 id);
void insn_str(const struct env *env, u32 i, char *buf, size_t n);
void vlog_insn(struct env *env, u32 i);
void vlog_reg(struct env *env, int i, const struct reg *r);
void vlog_state(struct env *env, const struct state *st);

#endif /* _KERNEL_BPF_VERIFIER_H */
