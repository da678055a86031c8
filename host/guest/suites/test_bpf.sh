#!/bin/sh
# Upstream's lib/test_bpf.ko, by default run by the interpreter: the JIT
# is turned off where the kernel has one (net.core.bpf_jit_enable=0).
# Each of the module's suites (test_bpf, test_tail_calls,
# test_skb_segment) is one insmod. Every test's result line in the
# kernel log becomes a TAP line, and each suite ends with a line checking
# its "Summary:" against them.
#
# With --jit 1 every test must also have been JIT-compiled, except those
# upstream's own JIT leaves to the interpreter too, which
# test_bpf_not_jited.txt lists. --harden N sets net.core.bpf_jit_harden
# (2: constant blinding for every program). Both sysctls are restored.
#
# usage: test_bpf.sh [--jit 0|1] [--harden 0|1|2] [FILTER]
#        test_bpf.sh [--jit 0|1] --bench   (instead of TAP, "bench" lines
#                    with each test's ns per run, summed over its data)
set -u
bench=0 want_jit=0 want_harden=0
while [ $# -gt 0 ]; do
	case "$1" in
	--bench) bench=1; shift ;;
	--jit) want_jit=$2; shift 2 ;;
	--harden) want_harden=$2; shift 2 ;;
	*) break ;;
	esac
done
filter=${1:-}
mod=$(find /lib/modules -name test_bpf.ko 2>/dev/null | head -n 1)
if [ -z "$mod" ]; then
	echo "ok 1 test_bpf # SKIP test_bpf.ko is not installed"
	exit 0
fi
jit=/proc/sys/net/core/bpf_jit_enable
harden=/proc/sys/net/core/bpf_jit_harden
if [ ! -e $jit ] && [ $want_jit != 0 ]; then
	echo "ok 1 test_bpf # SKIP this kernel has no JIT"
	exit 0
fi
old_jit=$(cat $jit 2>/dev/null) old_harden=$(cat $harden 2>/dev/null)
[ ! -e $jit ] || echo $want_jit >$jit
[ ! -e $harden ] || echo $want_harden >$harden

# The log is read as it is written: the ring buffer is smaller than what
# the three suites print.
log=/tmp/test_bpf.kmsg
cat /dev/kmsg >$log &
reader=$!
# /dev/kmsg starts with what is still in the ring buffer, earlier runs
# of this script included: only what follows this run's mark counts.
run="$$ $(cut -d' ' -f1 /proc/uptime)"
echo "test_bpf.sh: run $run" >/dev/kmsg
# TEST_BPF_SUITES (for instance test_tail_calls) runs only those suites
suites=${TEST_BPF_SUITES:-test_bpf test_tail_calls test_skb_segment}
for suite in $suites; do
	echo "test_bpf.sh: begin $suite" >/dev/kmsg
	# TEST_BPF_ARGS (for instance test_range=0,99) narrows a run
	insmod "$mod" test_suite=$suite ${TEST_BPF_ARGS:-}
	status=$?
	[ $status != 0 ] || rmmod test_bpf
	echo "test_bpf.sh: end $suite $status" >/dev/kmsg
done
echo "test_bpf.sh: done $run" >/dev/kmsg
i=0
until grep -q "test_bpf.sh: done $run" $log || [ $i = 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $reader
[ -z "$old_jit" ] || echo $old_jit >$jit
[ -z "$old_harden" ] || echo $old_harden >$harden

# A /dev/kmsg record is "prio,seq,time,flags;text" (lines of its
# dictionary follow, starting with a space). A test's result line comes
# in pieces when another message cuts into it: the later pieces are
# records flagged "c", for continuation.
sed -n 's/^[^ ][^,]*,[^,]*,[^,]*,\([^,;]*\)[^;]*;/\1 /p' $log |
awk -v filter="$filter" -v bench=$bench -v jit=$want_jit -v run="$run" \
    -v not_jited=/suites/test_bpf_not_jited.txt '
BEGIN {
	while (jit && (getline line <not_jited) > 0)
		if (line !~ /^#/ && line != "")
			interpreted[line] = 1
}
function report_time(name,   t, d, i, n, sum) {
	t = cur
	if (!sub(/.* jited:[01] /, "", t) || !sub(/ *PASS *$/, "", t))
		return
	n = split(t, d, " ")
	for (i = 1; i <= n; i++)
		sum += d[i]
	gsub(/[^A-Za-z0-9#]+/, "_", name)
	printf "bench %s%s/%s %d ns\n", jit ? "jit_" : "", suite,
	       substr(name, 1, 48), sum
}
function flush(   name, ok) {
	if (cur == "")
		return
	name = cur
	sub(/ (jited:|PASS|UNEXPECTED_PASS|FAIL|ret ).*$/, "", name)
	ok = cur ~ /(^| )PASS *$/
	# with the JIT on, not JIT-compiled is a failure unless upstream
	# does not compile that test either
	if (jit && ok && cur ~ / jited:0 / && !((suite "/" name) in interpreted)) {
		ok = 0
		cur = cur " (not JIT-compiled)"
	}
	if (bench) {
		report_time(name)
		cur = ""
		return
	}
	ran[suite]++
	if (ok)
		passed[suite]++
	if (filter == "" || index(name, filter))
		printf "%sok %d %s %s\n", ok ? "" : "not ", ++n, suite, name
	if (!ok)
		printf "# %s\n", cur
	cur = ""
}
{ flags = $1; sub(/^[^ ]* /, "") }
$0 == "test_bpf.sh: run " run { mine = 1; next }
!mine { next }
flags == "c" { if (cur != "") cur = cur $0; next }
/^test_bpf\.sh: begin / { suite = $3; summary = ""; next }
/^test_bpf\.sh: end / {
	flush()
	if (bench)
		next
	split(summary, count, /[^0-9]+/)
	ok = summary != "" && $4 == 0 && count[1] == passed[suite] + 0 &&
	     count[1] == ran[suite] + 0 && count[2] == 0
	printf "%sok %d %s summary: %s (insmod status %d, %d of %d lines PASS)\n",
	       ok ? "" : "not ", ++n, suite, summary == "" ? "missing" : summary,
	       $4, passed[suite], ran[suite]
	next
}
/^test_bpf: #[0-9]+ / { flush(); cur = substr($0, 11); next }
/Summary: / { flush(); summary = $0; sub(/.*Summary: /, "", summary); next }
END { if (!bench) printf "1..%d\n", n }
'
