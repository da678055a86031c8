#!/bin/bash
# Export the series as git format-patches against the pristine base and
# prove that they apply with git am to a fresh copy of it.
#
# Each line of patches/series is one commit: the patch's header is the
# message, its diff (if any) edits upstream files, and the paths after
# the patch name are the files the repository adds in that commit.
#
# usage: make-series.sh REPO BASE OUT
set -euo pipefail
repo=$1 out=$3
# BASE may be a symlink to a base shared between checkouts: copy its
# contents, never the link.
base=$(readlink -f "$2")
b=$(dirname "$out")
pristine=$b/series-base
work=$b/series-work
verify=$b/series-verify
version=$(cat "$base/.base-version")

# A git repository of the pristine base, made once per base version.
if [ "$(cat "$pristine/.git/base-version" 2>/dev/null)" != "$version" ]; then
	echo "  GIT     base ($version)"
	rm -rf "$pristine"
	cp -a "$base" "$pristine"
	rm -f "$pristine/.base-version"
	git -C "$pristine" init -q
	git -C "$pristine" add -A -f .
	git -C "$pristine" -c user.name=base -c user.email=base@localhost \
		commit -q -m "Linux base: $version"
	git -C "$pristine" tag base
	echo "$version" >"$pristine/.git/base-version"
fi

rm -rf "$work" "$verify" "$out"
git clone -q "$pristine" "$work"
git -C "$work" config user.name "eBPF series"
git -C "$work" config user.email "ebpf-series@localhost"

cd "$repo"
tops=$(ls -d arch Documentation include kernel lib net samples tools 2>/dev/null || true)
git ls-files -co --exclude-standard -- $tops | sort >"$b/series.added"
: >"$b/series.claimed"

grep -v '^[[:space:]]*\(#\|$\)' patches/series | while read -r patch globs; do
	p=patches/$patch
	[ -f "$p" ] || { echo "make-series: $p is missing" >&2; exit 1; }
	if grep -q '^--- ' "$p" && ! patch -s -p1 -d "$work" --no-backup-if-mismatch -r - <"$p"; then
		echo "make-series: $patch does not apply to $version" >&2
		exit 1
	fi
	for g in $globs; do
		matched=0
		while read -r f; do
			# shellcheck disable=SC2254
			case "$f" in $g) ;; *) continue ;; esac
			matched=1
			echo "$f" >>"$b/series.claimed"
			mkdir -p "$work/$(dirname "$f")"
			cp "$f" "$work/$f"
		done <"$b/series.added"
		[ $matched = 1 ] || { echo "make-series: $patch: nothing matches $g" >&2; exit 1; }
	done
	author=$(sed -n 's/^From: //p;/^$/q' "$p" | head -1)
	subject=$(sed -n 's/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//p;/^$/q' "$p" | head -1)
	body=$(sed -e '1,/^$/d' -e '/^---$/,$d' "$p")
	git -C "$work" add -A -f .
	git -C "$work" commit -q --author="$author" -m "$subject" -m "$body"
done

dups=$(sort "$b/series.claimed" | uniq -d)
[ -z "$dups" ] || { echo "make-series: claimed by two steps: $dups" >&2; exit 1; }
unclaimed=$(comm -23 "$b/series.added" <(sort -u "$b/series.claimed"))
[ -z "$unclaimed" ] || { echo "make-series: in no step of patches/series: $unclaimed" >&2; exit 1; }

git -C "$work" format-patch -q base..HEAD -o "$out"
echo "  SERIES  $(ls "$out" | wc -l) patches in $out"

# Apply the exported series to a fresh copy of the base.
git clone -q "$pristine" "$verify"
git -C "$verify" -c user.name=verify -c user.email=verify@localhost am -q "$out"/*.patch
if [ "$(git -C "$verify" rev-parse 'HEAD^{tree}')" != "$(git -C "$work" rev-parse 'HEAD^{tree}')" ]; then
	echo "make-series: git am gave a different tree" >&2
	exit 1
fi
rm -rf "$verify"
echo "  SERIES  applies with git am to $version"
