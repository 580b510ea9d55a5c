"""Who may change what: a coordinator anything; a school's director or team member only their
own school's records of execution. Checked before every operation (desktop/services/operations.py)
and where a school's record is written."""

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


def check_school(role: str, who: str, own_school: str, school: str) -> None:
    """NotAllowedError when a school's person would change another school's record."""
    if role != COORDINATOR and own_school.casefold().strip() != school.casefold().strip():
        raise NotAllowedError(
            f"{who} отмечает исполнение только своей школы ({own_school or 'школа не указана'}), "
            f"а не школы «{school}»."
        )
