"""What an export shows, independent of the format: the columns, the rows in document order (section
rows with their depth, measure rows with their cells), the report's summary and a file name.

PDF and Excel read the same ``ExportContent``, so the two never disagree about what a roadmap says;
its progress figures are the «Отчёт» tab's (``Schedule``, counted by models.domain.progress).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from desktop.exports.column_widths import column_shares
from desktop.exports.order_text import title_in_genitive
from desktop.services.cell_text import cell_text
from desktop.services.document import signature_of
from desktop.services.dto import ChildRef, MeasureRow, OrderInfo, RoadmapHeader, RoadmapTree
from desktop.services.schedule import Schedule
from models.domain.approval import MarkFacts, shown_lines
from models.domain.fields import BY_NAME
from models.domain.layout import LayoutProfile, layout_of
from models.domain.progress import PROGRESS_CLASSES, PROGRESS_LABELS, Progress
from models.domain.russian import adjective_in_nominative


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    weight: float  # share of the table's width
    value: Callable[[MeasureRow], str]


def _column(name: str, weight: float) -> Column:
    """A field's column: the header a roadmap document gives it (models.domain.fields), its text as
    the grid shows it; the share of the width is the export's own."""
    return Column(name, BY_NAME[name].document_header, weight, lambda m: cell_text(m, name))


PLAN_COLUMNS = (
    _column("number", 5.5),
    _column("title", 30),
    _column("form", 10),
    _column("deadline", 11),
    _column("responsible", 15),
    _column("result", 18),
    _column("target_group", 10),
)
REPORT_COLUMNS = (
    _column("status", 12),
    _column("done_on", 11),
    _column("note", 15),
)
OPTIONAL = {"form", "target_group", "schools"}  # shown only when some measure fills them
SCHOOLS_WEIGHT = 12.0
EVIDENCE_WEIGHT = 13.0


@dataclass(frozen=True, slots=True)
class SectionLine:
    depth: int  # 1 for a top-level section
    text: str  # "2.1 Title"


@dataclass(frozen=True, slots=True)
class MeasureLine:
    measure: MeasureRow
    cells: tuple[str, ...]
    overdue: bool  # on ``today``; the formats mark it only beside a status column (the report)


# The summary table's heads (PDF report, the workbook's «Сводка»); a row is ``Progress.figures()``.
SUMMARY_HEADS = ("Раздел", "Мероприятий", *(PROGRESS_LABELS[c] for c in PROGRESS_CLASSES))


@dataclass
class ExportContent:
    tree: RoadmapTree
    report: bool
    columns: tuple[Column, ...]
    today: date
    lines: list[SectionLine | MeasureLine] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)  # each column's share of the table's width
    summary: list[Progress] = field(default_factory=list)  # per top-level section, as «Отчёт» has it
    overall: Progress = field(default_factory=Progress)  # the «Итого» row

    def summary_notes(self) -> list[str]:
        """What the summary's figures mean, under its table."""
        notes = [
            f"На {self.today:%d.%m.%Y}. Просрочено — срок прошёл, мероприятие не выполнено; "
            "просроченные не входят в «Выполняется» и «Не начато»."
        ]
        if self.overall.cancelled:
            notes.append(f"Отменённые мероприятия ({self.overall.cancelled}) не учитываются.")
        return notes

    @property
    def order(self) -> OrderInfo | None:
        """The approving order the document prints: none in a report (a report is not an order)."""
        return None if self.report else self.tree.header.order

    @property
    def mark_lines(self) -> list[str]:
        """The approval mark's lines: none in a report (nobody approves a report)."""
        return [] if self.report else approval_lines(self.tree.header)

    @property
    def layout(self) -> LayoutProfile:
        """The edition of ГОСТ Р 7.0.97 the papers follow, as chosen on «Документ»."""
        return layout_of(self.tree.header.settings)

    @property
    def measure_count(self) -> int:
        return sum(isinstance(line, MeasureLine) for line in self.lines)


def build_content(tree: RoadmapTree, report: bool = False, today: date | None = None) -> ExportContent:
    """Columns and rows of the roadmap as its documents show them."""
    today = today or date.today()
    measures = tree.measures_in_order()
    names = {s.id: s.name for s in tree.schools}
    schools = Column(  # the schools a measure concerns, one a line (the importer reads them back)
        "schools",
        BY_NAME["schools"].document_header,
        SCHOOLS_WEIGHT,
        lambda m: cell_text(m, "schools", names, "\n"),
    )
    columns = tuple(
        c
        for c in (*PLAN_COLUMNS, schools)
        if c.key not in OPTIONAL or any(c.value(m).strip() for m in measures)
    )
    if report:
        columns += REPORT_COLUMNS
        if any(m.evidence for m in measures):
            columns += (evidence_column(names),)
    schedule = Schedule(tree, today)
    content = ExportContent(
        tree, report, columns, today, summary=schedule.by_section(), overall=schedule.overall()
    )

    def walk(children: tuple[ChildRef, ...], depth: int) -> None:
        for kind, ident in children:
            if kind == "measure":
                measure = tree.measures[ident]
                late = schedule.by_id[ident].overdue
                content.lines.append(MeasureLine(measure, tuple(c.value(measure) for c in columns), late))
            else:
                section = tree.sections[ident]
                content.lines.append(SectionLine(depth, f"{section.number} {section.title}".strip()))
                walk(section.children, depth + 1)

    walk(tree.top, 1)
    measure_lines = [line for line in content.lines if isinstance(line, MeasureLine)]
    content.shares = column_shares(
        [c.weight for c in columns],
        [c.title for c in columns],
        [[line.cells[i] for line in measure_lines] for i in range(len(columns))],
    )
    return content


def evidence_column(school_names: dict[int, str]) -> Column:
    """The report's «Подтверждающие документы»: the files attached, one a line, a school's
    with its name — the same list as «Отчёт» and «Отчёты школ и файлы» show."""

    def files(measure: MeasureRow) -> str:
        return "\n".join(
            e.name if e.school_id is None else f"{e.name} ({school_names.get(e.school_id, '')})"
            for e in measure.evidence
        )

    return Column("evidence", "Подтверждающие документы", EVIDENCE_WEIGHT, files)


def approval_lines(header: RoadmapHeader) -> list[str]:
    """The approval mark as the «Документ» tab shows it: none without a kind, else its lines (kept
    in step with the order when saved), or the stamp or appendix mark made from the order."""
    facts = MarkFacts.of(header.order, header.organization)
    return shown_lines(header.approval_kind, header.approval_lines, facts)


def table_signature(header: RoadmapHeader) -> tuple[str, str] | None:
    """The signature under the roadmap's table (position, «И.О. Фамилия»), as on «Документ»."""
    signature = signature_of(header.settings)
    if not any(signature.values()):
        return None
    return signature["signature_position"], signature["signature_name"]


def document_title(content: ExportContent) -> str:
    """The roadmap's title; a report's is a report's: «Отчёт об исполнении дорожной карты … на
    04.12.2026»."""
    title = content.tree.header.title.strip()
    if not content.report:
        return title
    return f"Отчёт об исполнении {title_in_genitive(title)} на {content.today:%d.%m.%Y}"


def period_line(header: RoadmapHeader) -> str:
    return f"Период: {header.period_start:%d.%m.%Y} – {header.period_end:%d.%m.%Y}"


_DISTRICT = re.compile(r"([А-ЯЁA-Z][а-яё-]+)\s+(муниципальн\w+\s+)?(район|округ)\w*")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def suggested_name(tree: RoadmapTree, extension: str, report: bool = False, kind: str = "") -> str:
    """A Russian file name people recognise: «Дорожная карта 2023-2024 — Мокшанский район.pdf»
    (``kind`` names another document, e.g. «Ближайшие сроки»)."""
    header = tree.header
    years = str(header.period_start.year)
    if header.period_end.year != header.period_start.year:
        years += f"-{header.period_end.year}"
    kind = kind or ("Отчёт об исполнении дорожной карты" if report else "Дорожная карта")
    place = ""
    for written in (header.title, header.organization, header.order.issuer if header.order else ""):
        found = _DISTRICT.search(written)
        if found:
            place = _district(found.group(1), found.group(3))
            break
    else:
        place = header.organization
    name = f"{kind} {years}" + (f" — {place}" if place else "")
    name = _UNSAFE.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")[:120]
    return f"{name}.{extension}"


def _district(adjective: str, noun: str) -> str:
    """«Мокшанского района», «в Н-ском районе» -> «Мокшанский район», «Н-ский район» (the
    morphology dictionary puts the adjective back in the nominative; one it does not know as an
    adjective is kept as written)."""
    return f"{adjective_in_nominative(adjective) or adjective} {noun}"
