"""The «Документ» tab: the roadmap's order, approval mark, title, period, numbering, goal, tasks
and schools, edited in place.

The editor never writes: when a field is left (or a list item chosen) it emits ``changed`` with
the whole new state; the window turns that into an undoable EditDocumentCommand, exactly as the
grid does with a cell. ``set_state`` shows what is stored and touches only the fields whose
stored value changed, so the field being typed into is not disturbed by someone else's save.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.config import APP_TITLE
from desktop.services.document import new_order
from desktop.services.measure_writes import parse_date
from models.domain.approval import MarkFacts, disagreement, make_mark
from models.domain.errors import ValidationError
from models.domain.layout import PROFILES
from models.domain.risk_profiles import RISK_PROFILES

NUMBERING_CHOICES = (
    ("hierarchical", "По разделам: 1, 1.1, 1.1.1"),
    ("restart", "Заново в каждом разделе: 1, 2, 3…"),
    ("flat", "Сквозная: 1…N через весь документ"),
)
SUBSECTION_CHOICES = (("nested", "Вложенные: 2.1, 2.2"), ("roman", "Римские: I, II, III"))
LAYOUT_CHOICES = tuple((profile.key, profile.label) for profile in PROFILES.values())
APPROVAL_CHOICES = (
    (None, "Без грифа"),
    ("stamp", "«УТВЕРЖДАЮ» в правом верхнем углу"),
    ("appendix", "«Приложение… УТВЕРЖДЕНА приказом…»"),
)
SCHOOL_COLUMNS = ("Школа", "ШНОР", "ШССУ", "Наставник", "Профили рисков")
FLAGS = ("is_shnor", "is_sssu", "is_mentor")

Path_ = tuple[str, ...]


class _CommitOnLeave(QObject):
    """Calls back when a multi-line field loses focus (QPlainTextEdit has no editingFinished)."""

    def __init__(self, widget: QPlainTextEdit, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.callback()
        return False


def _plain(rows: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * rows + 12)
    return edit


def _get(state: dict[str, Any] | None, path: Path_) -> Any:
    value: Any = state
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


class _Field:
    """One widget bound to one place in the state."""

    def __init__(self, path: Path_, read: Callable[[], Any], write: Callable[[Any], None]) -> None:
        self.path, self.read, self.write = path, read, write


class ProfilesDialog(QDialog):
    """The risk profiles of a school: the programme's list, checked, plus any others it has."""

    def __init__(self, school: str, chosen: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Профили рисков: {school}")
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        for name in [*RISK_PROFILES, *(c for c in chosen if c not in RISK_PROFILES)]:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]


class DocumentEditor(QScrollArea):
    changed = Signal(dict)  # the whole new state, to be saved as one undo step

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.state: dict[str, Any] | None = None
        self.editable = True  # a coordinator's: a school's people read it only
        self._loading = False
        self._fields: list[_Field] = []
        page = QWidget()
        grid = QGridLayout(page)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        grid.addWidget(self._document_group(), 1, 0)
        grid.addWidget(self._goal_group(), 2, 0)
        grid.addWidget(self._approval_group(), 3, 0)
        grid.addWidget(self._order_group(), 1, 1, 3, 1)
        grid.addWidget(self._signature_group(), 4, 0, 1, 2)
        grid.addWidget(self._schools_group(), 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(6, 1)
        self.setWidget(page)
        self.setEnabled(False)

    # ---- building ------------------------------------------------------------------------
    def _line(self, path: Path_) -> QLineEdit:
        edit = QLineEdit()

        def write(value: Any) -> None:
            edit.setText(str(value or ""))
            edit.setCursorPosition(0)  # long names show their beginning

        self._fields.append(_Field(path, edit.text, write))
        edit.editingFinished.connect(self._commit)
        return edit

    def _text(self, path: Path_, rows: int) -> QPlainTextEdit:
        edit = _plain(rows)
        self._fields.append(_Field(path, edit.toPlainText, lambda v: edit.setPlainText(str(v or ""))))
        _CommitOnLeave(edit, self._commit)
        return edit

    def _lines(self, path: Path_, rows: int) -> QPlainTextEdit:
        """A list of strings, one per line."""
        edit = _plain(rows)
        edit.setPlaceholderText("по одному на строке")
        self._fields.append(
            _Field(
                path,
                lambda: [t.strip() for t in edit.toPlainText().split("\n") if t.strip()],
                lambda v: edit.setPlainText("\n".join(v or [])),
            )
        )
        _CommitOnLeave(edit, self._commit)
        return edit

    def _choice(self, path: Path_, choices: tuple[tuple[Any, str], ...]) -> QComboBox:
        combo = QComboBox()
        for value, title in choices:
            combo.addItem(title, value)
        self._fields.append(
            _Field(path, combo.currentData, lambda v: combo.setCurrentIndex(max(0, combo.findData(v))))
        )
        combo.activated.connect(lambda _i: self._commit())
        return combo

    def _date(self, path: Path_) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd.MM.yyyy")

        def write(value: Any) -> None:
            if isinstance(value, date):
                edit.setDate(QDate(value.year, value.month, value.day))

        self._fields.append(_Field(path, lambda: edit.date().toPython(), write))
        edit.editingFinished.connect(self._commit)
        edit.calendarWidget().clicked.connect(lambda _d: self._commit())
        return edit

    def _document_group(self) -> QGroupBox:
        box = QGroupBox("Дорожная карта")
        form = QFormLayout(box)
        self.title_edit = self._text(("title",), 4)
        form.addRow("Название:", self.title_edit)
        form.addRow("Организация:", self._line(("organization",)))
        period = QHBoxLayout()
        self.period_start = self._date(("period_start",))
        self.period_end = self._date(("period_end",))
        period.addWidget(QLabel("с"))
        period.addWidget(self.period_start)
        period.addWidget(QLabel("по"))
        period.addWidget(self.period_end)
        period.addStretch(1)
        form.addRow("Период:", period)
        self.numbering = self._choice(("numbering",), NUMBERING_CHOICES)
        form.addRow("Нумерация:", self.numbering)
        form.addRow("Подразделы:", self._choice(("subsection_numbering",), SUBSECTION_CHOICES))
        self.layout_profile = self._choice(("layout_profile",), LAYOUT_CHOICES)
        self.layout_profile.setToolTip(
            "По какому ГОСТ Р 7.0.97 оформлять приказ и дорожную карту в PDF и Word: "
            "действующий 2025 года или прежний 2016 года (гриф в углу — 8 или 7,5 см)"
        )
        form.addRow("Оформление:", self.layout_profile)
        return box

    def _goal_group(self) -> QGroupBox:
        box = QGroupBox("Цель и задачи")
        form = QFormLayout(box)
        self.goal_edit = self._text(("goal",), 3)
        form.addRow("Цель:", self.goal_edit)
        form.addRow("Задачи:", self._lines(("tasks",), 4))
        return box

    def _signature_group(self) -> QGroupBox:
        """Who signs under the roadmap's table (printed after its last row)."""
        box = QGroupBox("Подпись под таблицей дорожной карты")
        form = QFormLayout(box)
        self.signature_position = self._line(("signature_position",))
        self.signature_position.setPlaceholderText("например: Начальник Управления образования")
        form.addRow("Должность:", self.signature_position)
        self.signature_name = self._line(("signature_name",))
        self.signature_name.setPlaceholderText("И.О. Фамилия")
        form.addRow("Подпись (И.О. Фамилия):", self.signature_name)
        return box

    def _approval_group(self) -> QGroupBox:
        """The mark's kind and its lines exactly as they print; the order's number and date in them
        change with the order's fields (the service keeps them in step when saving)."""
        box = QGroupBox("Гриф утверждения")
        form = QFormLayout(box)
        self.approval_kind = self._choice(("approval_kind",), APPROVAL_CHOICES)
        form.addRow("Вид:", self.approval_kind)
        self.approval_lines = self._lines(("approval_lines",), 5)
        self.approval_lines.setPlaceholderText("Без грифа: над таблицей ничего не печатается")
        form.addRow("Строки грифа\n(как в печати):", self.approval_lines)
        self.mark_warning = QLabel()
        self.mark_warning.setWordWrap(True)
        self.mark_warning.setStyleSheet("color: #a94400;")
        self.mark_warning.hide()
        form.addRow(self.mark_warning)
        remake = QHBoxLayout()
        self.remake_mark_button = QPushButton("Составить по приказу")
        self.remake_mark_button.setToolTip("Заменить строки грифом, составленным из полей приказа")
        self.remake_mark_button.clicked.connect(self.remake_mark)
        remake.addWidget(self.remake_mark_button)
        hint = QLabel("Номер и дата приказа в грифе меняются вместе с приказом.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        remake.addWidget(hint, 1)
        form.addRow(remake)
        return box

    def _order_group(self) -> QGroupBox:
        box = QGroupBox("Приказ об утверждении")
        layout = QVBoxLayout(box)
        self.has_order = QCheckBox("Дорожная карта утверждается приказом")
        self.has_order.toggled.connect(self._order_toggled)
        layout.addWidget(self.has_order)
        self.order_form = QWidget()
        form = QFormLayout(self.order_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Издал:", self._line(("order", "issuer")))
        number_date = QHBoxLayout()
        self.order_number = self._line(("order", "number"))
        self.order_number.setMaximumWidth(120)
        self.order_date = QLineEdit()
        self.order_date.setPlaceholderText("дд.мм.гггг")
        self.order_date.setMaximumWidth(120)
        self._fields.append(_Field(("order", "date"), self._order_date, self._show_order_date))
        self.order_date.editingFinished.connect(self._commit)
        number_date.addWidget(self.order_number)
        number_date.addWidget(QLabel("от"))
        number_date.addWidget(self.order_date)
        number_date.addStretch(1)
        form.addRow("Номер:", number_date)
        form.addRow("Место издания:", self._line(("order", "place")))
        form.addRow("Заголовок:", self._text(("order", "title"), 2))
        form.addRow("Преамбула:", self._text(("order", "preamble"), 3))
        form.addRow("Распорядительная часть:", self._line(("order", "directive")))
        form.addRow("Пункты:", self._lines(("order", "clauses"), 4))
        form.addRow("Должность подписывающего:", self._line(("order", "signer_position")))
        form.addRow("Подпись (И.О. Фамилия):", self._line(("order", "signer")))
        layout.addWidget(self.order_form)
        layout.addStretch(1)
        return box

    def _schools_group(self) -> QGroupBox:
        box = QGroupBox("Школы")
        layout = QVBoxLayout(box)
        self.schools = QTableWidget(0, len(SCHOOL_COLUMNS))
        self.schools.setHorizontalHeaderLabels(SCHOOL_COLUMNS)
        self.schools.verticalHeader().hide()
        self.schools.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.schools.setWordWrap(True)
        header = self.schools.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.schools.setMinimumHeight(180)
        header.sectionResized.connect(lambda *_: self.schools.resizeRowsToContents())
        self.schools.itemChanged.connect(lambda _item: self._commit())
        self.schools.cellDoubleClicked.connect(self._cell_double_clicked)
        layout.addWidget(self.schools)
        buttons = QHBoxLayout()
        self.add_school_button = QPushButton("Добавить школу")
        self.add_school_button.clicked.connect(self.add_school)
        self.remove_school_button = QPushButton("Удалить школу")
        self.remove_school_button.clicked.connect(self.remove_school)
        self.profiles_button = QPushButton("Профили рисков…")
        self.profiles_button.clicked.connect(lambda: self.edit_profiles(self.schools.currentRow()))
        for button in (self.add_school_button, self.remove_school_button, self.profiles_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("Флажки ШНОР/ШССУ/наставник; профили — двойным щелчком по ячейке.")
        hint.setStyleSheet("color: palette(mid);")
        buttons.addWidget(hint)
        layout.addLayout(buttons)
        return box

    # ---- showing -------------------------------------------------------------------------
    def set_state(self, state: dict[str, Any] | None, summary_html: str = "") -> None:
        """Show the stored state; only fields whose stored value changed are rewritten."""
        previous, self.state = self.state, copy.deepcopy(state)
        self.summary.setText(summary_html)
        self.setEnabled(state is not None and self.editable)
        if state is None:
            return
        same_roadmap = previous is not None and previous.get("roadmap_id") == state.get("roadmap_id")
        self._loading = True
        order_appeared = previous is None or previous.get("order") is None
        try:
            for field in self._fields:
                value = _get(state, field.path)
                fresh = field.path[0] == "order" and order_appeared
                if not same_roadmap or fresh or value != _get(previous, field.path):
                    field.write(value)
            self.has_order.setChecked(state.get("order") is not None)
            self.order_form.setEnabled(state.get("order") is not None)
            self._show_mark_state(state)
            if not same_roadmap or state.get("schools") != (previous or {}).get("schools"):
                self._fill_schools(state.get("schools") or [])
        finally:
            self._loading = False

    def forget(self) -> None:
        """The next set_state rewrites every field (after a refused change)."""
        self.state = None

    def _fill_schools(self, schools: list[dict[str, Any]]) -> None:
        current = self.schools.currentRow()
        self.schools.setRowCount(len(schools))
        for row, school in enumerate(schools):
            name = QTableWidgetItem(school["name"])
            name.setData(Qt.ItemDataRole.UserRole, school.get("id"))
            self.schools.setItem(row, 0, name)
            for column, flag in enumerate(FLAGS, start=1):
                item = QTableWidgetItem()
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
                )
                item.setCheckState(Qt.CheckState.Checked if school.get(flag) else Qt.CheckState.Unchecked)
                self.schools.setItem(row, column, item)
            profiles = QTableWidgetItem("; ".join(school.get("risk_profiles") or []))
            profiles.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            profiles.setData(Qt.ItemDataRole.UserRole, list(school.get("risk_profiles") or []))
            profiles.setToolTip("\n".join(school.get("risk_profiles") or []))
            self.schools.setItem(row, 4, profiles)
        self.schools.resizeRowsToContents()
        if 0 <= current < len(schools):
            self.schools.setCurrentCell(current, 0)

    # ---- reading the form ----------------------------------------------------------------
    def _order_date(self) -> date | None:
        text = self.order_date.text().strip()
        return parse_date(text) if text else None

    def _show_order_date(self, value: Any) -> None:
        self.order_date.setText(value.strftime("%d.%m.%Y") if isinstance(value, date) else "")

    def _schools_from_table(self) -> list[dict[str, Any]]:
        stored = {s.get("id"): s for s in (self.state or {}).get("schools") or []}
        out = []
        for row in range(self.schools.rowCount()):
            name_item = self.schools.item(row, 0)
            if name_item is None:
                continue
            school_id = name_item.data(Qt.ItemDataRole.UserRole)
            school: dict[str, Any] = {"id": school_id, "name": name_item.text().strip()}
            for column, flag in enumerate(FLAGS, start=1):
                item = self.schools.item(row, column)
                school[flag] = item is not None and item.checkState() == Qt.CheckState.Checked
            profiles = self.schools.item(row, 4)
            school["risk_profiles"] = list(profiles.data(Qt.ItemDataRole.UserRole) or []) if profiles else []
            if school_id in stored and "measure_ids" in stored[school_id]:
                school["measure_ids"] = stored[school_id]["measure_ids"]
            out.append(school)
        return out

    def form_state(self) -> dict[str, Any]:
        """The state as the form shows it now (ValidationError for a date that is not one)."""
        assert self.state is not None
        state = copy.deepcopy(self.state)
        for field in self._fields:
            if field.path[0] == "order" and state.get("order") is None:
                continue
            target = state
            for key in field.path[:-1]:
                target = target[key]
            target[field.path[-1]] = field.read()
        state["schools"] = self._schools_from_table()
        return state

    def _commit(self) -> None:
        if self._loading or self.state is None:
            return
        try:
            state = self.form_state()
        except ValidationError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            self._show_order_date(_get(self.state, ("order", "date")))
            return
        self.changed.emit(state)

    # ---- approval mark -------------------------------------------------------------------
    def _show_mark_state(self, state: dict[str, Any]) -> None:
        kind = state.get("approval_kind")
        self.approval_lines.setEnabled(kind is not None)
        self.remake_mark_button.setEnabled(kind is not None)
        facts = MarkFacts.of(state.get("order"), state.get("organization") or "")
        warning = disagreement(kind, state.get("approval_lines") or [], facts)
        self.mark_warning.setText(warning)
        self.mark_warning.setVisible(bool(warning))

    def remake_mark(self) -> None:
        """The mark's lines made anew from the order's fields (one undo step)."""
        if self.state is None or self._loading:
            return
        try:
            state = self.form_state()
        except ValidationError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return
        facts = MarkFacts.of(state.get("order"), state.get("organization") or "")
        state["approval_lines"] = make_mark(state.get("approval_kind"), facts)
        self.changed.emit(state)

    # ---- order ---------------------------------------------------------------------------
    def _order_toggled(self, checked: bool) -> None:
        self.order_form.setEnabled(checked)
        if self._loading or self.state is None:
            return
        state = self.form_state()
        if checked and state.get("order") is None:
            state["order"] = new_order(state.get("organization") or "")
        elif not checked:
            state["order"] = None
        self.changed.emit(state)

    # ---- schools -------------------------------------------------------------------------
    def add_school(self) -> None:
        """A new row named «Новая школа», its name ready to type."""
        if self.state is None:
            return
        names = {s["name"] for s in self.state.get("schools") or []}
        name, number = "Новая школа", 2
        while name in names:
            name, number = f"Новая школа {number}", number + 1
        state = self.form_state()
        state["schools"].append({"id": None, "name": name, "risk_profiles": []})
        self.changed.emit(state)
        row = self.schools.rowCount() - 1
        item = self.schools.item(row, 0) if row >= 0 else None
        if item is not None and item.text() == name:
            self.schools.setCurrentCell(row, 0)
            self.schools.editItem(item)

    def remove_school(self) -> None:
        row = self.schools.currentRow()
        if self.state is None or row < 0:
            return
        state = self.form_state()
        school = state["schools"][row]
        linked = len(school.get("measure_ids") or [])
        text = f"Удалить школу «{school['name']}»?"
        if linked:
            text += f" Она указана в мероприятиях ({linked}); эти отметки тоже будут сняты."
        text += " Удаление можно отменить (Ctrl+Z)."
        if QMessageBox.question(self, APP_TITLE, text) != QMessageBox.StandardButton.Yes:
            return
        del state["schools"][row]
        self.changed.emit(state)

    def _cell_double_clicked(self, row: int, column: int) -> None:
        if column == 4:
            self.edit_profiles(row)

    def edit_profiles(self, row: int) -> None:
        if self.state is None or not 0 <= row < self.schools.rowCount():
            return
        state = self.form_state()
        school = state["schools"][row]
        dialog = ProfilesDialog(school["name"], school["risk_profiles"], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            school["risk_profiles"] = dialog.chosen()
            self.changed.emit(state)
