"""A portable copy on a USB stick keeps its file, backups and settings beside the program."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop import config


@pytest.fixture
def built_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "Флешка" / "roadmap"
    folder.mkdir(parents=True)
    (folder / "roadmap.exe").write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "roadmap.exe"))
    monkeypatch.delenv("ROADMAP_DATA_DIR", raising=False)
    return folder


def test_with_the_marker_data_lives_beside_the_program(built_program: Path) -> None:
    (built_program / config.PORTABLE_MARKER).write_text("Переносная копия", encoding="utf-8")
    assert config.data_dir() == built_program / "data"
    assert config.backup_root() == built_program / "data" / "backups"
    assert config.default_database() == built_program / "data" / config.DEFAULT_FILE_NAME
    assert config.settings_in_data_dir() is True
    assert (built_program / "data").is_dir()


def test_without_the_marker_an_installed_program_uses_the_users_folder(
    built_program: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(tmp_path / "profile"))
    assert config.portable_data_dir() is None
    assert config.data_dir() == tmp_path / "profile"
    assert config.settings_in_data_dir() is False


def test_from_source_the_marker_means_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / config.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert not getattr(sys, "frozen", False)
    assert config.portable_data_dir() is None
