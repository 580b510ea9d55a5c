"""The oldest glibc a one-folder build runs on: the highest GLIBC_x.y symbol version that any of
its ELF files asks for. The .deb's Depends carries it (build_deb.sh), so apt refuses the package on
an older system in its own words instead of the program failing at start with «version
`GLIBC_2.34' not found»; bench_freeze.py reports it beside the build's size.

    python3 installer/linux/glibc_floor.py build/dist/roadmap      → 2.36
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def glibc_floor(folder: Path) -> str:
    """The highest GLIBC_ symbol version named in any ELF file of ``folder`` ("" when none)."""
    highest = (0, 0, 0)
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
            data = handle.read()
        for match in GLIBC.finditer(data):
            version = (int(match[1]), int(match[2]), int(match[3] or 0))
            highest = max(highest, version)
    if highest == (0, 0, 0):
        return ""
    return ".".join(str(part) for part in highest).removesuffix(".0")


if __name__ == "__main__":
    print(glibc_floor(Path(sys.argv[1])))
