"""A path longer than SQLite takes (about 250 Russian letters) is said to be too long, with what
to do — it was reported as a damaged file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.storage.database import create_database, open_database
from models.storage.errors import DamagedFileError, StorageError
from tests.conftest import run_cli, sha256


@pytest.fixture
def deep(tmp_path: Path) -> Path:
    folder = tmp_path
    for part in ("Управление образования администрации района", "Дорожные карты ШНОР и ШССУ по годам"):
        folder = folder / (part + " " + "сопровождение школ с низкими результатами " * 2).strip()
        folder.mkdir()
    return folder


def test_a_file_at_the_end_of_a_too_long_path_is_named_as_such(small_db: Path, deep: Path) -> None:
    path = deep / (("Дорожная карта " * 6).strip().replace(" ", "_") + ".sqlite")
    shutil.copyfile(small_db, path)
    assert len(str(path).encode("utf-8")) > 511
    digest = sha256(path)
    with pytest.raises(StorageError) as refused:
        open_database(path)
    assert not isinstance(refused.value, DamagedFileError)
    assert "слишком длинный" in refused.value.message and "не повреждён" in refused.value.message
    result = run_cli("check", "--db", str(path))
    assert (
        result.returncode == 1 and "слишком длинный" in result.stderr and "повреждён (" not in result.stderr
    )
    assert sha256(path) == digest
    with pytest.raises(StorageError, match="слишком длинный"):
        create_database(deep / ("новый_файл_" * 8 + ".sqlite"))
