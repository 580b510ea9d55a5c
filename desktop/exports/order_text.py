"""The approving order's requisites as text, said once for every format: the PDF and the Word
document print the same issuer, date, number, title, clauses and signature (what the «Документ»
tab shows, never the importer's copy of the number)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desktop.services.dto import OrderInfo, RoadmapHeader
from models.domain.approval import MONTHS
from models.domain.russian import leading_phrase_in_genitive

# The kinds of plan a roadmap's title begins with («Дорожная карта …», «Комплексный план
# мероприятий …»): such a title is put in the genitive after «Об утверждении»; any other is quoted.
PLAN_KINDS = frozenset(
    {"карта", "план", "план-график", "график", "программа", "комплекс", "перечень", "мероприятие", "проект"}
)


def russian_date(value: date | None) -> str:
    """«13» февраля 2023 г. (ГОСТ's word form); empty without a date."""
    if value is None:
        return ""
    return f"«{value.day:02d}» {MONTHS[value.month - 1]} {value.year} г."


def title_in_genitive(title: str) -> str:
    """«дорожной карты по …»: the roadmap's own title put in the genitive by the morphology
    dictionary, to follow «Об утверждении» or «Отчёт об исполнении»; a title that does not begin
    with a kind of plan («Повышение качества …») is quoted after «дорожной карты»."""
    words = re.sub(r"\s+", " ", title.strip())
    inflected = leading_phrase_in_genitive(words, PLAN_KINDS) if words else None
    if inflected is not None:
        return inflected
    return f"дорожной карты «{words}»" if words else "дорожной карты"


def approval_title(title: str) -> str:
    """«Об утверждении дорожной карты по …»: the order's title made from the roadmap's."""
    return f"Об утверждении {title_in_genitive(title)}"


@dataclass(frozen=True)
class OrderText:
    issuer: str  # upper case, as printed
    date: str  # «13» февраля 2023 г. or a blank to fill in
    number: str  # № 245 or a blank
    place: str
    title: str
    preamble: str
    directive: str
    clauses: tuple[str, ...]  # each with its number
    signer_position: str
    signer: str


def order_text(order: OrderInfo, header: RoadmapHeader) -> OrderText:
    clauses = []
    for number, clause in enumerate(order.clauses, start=1):
        written = clause.strip()
        label = "" if written[:3].rstrip(". )").isdigit() else f"{number}. "
        clauses.append(label + written)
    return OrderText(
        issuer=(order.issuer or header.organization).upper(),
        date=russian_date(order.date) or "«___» ____________ 20__ г.",
        number=f"№ {order.number}" if order.number else "№ ____",
        place=order.place or "",
        title=order.title or approval_title(header.title),
        preamble=order.preamble,
        directive=order.directive or "ПРИКАЗЫВАЮ:",
        clauses=tuple(clauses),
        signer_position=order.signer_position,
        signer=order.signer,
    )
