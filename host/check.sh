#!/bin/bash
# The project's style gates: checkpatch --strict on every file we add
# and every patch of the series, and sparse on the objects we build.
#
# usage: check.sh REPO SRC OBJ SERIES
set -uo pipefail
repo=$1 src=$2 obj=$3 series=$4
cd "$repo"
fail=0
tops=$(ls -d arch Documentation include kernel lib net samples tools 2>/dev/null)
files=$(git ls-files -co --exclude-standard -- $tops | grep -E '\.(c|h)$|Makefile$|Kconfig$')
echo "  CHECKPATCH files"
# shellcheck disable=SC2086
"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files || fail=1
echo "  CHECKPATCH series"
# The exported series (make series) carries every patch and every added
# file as a mail; run from inside its folder, since from the repository
# root checkpatch misreads blank context lines as added whitespace.
(cd "$series" && "$src/scripts/checkpatch.pl" --strict --no-tree --terse \
	--ignore FILE_PATH_CHANGES ./*.patch) || fail=1
objs=$(git ls-files -co --exclude-standard -- arch kernel lib net | sed -n 's/\.c$/.o/p')
echo "  SPARSE " $objs
# shellcheck disable=SC2086
make -s -C "$src" O="$obj" ARCH=x86_64 C=2 $objs 2>&1 | tee "$obj/.sparse.log"
# bench_flow_dissect's module, built out of tree (see the Makefile)
extmod=$(dirname "$obj")/extmod-ours
echo "  SPARSE  $extmod"
make -s -C "$src" O="$obj" ARCH=x86_64 M="$extmod" C=2 modules 2>&1 |
	tee -a "$obj/.sparse.log"
! grep -qE 'warning:|error:' "$obj/.sparse.log" || fail=1
exit $fail
