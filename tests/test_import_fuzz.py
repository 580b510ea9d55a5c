"""Damaged copies of real roadmaps (truncated, bytes flipped, lines shuffled): the importer either
reads them or refuses them with a Russian message; it never fails with anything else."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.importers import read_source, recognise
from models.domain.errors import DomainError

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("fuzz-sources")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_docs.py"), "30", str(folder), "--only", "xlsx"],
        check=True,
        capture_output=True,
    )
    return [*sorted(SEEDS.glob("*.docx")), *sorted(SEEDS.glob("*.txt")), folder / "roadmap_30.xlsx"]


def mutate(data: bytes, rng: random.Random, text: bool) -> bytes:
    choice = rng.random()
    if choice < 0.3:
        return data[: rng.randrange(1, len(data))]
    if choice < 0.7 or not text:
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        return bytes(flipped)
    lines = data.decode("utf-8", "replace").split("\n")
    rng.shuffle(lines)
    return "\n".join(line.replace("\t", "", rng.randrange(3)) for line in lines).encode()


def test_damaged_sources_never_crash(sources: list[Path], tmp_path: Path) -> None:
    rng = random.Random(20261124)
    outcomes = {"read": 0, "refused": 0}
    for i in range(300):
        source = rng.choice(sources)
        damaged = tmp_path / f"damaged{i}{source.suffix}"
        damaged.write_bytes(mutate(source.read_bytes(), rng, source.suffix == ".txt"))
        try:
            recognise(read_source(damaged))
            outcomes["read"] += 1
        except DomainError as error:
            assert error.message[0].isupper() and error.message.rstrip().endswith(".")
            outcomes["refused"] += 1
    assert outcomes["read"] > 0 and outcomes["refused"] > 0
