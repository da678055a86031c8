/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoint programs from user space, for the samples, tests and
 * benchmarks: tracefs, perf_event_open() of a trace event with a
 * program attached (PERF_EVENT_IOC_SET_BPF), and reading a perf ring
 * buffer. Calls follow the syscall convention, as in ebpf.h.
 */
#ifndef __EBPF_TRACE_H
#define __EBPF_TRACE_H

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ebpf.h"

#define TRACEFS "/sys/kernel/tracing"

/* Mounts tracefs unless it is there already; 0 or -1. */
static inline int tracefs_mount(void)
{
	struct stat st;

	if (!stat(TRACEFS "/events", &st))
		return 0;
	return mount("tracefs", TRACEFS, "tracefs", 0, NULL);
}

/* Writes @text to the tracefs file @path (relative to TRACEFS). */
static inline int tracefs_write(const char *path, const char *text)
{
	char full[256];
	ssize_t n;
	int fd, err;

	snprintf(full, sizeof(full), TRACEFS "/%s", path);
	fd = open(full, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : 0;
}

/* The id of the trace event "system/name", or -1. */
static inline int trace_event_id(const char *event)
{
	char path[256];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), TRACEFS "/events/%s/id", event);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &id) != 1)
		id = -1;
	fclose(f);
	return id;
}

static inline int perf_event_open(struct perf_event_attr *attr, pid_t pid,
				  int cpu, int group_fd, unsigned long flags)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}

/*
 * A perf event on the trace event "system/name", for this task on any
 * CPU. With @sample, every hit becomes a sample carrying the raw record.
 */
static inline int trace_event_open(const char *event, int sample)
{
	struct perf_event_attr attr;
	int id = trace_event_id(event);

	if (id < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	if (sample)
		attr.sample_type = PERF_SAMPLE_RAW;
	return perf_event_open(&attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Runs program @prog_fd on every hit of the event; the perf fd, or -1. */
static inline int trace_event_attach(const char *event, int prog_fd)
{
	int fd = trace_event_open(event, 0);

	if (fd < 0)
		return -1;
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* The value of @field ("prog_id", ...) in the fdinfo of @fd, or -1. */
static inline long long fdinfo_field(int fd, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			v = strtoll(line + len + 1, NULL, 0);
	fclose(f);
	return v;
}

/* ---- perf ring buffers ---------------------------------------------- */

struct perf_ring {
	struct perf_event_mmap_page *meta;
	char *data;
	size_t size;		/* of the data area, a power of two */
	char record[65536];	/* a record that wraps, copied whole */
};

/* Maps the ring of @fd with 2^@order data pages. */
static inline int perf_ring_map(struct perf_ring *r, int fd, int order)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	r->size = page << order;
	p = mmap(NULL, page + r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		return -1;
	r->meta = p;
	r->data = (char *)p + page;
	return 0;
}

static inline void perf_ring_unmap(struct perf_ring *r)
{
	munmap(r->meta, sysconf(_SC_PAGESIZE) + r->size);
}

/*
 * Calls @fn for each record the kernel has written since the last call
 * and gives the space back; how many records there were.
 */
static inline int perf_ring_drain(struct perf_ring *r,
				  void (*fn)(const struct perf_event_header *,
					     void *),
				  void *arg)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;
	int n = 0;

	while (tail < head) {
		size_t off = tail & (r->size - 1);
		/* records are 8-byte aligned: a header never wraps */
		struct perf_event_header *h = (void *)(r->data + off);
		size_t len = h->size, first = r->size - off;

		if (first < len) {
			memcpy(r->record, h, first);
			memcpy(r->record + first, r->data, len - first);
			h = (void *)r->record;
		}
		fn(h, arg);
		tail += len;
		n++;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return n;
}

/* The raw data of a PERF_SAMPLE_RAW sample, and its size. */
static inline const void *perf_sample_raw(const struct perf_event_header *h,
					  uint32_t *size)
{
	const uint32_t *p = (const void *)(h + 1);

	*size = *p;
	return p + 1;
}

#endif
