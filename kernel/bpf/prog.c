// SPDX-License-Identifier: GPL-2.0
/*
 * Programs in bpf(2): BPF_PROG_LOAD, program file descriptors and
 * references, and BPF_PROG_TEST_RUN.
 *
 * Loading copies the instructions into a struct bpf_prog, checks the
 * attr as upstream does, runs the verifier (which also resolves map file
 * descriptors into map references and rewrites the program for the
 * runtime) and hands the result to bpf_prog_select_runtime(). The
 * program is then an anonymous-inode file whose private data is the
 * program.
 *
 * aux->refcnt counts the file and every other holder (a program array,
 * an attached socket). Attach points run programs under RCU, so the last
 * reference frees the program only after a grace period: then no run can
 * still be using the program or the maps it holds. The maps are dropped
 * here, before the runtime frees the program itself. Each program has an
 * id, which program arrays give back to user space.
 *
 * A program array holds programs of one type, all JIT-compiled or all
 * interpreted, since a tail call runs the target in the caller's frame:
 * the first program that joins the array, or that loads using it, sets
 * its owner.
 */
#include <linux/anon_inodes.h>
#include <linux/idr.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/license.h>
#include <linux/sched/user.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <crypto/sha1.h>
#include <asm/unaligned.h>

#include "ebpf.h"

static const struct ebpf_prog_type * const prog_types[] = {
	[BPF_PROG_TYPE_SOCKET_FILTER] = &ebpf_socket_filter_type,
	[BPF_PROG_TYPE_TRACEPOINT] = &ebpf_tracepoint_type,
};

static const struct ebpf_prog_type *prog_type(u32 type)
{
	if (type >= ARRAY_SIZE(prog_types))
		return NULL;
	return prog_types[type];
}

static DEFINE_IDR(prog_idr);
static DEFINE_SPINLOCK(prog_idr_lock);

static int prog_alloc_id(struct bpf_prog *prog)
{
	int id = ebpf_id_alloc(&prog_idr, &prog_idr_lock, prog);

	if (id < 0)
		return id;
	prog->aux->id = id;
	return 0;
}

static void prog_free_id(struct bpf_prog *prog)
{
	ebpf_id_free(&prog_idr, &prog_idr_lock, &prog->aux->id);
}

u32 ebpf_prog_id(const struct bpf_prog *prog)
{
	return prog->aux->id;
}

/*
 * Whether @prog may share the program array @map: the owner, set once
 * by the first program, must match. The owner lives as long as the map.
 */
static bool prog_fits_array(struct bpf_map *map, const struct bpf_prog *prog)
{
	struct bpf_map_owner *owner = READ_ONCE(map->owner), *mine;

	if (!owner) {
		mine = kzalloc(sizeof(*mine), GFP_ATOMIC | __GFP_NOWARN);
		if (!mine)
			return false;
		mine->type = prog->type;
		mine->jited = prog->jited;
		owner = cmpxchg(&map->owner, NULL, mine);
		if (!owner)
			return true;
		kfree(mine);
	}
	return owner->type == prog->type && owner->jited == prog->jited;
}

static void prog_put_maps(struct bpf_prog *prog)
{
	struct bpf_prog_aux *aux = prog->aux;
	u32 i;

	for (i = 0; i < aux->used_map_cnt; i++)
		map_put(aux->used_maps[i]);
	kfree(aux->used_maps);
	aux->used_maps = NULL;
	aux->used_map_cnt = 0;
}

/* What a program holds besides its memory: its maps and its creator. */
static void prog_put_refs(struct bpf_prog *prog)
{
	prog_put_maps(prog);
	if (prog->aux->user)
		free_uid(prog->aux->user);
	prog->aux->user = NULL;
}

static void prog_free_rcu(struct rcu_head *rcu)
{
	struct bpf_prog_aux *aux = container_of(rcu, struct bpf_prog_aux, rcu);

	prog_put_refs(aux->prog);
	bpf_prog_free(aux->prog);
}

void ebpf_prog_put(struct bpf_prog *prog)
{
	if (atomic64_dec_and_test(&prog->aux->refcnt)) {
		prog_free_id(prog);
		call_rcu(&prog->aux->rcu, prog_free_rcu);
	}
}

static int prog_release(struct inode *inode, struct file *file)
{
	ebpf_prog_put(file->private_data);
	return 0;
}

static void prog_get_stats(const struct bpf_prog *prog,
			   struct bpf_prog_info *info)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct bpf_prog_stats *st = per_cpu_ptr(prog->stats, cpu);
		u64 cnt, nsecs, misses;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			cnt = u64_stats_read(&st->cnt);
			nsecs = u64_stats_read(&st->nsecs);
			misses = u64_stats_read(&st->misses);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		info->run_cnt += cnt;
		info->run_time_ns += nsecs;
		info->recursion_misses += misses;
	}
}

/* Upstream's fdinfo of a program, in its format: bpftool reads it. */
static void prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct bpf_prog *prog = file->private_data;
	char tag[sizeof(prog->tag) * 2 + 1];
	struct bpf_prog_info stats = {};

	bin2hex(tag, prog->tag, sizeof(prog->tag));
	tag[sizeof(tag) - 1] = 0;
	prog_get_stats(prog, &stats);
	seq_printf(m, "prog_type:\t%u\n", prog->type);
	seq_printf(m, "prog_jited:\t%u\n", prog->jited);
	seq_printf(m, "prog_tag:\t%s\n", tag);
	seq_printf(m, "memlock:\t%llu\n", (u64)prog->pages * PAGE_SIZE);
	seq_printf(m, "prog_id:\t%u\n", prog->aux->id);
	seq_printf(m, "run_time_ns:\t%llu\n", stats.run_time_ns);
	seq_printf(m, "run_cnt:\t%llu\n", stats.run_cnt);
	seq_printf(m, "recursion_misses:\t%llu\n", stats.recursion_misses);
	seq_printf(m, "verified_insns:\t%u\n", prog->aux->verified_insns);
}

static const struct file_operations prog_fops = {
	.release = prog_release,
	.show_fdinfo = prog_show_fdinfo,
};

/* A new file for @prog, taking over the caller's reference. */
static int prog_new_fd(struct bpf_prog *prog)
{
	return anon_inode_getfd("bpf-prog", &prog_fops, prog,
				O_RDWR | O_CLOEXEC);
}

/*
 * BPF_PROG_GET_FD_BY_ID: a new fd for a program that is still alive
 * somewhere (an fd, a socket, a program array), for CAP_SYS_ADMIN. The
 * id goes when the last reference does; a program found while its last
 * reference is going is already gone.
 */
int ebpf_prog_get_fd_by_id(union bpf_attr *attr)
{
	struct bpf_prog *prog;
	int fd;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	prog = ebpf_prog_get_by_id(attr->prog_id);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	fd = prog_new_fd(prog);
	if (fd < 0)
		ebpf_prog_put(prog);
	return fd;
}

struct bpf_prog *ebpf_prog_get(u32 ufd)
{
	struct bpf_prog *prog;
	struct fd f = fdget(ufd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &prog_fops) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	prog = f.file->private_data;
	atomic64_inc(&prog->aux->refcnt);
	fdput(f);
	return prog;
}

/* The program of id @id, with a reference; -ENOENT if there is none. */
struct bpf_prog *ebpf_prog_get_by_id(u32 id)
{
	struct bpf_prog *prog;
	unsigned long flags;

	spin_lock_irqsave(&prog_idr_lock, flags);
	prog = idr_find(&prog_idr, id);
	/* A program whose last reference went is leaving the idr. */
	if (!prog || !atomic64_inc_not_zero(&prog->aux->refcnt))
		prog = ERR_PTR(-ENOENT);
	spin_unlock_irqrestore(&prog_idr_lock, flags);
	return prog;
}

/*
 * Upstream's attach points take their programs with these, as they do
 * under BPF_SYSCALL: SO_ATTACH_BPF and SO_ATTACH_REUSEPORT_EBPF in
 * net/core/filter.c, which puts a socket's program from an RCU callback
 * when the socket lets it go, and perf's PERF_EVENT_IOC_SET_BPF. A
 * program of another type is -EINVAL, as upstream. No program here is
 * bound to a device, so @attach_drv changes nothing. Modules may take
 * a program by fd too, as upstream exports these.
 */
struct bpf_prog *bpf_prog_get_type_dev(u32 ufd, enum bpf_prog_type type,
				       bool attach_drv)
{
	struct bpf_prog *prog = ebpf_prog_get(ufd);

	if (!IS_ERR(prog) && prog->type != type) {
		ebpf_prog_put(prog);
		return ERR_PTR(-EINVAL);
	}
	return prog;
}
EXPORT_SYMBOL_GPL(bpf_prog_get_type_dev);

struct bpf_prog *bpf_prog_get(u32 ufd)
{
	return ebpf_prog_get(ufd);
}

void bpf_prog_put(struct bpf_prog *prog)
{
	ebpf_prog_put(prog);
}
EXPORT_SYMBOL_GPL(bpf_prog_put);

struct bpf_prog *ebpf_prog_get_for_map(struct bpf_map *map, u32 ufd)
{
	struct bpf_prog *prog = ebpf_prog_get(ufd);

	if (IS_ERR(prog))
		return prog;
	if (!prog_fits_array(map, prog)) {
		ebpf_prog_put(prog);
		return ERR_PTR(-EINVAL);
	}
	return prog;
}

/* The program tail-calls into the program arrays it uses: they must fit. */
static int prog_check_arrays(struct bpf_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->aux->used_map_cnt; i++) {
		struct bpf_map *map = prog->aux->used_maps[i];

		if (map->map_type == BPF_MAP_TYPE_PROG_ARRAY &&
		    !prog_fits_array(map, prog))
			return -EINVAL;
	}
	return 0;
}

/* The prog_flags 6.1 knows; only alignment ones change anything here. */
#define PROG_LOAD_FLAGS (BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT |	\
			 BPF_F_TEST_STATE_FREQ | BPF_F_SLEEPABLE |	\
			 BPF_F_TEST_RND_HI32 | BPF_F_XDP_HAS_FRAGS)

/* The attr checks that come before anything is allocated, in upstream's
 * order so that a request with several faults gets upstream's errno.
 */
static int prog_check_attr(const union bpf_attr *attr, bool *gpl)
{
	char license[128];

	if (attr->prog_flags & ~PROG_LOAD_FLAGS)
		return -EINVAL;
	if (strncpy_from_user(license, u64_to_user_ptr(attr->license),
			      sizeof(license) - 1) < 0)
		return -EFAULT;
	license[sizeof(license) - 1] = 0;
	*gpl = license_is_gpl_compatible(license);

	if (!attr->insn_cnt ||
	    attr->insn_cnt > (bpf_capable() ? BPF_COMPLEXITY_LIMIT_INSNS :
					      BPF_MAXINSNS))
		return -E2BIG;
	if (attr->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    attr->prog_type != BPF_PROG_TYPE_CGROUP_SKB && !bpf_capable())
		return -EPERM;
	/* No BTF, no attaching to BTF ids or other programs, no offload. */
	if (attr->attach_btf_id || attr->attach_prog_fd ||
	    attr->prog_ifindex || attr->prog_btf_fd ||
	    attr->func_info_cnt || attr->line_info_cnt ||
	    attr->core_relo_cnt)
		return -EINVAL;
	return 0;
}

/*
 * The tag names a program, or one of its functions, by its instructions
 * as user space loaded them: the first 8 bytes of their SHA-1, with the
 * fds and offsets of map references zeroed, as those change from one
 * load to the next.
 */
void ebpf_insns_tag(const struct bpf_insn *insns, u32 len,
		    u8 tag[BPF_TAG_SIZE])
{
	const u32 per_block = SHA1_BLOCK_SIZE / sizeof(struct bpf_insn);
	u32 digest[SHA1_DIGEST_WORDS], ws[SHA1_WORKSPACE_WORDS];
	struct bpf_insn block[SHA1_BLOCK_SIZE / sizeof(struct bpf_insn)];
	__be32 out[SHA1_DIGEST_WORDS];
	bool map_ref = false;
	u8 *tail = (u8 *)block;
	u32 i, n = 0;

	sha1_init(digest);
	for (i = 0; i < len; i++) {
		block[n] = insns[i];
		/* the second half of a map reference: zero its offset too */
		if (map_ref) {
			block[n].imm = 0;
			map_ref = false;
		} else if (block[n].code == (BPF_LD | BPF_IMM | BPF_DW) &&
			   (block[n].src_reg == BPF_PSEUDO_MAP_FD ||
			    block[n].src_reg == BPF_PSEUDO_MAP_VALUE)) {
			block[n].imm = 0;
			map_ref = true;
		}
		if (++n == per_block) {
			sha1_transform(digest, (const char *)block, ws);
			n = 0;
		}
	}
	/* SHA-1's end: 0x80, zeroes, the length in bits, big-endian */
	memset(tail + n * sizeof(*block), 0, SHA1_BLOCK_SIZE - n * sizeof(*block));
	tail[n * sizeof(*block)] = 0x80;
	if (n == per_block - 1) {
		sha1_transform(digest, (const char *)block, ws);
		memset(block, 0, sizeof(block));
	}
	put_unaligned_be64((u64)len * sizeof(*insns) * 8,
			   tail + SHA1_BLOCK_SIZE - sizeof(u64));
	sha1_transform(digest, (const char *)block, ws);

	for (i = 0; i < SHA1_DIGEST_WORDS; i++)
		out[i] = cpu_to_be32(digest[i]);
	memcpy(tag, out, BPF_TAG_SIZE);
	memzero_explicit(ws, sizeof(ws));
}

int ebpf_prog_load(union bpf_attr *attr)
{
	const struct ebpf_prog_type *type;
	struct bpf_prog *prog;
	bool gpl;
	int err;

	err = prog_check_attr(attr, &gpl);
	if (err)
		return err;
	type = prog_type(attr->prog_type);
	if (type && type->may_load && !type->may_load())
		return -EPERM;

	prog = bpf_prog_alloc(bpf_prog_size(attr->insn_cnt), GFP_USER);
	if (!prog)
		return -ENOMEM;
	prog->len = attr->insn_cnt;
	err = -EFAULT;
	if (copy_from_user(prog->insnsi, u64_to_user_ptr(attr->insns),
			   bpf_prog_insn_size(prog)))
		goto out_free;
	err = -EINVAL;
	if (!type)
		goto out_free;
	prog->type = attr->prog_type;
	prog->expected_attach_type = attr->expected_attach_type;
	prog->gpl_compatible = gpl;
	atomic64_set(&prog->aux->refcnt, 1);
	prog->aux->load_time = ktime_get_boottime_ns();
	prog->aux->user = get_current_user();
	err = ebpf_obj_name_copy(prog->aux->name, attr->prog_name);
	if (err)
		goto out_free;
	ebpf_insns_tag(prog->insnsi, prog->len, prog->tag);

	err = ebpf_verify(&prog, type, attr);
	if (err)
		goto out_free;
	prog = bpf_prog_select_runtime(prog, &err);
	if (!err)
		err = prog_check_arrays(prog);
	if (!err)
		err = prog_alloc_id(prog);
	if (err)
		goto out_free;

	err = prog_new_fd(prog);
	if (err < 0)
		goto out_free;
	return err;

out_free:
	prog_free_id(prog);
	/* Nothing ever ran the program: no grace period is needed. */
	prog_put_refs(prog);
	bpf_prog_free(prog);
	return err;
}

int ebpf_prog_test_run(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	const struct ebpf_prog_type *type;
	struct bpf_prog *prog;
	int err;

	if (!attr->test.ctx_size_in != !attr->test.ctx_in ||
	    !attr->test.ctx_size_out != !attr->test.ctx_out)
		return -EINVAL;
	prog = ebpf_prog_get(attr->test.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	type = prog_type(prog->type);
	err = -EBPF_UNSUPPORTED;
	if (type->test_run)
		err = type->test_run(prog, attr, uattr);
	ebpf_prog_put(prog);
	return err;
}

int ebpf_prog_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	return ebpf_id_next(&prog_idr, &prog_idr_lock, attr, uattr);
}

/*
 * A 64-bit immediate load of the program as it runs, as user space may
 * see it: a map or a map value address becomes the map's id (and the
 * offset in the value) again; other kernel addresses only show to those
 * allowed to see them (@raw).
 */
static void prog_dump_ldimm64(const struct bpf_prog *prog,
			      struct bpf_insn *in, bool raw)
{
	u64 addr = (u32)in[0].imm | (u64)in[1].imm << 32;
	const struct bpf_map *map;
	u32 i, off;

	for (i = 0; i < prog->aux->used_map_cnt; i++) {
		map = prog->aux->used_maps[i];
		if (addr == (unsigned long)map) {
			in[0].src_reg = BPF_PSEUDO_MAP_FD;
			in[1].imm = 0;
		} else if (map->ops->map_direct_value_meta &&
			   !map->ops->map_direct_value_meta(map, addr, &off)) {
			in[0].src_reg = BPF_PSEUDO_MAP_VALUE;
			in[1].imm = off;
		} else {
			continue;
		}
		in[0].imm = map->id;
		return;
	}
	if (!raw && addr >= PAGE_OFFSET) {
		in[0].imm = 0;
		in[1].imm = 0;
	}
}

/* The functions of a JIT image, if it has more than the program itself. */
static const struct ebpf_funcs *prog_funcs(const struct bpf_prog *prog)
{
	return prog->jited ? prog->aux->funcs : NULL;
}

static u32 func_at(const struct ebpf_funcs *funcs, u32 insn)
{
	u32 k;

	for (k = 0; k < funcs->nr; k++)
		if (funcs->func[k].insn == insn)
			return k;
	return 0;
}

/*
 * The program as it runs (the "xlated" instructions), in upstream's
 * notation: tail calls are the helper call again, helper calls keep
 * their offset from __bpf_call_base only for those who may see kernel
 * addresses. A bpf-to-bpf call of a JIT'd program shows its target in
 * off and the called function's index in imm, as upstream's JIT leaves
 * it; interpreted, the callee's stack size and its target, as there.
 */
static struct bpf_insn *prog_dump_insns(const struct bpf_prog *prog, bool raw)
{
	const struct ebpf_funcs *funcs = prog_funcs(prog);
	struct bpf_insn *insns;
	u32 i;

	insns = kvmalloc(bpf_prog_insn_size(prog), GFP_USER);
	if (!insns)
		return NULL;
	memcpy(insns, prog->insnsi, bpf_prog_insn_size(prog));
	for (i = 0; i < prog->len; i++) {
		struct bpf_insn *in = &insns[i];

		if (in->code == (BPF_JMP | BPF_TAIL_CALL)) {
			in->code = BPF_JMP | BPF_CALL;
			in->imm = BPF_FUNC_tail_call;
		} else if (in->code == (BPF_JMP | BPF_CALL) &&
			   in->src_reg == BPF_PSEUDO_CALL && funcs) {
			in->off = in->imm;
			in->imm = raw ? func_at(funcs, i + in->imm + 1) : 0;
		} else if (in->code == (BPF_JMP | BPF_CALL) && !raw) {
			in->imm = 0;
		} else if (in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
			   i + 1 < prog->len) {
			prog_dump_ldimm64(prog, in, raw);
			i++;
		}
	}
	return insns;
}

/*
 * The arrays of bpf_prog_info are in-out: user space says how many
 * elements it has room for (*@count, at @uptr), the kernel how many
 * there are (@n). Copies min of both from @src, @size bytes each.
 */
static int info_array(u32 *count, u64 uptr, const void *src, u32 n, u32 size)
{
	u32 room = *count;

	*count = n;
	if (!room || !n)
		return 0;
	if (copy_to_user(u64_to_user_ptr(uptr), src, min(room, n) * size))
		return -EFAULT;
	return 0;
}

/* The code, for those with CAP_BPF; the image only for @raw. */
static int prog_get_info_code(const struct bpf_prog *prog,
			      struct bpf_prog_info *info, bool raw)
{
	struct bpf_insn *insns;
	u32 jited_len = prog->jited_len;
	int err;

	if (info->xlated_prog_len && prog->blinded && !raw) {
		info->xlated_prog_len = bpf_prog_insn_size(prog);
		info->xlated_prog_insns = 0;
		return 0;
	}
	if (info->xlated_prog_len) {
		insns = prog_dump_insns(prog, raw);
		if (!insns)
			return -ENOMEM;
		err = info_array(&info->xlated_prog_len,
				 info->xlated_prog_insns, insns,
				 bpf_prog_insn_size(prog), 1);
		kvfree(insns);
		if (err)
			return err;
	} else {
		info->xlated_prog_len = bpf_prog_insn_size(prog);
	}

	if (!raw) {
		/* the size still, but no image */
		if (info->jited_prog_len && jited_len)
			info->jited_prog_insns = 0;
		info->jited_prog_len = jited_len;
		return 0;
	}
	return info_array(&info->jited_prog_len, info->jited_prog_insns,
			  prog->bpf_func, jited_len, 1);
}

/*
 * The address, length and tag of each function of the image: of the
 * program as one function unless the JIT made several. Addresses and
 * lengths only for those who may see kernel addresses, as upstream.
 */
static int prog_get_info_funcs(const struct bpf_prog *prog,
			       struct bpf_prog_info *info, bool raw)
{
	const struct ebpf_funcs *funcs = prog_funcs(prog);
	u64 __user *ksyms = u64_to_user_ptr(info->jited_ksyms);
	u32 __user *lens = u64_to_user_ptr(info->jited_func_lens);
	u8 __user *tags = u64_to_user_ptr(info->prog_tags);
	u32 nr = funcs ? funcs->nr : 1, k, start, end;
	const u8 *tag;

	if (!raw) {
		if (info->nr_jited_ksyms)
			info->jited_ksyms = 0;
		if (info->nr_jited_func_lens)
			info->jited_func_lens = 0;
		info->nr_jited_ksyms = 0;
		info->nr_jited_func_lens = 0;
	}
	for (k = 0; k < nr; k++) {
		start = funcs ? funcs->func[k].offset : 0;
		end = funcs && k + 1 < nr ? funcs->func[k + 1].offset :
					    prog->jited_len;
		tag = funcs ? funcs->func[k].tag : prog->tag;
		if (k < info->nr_jited_ksyms &&
		    put_user((unsigned long)prog->bpf_func + start, &ksyms[k]))
			return -EFAULT;
		if (k < info->nr_jited_func_lens && put_user(end - start, &lens[k]))
			return -EFAULT;
		if (k < info->nr_prog_tags &&
		    copy_to_user(tags + k * BPF_TAG_SIZE, tag, BPF_TAG_SIZE))
			return -EFAULT;
	}
	info->nr_jited_ksyms = nr;
	info->nr_jited_func_lens = nr;
	info->nr_prog_tags = nr;
	return 0;
}

int ebpf_prog_get_info(struct file *file, const union bpf_attr *attr,
		       union bpf_attr __user *uattr)
{
	const struct bpf_prog *prog = file->private_data;
	const struct bpf_prog_aux *aux;
	struct bpf_prog_info info;
	u32 i, len, id;
	u32 __user *map_ids;
	int err;

	if (file->f_op != &prog_fops)
		return -EINVAL;
	aux = prog->aux;
	err = ebpf_info_len(attr, offsetofend(struct bpf_prog_info,
					      attach_btf_id),
			    sizeof(info), &len);
	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	if (copy_from_user(&info, u64_to_user_ptr(attr->info.info), len))
		return -EFAULT;

	info.type = prog->type;
	info.id = aux->id;
	memcpy(info.tag, prog->tag, sizeof(info.tag));
	info.load_time = aux->load_time;
	info.created_by_uid = from_kuid_munged(current_user_ns(),
					       aux->user->uid);
	info.gpl_compatible = prog->gpl_compatible;
	memcpy(info.name, aux->name, sizeof(info.name));

	map_ids = u64_to_user_ptr(info.map_ids);
	for (i = 0; i < min(info.nr_map_ids, aux->used_map_cnt); i++) {
		id = aux->used_maps[i]->id;
		if (put_user(id, &map_ids[i]))
			return -EFAULT;
	}
	info.nr_map_ids = aux->used_map_cnt;

	/* No BTF here: no records, but their sizes must be the kernel's. */
	if ((info.nr_func_info || info.func_info_rec_size) &&
	    info.func_info_rec_size != sizeof(struct bpf_func_info))
		return -EINVAL;
	if ((info.nr_line_info || info.line_info_rec_size) &&
	    info.line_info_rec_size != sizeof(struct bpf_line_info))
		return -EINVAL;
	if ((info.nr_jited_line_info || info.jited_line_info_rec_size) &&
	    info.jited_line_info_rec_size != sizeof(u64))
		return -EINVAL;
	info.func_info_rec_size = sizeof(struct bpf_func_info);
	info.line_info_rec_size = sizeof(struct bpf_line_info);
	info.jited_line_info_rec_size = sizeof(u64);
	info.nr_func_info = 0;
	info.nr_line_info = 0;
	info.nr_jited_line_info = 0;

	prog_get_stats(prog, &info);
	info.verified_insns = aux->verified_insns;

	if (!bpf_capable()) {
		info.jited_prog_len = 0;
		info.xlated_prog_len = 0;
		info.nr_jited_ksyms = 0;
		info.nr_jited_func_lens = 0;
	} else {
		bool raw = bpf_dump_raw_ok(file->f_cred);

		err = prog_get_info_code(prog, &info, raw) ?:
		      prog_get_info_funcs(prog, &info, raw);
		if (err)
			return err;
	}
	return ebpf_info_copy_out(attr, uattr, &info, len);
}
