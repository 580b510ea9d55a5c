"""A real PostgreSQL for the tests, started from its own fixtures: ``initdb`` into a temporary
folder (as the ``postgres`` account when the tests run as root — the server refuses root), the
server on a free loopback port with its socket in that folder, stopped at the end. `make test`
installs Debian's `postgresql` package on a fresh machine; the tests that need a server skip with
the reason only when its programs are nowhere to be found."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def binaries() -> Path | None:
    """The folder with initdb and pg_ctl: Debian keeps them under /usr/lib/postgresql/N/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="roadmap-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.runner: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL does not run as root
            account = pwd.getpwnam("postgres") if _has_account("postgres") else pwd.getpwnam("nobody")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self.runner = ["runuser", "-u", account.pw_name, "--"]
        self.count = 0
        self.migrated = False

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.runner, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        log = str(self.folder / "server.log")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, migrated: bool = False) -> str:
        """A fresh database, its URL: empty, or (``migrated``) with the program's schema already
        in, copied from a template migrated once per session — PostgreSQL copies a database in
        milliseconds, where running every migration again took most of a server test's time."""
        self.count += 1
        name = f"roadmap_test_{self.count}"
        template = f" TEMPLATE {self._migrated_template()}" if migrated else ""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def _migrated_template(self) -> str:
        name = "roadmap_migrated"
        if not self.migrated:
            from models.storage.server import open_server

            with psycopg.connect(self.url(), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
            open_server(self.url(name)).close()  # the migrations, once; no connection left open
            self.migrated = True
        return name


def _has_account(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
