#!/bin/sh
# samples/bpf/sock_example: a socket filter counts the packets lo
# receives per IP protocol while the sample sends TCP, UDP and ICMP
# traffic; it exits 0 only if the counts match what it sent.
s=/samples/sock_example
[ -x $s ] || { echo "ok 1 sock_example # SKIP not built"; echo "1..1"; exit 0; }
$s >/tmp/sock_example.out 2>&1
rc=$?
sed 's/^/# /' /tmp/sock_example.out
if [ $rc = 0 ]; then
	echo "ok 1 sock_example: the filter's counts match the traffic sent"
else
	echo "not ok 1 sock_example: exit status $rc"
fi
echo "1..1"
