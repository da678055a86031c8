// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf(2) ABI: the array map slice and the errno of every malformed
 * request. Expectations are upstream's; the same binary runs on the
 * reference kernel to confirm them.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"

/* Where the fields a command reads end, in the 6.1 layout. */
#define END_OF_MAX_ENTRIES	(offsetof(union bpf_attr, max_entries) + 4)
#define END_OF_ELEM_FLAGS	(offsetof(union bpf_attr, flags) + 8)
#define END_OF_MAP_EXTRA	(offsetof(union bpf_attr, map_extra) + 8)

static int array(uint32_t value_size, uint32_t max_entries)
{
	return ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, value_size, max_entries, 0);
}

static void array_update_lookup(void)
{
	uint64_t value = 0x1122334455667788ULL, out = 1;
	uint32_t key = 3;
	int fd = expect_ok(array(8, 16));

	expect_ok(ebpf_map_update(fd, &key, &value, BPF_ANY));
	expect_ok(ebpf_map_lookup(fd, &key, &out));
	expect_eq(out, value);

	/* Elements never written read back as zero. */
	key = 15;
	expect_ok(ebpf_map_lookup(fd, &key, &out));
	expect_eq(out, 0);

	/* BPF_EXIST replaces; every element of an array exists. */
	value = 42;
	key = 3;
	expect_ok(ebpf_map_update(fd, &key, &value, BPF_EXIST));
	expect_ok(ebpf_map_lookup(fd, &key, &out));
	expect_eq(out, 42);
	expect_eq(close(fd), 0);
}

static void array_odd_value_size(void)
{
	unsigned char value[13], out[13];
	uint32_t key;
	int fd = expect_ok(array(sizeof(value), 4));

	for (key = 0; key < 4; key++) {
		memset(value, 0xa0 + key, sizeof(value));
		expect_ok(ebpf_map_update(fd, &key, value, BPF_ANY));
	}
	for (key = 0; key < 4; key++) {
		memset(value, 0xa0 + key, sizeof(value));
		memset(out, 0, sizeof(out));
		expect_ok(ebpf_map_lookup(fd, &key, out));
		expect(!memcmp(out, value, sizeof(value)));
	}
	close(fd);
}

static void array_update_flags(void)
{
	uint32_t key = 0, value = 1;
	int fd = expect_ok(array(4, 2));

	expect_errno(ebpf_map_update(fd, &key, &value, BPF_NOEXIST), EEXIST);
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_EXIST + 1), EINVAL);
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_F_LOCK), EINVAL);
	expect_errno(ebpf_map_update(fd, &key, &value, 1ULL << 40), EINVAL);
	close(fd);
}

static void array_index_out_of_range(void)
{
	uint32_t key = 2, value = 7;
	int fd = expect_ok(array(4, 2));

	expect_errno(ebpf_map_lookup(fd, &key, &value), ENOENT);
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), E2BIG);
	key = UINT32_MAX;
	expect_errno(ebpf_map_lookup(fd, &key, &value), ENOENT);
	expect_errno(ebpf_map_update(fd, &key, &value, BPF_ANY), E2BIG);
	close(fd);
}

static void array_create_invalid(void)
{
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 8, 4, 1, 0), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 0, 1, 0), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 0, 0), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1,
				     BPF_F_NO_PREALLOC), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1,
				     BPF_F_RDONLY | BPF_F_WRONLY), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1,
				     BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG),
		     EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 1U << 31),
		     EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, (uint32_t)INT32_MAX + 1,
				     1, 0), E2BIG);
}

static void array_too_large(void)
{
	/* 32 GiB: far past what the guest has; must fail cleanly. */
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 1 << 20, 1 << 15, 0),
		     ENOMEM);
}

static void unknown_command(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	expect_errno(sys_bpf(1000, &attr, sizeof(attr)), EINVAL);
	expect_errno(sys_bpf(-1, &attr, sizeof(attr)), EINVAL);
}

static void unknown_map_type(void)
{
	expect_errno(ebpf_map_create(1000, 4, 4, 1, 0), EINVAL);
	expect_errno(ebpf_map_create(BPF_MAP_TYPE_UNSPEC, 4, 4, 1, 0), EINVAL);
}

/* A buffer larger than union bpf_attr, as newer user space would pass. */
static void attr_tail_beyond_kernel(void)
{
	struct {
		union bpf_attr attr;
		uint64_t newer_field;
	} big;
	int fd;

	memset(&big, 0, sizeof(big));
	big.attr.map_type = BPF_MAP_TYPE_ARRAY;
	big.attr.key_size = 4;
	big.attr.value_size = 4;
	big.attr.max_entries = 1;
	/* Zero bytes past the union are fine... */
	fd = expect_ok(sys_bpf(BPF_MAP_CREATE, &big.attr, sizeof(big)));
	close(fd);
	/* ...nonzero ones are a request this kernel does not understand. */
	big.newer_field = 1;
	expect_errno(sys_bpf(BPF_MAP_CREATE, &big.attr, sizeof(big)), E2BIG);
	/* E2BIG is decided before the command is looked at. */
	expect_errno(sys_bpf(1000, &big.attr, sizeof(big)), E2BIG);
}

static void attr_larger_than_page(void)
{
	size_t size = 2 * sysconf(_SC_PAGESIZE);
	union bpf_attr *attr = calloc(1, size);

	attr->map_type = BPF_MAP_TYPE_ARRAY;
	attr->key_size = 4;
	attr->value_size = 4;
	attr->max_entries = 1;
	expect_errno(sys_bpf(BPF_MAP_CREATE, attr, size), E2BIG);
	free(attr);
}

static void attr_shorter_than_union(void)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	/* Old user space passes only the fields it knows. */
	fd = expect_ok(sys_bpf(BPF_MAP_CREATE, &attr, END_OF_MAX_ENTRIES));
	close(fd);
}

static void attr_unused_field_set(void)
{
	uint32_t key = 0, value;
	union bpf_attr attr;
	int fd = expect_ok(array(4, 1));

	/* BPF_MAP_LOOKUP_ELEM reads nothing past flags. */
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(&key);
	attr.value = ptr_to_u64(&value);
	((char *)&attr)[END_OF_ELEM_FLAGS] = 1;
	expect_errno(sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)), EINVAL);
	((char *)&attr)[END_OF_ELEM_FLAGS] = 0;
	((char *)&attr)[sizeof(attr) - 1] = 1;
	expect_errno(sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr)), EINVAL);

	/* BPF_MAP_CREATE reads nothing past map_extra. */
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	((char *)&attr)[END_OF_MAP_EXTRA] = 1;
	expect_errno(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)), EINVAL);

	/* map_extra itself means something only to bloom filters. */
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	attr.map_extra = 1;
	expect_errno(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)), EINVAL);
	close(fd);
}

static void attr_bad_pointer(void)
{
	void *unmapped = mmap(NULL, 4096, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect_errno(sys_bpf(BPF_MAP_CREATE, unmapped, sizeof(union bpf_attr)),
		     EFAULT);
	expect_errno(sys_bpf(BPF_MAP_CREATE, NULL, sizeof(union bpf_attr)),
		     EFAULT);
	munmap(unmapped, 4096);
}

static void elem_bad_pointers(void)
{
	uint32_t key = 0, value = 5;
	int fd = expect_ok(array(4, 1));

	expect_errno(ebpf_map_lookup(fd, NULL, &value), EFAULT);
	expect_errno(ebpf_map_lookup(fd, &key, NULL), EFAULT);
	expect_errno(ebpf_map_update(fd, NULL, &value, BPF_ANY), EFAULT);
	expect_errno(ebpf_map_update(fd, &key, NULL, BPF_ANY), EFAULT);
	/* A failed update leaves the element alone. */
	expect_ok(ebpf_map_lookup(fd, &key, &value));
	expect_eq(value, 0);
	close(fd);
}

static void elem_bad_fd(void)
{
	uint32_t key = 0, value;
	int pipefd[2];

	expect_errno(ebpf_map_lookup(-1, &key, &value), EBADF);
	expect_errno(ebpf_map_lookup(12345, &key, &value), EBADF);
	expect_errno(ebpf_map_update(12345, &key, &value, BPF_ANY), EBADF);
	expect_ok(pipe(pipefd));
	expect_errno(ebpf_map_lookup(pipefd[0], &key, &value), EINVAL);
	expect_errno(ebpf_map_update(pipefd[1], &key, &value, BPF_ANY), EINVAL);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void lookup_flags(void)
{
	uint32_t key = 0, value;
	int fd = expect_ok(array(4, 1));

	expect_errno(ebpf_map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value, 1),
		     EINVAL);
	/* BPF_F_LOCK needs a bpf_spin_lock in the value. */
	expect_errno(ebpf_map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value,
				   BPF_F_LOCK), EINVAL);
	close(fd);
}

static void access_flags(void)
{
	uint32_t key = 0, value = 9;
	int ro, wo;

	ro = expect_ok(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1,
				       BPF_F_RDONLY));
	expect_ok(ebpf_map_lookup(ro, &key, &value));
	expect_errno(ebpf_map_update(ro, &key, &value, BPF_ANY), EPERM);
	close(ro);

	wo = expect_ok(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1,
				       BPF_F_WRONLY));
	expect_ok(ebpf_map_update(wo, &key, &value, BPF_ANY));
	expect_errno(ebpf_map_lookup(wo, &key, &value), EPERM);
	close(wo);

	/* The _PROG flags restrict programs, not the syscall side. */
	ro = expect_ok(ebpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1,
				       BPF_F_RDONLY_PROG));
	expect_ok(ebpf_map_update(ro, &key, &value, BPF_ANY));
	expect_ok(ebpf_map_lookup(ro, &key, &value));
	close(ro);
}

static int create_named(const char *name, size_t len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	memcpy(attr.map_name, name, len);
	return sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static void map_name(void)
{
	close(expect_ok(create_named("counters.v2_ok", 15)));
	close(expect_ok(create_named("", 1)));
	expect_errno(create_named("bad-name", 9), EINVAL);
	expect_errno(create_named("has space", 10), EINVAL);
	/* Sixteen name bytes leave no room for the terminating NUL. */
	expect_errno(create_named("abcdefghijklmnop", BPF_OBJ_NAME_LEN), EINVAL);
}

static void numa_node(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	attr.map_flags = BPF_F_NUMA_NODE;
	attr.numa_node = 0;
	close(expect_ok(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr))));
	attr.numa_node = 4096;
	expect_errno(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)), EINVAL);
}

static void fd_is_cloexec(void)
{
	int fd = expect_ok(array(4, 1));

	expect(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	expect_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	close(fd);
}

/*
 * close() frees the map: far more map memory is created and closed than
 * the guest has. Freeing runs from a workqueue, so a short wait for it
 * is allowed, never a failure.
 */
static void close_frees_map(void)
{
	const uint32_t value_size = 1 << 16, entries = 256;	/* 16 MiB */
	uint32_t key = entries - 1;
	static char value[1 << 16];
	int i, fd, waits = 0;

	for (i = 0; i < 256 && !tap_failed; i++) {	/* 4 GiB in all */
		fd = array(value_size, entries);
		if (fd < 0 && errno == ENOMEM && waits++ < 500) {
			usleep(10000);
			i--;
			continue;
		}
		if (fd < 0) {
			tap_fail("map %d: %s after %d waits", i,
				 strerror(errno), waits);
			break;
		}
		value[0] = i;
		expect_ok(ebpf_map_update(fd, &key, value, BPF_ANY));
		close(fd);
	}
}

/*
 * BPF_PROG_TEST_RUN with both data_out and ctx_out: ENOSPC says the
 * data was cut (data_size_out smaller than the packet) or the context
 * was (ctx_size_out smaller than a __sk_buff), each on its own, as
 * upstream's; a packet longer than a __sk_buff is no reason.
 */
static void test_run_data_and_ctx_out(void)
{
	const struct bpf_insn ret1[] = { MOV64I(R0, 1), EXIT() };
	static uint8_t data[1000], out[1000];
	struct __sk_buff ctx = {};
	union bpf_attr attr;
	int fd;

	fd = expect_ok(ebpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret1, 2,
				      NULL, 0));
	data[12] = 0x08;	/* an IPv4 frame */
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = sizeof(data);
	attr.test.data_out = ptr_to_u64(out);
	attr.test.data_size_out = sizeof(out);
	attr.test.ctx_out = ptr_to_u64(&ctx);
	attr.test.ctx_size_out = sizeof(ctx);
	expect_ok(sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)));
	expect_eq(attr.test.retval, 1);
	expect_eq(attr.test.data_size_out, sizeof(data));

	/* a 64-byte frame cut to 20 bytes, the whole context given back */
	attr.test.data_size_in = 64;
	attr.test.data_size_out = 20;
	attr.test.ctx_size_out = sizeof(ctx);
	expect_errno(sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)), ENOSPC);
	expect_eq(attr.test.data_size_out, 64);
	close(fd);
}

static const struct tap_case cases[] = {
	TAP_CASE(array_update_lookup),
	TAP_CASE(array_odd_value_size),
	TAP_CASE(array_update_flags),
	TAP_CASE(array_index_out_of_range),
	TAP_CASE(array_create_invalid),
	TAP_CASE(array_too_large),
	TAP_CASE(unknown_command),
	TAP_CASE(unknown_map_type),
	TAP_CASE(attr_tail_beyond_kernel),
	TAP_CASE(attr_larger_than_page),
	TAP_CASE(attr_shorter_than_union),
	TAP_CASE(attr_unused_field_set),
	TAP_CASE(attr_bad_pointer),
	TAP_CASE(elem_bad_pointers),
	TAP_CASE(elem_bad_fd),
	TAP_CASE(lookup_flags),
	TAP_CASE(access_flags),
	TAP_CASE(map_name),
	TAP_CASE(numa_node),
	TAP_CASE(fd_is_cloexec),
	TAP_CASE(close_frees_map),
	TAP_CASE(test_run_data_and_ctx_out),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
