#!/bin/sh
# The suites whose programs the JIT compiles everywhere else (the kernel
# turns net.core.bpf_jit_enable on by default), run again on the
# interpreter: the same verdicts and the same results are expected of
# both runtimes. Runs before test_unpriv_lock, which turns unprivileged
# bpf(2) off for good.
jit=/proc/sys/net/core/bpf_jit_enable
if [ ! -e $jit ]; then
	echo "ok 1 interpreter # SKIP this kernel has no JIT: every suite ran interpreted"
	exit 0
fi
old=$(cat $jit)
echo 0 >$jit
status=0
for t in /tests/test_verifier /tests/test_classic /suites/test_bpf_upstream_verifier.sh; do
	[ -x $t ] || continue
	echo "# interpreter: $(basename $t)"
	$t || status=1
done
# the C corpus's bpf-to-bpf calls, which test_verifier's cases only sample
if [ -x /tests/test_c_progs ]; then
	echo "# interpreter: test_c_progs subprogs"
	/tests/test_c_progs subprogs || status=1
fi
echo $old >$jit
exit $status
