"""The roadmap as an order-style PDF (ГОСТ Р 7.0.97-2016): the approving order on a portrait page,
then the roadmap on landscape pages with its table header on every page.

Why it is built this way:
- The table's body is one flowable that draws plain, already wrapped text (``pdf_rows``); its
  column heads on later pages are drawn by the page template. reportlab's Table re-measures
  cells at every page break (one long table with spanning rows took 38 s at 5,000 measures).
- The table's text is never read as markup; the few Paragraphs (order, title, goal) get user text
  escaped, and reportlab may fetch no URL or file named in markup (``trustedSchemes`` is
  emptied): a measure reading ``<img src=…>`` prints as written.
- The font is shipped (Liberation Serif, OFL) and embedded: the PDF looks the same everywhere.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.exports.column_widths import CELL_PADDING, CELL_ROOM, CELL_SIZE
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
from desktop.exports.pdf_canvas import CompressingCanvas
from desktop.exports.pdf_rows import RowsLayout, RowsTable, TableRow
from desktop.exports.steps import Progress, Steps
from desktop.exports.text_fit import TextFit
from desktop.services.dto import OrderInfo, RoadmapHeader

rl_config.trustedSchemes = []  # markup in a document can never make reportlab open a file or URL
rl_config.trustedHosts = []

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
SERIF, SERIF_BOLD, SERIF_ITALIC = "RoadmapSerif", "RoadmapSerif-Bold", "RoadmapSerif-Italic"
HEAD_FORM = "RoadmapColumnHeads"
SERIF_CELLS = ("FONTNAME", (0, 0), (-1, -1), SERIF)  # every table: even an empty cell sets a font
CELL_LEADING = 1.2 * CELL_SIZE  # reportlab splits rows by it

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 25 * mm, 10 * mm, 20 * mm, 20 * mm
LANDSCAPE_LEFT = 20 * mm
TABLE_WIDTH = LANDSCAPE[0] - LANDSCAPE_LEFT - MARGIN_RIGHT


def register_fonts() -> None:
    """Liberation Serif from resources/fonts, once per process."""
    if SERIF in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in (
        (SERIF, "LiberationSerif-Regular.ttf"),
        (SERIF_BOLD, "LiberationSerif-Bold.ttf"),
        (SERIF_ITALIC, "LiberationSerif-Italic.ttf"),
        ("RoadmapSerif-BoldItalic", "LiberationSerif-BoldItalic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic="RoadmapSerif-BoldItalic"
    )


def _style(
    name: str, size: float, align: Literal[0, 1, 2, 4] = TA_LEFT, bold: bool = False, **extra: Any
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=SERIF_BOLD if bold else SERIF,
        fontSize=size,
        leading=size * 1.2,
        alignment=align,
        **extra,
    )


def text(value: str) -> str:
    """User text as Paragraph markup that prints exactly as written (lines kept)."""
    return escape(value.strip()).replace("\n", "<br/>")


class RoadmapPdf:
    def __init__(
        self,
        content: ExportContent,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        register_fonts()
        self.content = content
        self.header: RoadmapHeader = content.tree.header
        self.step = Steps(progress, cancel, "Вёрстка PDF")
        self.body = _style("body", 14, TA_JUSTIFY, firstLineIndent=12.5 * mm)
        self.plain = _style("plain", 14)
        self.centre = _style("centre", 14, TA_CENTER)
        self.centre_bold = _style("centre_bold", 14, TA_CENTER, bold=True)
        self.right = _style("right", 14, TA_RIGHT)
        self.mark = _style("mark", 12)
        self.title = _style("title", 14, TA_CENTER, bold=True, spaceAfter=4 * mm)
        self.intro = _style("intro", 12, TA_JUSTIFY)
        self.cell = _style("cell", 10)
        self.head = _style("head", 10, TA_CENTER, bold=True)
        self.widths = [TABLE_WIDTH * share for share in content.shares]
        self.header_table = self._header_table()
        _, self.header_height = self.header_table.wrap(TABLE_WIDTH, LANDSCAPE[1])
        self.header_form_made = False

    # ---- document ------------------------------------------------------------------------
    def build(self, out: Path) -> int:
        """Write the PDF to ``out``; the number of pages."""
        order = self.content.order
        has_order = order is not None
        doc = BaseDocTemplate(
            str(out),
            pagesize=PORTRAIT if has_order else LANDSCAPE,
            title=self.header.title,
            author=self.header.organization or (self.header.order.issuer if self.header.order else ""),
            subject="Отчёт об исполнении дорожной карты" if self.content.report else "Дорожная карта",
            creator="Дорожные карты",
            producer="Дорожные карты",
            lang="ru-RU",
            initialFontName=SERIF,  # no unembedded Helvetica in the file, not even unused
        )
        templates = self._templates()
        if not has_order:  # the document starts with the roadmap's own landscape page
            templates = templates[1:] + templates[:1]
        doc.addPageTemplates(templates)
        story: list[Flowable] = []
        if order is not None:
            story += self._order(order)
            story += [NextPageTemplate("first"), PageBreak()]
        story += self._roadmap()
        doc.build(story, canvasmaker=CompressingCanvas)
        return int(doc.page)

    def _templates(self) -> list[PageTemplate]:
        portrait = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            PORTRAIT[0] - MARGIN_LEFT - MARGIN_RIGHT,
            PORTRAIT[1] - MARGIN_TOP - MARGIN_BOTTOM,
            id="order",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        height = LANDSCAPE[1] - MARGIN_TOP - MARGIN_BOTTOM

        def frame(name: str, top_gap: float) -> Frame:
            return Frame(
                LANDSCAPE_LEFT,
                MARGIN_BOTTOM,
                TABLE_WIDTH,
                height - top_gap,
                id=name,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )

        return [
            PageTemplate("order", [portrait], onPage=self._page_number, pagesize=PORTRAIT),
            PageTemplate("first", [frame("first", 0)], onPage=self._page_number, pagesize=LANDSCAPE),
            PageTemplate(
                "rest", [frame("rest", self.header_height)], onPage=self._page_with_header, pagesize=LANDSCAPE
            ),
            PageTemplate("plain", [frame("plain", 0)], onPage=self._page_number, pagesize=LANDSCAPE),
        ]

    def _page_number(self, canvas: Any, doc: BaseDocTemplate) -> None:
        """Page numbers centred in the top margin, from page 2 (ГОСТ Р 7.0.97)."""
        if doc.page >= 2:
            width, height = canvas._pagesize
            canvas.setFont(SERIF, 12)
            canvas.drawCentredString(width / 2, height - 12 * mm, str(doc.page))

    def _page_with_header(self, canvas: Any, doc: BaseDocTemplate) -> None:
        """Page number and the column heads; the heads are drawn once as a form and reused."""
        self._page_number(canvas, doc)
        if not self.header_form_made:
            canvas.beginForm(HEAD_FORM, lowerx=0, lowery=0, upperx=TABLE_WIDTH, uppery=self.header_height)
            self.header_table.drawOn(canvas, 0, 0)
            canvas.endForm()
            self.header_form_made = True
        canvas.saveState()
        canvas.translate(LANDSCAPE_LEFT, LANDSCAPE[1] - MARGIN_TOP - self.header_height)
        canvas.doForm(HEAD_FORM)
        canvas.restoreState()

    # ---- the order -----------------------------------------------------------------------
    def _order(self, order: OrderInfo) -> list[Flowable]:
        said = order_text(order, self.header)
        parts: list[Flowable] = []
        if said.issuer:
            parts.append(Paragraph(text(said.issuer), self.centre_bold))
        parts += [Spacer(1, 8 * mm), Paragraph("П Р И К А З", _style("order", 16, TA_CENTER, bold=True))]
        parts.append(Spacer(1, 6 * mm))
        width = PORTRAIT[0] - MARGIN_LEFT - MARGIN_RIGHT
        parts.append(self._side_by_side(said.date, said.number, [width / 2] * 2))
        if said.place:
            parts.append(Paragraph(text(said.place), self.centre))
        parts.append(Spacer(1, 8 * mm))
        parts.append(Paragraph(text(said.title), _style("order_title", 14, TA_LEFT, bold=True)))
        parts.append(Spacer(1, 6 * mm))
        if said.preamble:
            parts.append(Paragraph(text(said.preamble), self.body))
        parts.append(Spacer(1, 2 * mm))
        parts.append(Paragraph(text(said.directive), self.plain))
        parts.append(Spacer(1, 2 * mm))
        parts += [Paragraph(text(clause), self.body) for clause in said.clauses]
        parts.append(Spacer(1, 14 * mm))
        signature = [width * 0.6, width * 0.4]
        parts.append(self._side_by_side(said.signer_position, said.signer, signature, bottom=True))
        return parts

    def _side_by_side(self, left: str, right: str, widths: list[float], bottom: bool = False) -> Table:
        """Two texts on one line, the second flush right (date and number, position and name).
        The row may split across pages: a position pasted a thousand times long must not stop
        the export (a row taller than a page cannot be placed whole)."""
        table = Table(
            [[Paragraph(text(left), self.plain), Paragraph(text(right), self.right)]],
            colWidths=widths,
            splitInRow=1,
        )
        style: list[Any] = [
            SERIF_CELLS,
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
        if bottom:
            style.append(("VALIGN", (0, 0), (-1, -1), "BOTTOM"))
        table.setStyle(TableStyle(style))
        return table

    # ---- the roadmap ---------------------------------------------------------------------
    def _roadmap(self) -> list[Flowable]:
        parts: list[Flowable] = []
        lines = self.content.mark_lines
        if lines:
            mark = Table(
                [[Paragraph("<br/>".join(text(line) for line in lines), self.mark)]],
                colWidths=[self.content.layout.corner_width_mm * mm],  # the corner's line length
                hAlign="RIGHT",
                splitInRow=1,  # a mark of a thousand lines still prints
            )
            flush = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
            mark.setStyle(TableStyle([SERIF_CELLS, *flush]))
            parts += [mark, Spacer(1, 6 * mm)]
        parts.append(Paragraph(text(document_title(self.content)), self.title))
        parts.append(Paragraph(period_line(self.header), _style("period", 12, TA_CENTER, spaceAfter=3 * mm)))
        if self.header.goal:
            parts.append(Paragraph(f"<b>Цель:</b> {text(self.header.goal)}", self.intro))
        if self.header.tasks:
            parts.append(Paragraph("<b>Задачи:</b>", self.intro))
            for number, task in enumerate(self.header.tasks, start=1):
                parts.append(Paragraph(f"{number}) {text(task)}", self.intro))
        schools = self.content.tree.schools
        if schools:
            names = "; ".join(s.name for s in schools)
            parts.append(Paragraph(f"<b>Общеобразовательные организации:</b> {text(names)}.", self.intro))
        parts.append(Spacer(1, 4 * mm))
        parts.append(CondPageBreak(self.header_height + 30 * mm))
        parts += [NextPageTemplate("rest"), self.header_table]
        parts += self._tables()
        parts += self._table_signature()
        parts.append(NextPageTemplate("plain"))
        if self.content.report:
            parts += self._summary()
        return parts

    def _table_signature(self) -> list[Flowable]:
        """Position on the left, «И.О. Фамилия» on the right, under the last row."""
        signature = table_signature(self.header)
        if signature is None:
            return []
        position, name = signature
        widths = [TABLE_WIDTH * 0.6, TABLE_WIDTH * 0.4]
        return [Spacer(1, 10 * mm), self._side_by_side(position, name, widths, bottom=True)]

    def _header_table(self) -> Table:
        table = Table(
            [[Paragraph(text(c.title), self.head) for c in self.content.columns]], colWidths=self.widths
        )
        table.setStyle(
            TableStyle(
                [
                    SERIF_CELLS,
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.92, 0.92, 0.92)),
                ]
            )
        )
        return table

    def _tables(self) -> list[Flowable]:
        """The measures as one flowable of plain, already wrapped text (see pdf_rows)."""
        regular, bold = TextFit(CELL_SIZE), TextFit(CELL_SIZE, bold=True)
        rooms = [width - CELL_ROOM for width in self.widths]
        whole_row = TABLE_WIDTH - CELL_ROOM

        def wrap(values: tuple[str, ...], section: bool) -> tuple[tuple[str, ...], ...]:
            if section:
                return (tuple(bold.wrap(values[0], whole_row)),)
            cells = zip(values, rooms, strict=True)
            return tuple(tuple(regular.wrap(v, room)) if v.strip() else () for v, room in cells)

        def table_row(values: tuple[str, ...], section: bool = False, alert: int | None = None) -> TableRow:
            lines = max((len(cell) for cell in wrap(values, section)), default=1)
            return TableRow(values, max(1, lines), section, alert)

        rows: list[TableRow] = []
        keys = [column.key for column in self.content.columns]
        status_column = keys.index("status") if "status" in keys else None
        for line in self.content.lines:
            if isinstance(line, SectionLine):
                rows.append(table_row((line.text,), section=True))
            else:
                assert isinstance(line, MeasureLine)
                values = list(line.cells)
                alert = None
                if line.overdue and status_column is not None:  # said in words too: prints in grey
                    values[status_column] = f"{values[status_column]}\nпросрочено"
                    alert = status_column
                rows.append(table_row(tuple(values), alert=alert))
        if not rows:
            return []
        layout = RowsLayout(
            rows,
            wrap,
            self.widths,
            SERIF,
            SERIF_BOLD,
            CELL_SIZE,
            CELL_LEADING,
            CELL_PADDING,
            page_room=LANDSCAPE[1] - MARGIN_TOP - MARGIN_BOTTOM - self.header_height,
            on_drawn=lambda done: self.step(done, len(rows)),
        )
        return [RowsTable(layout)]

    def _summary(self) -> list[Flowable]:
        """Per top-level section and in all, the figures of the «Отчёт» tab (content.summary)."""
        rows: list[list[Any]] = [[Paragraph(text(t), self.head) for t in SUMMARY_HEADS]]
        for line in self.content.summary:
            rows.append([Paragraph(text(line.label), self.cell), *map(str, line.figures())])
        rows.append([Paragraph("<b>Итого</b>", self.cell), *map(str, self.content.overall.figures())])
        figures = len(SUMMARY_HEADS) - 1  # columns wide enough for «Мероприятий» unbroken
        widths = [TABLE_WIDTH * 0.4] + [TABLE_WIDTH * 0.6 / figures] * figures
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    SERIF_CELLS,
                    ("FONTNAME", (1, -1), (-1, -1), SERIF_BOLD),
                    ("FONTSIZE", (0, 0), (-1, -1), 10),
                    ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        heading = _style("summary", 14, TA_CENTER, bold=True, spaceBefore=8 * mm, spaceAfter=4 * mm)
        notes = [Spacer(1, 3 * mm), *(Paragraph(text(n), self.cell) for n in self.content.summary_notes())]
        return [CondPageBreak(60 * mm), Paragraph("Сводка исполнения по разделам", heading), table, *notes]


def write_pdf(
    content: ExportContent,
    out: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """The PDF of ``content`` at ``out``; the number of pages."""
    return RoadmapPdf(content, progress, cancel).build(out)
