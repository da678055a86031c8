// SPDX-License-Identifier: GPL-2.0
/*
 * A bpf(2) array map as shared storage: count the lengths of the words
 * of a text into a map, then read the histogram back out of the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ebpf.h"

#define MAX_LEN 16
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const words[] = {
	"In", "the", "beginning", "the", "kernel", "had", "classic", "socket",
	"filters", "and", "then", "it", "grew", "maps", "programs", "a",
	"verifier", "an", "interpreter", "and", "a", "compiler",
};

int main(void)
{
	__u64 count, total = 0;
	unsigned int i;
	__u32 len;
	int fd;

	fd = ebpf_map_create(BPF_MAP_TYPE_ARRAY, sizeof(__u32),
			     sizeof(__u64), MAX_LEN, 0);
	if (fd < 0) {
		printf("BPF_MAP_CREATE: %s\n", strerror(errno));
		return 1;
	}
	printf("created an array map: fd %d, %d slots of u64\n", fd, MAX_LEN);

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		len = strlen(words[i]);
		if (len >= MAX_LEN)
			len = MAX_LEN - 1;
		if (ebpf_map_lookup(fd, &len, &count) ||
		    (count++, ebpf_map_update(fd, &len, &count, BPF_ANY))) {
			printf("map access: %s\n", strerror(errno));
			return 1;
		}
	}

	printf("word lengths, read back from the kernel:\n");
	for (len = 1; len < MAX_LEN; len++) {
		if (ebpf_map_lookup(fd, &len, &count))
			return 1;
		if (!count)
			continue;
		total += count;
		printf("  %2u letters: %2llu %.*s\n", len,
		       (unsigned long long)count, (int)count,
		       "##################################");
	}
	printf("%llu words\n", (unsigned long long)total);
	len = MAX_LEN;
	if (ebpf_map_lookup(fd, &len, &count) && errno == ENOENT)
		printf("slot %u is past max_entries: ENOENT, as expected\n", len);
	close(fd);
	return 0;
}
