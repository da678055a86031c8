// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(2), the system call of the eBPF series.
 *
 * One entry point multiplexes commands over union bpf_attr. Every
 * command declares the last attr field it reads. The dispatcher copies
 * the attr with the kernel's extensible-struct rule (bytes past the
 * union that user space passes must be zero, else E2BIG) and rejects
 * nonzero bytes past the command's last field (EINVAL), so a handler
 * only ever sees fields it knows. Commands that create objects are
 * refused to tasks without CAP_BPF or CAP_SYS_ADMIN while the sysctl
 * kernel.unprivileged_bpf_disabled is set.
 *
 * A map is an anonymous-inode file whose private data is the map. The
 * commands that act on an existing map hold the file for the duration
 * of the call, which keeps the map alive; the fd's open mode is the
 * user-space access right (BPF_F_RDONLY and BPF_F_WRONLY set it).
 * References taken by others go through map->refcnt; the last one frees
 * the map from a workqueue because it may be dropped where sleeping is
 * not allowed. map->usercnt counts the files: when the last one goes,
 * a map that holds programs lets them go (a program may hold the map
 * that holds it, and only user space can break that cycle).
 *
 * Element commands copy keys and values between user space and the map
 * type's sys_lookup and sys_update hooks (struct ebpf_map_type), which
 * know the user layout of their values.
 */
#include <linux/anon_inodes.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/memcontrol.h>
#include <linux/nodemask.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>

#include "ebpf.h"

/*
 * 0: anyone may create maps; 2: only CAP_BPF or CAP_SYS_ADMIN may, and
 * an administrator may go back to 0; 1: the same, for good. The
 * default follows CONFIG_BPF_UNPRIV_DEFAULT_OFF, as upstream's does.
 */
int sysctl_unprivileged_bpf_disabled __read_mostly =
	IS_BUILTIN(CONFIG_BPF_UNPRIV_DEFAULT_OFF) ? 2 : 0;

static const struct ebpf_map_type * const map_types[] = {
	[BPF_MAP_TYPE_HASH] = &ebpf_hash_map,
	[BPF_MAP_TYPE_ARRAY] = &ebpf_array_map,
	[BPF_MAP_TYPE_PROG_ARRAY] = &ebpf_prog_array_map,
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = &ebpf_perf_event_array_map,
	[BPF_MAP_TYPE_PERCPU_HASH] = &ebpf_percpu_hash_map,
	[BPF_MAP_TYPE_PERCPU_ARRAY] = &ebpf_percpu_array_map,
};

static DEFINE_IDR(map_idr);
static DEFINE_SPINLOCK(map_idr_lock);

static const struct ebpf_map_type *map_type(const struct bpf_map *map)
{
	return map_types[map->map_type];
}

/* The size of one value as user space passes it to the element commands. */
static u32 map_user_value_size(const struct bpf_map *map)
{
	if (map_type(map)->percpu)
		return ebpf_percpu_size(map->value_size) * num_possible_cpus();
	return map->value_size;
}

/* Fail rather than warn or wake the OOM killer: sizes are user input. */
#define MAP_GFP (GFP_USER | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_ACCOUNT)

void *ebpf_map_area_alloc(u64 size, int numa_node)
{
	if (size > INT_MAX)
		return NULL;
	return kvzalloc_node(size, MAP_GFP, numa_node);
}

void __percpu *ebpf_map_percpu_alloc(u32 size)
{
	/* Values are allocated one by one, for minutes: a killed creator stops. */
	if (fatal_signal_pending(current))
		return NULL;
	return __alloc_percpu_gfp(size, 8, MAP_GFP);
}

/*
 * Elements allocated after creation may be allocated with interrupts
 * off or in a program running in any context: they never sleep, and
 * they are charged to the memory cgroup that created the map.
 */
#define ELEM_GFP (GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT)

#ifdef CONFIG_MEMCG_KMEM
/* The caller's rcu_read_lock() keeps the memcg valid. */
static struct mem_cgroup *map_memcg(const struct bpf_map *map)
{
	return map->objcg ? obj_cgroup_memcg(map->objcg) : root_mem_cgroup;
}

static void map_memcg_save(struct bpf_map *map)
{
	/* NULL for the root cgroup, which is not charged. */
	map->objcg = get_obj_cgroup_from_current();
}

static void map_memcg_release(struct bpf_map *map)
{
	if (map->objcg)
		obj_cgroup_put(map->objcg);
}
#else
static struct mem_cgroup *map_memcg(const struct bpf_map *map)
{
	return NULL;
}

static void map_memcg_save(struct bpf_map *map)
{
}

static void map_memcg_release(struct bpf_map *map)
{
}
#endif

void *ebpf_map_elem_alloc(const struct bpf_map *map, size_t size)
{
	struct mem_cgroup *old;
	void *p;

	rcu_read_lock();
	old = set_active_memcg(map_memcg(map));
	p = kmalloc_node(size, ELEM_GFP, map->numa_node);
	set_active_memcg(old);
	rcu_read_unlock();
	return p;
}

void __percpu *ebpf_map_elem_percpu_alloc(const struct bpf_map *map, u32 size)
{
	struct mem_cgroup *old;
	void __percpu *p;

	rcu_read_lock();
	old = set_active_memcg(map_memcg(map));
	p = __alloc_percpu_gfp(size, 8, ELEM_GFP);
	set_active_memcg(old);
	rcu_read_unlock();
	return p;
}

static void map_free(struct bpf_map *map)
{
	map_memcg_release(map);
	/* the owner programs of a program array set, see prog.c */
	kfree(map->owner);
	map->ops->map_free(map);
}

static void map_free_work(struct work_struct *work)
{
	map_free(container_of(work, struct bpf_map, work));
}

/*
 * Ids, of maps and of programs, for the commands that list objects and
 * open them by id. The last reference may go in any context, so the
 * locks are taken with interrupts off.
 */
int ebpf_id_alloc(struct idr *idr, spinlock_t *lock, void *obj)
{
	unsigned long flags;
	int id;

	idr_preload(GFP_KERNEL);
	spin_lock_irqsave(lock, flags);
	id = idr_alloc_cyclic(idr, obj, 1, INT_MAX, GFP_ATOMIC);
	spin_unlock_irqrestore(lock, flags);
	idr_preload_end();
	return id;
}

void ebpf_id_free(struct idr *idr, spinlock_t *lock, u32 *id)
{
	unsigned long flags;

	if (!*id)
		return;
	spin_lock_irqsave(lock, flags);
	idr_remove(idr, *id);
	spin_unlock_irqrestore(lock, flags);
	*id = 0;
}

/* BPF_PROG_GET_NEXT_ID and BPF_MAP_GET_NEXT_ID: the first id past start_id. */
int ebpf_id_next(struct idr *idr, spinlock_t *lock,
		 const union bpf_attr *attr, union bpf_attr __user *uattr)
{
	unsigned long flags;
	int next = attr->start_id + 1;
	void *obj;

	if (attr->start_id >= INT_MAX)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	spin_lock_irqsave(lock, flags);
	obj = idr_get_next(idr, &next);
	spin_unlock_irqrestore(lock, flags);
	if (!obj)
		return -ENOENT;
	return put_user(next, &uattr->next_id);
}

void map_put(struct bpf_map *map)
{
	if (atomic64_dec_and_test(&map->refcnt)) {
		/* gone for BPF_MAP_GET_FD_BY_ID before it is freed */
		ebpf_id_free(&map_idr, &map_idr_lock, &map->id);
		INIT_WORK(&map->work, map_free_work);
		schedule_work(&map->work);
	}
}

static int map_release(struct inode *inode, struct file *file)
{
	struct bpf_map *map = file->private_data;

	if (atomic64_dec_and_test(&map->usercnt) && map->ops->map_release_uref)
		map->ops->map_release_uref(map);
	map_put(map);
	return 0;
}

/*
 * What upstream's fdinfo shows for these fields, in its format, so that
 * tools reading /proc/PID/fdinfo see the same. memlock is upstream's
 * estimate of the map's size: max_entries times key plus user-visible
 * value, 8-byte aligned, in whole pages.
 */
static void map_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct bpf_map *map = file->private_data;
	u64 entry = round_up(map->key_size + map_user_value_size(map), 8);
	u64 memlock = round_up(entry * map->max_entries, PAGE_SIZE);

	seq_printf(m, "map_type:\t%u\n", map->map_type);
	seq_printf(m, "key_size:\t%u\n", map->key_size);
	seq_printf(m, "value_size:\t%u\n", map->value_size);
	seq_printf(m, "max_entries:\t%u\n", map->max_entries);
	seq_printf(m, "map_flags:\t%#x\n", map->map_flags);
	seq_printf(m, "map_extra:\t%#llx\n", map->map_extra);
	seq_printf(m, "memlock:\t%llu\n", memlock);
	seq_printf(m, "map_id:\t%u\n", map->id);
	seq_printf(m, "frozen:\t%u\n", READ_ONCE(map->frozen));
}

/*
 * Mappings of a map's values. map->writecnt counts the mappings that
 * may write (VM_MAYWRITE), as BPF_MAP_FREEZE must refuse while one
 * exists; a mapping that starts read-only may never become writable.
 */
static void map_vma_open(struct vm_area_struct *vma)
{
	struct bpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_inc(&map->writecnt);
}

static void map_vma_close(struct vm_area_struct *vma)
{
	struct bpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_dec(&map->writecnt);
}

static const struct vm_operations_struct map_vm_ops = {
	.open = map_vma_open,
	.close = map_vma_close,
};

static int map_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct bpf_map *map = file->private_data;
	bool writable = vma->vm_flags & VM_WRITE;
	int err = 0;

	if (!map->ops->map_mmap)
		return -EBPF_UNSUPPORTED;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&map->freeze_mutex);
	/* Programs trust a read-only map never to change once frozen. */
	if (writable && map->frozen)
		err = -EPERM;
	else if (writable && (map->map_flags & BPF_F_RDONLY_PROG))
		err = -EACCES;
	else if (writable)
		atomic64_inc(&map->writecnt);
	mutex_unlock(&map->freeze_mutex);
	if (err)
		return err;

	vma->vm_ops = &map_vm_ops;
	vma->vm_flags &= ~VM_MAYEXEC;
	if (!writable)
		vma->vm_flags &= ~VM_MAYWRITE;
	err = map->ops->map_mmap(map, vma);
	if (err && writable)
		atomic64_dec(&map->writecnt);
	return err;
}

static const struct file_operations map_fops = {
	.release = map_release,
	.show_fdinfo = map_show_fdinfo,
	.mmap = map_mmap,
};

/*
 * The map behind @fd, for the duration of a command: the caller keeps
 * @f until it is done with the map and then calls fdput().
 */
static struct bpf_map *map_from_fd(struct fd *f, u32 ufd, fmode_t need)
{
	*f = fdget(ufd);
	if (!f->file)
		return ERR_PTR(-EBADF);
	if (f->file->f_op != &map_fops) {
		fdput(*f);
		return ERR_PTR(-EINVAL);
	}
	/* A frozen map is read-only to user space from every fd. */
	if ((f->file->f_mode & need) != need ||
	    ((need & FMODE_WRITE) &&
	     READ_ONCE(((struct bpf_map *)f->file->private_data)->frozen))) {
		fdput(*f);
		return ERR_PTR(-EPERM);
	}
	return f->file->private_data;
}

/*
 * A reference to the map behind @ufd that outlives the call, for the
 * programs that use the map (LD_IMM64 with BPF_PSEUDO_MAP_FD); map_put()
 * drops it.
 */
struct bpf_map *ebpf_map_get(u32 ufd)
{
	struct bpf_map *map;
	struct fd f;

	map = map_from_fd(&f, ufd, 0);
	if (IS_ERR(map))
		return map;
	atomic64_inc(&map->refcnt);
	fdput(f);
	return map;
}

/* Object names are C identifiers with dots, NUL-terminated in place. */
int ebpf_obj_name_copy(char *dst, const char *src)
{
	size_t len = strnlen(src, BPF_OBJ_NAME_LEN);
	size_t i;

	if (len == BPF_OBJ_NAME_LEN)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(src[i]) && src[i] != '_' && src[i] != '.')
			return -EINVAL;
	memcpy(dst, src, len + 1);
	return 0;
}

static int map_check_create_attr(const union bpf_attr *attr)
{
	u32 access = attr->map_flags & (BPF_F_RDONLY | BPF_F_WRONLY);
	u32 prog_access = attr->map_flags &
			  (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);

	if (attr->map_type >= ARRAY_SIZE(map_types) ||
	    !map_types[attr->map_type])
		return -EINVAL;
	if (access == (BPF_F_RDONLY | BPF_F_WRONLY) ||
	    prog_access == (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	if ((attr->map_flags & BPF_F_NUMA_NODE) &&
	    (attr->numa_node >= nr_node_ids || !node_online(attr->numa_node)))
		return -EINVAL;
	/* No BTF, no offload and no type with map_extra in this series. */
	if (attr->btf_key_type_id || attr->btf_value_type_id ||
	    attr->btf_vmlinux_value_type_id || attr->map_ifindex ||
	    attr->map_extra)
		return -EINVAL;
	return 0;
}

/* The open mode of a new map fd: BPF_F_RDONLY and BPF_F_WRONLY choose. */
static int map_file_flags(u32 flags)
{
	if (flags & BPF_F_RDONLY)
		return O_RDONLY | O_CLOEXEC;
	if (flags & BPF_F_WRONLY)
		return O_WRONLY | O_CLOEXEC;
	return O_RDWR | O_CLOEXEC;
}

static int map_create(union bpf_attr *attr)
{
	const struct bpf_map_ops *ops;
	struct bpf_map *map;
	char name[BPF_OBJ_NAME_LEN];
	int err, fd;

	err = map_check_create_attr(attr);
	if (err)
		return err;
	err = ebpf_obj_name_copy(name, attr->map_name);
	if (err)
		return err;

	ops = map_types[attr->map_type]->ops;
	err = ops->map_alloc_check(attr);
	if (err)
		return err;
	map = ops->map_alloc(attr);
	if (IS_ERR(map))
		return PTR_ERR(map);

	map->ops = ops;
	map->map_type = attr->map_type;
	map->key_size = attr->key_size;
	map->value_size = attr->value_size;
	map->max_entries = attr->max_entries;
	/* The access flags belong to the fd, not to the map. */
	map->map_flags = attr->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	map->numa_node = ebpf_map_attr_node(attr);
	map->spin_lock_off = -EINVAL;
	map->timer_off = -EINVAL;
	memcpy(map->name, name, sizeof(name));
	atomic64_set(&map->refcnt, 1);
	atomic64_set(&map->usercnt, 1);
	mutex_init(&map->freeze_mutex);
	map_memcg_save(map);

	err = ebpf_id_alloc(&map_idr, &map_idr_lock, map);
	if (err < 0) {
		map_free(map);
		return err;
	}
	map->id = err;
	fd = anon_inode_getfd("bpf-map", &map_fops, map,
			      map_file_flags(attr->map_flags));
	if (fd < 0) {
		ebpf_id_free(&map_idr, &map_idr_lock, &map->id);
		map_free(map);
	}
	return fd;
}

/*
 * BPF_MAP_FREEZE: from now on user space may only read the map. Only
 * programs may still write it, unless it is BPF_F_RDONLY_PROG too: then
 * its contents are constants, which the verifier may rely on.
 */
static int map_freeze(union bpf_attr *attr)
{
	struct bpf_map *map;
	struct fd f;
	int err = 0;

	map = map_from_fd(&f, attr->map_fd, 0);
	if (IS_ERR(map))
		return PTR_ERR(map);
	mutex_lock(&map->freeze_mutex);
	if (atomic64_read(&map->writecnt) || map->frozen)
		err = -EBUSY;
	else if (!bpf_capable())
		err = -EPERM;
	else
		WRITE_ONCE(map->frozen, true);
	mutex_unlock(&map->freeze_mutex);
	fdput(f);
	return err;
}

/* BPF_MAP_GET_FD_BY_ID: a new fd, with open_flags' access, of a live map. */
static int map_get_fd_by_id(union bpf_attr *attr)
{
	unsigned long flags;
	struct bpf_map *map;
	int fd;

	if (attr->open_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY) ||
	    attr->open_flags == (BPF_F_RDONLY | BPF_F_WRONLY))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	spin_lock_irqsave(&map_idr_lock, flags);
	map = idr_find(&map_idr, attr->map_id);
	if (map && atomic64_inc_not_zero(&map->refcnt))
		atomic64_inc(&map->usercnt);
	else
		map = NULL;
	spin_unlock_irqrestore(&map_idr_lock, flags);
	if (!map)
		return -ENOENT;

	fd = anon_inode_getfd("bpf-map", &map_fops, map,
			      map_file_flags(attr->open_flags));
	if (fd < 0) {
		atomic64_dec(&map->usercnt);
		map_put(map);
	}
	return fd;
}

static int map_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	return ebpf_id_next(&map_idr, &map_idr_lock, attr, uattr);
}

/*
 * BPF_OBJ_GET_INFO_BY_FD, for every kind of object: user space may know
 * a longer struct than this kernel (the @known bytes of it) if the rest
 * is zero, and gets back at most *@len bytes, what it asked for or the
 * kernel's @size.
 */
int ebpf_info_len(const union bpf_attr *attr, u32 known, u32 size, u32 *len)
{
	void __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 ulen = attr->info.info_len;
	int zero;

	if (ulen > PAGE_SIZE)
		return -E2BIG;
	if (ulen > known) {
		zero = check_zeroed_user(uinfo + known, ulen - known);
		if (zero <= 0)
			return zero ?: -E2BIG;
	}
	*len = min(ulen, size);
	return 0;
}

int ebpf_info_copy_out(const union bpf_attr *attr,
		       union bpf_attr __user *uattr, const void *info, u32 len)
{
	if (copy_to_user(u64_to_user_ptr(attr->info.info), info, len) ||
	    put_user(len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

static int map_get_info(struct bpf_map *map, const union bpf_attr *attr,
			union bpf_attr __user *uattr)
{
	struct bpf_map_info info;
	u32 len;
	int err;

	err = ebpf_info_len(attr, sizeof(info), sizeof(info), &len);
	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	info.type = map->map_type;
	info.id = map->id;
	info.key_size = map->key_size;
	info.value_size = map->value_size;
	info.max_entries = map->max_entries;
	info.map_flags = map->map_flags;
	info.map_extra = map->map_extra;
	memcpy(info.name, map->name, sizeof(info.name));
	return ebpf_info_copy_out(attr, uattr, &info, len);
}

static int obj_get_info_by_fd(union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	struct fd f = fdget(attr->info.bpf_fd);
	int err;

	if (!f.file)
		return -EBADFD;
	if (f.file->f_op == &map_fops)
		err = map_get_info(f.file->private_data, attr, uattr);
	else
		err = ebpf_prog_get_info(f.file, attr, uattr);
	fdput(f);
	return err;
}

/*
 * The element commands copy keys and values through a buffer on the
 * stack when they are small, which spares most calls two allocations,
 * and through kvmalloc() otherwise.
 */
struct elem_buf {
	u64 small[8];
};

static void buf_free(struct elem_buf *buf, void *p)
{
	if (p != buf->small)
		kvfree(p);
}

/* Room for @size bytes, or an ERR_PTR. */
static void *buf_alloc(struct elem_buf *buf, u32 size)
{
	if (size <= sizeof(buf->small))
		return buf->small;
	return kvmalloc(size, GFP_USER | __GFP_NOWARN) ?: ERR_PTR(-ENOMEM);
}

/* A copy of the @size bytes of user memory at @uptr, or an ERR_PTR. */
static void *buf_copy_in(struct elem_buf *buf, u64 uptr, u32 size)
{
	void *p = buf_alloc(buf, size);

	if (!IS_ERR(p) && copy_from_user(p, u64_to_user_ptr(uptr), size)) {
		buf_free(buf, p);
		p = ERR_PTR(-EFAULT);
	}
	return p;
}

/*
 * What every element command starts with: the map of the fd, opened for
 * @mode, and the key copied in; for BPF_MAP_GET_NEXT_KEY the key may be
 * missing. BPF_F_LOCK needs a bpf_spin_lock in the value, hence BTF:
 * refused (the other commands have no flags, see bpf_command).
 */
struct elem_op {
	struct fd f;
	struct bpf_map *map;
	void *key;
	struct elem_buf kbuf;
};

static int elem_begin(struct elem_op *op, const union bpf_attr *attr,
		      fmode_t mode, bool key_optional)
{
	op->key = NULL;
	op->map = map_from_fd(&op->f, attr->map_fd, mode);
	if (IS_ERR(op->map))
		return PTR_ERR(op->map);
	if (attr->flags & BPF_F_LOCK) {
		fdput(op->f);
		return -EINVAL;
	}
	if (!attr->key && key_optional)
		return 0;
	op->key = buf_copy_in(&op->kbuf, attr->key, op->map->key_size);
	if (IS_ERR(op->key)) {
		fdput(op->f);
		return PTR_ERR(op->key);
	}
	return 0;
}

static void elem_end(struct elem_op *op)
{
	if (op->key)
		buf_free(&op->kbuf, op->key);
	fdput(op->f);
}

/* Out: @size bytes of @out to user memory at @uptr, unless @err. */
static int elem_copy_out(int err, u64 uptr, const void *out, u32 size)
{
	if (!err && copy_to_user(u64_to_user_ptr(uptr), out, size))
		return -EFAULT;
	return err;
}

static int map_lookup_elem(union bpf_attr *attr)
{
	struct elem_buf vbuf;
	struct elem_op op;
	void *value;
	u32 size;
	int err;

	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;
	err = elem_begin(&op, attr, FMODE_READ, false);
	if (err)
		return err;
	size = map_user_value_size(op.map);
	value = buf_alloc(&vbuf, size);
	err = PTR_ERR(value);
	if (!IS_ERR(value)) {
		err = map_type(op.map)->sys_lookup(op.map, op.key, value);
		err = elem_copy_out(err, attr->value, value, size);
		buf_free(&vbuf, value);
	}
	elem_end(&op);
	return err;
}

static int map_update_elem(union bpf_attr *attr)
{
	struct elem_buf vbuf;
	struct elem_op op;
	void *value;
	int err;

	err = elem_begin(&op, attr, FMODE_WRITE, false);
	if (err)
		return err;
	value = buf_copy_in(&vbuf, attr->value, map_user_value_size(op.map));
	err = PTR_ERR(value);
	if (!IS_ERR(value)) {
		err = map_type(op.map)->sys_update(op.map, op.key, value,
						   attr->flags);
		buf_free(&vbuf, value);
	}
	elem_end(&op);
	return err;
}

static int map_delete_elem(union bpf_attr *attr)
{
	struct elem_op op;
	int err;

	err = elem_begin(&op, attr, FMODE_WRITE, false);
	if (err)
		return err;
	err = op.map->ops->map_delete_elem(op.map, op.key);
	elem_end(&op);
	return err;
}

/* A NULL key, or one that is not in the map, asks for the first key. */
static int map_get_next_key(union bpf_attr *attr)
{
	struct elem_buf nbuf;
	struct elem_op op;
	void *next;
	int err;

	err = elem_begin(&op, attr, FMODE_READ, true);
	if (err)
		return err;
	next = buf_alloc(&nbuf, op.map->key_size);
	err = PTR_ERR(next);
	if (!IS_ERR(next)) {
		rcu_read_lock();
		err = op.map->ops->map_get_next_key(op.map, op.key, next);
		rcu_read_unlock();
		err = elem_copy_out(err, attr->next_key, next,
				    op.map->key_size);
		buf_free(&nbuf, next);
	}
	elem_end(&op);
	return err;
}

struct bpf_command {
	int (*handler)(union bpf_attr *attr);
	size_t attr_used;	/* bytes of the attr the command may read */
	bool creates;		/* gated by unprivileged_bpf_disabled */
	/* instead of handler, for commands that write results into the attr */
	int (*handler_out)(union bpf_attr *attr, union bpf_attr __user *uattr);
};

#define COMMAND(cmd, fn, last_field, new_object) \
	[cmd] = { fn, offsetofend(union bpf_attr, last_field), new_object }
#define COMMAND_OUT(cmd, fn, last_field, new_object) \
	[cmd] = { NULL, offsetofend(union bpf_attr, last_field), new_object, fn }

static const struct bpf_command commands[] = {
	COMMAND(BPF_MAP_CREATE, map_create, map_extra, true),
	COMMAND(BPF_MAP_LOOKUP_ELEM, map_lookup_elem, flags, false),
	COMMAND(BPF_MAP_UPDATE_ELEM, map_update_elem, flags, false),
	COMMAND(BPF_MAP_DELETE_ELEM, map_delete_elem, key, false),
	COMMAND(BPF_MAP_GET_NEXT_KEY, map_get_next_key, next_key, false),
	COMMAND(BPF_PROG_LOAD, ebpf_prog_load, core_relo_rec_size, true),
	COMMAND_OUT(BPF_PROG_TEST_RUN, ebpf_prog_test_run, test.batch_size,
		    false),
	COMMAND_OUT(BPF_PROG_GET_NEXT_ID, ebpf_prog_get_next_id, next_id,
		    false),
	COMMAND_OUT(BPF_MAP_GET_NEXT_ID, map_get_next_id, next_id, false),
	COMMAND(BPF_PROG_GET_FD_BY_ID, ebpf_prog_get_fd_by_id, prog_id, false),
	COMMAND(BPF_MAP_GET_FD_BY_ID, map_get_fd_by_id, open_flags, false),
	COMMAND_OUT(BPF_OBJ_GET_INFO_BY_FD, obj_get_info_by_fd, info.info,
		    false),
	COMMAND(BPF_MAP_FREEZE, map_freeze, map_fd, false),
};

SYSCALL_DEFINE3(bpf, int, cmd, union bpf_attr __user *, uattr,
		unsigned int, size)
{
	const struct bpf_command *command = NULL;
	union bpf_attr attr;
	int err;

	if (cmd >= 0 && cmd < ARRAY_SIZE(commands) && commands[cmd].attr_used)
		command = &commands[cmd];
	/* The permission check comes first, before the attr is even read. */
	if (command && command->creates &&
	    READ_ONCE(sysctl_unprivileged_bpf_disabled) && !bpf_capable())
		return -EPERM;

	if (size > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(&attr, sizeof(attr), uattr, size);
	if (err)
		return err;

	if (!command)
		return -EINVAL;
	if (memchr_inv((u8 *)&attr + command->attr_used, 0,
		       sizeof(attr) - command->attr_used))
		return -EINVAL;
	if (command->handler_out)
		return command->handler_out(&attr, uattr);
	return command->handler(&attr);
}

#ifdef CONFIG_SYSCTL
/* Architectures that mitigate Spectre differently with eBPF override it. */
void __weak unpriv_ebpf_notify(int new_state)
{
}

/*
 * Only CAP_SYS_ADMIN writes; 0, 1 and 2 are the values; once 1 is set,
 * writing anything else fails with EPERM.
 */
static int unpriv_bpf_sysctl(struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	int *knob = table->data;
	int old = READ_ONCE(*knob), val = old;
	struct ctl_table tmp = *table;
	int err;

	if (write && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	tmp.data = &val;
	err = proc_dointvec(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (val < 0 || val > 2)
		return -EINVAL;
	do {
		if (old == 1 && val != 1)
			return -EPERM;
	} while (!try_cmpxchg(knob, &old, val));
	unpriv_ebpf_notify(val);
	return 0;
}

/* The handler checks the range itself: no extra1 and extra2. */
static struct ctl_table ebpf_sysctls[] = {
	{ .procname = "unprivileged_bpf_disabled", .mode = 0644,
	  .data = &sysctl_unprivileged_bpf_disabled, .maxlen = sizeof(int),
	  .proc_handler = unpriv_bpf_sysctl },
	{}
};

static int __init ebpf_sysctl_init(void)
{
	register_sysctl_init("kernel", ebpf_sysctls);
	return 0;
}
subsys_initcall(ebpf_sysctl_init);
#endif
