"""Import into a new file on a full disk: the Russian message, no traceback (the log handler on
that disk failed too and printed its own), and no half-made file left behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from models.storage.errors import DISK_FULL_MESSAGE
from tests.conftest import ROOT

SEED = ROOT / "tests" / "data" / "seeds" / "000.docx"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a private tmpfs mount is Linux only")
def test_import_into_a_new_file_on_a_full_disk(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to mount a small disk privately")
    probe = subprocess.run([unshare, "--mount", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:  # a container or chroot may not allow a private mount namespace
        pytest.skip(f"mount namespaces not allowed here: {probe.stderr.decode(errors='replace').strip()}")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (
        'mount -t tmpfs -o size=60k tmpfs "$1" || exit 77\n'
        'ROADMAP_DATA_DIR="$1/data" "$2" -m desktop import "$3" --db "$1/новый.sqlite"\n'
        'code=$?; ls -A "$1"; exit $code'
    )
    result = subprocess.run(
        [
            unshare,
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
            str(disk),
            sys.executable,
            str(SEED),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )
    if result.returncode == 77 or result.stderr.startswith("unshare:"):
        pytest.skip(f"mounting a tmpfs is not allowed here: {result.stderr.strip()}")
    assert result.returncode == 1
    assert result.stderr.strip() == DISK_FULL_MESSAGE
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    assert result.stdout.split() == ["data"]  # no half-made roadmap file, no journal
