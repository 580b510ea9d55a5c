"""Exports people send to the ministry: PDF (plan or execution report), Word, Excel workbook, calendar.

Every export is written to a temporary file beside the target and moved over it at the end, so a
cancel, a full disk or a power cut never leaves a half-written file under the user's name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.exports.content import build_content, suggested_name
from desktop.exports.steps import Progress
from desktop.services.dto import RoadmapTree
from desktop.services.writer import CancelledError
from models.domain.errors import DomainError
from models.storage.leftovers import EXPORT_TEMPORARY, remove_stale

__all__ = ["KINDS", "SUFFIXES", "ExportResult", "export_tree", "suggested_name"]

KINDS = ("pdf", "docx", "xlsx", "ics", "upcoming")  # upcoming: the «Ближайшие» page as a PDF
MAX_REMIND_DAYS = 365  # a calendar reminder at most a year before the deadline
SUFFIXES = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "ics": "ics", "upcoming": "pdf"}


@dataclass(frozen=True)
class ExportResult:
    out: Path
    pages: int | None = None  # PDF
    events: int | None = None  # calendar


def _write_error(out: Path, error: OSError) -> DomainError:
    if isinstance(error, PermissionError):
        return DomainError(
            f"Нет доступа к файлу «{out}». Если он открыт в другой программе (Word, Excel, просмотр PDF), "
            "закройте его и повторите, или сохраните под другим именем."
        )
    if error.errno == errno.ENOSPC:
        return DomainError(f"На диске нет места для файла «{out.name}». Освободите место и повторите.")
    if isinstance(error, FileNotFoundError | NotADirectoryError):
        return DomainError(f"Папка «{out.parent}» не найдена. Выберите другую папку.")
    return DomainError(f"Не удалось записать файл «{out}»: {error.strerror or error}.")


def export_tree(
    tree: RoadmapTree,
    kind: str,
    out: Path,
    report: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    today: date | None = None,
    remind_days: int | None = None,
) -> ExportResult:
    """Write the roadmap as ``kind`` (one of KINDS) to ``out``, all or nothing; its
    progress figures (overdue marks, summary) as of ``today`` (the real today unless given); a
    calendar's reminders ``remind_days`` before each end (None: the default, negative: none)."""
    if kind not in KINDS:
        raise DomainError(f"Неизвестный вид экспорта «{kind}». Возможны: {', '.join(KINDS)}.")
    if remind_days is not None and not -1 <= remind_days <= MAX_REMIND_DAYS:
        raise DomainError(
            f"Напоминание за {remind_days} дн. не получится: укажите от 0 до {MAX_REMIND_DAYS} дней "
            "до конца срока или -1 — без напоминаний."
        )
    out = Path(out)
    if out.is_dir():
        raise DomainError(f"«{out}» — это папка. Укажите имя файла.")
    pages: int | None = None
    events: int | None = None
    remove_stale(out.parent, [EXPORT_TEMPORARY])  # left by an export killed earlier (old ones only)
    # A short name of its own (any name the user gives still fits beside it), created by the
    # writer like any file, so it gets the usual permissions (mkstemp's would be owner-only).
    temporary = out.parent / f".export-{secrets.token_hex(6)}.tmp"
    try:
        if kind == "pdf":
            from desktop.exports.pdf import write_pdf

            pages = write_pdf(build_content(tree, report, today), temporary, progress, cancel)
        elif kind == "docx":
            from desktop.exports.docx import write_docx

            write_docx(build_content(tree, report, today), temporary, progress, cancel)
        elif kind == "xlsx":
            from desktop.exports.xlsx import write_xlsx

            write_xlsx(build_content(tree, report, today), temporary, progress, cancel)
        elif kind == "upcoming":
            from desktop.exports.upcoming_pdf import write_upcoming_pdf

            pages = write_upcoming_pdf(tree, temporary, today or date.today(), progress, cancel)
        else:
            from desktop.exports.ics import REMIND_DAYS, write_ics

            days = REMIND_DAYS if remind_days is None else remind_days
            events = write_ics(tree, temporary, progress, cancel, remind_days=days)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        if cancel is not None and cancel.is_set():  # pressed after the last progress step
            raise CancelledError("Экспорт отменён.")
        os.replace(temporary, out)
    except OSError as error:
        raise _write_error(out, error) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return ExportResult(out, pages, events)
