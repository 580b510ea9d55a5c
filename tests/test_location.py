"""Files on network shares are recognised (users are warned: SQLite locking is unsafe there)."""

from __future__ import annotations

from pathlib import Path

from models.storage.location import is_network_path, mount_type

MOUNTS = """\
/dev/sda1 / ext4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
//server/obmen /mnt/obmen cifs rw 0 0
server:/export /media/uo\\040share nfs4 rw 0 0
"""


def test_unc_paths_are_network() -> None:
    assert is_network_path(Path("//server/share/карты.sqlite"), MOUNTS)


def test_linux_network_mounts() -> None:
    assert is_network_path(Path("/mnt/obmen/карты.sqlite"), MOUNTS)
    assert is_network_path(Path("/media/uo share/a.sqlite"), MOUNTS)
    assert not is_network_path(Path("/home/user/карты.sqlite"), MOUNTS)
    assert not is_network_path(Path("/mnt/obmenник/a.sqlite"), MOUNTS)


def test_longest_mount_point_wins() -> None:
    assert mount_type(Path("/tmp/x"), MOUNTS) == "tmpfs"
