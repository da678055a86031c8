#!/bin/sh
# samples/bpf/sockex1 (restricted C loaded by libbpf): a socket filter
# counts the bytes lo receives per IP protocol while the sample sends UDP
# over loopback; it exits 0 only if UDP's count is the bytes it sent.
s=/samples/sockex1_user
[ -x $s ] || { echo "ok 1 sockex1 # SKIP not built"; echo "1..1"; exit 0; }
$s >/tmp/sockex1.out 2>&1
rc=$?
sed 's/^/# /' /tmp/sockex1.out
if [ $rc = 0 ]; then
	echo "ok 1 sockex1: the program's UDP bytes match the frames sent"
else
	echo "not ok 1 sockex1: exit status $rc"
fi
echo "1..1"
