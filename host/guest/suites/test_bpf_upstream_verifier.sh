#!/bin/sh
# Upstream's test_verifier (from the base tree) against this kernel.
#
# It prints one line per test: "#N/p name" (or /u, run unprivileged)
# then OK, SKIP (a program or map type, or a feature, this kernel lacks)
# or FAIL with its reason on the next lines. Log texts are the kernel's
# own, so a test refused by both kernels with another message agrees;
# so does one whose instruction count differs. What disagrees is a
# verdict (accepted or refused) or a run's result. Each disagreement
# must be listed, with the reason, in upstream_verifier_known.txt. On
# the reference kernel the counts are only reported.
tv=/tests/upstream_test_verifier
known=/suites/upstream_verifier_known.txt
[ -x $tv ] || { echo "ok 1 upstream test_verifier # SKIP not built"; exit 0; }
# upstream's default keeps unprivileged bpf(2) off; its /u half needs it
# (this suite runs before test_unpriv_lock, which locks it off for good)
sysctl=/proc/sys/kernel/unprivileged_bpf_disabled
[ -w $sysctl ] && echo 0 >$sysctl 2>/dev/null
[ "$(cat $sysctl 2>/dev/null)" = 0 ] ||
	echo "# unprivileged bpf(2) is off: the /u cases are skipped"
# libbpf writes to stderr: keep it out of the lines parsed
$tv >/tmp/utv.out 2>/tmp/utv.err
flavour=$(cat /etc/kernel-flavour 2>/dev/null)
awk -v known="$known" -v flavour="$flavour" '
function flush() {
	if (name == "") return
	if (status == "OK") agree++
	else if (status ~ /^SKIP/ || why ~ /BTF|xlated|kfunc/) skip++
	else if (why ~ /Unexpected error message|Unexpected insn_processed|Unexpected verifier log/) agree++
	else {
		if (name in known_set) { documented++; seen[name] = 1 }
		else { printf("# disagrees: %s: %s\n", name, why); bad++ }
	}
	name = ""
}
BEGIN {
	while ((getline line < known) > 0) {
		if (line ~ /^#/ || line == "") continue
		sub(/ *\t.*/, "", line)
		known_set[line] = 1
	}
}
/^#[0-9]+\/[pu] / {
	flush()
	name = $0; sub(/^#[0-9]+\//, "", name)
	status = ""; why = ""
	if (match(name, / Failed to load BTF.*$| libbpf: .*$/)) {
		why = substr(name, RSTART + 1); name = substr(name, 1, RSTART - 1)
	} else if (name ~ / OK$| [0-9]+ cases OK$/) { status = "OK"; sub(/ ([0-9]+ cases )?OK$/, "", name) }
	else if (name ~ / SKIP( \(.*\))?$/) { status = "SKIP"; sub(/ SKIP( \(.*\))?$/, "", name) }
	else if (match(name, / (Did not run|FAIL).*$/)) { why = substr(name, RSTART + 1); name = substr(name, 1, RSTART - 1) }
	else { sub(/ $/, "", name) }
	next
}
/^Summary:/ { flush(); summary = $0; next }
name != "" && status == "" {
	if ($0 ~ /^OK|^[0-9]+ cases OK/) status = "OK"
	else if ($0 ~ /^SKIP/) status = "SKIP"
	else if (why == "" || why ~ /^FAIL$/) why = why " " $0
	else if (length(why) < 120 && $0 ~ /Unexpected|Failed|FAIL|BTF|retval/) why = why " " $0
}
END {
	flush()
	for (k in known_set) if (!(k in seen)) printf("# listed but agrees now: %s\n", k)
	printf("# upstream test_verifier: %d agree, %d disagree (%d of them documented), %d skipped\n",
	       agree, documented + bad, documented, skip)
	printf("# %s\n", summary)
	# on the reference kernel this only measures the environment (no BTF)
	if (bad && flavour != "reference")
		printf("not ok 1 upstream test_verifier: %d undocumented disagreements\n", bad)
	else printf("ok 1 upstream test_verifier: %d agree, %d documented disagreements, %d skipped\n", agree, documented, skip)
	print "1..1"
}' /tmp/utv.out
