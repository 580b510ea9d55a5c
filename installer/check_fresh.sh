#!/bin/bash
# make check-fresh: the README's `make install`, `make test` and `make run` in a clean Debian 12
# root, as on a user's new PC (this machine has libraries a new PC lacks). Needs root (chroot,
# mount) and debootstrap. The minbase root is cached as build/fresh/base.tar; committed files only
# (a clone) are tested. Prints the time of `make install`, the tests' result and whether the
# window appeared; leaves a screenshot in build/fresh/fresh-window.png.
set -euo pipefail
source "$(dirname "$0")/fresh_root.sh"
fresh_root
git clone -q "$SRC" "$ROOT/root/app"
"${IN[@]}" bash -c 'apt-get install -y -qq python3 make >/dev/null'  # README: Python and make
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
