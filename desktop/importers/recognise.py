"""Document -> an imported roadmap (the dump's shape) plus warnings, without writing anything.

The preview in the window and the ``import`` command share this step; writing is one call to
``desktop.services.writer.write_roadmap`` (one transaction).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.importers.document import Cell, Document, Paragraph, Table
from desktop.importers.frame import read_frame, read_signature
from desktop.importers.guard import ImportError_
from desktop.importers.table import FIELDS, Columns, find_header, read_measures
from models.domain.deadlines import read_deadline


@dataclass
class Recognised:
    roadmap: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _measures(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(node.get("measures") or [])
    for section in node.get("sections") or []:
        out.extend(_measures(section))
    return out


def _choose_table(document: Document) -> tuple[int, Table, Columns]:
    best: tuple[int, int, Table, Columns] | None = None
    for index, block in enumerate(document.blocks):
        if not isinstance(block, Table):
            continue
        columns = find_header(block)
        if columns is None:
            continue
        score = len(set(columns.fields.values())) * 1000 + len(block.rows)
        if best is None or score > best[0]:
            best = (score, index, block, columns)
    if best is None:
        if not document.tables:
            raise ImportError_(
                "В документе не найдена таблица мероприятий. Проверьте, что дорожная карта "
                "оформлена таблицей со столбцами «Мероприятие», «Сроки», «Ответственные»."
            )
        raise ImportError_(
            "В таблицах документа нет столбца с мероприятиями: не найден заголовок вида "
            "«Наименование мероприятия» рядом со «Сроки» или «Ответственные»."
        )
    return best[1], best[2], best[3]


def _width(table: Table) -> int:
    """The columns a table's widest row covers."""
    return max((sum(c.span for c in row) for row in table.rows), default=0)


def _first_part(document: Document, index: int, table: Table, columns: Columns) -> tuple[int, Table, Columns]:
    """The first part of a table split over pages or sections: the part chosen may be a later one
    (a PDF's second page holds more rows than its first, under the title). Earlier tables of the
    same width with a header, with only headings between, are its beginning."""
    width = _width(table)
    at = index - 1
    while at >= 0:
        block = document.blocks[at]
        if isinstance(block, Paragraph):
            if not block.text.strip() or _heading(block.text) or block.bold:
                at -= 1
                continue
            break
        if _width(block) != width:
            break
        header = find_header(block)
        if header is None or set(header.fields.values()) != set(columns.fields.values()):
            break
        index, table, columns = at, block, header
        at -= 1
    return index, table, columns


def _heading(text: str) -> bool:
    """A paragraph between two parts of a split table that names a section."""
    text = text.strip()
    return (
        bool(text)
        and len(text) < 300
        and (
            text[:1].isdigit()
            or text.isupper()
            or text[:2] in ("I ", "I.")
            or text.split(" ")[0].strip(".") in ("II", "III", "IV", "V", "VI")
        )
    )


def _join_split_tables(document: Document, index: int, table: Table, columns: Columns) -> tuple[Table, int]:
    """One table from the chosen one and the tables of the same width that follow it, and the
    index of the last block it took.

    Word documents often have a table per section, or a table broken at a page with its header
    repeated; headings between the parts become section rows.
    """
    width = _width(table)
    joined = Table(list(table.rows))
    previous = next(
        (b for b in reversed(document.blocks[:index]) if isinstance(b, Paragraph) and b.text.strip()), None
    )
    if (
        previous is not None
        and re.match(r"^\s*(?:\d{1,2}|[IVX]{1,4})[.\s]", previous.text)
        and _heading(previous.text)
    ):
        # The first section's heading stands above the first part of a split table.
        joined.rows.insert(columns.header_rows, [Cell(previous.text.strip(), width, True)])
    pending: list[Paragraph] = []
    last = index
    for at, block in enumerate(document.blocks[index + 1 :], start=index + 1):
        if isinstance(block, Paragraph):
            if block.text.strip():
                pending.append(block)
            continue
        if _width(block) != width:
            break
        for paragraph in pending:
            if _heading(paragraph.text) or paragraph.bold:
                joined.rows.append([Cell(paragraph.text.strip(), width, True)])
        pending = []
        joined.rows.extend(block.rows)
        last = at
    return joined, last


def _paragraph_text(blocks: list[Any]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):  # small layout tables (signature, stamp) read as lines
            for row in block.rows:
                out.append("\t".join(c.text for c in row if c.text.strip()))
    return out


def _measure_schools(
    measures: list[dict[str, Any]], sections: list[dict[str, Any]], schools: list[str]
) -> list[str]:
    """A «Школы» column's cells (one school a line, or separated by «;») as each measure's list of
    schools, every school named added to the roadmap's (in place); the roadmap's schools returned."""
    known = {name.casefold() for name in schools}

    def walk(items: list[dict[str, Any]], children: list[dict[str, Any]]) -> None:
        for measure in items:
            text = measure.get("schools")
            if not isinstance(text, str):
                continue
            names = [" ".join(n.split()) for n in re.split(r"[\n;]", text) if n.strip()]
            if len(names) == 1:
                names = _known_names(names[0], schools) or names
            measure["schools"] = names
            for name in names:
                if name.casefold() not in known:
                    known.add(name.casefold())
                    schools.append(name)
        for section in children:
            walk(section.get("measures") or [], section.get("sections") or [])

    walk(measures, sections)
    return schools


def _known_names(text: str, schools: list[str]) -> list[str]:
    """A cell naming several of the roadmap's schools with nothing between them (a PDF's lines
    joined by the reader): the schools it is made of, when it is made of them only."""
    names = sorted({" ".join(n.split()) for n in schools if n.strip()}, key=len, reverse=True)
    found: list[str] = []
    rest = text.strip()
    while rest:
        name = next((n for n in names if rest.casefold().startswith(n.casefold())), None)
        if name is None:
            return []
        found.append(name)
        rest = rest[len(name) :].strip()
    return found if len(found) > 1 else []


def _signature_settings(after: list[str]) -> dict[str, Any]:
    """The signature under the table, kept in the roadmap's settings (empty when there is none)."""
    signature = read_signature(after)
    return {} if signature is None else {"table_signature": signature}


def period_from(
    title_period: tuple[date, date] | None, measures: list[dict[str, Any]], order_date: date | None
) -> tuple[date, date]:
    """The title's period, unless the dated deadlines clearly lie in other years.

    Otherwise the calendar years the explicit deadlines span; failing those, the order's year.
    """
    probe = title_period or (date(2000, 1, 1), date(2000, 12, 31))
    years: Counter[int] = Counter()
    for measure in measures:
        deadline = read_deadline(measure["deadline"]["text"], probe)
        if deadline.kind == "fixed":
            for start, end in deadline.windows:
                if (
                    str(start.year) in measure["deadline"]["text"]
                    or str(end.year) in measure["deadline"]["text"]
                ):
                    years[start.year] += 1
                    years[end.year] += 1 if end.year != start.year else 0
    if title_period is not None:
        inside = sum(n for y, n in years.items() if title_period[0].year <= y <= title_period[1].year)
        if not years or inside * 2 >= sum(years.values()):
            return title_period
    if years:
        return date(min(years), 1, 1), date(max(years), 12, 31)
    if order_date is not None:
        return date(order_date.year, 1, 1), date(order_date.year, 12, 31)
    today = date.today()
    return date(today.year, 1, 1), date(today.year, 12, 31)


def remap(columns: Columns, mapping: dict[int, str | None]) -> Columns:
    """The table's columns with the fields a user chose (column index -> field, None = keep as
    extra text); a field chosen for two columns goes to the later choice only."""
    fields: dict[int, str] = {}
    for column, name in sorted(mapping.items()):
        if name is None:
            continue
        if name not in FIELDS:
            raise ImportError_(f"Неизвестное поле «{name}» в сопоставлении столбцов.")
        fields = {c: f for c, f in fields.items() if f != name}
        fields[column] = name
    if "title" not in fields.values():
        raise ImportError_(
            "Укажите, в каком столбце записаны мероприятия: без него строки таблицы не прочитать."
        )
    extra = {j: n.strip() for j, n in enumerate(columns.names) if j not in fields and n.strip()}
    return Columns(fields, extra, columns.header_rows, columns.names, columns.first)


def recognise(document: Document, mapping: dict[int, str | None] | None = None) -> Recognised:
    """The roadmap a document holds, or ImportError_ saying why there is none.

    ``mapping`` overrides what the header's words say each column holds (the import preview
    lets the user correct it).
    """
    index, table, columns = _first_part(document, *_choose_table(document))
    if mapping is not None:
        columns = remap(columns, mapping)
    table, last = _join_split_tables(document, index, table, columns)
    reading = read_measures(table, columns)
    measures = _measures({"sections": reading.sections, "measures": reading.measures})
    if not measures:
        raise ImportError_("В таблице мероприятий нет ни одной строки с мероприятием.")
    above = ["\t".join(c.text for c in row if c.text.strip()) for row in table.rows[: columns.first]]
    before = _paragraph_text(document.blocks[:index]) + above
    frame = read_frame(before)
    order_date = None
    if frame.order and frame.order.get("date"):
        order_date = date.fromisoformat(frame.order["date"])
    period = period_from(frame.title_period, measures, order_date)
    warnings = list(document.warnings) + reading.warnings
    outside = 0
    for measure in measures:
        outside += bool(read_deadline(measure["deadline"]["text"], period).warnings)
    if outside:
        warnings.append(
            f"Сроки {outside} мероприятий выходят за период дорожной карты "
            f"({period[0]:%d.%m.%Y}–{period[1]:%d.%m.%Y})."
        )
    schools = _measure_schools(reading.measures, reading.sections, list(frame.schools))
    roadmap = {
        "title": frame.title or "Дорожная карта",
        "organization": frame.organization,
        "period": [period[0].isoformat(), period[1].isoformat()],
        "order": frame.order,
        "approval": frame.approval,
        "goal": frame.goal,
        "tasks": frame.tasks,
        "schools": schools,
        "settings": _signature_settings(_paragraph_text(document.blocks[last + 1 :])),
        "columns": reading.columns,
        "column_fields": reading.column_fields,
        "sections": reading.sections,
        "measures": reading.measures,
    }
    return Recognised(roadmap, warnings)
