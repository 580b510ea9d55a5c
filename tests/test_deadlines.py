"""The deadline reader: the labelled sample, tables of variants of every form, and invariants."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.domain.deadlines import KINDS, SchoolCalendar, merge_windows, read_deadline, windows_equal

DATA = Path(__file__).resolve().parent / "data" / "deadlines.jsonl"
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
SCHOOL_2023 = (date(2023, 9, 1), date(2024, 8, 31))
YEARS_2022_2025 = (date(2022, 1, 1), date(2025, 12, 31))
D = date.fromisoformat


def windows(text: str, period: tuple[date, date] = YEAR_2024) -> list[tuple[str, str]]:
    return [(a.isoformat(), b.isoformat()) for a, b in read_deadline(text, period).windows]


def test_labelled_sample_at_least_98_percent() -> None:
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = []
    for record in records:
        period = (D(record["period"][0]), D(record["period"][1]))
        got = read_deadline(record["text"], period)
        kinds = record["kind"] if isinstance(record["kind"], list) else [record["kind"]]
        got_windows = [[a.isoformat(), b.isoformat()] for a, b in got.windows]
        if got.kind not in kinds or ("windows" in record and got_windows != record["windows"]):
            wrong.append((record["text"], got.kind, got_windows))
    assert len(wrong) <= len(records) * 0.02, wrong


FIXED = [
    # months in every case form, with and without the year, any dash and year word
    ("Февраль 2024 г.", [("2024-02-01", "2024-02-29")]),
    ("ФЕВРАЛЬ 2024 ГОДА", [("2024-02-01", "2024-02-29")]),
    ("в феврале 2024 года", [("2024-02-01", "2024-02-29")]),
    ("до февраля", [("2024-02-01", "2024-02-01")]),
    ("в марте", [("2024-03-01", "2024-03-31")]),
    ("в мае-июне", [("2024-05-01", "2024-06-30")]),
    ("мая 2024", [("2024-05-01", "2024-05-31")]),
    ("янв. 2024", [("2024-01-01", "2024-01-31")]),
    ("сент.-окт.", [("2024-09-01", "2024-10-31")]),
    ("Сентябрь—ноябрь 2024 г.", [("2024-09-01", "2024-11-30")]),
    ("сентябрь − ноябрь 2024г", [("2024-09-01", "2024-11-30")]),
    ("август, сентябрь 2024", [("2024-08-01", "2024-08-31"), ("2024-09-01", "2024-09-30")]),
    (
        "Февраль – Май, август – декабрь 2024 год",
        [("2024-02-01", "2024-05-31"), ("2024-08-01", "2024-12-31")],
    ),
    ("с сентября до декабря", [("2024-09-01", "2024-12-31")]),
    # days
    ("25.01.2024 г.", [("2024-01-25", "2024-01-25")]),
    ("10.02.24", [("2024-02-10", "2024-02-10")]),
    ("10.02.2024, 15.03.2024", [("2024-02-10", "2024-02-10"), ("2024-03-15", "2024-03-15")]),
    ("до 15 сентября 2024", [("2024-09-15", "2024-09-15")]),
    ("к 1 сентября", [("2024-09-01", "2024-09-01")]),
    ("не позднее 10.02.2024", [("2024-02-10", "2024-02-10")]),
    ("до 01.09", [("2024-09-01", "2024-09-01")]),
    ("с 10.01.2024 по 20.01.2024", [("2024-01-10", "2024-01-20")]),
    ("10.01.2024 - 20.01.2024", [("2024-01-10", "2024-01-20")]),
    ("с 1 по 15 марта 2024", [("2024-03-01", "2024-03-15")]),
    ("с 10 января по 20 февраля 2024", [("2024-01-10", "2024-02-20")]),
    ("в начале марта", [("2024-03-01", "2024-03-10")]),
    ("в конце мая 2024", [("2024-05-21", "2024-05-31")]),
    # quarters, halves, years
    ("I квартал 2024 г.", [("2024-01-01", "2024-03-31")]),
    ("2 квартал", [("2024-04-01", "2024-06-30")]),
    ("IV квартал 2024 года", [("2024-10-01", "2024-12-31")]),
    ("первое полугодие", [("2024-01-01", "2024-06-30")]),
    ("1-е полугодие 2024 г.", [("2024-01-01", "2024-06-30")]),
    ("II полугодие", [("2024-07-01", "2024-12-31")]),
    ("2024 год", [("2024-01-01", "2024-12-31")]),
    ("в течение 2024 года", [("2024-01-01", "2024-12-31")]),
]


@pytest.mark.parametrize(("text", "expected"), FIXED)
def test_fixed_forms(text: str, expected: list[tuple[str, str]]) -> None:
    assert read_deadline(text, YEAR_2024).kind == "fixed"
    assert windows(text) == expected


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("ноябрь - январь", SCHOOL_2023, [("2023-11-01", "2024-01-31")]),
        ("ноябрь - январь 2024", SCHOOL_2023, [("2023-11-01", "2024-01-31")]),
        ("до 25 мая", SCHOOL_2023, [("2024-05-25", "2024-05-25")]),
        ("Февраль", (D("2021-01-01"), D("2022-12-31")), [("2021-02-01", "2021-02-28")]),
        ("2022-2025 гг.", YEARS_2022_2025, [("2022-01-01", "2025-12-31")]),
        ("2023-2024 учебный год", SCHOOL_2023, [("2023-09-01", "2024-08-31")]),
        ("II четверть", SCHOOL_2023, [("2023-11-05", "2023-12-29")]),
    ],
)
def test_years_come_from_the_period_or_the_text(text: str, period: tuple[date, date], expected: list) -> None:
    assert windows(text, period) == expected


def test_dates_outside_the_period_are_kept_with_a_warning() -> None:
    result = read_deadline("до 15 сентября 2021", YEAR_2024)
    assert result.windows == ((D("2021-09-15"), D("2021-09-15")),)
    assert result.warnings and "выходит за период" in result.warnings[0]
    assert read_deadline("Март 2024 г.", YEAR_2024).warnings == ()


RECURRING = [
    (
        "ежегодно (август-сентябрь)",
        YEARS_2022_2025,
        [(f"{y}-08-01", f"{y}-09-30") for y in range(2022, 2026)],
    ),
    (
        "Сентябрь – октябрь ежегодно",
        YEARS_2022_2025,
        [(f"{y}-09-01", f"{y}-10-31") for y in range(2022, 2026)],
    ),
    ("ежегодно в марте", YEAR_2024, [("2024-03-01", "2024-03-31")]),
    ("ежегодно (май)", SCHOOL_2023, [("2024-05-01", "2024-05-31")]),
    ("ежемесячно", YEAR_2024, [(f"2024-{m:02d}-01", None) for m in range(1, 13)]),
    ("раз в месяц", YEAR_2024, [(f"2024-{m:02d}-01", None) for m in range(1, 13)]),
    (
        "ежеквартально",
        YEAR_2024,
        [
            ("2024-01-01", "2024-03-31"),
            ("2024-04-01", "2024-06-30"),
            ("2024-07-01", "2024-09-30"),
            ("2024-10-01", "2024-12-31"),
        ],
    ),
    (
        "не реже одного раза в четверть",
        SCHOOL_2023,
        [
            ("2023-09-01", "2023-10-27"),
            ("2023-11-05", "2023-12-29"),
            ("2024-01-09", "2024-03-22"),
            ("2024-04-01", "2024-05-26"),
        ],
    ),
    (
        "в конце каждой четверти",
        SCHOOL_2023,
        [
            ("2023-10-21", "2023-10-27"),
            ("2023-12-23", "2023-12-29"),
            ("2024-03-16", "2024-03-22"),
            ("2024-05-20", "2024-05-26"),
        ],
    ),
    ("еженедельно", YEAR_2024, [("2024-01-01", "2024-12-31")]),
]


@pytest.mark.parametrize(("text", "period", "expected"), RECURRING)
def test_recurring_forms(text: str, period: tuple[date, date], expected: list) -> None:
    result = read_deadline(text, period)
    assert result.kind == "recurring"
    got = windows(text, period)
    assert [a for a, _ in got] == [a for a, _ in expected]
    assert all(b == want for (_, b), (_, want) in zip(got, expected, strict=True) if want is not None)


def test_school_quarters_follow_the_calendar_setting() -> None:
    short = SchoolCalendar(
        quarters=(((9, 1), (10, 20)), ((11, 1), (12, 25)), ((1, 10), (3, 20)), ((4, 1), (5, 31)))
    )
    result = read_deadline("в конце каждой четверти", SCHOOL_2023, short)
    assert result.windows[0] == (D("2023-10-14"), D("2023-10-20"))
    assert result.windows[-1] == (D("2024-05-25"), D("2024-05-31"))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("в течение года", "continuous"),
        ("В течение учебного года", "continuous"),
        ("постоянно", "continuous"),
        ("в течение всего периода", "continuous"),
        ("весь период", "continuous"),
        ("систематически", "continuous"),
        ("по запросу", "on_request"),
        ("По мере необходимости", "on_request"),
        ("по заявкам ОО", "on_request"),
        ("при необходимости", "on_request"),
        ("по графику", "per_plan"),
        ("по отдельному графику", "per_plan"),
        ("согласно графику", "per_plan"),
        ("в соответствии с планом работы ЦРО", "per_plan"),
        ("по плану работы МНЦ", "per_plan"),
        ("в установленные сроки", "per_plan"),
        ("по итогам выявления", "after_event"),
        ("по результатам ГИА-2022", "after_event"),
        ("после проведения оценочной процедуры", "after_event"),
        ("по итогам I полугодия", "after_event"),
        ("по окончании курсов", "after_event"),
        ("", "unknown"),
        ("   ", "unknown"),
        ("Информация представлена в пунктах 3.5 и 3.6", "unknown"),
        ("см. выше", "unknown"),
    ],
)
def test_undated_kinds(text: str, kind: str) -> None:
    result = read_deadline(text, YEAR_2024)
    assert result.kind == kind
    assert result.windows == ((YEAR_2024,) if kind == "continuous" else ())


def test_mixed_plan_and_date_is_read_as_the_date() -> None:
    result = read_deadline("В соответствии с планом. До 10 февраля составление плана - графика", YEAR_2024)
    assert result.kind == "fixed" and result.windows == ((D("2024-02-10"), D("2024-02-10")),)


def test_merging_for_comparison() -> None:
    split = [(D("2024-02-01"), D("2024-02-29")), (D("2024-03-01"), D("2024-03-31"))]
    assert windows_equal(split, [(D("2024-02-01"), D("2024-03-31"))])
    assert not windows_equal(split, [(D("2024-02-01"), D("2024-04-30"))])
    assert merge_windows([(D("2024-05-01"), D("2024-05-10")), (D("2024-05-05"), D("2024-06-01"))]) == (
        (D("2024-05-01"), D("2024-06-01")),
    )


# ---- invariants ---------------------------------------------------------------------------------
MONTH_WORDS = [
    "январь",
    "февраля",
    "марте",
    "апрель",
    "мая",
    "июнь",
    "июля",
    "август",
    "сентября",
    "октябре",
    "ноябрь",
    "декабря",
    "янв.",
    "сент.",
]
PIECES = st.one_of(
    st.sampled_from(MONTH_WORDS),
    st.sampled_from(["-", "–", "—", ",", ".", "по", "с", "до", "к", "и"]),
    st.integers(1, 31).map(str),
    st.integers(2019, 2027).map(lambda y: f"{y} г."),
    st.sampled_from(
        [
            "ежегодно",
            "ежемесячно",
            "ежеквартально",
            "в течение года",
            "по запросу",
            "I квартал",
            "II полугодие",
            "в конце каждой четверти",
            "по итогам",
            "( ",
            " )",
        ]
    ),
    st.builds(
        lambda d, m, y: f"{d:02d}.{m:02d}.{y}",
        st.integers(1, 31),
        st.integers(1, 12),
        st.integers(2019, 2027),
    ),
)
PHRASES = st.lists(PIECES, min_size=1, max_size=8).map(" ".join)
PERIODS = st.builds(
    lambda start, days: (start, start + timedelta(days=days)),
    st.dates(date(2019, 1, 1), date(2027, 12, 31)),
    st.integers(0, 4 * 366),
)


def _check_invariants(text: str, period: tuple[date, date]) -> None:
    result = read_deadline(text, period)
    assert result.kind in KINDS
    assert list(result.windows) == sorted(result.windows)
    assert all(a <= b for a, b in result.windows)
    if result.kind in ("recurring", "continuous"):
        assert all(period[0] <= a and b <= period[1] for a, b in result.windows)
    if result.kind in ("on_request", "per_plan", "after_event", "unknown"):
        assert result.windows == ()


@settings(max_examples=400, deadline=None)
@given(PHRASES, PERIODS)
def test_invariants_on_deadline_like_phrases(text: str, period: tuple[date, date]) -> None:
    _check_invariants(text, period)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), PERIODS)
def test_invariants_on_any_text(text: str, period: tuple[date, date]) -> None:
    _check_invariants(text, period)


def test_hostile_text_is_cheap_and_safe() -> None:
    for text in ("\x00" * 10_000, "12.12.2023 " * 50_000, "ежегодно (" * 10_000, "31.02.2024", "99.99.9999"):
        _check_invariants(text, YEAR_2024)
