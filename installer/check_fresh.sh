#!/bin/bash
# make check-fresh: the README's `make install`, `make test` and `make run` in a clean Debian 12
# root, as on a user's new PC (this machine has libraries a new PC lacks). Needs root (chroot,
# mount) and debootstrap. The minbase root is cached as build/fresh/base.tar; committed files only
# (a clone) are tested. Prints the time of `make install`, the tests' result and whether the
# window appeared; leaves a screenshot in build/fresh/fresh-window.png.
set -euo pipefail
SRC=${SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=$(realpath -m "${BUILD:-$SRC/build/fresh}"); ROOT=$BUILD/root
# This machine's own Debian mirror (its apt sources), else Debian's.
MIRROR=${MIRROR:-$(grep -hoE '^URIs: *https?://[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "check-fresh: run as root (chroot, mount)"; exit 2; }
command -v debootstrap >/dev/null || { echo "check-fresh: apt-get install debootstrap first"; exit 2; }
mkdir -p "$BUILD"
if [ ! -f "$BUILD/base.tar" ]; then
  rm -rf "$BUILD/base"; debootstrap --variant=minbase bookworm "$BUILD/base" "$MIRROR" >"$BUILD/debootstrap.log"
  tar -C "$BUILD/base" -cf "$BUILD/base.tar" . && rm -rf "$BUILD/base"
fi
cleanup() {  # processes left in the root (the app, Xvfb), by id; then the mounts
  for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill "${p#/proc/}" 2>/dev/null; done
  sleep 1; for d in dev/pts dev sys proc; do umount -l "$ROOT/$d" 2>/dev/null || true; done
}
trap cleanup EXIT
rm -rf "$ROOT"; mkdir -p "$ROOT"; tar -C "$ROOT" -xf "$BUILD/base.tar"
cp /etc/resolv.conf "$ROOT/etc/"; [ -f /etc/pip.conf ] && cp /etc/pip.conf "$ROOT/etc/"
for d in proc sys dev dev/pts; do mount --bind "/$d" "$ROOT/$d"; done
git clone -q "$SRC" "$ROOT/root/app"
IN=(chroot "$ROOT" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb DEBIAN_FRONTEND=noninteractive)
"${IN[@]}" bash -c 'apt-get update -qq && apt-get install -y -qq python3 make >/dev/null'  # README: Python and make
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"  # this machine's registries need it; a user's PC does not
"${IN[@]}" bash -c 'cd /root/app && time make install && make test'
"${IN[@]}" bash -c 'apt-get install -y -qq xvfb xdotool imagemagick >/dev/null'  # test tools only
"${IN[@]}" bash -c 'export DISPLAY=:99; Xvfb :99 -screen 0 1366x768x24 -nolisten tcp >/tmp/xvfb.log 2>&1 &
  sleep 2; cd /root/app && { make run >/tmp/run.log 2>&1 & }
  for i in $(seq 60); do sleep 1
    if xdotool search --name "Дорожные карты" >/dev/null 2>&1; then sleep 3
      import -window root /tmp/fresh-window.png; echo "check-fresh: window after ${i} s"; exit 0; fi
  done; echo "check-fresh: no window in 60 s"; cat /tmp/run.log
  ldd "$(find /root/app/.venv -name libqxcb.so)" | grep "not found"; exit 1'
cp "$ROOT/tmp/fresh-window.png" "$BUILD/" && echo "check-fresh: OK, screenshot $BUILD/fresh-window.png"
