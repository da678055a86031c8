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
 * here, before the runtime frees the program itself.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/license.h>
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
	if (atomic64_dec_and_test(&prog->aux->refcnt))
		call_rcu(&prog->aux->rcu, prog_free_rcu);
}

static int prog_release(struct inode *inode, struct file *file)
{
	ebpf_prog_put(file->private_data);
	return 0;
}

static const struct file_operations prog_fops = {
	.release = prog_release,
};

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
	if (err)
		goto out_free;

	err = anon_inode_getfd("bpf-prog", &prog_fops, prog,
			       O_RDWR | O_CLOEXEC);
	if (err < 0)
		goto out_free;
	return err;

out_free:
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
