"""``python -m desktop``: no command opens the window, otherwise the command line runs."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        from desktop.app import run_window

        return run_window()
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
