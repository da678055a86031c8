#!/bin/sh
# The series' lib/test_bpf_runtime.ko: edge cases of the BPF runtime. The
# module prints its own TAP lines to the kernel log and stays loaded
# whatever they say; hand them on. On
# the reference kernel only the cases upstream's runtime decides itself
# are run (verified_only=1), if the module was built for it at all.
# The cases run interpreted; net.core.bpf_jit_enable is restored after.
#
# usage: test_bpf_runtime.sh [FILTER]
set -u
filter=${1:-}
mod=$(find /lib/modules -name test_bpf_runtime.ko 2>/dev/null | head -n 1)
if [ -z "$mod" ]; then
	echo "ok 1 test_bpf_runtime # SKIP test_bpf_runtime.ko is not installed"
	exit 0
fi
args=
[ "$(cat /etc/kernel-flavour 2>/dev/null)" != reference ] || args=verified_only=1
jit=/proc/sys/net/core/bpf_jit_enable
old_jit=$(cat $jit 2>/dev/null)
[ ! -e $jit ] || echo 0 >$jit

dmesg -c >/dev/null
insmod "$mod" $args
status=$?
[ $status != 0 ] || rmmod test_bpf_runtime
[ -z "$old_jit" ] || echo $old_jit >$jit
dmesg | sed -n 's/^.*test_bpf_runtime: //p' >/tmp/test_bpf_runtime.out
if [ -n "$filter" ]; then
	grep -E "^(not )?ok [0-9]+ .*$filter" /tmp/test_bpf_runtime.out
else
	cat /tmp/test_bpf_runtime.out
fi
if ! grep -q '^1\.\.' /tmp/test_bpf_runtime.out; then
	echo "not ok - test_bpf_runtime did not finish (insmod status $status)"
	exit 1
fi
