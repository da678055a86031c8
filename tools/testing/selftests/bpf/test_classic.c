// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF on the series' runtime: net/core/filter.c converts socket
 * and seccomp filters to eBPF, and kernel/bpf/core.c runs them.
 *
 * A socket filter's return value is how many bytes of the packet to
 * keep, 0 dropping it. The "computes" cases end in "ret a" over a known
 * 256-byte datagram, so the length that arrives is the value the filter
 * computed, checked against the same computation in C. Other cases
 * count exactly which packets of a stream arrive, and seccomp cases make
 * one system call fail while the others work.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define PKT_LEN 256
#define LEN(f) (sizeof(f) / sizeof((f)[0]))

static unsigned char pkt[PKT_LEN];

static void fill_pkt(void)
{
	int i;

	for (i = 0; i < PKT_LEN; i++)
		pkt[i] = i * 7 + 3;
}

static int attach(int fd, struct sock_filter *insns, unsigned short len)
{
	struct sock_fprog prog = { .len = len, .filter = insns };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/* A datagram socket pair whose receiving end, sv[1], runs the filter. */
static int filtered_pair(int sv[2], struct sock_filter *insns,
			 unsigned short len)
{
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return -1;
	if (insns && attach(sv[1], insns, len)) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	return 0;
}

/* Bytes of the datagram that came through, or -1 if none did. */
static long pass(int sv[2], const void *buf, size_t len)
{
	unsigned char in[2 * PKT_LEN];

	if (send(sv[0], buf, len, 0) != (long)len)
		return -2;
	return recv(sv[1], in, sizeof(in), MSG_DONTWAIT);
}

/* What "ret a" with this filter lets through of pkt. */
static long computed(struct sock_filter *insns, unsigned short len)
{
	long got;
	int sv[2];

	if (filtered_pair(sv, insns, len)) {
		tap_fail("attaching the filter: %s", strerror(errno));
		return -3;
	}
	got = pass(sv, pkt, PKT_LEN);
	close(sv[0]);
	close(sv[1]);
	return got;
}

static uint32_t be32_at(int off)
{
	return (uint32_t)pkt[off] << 24 | pkt[off + 1] << 16 |
	       pkt[off + 2] << 8 | pkt[off + 3];
}

static uint32_t be16_at(int off)
{
	return pkt[off] << 8 | pkt[off + 1];
}

static void computes_loads_and_alu(void)
{
	struct sock_filter word[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter half[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 0x55),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x7f),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter mul_mod[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 10),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 11),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 200),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter div_lsh_or[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 7),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 1),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter neg_sub[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_NEG, 0),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 5),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};

	fill_pkt();
	expect_eq(computed(word, LEN(word)), (be32_at(0) & 0xff) + 1);
	expect_eq(computed(half, LEN(half)),
		  (((be16_at(4) >> 3) ^ 0x55) & 0x7f) + 1);
	expect_eq(computed(mul_mod, LEN(mul_mod)),
		  (uint32_t)(pkt[10] * pkt[11]) % 200 + 1);
	expect_eq(computed(div_lsh_or, LEN(div_lsh_or)),
		  ((be16_at(6) / 7) << 2 | 1) & 0xff);
	expect_eq(computed(neg_sub, LEN(neg_sub)),
		  (uint32_t)(-(uint32_t)pkt[0] - 5) & 0xff);
}

static void computes_index_scratch_and_len(void)
{
	struct sock_filter indirect[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 3),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
		BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter length[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 100),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter msh[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 1),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter scratch[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 40),
		BPF_STMT(BPF_ST, 15),
		BPF_STMT(BPF_LDX | BPF_IMM, 2),
		BPF_STMT(BPF_STX, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 15),
		BPF_STMT(BPF_LDX | BPF_MEM, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};

	fill_pkt();
	expect_eq(computed(indirect, LEN(indirect)),
		  ((pkt[8] + pkt[20]) & 0xff) + 1);
	expect_eq(computed(length, LEN(length)), PKT_LEN - 100);
	expect_eq(computed(msh, LEN(msh)), 4 * (pkt[1] & 0xf) + 1);
	expect_eq(computed(scratch, LEN(scratch)), 42);
}

static void computes_branches(void)
{
	/* 10 if pkt[2] > 100, else 20 if pkt[2] & 4, else 30. */
	struct sock_filter branches[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 100, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 10),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 4, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 20),
		BPF_STMT(BPF_RET | BPF_K, 30),
	};
	/* pkt[i] == 7i + 3, so the loads below match (12, 29) or not. */
	struct sock_filter equal_x[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 12),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 87),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 29),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 206, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 77),
		BPF_STMT(BPF_RET | BPF_K, 66),
	};
	int expect;

	fill_pkt();
	expect = pkt[2] > 100 ? 10 : (pkt[2] & 4) ? 20 : 30;
	expect_eq(computed(branches, LEN(branches)), expect);
	expect_eq(computed(equal_x, LEN(equal_x)),
		  pkt[12] == 87 && pkt[29] >= 206 ? 77 : 66);
}

/* Only datagrams with an even first byte arrive, in order. */
static void unix_filter_counts(void)
{
	struct sock_filter even[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	unsigned char buf[8], in[8];
	int sv[2], i, arrived = 0;

	if (filtered_pair(sv, even, LEN(even))) {
		tap_fail("attaching the filter: %s", strerror(errno));
		return;
	}
	for (i = 0; i < 20; i++) {
		memset(buf, i, sizeof(buf));
		expect_eq(send(sv[0], buf, sizeof(buf), 0), sizeof(buf));
	}
	for (i = 0; i < 20; i += 2) {
		if (recv(sv[1], in, sizeof(in), MSG_DONTWAIT) != sizeof(in))
			break;
		expect_eq(in[0], i);
		arrived++;
	}
	expect_eq(arrived, 10);
	expect_errno(recv(sv[1], in, sizeof(in), MSG_DONTWAIT), EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

/*
 * UDP over loopback: the filter sees the UDP header at offset 0 and the
 * IP header through SKF_NET_OFF. Keep payloads whose first byte is below
 * 5 and whose IP protocol is UDP.
 */
static void udp_filter_counts(void)
{
	struct sock_filter small[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_NET_OFF + 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 5, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t alen = sizeof(addr);
	int rx, tx, i, arrived = 0;
	unsigned char b;

	rx = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	tx = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	expect_ok(bind(rx, (struct sockaddr *)&addr, sizeof(addr)));
	expect_ok(getsockname(rx, (struct sockaddr *)&addr, &alen));
	expect_ok(attach(rx, small, LEN(small)));
	for (i = 0; i < 12; i++) {
		b = i;
		expect_eq(sendto(tx, &b, 1, 0, (struct sockaddr *)&addr,
				 sizeof(addr)), 1);
	}
	while (recv(rx, &b, 1, MSG_DONTWAIT) == 1) {
		expect_eq(b, arrived);
		arrived++;
	}
	expect_eq(arrived, 5);
	close(rx);
	close(tx);
}

/* "ret #k" below the length trims the datagram; "ret #0" drops it. */
static void unix_filter_trims(void)
{
	struct sock_filter byte1[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	unsigned char buf[16] = { 0 };
	int sv[2], k;

	if (filtered_pair(sv, byte1, LEN(byte1))) {
		tap_fail("attaching the filter: %s", strerror(errno));
		return;
	}
	for (k = 0; k <= 20; k += 4) {
		buf[1] = k;
		expect_eq(pass(sv, buf, sizeof(buf)),
			  k == 0 ? -1 : k < 16 ? k : 16);
	}
	close(sv[0]);
	close(sv[1]);
}

static void detach_and_get_filter(void)
{
	struct sock_filter none[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	unsigned char buf[4] = { 1, 2, 3, 4 };
	socklen_t len = 0;
	int sv[2], unused = 0;

	if (filtered_pair(sv, none, LEN(none))) {
		tap_fail("attaching the filter: %s", strerror(errno));
		return;
	}
	expect_eq(pass(sv, buf, sizeof(buf)), -1);
	/* With a zero length, SO_GET_FILTER tells the instruction count. */
	expect_eq(getsockopt(sv[1], SOL_SOCKET, SO_GET_FILTER, NULL, &len), 0);
	expect_eq(len, LEN(none));
	expect_ok(setsockopt(sv[1], SOL_SOCKET, SO_DETACH_FILTER, &unused,
			     sizeof(unused)));
	expect_eq(pass(sv, buf, sizeof(buf)), sizeof(buf));
	expect_errno(setsockopt(sv[1], SOL_SOCKET, SO_DETACH_FILTER, &unused,
				sizeof(unused)), ENOENT);
	close(sv[0]);
	close(sv[1]);
}

static void bad_filters_refused(void)
{
	struct sock_filter jump_out[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter no_ret[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	};
	struct sock_filter unset_mem[] = {
		BPF_STMT(BPF_LD | BPF_MEM, 4),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter div_zero[] = {
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	int fd = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	expect_errno(attach(fd, jump_out, LEN(jump_out)), EINVAL);
	expect_errno(attach(fd, no_ret, LEN(no_ret)), EINVAL);
	expect_errno(attach(fd, unset_mem, LEN(unset_mem)), EINVAL);
	expect_errno(attach(fd, div_zero, LEN(div_zero)), EINVAL);
	expect_errno(attach(fd, jump_out, 0), EINVAL);
	close(fd);
}

/* Division by a zero X at run time ends the filter with 0: dropped. */
static void div_by_zero_x_drops(void)
{
	struct sock_filter div_x[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 100),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	unsigned char buf[200] = { 0 };
	int sv[2];

	if (filtered_pair(sv, div_x, LEN(div_x))) {
		tap_fail("attaching the filter: %s", strerror(errno));
		return;
	}
	expect_eq(pass(sv, buf, sizeof(buf)), -1);
	buf[0] = 10;
	expect_eq(pass(sv, buf, sizeof(buf)), 11);
	close(sv[0]);
	close(sv[1]);
}

/* Run fn in a child that first installs the seccomp filter insns. */
static int in_seccomp_child(struct sock_filter *insns, unsigned short len,
			    int (*fn)(void))
{
	struct sock_fprog prog = { .len = len, .filter = insns };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(100);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       200 + WTERMSIG(status);
}

/* getppid() fails with EPERM; getpid(), write() and others still work. */
static int getppid_denied(void)
{
	int fds[2];
	char c = 'x';

	errno = 0;
	if (syscall(SYS_getppid) != -1 || errno != EPERM)
		return 1;
	if (syscall(SYS_getpid) != getpid() || getpid() <= 1)
		return 2;
	if (pipe(fds) || write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
		return 3;
	return 0;
}

static void seccomp_one_syscall_eperm(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	expect_eq(in_seccomp_child(filter, LEN(filter), getppid_denied), 0);
	/* The parent is not filtered. */
	expect(syscall(SYS_getppid) >= 0);
}

/* getpriority(PRIO_PROCESS, 4242) is refused by argument, others run. */
static int getpriority_4242_denied(void)
{
	errno = 0;
	if (getpriority(PRIO_PROCESS, 4242) != -1 || errno != EACCES)
		return 1;
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) == -1 && errno)
		return 2;
	errno = 0;
	if (getpriority(PRIO_PROCESS, 4243) != -1 || errno != ESRCH)
		return 3;
	return 0;
}

static void seccomp_by_argument(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpriority, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 4242, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	expect_eq(in_seccomp_child(filter, LEN(filter),
				   getpriority_4242_denied), 0);
}

/* The process is killed: the exit status carries SIGSYS. */
static int calls_getppid(void)
{
	syscall(SYS_getppid);
	return 0;
}

static void seccomp_kill(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	expect_eq(in_seccomp_child(filter, LEN(filter), calls_getppid),
		  200 + SIGSYS);
}

static const struct tap_case cases[] = {
	TAP_CASE(computes_loads_and_alu),
	TAP_CASE(computes_index_scratch_and_len),
	TAP_CASE(computes_branches),
	TAP_CASE(unix_filter_counts),
	TAP_CASE(udp_filter_counts),
	TAP_CASE(unix_filter_trims),
	TAP_CASE(detach_and_get_filter),
	TAP_CASE(bad_filters_refused),
	TAP_CASE(div_by_zero_x_drops),
	TAP_CASE(seccomp_one_syscall_eperm),
	TAP_CASE(seccomp_by_argument),
	TAP_CASE(seccomp_kill),
	{}
};

int main(int argc, char **argv)
{
	return tap_run(cases, argc, argv);
}
