"""The order and its roadmap as an editable Word document (python-docx).

Coordinators edit the order before it is signed, so this is a document to work in, not a
picture of the PDF: every paragraph and cell has a named style (restyle «ДК: ячейка» and the
whole table follows), the table is a Word table whose header row repeats on every page
(``w:tblHeader``), section rows are merged across and bold by their style, short rows do not
split across pages (``w:cantSplit``; a row taller than a page may), page numbers are a PAGE
field in the header from page 2. The order is portrait, the roadmap a landscape section.

The table's rows are written as XML directly (python-docx's row objects cost 8× more: 1.0 s
against 0.12 s for 1,000 rows); the text is the same ``ExportContent`` the PDF prints.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from desktop.exports.column_widths import CELL_ROOM, CELL_SIZE
from desktop.exports.content import (
    SUMMARY_HEADS,
    ExportContent,
    MeasureLine,
    SectionLine,
    document_title,
    period_line,
    table_signature,
)
from desktop.exports.order_text import order_text
from desktop.exports.steps import Progress, Steps
from desktop.exports.text_fit import TextFit
from desktop.services.dto import OrderInfo

FONT = "Times New Roman"  # Liberation Serif stands in for it where Word's fonts are missing
TEXT_WIDTH_PORTRAIT = Mm(210 - 25 - 10)
TEXT_WIDTH_LANDSCAPE = Mm(297 - 20 - 10)
TWIPS_PER_MM = 1440 / 25.4
TABLE_TWIPS = (297 - 20 - 10) * TWIPS_PER_MM  # the landscape table's width
ROWS_KEPT_WHOLE = 30  # lines: a row up to this never splits; a taller one may (else it could not fit)
# Characters XML 1.0 cannot hold (a cell pasted from elsewhere may carry them): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# (style id, shown name, size in points, bold, alignment, extra paragraph settings)
STYLES: tuple[tuple[str, str, float, bool, Any, dict[str, Any]], ...] = (
    ("RoadmapIssuer", "ДК: орган", 14, True, WD_ALIGN_PARAGRAPH.CENTER, {}),
    ("RoadmapKind", "ДК: вид документа", 16, True, WD_ALIGN_PARAGRAPH.CENTER, {"before": 12, "after": 12}),
    ("RoadmapDateNumber", "ДК: дата и номер", 14, False, WD_ALIGN_PARAGRAPH.LEFT, {"tab": "portrait"}),
    ("RoadmapPlace", "ДК: место", 14, False, WD_ALIGN_PARAGRAPH.CENTER, {}),
    (
        "RoadmapOrderTitle",
        "ДК: заголовок приказа",
        14,
        True,
        WD_ALIGN_PARAGRAPH.LEFT,
        {"before": 18, "after": 12},
    ),
    ("RoadmapOrderText", "ДК: текст приказа", 14, False, WD_ALIGN_PARAGRAPH.JUSTIFY, {"indent": 12.5}),
    (
        "RoadmapDirective",
        "ДК: распорядительная часть",
        14,
        False,
        WD_ALIGN_PARAGRAPH.LEFT,
        {"before": 6, "after": 6},
    ),
    (
        "RoadmapSignature",
        "ДК: подпись",
        14,
        False,
        WD_ALIGN_PARAGRAPH.LEFT,
        {"tab": "portrait", "before": 36},
    ),
    (
        "RoadmapTableSignature",
        "ДК: подпись под таблицей",
        14,
        False,
        WD_ALIGN_PARAGRAPH.LEFT,
        {"tab": "landscape", "before": 24},
    ),
    ("RoadmapMark", "ДК: гриф", 12, False, WD_ALIGN_PARAGRAPH.LEFT, {"mark": True}),
    (
        "RoadmapTitle",
        "ДК: заголовок дорожной карты",
        14,
        True,
        WD_ALIGN_PARAGRAPH.CENTER,
        {"before": 12, "after": 6},
    ),
    ("RoadmapPeriod", "ДК: период", 12, False, WD_ALIGN_PARAGRAPH.CENTER, {"after": 6}),
    ("RoadmapIntro", "ДК: вводный текст", 12, False, WD_ALIGN_PARAGRAPH.JUSTIFY, {}),
    ("RoadmapHead", "ДК: шапка таблицы", 10, True, WD_ALIGN_PARAGRAPH.CENTER, {}),
    ("RoadmapCell", "ДК: ячейка", 10, False, WD_ALIGN_PARAGRAPH.LEFT, {}),
    ("RoadmapSection", "ДК: раздел", 10, True, WD_ALIGN_PARAGRAPH.LEFT, {}),
    (
        "RoadmapSummaryTitle",
        "ДК: заголовок сводки",
        14,
        True,
        WD_ALIGN_PARAGRAPH.CENTER,
        {"before": 18, "after": 6},
    ),
)


def clean(value: str) -> str:
    return _NOT_XML.sub("", value)


class RoadmapDocx:
    def __init__(
        self, content: ExportContent, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> None:
        self.content = content
        self.header = content.tree.header
        self.step = Steps(progress, cancel, "Вёрстка Word")
        self.doc: Any = Document()
        self._styles()

    # ---- document ------------------------------------------------------------------------
    def build(self, out: Path) -> None:
        doc = self.doc
        first = doc.sections[0]
        order = self.content.order
        self._page(first, landscape=order is None)
        first.different_first_page_header_footer = True  # numbers from page 2 (ГОСТ Р 7.0.97)
        self._page_numbers(first)
        body = doc.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):  # the template's empty paragraph
            body.remove(paragraph)
        if order is not None:
            self._order(order)
            section = doc.add_section()
            self._page(section, landscape=True)
            section.different_first_page_header_footer = False  # copied from the order's: numbered
        self._roadmap()
        doc.core_properties.title = clean(self.header.title)[:255]
        doc.core_properties.author = clean(self.header.organization)[:255]
        doc.core_properties.language = "ru-RU"
        doc.save(str(out))

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        for style_id, name, size, bold, align, extra in STYLES:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.style_id = style_id
            style.base_style = normal
            style.quick_style = True
            style.font.size = Pt(size)
            style.font.bold = bold
            form = style.paragraph_format
            form.alignment = align
            form.space_before = Pt(extra.get("before", 0))
            form.space_after = Pt(extra.get("after", 0))
            if "indent" in extra:
                form.first_line_indent = Mm(extra["indent"])
            if extra.get("tab") == "portrait":
                form.tab_stops.add_tab_stop(TEXT_WIDTH_PORTRAIT, WD_TAB_ALIGNMENT.RIGHT)
            if extra.get("tab") == "landscape":
                form.tab_stops.add_tab_stop(TEXT_WIDTH_LANDSCAPE, WD_TAB_ALIGNMENT.RIGHT)
            if extra.get("mark"):
                # the mark's block at the right, as long as the profile's corner lines
                form.left_indent = TEXT_WIDTH_LANDSCAPE - Mm(self.content.layout.corner_width_mm)

    def _page(self, section: Any, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.left_margin = Mm(20 if landscape else 25)
        section.right_margin = Mm(10)
        section.top_margin = section.bottom_margin = Mm(20)
        section.header_distance = Mm(10)

    def _page_numbers(self, section: Any) -> None:
        """A PAGE field centred in the header; the first page's own header stays empty."""
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        shown = OxmlElement("w:t")
        shown.text = "2"
        run.append(shown)
        field.append(run)
        paragraph._p.append(field)

    def _para(self, value: str, style: str) -> Any:
        """A paragraph of ``value`` in ``style``; lines of the value kept as line breaks."""
        paragraph = self.doc.add_paragraph(style=self.doc.styles.get_by_id(style, WD_STYLE_TYPE.PARAGRAPH))
        for number, line in enumerate(clean(value).split("\n")):
            run = paragraph.add_run(line)
            if number:
                run._r.insert(0, OxmlElement("w:br"))
        return paragraph

    # ---- the order -----------------------------------------------------------------------
    def _order(self, order: OrderInfo) -> None:
        said = order_text(order, self.header)
        if said.issuer:
            self._para(said.issuer, "RoadmapIssuer")
        self._para("П Р И К А З", "RoadmapKind")
        self._para(f"{said.date}\t{said.number}", "RoadmapDateNumber")
        if said.place:
            self._para(said.place, "RoadmapPlace")
        self._para(said.title, "RoadmapOrderTitle")
        if said.preamble:
            self._para(said.preamble, "RoadmapOrderText")
        self._para(said.directive, "RoadmapDirective")
        for clause in said.clauses:
            self._para(clause, "RoadmapOrderText")
        if said.signer_position or said.signer:
            self._para(f"{said.signer_position}\t{said.signer}", "RoadmapSignature")

    # ---- the roadmap ---------------------------------------------------------------------
    def _roadmap(self) -> None:
        lines = self.content.mark_lines
        if lines:
            self._para("\n".join(lines), "RoadmapMark")
        self._para(document_title(self.content), "RoadmapTitle")
        self._para(period_line(self.header), "RoadmapPeriod")
        if self.header.goal:
            self._labelled("Цель:", self.header.goal)
        if self.header.tasks:
            self._para("Задачи:", "RoadmapIntro").runs[0].bold = True
            for number, task in enumerate(self.header.tasks, start=1):
                self._para(f"{number}) {task}", "RoadmapIntro")
        schools = self.content.tree.schools
        if schools:
            self._labelled("Общеобразовательные организации:", "; ".join(s.name for s in schools) + ".")
        self._table()
        signature = table_signature(self.header)
        if signature is not None:
            self._para("\t".join(signature), "RoadmapTableSignature")
        if self.content.report:
            self._summary()

    def _labelled(self, label: str, value: str) -> None:
        paragraph = self._para(f" {value}", "RoadmapIntro")
        run = paragraph.runs[0]._r
        bold = paragraph.add_run(label)
        bold.bold = True
        run.addprevious(bold._r)

    def _new_table(self, heads: list[str], widths: list[int]) -> Any:
        """A Word table with its columns ``widths`` twips wide and ``heads`` as its repeated head
        row; returns the table (rows are appended to its ``_tbl``)."""
        table = self.doc.add_table(rows=1, cols=len(heads))
        table.style = self.doc.styles["Table Grid"]
        tbl = table._tbl
        for grid_col, width in zip(tbl.tblGrid.iterchildren(qn("w:gridCol")), widths, strict=True):
            grid_col.set(qn("w:w"), str(width))
        tbl.remove(tbl.tr_lst[0])
        tbl.append(_row(heads, widths, "RoadmapHead", header=True))
        return table

    def _table(self) -> None:
        columns = self.content.columns
        widths = [round(TABLE_TWIPS * share) for share in self.content.shares]
        table = self._new_table([c.title for c in columns], widths)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl = table._tbl
        fit = TextFit(CELL_SIZE)  # the PDF's measure of a row's lines, to keep short rows whole
        rooms = [width / 20 - CELL_ROOM for width in widths]  # twips to points
        keys = [c.key for c in columns]
        status_column = keys.index("status") if "status" in keys else None
        total = len(self.content.lines)
        for done, line in enumerate(self.content.lines, start=1):
            if isinstance(line, SectionLine):
                tbl.append(_section_row(line.text, sum(widths), len(widths)))
            else:
                assert isinstance(line, MeasureLine)
                values = list(line.cells)
                if line.overdue and status_column is not None:  # said in words, as the PDF does
                    values[status_column] = f"{values[status_column]}\nпросрочено"
                lines = max(len(fit.wrap(v, room)) for v, room in zip(values, rooms, strict=True))
                tbl.append(_row(values, widths, "RoadmapCell", keep_whole=lines <= ROWS_KEPT_WHOLE))
            if done % 200 == 0:
                self.step(done, total)
        self.step(total, total)

    def _summary(self) -> None:
        """The report's figures per section, as the PDF report and «Отчёт» have them."""
        self._para("Сводка исполнения по разделам", "RoadmapSummaryTitle")
        rows = [[line.label, *map(str, line.figures())] for line in self.content.summary]
        rows.append(["Итого", *map(str, self.content.overall.figures())])
        figures = len(SUMMARY_HEADS) - 1
        widths = [round(TABLE_TWIPS * 0.4)] + [round(TABLE_TWIPS * 0.6 / figures)] * figures
        tbl = self._new_table(list(SUMMARY_HEADS), widths)._tbl
        for row in rows:
            tbl.append(_row(row, widths, "RoadmapCell"))
        for note in self.content.summary_notes():
            self._para(note, "RoadmapCell")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell(tr: Any, value: str, width: int, style: str, span: int = 1, keep_next: bool = False) -> None:
    tc = etree.SubElement(tr, _W + "tc")
    tc_pr = etree.SubElement(tc, _W + "tcPr")
    tc_w = etree.SubElement(tc_pr, _W + "tcW")
    tc_w.set(_W + "w", str(width))
    tc_w.set(_W + "type", "dxa")
    if span > 1:
        etree.SubElement(tc_pr, _W + "gridSpan").set(_W + "val", str(span))
    p = etree.SubElement(tc, _W + "p")
    p_pr = etree.SubElement(p, _W + "pPr")
    etree.SubElement(p_pr, _W + "pStyle").set(_W + "val", style)
    if keep_next:  # a section's title stays with its first row (never alone at a page's foot)
        etree.SubElement(p_pr, _W + "keepNext")
    if not value:
        return
    r = etree.SubElement(p, _W + "r")
    for number, line in enumerate(clean(value).split("\n")):
        if number:
            etree.SubElement(r, _W + "br")
        t = etree.SubElement(r, _W + "t")
        t.text = line
        if line != line.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _row(
    values: list[str], widths: list[int], style: str, header: bool = False, keep_whole: bool = True
) -> Any:
    tr = OxmlElement("w:tr")
    tr_pr = etree.SubElement(tr, _W + "trPr")
    if keep_whole:
        etree.SubElement(tr_pr, _W + "cantSplit")
    if header:
        etree.SubElement(tr_pr, _W + "tblHeader")
    for value, width in zip(values, widths, strict=True):
        _cell(tr, value, width, style)
    return tr


def _section_row(value: str, width: int, span: int) -> Any:
    tr = OxmlElement("w:tr")
    etree.SubElement(etree.SubElement(tr, _W + "trPr"), _W + "cantSplit")
    _cell(tr, value, width, "RoadmapSection", span=span, keep_next=True)
    return tr


def write_docx(
    content: ExportContent,
    out: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """The Word document of ``content`` at ``out``."""
    RoadmapDocx(content, progress, cancel).build(out)
