"""Entry script for frozen builds: the same as `python -m desktop` / the `roadmap` command."""

from desktop.__main__ import main

raise SystemExit(main())
