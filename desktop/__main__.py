"""``python -m desktop``: no command opens the window, otherwise the command line runs."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        from desktop.app import run_window

        return run_window()
    from desktop.cli import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
