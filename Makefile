# The eBPF series' driver. See README.md.
#
#   make                build our kernel, guest programs and initramfs
#   make test           boot it under QEMU and run every guest test
#   make test T=suite   run one suite (T="suite filter" for one case)
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
TIMEOUT ?= 900

KMAKE = $(MAKE) -s -C $(1) O=$(2) ARCH=x86_64 -j$(JOBS) \
	KBUILD_BUILD_USER=series KBUILD_BUILD_HOST=series

.PHONY: all deps base kernel guest initramfs test demo shell reference bench \
	reference-kernel series check clean guest-bins kernel-locked reference-locked \
	jit-differential
.DEFAULT_GOAL := all

all: kernel guest initramfs

deps:
	@$(HOST)/install-deps.sh

$(BASE)/.base-version: /usr/src/linux-source-6.1.tar.xz | deps
	@$(HOST)/unpack-base.sh $< $(B)

base: deps $(BASE)/.base-version

# --- our kernel --------------------------------------------------------
# Builds of one object directory are serialised: several people (and
# helpers) share a checkout, and two Kbuilds in one O= corrupt it.
kernel: base
	@mkdir -p $(B) && flock $(B)/.ours.lock $(MAKE) -s kernel-locked

kernel-locked:
	@$(HOST)/lay-series.sh $(REPO) $(BASE) $(SRC)
	@$(HOST)/configure.sh $(SRC) $(OBJ) $(HOST)/config/common.config \
		$(HOST)/config/ours.config
	@echo "  KBUILD  ours"
	@$(call KMAKE,$(SRC),$(OBJ)) bzImage modules
	@$(call KMAKE,$(SRC),$(OBJ)) headers_install INSTALL_HDR_PATH=$(USR) >/dev/null
	@rm -rf $(B)/modules-ours && \
		$(call KMAKE,$(SRC),$(OBJ)) modules_install \
		INSTALL_MOD_PATH=$(B)/modules-ours INSTALL_MOD_STRIP=1 >/dev/null

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

reference: reference-kernel guest
	@$(HOST)/mkinitramfs.sh $(B) reference

# --- guest programs: tests and samples, static, against our uapi -------
GUEST_CC := gcc
GUEST_CFLAGS := -static -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-isystem $(USR)/include -I$(REPO)/tools/lib/ebpf
GUEST_DEPS := $(wildcard $(REPO)/tools/lib/ebpf/*.h) \
	$(wildcard $(REPO)/tools/testing/selftests/bpf/*.h)
TEST_SRCS := $(wildcard tools/testing/selftests/bpf/test_*.c)
BENCH_SRCS := $(wildcard tools/testing/selftests/bpf/bench_*.c)
SAMPLE_SRCS := $(wildcard samples/bpf/*.c)
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
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< -lpthread

$(GUEST)/bench/%: tools/testing/selftests/bpf/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< -lpthread

$(GUEST)/samples/%: samples/bpf/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< -lpthread

initramfs: kernel guest
	@$(HOST)/mkinitramfs.sh $(B) ours

# --- running -----------------------------------------------------------
test: $(if $(filter reference,$(KERNEL)),reference,all)
	@$(HOST)/run-qemu.sh --kernel $(KERNEL) --mode test --timeout $(TIMEOUT) -- $(T)

demo: all
	@$(HOST)/run-qemu.sh --kernel $(KERNEL) --mode demo --timeout $(TIMEOUT)

shell: $(if $(filter reference,$(KERNEL)),reference,all)
	@$(HOST)/run-qemu.sh --kernel $(KERNEL) --mode shell

# Benchmarks: both kernels, interleaved boots, ratios ours/reference.
PAIRS ?= 3
bench: all reference
	@$(HOST)/bench.sh --pairs $(PAIRS) --timeout $(TIMEOUT) -- $(T)

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
