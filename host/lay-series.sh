#!/bin/sh
# Lay the series over a copy of the base tree, touching only what changed.
#
# build/base is the pristine tree and is never written. build/src starts
# as a hard-linked copy of it; each run computes the wanted content of
# every file the series manages (files the repository adds or replaces,
# and files the patches edit) in build/stage, then replaces in build/src
# only the files whose content differs. Unchanged files keep their mtime,
# so Kbuild rebuilds only what depends on an edit. Files the series
# stopped managing return to their base version.
#
# usage: lay-series.sh REPO BASE SRC
set -eu
repo=$1 src=$3
# BASE may be a symlink to a base shared between checkouts: copy its
# contents, never the link.
base=$(readlink -f "$2")
stage=$src.stage
manifest=$src.manifest
version=$(cat "$base/.base-version")

if [ ! -d "$src" ]; then
	cp -al "$base" "$src"
	rm -f "$manifest"
fi
rm -rf "$stage"
mkdir -p "$stage"

# Files added or replaced by the series: everything under the kernel's
# own top-level directories in the repository.
cd "$repo"
tops=$(ls -d arch Documentation include kernel lib net samples tools 2>/dev/null || true)
git ls-files -co --exclude-standard -- $tops >"$stage.added"
cp "$stage.added" "$stage.files"
while read -r f; do
	[ -f "$f" ] || continue
	mkdir -p "$stage/$(dirname "$f")"
	cp "$f" "$stage/$f"
done <"$stage.added"

# Files edited by patches: start from their base version, then patch.
grep -v '^[[:space:]]*\(#\|$\)' patches/series | awk '{print $1}' >"$stage.patches" || true
while read -r p; do
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "patches/$p" | while read -r f; do
		if grep -qxF "$f" "$stage.added"; then
			echo "lay-series: $p edits $f, which the repository also adds" >&2
			exit 1
		fi
		mkdir -p "$stage/$(dirname "$f")"
		[ -f "$stage/$f" ] || [ ! -f "$base/$f" ] || cp "$base/$f" "$stage/$f"
		echo "$f" >>"$stage.files"
	done
	if grep -q '^--- ' "patches/$p" &&
	   ! patch -s -p1 -N -d "$stage" --no-backup-if-mismatch -r - <"patches/$p"; then
		echo "lay-series: patch $p does not apply to base $version" >&2
		exit 1
	fi
done <"$stage.patches"

# Replace what differs; restore what is no longer managed.
cd "$stage"
find . -type f | sed 's|^\./||' | sort >"$manifest.new"
while read -r f; do
	if ! cmp -s "$f" "$src/$f"; then
		mkdir -p "$src/$(dirname "$f")"
		cp --remove-destination "$f" "$src/$f"
		echo "  LAY     $f"
	fi
done <"$manifest.new"
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$manifest.new" | while read -r f; do
		rm -f "$src/$f"
		[ ! -f "$base/$f" ] || cp "$base/$f" "$src/$f"
		echo "  RESTORE $f"
	done
fi
mv "$manifest.new" "$manifest"
rm -rf "$stage" "$stage.added" "$stage.files" "$stage.patches"
