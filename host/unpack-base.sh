#!/bin/sh
# Unpack Debian's linux-source-6.1 into build/base, the pristine tree.
# A new tarball (a new 6.1.y point release) replaces the base and drops
# every tree and object directory derived from the old one.
set -eu
tarball=$1 b=$2
rm -rf "$b/base" "$b/base.tmp" "$b/src" "$b/src.manifest" "$b/obj" "$b/ref"
mkdir -p "$b/base.tmp"
echo "  UNPACK  $tarball"
tar -xJf "$tarball" -C "$b/base.tmp" --strip-components=1
deb=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
ver=$(make -s -C "$b/base.tmp" kernelversion 2>/dev/null)
echo "linux-source-6.1 $deb (Linux $ver)" >"$b/base.tmp/.base-version"
mv "$b/base.tmp" "$b/base"
