"""``python -m desktop``: no command opens the window, otherwise the command line runs."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

# Kept in step with desktop.cli.build_parser (a test compares them); importing it costs the window.
COMMANDS = frozenset(
    {
        "demo",
        "import",
        "dump",
        "deadline",
        "check",
        "set",
        "backups",
        "restore",
        "export",
        "school-sheets",
        "take-sheet",
        "attach",
        "take-copy",
        "merge-copy",
        "sync",
        "server-setup",
        "region",
        "server-account",
        "server-log",
        "diagnose",
        "shot",
    }
)


def file_to_open(args: list[str]) -> Path | None:
    """A double click passes the file alone (the .desktop entry's ``roadmap %f``, the Windows
    association): one argument that is no command and no option, and names a file."""
    if len(args) != 1 or args[0].startswith("-") or args[0] in COMMANDS:
        return None
    path = Path(args[0])
    return path if path.exists() or path.suffix else None


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen program's reading processes (PDF import) start here
    args = sys.argv[1:] if argv is None else argv
    target = file_to_open(args)
    if not args or target is not None:
        from desktop.app import run_window

        return run_window(target.resolve() if target is not None else None)
    # The cyclic collector stays on (it was off once, to save ~45 ms): the garbage cycles of a
    # 100,000-measure PDF (reportlab's) then added 40 MB to the peak (bench/bench_memory.py).
    from desktop.cli import run

    code = run(args)
    # Everything the command made is garbage now; the interpreter's last collections would scan it
    # all again on the way out (~60 ms after a big export). Frozen objects are not scanned.
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
