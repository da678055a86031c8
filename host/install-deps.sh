#!/bin/sh
# Install the Debian packages the build and the QEMU runner need, if any
# is missing. Runs as root on a fresh Debian 12 with only the archive.
# clang and gcc-bpf build the guest's BPF C objects; libbpf-dev, with
# the static libelf and zlib, links the guest programs that load them;
# bpftool goes into the guest as it is.
set -eu
pkgs="linux-source-6.1 qemu-system-x86 busybox-static gcc make flex bison bc
libelf-dev libssl-dev cpio xz-utils kmod rsync sparse python3 git patch
diffutils perl clang gcc-bpf libbpf-dev bpftool zlib1g-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "  APT    $missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
