"""The approval mark (гриф утверждения) and the approving order's fields it repeats.

A mark is a few lines at the top right of the roadmap, in one of two kinds (ГОСТ Р 7.0.97-2016):
- a stamp: «УТВЕРЖДАЮ», the signer's position, signature and name, «Приказ от <date> № <number>»;
- an appendix mark: «Приложение», «УТВЕРЖДЕНА», «приказом <issuer> от <date> № <number>».

An imported document keeps its own lines: the user sees and edits them on the «Документ» tab and
the export prints them as they are. They never keep an old number or date: when the order's number
or date changes, the old value is replaced in the lines where it stands once; when that cannot be
done exactly, or the kind, signer, position or issuer the mark shows changes, the mark is made
anew from the order (``follow_order``). ``disagreement`` tells the tab when lines typed by hand
name another number or date than the order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.domain.russian import first_noun_phrase_in_genitive

STAMP, APPENDIX = "stamp", "appendix"
KINDS = (None, STAMP, APPENDIX)
BLANK_NUMBER = "____"
BLANK_DATE = "____________"
BLANK_SIGNED_ON = "«___» ____________ 20__ г."
SIGNATURE = "_____________"
MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MarkFacts:
    """What a mark says about its order: all of it is on the tab's order fields."""

    has_order: bool
    number: str = ""
    date: date | None = None
    signer: str = ""
    signer_position: str = ""
    issuer: str = ""

    @classmethod
    def of(cls, order: Mapping[str, Any] | Any | None, organization: str = "") -> MarkFacts:
        """From an order as a snapshot dict, a database row mapping or an ``OrderInfo``."""
        if order is None:
            return cls(False)

        def get(name: str) -> Any:
            return order.get(name) if isinstance(order, Mapping) else getattr(order, name, None)

        when = get("date")
        return cls(
            True,
            str(get("number") or "").strip(),
            when if isinstance(when, date) else None,
            str(get("signer") or "").strip(),
            str(get("signer_position") or "").strip(),
            str(get("issuer") or organization or "").strip(),
        )


def numeric_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else BLANK_DATE


def issuer_genitive(issuer: str) -> str:
    """«Управление образования администрации …» -> «Управления образования администрации …»
    (the morphology dictionary declines the leading noun phrase: «Муниципальное казённое
    учреждение …» -> «Муниципального казённого учреждения …»); abbreviations (МКУ, МОУО) stay;
    an issuer that does not begin with a noun phrase is left out (empty string)."""
    words = re.sub(r"\s+", " ", issuer).strip()
    if not words:
        return ""
    first = words.partition(" ")[0]
    letters = first.strip('«»"')
    if not letters.isalpha() or (letters.isupper() and len(letters) <= 6):  # МКУ «…», МОУО
        return words
    return first_noun_phrase_in_genitive(words) or ""


def make_mark(kind: str | None, facts: MarkFacts) -> list[str]:
    """The mark of ``kind`` as the order's fields give it (blanks where a field is empty)."""
    if kind is None:
        return []
    number = facts.number or BLANK_NUMBER
    if kind == STAMP:
        lines = ["УТВЕРЖДАЮ"]
        if facts.signer_position:
            lines.append(facts.signer_position)
        lines.append(f"{SIGNATURE} {facts.signer}".rstrip())
        if facts.has_order:
            lines.append(f"Приказ от {numeric_date(facts.date)} № {number}")
        else:
            lines.append(BLANK_SIGNED_ON)
        return lines
    if kind == APPENDIX:
        issuer = issuer_genitive(facts.issuer) if facts.has_order else ""
        by = f"приказом {issuer}" if issuer else "приказом"
        return ["Приложение", "УТВЕРЖДЕНА", f"{by} от {numeric_date(facts.date)} № {number}"]
    raise ValueError(f"unknown approval kind {kind!r}")


def shown_lines(kind: str | None, lines: Sequence[str], facts: MarkFacts) -> list[str]:
    """What is printed and shown on the tab: nothing without a kind, else the lines, or (when
    there are none) the mark made from the order."""
    if kind is None:
        return []
    kept = [line for line in lines if line.strip()]
    return kept or make_mark(kind, facts)


def follow_order(
    lines: Sequence[str], old_kind: str | None, kind: str | None, old: MarkFacts, new: MarkFacts
) -> list[str]:
    """The mark's ``lines`` (as they were shown) after its kind or order changed from old to new."""
    lines = [line for line in lines if line.strip()]
    if kind is None:
        return []
    if kind != old_kind or not lines:
        return make_mark(kind, new)
    if old == new:
        return lines
    shown = [old.has_order, old.signer, old.signer_position], [new.has_order, new.signer, new.signer_position]
    if kind == APPENDIX:
        shown[0].append(issuer_genitive(old.issuer))
        shown[1].append(issuer_genitive(new.issuer))
    if shown[0] != shown[1]:
        return make_mark(kind, new)
    result: list[str] | None = lines
    if old.number != new.number:
        result = _replace_number(lines, old.number, new.number)
    if result is not None and old.date != new.date:
        result = _replace_date(result, old.date, new.date)
    return make_mark(kind, new) if result is None else result


def disagreement(kind: str | None, lines: Sequence[str], facts: MarkFacts) -> str:
    """A Russian sentence when the mark names no order number or date the order has ("" if fine)."""
    if kind is None or not facts.has_order:
        return ""
    text = " ".join(lines)
    missing = []
    if facts.number and not _number_pattern(facts.number).search(text):
        missing.append(f"№ {facts.number}")
    if facts.date and not any(p.search(text) for p in _date_patterns(facts.date)):
        missing.append(f"дату {numeric_date(facts.date)}")
    if not missing:
        return ""
    return (
        f"В строках грифа нет {' и '.join(missing)} из приказа: так они и будут напечатаны. "
        "Исправьте строки или нажмите «Составить по приказу»."
    )


def _number_pattern(number: str) -> re.Pattern[str]:
    return re.compile(r"(№\s*)" + re.escape(number) + r"(?![\w/-])")


def _date_patterns(value: date) -> tuple[re.Pattern[str], re.Pattern[str]]:
    numeric = re.compile(rf"(?<!\d)0?{value.day}\.0?{value.month}\.{value.year}(?!\d)")
    words = re.compile(rf"«?\s*0?{value.day}\s*»?\s+{MONTHS[value.month - 1]}\s+{value.year}(?!\d)", re.I)
    return numeric, words


def _replace_once(lines: list[str], pattern: re.Pattern[str], new: Any) -> list[str] | None:
    """``lines`` with the one match of ``pattern`` replaced; None when it is not there exactly once."""
    if sum(len(pattern.findall(line)) for line in lines) != 1:
        return None
    return [pattern.sub(new, line) for line in lines]


def _replace_number(lines: list[str], old: str, new: str) -> list[str] | None:
    if not old or not new:
        return None
    return _replace_once(lines, _number_pattern(old), lambda m: m.group(1) + new)


def _replace_date(lines: list[str], old: date | None, new: date | None) -> list[str] | None:
    if old is None or new is None:
        return None
    numeric, words = _date_patterns(old)
    found = [p for p in (numeric, words) if any(p.search(line) for line in lines)]
    if len(found) != 1:
        return None
    if found[0] is numeric:
        return _replace_once(lines, numeric, lambda _m: numeric_date(new))
    return _replace_once(lines, words, lambda _m: f"«{new.day:02d}» {MONTHS[new.month - 1]} {new.year}")
