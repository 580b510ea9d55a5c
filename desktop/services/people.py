"""The people who work in the file and who is working now.

A coordinator edits everything; a school's director or team member changes only their school's
records of execution. The program enforces it (models/domain/roles.py, before every operation) and the
change log names the person — but a local file is only as safe as the PC it is on: anyone with
the file and other tools can change it, and the log shows what the program wrote (docs/people.md).

A PIN is optional; only a salted PBKDF2 hash of it is kept in the file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from desktop.services.operations import Actor, Tx
from models.domain.errors import NotAllowedError, ValidationError
from models.domain.roles import ROLE_LABELS
from models.entities import ROLES, Person
from models.storage.database import Database

_ITERATIONS = 120_000


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int | None
    name: str
    position: str
    role: str
    school: str
    has_pin: bool = False
    version: int = 0

    @property
    def shown(self) -> str:
        """«Т.Е. Петрова — директор школы, МКОУ СОШ № 16», as the «Кто работает?» list shows it."""
        where = f", {self.school}" if self.school and self.role != "coordinator" else ""
        return f"{self.name} — {ROLE_LABELS.get(self.role, self.role)}{where}"


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def pin_matches(stored: str, pin: str) -> bool:
    """Whether ``pin`` is the one whose hash is ``stored`` (a damaged hash matches nothing)."""
    try:
        kind, iterations, salt, digest = stored.split("$")
        if kind != "pbkdf2_sha256" or not 1_000 <= int(iterations) <= 10_000_000:
            return False
        again = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(again.hex(), digest)


def list_people(database: Database) -> list[PersonRow]:
    """The file's people who still work in it, coordinators first, then by school and name."""
    with database.read() as conn:
        rows = conn.execute(select(Person.__table__).where(Person.active.is_(True))).all()
    people = [
        PersonRow(
            r.id,
            r.name,
            r.position or "",
            r.role if r.role in ROLES else "team",
            r.school or "",
            bool(r.pin_hash),
            r.version,
        )
        for r in rows
    ]
    return sorted(people, key=lambda p: (p.role != "coordinator", p.school.casefold(), p.name.casefold()))


def sign_in(database: Database, person_id: int, pin: str, user: str, computer: str) -> Actor:
    """The actor for a person who chose themselves on opening; NotAllowedError for a wrong PIN."""
    with database.read() as conn:
        row = conn.execute(
            select(Person.__table__).where(Person.id == person_id, Person.active.is_(True))
        ).first()
    if row is None:
        raise NotAllowedError("Этого человека больше нет в списке работающих с файлом. Выберите себя снова.")
    if row.pin_hash and not pin_matches(row.pin_hash, pin):
        raise NotAllowedError("PIN не подходит. Введите его ещё раз или спросите координатора.")
    role = row.role if row.role in ROLES else "team"
    return Actor(user, computer, person=row.name, role=role, school=row.school or "")


def _clean(person: PersonRow) -> dict[str, Any]:
    name = " ".join(person.name.split())
    if not name:
        raise ValidationError("У человека должно быть имя: введите его или удалите строку.")
    if person.role not in ROLES:
        raise ValidationError("Неизвестная роль: координатор, директор школы или команда школы.")
    if person.role != "coordinator" and not person.school.strip():
        raise ValidationError(f"У «{name}» не указана школа: директор и команда работают со своей школой.")
    if "\x00" in name + person.position + person.school:
        raise ValidationError("В данных человека недопустимый символ (NUL). Удалите его и повторите.")
    return {
        "name": name,
        "position": person.position.strip(),
        "role": person.role,
        "school": person.school.strip(),
    }


def save_people(tx: Tx, people: Sequence[PersonRow], pins: dict[int, str]) -> list[int]:
    """The list as given: new ones (id None) added, changed ones updated (version-checked), those
    missing taken off the list (kept in the file: the log names them). ``pins``: index in
    ``people`` -> a new PIN ("" removes it). Returns the ids in the order given."""
    if tx.actor.role != "coordinator":
        raise NotAllowedError("Список людей меняет координатор.")
    current = {r.id: r for r in tx.conn.execute(select(Person.__table__))}
    ids: list[int] = []
    for index, person in enumerate(people):
        values = _clean(person)
        if index in pins:
            values["pin_hash"] = hash_pin(pins[index]) if pins[index] else ""
        if person.id is None:
            ident = tx.conn.execute(
                insert(Person)
                .values(**{"pin_hash": "", **values}, active=True, version=1, created_at=tx.now)
                .returning(Person.id)
            ).scalar_one()
            tx.created(("person", ident), 1)
            tx.log(None, "person", ident, "name", None, values["name"])
        else:
            old = current.get(person.id)
            if old is None:
                raise tx.stale(("person", person.id))
            changed = {k: v for k, v in values.items() if getattr(old, k) != v}
            if not old.active:  # back on the list (an undo of a removal)
                changed["active"] = True
            if changed:
                tx.update_versioned(
                    Person.__table__, ("person", person.id), person.version or None, old.version, changed
                )
                for name, value in changed.items():
                    tx.log(
                        None,
                        "person",
                        person.id,
                        name,
                        None if name == "pin_hash" else getattr(old, name),
                        None if name == "pin_hash" else value,
                    )
            ident = person.id
        ids.append(ident)
    for ident, old in current.items():
        if ident not in ids and old.active:
            tx.update_versioned(Person.__table__, ("person", ident), None, old.version, {"active": False})
            tx.log(None, "person", ident, "active", "1", "0")
    if not any(p.role == "coordinator" for p in people) and people:
        raise ValidationError(
            "В списке должен остаться хотя бы один координатор: он меняет дорожные карты и список людей."
        )
    return ids


def known_schools(database: Database) -> list[str]:
    """Every school named in the file's roadmaps, once (a director's school is chosen from them)."""
    from models.entities import School

    with database.read() as conn:
        names = conn.scalars(select(School.name).distinct()).all()
    return sorted({" ".join(str(n).split()) for n in names if n}, key=str.casefold)
