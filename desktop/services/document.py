"""The roadmap's document parts (title, period, numbering, goal, tasks, approval mark, order,
schools): read as one plain snapshot and saved as one version-checked transaction.

A snapshot is a plain dict (dates as ``date``, lists as lists), so an undo step can keep the
state before and after an edit and write either back: schools keep their ids and the measures
they are linked to, so a deleted school comes back with its links.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from desktop.services.operations import Tx
from models.domain.approval import KINDS, MarkFacts, follow_order, shown_lines
from models.domain.errors import NotFoundError, ValidationError
from models.domain.layout import CURRENT, LAYOUT_KEY, PROFILES, layout_of
from models.domain.numbering import NUMBERING_STYLES, SUBSECTION_STYLES
from models.entities import ApprovalOrder, Measure, MeasureSchool, Roadmap, School
from models.storage.database import Database

HEADER_FIELDS = (
    "title",
    "organization",
    "period_start",
    "period_end",
    "numbering",
    "subsection_numbering",
    "goal",
    "tasks",
    "approval_kind",
    "approval_lines",
)
ORDER_FIELDS = (
    "issuer",
    "number",
    "date",
    "place",
    "title",
    "preamble",
    "directive",
    "clauses",
    "signer",
    "signer_position",
)
SCHOOL_FIELDS = ("name", "is_shnor", "is_sssu", "is_mentor", "risk_profiles")
# The signature under the roadmap's table (position, «И.О. Фамилия»): kept in the roadmap's
# settings (``table_signature``), a part of the document like the others.
SIGNATURE_FIELDS = ("signature_position", "signature_name")
SIGNATURE_KEY = "table_signature"
# The layout profile (which edition of ГОСТ Р 7.0.97 the papers follow), in the settings too.
LAYOUT_FIELD = "layout_profile"
SETTINGS_FIELDS = (*SIGNATURE_FIELDS, LAYOUT_FIELD)
APPROVAL_KINDS = KINDS
# ``number_text``/``date_text`` (the order's number and date as the importer read them) are not in
# the snapshot: nothing shows or prints them, and a save that changes the number or date clears them.
FIELD_LABELS = {
    "title": "название",
    "organization": "организация",
    "period_start": "начало периода",
    "period_end": "конец периода",
    "numbering": "нумерация",
    "subsection_numbering": "нумерация подразделов",
    "goal": "цель",
    "tasks": "задачи",
    "approval_kind": "гриф утверждения",
    "approval_lines": "гриф утверждения",
    "order": "приказ",
    "schools": "школы",
    "signature_position": "подпись под таблицей: должность",
    "signature_name": "подпись под таблицей: имя",
    "layout_profile": "оформление по ГОСТ",
}

Snapshot = dict[str, Any]
DIRECTIVE = "ПРИКАЗЫВАЮ:"


def new_order(organization: str) -> dict[str, Any]:
    """An empty order of the document, as the «Документ» tab's «Приказ» box and the CLI make it."""
    return {
        "issuer": organization,
        "number": "",
        "date": None,
        "place": None,
        "title": None,
        "preamble": "",
        "directive": DIRECTIVE,
        "clauses": [],
        "signer": "",
        "signer_position": "",
    }


def read_document(database: Database, roadmap_id: int) -> Snapshot:
    """The document parts as stored now, with the roadmap's version."""
    with database.read() as conn:
        return read_document_in(conn, roadmap_id)


def read_document_in(conn: Connection, roadmap_id: int) -> Snapshot:
    """read_document inside a transaction the caller holds (an operation's, a read)."""
    roadmap = conn.execute(select(Roadmap.__table__).where(Roadmap.id == roadmap_id)).mappings().first()
    if roadmap is None:
        raise NotFoundError(f"Дорожная карта № {roadmap_id} не найдена в файле.")
    order = (
        conn.execute(select(ApprovalOrder.__table__).where(ApprovalOrder.roadmap_id == roadmap_id))
        .mappings()
        .first()
    )
    schools = (
        conn.execute(
            select(School.__table__).where(School.roadmap_id == roadmap_id).order_by(School.position)
        )
        .mappings()
        .all()
    )
    links = conn.execute(
        select(MeasureSchool.school_id, MeasureSchool.measure_id)
        .join(School, School.id == MeasureSchool.school_id)
        .where(School.roadmap_id == roadmap_id)
        .order_by(MeasureSchool.measure_id)
    ).all()
    linked: dict[int, list[int]] = {}
    for school_id, measure_id in links:
        linked.setdefault(school_id, []).append(measure_id)
    state: Snapshot = {name: roadmap[name] for name in HEADER_FIELDS}
    state["tasks"] = list(state["tasks"] or [])
    # The mark as it prints: an old file's empty lines show the mark made from the order.
    facts = MarkFacts.of(order, roadmap["organization"])
    state["approval_lines"] = shown_lines(roadmap["approval_kind"], roadmap["approval_lines"] or [], facts)
    state.update(signature_of(roadmap["settings"]))
    state[LAYOUT_FIELD] = layout_of(roadmap["settings"]).key
    state["version"] = roadmap["version"]
    state["roadmap_id"] = roadmap_id
    state["order"] = None
    if order is not None:
        state["order"] = {name: order[name] for name in ORDER_FIELDS}
        state["order"]["clauses"] = list(order["clauses"] or [])
    state["schools"] = [
        {
            "id": s["id"],
            **{name: s[name] for name in SCHOOL_FIELDS},
            "risk_profiles": list(s["risk_profiles"] or []),
            "measure_ids": linked.get(s["id"], []),
        }
        for s in schools
    ]
    return state


def signature_of(settings: object) -> dict[str, str]:
    """The signature under the table from the roadmap's settings (anything else there: none)."""
    stored = settings.get(SIGNATURE_KEY) if isinstance(settings, dict) else None
    stored = stored if isinstance(stored, dict) else {}
    return {
        "signature_position": str(stored.get("position") or ""),
        "signature_name": str(stored.get("name") or ""),
    }


def comparable(state: Mapping[str, Any]) -> Snapshot:
    """The parts a user edits, without the version and the links (for "did anything change")."""
    out = {name: state.get(name) for name in HEADER_FIELDS}
    out.update({name: state.get(name) or "" for name in SIGNATURE_FIELDS})
    out[LAYOUT_FIELD] = state.get(LAYOUT_FIELD) or CURRENT.key
    out["order"] = dict(state["order"]) if state.get("order") else None
    if out["order"] is not None:  # an empty place or title is stored as None, typed as ""
        for optional in ("place", "title"):
            out["order"][optional] = out["order"].get(optional) or None
    out["schools"] = [
        {"id": s.get("id"), **{name: s.get(name) for name in SCHOOL_FIELDS}}
        for s in state.get("schools") or []
    ]
    return out


def changed_parts(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Names of the parts that differ (HEADER_FIELDS, SETTINGS_FIELDS, "order", "schools")."""
    old, new = comparable(before), comparable(after)
    parts = (*HEADER_FIELDS, *SETTINGS_FIELDS, "order", "schools")
    return [name for name in parts if old[name] != new[name]]


def _text(value: object, what: str) -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise ValidationError(f"Поле «{what}» содержит недопустимый символ (NUL). Удалите его и повторите.")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _lines(values: Iterable[object] | None, what: str) -> list[str]:
    return [t for t in (_text(v, what) for v in values or []) if t]


def validate(state: Mapping[str, Any]) -> Snapshot:
    """A clean copy of the state, or ValidationError with a Russian message saying what to fix."""
    clean: Snapshot = {}
    clean["title"] = _text(state.get("title"), "Название")
    if not clean["title"]:
        raise ValidationError("Название дорожной карты не может быть пустым.")
    clean["organization"] = _text(state.get("organization"), "Организация")
    start, end = state.get("period_start"), state.get("period_end")
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValidationError("Укажите начало и конец периода дорожной карты.")
    if start > end:
        raise ValidationError(
            f"Начало периода ({start:%d.%m.%Y}) позже его конца ({end:%d.%m.%Y}). Исправьте одну из дат."
        )
    clean["period_start"], clean["period_end"] = start, end
    if state.get("numbering") not in NUMBERING_STYLES:
        raise ValidationError("Неизвестный способ нумерации.")
    if state.get("subsection_numbering") not in SUBSECTION_STYLES:
        raise ValidationError("Неизвестный способ нумерации подразделов.")
    clean["numbering"], clean["subsection_numbering"] = state["numbering"], state["subsection_numbering"]
    clean["goal"] = _text(state.get("goal"), "Цель")
    clean["signature_position"] = _text(state.get("signature_position"), "Подпись под таблицей")
    clean["signature_name"] = _text(state.get("signature_name"), "Подпись под таблицей")
    layout = state.get(LAYOUT_FIELD) or CURRENT.key
    if layout not in PROFILES:
        raise ValidationError(f"Неизвестный профиль оформления «{layout}»: укажите {' или '.join(PROFILES)}.")
    clean[LAYOUT_FIELD] = layout
    clean["tasks"] = _lines(state.get("tasks"), "Задачи")
    if state.get("approval_kind") not in APPROVAL_KINDS:
        raise ValidationError("Неизвестный вид грифа утверждения.")
    clean["approval_kind"] = state.get("approval_kind")
    lines = _lines(state.get("approval_lines"), "Гриф утверждения")
    clean["approval_lines"] = lines if clean["approval_kind"] else []  # no hidden lines without a mark
    order = state.get("order")
    clean["order"] = None
    if order:
        clean["order"] = {
            name: _text(order.get(name), "Приказ") for name in ORDER_FIELDS if name not in ("date", "clauses")
        }
        when = order.get("date")
        if when is not None and not isinstance(when, date):
            raise ValidationError("Дата приказа указана неверно: введите её как 31.12.2024.")
        clean["order"]["date"] = when
        clean["order"]["number"] = clean["order"]["number"].lstrip("№").strip()  # printed as «№ 31»
        clean["order"]["clauses"] = _lines(order.get("clauses"), "Пункты приказа")
        for optional in ("place", "title"):
            clean["order"][optional] = clean["order"][optional] or None
    names: set[str] = set()
    clean["schools"] = []
    for school in state.get("schools") or []:
        name = _text(school.get("name"), "Школа")
        if not name:
            raise ValidationError("У школы должно быть название: введите его или удалите строку.")
        if name.casefold() in names:
            raise ValidationError(f"Школа «{name}» указана дважды. Оставьте одну строку.")
        names.add(name.casefold())
        entry = {"id": school.get("id"), "name": name}
        entry.update({flag: bool(school.get(flag)) for flag in ("is_shnor", "is_sssu", "is_mentor")})
        entry["risk_profiles"] = _lines(school.get("risk_profiles"), "Профили рисков")
        if "measure_ids" in school:
            entry["measure_ids"] = [int(m) for m in school["measure_ids"]]
        clean["schools"].append(entry)
    return clean


def _shown(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


def save_document(tx: Tx, roadmap_id: int, seen_version: int | None, state: Mapping[str, Any]) -> int | None:
    """Write the document parts if nobody saved since ``seen_version`` (inside the operation's
    transaction); returns the new version, or None when the state is what the file holds.
    Schools without an id are added, those missing are deleted (their links with them), and
    ``measure_ids`` when given set a school's links exactly."""
    clean = validate(state)
    conn = tx.conn
    current = conn.execute(
        select(Roadmap.version, Roadmap.settings, *(getattr(Roadmap, n) for n in HEADER_FIELDS)).where(
            Roadmap.id == roadmap_id
        )
    ).one_or_none()
    if current is None:
        raise NotFoundError("Дорожная карта не найдена: возможно, её удалили. Список обновлён.")
    _follow_order(conn, roadmap_id, clean, current)
    stored = read_document_in(conn, roadmap_id)
    if not changed_parts(stored, clean) and _same_links(stored, clean):
        # Nothing differs (a field left as it was): no write, no new version, no undo step —
        # but a colleague's save since the user's view is still refused, as for any edit.
        if tx.expected(("roadmap", roadmap_id), seen_version, current.version) != current.version:
            raise tx.stale(("roadmap", roadmap_id))
        return None
    header = {name: clean[name] for name in HEADER_FIELDS}
    settings = dict(current.settings) if isinstance(current.settings, dict) else {}
    signature = {"position": clean["signature_position"], "name": clean["signature_name"]}
    if any(signature.values()):
        settings[SIGNATURE_KEY] = signature
    else:
        settings.pop(SIGNATURE_KEY, None)
    if clean[LAYOUT_FIELD] == CURRENT.key:  # none stored is the current edition
        settings.pop(LAYOUT_KEY, None)
    else:
        settings[LAYOUT_KEY] = clean[LAYOUT_FIELD]
    header["settings"] = settings
    version = tx.update_versioned(
        Roadmap.__table__,
        ("roadmap", roadmap_id),
        seen_version,
        current.version,
        {**header, "updated_at": tx.now},
    )
    log = _Log(tx, roadmap_id)
    before = signature_of(current.settings)
    for name in SIGNATURE_FIELDS:
        if before[name] != clean[name]:
            log.add(name, before[name], clean[name])
    layout_before = layout_of(current.settings).key
    if layout_before != clean[LAYOUT_FIELD]:
        log.add(LAYOUT_FIELD, layout_before, clean[LAYOUT_FIELD])
    for name in HEADER_FIELDS:
        old = getattr(current, name)
        if (list(old or []) if name in ("tasks", "approval_lines") else old) != clean[name]:
            log.add(name, _shown(old), _shown(clean[name]))
    _save_order(conn, roadmap_id, clean["order"], log)
    _save_schools(conn, roadmap_id, clean["schools"], log)
    return version


def _same_links(stored: Mapping[str, Any], clean: Mapping[str, Any]) -> bool:
    """Schools' measure links, where the new state gives them (an undo of a school's removal)."""
    links = {s.get("id"): s.get("measure_ids") for s in stored.get("schools") or []}
    return all(
        "measure_ids" not in s or sorted(s["measure_ids"]) == sorted(links.get(s.get("id")) or [])
        for s in clean.get("schools") or []
    )


class _Log:
    """The document's lines of the change log, written by the operation's one writer."""

    def __init__(self, tx: Tx, roadmap_id: int) -> None:
        self.tx, self.roadmap_id = tx, roadmap_id

    def add(self, field: str, old: str | None, new: str | None) -> None:
        self.tx.log(self.roadmap_id, "roadmap", self.roadmap_id, field, old, new)


def _follow_order(conn: Connection, roadmap_id: int, clean: Snapshot, current: Any) -> None:
    """The approval mark follows the order: when the state brings the mark's lines as they were
    shown (the caller changed other fields) and the order's number, date, signer or the mark's kind
    changed, the lines are brought in step (``follow_order``); lines the caller changed are kept."""
    stored = (
        conn.execute(select(ApprovalOrder.__table__).where(ApprovalOrder.roadmap_id == roadmap_id))
        .mappings()
        .first()
    )
    old = MarkFacts.of(stored, current.organization)
    shown = [line.strip() for line in shown_lines(current.approval_kind, current.approval_lines or [], old)]
    new = MarkFacts.of(clean["order"], clean["organization"])
    if clean["approval_lines"] in (shown, []):  # left as shown, or emptied to be made anew
        lines = clean["approval_lines"]
        clean["approval_lines"] = follow_order(lines, current.approval_kind, clean["approval_kind"], old, new)


def _save_order(conn: Connection, roadmap_id: int, order: dict[str, Any] | None, log: _Log) -> None:
    stored = (
        conn.execute(select(ApprovalOrder.__table__).where(ApprovalOrder.roadmap_id == roadmap_id))
        .mappings()
        .first()
    )
    old = None if stored is None else {name: stored[name] for name in ORDER_FIELDS}
    if old is not None:
        old["clauses"] = list(old["clauses"] or [])
    if old == order:
        return
    if order is None:
        conn.execute(delete(ApprovalOrder).where(ApprovalOrder.roadmap_id == roadmap_id))
    elif old is None:  # none stored yet
        conn.execute(insert(ApprovalOrder).values(roadmap_id=roadmap_id, **order))
    else:
        # What the importer read stays only while it is still this order's number and date.
        read = {"number_text": ""} if old["number"] != order["number"] else {}
        read.update({"date_text": ""} if old["date"] != order["date"] else {})
        conn.execute(
            update(ApprovalOrder).where(ApprovalOrder.roadmap_id == roadmap_id).values(**order, **read)
        )
    log.add("order", _shown(old), _shown(order))


def _save_schools(conn: Connection, roadmap_id: int, schools: list[dict[str, Any]], log: _Log) -> None:
    stored = {
        row["id"]: row
        for row in conn.execute(select(School.__table__).where(School.roadmap_id == roadmap_id)).mappings()
    }
    kept = {s["id"] for s in schools if s.get("id") in stored}
    for school_id in set(stored) - kept:
        conn.execute(delete(MeasureSchool).where(MeasureSchool.school_id == school_id))
        conn.execute(delete(School).where(School.id == school_id))
        log.add("schools", stored[school_id]["name"], None)
    measures = set(conn.scalars(select(Measure.id).where(Measure.roadmap_id == roadmap_id)))
    for position, school in enumerate(schools, start=1):
        values = {name: school[name] for name in SCHOOL_FIELDS}
        school_id = school.get("id")
        if school_id in stored:
            row = stored[school_id]
            if any(row[n] != values[n] for n in SCHOOL_FIELDS) or row["position"] != position:
                conn.execute(update(School).where(School.id == school_id).values(**values, position=position))
                if any(row[n] != values[n] for n in SCHOOL_FIELDS):
                    log.add("schools", _shown({n: row[n] for n in SCHOOL_FIELDS}), _shown(values))
        else:
            extra = {} if school_id is None else {"id": school_id}  # a deleted school put back
            school_id = conn.execute(
                insert(School)
                .values(roadmap_id=roadmap_id, position=position, **values, **extra)
                .returning(School.id)
            ).scalar_one()
            log.add("schools", None, values["name"])
        if "measure_ids" in school:
            conn.execute(delete(MeasureSchool).where(MeasureSchool.school_id == school_id))
            for measure_id in school["measure_ids"]:
                if measure_id in measures:
                    conn.execute(insert(MeasureSchool).values(measure_id=measure_id, school_id=school_id))
