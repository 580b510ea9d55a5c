"""The file's people: who is working, what a school's director may change, PINs kept hashed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.services.commands import EditPeopleCommand
from desktop.services.people import PersonRow, list_people, sign_in
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import NotAllowedError, ValidationError
from models.storage.database import open_database
from tests.conftest import sha256

TUBA, SIXTEEN = "МБОУ «Тубинская СОШ»", "МКОУ СОШ № 16"


def _people(small_db: Path) -> None:
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    people = [
        PersonRow(None, "Т.Е. Петрова", "методист", "coordinator", ""),
        PersonRow(None, "  И.И.  Сидоров ", "директор", "director", SIXTEEN),
    ]
    service.operations.apply(EditPeopleCommand([], people, {1: "2468"}))
    tree = service.load(1)
    seminar = next(m for m in tree.measures.values() if m.title.startswith("Семинар"))
    service.edit_measure(seminar.id, seminar.version, {"schools": [s.id for s in tree.schools]})
    service.db.close()


def test_a_director_changes_only_their_schools_records(small_db: Path) -> None:
    _people(small_db)
    database = open_database(small_db)
    listed = list_people(database)
    assert [p.shown for p in listed] == [
        "Т.Е. Петрова — координатор",
        f"И.И. Сидоров — директор школы, {SIXTEEN}",
    ]
    director = listed[1]
    assert director.has_pin
    with pytest.raises(NotAllowedError, match="PIN не подходит"):
        sign_in(database, director.id or 0, "1111", "office", "ПК-1")
    actor = sign_in(database, director.id or 0, "2468", "office", "ПК-1")
    assert (actor.person, actor.role, actor.school) == ("И.И. Сидоров", "director", SIXTEEN)
    service = RoadmapService(database, actor)
    seminar = next(m for m in service.load(1).measures.values() if m.title.startswith("Семинар"))
    service.edit_school_record(seminar.id, SIXTEEN, 0, {"status": "done", "note": "Протокол"})
    before = sha256(small_db)
    with pytest.raises(NotAllowedError, match="только своей школы"):
        service.edit_school_record(seminar.id, TUBA, 0, {"status": "done"})
    with pytest.raises(NotAllowedError, match="Остальное меняет координатор"):
        service.edit_measure(seminar.id, None, {"title": "Чужое"})
    with pytest.raises(NotAllowedError):
        service.operations.apply(EditPeopleCommand(listed, listed[1:], {}))
    database.close()
    assert sha256(small_db) == before  # refused: the file untouched
    with sqlite3.connect(small_db) as conn:
        logged = conn.execute("SELECT person, user FROM change_log WHERE field LIKE 'status#%'").fetchall()
        pins = [p for (p,) in conn.execute("SELECT pin_hash FROM people") if p]
    conn.close()
    assert logged == [("И.И. Сидоров", "office")]
    assert pins and all("2468" not in p and p.startswith("pbkdf2_sha256$") for p in pins)


def test_the_list_of_people_is_checked_and_undone(small_db: Path) -> None:
    _people(small_db)
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    listed = list_people(service.db)
    with pytest.raises(ValidationError, match="не указана школа"):
        service.operations.apply(
            EditPeopleCommand(listed, [*listed, PersonRow(None, "Новый", "", "team", " ")])
        )
    with pytest.raises(ValidationError, match="хотя бы один координатор"):
        service.operations.apply(EditPeopleCommand(listed, listed[1:]))
    without = EditPeopleCommand(listed, listed[:1])
    service.operations.apply(without)
    assert [p.name for p in list_people(service.db)] == ["Т.Е. Петрова"]
    service.operations.revert(without)
    assert [p.name for p in list_people(service.db)] == ["Т.Е. Петрова", "И.И. Сидоров"]
    service.db.close()


def test_who_is_working_is_asked_remembered_and_decides_what_the_window_may_change(
    qtbot: object, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QDialog

    from desktop.services import files
    from ui import who_dialog
    from ui.main_window import MainWindow

    _people(small_db)
    answers = iter([(1, "0000"), (1, "2468")])  # the director (row 1): a wrong PIN, then the right one
    shown: list[who_dialog.WhoDialog] = []

    def answer(self: who_dialog.WhoDialog) -> int:
        row, pin = next(answers)
        shown.append(self)
        self.list.setCurrentRow(row)
        self.pin.setText(pin)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(who_dialog.WhoDialog, "exec", answer)
    opened = files.open_file(small_db)
    window = MainWindow(opened.service, str(small_db), session=opened.session)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.list_view.selectRow(0)
    window.ask_who()
    assert len(shown) == 2 and "PIN не подходит" in shown[1].problem.text()
    assert window.service.actor.person == "И.И. Сидоров" and window.service.actor.role == "director"
    assert "И.И. Сидоров (директор школы)" in window.windowTitle()
    assert window.filter_bar.school.currentText() == SIXTEEN  # «Моя школа»
    model = window.grid_model
    title = model.index(0, 1, model.index(0, 0))
    assert not model.flags(title) & Qt.ItemFlag.ItemIsEditable  # nothing typed over in the grid
    assert not window.document_editor.isEnabled()
    key = f"who/{small_db.resolve()}"
    assert QSettings().value(key) == shown[1].people[1].id
    with pytest.raises(NotAllowedError):
        window.service.edit_measure(1, None, {"title": "Чужое"})

    monkeypatch.setattr(who_dialog.WhoDialog, "exec", lambda self: (shown.append(self), 0)[1])
    window.ask_who()
    assert shown[-1].list.currentRow() == 1  # the last choice on this computer account preselected
    assert window.service.actor.role == "viewer" and "только просмотр" in window.windowTitle()
    window.session.close()
    window.service.db.close()


def test_people_are_typed_in_the_dialog_saved_as_one_step_and_a_wrong_list_keeps_it_open(
    qtbot: object, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

    from desktop.services import files
    from tests.test_grid import type_text
    from ui import main_window, people_dialog
    from ui.main_window import MainWindow

    told: list[str] = []
    monkeypatch.setattr(main_window, "show_error", lambda _parent, error: told.append(error.message))
    dialogs: list[people_dialog.PeopleDialog] = []
    monkeypatch.setattr(
        people_dialog.PeopleDialog, "exec", lambda self: (dialogs.append(self), self.show())[0]
    )
    opened = files.open_file(small_db)
    window = MainWindow(opened.service, str(small_db), session=opened.session)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.edit_people()
    dialog = dialogs[0]
    assert dialog.table.rowCount() == 0
    dialog._add(people_dialog.PersonRow(None, "", "", "coordinator", ""))
    dialog.table.setCurrentCell(0, 0)
    dialog.table.editItem(dialog.table.item(0, 0))
    QApplication.processEvents()
    type_text(QApplication.focusWidget() or dialog.table, "Т.Е. Петрова")
    dialog.table.setCurrentCell(0, 1)  # the editor closes and commits, as Tab does
    QApplication.processEvents()
    dialog._add(people_dialog.PersonRow(None, "И.И. Сидоров", "", "director", ""))
    dialog.accept()  # a director without a school: refused, the dialog stays
    assert told and "не указана школа" in told[-1] and dialog.isVisible()
    school = dialog.table.cellWidget(1, 3)
    pin = dialog.table.cellWidget(1, 4)
    assert isinstance(school, QComboBox) and isinstance(pin, QLineEdit)
    school.setCurrentText(SIXTEEN)
    pin.setText("2468")
    dialog.accept()
    assert not dialog.isVisible()
    assert [p.shown for p in list_people(window.service.db)] == [
        "Т.Е. Петрова — координатор",
        f"И.И. Сидоров — директор школы, {SIXTEEN}",
    ]
    assert window.undo_stack.undoText() == "Изменение списка людей"
    window.undo_stack.undo()
    assert list_people(window.service.db) == []
    window.session.close()
    window.service.db.close()
