# The eBPF series' driver. See README.md.
#
#   make                build our kernel, guest programs and initramfs
#   make test           boot it under QEMU and run every guest test
#   make test T=suite   run one suite (T="suite filter" for one case)
#   make vals-test      the verifier's abstract domain, checked on the host
#   make demo           boot it and run the samples/bpf demos
#   make shell          interactive guest shell
#   make reference      build upstream's own BPF stack from the same base
#   make test KERNEL=reference   run the guest tests on the reference
#   make bench          benchmarks, ours against the reference kernel
#   make jit-differential  JIT against interpreter on random programs,
#                       SEEDS=first:count batches (the long run)
#   make series         export the series as git format-patches and
#                       check that they apply with git am
#   make check          checkpatch --strict and sparse on our files
#   make test DEBUG=1   the same on the debug build of our kernel
#                       (KASAN, lockdep, kmemleak, ...), in build/obj-debug
#   make fuzz           the bpf(2) fuzzer for FUZZ_TIME seconds
#   make differential   verdicts of random programs, ours against the
#                       reference, and a search for out-of-bounds runs

SHELL := /bin/bash
REPO := $(CURDIR)
B := $(REPO)/build
BASE := $(B)/base
SRC := $(B)/src
OBJ := $(B)/obj
REF := $(B)/ref
USR := $(B)/usr
GUEST := $(B)/guest
HOST := $(REPO)/host
JOBS ?= $(shell nproc)
KERNEL ?= ours
T ?=
DEBUG ?=

# The flavour of our kernel a command builds and boots: the normal one,
# or with DEBUG=1 the debug build, in its own object directory so that
# switching never rebuilds the other.
ifeq ($(DEBUG),1)
FLAVOUR := ours-debug
KOBJ := $(B)/obj-debug
KFRAGMENTS := common.config ours.config debug.config
# the detectors make everything several times slower under TCG
TIMEOUT ?= 3600
else
FLAVOUR := ours
KOBJ := $(OBJ)
KFRAGMENTS := common.config ours.config
TIMEOUT ?= 900
endif
RUN_KERNEL := $(if $(filter reference,$(KERNEL)),reference,$(FLAVOUR))

KMAKE = $(MAKE) -s -C $(1) O=$(2) ARCH=x86_64 -j$(JOBS) \
	KBUILD_BUILD_USER=series KBUILD_BUILD_HOST=series

.PHONY: all deps base kernel guest initramfs test demo shell reference bench \
	reference-kernel series check clean guest-bins kernel-locked reference-locked \
	vals-test fuzz differential jit-differential
.DEFAULT_GOAL := all

all: kernel guest initramfs

deps:
	@$(HOST)/install-deps.sh

$(BASE)/.base-version: /usr/src/linux-source-6.1.tar.xz | deps
	@$(HOST)/unpack-base.sh $< $(B)

base: deps $(BASE)/.base-version

# The kernel half of bench_flow_dissect, an external module built
# against each kernel: the reference's tree is the pristine base, which
# has no place for a module of ours. Kbuild writes an external module's
# objects next to its sources, hence a copy per kernel.
# $(1): kernel sources, $(2): their objects, $(3): the flavour
FDB_MOD := $(REPO)/tools/testing/selftests/bpf/flow_dissect_bench
define build_fdb_mod
	@mkdir -p $(B)/extmod-$(3) && cp -p $(FDB_MOD)/* $(B)/extmod-$(3)/
	@$(call KMAKE,$(1),$(2)) M=$(B)/extmod-$(3) modules
	@$(call KMAKE,$(1),$(2)) M=$(B)/extmod-$(3) modules_install \
		INSTALL_MOD_PATH=$(B)/modules-$(3) INSTALL_MOD_STRIP=1 >/dev/null
endef

# --- our kernel --------------------------------------------------------
# Builds of one object directory are serialised: several people (and
# helpers) share a checkout, and two Kbuilds in one O= corrupt it.
# Both flavours lay the series into the one build/src: they share a lock.
kernel: base
	@mkdir -p $(B) && flock $(B)/.ours.lock $(MAKE) -s kernel-locked

kernel-locked:
	@$(HOST)/lay-series.sh $(REPO) $(BASE) $(SRC)
	@$(HOST)/configure.sh $(SRC) $(KOBJ) \
		$(addprefix $(HOST)/config/,$(KFRAGMENTS))
	@echo "  KBUILD  $(FLAVOUR)"
	@$(call KMAKE,$(SRC),$(KOBJ)) bzImage modules
	@$(call KMAKE,$(SRC),$(KOBJ)) headers_install INSTALL_HDR_PATH=$(USR) >/dev/null
	@rm -rf $(B)/modules-$(FLAVOUR) && \
		$(call KMAKE,$(SRC),$(KOBJ)) modules_install \
		INSTALL_MOD_PATH=$(B)/modules-$(FLAVOUR) INSTALL_MOD_STRIP=1 >/dev/null
	$(call build_fdb_mod,$(SRC),$(KOBJ),$(FLAVOUR))

# --- the reference kernel: upstream's BPF from the same base ------------
reference-kernel: base
	@mkdir -p $(B) && flock $(B)/.reference.lock $(MAKE) -s reference-locked

reference-locked:
	@$(HOST)/configure.sh $(BASE) $(REF) $(HOST)/config/common.config \
		$(HOST)/config/reference.config
	@echo "  KBUILD  reference"
	@$(call KMAKE,$(BASE),$(REF)) bzImage modules
	@rm -rf $(B)/modules-reference && \
		$(call KMAKE,$(BASE),$(REF)) modules_install \
		INSTALL_MOD_PATH=$(B)/modules-reference INSTALL_MOD_STRIP=1 >/dev/null
	$(call build_fdb_mod,$(BASE),$(REF),reference)

reference: reference-kernel guest
	@$(HOST)/mkinitramfs.sh $(B) reference

# --- guest programs: tests and samples, static, against our uapi -------
# Every guest program links against Debian's libbpf.a (and the libelf.a
# and libz.a it needs); a static link takes from them only what the
# program calls.
GUEST_CC := gcc
GUEST_CFLAGS := -static -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-isystem $(USR)/include -I$(REPO)/tools/lib/ebpf
GUEST_LIBS := -lbpf -lelf -lz -lpthread
GUEST_DEPS := $(wildcard $(REPO)/tools/lib/ebpf/*.h) \
	$(wildcard $(REPO)/tools/testing/selftests/bpf/*.h) \
	$(wildcard $(FDB_MOD)/*.h)
TEST_SRCS := $(wildcard tools/testing/selftests/bpf/test_*.c)
BENCH_SRCS := $(wildcard tools/testing/selftests/bpf/bench_*.c)
# samples/bpf/NAME_kern.c is a sample's BPF program: /bpf/NAME_kern.o
SAMPLE_SRCS := $(filter-out %_kern.c,$(wildcard samples/bpf/*.c))
GUEST_BINS := $(patsubst tools/testing/selftests/bpf/%.c,$(GUEST)/tests/%,$(TEST_SRCS)) \
	$(patsubst tools/testing/selftests/bpf/%.c,$(GUEST)/bench/%,$(BENCH_SRCS)) \
	$(patsubst samples/bpf/%.c,$(GUEST)/samples/%,$(SAMPLE_SRCS))

guest: kernel
	@$(MAKE) -s guest-bins

# Upstream's test_verifier, built from the base tree (not test_*: the
# suite script host/guest/suites/test_upstream_verifier.sh runs it).
UPSTREAM_TV := $(GUEST)/tests/upstream_test_verifier
GUEST_BINS += $(UPSTREAM_TV)

guest-bins: $(GUEST_BINS)

$(UPSTREAM_TV): $(BASE)/.base-version $(HOST)/build-upstream-test-verifier.sh
	@$(HOST)/build-upstream-test-verifier.sh $(BASE) $(B) $@

$(GUEST)/tests/%: tools/testing/selftests/bpf/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

$(GUEST)/bench/%: tools/testing/selftests/bpf/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

$(GUEST)/samples/%: samples/bpf/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# BPF programs in restricted C, each built by clang and by gcc-bpf into
# /bpf/NAME.clang.o and /bpf/NAME.gcc.o in the guest, where the tests
# load them with libbpf. Headers: our uapi, then libbpf's <bpf/...>.
# Both emit BTF (libbpf reads the maps of SEC(".maps") from it).
#
# gcc-bpf 12 calls a helper through a register, which BPF lacks ("error:
# indirect call in function, which are not supported by eBPF"), when
# its common-subexpression pass merged the helper's address with an
# equal constant: the same helper called twice, or a helper whose id
# the function also uses as a number. -O1 avoids most of it, not all:
# the programs gcc-bpf cannot build are listed in BPF_GCC_CANNOT. The
# build checks that it still fails on them and keeps its message in
# NAME.gcc.skip, which the tests give as the reason they skip them.
BPF_PROGS := tools/testing/selftests/bpf/progs
BPF_SRCS := $(wildcard $(BPF_PROGS)/*.c)
BPF_NAMES := $(patsubst $(BPF_PROGS)/%.c,%,$(BPF_SRCS))
BPF_GCC_CANNOT := bitops helper_errno helpers map_flags memcpy_value \
	percpu_maps prandom_dist switch_case
BPF_OBJS := $(patsubst %,$(GUEST)/bpf/%.clang.o,$(BPF_NAMES)) \
	$(patsubst %,$(GUEST)/bpf/%.gcc.o,$(filter-out $(BPF_GCC_CANNOT),$(BPF_NAMES))) \
	$(patsubst %,$(GUEST)/bpf/%.gcc.skip,$(filter $(BPF_GCC_CANNOT),$(BPF_NAMES)))
BPF_CFLAGS := -Wall -isystem $(USR)/include -idirafter /usr/include
BPF_GCC := bpf-gcc -gbtf -O1 $(BPF_CFLAGS)
BPF_DEPS := $(wildcard $(BPF_PROGS)/*.h)

SAMPLE_KERN_OBJS := $(patsubst samples/bpf/%.c,$(GUEST)/bpf/%.o,\
	$(wildcard samples/bpf/*_kern.c))

guest-bins: $(BPF_OBJS) $(SAMPLE_KERN_OBJS)

$(GUEST)/bpf/%_kern.o: samples/bpf/%_kern.c
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	@clang -target bpf -g -O2 $(BPF_CFLAGS) -c $< -o $@

$(GUEST)/bpf/%.clang.o: $(BPF_PROGS)/%.c $(BPF_DEPS)
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	@clang -target bpf -g -O2 $(BPF_CFLAGS) -c $< -o $@

$(GUEST)/bpf/%.gcc.o: $(BPF_PROGS)/%.c $(BPF_DEPS)
	@mkdir -p $(@D)
	@echo "  BPFGCC  $@"
	@$(BPF_GCC) -c $< -o $@

$(GUEST)/bpf/%.gcc.skip: $(BPF_PROGS)/%.c $(BPF_DEPS)
	@mkdir -p $(@D)
	@echo "  BPFGCC  $@ (expected to fail)"
	@if $(BPF_GCC) -c $< -o $(@:.skip=.o) 2>$@.err; then \
		echo "$< builds with gcc-bpf now: take it off BPF_GCC_CANNOT" >&2; \
		rm -f $@.err; exit 1; \
	fi
	@{ printf 'gcc-bpf 12 cannot build it: '; \
	   grep -m1 -o 'error: .*' $@.err; } >$@ && rm -f $@.err

initramfs: kernel guest
	@$(HOST)/mkinitramfs.sh $(B) $(FLAVOUR)

# --- the verifier's abstract domain, checked on the host ---------------
# kernel/bpf/vals.c, built in user space: at 8 bits every pair of a
# family of abstract values, at 64 bits random sets (the seed printed).
# `make test` runs it before it boots the guest.
VALS_DIR := tools/testing/selftests/bpf/vals
VALS_SRCS := kernel/bpf/vals.c kernel/bpf/vals.h $(wildcard $(VALS_DIR)/*) \
	tools/testing/selftests/bpf/bpf_concrete.h

$(B)/vals/vals_soundness%: $(VALS_SRCS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc -O2 -Wall -Wno-sign-compare -DVALS_BITS=$* -Ikernel/bpf \
		-I$(VALS_DIR) -o $@ kernel/bpf/vals.c $(VALS_DIR)/vals_soundness.c

vals-test: $(B)/vals/vals_soundness8 $(B)/vals/vals_soundness64
	@$(B)/vals/vals_soundness64 -n 100000 & pid=$$!; \
		$(B)/vals/vals_soundness8 -e -n 20000 && wait $$pid

# --- running -----------------------------------------------------------
test: vals-test $(if $(filter reference,$(KERNEL)),reference,all)
	@$(HOST)/run-qemu.sh --kernel $(RUN_KERNEL) --mode test --timeout $(TIMEOUT) -- $(T)

demo: all
	@$(HOST)/run-qemu.sh --kernel $(RUN_KERNEL) --mode demo --timeout $(TIMEOUT)

shell: $(if $(filter reference,$(KERNEL)),reference,all)
	@$(HOST)/run-qemu.sh --kernel $(RUN_KERNEL) --mode shell

# The bpf(2) fuzzer alone for FUZZ_TIME seconds (seed: FUZZ_SEED, else
# the time); make test runs it for a few seconds. Judged like a test run.
FUZZ_TIME ?= 600
FUZZ_SEED ?=
fuzz: $(if $(filter reference,$(KERNEL)),reference,all)
	@$(HOST)/run-qemu.sh --kernel $(RUN_KERNEL) --mode fuzz \
		--timeout $$(($(FUZZ_TIME) * 2 + 600)) -- $(FUZZ_TIME) $(FUZZ_SEED)

# Verdicts of DIFF_PROGS random programs on our kernel and on the
# reference, compared; each program only we accept is searched for an
# out-of-bounds run by a checking interpreter on the host. DIFF_PARTIAL=1
# boots nothing and compares the verdicts the last runs logged.
DIFF_PROGS ?= 100000
DIFF_SEED ?= 1
DIFF_RUNS ?= 3000
differential: all reference $(B)/host-tools/oob_search
	@$(HOST)/differential.sh --progs $(DIFF_PROGS) --seed $(DIFF_SEED) \
		--runs $(DIFF_RUNS) --kernel $(RUN_KERNEL) \
		$(if $(DIFF_PARTIAL),--partial)

# Benchmarks: both kernels, interleaved boots, ratios ours/reference.
PAIRS ?= 3
bench: all reference
	@$(HOST)/bench.sh --pairs $(PAIRS) --timeout $(TIMEOUT) -- $(T)

# The differential's checking interpreter runs on the host.
$(B)/host-tools/oob_search: tools/testing/selftests/bpf/oob_search.c \
		tools/testing/selftests/bpf/bpf_concrete.h $(GUEST_DEPS) | kernel
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc -O2 -Wall -Wextra -Wno-unused-parameter -isystem $(USR)/include \
		-I$(REPO)/tools/lib/ebpf -o $@ $<

# The JIT's long differential run: every program test_verifier_random
# gets accepted in batches SEEDS=first:count (400 programs a batch) runs
# JIT-compiled and interpreted and must give the same. Seeds of make
# test's batches are 1 to 32.
SEEDS ?= 33:600
DIFF_TIMEOUT ?= 10800
jit-differential: all
	@$(HOST)/run-qemu.sh --kernel ours --mode test --timeout $(DIFF_TIMEOUT) \
		--env SUITE_TIMEOUT=$(DIFF_TIMEOUT) --env JIT_SEEDS=$(SEEDS) \
		-- test_verifier_random

series: base
	@$(HOST)/make-series.sh $(REPO) $(BASE) $(B)/series

check: kernel series
	@$(HOST)/check.sh $(REPO) $(SRC) $(OBJ) $(B)/series

clean:
	rm -rf $(B)
