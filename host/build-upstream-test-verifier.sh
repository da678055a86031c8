#!/bin/bash
# Build upstream's test_verifier from the base tree as a static guest
# binary: libbpf (static, from tools/lib/bpf) and the selftest, in a
# private copy of the sources they need so that the base stays pristine.
#
# usage: build-upstream-test-verifier.sh BASE BUILD OUT
set -euo pipefail
base=$1 b=$2 out=$3
w=$b/upstream-tv
src=$w/src
sel=$src/tools/testing/selftests/bpf

rm -rf "$w"
mkdir -p "$src" "$w/libbpf" "$w/root"
(cd "$base" && tar cf - tools/lib/bpf tools/include tools/scripts tools/build \
	tools/arch/x86/include include/uapi scripts/bpf_doc.py \
	tools/testing/selftests/bpf/test_verifier.c \
	tools/testing/selftests/bpf/testing_helpers.c \
	tools/testing/selftests/bpf/cap_helpers.c \
	tools/testing/selftests/bpf/verifier \
	$(cd "$base" && ls tools/testing/selftests/bpf/*.h)) | tar xf - -C "$src"

echo "  LIBBPF  $w/libbpf/libbpf.a"
make -s -C "$src/tools/lib/bpf" OUTPUT="$w/libbpf/" BUILD_STATIC_ONLY=1 \
	DESTDIR="$w/root" prefix= -j"$(nproc)" "$w/libbpf/libbpf.a" \
	install_headers >"$w/libbpf.log" 2>&1 ||
	{ cat "$w/libbpf.log" >&2; exit 1; }

# The selftests' Makefile generates this list of the test files.
{
	echo '/* Generated header, do not edit */'
	echo '#ifdef FILL_ARRAY'
	(cd "$sel/verifier" && ls ./*.c | sed -e 's@^\./\(.*\)@#include "\1"@')
	echo '#endif'
} >"$sel/verifier/tests.h"

echo "  GUESTCC $out"
mkdir -p "$(dirname "$out")"
gcc -static -O2 -w -I"$sel" -I"$w/root/include" -I"$w/libbpf" \
	-I"$src/tools/include" -I"$src/tools/include/uapi" \
	-o "$out" "$sel/test_verifier.c" "$sel/testing_helpers.c" \
	"$sel/cap_helpers.c" "$w/libbpf/libbpf.a" -lelf -lz -lrt -lpthread \
	2>"$w/link.log" || { cat "$w/link.log" >&2; exit 1; }
