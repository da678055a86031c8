// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(2), the system call of the eBPF series.
 *
 * One entry point multiplexes commands over union bpf_attr. Every
 * command declares the last attr field it reads. The dispatcher copies
 * the attr with the kernel's extensible-struct rule (bytes past the
 * union that user space passes must be zero, else E2BIG) and rejects
 * nonzero bytes past the command's last field (EINVAL), so a handler
 * only ever sees fields it knows.
 *
 * A map is an anonymous-inode file whose private data is the map. The
 * commands that act on an existing map hold the file for the duration
 * of the call, which keeps the map alive; the fd's open mode is the
 * user-space access right (BPF_F_RDONLY and BPF_F_WRONLY set it).
 * References taken by others go through map->refcnt; the last one frees
 * the map from a workqueue because it may be dropped where sleeping is
 * not allowed.
 */
#include <linux/anon_inodes.h>
#include <linux/bpf.h>
#include <linux/file.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

#include "ebpf.h"

static const struct bpf_map_ops * const map_types[] = {
	[BPF_MAP_TYPE_ARRAY] = &ebpf_array_map_ops,
};

void *ebpf_map_area_alloc(u64 size, int numa_node)
{
	/* Fail rather than warn or wake the OOM killer: size is user input. */
	if (size > INT_MAX)
		return NULL;
	return kvzalloc_node(size, GFP_USER | __GFP_NOWARN |
			     __GFP_RETRY_MAYFAIL | __GFP_ACCOUNT, numa_node);
}

static void map_free_work(struct work_struct *work)
{
	struct bpf_map *map = container_of(work, struct bpf_map, work);

	map->ops->map_free(map);
}

static void map_put(struct bpf_map *map)
{
	if (atomic64_dec_and_test(&map->refcnt)) {
		INIT_WORK(&map->work, map_free_work);
		schedule_work(&map->work);
	}
}

static int map_release(struct inode *inode, struct file *file)
{
	map_put(file->private_data);
	return 0;
}

static const struct file_operations map_fops = {
	.release = map_release,
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
	if ((f->file->f_mode & need) != need) {
		fdput(*f);
		return ERR_PTR(-EPERM);
	}
	return f->file->private_data;
}

/* Object names are C identifiers with dots, NUL-terminated in place. */
static int copy_obj_name(char *dst, const char *src)
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

static int map_create(union bpf_attr *attr)
{
	const struct bpf_map_ops *ops;
	struct bpf_map *map;
	char name[BPF_OBJ_NAME_LEN];
	int f_flags = O_RDWR | O_CLOEXEC;
	int err, fd;

	err = map_check_create_attr(attr);
	if (err)
		return err;
	err = copy_obj_name(name, attr->map_name);
	if (err)
		return err;

	ops = map_types[attr->map_type];
	if (ops->map_alloc_check) {
		err = ops->map_alloc_check(attr);
		if (err)
			return err;
	}
	map = ops->map_alloc(attr);
	if (IS_ERR(map))
		return PTR_ERR(map);

	map->ops = ops;
	map->map_type = attr->map_type;
	map->key_size = attr->key_size;
	map->value_size = attr->value_size;
	map->max_entries = attr->max_entries;
	map->map_flags = attr->map_flags;
	map->numa_node = attr->map_flags & BPF_F_NUMA_NODE ?
			 attr->numa_node : NUMA_NO_NODE;
	map->spin_lock_off = -EINVAL;
	map->timer_off = -EINVAL;
	memcpy(map->name, name, sizeof(name));
	atomic64_set(&map->refcnt, 1);

	if (attr->map_flags & BPF_F_RDONLY)
		f_flags = O_RDONLY | O_CLOEXEC;
	else if (attr->map_flags & BPF_F_WRONLY)
		f_flags = O_WRONLY | O_CLOEXEC;
	fd = anon_inode_getfd("bpf-map", &map_fops, map, f_flags);
	if (fd < 0)
		ops->map_free(map);
	return fd;
}

static int map_lookup_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct bpf_map *map;
	void *key, *value, *elem;
	struct fd f;
	int err;

	/* BPF_F_LOCK needs a spin lock in the value, which needs BTF. */
	if (attr->flags)
		return -EINVAL;
	map = map_from_fd(&f, attr->map_fd, FMODE_READ);
	if (IS_ERR(map))
		return PTR_ERR(map);

	key = memdup_user(ukey, map->key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_fd;
	}
	value = kvmalloc(map->value_size, GFP_USER | __GFP_NOWARN);
	err = -ENOMEM;
	if (!value)
		goto out_key;

	rcu_read_lock();
	elem = map->ops->map_lookup_elem(map, key);
	if (elem)
		memcpy(value, elem, map->value_size);
	rcu_read_unlock();

	err = -ENOENT;
	if (elem)
		err = copy_to_user(uvalue, value, map->value_size) ? -EFAULT : 0;
	kvfree(value);
out_key:
	kfree(key);
out_fd:
	fdput(f);
	return err;
}

static int map_update_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct bpf_map *map;
	void *key, *value;
	struct fd f;
	int err;

	map = map_from_fd(&f, attr->map_fd, FMODE_WRITE);
	if (IS_ERR(map))
		return PTR_ERR(map);

	key = memdup_user(ukey, map->key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_fd;
	}
	value = vmemdup_user(uvalue, map->value_size);
	if (IS_ERR(value)) {
		err = PTR_ERR(value);
		goto out_key;
	}

	rcu_read_lock();
	err = map->ops->map_update_elem(map, key, value, attr->flags);
	rcu_read_unlock();

	kvfree(value);
out_key:
	kfree(key);
out_fd:
	fdput(f);
	return err;
}

struct bpf_command {
	int (*handler)(union bpf_attr *attr);
	size_t attr_used;	/* bytes of the attr the command may read */
};

#define COMMAND(cmd, fn, last_field) \
	[cmd] = { fn, offsetofend(union bpf_attr, last_field) }

static const struct bpf_command commands[] = {
	COMMAND(BPF_MAP_CREATE, map_create, map_extra),
	COMMAND(BPF_MAP_LOOKUP_ELEM, map_lookup_elem, flags),
	COMMAND(BPF_MAP_UPDATE_ELEM, map_update_elem, flags),
};

SYSCALL_DEFINE3(bpf, int, cmd, union bpf_attr __user *, uattr,
		unsigned int, size)
{
	const struct bpf_command *command;
	union bpf_attr attr;
	int err;

	if (size > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(&attr, sizeof(attr), uattr, size);
	if (err)
		return err;

	if (cmd < 0 || cmd >= ARRAY_SIZE(commands) || !commands[cmd].handler)
		return -EINVAL;
	command = &commands[cmd];
	if (memchr_inv((u8 *)&attr + command->attr_used, 0,
		       sizeof(attr) - command->attr_used))
		return -EINVAL;
	return command->handler(&attr);
}
