#!/bin/bash
# make check-deb: the .deb built and used on clean Debian 12 roots, as a new maintainer or a build
# server makes it and an Astra / Debian user gets it.
#   installer/check_deb.sh                                  both halves
#   installer/check_deb.sh build/deb/roadmap_X_amd64.deb    the second half, for a package built elsewhere
# First half: a clean clone of the committed files in a root that has only python3 and make; as
# root there, `make deb` alone installs what it needs (README, installer/README.md) and builds.
# Second half, in another clean root: apt installs the package with its dependencies; then, as
# an ordinary user: `roadmap --version`, a demo file and its PDF export with no display, the menu entry and the file type registered, the xcb
# plugin lacking no library, the window under Xvfb opened by the file type's default program (what
# a double click does), a damaged file's message in Russian; removal keeps the user's data.
# Screenshots: build/fresh/deb-window.png, build/fresh/deb-message.png.
set -euo pipefail
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build/fresh}
source "$(dirname "$0")/fresh_root.sh"
if [ $# -ge 1 ]; then
  DEB=$(realpath "$1")
else
  fresh_root build-root
  git clone -q "$SRC" "$ROOT/root/app"
  "${IN[@]}" bash -c 'apt-get install -y -qq python3 make >/dev/null'  # README: Python and make
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"  # this machine's registries need it
  start=$(date +%s)
  "${IN[@]}" bash -c 'cd /root/app && make deb >/tmp/make-deb.log 2>&1 || { tail -30 /tmp/make-deb.log; exit 1; }
    grep "^apt-get install:" /tmp/make-deb.log || true'
  echo "check-deb: make deb in a clean root: $(( $(date +%s) - start )) s"
  mkdir -p "$BUILD/deb"; rm -f "$BUILD/deb/"*.deb
  cp "$ROOT"/root/app/build/deb/roadmap_*.deb "$BUILD/deb/"
  DEB=$(ls "$BUILD"/deb/roadmap_*.deb)
  echo "check-deb: built $(basename "$DEB"), $(du -m "$DEB" | cut -f1) MB, Depends: $(dpkg-deb -f "$DEB" Depends | cut -d, -f1)"
  cleanup
  rm -rf --one-file-system "$ROOT"
fi
fresh_root
cp "$DEB" "$ROOT/tmp/"
start=$(date +%s)
"${IN[@]}" bash -c "apt-get install -y -qq /tmp/$(basename "$DEB") >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }"
echo "check-deb: apt install with dependencies: $(( $(date +%s) - start )) s"
"${IN[@]}" bash -c 'apt-get install -y -qq xvfb xdotool imagemagick libglib2.0-bin procps >/dev/null'  # test tools only
"${IN[@]}" useradd -m teacher
AS=(chroot "$ROOT" su - teacher -c)
"${AS[@]}" 'roadmap --version'
"${AS[@]}" 'cd /tmp && roadmap demo --db demo.sqlite >/dev/null && roadmap export --db demo.sqlite --roadmap 1 --pdf demo.pdf'
head -c 5 "$ROOT/tmp/demo.pdf" | grep -q '%PDF-' && echo "check-deb: headless PDF export OK"
"${AS[@]}" 'roadmap diagnose' | grep -q '"cancel_button": "Отмена"' && echo "check-deb: Qt speaks Russian (Отмена)"
"${AS[@]}" 'for f in /opt/roadmap/_internal/PySide6/Qt/plugins/platforms/libqxcb.so /opt/roadmap/roadmap; do
  LD_LIBRARY_PATH=/opt/roadmap/_internal ldd "$f" | grep "not found" && exit 1; done; echo "check-deb: ldd: nothing not found"'
"${AS[@]}" 'gio info -a standard::content-type /tmp/demo.sqlite | grep -q application/x-roadmap \
  && gio mime application/x-roadmap | grep -q roadmap.desktop && echo "check-deb: file type and its program registered"'
printf 'это не файл дорожных карт' >"$ROOT/tmp/broken.sqlite"
"${AS[@]}" 'export DISPLAY=:99; Xvfb :99 -screen 0 1366x768x24 -nolisten tcp >/tmp/xvfb.log 2>&1 &
  sleep 2
  wait_for() { for i in $(seq 60); do sleep 1; xdotool search --name "$1" >/dev/null 2>&1 && { sleep 3; return 0; }; done; return 1; }
  { gio open /tmp/demo.sqlite >/tmp/open.log 2>&1 & }
  wait_for "demo.sqlite" || { echo "check-deb: no window"; cat /tmp/open.log; exit 1; }
  import -window root /tmp/deb-window.png; echo "check-deb: window opened by a double click"
  pkill -x roadmap; sleep 1
  { roadmap /tmp/broken.sqlite >/tmp/broken.log 2>&1 & }
  wait_for "Дорожные карты" && import -window root /tmp/deb-message.png; pkill -x roadmap || true'
cp "$ROOT/tmp/deb-window.png" "$ROOT/tmp/deb-message.png" "$BUILD/"
"${IN[@]}" bash -c 'apt-get remove -y -qq roadmap >/dev/null; test ! -e /opt/roadmap && test ! -e /usr/bin/roadmap
  test -d /home/teacher/.local/share/roadmap && echo "check-deb: removed; the user data stays"'
echo "check-deb: OK, screenshots in $BUILD"
