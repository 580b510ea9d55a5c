#!/bin/bash
# make deb: the one-folder build (make build) as a Debian / Astra Linux package.
#   installer/linux/build_deb.sh DIST OUT_DIR      DIST: build/dist/roadmap
# Installs to /opt/roadmap with a `roadmap` command, the Russian menu entry, the icon and the
# roadmap file type (installer/linux/). Qt's own system libraries come as Depends (apt pulls them);
# the rest (Python, Qt, fonts, demo, migrations, Qt's Russian translations) is in the folder.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DIST=$(realpath "$1"); OUT=$(realpath -m "$2")
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$SRC/desktop/__init__.py")
ARCH=$(dpkg --print-architecture)
[ -x "$DIST/roadmap" ] || { echo "deb: no build in $DIST (make build)"; exit 2; }
STAGE=$(mktemp -d); trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
install -d "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" "$ROOT/usr/share/mime/packages" \
  "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/doc/roadmap" "$ROOT/DEBIAN"
cp -a "$DIST" "$ROOT/opt/roadmap"
chmod -R u=rwX,go=rX "$ROOT/opt/roadmap"
ln -s /opt/roadmap/roadmap "$ROOT/usr/bin/roadmap"  # the frozen program finds its folder through /proc/self/exe
install -m 644 "$SRC/installer/linux/roadmap.desktop" "$ROOT/usr/share/applications/roadmap.desktop"
install -m 644 "$SRC/installer/linux/roadmap-mime.xml" "$ROOT/usr/share/mime/packages/roadmap.xml"
install -m 644 "$SRC/resources/icons/roadmap.svg" "$ROOT/usr/share/icons/hicolor/scalable/apps/roadmap.svg"
PYTHON=${PYTHON:-python3}  # make deb passes the venv's: the Python the build carries
printf 'Дорожные карты %s — сборка PyInstaller с Python %s и Qt (LGPL).\nИсходный код: README.md проекта.\n' \
  "$VERSION" "$("$PYTHON" -c 'import platform; print(platform.python_version())')" >"$ROOT/usr/share/doc/roadmap/README"
# The oldest glibc the bundled libraries run on (those of the machine that built it): apt refuses
# the package on an older system instead of the program failing at start.
GLIBC=$("$PYTHON" "$SRC/installer/linux/glibc_floor.py" "$DIST")
GLIBC=${GLIBC:-2.28}  # no versioned symbol at all: PySide6's own floor
SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
# What the bundled Qt needs from the system and PyInstaller does not carry (ldd on the xcb plugin
# in a fresh Debian 12 root: nothing "not found" with these). Menu and file type caches are
# refreshed by the triggers of shared-mime-info and desktop-file-utils, no maintainer scripts.
cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: roadmap
Version: $VERSION
Architecture: $ARCH
Maintainer: Roadmap developers <roadmap@localhost>
Installed-Size: $SIZE
Depends: libc6 (>= $GLIBC), libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0, libxkbcommon0, libxkbcommon-x11-0, libx11-xcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-render-util0, libxcb-shape0, libxcb-util1, libxcb-xkb1, libxcb-randr0, libxcb-xfixes0, libxcb-sync1, libxcb-shm0, libxcb-render0, libxcb-glx0, libxcb1, libwayland-client0, libwayland-cursor0, libwayland-egl1
Recommends: shared-mime-info, desktop-file-utils, fonts-dejavu-core
Section: education
Priority: optional
Description: Дорожные карты поддержки школ (ШНОР/ШССУ)
 Ведение дорожных карт мероприятий районного отдела образования без
 интернета: разделы, сроки, ответственные, школы; календари, отметки о
 выполнении, приказ в PDF, Word и Excel. Данные хранятся в одном файле SQLite.
CONTROL
mkdir -p "$OUT"
DEB=$OUT/roadmap_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
echo "$DEB"
