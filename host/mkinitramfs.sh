#!/bin/sh
# Pack the guest: busybox, the init script, the static test and sample
# binaries, the BPF objects, bpftool, and the modules of one kernel. The guest part is shared by
# both kernels; only the modules differ.
#
# usage: mkinitramfs.sh BUILD ours|reference
set -eu
b=$1 kernel=$2
root=$b/initramfs-$kernel
here=$(dirname "$(readlink -f "$0")")
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/dev" "$root/proc" "$root/sys" \
	"$root/tmp" "$root/etc" "$root/root"
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ "$app" = busybox ] || ln -s busybox "$root/bin/$app"
done
cp "$here/guest/init" "$root/init"
mkdir -p "$root/suites"
[ ! -d "$here/guest/suites" ] || cp -r "$here/guest/suites/." "$root/suites/"
[ ! -d "$b/guest/tests" ] || cp -r "$b/guest/tests" "$root/tests"
[ ! -d "$b/guest/samples" ] || cp -r "$b/guest/samples" "$root/samples"
[ ! -d "$b/guest/bench" ] || cp -r "$b/guest/bench" "$root/bench"
[ ! -d "$b/guest/bpf" ] || cp -r "$b/guest/bpf" "$root/bpf"
[ ! -d "$b/modules-$kernel/lib" ] || cp -r "$b/modules-$kernel/lib" "$root/lib"

# Debian's bpftool as it is, with the shared libraries it loads (and
# theirs) at the paths the dynamic loader looks in.
cp /usr/sbin/bpftool "$root/sbin/bpftool"
for lib in $(ldd /usr/sbin/bpftool | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
echo "$kernel" >"$root/etc/kernel-flavour"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) \
	| gzip -1 >"$b/initramfs-$kernel.cpio.gz.tmp"
mv "$b/initramfs-$kernel.cpio.gz.tmp" "$b/initramfs-$kernel.cpio.gz"
