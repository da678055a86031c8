#!/bin/sh
# Interpreter speed: upstream's lib/test_bpf.ko with the JIT off. Each
# test reports ns per run of its program for each of its data sets;
# their sum is the workload's value. The module runs its suites one
# after the other, each numbering its tests from #0.
echo 0 >/proc/sys/net/core/bpf_jit_enable 2>/dev/null
mod=$(find /lib/modules -name test_bpf.ko | head -n 1)
[ -n "$mod" ] || { echo "# test_bpf.ko not found"; exit 1; }
dmesg -c >/dev/null
insmod "$mod" 2>/dev/null
rmmod test_bpf 2>/dev/null
dmesg | sed -nE 's/.*test_bpf: #([0-9]+) (.*) jited:0 ([0-9 ]+)PASS$/\1|\2|\3/p' |
awk -F'|' '
BEGIN { split("test_bpf test_tail_calls", suites, " "); s = 1 }
$1 == 0 && seen { s++ }
{
	seen = 1
	n = split($3, d, " ")
	sum = 0
	for (i = 1; i <= n; i++)
		sum += d[i]
	name = $2
	gsub(/[^A-Za-z0-9]+/, "_", name)
	printf "bench %s/%04d_%s %d ns\n", suites[s], $1, substr(name, 1, 40), sum
}'
