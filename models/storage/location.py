"""Is the roadmap file on a network share? SQLite's locking is unreliable there, so users are told."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "fuse.sshfs",
        "sshfs",
        "fuse.gvfsd-fuse",
        "davfs",
        "fuse.davfs2",
        "glusterfs",
        "ceph",
        "fuse.rclone",
    }
)
NETWORK_WARNING = (
    "Файл находится в сетевой папке. Работать с ним можно, но при обрыве сети возможны ошибки: "
    "не открывайте его одновременно с нескольких компьютеров и регулярно сохраняйте копию."
)


def mount_type(path: Path, mounts_text: str) -> str | None:
    """The filesystem type of the longest mount point in /proc/mounts text that holds ``path``."""
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, best_type = point, parts[2]
    return best_type


def is_network_path(path: Path, mounts_text: str | None = None) -> bool:
    """True for UNC paths, Windows network drives and Linux network filesystems."""
    resolved = Path(os.path.abspath(path))
    text = str(resolved)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        drive = os.path.splitdrive(text)[0] + "\\"
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # DRIVE_REMOTE
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return mount_type(resolved, mounts_text) in NETWORK_FILESYSTEMS
