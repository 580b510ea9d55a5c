"""«Ближайшие» on paper: the coordinator's Monday page as a PDF — late measures and those falling
due this week and the next two, grouped by responsible, exactly as the tab lists them (the same
``Schedule.upcoming``)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.exports.order_text import russian_date
from desktop.exports.pdf import SERIF, _style, register_fonts, text
from desktop.exports.steps import Progress, Steps
from desktop.services.dto import RoadmapTree
from desktop.services.schedule import UPCOMING_WEEKS, Schedule

LATE = colors.HexColor("#b00020")
WIDTH = A4[0] - 40 * mm


def write_upcoming_pdf(
    tree: RoadmapTree,
    out: Path,
    today: date,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """The page(s) at ``out``; the number of pages."""
    register_fonts()
    schedule = Schedule(tree, today)
    groups = schedule.upcoming()
    step = Steps(progress, cancel, "Запись PDF")
    monday = today - timedelta(days=today.weekday())
    last = monday + timedelta(days=7 * UPCOMING_WEEKS - 1)
    heading, small, cell, bold, late_cell = (
        _style("upcoming-heading", 14, bold=True, spaceAfter=4),
        _style("upcoming-small", 10, spaceAfter=8),
        _style("upcoming-cell", 10),
        _style("upcoming-group", 11, bold=True, spaceBefore=8, spaceAfter=3),
        _style("upcoming-late", 10, textColor=LATE),
    )
    late = sum(item.late for group in groups for item in group.items)
    story: list[object] = [
        Paragraph("Просроченные мероприятия и ближайшие сроки", heading),
        Paragraph(text(tree.header.title), small),
        Paragraph(
            f"На {russian_date(today)}: просрочено {late}; срок с {today:%d.%m} по {last:%d.%m.%Y} "
            f"(эта неделя и две следующие): {sum(len(g.items) for g in groups) - late}.",
            small,
        ),
    ]
    if not groups:
        story.append(Paragraph("Просроченных мероприятий и сроков в эти три недели нет.", cell))
    for done, group in enumerate(groups, start=1):
        step(done, len(groups))
        rows = []
        for item in group.items:
            entry = item.entry
            rows.append([
                Paragraph(text(f"{entry.number} {entry.title}"), cell),
                Paragraph(f"{item.due:%d.%m.%Y}", cell),
                Paragraph(item.state(today), late_cell if item.late else cell),
            ])
        table = Table(rows, colWidths=[WIDTH - 55 * mm, 25 * mm, 30 * mm])
        style: list[Any] = [
            ("FONTNAME", (0, 0), (-1, -1), SERIF),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ]
        table.setStyle(TableStyle(style))
        title = Paragraph(f"{text(group.responsible)} — {len(group.items)}", bold)
        story.append(KeepTogether([title, table]) if len(rows) < 12 else title)
        if len(rows) >= 12:
            story.append(table)
    story.append(Spacer(1, 4 * mm))
    pages: list[int] = []

    def count(canvas: object, _document: object) -> None:
        pages.append(1)

    document = SimpleDocTemplate(
        str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title="Ближайшие сроки", author="Дорожные карты",
    )
    document.build(story, onFirstPage=count, onLaterPages=count)  # type: ignore[arg-type]
    return len(pages)
