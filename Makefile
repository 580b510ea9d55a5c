# Дорожные карты — set-up, run, test. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Qt's own libraries need these on a fresh Debian 12 / Astra (found with ldd on PySide6's Qt
# libraries and platform plugins in a debootstrap root: nothing "not found" after them).
DEB_PACKAGES := python3-venv poppler-utils libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
  libglib2.0-0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
  libxcb-render-util0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libwayland-cursor0 libwayland-egl1
# The grid's key tests run once more on a real X server (Qt's offscreen platform binds fewer keys);
# the server tests start a real PostgreSQL of their own (tests/pg_server.py).
TEST_DEB_PACKAGES := xvfb postgresql
# Benchmarks compare with LibreOffice and let it judge the Excel row heights.
BENCH_DEB_PACKAGES := libreoffice-calc libreoffice-writer python3-uno
# PyInstaller reads every bundled library's own dependencies with objdump (binutils) and bundles
# the interpreter's shared library (Debian's python3 links it statically; libpython3.X is the
# package that has it): a fresh Debian 12 / Astra has neither, and `make build` stops without them.
LIBPYTHON = $(shell $(PYTHON) -c 'import sys; print("libpython%d.%d" % sys.version_info[:2] if sys.base_prefix == "/usr" else "")' 2>/dev/null)
BUILD_DEB_PACKAGES = binutils $(LIBPYTHON)
# The clean-Debian checks unpack new roots with debootstrap.
CHECK_DEB_PACKAGES := debootstrap

.PHONY: install run test lint bench clean system-packages test-packages bench-packages deb-install check-fresh \
  build deb check-deb sync-soak

install: $(STAMP)

# Reinstall only when the project's declared dependencies change.
$(STAMP): pyproject.toml Makefile
	@$(MAKE) -s system-packages
	@# A venv made without python3-venv (Debian's ensurepip) has no pip: made again, not reused.
	@$(PY) -m pip --version >/dev/null 2>&1 || (rm -rf $(VENV) && $(PYTHON) -m venv $(VENV))
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
	@# "compat": the project root on sys.path through a plain .pth file; the default editable finder
	@# costs every process start ~15 ms (CLI exports have budgets of half a second).
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat 2>/dev/null \
	  || $(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Debian packages the window needs (the tests' own come with `make test`, so a build server that
# only runs `make deb` gets no database server); installed only when root and missing.
system-packages:
	@$(MAKE) -s deb-install PACKAGES="$(DEB_PACKAGES)"

test-packages:
	@$(MAKE) -s deb-install PACKAGES="$(TEST_DEB_PACKAGES)"

bench-packages:
	@$(MAKE) -s deb-install PACKAGES="$(BENCH_DEB_PACKAGES)"

# Root installs what is missing; anyone else is told the one command to run. Either is stopped
# only when a package of NEEDED is still missing: the venv cannot be made without python3-venv
# (not on a Debian desktop by default), nor a build without binutils; the rest only warns.
NEEDED ?= python3-venv
deb-install:
	@command -v dpkg >/dev/null 2>&1 || exit 0; missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; [ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = "0" ]; then echo "apt-get install:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing"; \
	else echo "Нужны системные пакеты. Выполните: sudo apt-get install$$missing"; fi; \
	for p in $(NEEDED); do case " $(PACKAGES) " in *" $$p "*) dpkg -s $$p >/dev/null 2>&1 \
	  || { echo "Без пакета $$p продолжить нельзя."; exit 1; };; esac; done

# The README's commands in a clean Debian 12 root (debootstrap, cached under build/fresh): make
# install, make test, and make run under Xvfb until the window appears. Root only; ~5 minutes.
check-fresh:
	@$(MAKE) -s deb-install PACKAGES="$(CHECK_DEB_PACKAGES)" NEEDED="$(CHECK_DEB_PACKAGES)"
	bash installer/check_fresh.sh

# The one-folder program (installer/README.md): build/dist/roadmap/roadmap carries its own Python and
# Qt, the fonts, the demo, the migrations and Qt's Russian translations. About a minute.
DIST := build/dist/roadmap
build: install
	@$(MAKE) -s deb-install PACKAGES="$(BUILD_DEB_PACKAGES)" NEEDED="$(BUILD_DEB_PACKAGES)"
	@$(PY) -c "import PyInstaller" 2>/dev/null || $(PY) -m pip install -q --disable-pip-version-check \
	  "$$(sed -n 's/^freeze = \["\(.*\)"\]/\1/p' pyproject.toml)"
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/pyinstaller \
	  installer/freeze/roadmap.spec
	$(DIST)/roadmap --version

# Astra Linux / Debian package of that build: /opt/roadmap, the `roadmap` command, menu entry,
# icon, file type; Depends names the glibc its libraries ask for (installer/linux/glibc_floor.py).
deb: build
	PYTHON=$(PY) bash installer/linux/build_deb.sh $(DIST) build/deb

# Both halves on clean Debian 12 roots (root; ~10 minutes): a clean clone builds the .deb with
# `make deb` alone in one root, a second root installs it with apt and runs it as a plain user.
check-deb:
	@$(MAKE) -s deb-install PACKAGES="$(CHECK_DEB_PACKAGES)" NEEDED="$(CHECK_DEB_PACKAGES)"
	bash installer/check_deb.sh

run: install
	$(PY) -m desktop

# Guard rails (docs/architecture.md): style, strict types, import contracts. Seconds when warm.
lint: install
	$(PY) -m ruff check desktop ui models tests bench
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache

test: install test-packages lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# Syncs killed with SIGKILL at random moments, many rounds (make test runs three); SEED repeats one.
SYNC_KILLS ?= 40
SEED ?= 29
sync-soak: install test-packages
	ROADMAP_SYNC_KILLS=$(SYNC_KILLS) ROADMAP_SYNC_SEED=$(SEED) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q \
	  tests/test_sync.py -k killed_at_random

bench: install bench-packages
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
