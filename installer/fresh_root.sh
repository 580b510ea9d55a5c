# Sourced by check_fresh.sh and check_deb.sh: a clean Debian 12 root as on a user's new PC (this
# machine has libraries a new PC lacks). Needs root (chroot, mount) and debootstrap. The minbase
# root is cached as $BUILD/base.tar; `fresh_root [NAME]` unpacks a new copy into $BUILD/NAME (root
# by default) as $ROOT and mounts what chroot needs; IN runs a command inside with a clean
# environment; cleanup unmounts the current root (and runs on exit).
SRC=${SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=$(realpath -m "${BUILD:-$SRC/build/fresh}"); ROOT=$BUILD/root
# This machine's own Debian mirror (its apt sources), else Debian's.
MIRROR=${MIRROR:-$(grep -hoE '^URIs: *https?://[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
in_root() { IN=(chroot "$ROOT" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb DEBIAN_FRONTEND=noninteractive); }
in_root

cleanup() {  # processes left in the root (the app, Xvfb), by id; then the mounts
  for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill "${p#/proc/}" 2>/dev/null; done
  sleep 1; for d in dev/pts dev sys proc; do umount -l "$ROOT/$d" 2>/dev/null || true; done
}

fresh_root() {
  [ "$(id -u)" = 0 ] || { echo "$(basename "$0"): run as root (chroot, mount)"; exit 2; }
  command -v debootstrap >/dev/null || { echo "$(basename "$0"): apt-get install debootstrap first"; exit 2; }
  mkdir -p "$BUILD"
  if [ ! -f "$BUILD/base.tar" ]; then
    rm -rf "$BUILD/base"; debootstrap --variant=minbase bookworm "$BUILD/base" "$MIRROR" >"$BUILD/debootstrap.log"
    tar -C "$BUILD/base" -cf "$BUILD/base.tar" . && rm -rf "$BUILD/base"
  fi
  cleanup; ROOT=$BUILD/${1:-root}; in_root
  trap cleanup EXIT
  cleanup  # a root left mounted by an interrupted run; rm never crosses into a mount anyway
  rm -rf --one-file-system "$ROOT"; mkdir -p "$ROOT"; tar -C "$ROOT" -xf "$BUILD/base.tar"
  cp /etc/resolv.conf "$ROOT/etc/"; [ -f /etc/pip.conf ] && cp /etc/pip.conf "$ROOT/etc/"
  for d in proc sys dev dev/pts; do mount --bind "/$d" "$ROOT/$d"; done
  "${IN[@]}" apt-get update -qq
}
