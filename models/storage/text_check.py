"""Text the file cannot give back: a bit flipped inside a letter can leave bytes that are not
UTF-8. SQLite stores and checks pages, not letters, so `integrity_check` passes, and Python's
sqlite3 then refuses the whole query ("Could not decode to UTF-8 column …"): without care one
damaged letter made a whole roadmap unreadable. Here the damage is found (for `check`), told
(for every read) and, once told, read past: damaged letters come back as «�».
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

REPLACEMENT = "\ufffd"
# Tables of the schema as users know them (for messages); others are named as stored.
TABLE_WORDS = {
    "measures": "мероприятия",
    "sections": "разделы",
    "roadmaps": "дорожные карты",
    "orders": "приказы",
    "schools": "школы",
    "change_log": "журнал изменений",
    "file_settings": "настройки файла",
}


def is_undecodable(exc: BaseException) -> bool:
    """Whether ``exc`` is sqlite3 refusing text that is not UTF-8. That error is the sqlite3
    module's own (no SQLite result code to classify it by), so it is known by its words,
    which CPython has kept since 3.0."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    return (
        isinstance(original, sqlite3.OperationalError)
        and getattr(original, "sqlite_errorcode", None) is None
        and "decode to UTF-8" in str(original)
    )


def tolerant_text(data: bytes) -> str:
    """sqlite3's text_factory once damage was told: damaged letters as «�», the rest as stored."""
    return data.decode("utf-8", "replace")


def undecodable_cells(connection: sqlite3.Connection) -> dict[str, int]:
    """Per table, how many stored texts are not UTF-8 (one pass over every text column)."""
    found: dict[str, int] = {}
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    ]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        for column_row in connection.execute(f"PRAGMA table_info({quoted})"):
            column = '"' + str(column_row[1]).replace('"', '""') + '"'
            query = f"SELECT CAST({column} AS BLOB) FROM {quoted} WHERE typeof({column}) = 'text'"
            for (raw,) in connection.execute(query):
                try:
                    bytes(raw).decode("utf-8")
                except UnicodeDecodeError:
                    found[table] = found.get(table, 0) + 1
    return found


def damage_words(found: dict[str, int]) -> str:
    """«текст не читается: мероприятия — 2, разделы — 1» for a damage message."""
    parts = ", ".join(f"{TABLE_WORDS.get(table, table)} — {count}" for table, count in found.items())
    return f"часть текста не читается, испорченных значений: {parts}"
