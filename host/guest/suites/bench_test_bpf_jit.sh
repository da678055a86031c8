#!/bin/sh
# JIT speed: upstream's lib/test_bpf.ko with the JIT on, the ns per run
# each test reports; test_bpf.sh reads them from the log.
exec /suites/test_bpf.sh --jit 1 --bench
