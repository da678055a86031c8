// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's log: what it tells program authors, written to user
 * space as it goes, and the instructions, registers and states as
 * people write them.
 */
#include <linux/uaccess.h>

#include "verifier.h"

const char * const kind_names[] = {
	[K_NONE] = "uninitialized",
	[K_SCALAR] = "scalar",
	[K_CTX] = "ctx",
	[K_STACK] = "fp",
	[K_MAP] = "map_ptr",
	[K_VALUE] = "map_value",
	[K_VALUE_OR_NULL] = "map_value_or_null",
};

/* ---- the log ------------------------------------------------------------
 *
 * Written to user space as it goes, always NUL-terminated; what does not
 * fit is dropped and the load then fails with ENOSPC.
 */
__printf(2, 3) void vlog(struct env *env, const char *fmt, ...)
{
	struct vlog *log = &env->log;
	char line[256];
	va_list args;
	u32 n;

	if (!log->level || !log->buf || log->truncated)
		return;
	va_start(args, fmt);
	n = vscnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	if (n >= log->size - log->used) {
		n = log->size - log->used - 1;
		log->truncated = true;
	}
	line[n] = 0;
	if (copy_to_user(log->buf + log->used, line, n + 1))
		log->buf = NULL;	/* reported as EFAULT at the end */
	else
		log->used += n;
}

/* Note why the program is refused; the main loop prints it in context. */
__printf(3, 4) int reject(struct env *env, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vscnprintf(env->err, sizeof(env->err), fmt, args);
	va_end(args);
	return err;
}

#define HELPER_NAME(x) { BPF_FUNC_##x, #x }
static const struct {
	int id;
	const char *name;
} helper_names[] = {
	__BPF_FUNC_MAPPER(HELPER_NAME)
};

const char *helper_name(s32 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(helper_names); i++)
		if (helper_names[i].id == id)
			return helper_names[i].name;
	return "unknown";
}

/* Operators as C writes them, by BPF_OP() >> 4; "" for what is not one. */
const char alu_sym[16][4] = {
	"+", "-", "*", "/", "|", "&", "<<", ">>", "", "%", "^", "", "s>>",
};

static const char jmp_sym[16][4] = {
	"", "==", ">", ">=", "&", "!=", "s>", "s>=", "", "", "<", "<=", "s<",
	"s<=",
};

static const char *atomic_name(s32 imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD:
		return "add";
	case BPF_AND:
		return "and";
	case BPF_OR:
		return "or";
	case BPF_XOR:
		return "xor";
	}
	return imm == BPF_XCHG ? "xchg" : "cmpxchg";
}

/* The instruction at @i as people write it. */
void insn_str(const struct env *env, u32 i, char *buf, size_t n)
{
	const struct bpf_insn *in = &env->insns[i];
	u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	char sz[4];
	char r = cls == BPF_ALU || cls == BPF_JMP32 ? 'w' : 'r';
	char src[16];

	snprintf(sz, sizeof(sz), "u%d", bpf_size_to_bytes(BPF_SIZE(in->code)) * 8);
	if (BPF_SRC(in->code) == BPF_X)
		snprintf(src, sizeof(src), "%c%d", r, in->src_reg);
	else
		snprintf(src, sizeof(src), "%d", in->imm);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG)
			snprintf(buf, n, "%c%d = -%c%d", r, in->dst_reg, r,
				 in->dst_reg);
		else if (op == BPF_END)
			snprintf(buf, n, "r%d = %s%d r%d", in->dst_reg,
				 BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
				 in->imm, in->dst_reg);
		else
			snprintf(buf, n, "%c%d %s= %s", r, in->dst_reg,
				 op == BPF_MOV ? "" : alu_sym[op >> 4], src);
		break;
	case BPF_LDX:
		snprintf(buf, n, "r%d = *(%s *)(r%d %+d)", in->dst_reg, sz,
			 in->src_reg, in->off);
		break;
	case BPF_ST:
		snprintf(buf, n, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg,
			 in->off, in->imm);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) != BPF_ATOMIC)
			snprintf(buf, n, "*(%s *)(r%d %+d) = r%d", sz,
				 in->dst_reg, in->off, in->src_reg);
		else if (in->imm == BPF_CMPXCHG)
			snprintf(buf, n, "r0 = cmpxchg((%s *)(r%d %+d), r0, r%d)",
				 sz, in->dst_reg, in->off, in->src_reg);
		else if (in->imm & BPF_FETCH)
			snprintf(buf, n, "r%d = atomic_fetch_%s((%s *)(r%d %+d), r%d)",
				 in->src_reg, atomic_name(in->imm), sz,
				 in->dst_reg, in->off, in->src_reg);
		else
			snprintf(buf, n, "lock *(%s *)(r%d %+d) %s= r%d", sz,
				 in->dst_reg, in->off, alu_sym[in->imm >> 4],
				 in->src_reg);
		break;
	case BPF_LD:
		if (BPF_MODE(in->code) == BPF_ABS)
			snprintf(buf, n, "r0 = *(%s *)skb[%d]", sz, in->imm);
		else if (BPF_MODE(in->code) == BPF_IND)
			snprintf(buf, n, "r0 = *(%s *)skb[r%d + %d]", sz,
				 in->src_reg, in->imm);
		else if (in->src_reg == BPF_PSEUDO_MAP_FD)
			snprintf(buf, n, "r%d = map[fd %d]", in->dst_reg,
				 in->imm);
		else if (in->src_reg == BPF_PSEUDO_MAP_VALUE && i + 1 < env->len)
			snprintf(buf, n, "r%d = map[fd %d] value + %u",
				 in->dst_reg, in->imm, in[1].imm);
		else if (i + 1 < env->len)
			snprintf(buf, n, "r%d = %#llx ll", in->dst_reg,
				 (u64)(u32)in[1].imm << 32 | (u32)in->imm);
		else
			snprintf(buf, n, "r%d = ld_imm64", in->dst_reg);
		break;
	default:
		if (op == BPF_JA)
			snprintf(buf, n, "goto pc%+lld",
				 jump_target(in, i) - i - 1);
		else if (op == BPF_EXIT)
			snprintf(buf, n, "exit");
		else if (op == BPF_CALL && in->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, n, "call pc%+d", in->imm);
		else if (op == BPF_CALL)
			snprintf(buf, n, "call %s#%d", helper_name(in->imm),
				 in->imm);
		else
			snprintf(buf, n, "if %c%d %s %s goto pc%+d", r,
				 in->dst_reg, jmp_sym[op >> 4], src,
				 in->off);
	}
}

void vlog_insn(struct env *env, u32 i)
{
	char buf[96];

	insn_str(env, i, buf, sizeof(buf));
	vlog(env, "%u: %s\n", i, buf);
}

/* A value set, leaving out what says nothing. */
static int vals_str(const struct vals *v, char *buf, size_t n)
{
	int len = 0;

	if (vals_is_const(v))
		return scnprintf(buf, n, "%lld", (s64)v->b.val);
	if (v->umin)
		len += scnprintf(buf + len, n - len, ",umin=%llu", v->umin);
	if (v->umax != U64_MAX)
		len += scnprintf(buf + len, n - len, ",umax=%llu", v->umax);
	if (v->smin != S64_MIN && v->smin != v->umin)
		len += scnprintf(buf + len, n - len, ",smin=%lld", v->smin);
	if (v->smax != S64_MAX && v->smax != v->umax)
		len += scnprintf(buf + len, n - len, ",smax=%lld", v->smax);
	if (v->umax > U32_MAX) {
		if (v->umin32)
			len += scnprintf(buf + len, n - len, ",umin32=%u",
					 v->umin32);
		if (v->umax32 != U32_MAX)
			len += scnprintf(buf + len, n - len, ",umax32=%u",
					 v->umax32);
		if (v->smin32 != S32_MIN)
			len += scnprintf(buf + len, n - len, ",smin32=%d",
					 v->smin32);
		if (v->smax32 != S32_MAX)
			len += scnprintf(buf + len, n - len, ",smax32=%d",
					 v->smax32);
	}
	if (~v->b.unk && bits_span(v->umin, v->umax).unk != v->b.unk)
		len += scnprintf(buf + len, n - len, ",bits=%#llx/%#llx",
				 v->b.val, v->b.unk);
	if (len)
		buf[0] = '(';
	else
		len = scnprintf(buf, n, "(any");
	len += scnprintf(buf + len, n - len, ")");
	return len;
}

static void reg_str(const struct reg *r, char *buf, size_t n)
{
	int len = scnprintf(buf, n, "%s", kind_names[r->kind]);

	switch (r->kind) {
	case K_NONE:
		return;
	case K_SCALAR:
		if (vals_is_const(&r->v)) {
			scnprintf(buf, n, "%lld", (s64)r->v.b.val);
			return;
		}
		break;
	case K_STACK:
		/* fp-8, or fp(...) for a variable offset; fp[1]-8 in frame 1 */
		if (r->frame)
			len += scnprintf(buf + len, n - len, "[%u]", r->frame);
		if (vals_is_const(&r->v)) {
			scnprintf(buf + len, n - len, "%+lld", (s64)r->v.b.val);
			return;
		}
		break;
	case K_MAP:
		scnprintf(buf + len, n - len, "(%s)", r->map->name);
		return;
	case K_VALUE:
	case K_VALUE_OR_NULL:
		len += scnprintf(buf + len, n - len, "(%s,vs=%u,id=%u)",
				 r->map->name, r->map->value_size, r->id);
		if (vals_is_zero(&r->v))
			return;
		len += scnprintf(buf + len, n - len, "+");
		break;
	case K_CTX:
		if (vals_is_zero(&r->v))
			return;
		len += scnprintf(buf + len, n - len, "+");
		break;
	}
	len += vals_str(&r->v, buf + len, n - len);
	if (r->id && r->kind == K_SCALAR)
		scnprintf(buf + len, n - len, "#%u", r->id);
}

void vlog_reg(struct env *env, int i, const struct reg *r)
{
	char buf[192];

	reg_str(r, buf, sizeof(buf));
	vlog(env, " R%d=%s%s", i, buf, r->precise ? "!" : "");
}

/* The initialized registers of @st, then each frame's stack. */
void vlog_state(struct env *env, const struct state *st)
{
	static const char byte_chars[] = { '?', 'm', '0', 's' };
	char bytes[SLOT_SIZE + 1] = {};
	char buf[192];
	u32 f, i, j;

	for (i = 0; i < MAX_BPF_REG; i++)
		if (st->regs[i].kind != K_NONE)
			vlog_reg(env, i, &st->regs[i]);
	for (f = 0; f < st->depth; f++) {
		const struct frame *fr = &st->frames[f];

		if (st->depth > 1)
			vlog(env, " [frame %u]", f);
		for (i = 0; f && i < ARRAY_SIZE(fr->saved); i++)
			if (fr->saved[i].kind != K_NONE) {
				/* frame f keeps its caller's */
				reg_str(&fr->saved[i], buf, sizeof(buf));
				vlog(env, " caller's R%u=%s", BPF_REG_6 + i,
				     buf);
			}
		for (i = 0; i < fr->nslots; i++) {
			const struct slot *s = &fr->slots[i];

			if (!memchr_inv(s->bytes, B_INVALID, SLOT_SIZE))
				continue;
			if (s->bytes[0] == B_SPILL) {
				reg_str(&s->spill, buf, sizeof(buf));
				vlog(env, " fp%d=%s", -8 * (i + 1), buf);
				continue;
			}
			for (j = 0; j < SLOT_SIZE; j++)
				bytes[j] = byte_chars[s->bytes[j]];
			vlog(env, " fp%d=%s", -8 * (i + 1), bytes);
		}
	}
	vlog(env, "\n");
}
