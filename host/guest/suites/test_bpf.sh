#!/bin/sh
# Upstream's lib/test_bpf.ko, run by the interpreter: the JIT is turned
# off where the kernel has one (net.core.bpf_jit_enable=0). Each of the
# module's suites (test_bpf, test_tail_calls, test_skb_segment) is one
# insmod. Every test's result line in the kernel log becomes a TAP line,
# and each suite ends with a line checking its "Summary:" against them.
#
# usage: test_bpf.sh [FILTER]   (FILTER selects test lines by name)
#        test_bpf.sh --bench    (instead of TAP, "bench" lines with each
#                                test's ns per run, summed over its data)
set -u
bench=0
[ "${1:-}" != --bench ] || { bench=1; shift; }
filter=${1:-}
mod=$(find /lib/modules -name test_bpf.ko 2>/dev/null | head -n 1)
if [ -z "$mod" ]; then
	echo "ok 1 test_bpf # SKIP test_bpf.ko is not installed"
	exit 0
fi
jit=/proc/sys/net/core/bpf_jit_enable
[ ! -e $jit ] || echo 0 >$jit

# The log is read as it is written: the ring buffer is smaller than what
# the three suites print.
log=/tmp/test_bpf.kmsg
cat /dev/kmsg >$log &
reader=$!
for suite in test_bpf test_tail_calls test_skb_segment; do
	echo "test_bpf.sh: begin $suite" >/dev/kmsg
	insmod "$mod" test_suite=$suite
	status=$?
	[ $status != 0 ] || rmmod test_bpf
	echo "test_bpf.sh: end $suite $status" >/dev/kmsg
done
i=0
until grep -q 'test_bpf.sh: end test_skb_segment' $log || [ $i = 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $reader

# A /dev/kmsg record is "prio,seq,time,flags;text" (lines of its
# dictionary follow, starting with a space). A test's result line comes
# in pieces when another message cuts into it: the later pieces are
# records flagged "c", for continuation.
sed -n 's/^[^ ][^,]*,[^,]*,[^,]*,\([^,;]*\)[^;]*;/\1 /p' $log |
awk -v filter="$filter" -v bench=$bench '
function report_time(name,   t, d, i, n, sum) {
	t = cur
	if (!sub(/.* jited:0 /, "", t) || !sub(/ *PASS *$/, "", t))
		return
	n = split(t, d, " ")
	for (i = 1; i <= n; i++)
		sum += d[i]
	gsub(/[^A-Za-z0-9#]+/, "_", name)
	printf "bench %s/%s %d ns\n", suite, substr(name, 1, 48), sum
}
function flush(   name, ok) {
	if (cur == "")
		return
	name = cur
	sub(/ (jited:|PASS|UNEXPECTED_PASS|FAIL|ret ).*$/, "", name)
	ok = cur ~ /(^| )PASS *$/
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
