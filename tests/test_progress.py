"""One computation of progress: the «Отчёт» tab, the list of roadmaps, the status-bar notice, the
document tab, the workbook's «Сводка» and the report PDF's summary say the same figures, and the
classes (done / in progress / overdue / not started / not done) add up to the total."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from desktop.exports import export_tree
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.schedule import Schedule
from models.domain.progress import PROGRESS_CLASSES, Progress, tally
from models.storage.database import open_database
from tests.conftest import cli_json

# A day in each demo roadmap's period after its tracking's cut: every class has measures, and some
# are due within two weeks (checked below, so a changed demo cannot make the test say nothing).
# 2: the demo moves that roadmap a year on (2022-2023)
DAYS = {1: date(2023, 10, 20), 2: date(2023, 12, 17), 3: date(2024, 12, 20)}
# The summary's columns as a reader sees them, in their order.
HEADS = ("Раздел", "Мероприятий", "Выполнено", "Выполняется", "Просрочено", "Не начато", "Не выполнено")


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def expected(progress: Progress) -> tuple[int, ...]:
    """A summary row as the columns above read: total, done, in progress, overdue, not started,
    not done."""
    c = progress.counts
    return (progress.total, c["done"], c["in_progress"], c["overdue"], c["not_started"], c["not_done"])


def workbook_summary(path: Path, wanted: tuple[str, ...] = HEADS) -> list[tuple[str, tuple[int, ...]]]:
    """The «Сводка» sheet's rows (section, figures in the ``wanted`` columns), «Итого» last, read
    by the column heads."""
    sheet = load_workbook(path)["Сводка"]
    heads = [sheet.cell(1, column).value for column in range(1, sheet.max_column + 1)]
    columns = [heads.index(head) + 1 for head in wanted]
    rows = []
    for row in range(2, sheet.max_row + 1):
        label = sheet.cell(row, columns[0]).value
        figures = tuple(sheet.cell(row, column).value for column in columns[1:])
        if label and all(isinstance(f, int) for f in figures):
            rows.append((label, figures))
    assert rows and rows[-1][0] == "Итого"
    return rows


def pdf_summary(path: Path) -> list[tuple[str, tuple[int, ...]]]:
    """The report PDF's «Сводка исполнения по разделам» read back as text: every cell comes on its
    own line(s); a row is its label's lines, then its six figures."""
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    body = text[text.index("Сводка исполнения по разделам") :].splitlines()[1:]
    rows, label, figures = [], [], []
    for line in body:
        line = line.strip()
        if line.startswith("На "):  # the notes under the table
            break
        if re.fullmatch(r"\d+", line):
            figures.append(int(line))
            if len(figures) == len(HEADS) - 1:
                rows.append((squash(" ".join(label)), tuple(figures)))
                label, figures = [], []
        elif line:
            label.append(line)
    first, figures_of_first = rows[0]
    assert first.startswith(squash("".join(HEADS))), first  # the heads, in this order
    rows[0] = (first[len(squash("".join(HEADS))) :], figures_of_first)
    assert rows[-1][0] == "Итого"
    return rows


def load(path: Path, roadmap: int) -> tuple[RoadmapService, object]:
    service = RoadmapService(open_database(path), Actor("Тест", "ПК"))
    return service, service.load(roadmap)


# ---- the rule --------------------------------------------------------------------------------
def test_every_measure_is_in_one_class_and_the_classes_add_up() -> None:
    today = date(2024, 3, 1)
    past = ((date(2024, 1, 1), date(2024, 1, 31)),)
    soon = ((date(2024, 2, 1), today + timedelta(days=3)),)
    later = ((date(2024, 5, 1), date(2024, 5, 31)),)
    measures = [
        ("done", past),
        ("done", later),
        ("in_progress", past),  # overdue, not also in progress
        ("in_progress", soon),
        ("planned", past),  # overdue, not also not started
        ("planned", later),
        ("planned", ()),  # по запросу: never overdue
        ("not_done", past),  # closed: not overdue
        ("cancelled", past),  # not counted
    ]
    figures = tally(measures, today)
    assert figures.counts == {"done": 2, "in_progress": 1, "overdue": 2, "not_started": 2, "not_done": 1}
    assert figures.total == sum(figures.counts.values()) == len(measures) - 1
    assert figures.cancelled == 1
    assert figures.due_soon == 1
    assert figures.figures() == (8, 2, 1, 2, 2, 1)
    assert tuple(PROGRESS_CLASSES) == ("done", "in_progress", "overdue", "not_started", "not_done")


# ---- the same figures everywhere --------------------------------------------------------------
@pytest.mark.parametrize("roadmap", sorted(DAYS))
def test_report_tab_list_workbook_and_pdf_say_the_same_figures(
    roadmap: int, demo_db: Path, tmp_path: Path
) -> None:
    today = DAYS[roadmap]
    service, tree = load(demo_db, roadmap)
    try:
        summary = next(s for s in service.list_roadmaps(today) if s.id == roadmap)
    finally:
        service.db.close()
    schedule = Schedule(tree, today)  # what the «Отчёт» tab is given (unfiltered)
    overall, sections = schedule.overall(), schedule.by_section()
    assert overall.counts["overdue"] and overall.counts["in_progress"] and overall.due_soon  # a real test

    # (a) the «Отчёт» computation: classes add up, per section and in all
    assert overall.total == sum(overall.counts.values())
    assert overall.total + overall.cancelled == len(tree.measures)
    assert [expected(s) for s in sections] and all(s.total == sum(s.counts.values()) for s in sections)
    assert tuple(map(sum, zip(*(expected(s) for s in sections), strict=True))) == expected(overall)
    assert len(schedule.overdue()) == overall.counts["overdue"]
    assert len(schedule.due_soon()) == overall.due_soon

    # (b) the list of roadmaps
    assert (summary.measures, summary.done, summary.overdue, summary.due_soon) == (
        overall.total,
        overall.counts["done"],
        overall.counts["overdue"],
        overall.due_soon,
    )

    # (c) the workbook's «Сводка», as Excel shows it
    book = tmp_path / "plan.xlsx"
    export_tree(tree, "xlsx", book, today=today)
    rows = workbook_summary(book)
    assert rows == [(s.label, expected(s)) for s in sections] + [("Итого", expected(overall))]

    # (d) the report PDF's summary, as a reader sees it
    pdf = tmp_path / "report.pdf"
    export_tree(tree, "pdf", pdf, report=True, today=today)
    rows = pdf_summary(pdf)
    assert rows == [(squash(s.label), expected(s)) for s in sections] + [("Итого", expected(overall))]
    for _label, figures in rows:
        assert figures[0] == sum(figures[1:])  # the classes add up to «Мероприятий»


def test_plan_workbook_counts_the_overdue_measures_the_window_shows(demo_db: Path, tmp_path: Path) -> None:
    """The bug reported: the workbook's «Сводка» said «Просрочено» 0 where the list said 10."""
    out = tmp_path / "plan.xlsx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--xlsx", str(out))  # as on the menu: today
    service = RoadmapService(open_database(demo_db), Actor("Тест", "ПК"))
    try:
        listed = next(s for s in service.list_roadmaps() if s.id == 1)
    finally:
        service.db.close()
    assert listed.overdue > 0  # the demo's 2023 roadmap is long past
    late = workbook_summary(out, ("Раздел", "Просрочено"))[-1][1]  # «Итого»
    assert late == (listed.overdue,)
    total = workbook_summary(out)[-1][1]
    assert (total[0], total[1], total[3]) == (listed.measures, listed.done, listed.overdue)
    assert total[0] == sum(total[1:])


def test_the_report_tab_document_tab_and_notice_say_the_same_figures(qtbot: QtBot, demo_db: Path) -> None:
    from ui.main_window import MainWindow, execution_summary
    from ui.progress_view import ProgressView

    today = DAYS[1]
    service = RoadmapService(open_database(demo_db), Actor("Тест", "ПК"))
    window = MainWindow(service, str(demo_db))
    qtbot.addWidget(window)
    view = ProgressView()
    qtbot.addWidget(view)
    late = soon = 0
    for roadmap in (1, 2, 3):
        tree = service.load(roadmap)
        overall = Schedule(tree, today).overall()
        late, soon = late + overall.counts["overdue"], soon + overall.due_soon
        words = {label: overall.counts[c] for c, label in zip(PROGRESS_CLASSES, HEADS[2:], strict=True)}

        view.set_schedule(Schedule(tree, today))
        headline = re.sub(r"<[^>]+>", "", view.headline.text())
        assert f"мероприятий {overall.total};" in headline
        for label, count in words.items():
            assert f"{label.lower()} {count}" in headline

        document = re.sub(r"<[^>]+>", "", execution_summary(tree, today))
        assert f"мероприятий: {len(tree.measures)}" in document
        for label, count in words.items():
            assert f"{label.lower()} {count}" in document
        if overall.cancelled:
            assert f"отменено {overall.cancelled}" in headline and f"отменено {overall.cancelled}" in document

    window.list_model.set_rows(service.list_roadmaps(today))  # the list as read on that day
    assert late and window.show_due_notice().startswith(f"Просрочено: {late}, в ближайшие 14 дней: {soon}")
    service.db.close()
