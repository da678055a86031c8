/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the parts of the eBPF series' bpf(2) stack: the
 * system call, the map types, program loading and the verifier. Types
 * are the in-tree ones from <linux/bpf.h>; names are the series' own so
 * that they never collide with the !CONFIG_BPF_SYSCALL fallbacks there.
 */
#ifndef __KERNEL_BPF_EBPF_H
#define __KERNEL_BPF_EBPF_H

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/idr.h>
#include <linux/percpu.h>

/*
 * A map type as the system call sees it. @ops is what programs call
 * (lookups return a pointer into the map, updates take one CPU's
 * value). The system call copies values in user space's layout
 * instead, which differs for some types: per-CPU maps exchange one
 * value per possible CPU, program arrays exchange program fds and ids.
 *
 * @sys_lookup copies the value of @key into @value or returns -ENOENT;
 * @sys_update stores @value, in the same layout, under @key.
 */
struct ebpf_map_type {
	const struct bpf_map_ops *ops;
	int (*sys_lookup)(struct bpf_map *map, void *key, void *value);
	int (*sys_update)(struct bpf_map *map, void *key, void *value,
			  u64 flags);
	bool percpu;
};

extern const struct ebpf_map_type ebpf_array_map;
extern const struct ebpf_map_type ebpf_percpu_array_map;
extern const struct ebpf_map_type ebpf_prog_array_map;
extern const struct ebpf_map_type ebpf_perf_event_array_map;
extern const struct ebpf_map_type ebpf_hash_map;
extern const struct ebpf_map_type ebpf_percpu_hash_map;

/* Flags every map type accepts at creation. */
#define EBPF_MAP_COMMON_FLAGS (BPF_F_NUMA_NODE | BPF_F_RDONLY |	\
			       BPF_F_WRONLY | BPF_F_RDONLY_PROG |	\
			       BPF_F_WRONLY_PROG)

static inline int ebpf_map_attr_node(const union bpf_attr *attr)
{
	return attr->map_flags & BPF_F_NUMA_NODE ? attr->numa_node :
						   NUMA_NO_NODE;
}

/*
 * A per-CPU value is stored, and seen from user space, rounded up to
 * 8 bytes per CPU; it must fit one chunk of the per-CPU allocator.
 */
static inline u32 ebpf_percpu_size(u32 value_size)
{
	return round_up(value_size, 8);
}

static inline bool ebpf_percpu_size_ok(u32 value_size)
{
	return ebpf_percpu_size(value_size) <= PCPU_MIN_UNIT_SIZE;
}

/* Memory a map takes at creation, charged to the creator's memcg. */
void *ebpf_map_area_alloc(u64 size, int numa_node);
void __percpu *ebpf_map_percpu_alloc(u32 size);

/*
 * Memory a map takes later, from any context (an update of a map
 * created with BPF_F_NO_PREALLOC), charged to the map creator's memcg
 * rather than to whoever triggers it.
 */
void *ebpf_map_elem_alloc(const struct bpf_map *map, size_t size);
void __percpu *ebpf_map_elem_percpu_alloc(const struct bpf_map *map,
					  u32 size);

int ebpf_obj_name_copy(char *dst, const char *src);

/* Ids of maps and programs; see syscall.c. */
int ebpf_id_alloc(struct idr *idr, spinlock_t *lock, void *obj);
void ebpf_id_free(struct idr *idr, spinlock_t *lock, u32 *id);
int ebpf_id_next(struct idr *idr, spinlock_t *lock,
		 const union bpf_attr *attr, union bpf_attr __user *uattr);

/* BPF_OBJ_GET_INFO_BY_FD's size rule and copy out; see syscall.c. */
int ebpf_info_len(const union bpf_attr *attr, u32 known, u32 size, u32 *len);
int ebpf_info_copy_out(const union bpf_attr *attr,
		       union bpf_attr __user *uattr, const void *info, u32 len);

/*
 * What bpf(2) returns, as upstream does, for a valid request using a
 * feature this kernel lacks: the kernel-internal "not supported" errno,
 * 524, which user space tells from EINVAL.
 */
#define EBPF_UNSUPPORTED	524

/* A counted reference to the map behind a file descriptor, and its end. */
struct bpf_map *ebpf_map_get(u32 ufd);
void map_put(struct bpf_map *map);

/*
 * Programs: a counted reference to the program behind an fd, and its
 * end. ebpf_prog_get_for_map() is for program arrays: the program must
 * fit @map (the first program sets its type and whether it is JITed);
 * -EBADF for a closed fd, -EINVAL for one that is not a program or does
 * not fit. ebpf_prog_get_by_id() takes the program of an id (an event's
 * filter names it so), -ENOENT if there is none.
 */
struct bpf_prog *ebpf_prog_get(u32 ufd);
struct bpf_prog *ebpf_prog_get_for_map(struct bpf_map *map, u32 ufd);
struct bpf_prog *ebpf_prog_get_by_id(u32 id);
void ebpf_prog_put(struct bpf_prog *prog);
u32 ebpf_prog_id(const struct bpf_prog *prog);

int ebpf_prog_load(union bpf_attr *attr);
void ebpf_insns_tag(const struct bpf_insn *insns, u32 len,
		    u8 tag[BPF_TAG_SIZE]);
int ebpf_prog_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr);
int ebpf_prog_get_fd_by_id(union bpf_attr *attr);
/* BPF_OBJ_GET_INFO_BY_FD of @file, or -EINVAL if it is not a program. */
int ebpf_prog_get_info(struct file *file, const union bpf_attr *attr,
		       union bpf_attr __user *uattr);
int ebpf_prog_test_run(union bpf_attr *attr, union bpf_attr __user *uattr);

/*
 * What the verifier and the loader need to know about one program type.
 *
 * ctx_access() says whether a program may access @size bytes at @off of
 * its context for @type (BPF_READ or BPF_WRITE). It returns the size of
 * the context field the access falls in: a read narrower than its field
 * is rewritten as a load of the whole field and a shift. It returns 0
 * for an access the type does not allow.
 *
 * ctx_convert(), if the context the program sees is not the kernel
 * object it runs on, emits instructions for an allowed access of the
 * whole field at @field_off (same registers and size class as @insn)
 * into @out and returns how many; at most EBPF_CTX_PATCH_MAX.
 *
 * func_proto() returns the helper @id for programs of this type, NULL
 * if there is none. upstream_helpers lists the helpers upstream offers
 * the type (ids, zero-terminated): a program calling one of those this
 * kernel lacks is refused with EBPF_UNSUPPORTED rather than EINVAL.
 */
#define EBPF_CTX_PATCH_MAX	8

struct ebpf_prog_type {
	const char *name;
	bool (*may_load)(void);
	u32 (*ctx_access)(int off, int size, enum bpf_access_type type);
	u32 (*ctx_convert)(const struct bpf_insn *insn, u32 field_off,
			   struct bpf_insn *out, struct bpf_prog *prog);
	const struct bpf_func_proto *(*func_proto)(enum bpf_func_id id);
	const u8 *upstream_helpers;
	int (*test_run)(struct bpf_prog *prog, const union bpf_attr *attr,
			union bpf_attr __user *uattr);
	bool skb_loads;		/* BPF_LD_ABS and BPF_LD_IND are allowed */
};

extern const struct ebpf_prog_type ebpf_socket_filter_type;
extern const struct ebpf_prog_type ebpf_tracepoint_type;

/* Helpers the program types offer; see helpers.c. */
extern const struct bpf_func_proto ebpf_map_lookup_elem_proto;
extern const struct bpf_func_proto ebpf_map_update_elem_proto;
extern const struct bpf_func_proto ebpf_map_delete_elem_proto;
extern const struct bpf_func_proto ebpf_get_prandom_u32_proto;
extern const struct bpf_func_proto ebpf_get_smp_processor_id_proto;
extern const struct bpf_func_proto ebpf_get_numa_node_id_proto;
extern const struct bpf_func_proto ebpf_ktime_get_ns_proto;
extern const struct bpf_func_proto ebpf_ktime_get_boot_ns_proto;
extern const struct bpf_func_proto ebpf_tail_call_proto;
extern const struct bpf_func_proto ebpf_get_current_pid_tgid_proto;
extern const struct bpf_func_proto ebpf_get_current_uid_gid_proto;
extern const struct bpf_func_proto ebpf_get_current_comm_proto;
extern const struct bpf_func_proto ebpf_get_current_task_proto;
extern const struct bpf_func_proto ebpf_skb_load_bytes_proto;

/* The tracing helpers of tracepoint programs, see kernel/trace/bpf_trace.c. */
#ifdef CONFIG_EBPF_EVENTS
const struct bpf_func_proto *ebpf_trace_func_proto(enum bpf_func_id id);
#else
static inline const struct bpf_func_proto *
ebpf_trace_func_proto(enum bpf_func_id id)
{
	return NULL;
}
#endif

/* The helper behind BPF_LD_ABS and BPF_LD_IND: the value or negative. */
u64 ebpf_skb_load(u64 skb, u64 offset, u64 size, u64 unused1, u64 unused2);

/*
 * The verifier. On success *prog is the checked and rewritten program,
 * ready for bpf_prog_select_runtime(), holding references to its maps
 * in aux->used_maps; on failure the caller frees *prog and those maps.
 */
int ebpf_verify(struct bpf_prog **prog, const struct ebpf_prog_type *type,
		const union bpf_attr *attr);

#endif
