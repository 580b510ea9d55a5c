"""The table of measures: finding it, naming its columns, and reading its rows into a tree.

Rules (DOMAIN.md, the seeds): the header row is the first row in which two or more cells name
known columns, one of them the measure itself; a header split over two rows is joined. Section
rows are rows merged across the table, rows holding "N. Title" in the first cell with the rest
empty, bold rows with no deadline or responsible, rows whose number is shallower than the
measures that follow ("2" before "2.1"), and Roman-numbered rows ("I Мероприятия…"). A row with
an empty number continues the measure above (a row split across pages), unless it is a whole
measure of its own (its title, deadline and responsible all filled). Unknown columns are kept as
extra text of each measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from desktop.importers.document import Cell, Table
from models.domain.fields import BY_NAME, TABLE_FIELDS

FIELDS = TABLE_FIELDS  # what a column of the table may hold (models.domain.fields)
# The order in which the fields' header words are tried, the first match naming the column: the
# narrower words first, the measure's own («мероприятие», «наименование») last, so «Целевая группа
# участников мероприятия» is the target group and «Отметка о результате» the note.
_TRIED = ("number", "schools", "target_group", "form", "deadline", "responsible", "note", "result", "title")
_SYNONYMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (f.name, re.compile(f.synonyms))
    for f in sorted((BY_NAME[name] for name in FIELDS), key=lambda f: _TRIED.index(f.name))
    if f.synonyms is not None
)
_NUMBER = re.compile(r"^\s*(?P<num>(?:\d{1,3}\.)*\d{1,3}\.?)\s*$")
_NUMBERED_TITLE = re.compile(r"^\s*(?P<num>(?:\d{1,3}\.)*\d{1,3}\.?|[IVX]{1,5}\.?)\s+(?P<title>\S.*)$", re.S)
_ROMAN_TITLE = re.compile(r"^\s*(?P<num>[IVX]{1,5})\.?\s+(?P<title>\S.*)$", re.S)
_BULLET = re.compile(r"^\s*[-–—•·*]\s")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def field_of(header: str) -> str | None:
    """The field a column header names, or None."""
    text = re.sub(r"\s+", " ", header.lower().replace("ё", "е")).strip()
    if not text:
        return None
    for name, pattern in _SYNONYMS:
        if pattern.search(text):
            return name
    return None


def grid(row: list[Cell]) -> list[Cell]:
    """Cells laid on grid columns: a merged cell fills its columns (later ones marked empty)."""
    out: list[Cell] = []
    for cell in row:
        out.append(cell)
        out.extend(Cell("", 1, cell.bold, False) for _ in range(cell.span - 1))
    return out


@dataclass
class Columns:
    """Grid column index -> field (or extra header text) for the measures table."""

    fields: dict[int, str]
    extra: dict[int, str]
    header_rows: int  # rows up to and including the header
    names: list[str]
    first: int = 0  # index of the header's first row (rows above it are title lines)

    def index(self, name: str) -> int | None:
        for column, field_name in self.fields.items():
            if field_name == name:
                return column
        return None


def find_header(table: Table, search_rows: int = 30) -> Columns | None:
    """The header of a measures table: the first row naming the measure and another column."""
    for i, row in enumerate(table.rows[:search_rows]):
        cells = grid(row)
        names = [c.text for c in cells]
        mapped = {j: f for j, f in ((j, field_of(t)) for j, t in enumerate(names)) if f}
        if "title" not in mapped.values() or len(set(mapped.values())) < 2:
            continue
        used = 1
        # A header split over two rows: the next row has no number and only short fragments.
        if i + 1 < len(table.rows):
            nxt = grid(table.rows[i + 1])
            texts = [c.text for c in nxt]
            first = texts[0].strip() if texts else ""
            if (
                nxt
                and not first
                and sum(bool(t.strip()) for t in texts) > 0
                and all(len(t) < 40 for t in texts)
            ):
                following = table.rows[i + 2] if i + 2 < len(table.rows) else []
                if (following and _NUMBER.match(grid(following)[0].text or "")) or (
                    following and grid(following)[0].text
                ):
                    names = [
                        f"{a} {b}".strip() for a, b in zip(names, texts + [""] * len(names), strict=False)
                    ]
                    used = 2
        fields: dict[int, str] = {}
        extra: dict[int, str] = {}
        for j, name in enumerate(names):
            found = field_of(name)
            if found and found not in fields.values():
                fields[j] = found
            elif name.strip():
                extra[j] = name.strip()
        return Columns(fields, extra, i + used, names, i)
    return None


@dataclass
class _Node:
    kind: str  # "section" | "measure"
    data: dict[str, Any]
    children: list[_Node] = field(default_factory=list)
    depth: int = 0


def _clean_number(text: str) -> str:
    return text.strip().rstrip(".").strip()


def _depth(number: str) -> int:
    return len([p for p in _clean_number(number).split(".") if p])


def _roman_value(text: str) -> int:
    total, previous = 0, 0
    for char in reversed(text):
        value = _ROMAN_VALUES.get(char, 0)
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


def _join(previous: str, addition: str) -> str:
    """Join a cell's continuation: a new line before a bullet, else a space (no space after '-')."""
    if not previous:
        return addition
    if not addition:
        return previous
    if _BULLET.match(addition):
        return previous + "\n" + addition
    if previous.endswith("-") and not previous.endswith(" -") and addition[:1].islower():
        return previous + addition  # "семинаров-" + "совещаний"
    return previous + " " + addition


@dataclass
class TableReading:
    sections: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    warnings: list[str]
    columns: list[str]
    column_fields: list[str | None]


class _Reader:
    def __init__(self, table: Table, columns: Columns) -> None:
        self.rows = [grid(r) for r in table.rows[columns.header_rows :]]
        self.columns = columns
        self.width = max((len(r) for r in self.rows), default=0)
        self.top: list[_Node] = []
        self.stack: list[_Node] = []  # open sections, outermost first
        self.last_measure: _Node | None = None
        self.last_section: _Node | None = None  # the section row just read, while no measure follows
        self.warnings: list[str] = []
        self.seen_numbers: dict[tuple[int, str], int] = {}  # (section, number): restart style repeats numbers
        self.empty_rows = 0

    # -- cells -------------------------------------------------------------------------------
    def cell(self, row: list[Cell], name: str) -> str:
        index = self.columns.index(name)
        if index is None or index >= len(row):
            return ""
        return row[index].text.strip()

    def texts(self, row: list[Cell]) -> list[str]:
        return [c.text.strip() for c in row]

    # -- classification ----------------------------------------------------------------------
    def next_measure_number(self, start: int) -> str:
        for row in self.rows[start + 1 : start + 6]:
            number = self.cell(row, "number")
            filled = self.cell(row, "title") and (self.cell(row, "deadline") or self.cell(row, "responsible"))
            if _NUMBER.match(number) and filled:
                return _clean_number(number)
        return ""

    def section_title(self, row: list[Cell], position: int) -> tuple[str, str] | None:
        """(number, title) when the row is a section row, else None."""
        texts = self.texts(row)
        filled = [t for t in texts if t]
        if not filled:
            return None
        merged = len(row) > 1 and (
            row[0].span >= max(2, self.width - 1)
            or (len(set(texts)) == 1 and len(filled) == len(texts) and len(texts) > 2)
        )
        number = self.cell(row, "number")
        title = self.cell(row, "title")
        deadline, responsible = self.cell(row, "deadline"), self.cell(row, "responsible")
        if merged:
            return self._split_number(filled[0])
        if len(filled) == 1 and texts[0] and _NUMBERED_TITLE.match(texts[0]) and len(texts[0]) > 6:
            return self._split_number(texts[0])
        roman = _ROMAN_TITLE.match(" ".join(filled))
        if not number and roman and len(filled) <= 4 and deadline.strip() != filled[-1]:
            return roman["num"], self._fragments(filled)[len(roman["num"]) :].strip(" .")
        # what a measure's row has beside its number and title (a note alone does not make one)
        others = [self.cell(row, f) for f in FIELDS if f not in ("number", "title", "note")]
        if number and re.fullmatch(r"[IVX]{1,5}\.?", number) and not deadline and not responsible:
            return number, title or self._fragments([t for t in texts[1:] if t])
        if number and title and _NUMBER.match(number) and not any(others):
            # "1. | ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ | | |": a heading when its measures restart at 1,
            # or it is set in capitals or bold.
            following = self.next_measure_number(position)
            heading = title.isupper() or all(c.bold for c in row if c.text.strip())
            if heading or following == "1":
                return number, title
        if number and _NUMBER.match(number):
            following = self.next_measure_number(position)
            if (
                following
                and _depth(following) > _depth(number)
                and following.startswith(_clean_number(number) + ".")
            ):
                rest = (
                    [t for t in texts[1:] if t]
                    if self.columns.index("number") == 0
                    else [t for t in texts if t != number and t]
                )
                return number, self._fragments(rest)
        bold_row = all(c.bold for c in row if c.text.strip()) and title and not deadline and not responsible
        if bold_row and not _NUMBER.match(number or "x"):
            return self._split_number(title) if _NUMBERED_TITLE.match(title) else ("", title)
        return None

    @staticmethod
    def _fragments(parts: list[str]) -> str:
        """Join a title split across cells by a converter: no space inside a broken word."""
        out = ""
        for part in parts:
            if out and out[-1].isalpha() and part[:1].islower():
                out += part
            else:
                out = f"{out} {part}".strip()
        return out

    @staticmethod
    def _split_number(text: str) -> tuple[str, str]:
        match = _NUMBERED_TITLE.match(text)
        if match:
            return match["num"], match["title"].strip()
        return "", text.strip()

    # -- building ----------------------------------------------------------------------------
    def add_section(self, number: str, title: str, position: int) -> None:
        clean = _clean_number(number)
        roman = bool(re.fullmatch(r"[IVX]+", clean))
        if roman:
            following = self.next_measure_number(position)
            current_top = self.stack[0].data["number"] if self.stack else ""
            depth = 2 if self.stack and following and following.split(".")[0] == current_top else 1
        elif clean:
            depth = _depth(clean)
        else:
            depth = 1  # an unnumbered (bold) section row starts a top-level section
        node = _Node(
            "section",
            {
                "number": clean,
                "number_as_written": number.strip(),
                "title": title,
                "sections": [],
                "measures": [],
            },
            depth=depth,
        )
        while self.stack and self.stack[-1].depth >= depth:
            self.stack.pop()
        (self.stack[-1].children if self.stack else self.top).append(node)
        self.stack.append(node)
        self.last_measure = None
        self.last_section = node

    def add_measure(self, row: list[Cell], number: str) -> None:
        data: dict[str, Any] = {name: self.cell(row, name) for name in FIELDS if name != "number"}
        data["deadline"] = {"text": data.pop("deadline")}
        clean = _clean_number(number)
        data["number"] = clean
        if number.strip() != clean:
            data["number_as_written"] = number.strip()
        extra = {
            name: row[j].text.strip()
            for j, name in self.columns.extra.items()
            if j < len(row) and row[j].text.strip()
        }
        if extra:
            data["extra"] = extra
        if clean:
            key = (id(self.stack[-1]) if self.stack else 0, clean)
            self.seen_numbers[key] = self.seen_numbers.get(key, 0) + 1
            if self.seen_numbers[key] == 2:
                self.warnings.append(
                    f"Номер {clean} встречается в таблице несколько раз; строки сохранены как есть."
                )
        node = _Node("measure", data)
        (self.stack[-1].children if self.stack else self.top).append(node)
        self.last_measure = node
        self.last_section = None

    def continue_measure(self, row: list[Cell]) -> None:
        assert self.last_measure is not None
        data = self.last_measure.data
        for name in FIELDS:
            if name == "number":
                continue
            addition = self.cell(row, name)
            if not addition:
                continue
            if name == "deadline":
                current = data["deadline"]["text"]
                data["deadline"]["text"] = _join(current, addition)
            else:
                data[name] = _join(data.get(name, ""), addition)

    def is_repeated_header(self, texts: list[str]) -> bool:
        """The header printed again on a new page (PDF conversions, split tables)."""
        names = [re.sub(r"\s+", " ", n).strip().lower() for n in self.columns.names]
        same = 0
        for text, name in zip(texts, names, strict=False):
            cell = re.sub(r"\s+", " ", text).strip().lower()
            same += bool(cell and name and (name.startswith(cell) or cell.startswith(name)))
        return same >= 2

    def is_whole_measure(self, row: list[Cell]) -> bool:
        title = self.cell(row, "title")
        return bool(
            title
            and not _BULLET.match(title)
            and self.cell(row, "deadline")
            and self.cell(row, "responsible")
            and title[:1].isupper()
        )

    def read(self) -> None:
        for position, row in enumerate(self.rows):
            texts = self.texts(row)
            if not any(texts):
                self.empty_rows += 1
                continue
            filled = [t for t in texts if t]
            if len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)]:
                continue  # the row numbering the columns ("1 2 3 4 5") under the header
            if self.is_repeated_header(texts):
                continue
            section = self.section_title(row, position)
            if section is not None:
                self.add_section(section[0], section[1], position)
                continue
            number = self.cell(row, "number")
            title = self.cell(row, "title")
            others = [
                t for j, t in enumerate(texts) if t and self.columns.fields.get(j) not in ("number", "title")
            ]
            if number and not title and not others:
                self.warnings.append(f"Пустая строка с номером {number} пропущена.")
                continue
            if not number and self.last_section is not None and not self.is_whole_measure(row):
                # The rest of a section title that a page break or a converter split off.
                data = self.last_section.data
                data["title"] = self._fragments([data["title"], *[t for t in texts if t]])
                continue
            if not number and self.last_measure is not None and not self.is_whole_measure(row):
                self.continue_measure(row)
                continue
            if not number and not title and self.last_measure is None:
                continue
            self.add_measure(row, number)
        if self.empty_rows:
            self.warnings.append(f"Пропущено пустых строк таблицы: {self.empty_rows}.")


def _as_dict(node: _Node) -> dict[str, Any]:
    if node.kind == "measure":
        return node.data
    data = dict(node.data)
    data["sections"] = [_as_dict(c) for c in node.children if c.kind == "section"]
    data["measures"] = [_as_dict(c) for c in node.children if c.kind == "measure"]
    return data


def read_measures(table: Table, columns: Columns) -> TableReading:
    """Sections and measures of the table, in the dump's shape."""
    reader = _Reader(table, columns)
    reader.read()
    sections = [_as_dict(n) for n in reader.top if n.kind == "section"]
    measures = [_as_dict(n) for n in reader.top if n.kind == "measure"]
    unknown = [name for j, name in columns.extra.items()]
    warnings = list(reader.warnings)
    if unknown:
        warnings.append(
            "Неизвестные столбцы сохранены как дополнительный текст: "
            + ", ".join(f"«{u}»" for u in unknown)
            + "."
        )
    column_fields = [columns.fields.get(j) for j in range(len(columns.names))]
    return TableReading(sections, measures, warnings, columns.names, column_fields)
