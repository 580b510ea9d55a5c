"""The dump of CLI.md: a roadmap as plain JSON-ready data, with each deadline as understood."""

from __future__ import annotations

from typing import Any

from desktop.services.document import signature_of
from desktop.services.dto import ChildRef, MeasureRow, RoadmapTree
from models.domain.fields import MEASURE_FIELDS, MeasureField
from models.domain.layout import layout_of


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _value(tree: RoadmapTree, row: MeasureRow, field: MeasureField, school_names: dict[int, str]) -> Any:
    """A field's value in the dump: the deadline with how it was read, schools by name, dates ISO."""
    if field.kind == "deadline":
        deadline = tree.header.deadline(row.deadline_text)
        return {
            "text": row.deadline_text,
            "kind": deadline.kind,
            "windows": [[_iso(a), _iso(b)] for a, b in deadline.windows],
            "warnings": list(deadline.warnings),
        }
    if field.kind == "schools":
        return [school_names[s] for s in row.school_ids if s in school_names]
    if field.kind == "date":
        return _iso(getattr(row, field.column or field.name))
    if field.kind == "number":
        return row.number
    return getattr(row, field.column or field.name)  # text; the status as its code


def _school_of(school_id: int | None, names: dict[int, str]) -> str:
    """A file's school by name; "" for the measure's own; a school the roadmap has not, said so."""
    if school_id is None:
        return ""
    return names.get(school_id) or "(школа не найдена в списке школ)"


def measure_dict(tree: RoadmapTree, row: MeasureRow, school_names: dict[int, str]) -> dict[str, Any]:
    """A measure under the fields' names (models.domain.fields), in the dump's order: its id and
    number (with the number as written) first, its version, schools and extra text last."""
    values = {f.name: _value(tree, row, f, school_names) for f in MEASURE_FIELDS}
    number, schools = values.pop("number"), values.pop("schools")
    return {
        "id": row.id,
        "number": number,
        "number_as_written": row.number_as_written,
        **values,
        "version": row.version,
        "schools": schools,
        "execution": [
            {
                "school": school_names.get(r.school_id, ""),
                "status": r.status,
                "done_on": _iso(r.done_on),
                "note": r.note,
                "by": r.by,
            }
            for r in row.execution
        ],
        "evidence": [
            {
                "id": e.id,
                "school": _school_of(e.school_id, school_names),
                "name": e.name,
                "size": e.size,
                "by": e.added_by,
            }
            for e in row.evidence
        ],
        "extra": row.extra,
    }


def roadmap_dict(tree: RoadmapTree) -> dict[str, Any]:
    """One roadmap in the dump's shape."""
    header = tree.header
    names = {s.id: s.name for s in tree.schools}

    def children(refs: tuple[ChildRef, ...]) -> dict[str, list[dict[str, Any]]]:
        sections, measures = [], []
        for kind, ident in refs:
            if kind == "measure":
                measures.append(measure_dict(tree, tree.measures[ident], names))
            else:
                section = tree.sections[ident]
                sections.append(
                    {
                        "id": section.id,
                        "number": section.number,
                        "title": section.title,
                        "number_as_written": section.number_as_written,
                        **children(section.children),
                    }
                )
        return {"sections": sections, "measures": measures}

    order = header.order
    return {
        "id": header.id,
        "title": header.title,
        "organization": header.organization,
        "period": [_iso(header.period_start), _iso(header.period_end)],
        "numbering": header.numbering,
        "subsection_numbering": header.subsection_numbering,
        "order": None
        if order is None
        else {
            "number": order.number,
            "date": _iso(order.date),
            "place": order.place,
            "signer": order.signer,
            "signer_position": order.signer_position,
            "issuer": order.issuer,
            "number_text": order.number_text,
            "date_text": order.date_text,
            "title": order.title,
            "preamble": order.preamble,
            "directive": order.directive,
            "clauses": list(order.clauses),
        },
        "approval": None
        if not header.approval_kind
        else {"kind": header.approval_kind, "lines": list(header.approval_lines)},
        "goal": header.goal,
        "tasks": list(header.tasks),
        "signature": _signature(header.settings),
        "layout": layout_of(header.settings).key,
        "schools": [s.name for s in tree.schools if not s.is_mentor],
        "mentor_schools": [s.name for s in tree.schools if s.is_mentor],
        **children(tree.top),
    }


def _signature(settings: dict[str, Any]) -> dict[str, str] | None:
    """The signature under the table, as the «Документ» tab and the exports have it; None without."""
    signature = signature_of(settings)
    if not any(signature.values()):
        return None
    return {"position": signature["signature_position"], "name": signature["signature_name"]}
