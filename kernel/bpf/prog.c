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
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

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

/* Ids go when the last reference does, which may be in any context. */
static int prog_alloc_id(struct bpf_prog *prog)
{
	unsigned long flags;
	int id;

	idr_preload(GFP_KERNEL);
	spin_lock_irqsave(&prog_idr_lock, flags);
	id = idr_alloc_cyclic(&prog_idr, prog, 1, INT_MAX, GFP_ATOMIC);
	spin_unlock_irqrestore(&prog_idr_lock, flags);
	idr_preload_end();
	if (id < 0)
		return id;
	prog->aux->id = id;
	return 0;
}

static void prog_free_id(struct bpf_prog *prog)
{
	unsigned long flags;

	if (!prog->aux->id)
		return;
	spin_lock_irqsave(&prog_idr_lock, flags);
	idr_remove(&prog_idr, prog->aux->id);
	spin_unlock_irqrestore(&prog_idr_lock, flags);
	prog->aux->id = 0;
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

static void prog_free_rcu(struct rcu_head *rcu)
{
	struct bpf_prog_aux *aux = container_of(rcu, struct bpf_prog_aux, rcu);

	prog_put_maps(aux->prog);
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

/* Upstream's fields and format, so that tools reading fdinfo see the same. */
static void prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct bpf_prog *prog = file->private_data;
	u64 runs = 0, nsecs = 0, misses = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct bpf_prog_stats *st = per_cpu_ptr(prog->stats, cpu);
		unsigned int start;
		u64 r, t, x;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			r = u64_stats_read(&st->cnt);
			t = u64_stats_read(&st->nsecs);
			x = u64_stats_read(&st->misses);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		runs += r;
		nsecs += t;
		misses += x;
	}
	seq_printf(m, "prog_type:\t%u\n", prog->type);
	seq_printf(m, "prog_jited:\t%u\n", prog->jited);
	seq_printf(m, "prog_tag:\t%*phN\n", (int)sizeof(prog->tag), prog->tag);
	seq_printf(m, "memlock:\t%llu\n", (u64)prog->pages << PAGE_SHIFT);
	seq_printf(m, "prog_id:\t%u\n", prog->aux->id);
	seq_printf(m, "run_time_ns:\t%llu\n", nsecs);
	seq_printf(m, "run_cnt:\t%llu\n", runs);
	seq_printf(m, "recursion_misses:\t%llu\n", misses);
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
 * bound to a device, so @attach_drv changes nothing.
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

struct bpf_prog *bpf_prog_get(u32 ufd)
{
	return ebpf_prog_get(ufd);
}

void bpf_prog_put(struct bpf_prog *prog)
{
	ebpf_prog_put(prog);
}

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
	err = ebpf_obj_name_copy(prog->aux->name, attr->prog_name);
	if (err)
		goto out_free;

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
	prog_put_maps(prog);
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
