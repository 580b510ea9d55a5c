"""Who may change what: a coordinator anything; a school's director or team member only their
own school's records of execution. Checked before every operation (desktop/services/operations.py),
where a school's record is written, and at the start of each whole-file write that is not one
operation (an import, a merge of a copy, taking school sheets in, a sync, a restore)."""

from __future__ import annotations

from typing import Final

from models.domain.errors import NotAllowedError

COORDINATOR: Final = "coordinator"
ROLE_LABELS: Final = {
    "coordinator": "координатор",
    "director": "директор школы",
    "team": "команда школы",
    "viewer": "только просмотр",  # nobody chose themselves on opening: nothing may be changed
}


def check_operation(role: str, who: str, for_school: bool) -> None:
    """NotAllowedError unless the role may run an operation (``for_school``: it changes one
    school's record, which a school's people may do)."""
    if role == COORDINATOR or for_school:
        return
    raise NotAllowedError(
        f"{who} работает как {ROLE_LABELS.get(role, role)} и может отмечать только исполнение "
        "мероприятий своей школы («Отчёты школ»). Остальное меняет координатор."
    )


# What a whole-file write is called in a refusal («… делает координатор»): the object of the verb.
IMPORT: Final = "импорт документа в файл"
MERGE_COPY: Final = "объединение с копией"
TAKE_SHEETS: Final = "приём отчётов школ"
SYNC: Final = "синхронизацию с сервером"
RESTORE: Final = "восстановление из резервной копии"


def check_file_operation(role: str, who: str, what: str) -> None:
    """NotAllowedError unless the role may run a write of the whole file (``what``: one of the
    words above), which is the coordinator's alone; called where such a write starts, before
    anything is read for it or written."""
    if role == COORDINATOR:
        return
    raise NotAllowedError(
        f"{who} работает как {ROLE_LABELS.get(role, role)}: {what} делает координатор. Файл не изменён."
    )


def check_school(role: str, who: str, own_school: str, school: str) -> None:
    """NotAllowedError when a school's person would change another school's record."""
    if role != COORDINATOR and own_school.casefold().strip() != school.casefold().strip():
        raise NotAllowedError(
            f"{who} отмечает исполнение только своей школы ({own_school or 'школа не указана'}), "
            f"а не школы «{school}»."
        )
