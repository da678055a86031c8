#!/bin/sh
# Upstream's lib/test_bpf.ko with the JIT on and every constant blinded
# (net.core.bpf_jit_harden=2): the same results as without blinding.
exec /suites/test_bpf.sh --jit 1 --harden 2 "$@"
