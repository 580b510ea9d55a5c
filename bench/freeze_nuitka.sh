#!/bin/sh
# Nuitka standalone (one-folder) build of «Дорожные карты», only to compare with PyInstaller
# (installer/README.md: the figures and why PyInstaller). Needs `pip install nuitka`.
#   sh bench/freeze_nuitka.sh SRC OUT     SRC: the repo; OUT: output folder (OUT/roadmap.dist/roadmap)
# Needs gcc, patchelf (apt-get install patchelf), ccache optional (rebuilds); run with the venv's python.
set -eu
SRC=$(cd "$1" && pwd)
OUT=$2
QT=$(python -c 'import PySide6, os; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))')
mkdir -p "$OUT"
cp "$SRC/installer/freeze/roadmap_launcher.py" "$OUT/roadmap.py"    # names the folder roadmap.dist and the program roadmap
cd "$SRC"    # so that desktop, ui and models are found as packages
exec python -m nuitka --mode=standalone --enable-plugin=pyside6 \
  --output-dir="$OUT" --output-filename=roadmap \
  --include-package=desktop --include-package=ui --include-package=models \
  --nofollow-import-to=models.migrations \
  --include-module=alembic.op --include-module=alembic.context --include-module=alembic.ddl.sqlite \
  --include-module=logging.config \
  --include-data-dir="$SRC/resources=resources" \
  --include-raw-dir="$SRC/models/migrations=models/migrations" \
  --include-data-dir="$QT/translations=PySide6/Qt/translations" \
  --nofollow-import-to=tkinter --nofollow-import-to=pytest --nofollow-import-to=numpy \
  --assume-yes-for-downloads \
  "$OUT/roadmap.py"
