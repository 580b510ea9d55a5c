"""The environment a benchmark runs the program in: the user's, not this workplace's.

Offscreen Qt (no display here). And Python's own byte-code cache: a shell that sets
PYTHONDONTWRITEBYTECODE (this workplace does) makes every run compile the program's modules again
(50 ms of a 1-second export), which no user's PC does after the first start and the installed
program never does (its modules are compiled at build time).
"""

from __future__ import annotations

import os


def program_env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
