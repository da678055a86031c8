#!/bin/sh
# samples/bpf/sockex2 (a flow dissector in restricted C, with bpf-to-bpf
# calls, loaded by libbpf): it exits 0 only if the UDP flow it made over
# loopback has exactly the packets and bytes it sent.
s=/samples/sockex2_user
[ -x $s ] || { echo "ok 1 sockex2 # SKIP not built"; echo "1..1"; exit 0; }
$s >/tmp/sockex2.out 2>&1
rc=$?
sed 's/^/# /' /tmp/sockex2.out
if [ $rc = 0 ]; then
	echo "ok 1 sockex2: the dissected UDP flow matches what was sent"
else
	echo "not ok 1 sockex2: exit status $rc"
fi
echo "1..1"
