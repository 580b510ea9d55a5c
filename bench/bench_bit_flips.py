"""What single-bit damage does to a roadmap file, and what the program tells of it.

Each run flips one random bit of the demo file (a failing disk or USB stick), then runs `check`
and `dump` in this process and sorts the outcome: told by `check` (and `dump`), no visible change
(free space, index bytes), a silent change (`check` ok, but a letter or figure of the dump differs
from the intact file), or an internal error (must be 0). The figures decide whether per-page or
per-row checksums are worth their cost (docs/storage.md). JSON to bench/results/bit_flips.json.

    python bench/bench_bit_flips.py [--flips 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from desktop.cli import run  # noqa: E402
from desktop.services.demo import create_demo  # noqa: E402


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flips", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bit-flips-"))
    intact = folder / "demo.sqlite"
    create_demo(intact)
    expected = cli("dump", "--db", str(intact))[1]
    data = intact.read_bytes()
    rng = random.Random(options.seed)
    outcomes: collections.Counter[str] = collections.Counter()
    for n in range(options.flips):
        damaged = bytearray(data)
        damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        path = folder / f"flip{n}.sqlite"
        path.write_bytes(bytes(damaged))
        check, _, check_err = cli("check", "--db", str(path))
        _, dumped, dump_err = cli("dump", "--db", str(path))
        if "Внутренняя ошибка" in check_err + dump_err:
            outcomes["internal_error"] += 1
        elif check:
            outcomes["told"] += 1
        elif dumped == expected:
            outcomes["no_visible_change"] += 1
        else:
            outcomes["silent_change"] += 1
        path.unlink()
    results = {"file_bytes": len(data), "flips": options.flips, "seed": options.seed, **outcomes}
    (HERE / "results" / "bit_flips.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
