"""Does the file hold only what the program's migrations make? Nothing in a file is trusted.

A trigger added by another program runs inside our own transactions (one found in the wild
deleted 69 of 70 measures on an ordinary edit, another wiped the change log), a view can stand
where a table should be (a recursive one hangs every read), and a missing or extra column makes
writes fail or go astray. SQLite's integrity check sees none of these: they are valid SQL. So the
schema is compared with what the migrations create, before anything else reads the file.
"""

from __future__ import annotations

import sqlite3
from typing import Final

# Our tables at each revision (each later one adds to the earlier); SQLite's own tables
# (sqlite_sequence, sqlite_stat1…) are SQLite's, not foreign.
_TABLES_0001: Final = frozenset(
    {"alembic_version", "roadmaps", "sections", "measures", "schools", "measure_schools", "orders"}
)
TABLES_BY_REVISION: Final = {
    "0001": _TABLES_0001,
    "0002": _TABLES_0001 | {"change_log"},
    "0003": _TABLES_0001 | {"change_log", "file_settings"},
    "0004": _TABLES_0001 | {"change_log", "file_settings", "people", "school_executions"},
    "0005": _TABLES_0001 | {"change_log", "file_settings", "people", "school_executions", "attachments"},
    "0006": _TABLES_0001 | {"change_log", "file_settings", "people", "school_executions", "attachments"},
    "0007": _TABLES_0001 | {"change_log", "file_settings", "people", "school_executions", "attachments"},
    "0008": _TABLES_0001 | {"change_log", "file_settings", "people", "school_executions", "attachments"},
}


def foreign_parts(
    connection: sqlite3.Connection, revision: str, columns: dict[str, set[str]] | None
) -> list[str]:
    """What the file holds that the migrations to ``revision`` do not make, in Russian words
    («триггер «x»», «представление «measures»», «столбец measures.y»…); empty when it is ours.

    ``columns`` (table -> column names) is what the current revision's tables must have; given
    only for the current revision (an older file is checked again once upgraded).
    """
    found: list[str] = []
    expected = TABLES_BY_REVISION[revision]
    objects = connection.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    tables = set()
    for kind, name, _table in objects:
        if kind == "trigger":
            found.append(f"триггер «{name}»")
        elif kind == "view":
            found.append(f"представление «{name}»")
        elif kind == "table" and not name.startswith("sqlite_"):
            tables.add(name)
            if name not in expected:
                found.append(f"таблица «{name}»")
    found += [f"нет таблицы «{name}»" for name in sorted(expected - tables)]
    for table, wanted in sorted((columns or {}).items()):
        if table not in tables:
            continue
        present = {row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")}
        found += [f"лишний столбец {table}.{c}" for c in sorted(present - wanted)]
        found += [f"нет столбца {table}.{c}" for c in sorted(wanted - present)]
    return found


def altered_message(path: object, parts: list[str], newest_backup: object | None) -> str:
    shown = ", ".join(parts[:5]) + (f" и ещё {len(parts) - 5}" if len(parts) > 5 else "")
    text = (
        f"Файл «{path}» изменён другой программой: в нём есть то, чего эта программа не создаёт "
        f"({shown}). Чтобы данные не пострадали, файл не открыт и не изменён."
    )
    if newest_backup is not None:
        return text + f" Восстановите последнюю резервную копию: «{newest_backup}»."
    return text + " Резервных копий этого файла не найдено; обратитесь к тому, кто прислал файл."
