#!/bin/sh
# kernel.unprivileged_bpf_disabled=1 is a lock: once written, only 1
# may be written again, until reboot. It cannot be undone, so it has a
# suite of its own, and suite scripts run after every test binary.
# Scripts sorting after this one see unprivileged bpf(2) locked off.
knob=/proc/sys/kernel/unprivileged_bpf_disabled
n=0

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
	fi
}

echo 1 >$knob
check $? "write 1"
[ "$(cat $knob)" = 1 ]
check $? "reads back 1"
for v in 0 2; do
	( echo $v >$knob ) 2>/dev/null
	[ $? != 0 ] && [ "$(cat $knob)" = 1 ]
	check $? "writing $v is refused"
done
echo 1 >$knob
check $? "writing 1 again is allowed"
echo "1..$n"
