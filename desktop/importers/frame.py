"""What surrounds the table: the approving order, the approval mark, title, goal, tasks, schools,
and the roadmap's period.

Each part is found by the words that open it (DOMAIN.md): "П Р И К А З", "ПРИКАЗЫВАЮ",
"УТВЕРЖДАЮ", "Приложение … УТВЕРЖДЕНА приказом … от … №", "ДОРОЖНАЯ КАРТА" / "План
мероприятий", "Цель", "Задачи". Lines are paragraphs, with a paragraph's own line breaks
split too, so Word documents and text files read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.domain.russian import noun_in_nominative

MONTHS_GENITIVE = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
_ORDER_WORD = re.compile(r"^\s*п\s*р\s*и\s*к\s*а\s*з\s*$|^\s*приказ\s*$", re.I)
_DIRECTIVE = re.compile(r"п\s*р\s*и\s*к\s*а\s*з\s*ы\s*в\s*а\s*ю\s*:?", re.I)
_APPROVE_STAMP = re.compile(r"^\s*у\s*т\s*в\s*е\s*р\s*ж\s*д\s*а\s*ю\b", re.I)
_APPROVED = re.compile(r"^\s*(?:утвержден[аоы]?|приложение)\b", re.I)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_DATE_WORDS = re.compile(r"«?\s*(\d{1,2})\s*»?\s+(" + "|".join(MONTHS_GENITIVE) + r")\s+(\d{4})", re.I)
# «№ 245», or a legal database's Latin «N 245» (ГАРАНТ, КонсультантПлюс) before a number.
_ORDER_NUMBER = re.compile(r"(?:№|(?<!\w)N(?=\s*\d))\s*([\w\-/.]+)")
# Schools an order's clause names only by their numbers: «в школах (№ 3, № 7, № 12)», «МБОУ СОШ
# (№ 3, № 7)»: a list of numbers in brackets after words that speak of schools.
_NUMBERED_SCHOOLS = re.compile(
    r"(?P<before>[^()]{0,80}?)(?P<kind>\b(?:М[БКА]?ОУ\s+)?(?:СОШ|ООШ|НОШ)\s*)?"
    r"\(\s*(?P<numbers>№\s*\d+[а-я]?(?:\s*(?:,|;|и)\s*№?\s*\d+[а-я]?)*)\s*\)"
)
_SCHOOL_WORDS = re.compile(r"школ|сош|оош|нош|общеобразовательн|организаци|учреждени", re.I)
_PLACE = re.compile(
    r"^\s*(?:г\.|город|с\.|село|ст-ца|ст\.|станица|пгт|п\.|пос\.|р\.\s?п\.|рп|д\.|х\.|аул)\s*\S.{0,40}$", re.I
)
_PREAMBLE = re.compile(
    r"^\s*(?:в целях|в соответствии|на основании|во исполнение|с целью|руководствуясь|"
    r"в рамках|согласно)",
    re.I,
)
_CLAUSE = re.compile(r"^\s*(\d{1,2})[.)]\s*(\S.*)$", re.S)
_NAME = re.compile(
    r"([А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ][а-яё]+\s[А-ЯЁ]\.\s?[А-ЯЁ]\.)\s*$"
)
_TITLE = re.compile(r"дорожн\w*\s+карт|план\w*\s+мероприят|план\s+работ|комплекс\w*\s+мер", re.I)
_GOAL = re.compile(r"^\s*цель\b\s*[:.\-–]?\s*(.*)$", re.I | re.S)
_TASKS = re.compile(r"^\s*задачи\b\s*[:.\-–]?\s*(.*)$", re.I | re.S)
_SCHOOL = re.compile(
    r"\b(?:М[БКА]?ОУ|МОБУ|ГБОУ|ГКОУ|ОУ)\b[^,;:]*?(?:«[^»]{2,60}»|СОШ[^,;]*|ООШ[^,;]*|№\s?\d+[^,;]*)"
)
# «Период: 01.09.2023 – 31.08.2024», as the program's own exports print it: the period stated.
_PERIOD_LINE = re.compile(
    r"^\s*период\w*\s*(?:реализации\s*)?[:.\-–]?\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*(?:г\.?)?\s*[-–—]\s*"
    r"(?:по\s*)?(\d{1,2}\.\d{1,2}\.\d{4})",
    re.I,
)
# «Общеобразовательные организации: …» / «Школы: …»: the schools' line (ends the title too).
_SCHOOLS_LINE = re.compile(r"^\s*(?:общеобразовательные\s+организации|школы)\s*:", re.I)
_PERIOD_SCHOOL_YEAR = re.compile(r"(20\d\d)\s*[-–—/]\s*(20\d\d)\s*учебн", re.I)
_PERIOD_YEARS = re.compile(r"(20\d\d)\s*[-–—]\s*(20\d\d)\s*(?:г\.?\s*г\.?|гг|год|годы|годах)", re.I)
_PERIOD_YEAR = re.compile(r"(?:в|на)\s+(20\d\d)\s*(?:г\.|год)", re.I)


@dataclass
class Frame:
    organization: str = ""
    order: dict[str, Any] | None = None
    approval: dict[str, Any] | None = None
    title: str = ""
    goal: str = ""
    tasks: list[str] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    title_period: tuple[date, date] | None = None  # the period stated, else the one the title names


def _lines(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        out.extend(part.strip() for part in paragraph.split("\n"))
    return out


def parse_date(text: str) -> tuple[date | None, str]:
    """The first date in ``text`` (25.01.2023 or «31» августа 2021 г.) and the words it was."""
    match = _DATE_NUMERIC.search(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day), match[0]
        except ValueError:
            return None, match[0]
    match = _DATE_WORDS.search(text)
    if match:
        try:
            return date(int(match[3]), MONTHS_GENITIVE[match[2].lower()], int(match[1])), match[0]
        except ValueError:
            return None, match[0]
    return None, ""


def sentence_case(text: str) -> str:
    """An issuer written in capitals, in normal case; place-name adjectives keep their capital."""
    if not text or text != text.upper():
        return text
    words = text.lower().split()
    out = []
    for i, word in enumerate(words):
        if i == 0 or (
            re.search(r"(?:ского|ской|ский|цкого|цкой|нского|нской)$", word)
            and word not in ("муниципального", "городского", "областного", "районного")
        ):
            word = word[:1].upper() + word[1:]
        out.append(word)
    return " ".join(out)


def _order_and_approval(lines: list[str], frame: Frame) -> int:
    """Read the order (and a stamp), returning the index of the first line after them."""
    order_at = next((i for i, line in enumerate(lines) if _ORDER_WORD.match(line)), None)
    end = 0
    if order_at is not None:
        issuer = [line for line in lines[:order_at] if line and not _APPROVE_STAMP.match(line)]
        frame.organization = sentence_case(" ".join(issuer[-4:]))
        order: dict[str, Any] = {
            "issuer": frame.organization,
            "number": "",
            "date": None,
            "place": None,
            "title": None,
            "preamble": "",
            "directive": "",
            "clauses": [],
            "signer": "",
            "signer_position": "",
        }
        i = order_at + 1
        while i < len(lines) and not lines[i]:
            i += 1
        i = _date_and_number(lines, i, order)
        while i < len(lines) and not lines[i]:
            i += 1
        if i < len(lines) and _PLACE.match(lines[i]):
            order["place"] = lines[i]
            i += 1
        title: list[str] = []
        preamble: list[str] = []
        while i < len(lines) and not _DIRECTIVE.search(lines[i]):
            if lines[i]:
                (preamble if preamble or _PREAMBLE.match(lines[i]) else title).append(lines[i])
            i += 1
        if i < len(lines):
            directive = _DIRECTIVE.search(lines[i])
            assert directive is not None
            before = lines[i][: directive.start()].strip()
            if before:
                preamble.append(before)
                order["directive_inline"] = True
            order["directive"] = directive[0]
            i += 1
        order["title"] = " ".join(title) or None
        order["preamble"] = " ".join(preamble)
        clauses: list[str] = []
        while i < len(lines):
            line = lines[i]
            clause = _CLAUSE.match(line)
            if clause:
                clauses.append(clause[2].strip())
            elif line and clauses and not _NAME.search(line) and not _looks_like_position(line):
                clauses[-1] += " " + line
            elif line:
                break
            i += 1
        order["clauses"] = clauses
        position: list[str] = []
        while i < len(lines) and len(position) < 4:
            line = lines[i]
            i += 1
            if not line:
                continue
            name = _NAME.search(line.replace("\t", " "))
            if name:
                head = line[: line.rfind(name[1].split()[0])].strip(" \t_")
                if head:
                    position.append(head)
                order["signer"] = _spaced_name(name[1])
                break
            position.append(line)
        order["signer_position"] = " ".join(position)
        frame.order = order
        end = i
    # An approval mark: a stamp ("УТВЕРЖДАЮ …") or an appendix mark ("Приложение … УТВЕРЖДЕНА …").
    for start, line in enumerate(lines):
        if start < end and order_at is not None and start > order_at:
            continue
        if _APPROVE_STAMP.match(line) or (_APPROVED.match(line) and not _TITLE.search(line)):
            mark = _approval(lines, start)
            if mark is not None:
                frame.approval, stop = mark
                end = max(end, stop)
                _order_from_mark(frame)
                break
    return end


def _date_and_number(lines: list[str], i: int, order: dict[str, Any]) -> int:
    """The order's date and number after «ПРИКАЗ»: on one line («от 05.05.2023 № 245»), or on
    two in either order («« 5 » мая 2023 г.» then «№ 245»), blank lines between allowed. The index
    of the first line after them."""
    found: date | None = None
    number: re.Match[str] | None = None
    date_text = ""
    read = 0
    while i < len(lines) and read < 2 and (found is None or number is None):
        line = lines[i]
        if not line:
            i += 1
            continue
        if len(line) > 80:  # a title or the preamble: the requisites are short lines
            break
        day, _words = parse_date(line) if found is None else (None, "")
        numbered = _ORDER_NUMBER.search(line) if number is None else None
        if day is None and numbered is None:
            break
        if day is not None:
            found = day
            date_text = line[: numbered.start()].strip() if numbered else line.strip()
        if numbered is not None:
            number = numbered
        read += 1
        i += 1
    if found is not None or number is not None:
        order["date"] = found.isoformat() if found else None
        order["date_text"] = date_text
        order["number"] = number[1].rstrip(".") if number else ""
        order["number_text"] = number[0] if number else ""
    return i


SIGNATURE_LOOKAHEAD = 6  # non-empty lines after the table where its signature may stand


def read_signature(after: list[str]) -> dict[str, str] | None:
    """The signature under the roadmap's table: a position and «И.О. Фамилия» on one line (a tab,
    spaces or a line to sign on between), or the name on the line under the position; looked for
    in the first lines after the table only (farther down stand the approvals of others)."""
    lines = [line for line in _lines(after) if line][:SIGNATURE_LOOKAHEAD]
    for i, line in enumerate(lines):
        flat = line.replace("\t", " ").replace("_", " ")
        name = _NAME.search(flat)
        if name is None:
            continue
        position = flat[: name.start(1)].strip(" ,")
        if not position and i > 0 and not _NAME.search(lines[i - 1]):
            position = lines[i - 1].replace("\t", " ").strip()
        if not position or len(position) > 200:
            return None
        return {"position": re.sub(r"\s+", " ", position), "name": _spaced_name(name[1])}
    return None


def numbered_schools(text: str) -> list[str]:
    """Schools named by their numbers in brackets: «МБОУ СОШ (№ 3, № 7)» gives «МБОУ СОШ № 3»,
    «МБОУ СОШ № 7»; without a kind before the brackets, «Школа № 3»."""
    found: list[str] = []
    for match in _NUMBERED_SCHOOLS.finditer(text):
        kind = (match["kind"] or "").strip()
        if not kind and not _SCHOOL_WORDS.search(match["before"]):
            continue  # «(№ 245)» after an order's name is no school
        for number in re.findall(r"\d+[а-я]?", match["numbers"]):
            name = f"{kind or 'Школа'} № {number}"
            if name not in found:
                found.append(name)
    return found


def _looks_like_position(line: str) -> bool:
    return bool(
        re.match(r"^\s*(?:начальник|руководитель|заведующ|директор|глава|заместитель|и\.\s?о\.)", line, re.I)
    )


def _spaced_name(name: str) -> str:
    """ "Т.Е.Калитурина" -> "Т.Е. Калитурина"."""
    return re.sub(r"^([А-ЯЁ]\.)\s?([А-ЯЁ]\.)\s?", r"\1\2 ", name.strip())


def _approval(lines: list[str], start: int) -> tuple[dict[str, Any], int] | None:
    """Lines of the mark up to the one with its date and number."""
    kind = "stamp" if _APPROVE_STAMP.match(lines[start]) else "appendix"
    marked: list[str] = []
    for i in range(start, min(len(lines), start + 9)):
        line = lines[i]
        if not line:
            continue
        marked.append(line.replace("\\_", "_"))
        dated = _DATE_NUMERIC.search(line) or _DATE_WORDS.search(line)
        numbered_next = any(_ORDER_NUMBER.search(x) for x in lines[i + 1 : i + 2])
        if dated and (_ORDER_NUMBER.search(line) or numbered_next):
            if not _ORDER_NUMBER.search(line) and i + 1 < len(lines):
                marked.append(lines[i + 1])
                i += 1
            return {"kind": kind, "lines": marked}, i + 1
    return None


def _order_from_mark(frame: Frame) -> None:
    """Without the order's text, its number, date and signer come from the approval mark."""
    if frame.approval is None:
        return
    text = " ".join(frame.approval["lines"])
    found, words = parse_date(text)
    number = _ORDER_NUMBER.search(text)
    if frame.order is None and (found or number):
        signer = ""
        position: list[str] = []
        for line in frame.approval["lines"][1:]:
            name = _NAME.search(line.replace("_", " "))
            if name and not _DATE_NUMERIC.search(line):
                signer = _spaced_name(name[1])
                break
            position.append(line)
        frame.order = {
            "number": number[1].rstrip(".") if number else "",
            "date": found.isoformat() if found else None,
            "place": None,
            "signer": signer,
            "signer_position": " ".join(position),
            "number_text": number[0] if number else "",
            "date_text": words,
            "title": None,
            "preamble": "",
            "directive": "",
            "clauses": [],
        }
        if not frame.organization and position:
            frame.organization = _nominative(" ".join(position))


_BODY = re.compile(r"\b(управлени|отдел|комитет|департамент|министерств)(е|я|а|ы|у|ом|о)?\b(.*)", re.I | re.S)
_AFTER_BODY = re.compile(r"\s+(?:от\s+[«\d]|№|N\s*\d|\d{1,2}\.\d{1,2}\.\d{2,4}).*$", re.S)


def _nominative(position: str) -> str:
    """ "начальник Управления образованием …" -> "Управление образованием …", «приказом
    министерства образования Пензенской области от …» -> «Министерство образования Пензенской
    области»: the issuing body, not the post, the date or the number."""
    match = _BODY.search(position)
    if not match:
        return ""
    stem, ending, rest = match.groups()
    word = stem + (ending or "")
    body = noun_in_nominative(word) or word  # the dictionary's nominative: «министерства» -> «министерство»
    return (body[:1].upper() + body[1:] + _AFTER_BODY.sub("", rest)).strip(" ,.")


def _schools(text: str) -> list[str]:
    found: list[str] = []
    for match in _SCHOOL.finditer(text):
        name = match[0].strip(" .,;")
        if name not in found:
            found.append(name)
    return found


def _ends_title(line: str) -> bool:
    return bool(_PERIOD_LINE.match(line) or _SCHOOLS_LINE.match(line))


def _stated_period(line: str) -> tuple[date, date] | None:
    match = _PERIOD_LINE.match(line)
    if match is None:
        return None
    start, _ = parse_date(match[1])
    end, _ = parse_date(match[2])
    return (start, end) if start is not None and end is not None and start <= end else None


def title_period(title: str) -> tuple[date, date] | None:
    """The period a title names: a school year, a span of years, or one year."""
    match = _PERIOD_SCHOOL_YEAR.search(title)
    if match and int(match[2]) == int(match[1]) + 1:
        return date(int(match[1]), 9, 1), date(int(match[2]), 8, 31)
    match = _PERIOD_YEARS.search(title)
    if match and int(match[1]) <= int(match[2]):
        return date(int(match[1]), 1, 1), date(int(match[2]), 12, 31)
    match = _PERIOD_YEAR.search(title)
    if match:
        return date(int(match[1]), 1, 1), date(int(match[1]), 12, 31)
    return None


def read_frame(before: list[str]) -> Frame:
    """The parts above the table, from the paragraphs before it (below the table the roadmap
    keeps only its signature: ``read_signature``; the approvals of others farther down, nothing)."""
    frame = Frame()
    lines = _lines(before)
    start = _order_and_approval(lines, frame)
    rest = lines[start:]
    title_at = next((i for i, line in enumerate(rest) if _TITLE.search(line)), None)
    if title_at is not None:
        title: list[str] = []
        for line in rest[title_at:]:
            if not line or _GOAL.match(line) or _TASKS.match(line) or _ends_title(line):
                if title:
                    break
                continue
            title.append(line)
            if len(title) >= 6:
                break
        frame.title = " ".join(title).strip()
        tail = rest[title_at + len(title) :]
    else:
        tail = rest
    for i, line in enumerate(tail):
        goal = _GOAL.match(line)
        if goal and not frame.goal:
            frame.goal = goal[1].strip() or next((x for x in tail[i + 1 :] if x), "")
        tasks = _TASKS.match(line)
        if tasks:
            items = [tasks[1].strip()] if tasks[1].strip() else []
            for item in tail[i + 1 :]:
                if not item:
                    continue
                if re.match(r"^\s*(?:\d+[.)]|[-–—•])\s*", item):
                    items.append(re.sub(r"^\s*(?:\d+[.)]|[-–—•])\s*", "", item))
                else:
                    break
            frame.tasks = items
    frame.title_period = title_period(frame.title) if frame.title else None
    stated = next((_stated_period(line) for line in tail if _PERIOD_LINE.match(line)), None)
    if stated is not None:
        frame.title_period = stated
    clauses = " ".join((frame.order or {}).get("clauses", []))
    by_number = numbered_schools(clauses)
    named = _schools(_NUMBERED_SCHOOLS.sub(lambda found: found["before"] + " ", clauses))
    frame.schools = by_number + [name for name in named if name not in by_number] or _schools(" ".join(tail))
    listed = next((line for line in tail if _SCHOOLS_LINE.match(line)), None)
    if listed is not None:  # «Общеобразовательные организации: А; Б; В» (the program's own exports)
        names = [" ".join(n.split()).strip(" .") for n in listed.split(":", 1)[1].split(";")]
        names = [n for n in names if n]
        seen = {m.casefold() for m in names}
        frame.schools = names + [n for n in frame.schools if n.casefold() not in seen]
    return frame
