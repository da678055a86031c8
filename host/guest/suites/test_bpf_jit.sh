#!/bin/sh
# Upstream's lib/test_bpf.ko with the JIT on: every test passes and is
# JIT-compiled, but for those upstream's JIT leaves to the interpreter.
exec /suites/test_bpf.sh --jit 1 "$@"
