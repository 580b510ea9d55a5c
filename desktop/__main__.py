"""``python -m desktop``: no command opens the window, otherwise the command line runs."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        from desktop.app import run_window

        return run_window()
    # A command is one short process: the cyclic collector only slows it (~45 ms of a half-second
    # export, mostly while modules load) and frees nothing that matters before exit; peak memory of
    # a 5,000-measure import or export is the same with it off (bench/, measured).
    gc.disable()
    from desktop.cli import run

    code = run(args)
    # Everything the command made is garbage now; the interpreter's last collections would scan it
    # all again on the way out (~60 ms after a big export). Frozen objects are not scanned.
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
