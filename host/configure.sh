#!/bin/sh
# Configure an object directory: tinyconfig, then the fragments merged
# over it. Reconfigures only when a fragment or the source changed, so
# that an unchanged config never triggers a rebuild.
#
# usage: configure.sh SRCTREE OBJDIR FRAGMENT...
set -eu
src=$1 obj=$2
shift 2
mkdir -p "$obj"
stamp="$obj/.fragments"
want=$(cat "$@" | sha1sum | cut -d' ' -f1)
if [ -f "$obj/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
   [ "$obj/.config" -nt "$src/Makefile" ]; then
	exit 0
fi
echo "  CONFIG  $obj"
# Kconfig's notes on overridden choices are expected; show them only
# when a step fails.
quiet() {
	"$@" >"$obj/.configure.log" 2>&1 || { cat "$obj/.configure.log" >&2; exit 1; }
}
quiet make -s -C "$src" O="$obj" ARCH=x86_64 tinyconfig
cat "$@" >"$obj/.fragment"
quiet "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
	"$obj/.fragment"
quiet make -s -C "$src" O="$obj" ARCH=x86_64 olddefconfig
# Every line of the fragments must have survived olddefconfig.
bad=0
grep -h '^CONFIG_\|^# CONFIG_.* is not set' "$@" | while read -r line; do
	case "$line" in
	"# "*) sym=${line#\# }; sym=${sym%% *}
	       ! grep -q "^$sym=" "$obj/.config" || { echo "configure: $sym should be off" >&2; exit 1; } ;;
	*)     grep -qx "$line" "$obj/.config" || { echo "configure: $line did not stick" >&2; exit 1; } ;;
	esac
done || bad=1
[ $bad = 0 ] || exit 1
echo "$want" >"$stamp"
