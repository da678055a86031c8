#!/bin/bash
# Boot a kernel under QEMU (TCG) with the project's initramfs and judge
# the run. Needs no terminal and no standard input except in shell mode.
#
# usage: run-qemu.sh --kernel ours|ours-debug|reference
#                    --mode test|demo|shell|fuzz|verdicts
#                    [--timeout SECONDS] [--env NAME=VALUE]...
#                    [-- ARGUMENTS OF THE MODE]
#
# --env puts NAME=VALUE in the environment of the guest's init, and so
# of every suite (the kernel hands such command line words to init).
#
# In test mode (and the fuzz and verdicts modes, judged alike) the run
# fails if a case printed "not ok", if the console shows an oops, BUG,
# WARNING, panic, KASAN, UBSAN, lockdep or kmemleak report, if the guest
# never reached the end of its script, or if the time limit passed (the
# guest is then killed). It ends with "N passed, N failed, N skipped".
set -u
here=$(dirname "$(readlink -f "$0")")
b=$(dirname "$here")/build
kernel=ours mode=test limit=900 env=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--env) env="$env $2"; shift 2 ;;
	--) shift; break ;;
	*) echo "run-qemu: unknown argument $1" >&2; exit 2 ;;
	esac
done
case "$kernel" in
ours) image=$b/obj/arch/x86/boot/bzImage ;;
ours-debug) image=$b/obj-debug/arch/x86/boot/bzImage ;;
reference) image=$b/ref/arch/x86/boot/bzImage ;;
*) echo "run-qemu: unknown kernel $kernel" >&2; exit 2 ;;
esac
initrd=$b/initramfs-$kernel.cpio.gz
for f in "$image" "$initrd"; do
	[ -f "$f" ] || { echo "run-qemu: $f is missing; run make first" >&2; exit 2; }
done

log=$b/$mode-$kernel.log
# no_timer_check: on a loaded host TCG can miss the IO-APIC timer check
# at boot ("IO-APIC + timer doesn't work"), a panic before init.
cmdline="console=ttyS0 loglevel=5 panic=-1 oops=panic no_timer_check$env"
# The guest's time limit per suite; the detectors of the debug build
# slow everything down several times.
[ "$kernel" != ours-debug ] || cmdline="$cmdline SUITE_TIMEOUT=1800"
cmdline="$cmdline -- $mode $*"
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -machine pc -cpu max
      -smp 2 -m 1G -kernel "$image" -initrd "$initrd" -append "$cmdline"
      -display none -no-reboot)

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi

timeout -s KILL "$limit" "${qemu[@]}" -serial stdio </dev/null 2>&1 |
	tr -d '\r' | tee "$log"
status=${PIPESTATUS[0]}

[ "$mode" = test ] || [ "$mode" = fuzz ] || [ "$mode" = verdicts ] || { [ "$status" = 0 ] && grep -q '^GUEST-DONE' "$log"; exit $?; }

passed=$(grep -cE '^ok ' "$log")
skipped=$(grep -cE '^ok .*# SKIP' "$log")
passed=$((passed - skipped))
failed=$(grep -cE '^not ok' "$log")
problems=()
[ "$status" = 137 ] && problems+=("time limit of ${limit}s passed; guest killed")
[ "$status" != 0 ] && [ "$status" != 137 ] && problems+=("qemu exited with status $status")
grep -q '^GUEST-DONE' "$log" || problems+=("guest did not finish its script")
# (Not RCU stall reports: under TCG on a loaded host a vCPU may not run
# for seconds, and the stall detector says so.)
if grep -qE 'BUG:|WARNING:|Oops|Kernel panic|KASAN|general protection fault|kernel BUG|UBSAN:|suspected memory leak' "$log"; then
	problems+=("kernel reported a problem on the console")
fi
echo
for p in "${problems[@]}"; do
	echo "run-qemu: $p (log: $log)"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ ${#problems[@]} = 0 ]
