#!/bin/sh
# samples/bpf/syscall_count (restricted C, attached by libbpf with
# bpf_program__attach_tracepoint): it exits 0 only if the program counted
# exactly the getpgid(2) calls the sample made and summed their arguments.
s=/samples/syscall_count_user
[ -x $s ] || { echo "ok 1 syscall_count # SKIP not built"; echo "1..1"; exit 0; }
$s >/tmp/syscall_count.out 2>&1
rc=$?
sed 's/^/# /' /tmp/syscall_count.out
if [ $rc = 0 ]; then
	echo "ok 1 syscall_count: the tracepoint program counted every getpgid"
else
	echo "not ok 1 syscall_count: exit status $rc"
fi
echo "1..1"
