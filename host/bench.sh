#!/bin/bash
# Run the guest benchmarks on the reference kernel and on ours, booting
# them alternately (reference, ours, reference, ours, ...) so that both
# see the same machine noise, then compare.
#
# usage: bench.sh [--pairs N] [--timeout S] [-- NAME]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
b=$(dirname "$here")/build
pairs=3 limit=900
while [ $# -gt 0 ]; do
	case "$1" in
	--pairs) pairs=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
done
out=$b/bench
rm -rf "$out"
mkdir -p "$out"
for i in $(seq 1 "$pairs"); do
	for kernel in reference ours; do
		echo "  BENCH   pair $i/$pairs: $kernel"
		"$here/run-qemu.sh" --kernel "$kernel" --mode bench \
			--timeout "$limit" -- "$@" >/dev/null ||
			{ echo "bench: the $kernel guest failed; see $b/bench-$kernel.log" >&2; exit 1; }
		cp "$b/bench-$kernel.log" "$out/$i-$kernel.log"
	done
done
python3 "$here/bench-report.py" "$out" "$pairs" | tee "$out/report.txt"
