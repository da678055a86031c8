#!/bin/bash
# make differential: the verdicts of COUNT random programs (the extended
# generator of tools/testing/selftests/bpf/random_prog.h, from SEED) on
# our kernel and on the reference kernel, booted side by side, then
# compared; every program only we accept is searched for an
# out-of-bounds run by the checking interpreter oob_search (on the
# host, which regenerates the programs from the seed).
#
# usage: differential.sh --progs COUNT --seed SEED --runs RUNS
#                        [--kernel ours|ours-debug] [--partial]
# Writes build/differential/: the guests' logs, the program numbers of
# each kind of disagreement, oob_search's findings, and report.txt.
# --partial runs no guest: it compares the programs that both existing
# logs (build/verdicts-*.log, perhaps of runs cut short) have verdicts
# for.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
b=$(dirname "$here")/build
out=$b/differential
count=100000 seed=1 runs=3000 kernel=ours partial=0
while [ $# -gt 0 ]; do
	case "$1" in
	--progs) count=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--partial) partial=1; shift ;;
	*) echo "differential: unknown argument $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
# TCG loads a few hundred programs a second; leave room for slow days.
limit=$((600 + count / 20))
start=$(date +%s)
# A finished run of the same count and seed, newer than the kernel and
# the guest it ran, is not run again (each takes long under TCG).
fresh() {
	local log=$b/verdicts-$1.log image
	[ "$1" = reference ] && image=$b/ref || image=$b/obj
	[ "$1" = ours-debug ] && image=$b/obj-debug
	grep -q "^VDONE $count $seed\$" "$log" 2>/dev/null &&
		[ "$log" -nt "$image/arch/x86/boot/bzImage" ] &&
		[ "$log" -nt "$b/guest/tests/test_verifier_random" ]
}
pids=()
for k in "$kernel" reference; do
	if [ $partial = 1 ] || fresh "$k"; then
		echo "  verdicts of $k: reusing build/verdicts-$k.log"
		continue
	fi
	"$here/run-qemu.sh" --kernel "$k" --mode verdicts --timeout "$limit" \
		-- "$count" "$seed" >"$out/run-$k.out" 2>&1 &
	pids+=($!)
done
fail=0
for p in "${pids[@]}"; do
	wait "$p" || fail=1
done
for k in "$kernel" reference; do
	cp "$b/verdicts-$k.log" "$out/verdicts-$k.log"
	[ $partial = 1 ] || grep -q "^VDONE $count $seed" "$out/verdicts-$k.log" || {
		echo "differential: the $k guest did not finish; see $out/run-$k.out" >&2
		fail=1
	}
done
[ $fail = 0 ] || exit 1
echo "  guests done in $(($(date +%s) - start)) s"

python3 - "$out" "$kernel" "$count" <<'PY'
import sys
out, kernel, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

def verdicts(name):
    accepted = [None] * count
    for line in open(f"{out}/verdicts-{name}.log", errors="replace"):
        fields = line.split()
        if len(fields) != 3 or fields[0] != "VB":
            continue
        first = int(fields[1])
        try:
            bits = bytes.fromhex(fields[2])
        except ValueError:
            continue    # a line cut when a partial run was stopped
        for i in range(min(len(bits) * 8, count - first)):
            accepted[first + i] = bool(bits[i // 8] >> (i % 8) & 1)
    return accepted

ours, ref = verdicts(kernel), verdicts("reference")
kinds = {"both_accept": [], "both_refuse": [], "ours_only": [],
         "reference_only": []}
compared = 0
for i, (a, b) in enumerate(zip(ours, ref)):
    if a is None or b is None:
        continue
    compared += 1
    kinds["both_accept" if a and b else "both_refuse" if not a and not b
          else "ours_only" if a else "reference_only"].append(i)
for k, v in kinds.items():
    with open(f"{out}/{k}.txt", "w") as f:
        f.writelines(f"{i}\n" for i in v)
with open(f"{out}/counts.txt", "w") as f:
    f.write(f"total {compared}\n")
    for k, v in kinds.items():
        f.write(f"{k} {len(v)}\n")
PY
# oob_search.txt: one line per program, each witness with its listing
"$b/host-tools/oob_search" -v "$seed" "$count" "$runs" <"$out/ours_only.txt" \
	>"$out/oob_search.txt"
# The interpreter's calibration: on programs both kernels accept, a
# witness is a false alarm of oob_search (or a bug of both verifiers).
head -n 5000 "$out/both_accept.txt" |
	"$b/host-tools/oob_search" -v "$seed" "$count" "$runs" \
	>"$out/oob_search_both_accept.txt"
{
	echo "differential: seed $seed, $count programs asked, $runs runs per disagreement"
	cat "$out/counts.txt"
	echo "ours_only with an out-of-bounds witness: $(grep -c '^W ' "$out/oob_search.txt" || true)"
	tail -n 1 "$out/oob_search.txt"
	echo "calibration on programs both accept (expected: no witness):"
	tail -n 1 "$out/oob_search_both_accept.txt"
} | tee "$out/report.txt"
