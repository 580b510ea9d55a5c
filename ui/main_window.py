"""MainWindow: the file's roadmaps and, for the selected one, what it is.

The measures grid, calendars and reports come with their own issues; this window already does
the parts every later screen relies on: the open file, its list of roadmaps, the status bar,
remembered geometry, Russian messages.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar, cast

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config import APP_TITLE
from desktop.services.changes import Changes
from desktop.services.commands import (
    Command,
    EditDocumentCommand,
    EditMeasureCommand,
    EditSchoolCalendarCommand,
)
from desktop.services.document import changed_parts, read_document
from desktop.services.dto import MeasureRow, RoadmapTree
from desktop.services.filtering import kept_ids, search_words
from desktop.services.people import PersonRow
from desktop.services.roadmap import Actor, RoadmapService, summary_of_tree
from desktop.services.schedule import PROGRESS_CLASSES, PROGRESS_LABELS, Schedule, section_refs
from desktop.services.session import FileSession
from desktop.services.tree_refresh import refreshed
from models.domain.errors import DomainError, StaleEditError
from models.domain.roles import COORDINATOR, check_file_operation
from models.domain.tracking import DUE_SOON_DAYS
from ui.conflict_dialog import ConflictDialog
from ui.controller import WindowController
from ui.copy_actions import CopyActions
from ui.document_editor import DocumentEditor
from ui.export_actions import UPCOMING, ExportActions
from ui.file_actions import FileActions
from ui.filter_bar import FilterBar
from ui.grid_columns import DEFAULT_WIDTHS, GridColumns
from ui.grid_columns import NAMES as COLUMN_NAMES
from ui.grid_menu import grid_menu, popup_at
from ui.grid_view import GridView
from ui.history_panel import HistoryPanel
from ui.messages import show_error
from ui.region_view import RegionView
from ui.roadmap_list_model import RoadmapListModel
from ui.roadmap_model import COLUMNS, STATUS_COLUMN, RoadmapTreeModel
from ui.row_actions import RowActions
from ui.school_calendar_dialog import SchoolCalendarDialog
from ui.school_sheet_actions import SchoolSheetActions
from ui.status_dialog import StatusDialog
from ui.sync_actions import SyncActions
from ui.tracking import TrackingViews

log = logging.getLogger(__name__)


def execution_summary(tree: RoadmapTree, today: date | None = None) -> str:
    """One line on the document tab: how big the roadmap is and how its execution goes (the
    figures of the «Отчёт» tab: models.domain.progress)."""
    today = today or date.today()
    measures = len(tree.measures)
    text = f"<b>Разделов:</b> {len(tree.sections)}, <b>мероприятий:</b> {measures}"
    if measures:
        overall = Schedule(tree, today).overall()
        figures = ", ".join(f"{PROGRESS_LABELS[c].lower()} {overall.counts[c]}" for c in PROGRESS_CLASSES)
        text += f". <b>Исполнение на {today:%d.%m.%Y}:</b> {figures}"
        if overall.cancelled:
            text += f"; отменено {overall.cancelled} (не учитываются)"
    return text + ". Изменения сохраняются сразу, при выходе из поля; отмена — Ctrl+Z."


T = TypeVar("T")

# The File menu's whole-file writes, the coordinator's alone: greyed for anyone else (their
# services refuse them too). «Люди и роли» and the school calendar stay open to read; their saves
# are operations, refused by Operations.
COORDINATOR_ONLY = frozenset(
    {
        "&Импорт документа…",
        "Объединить с коп&ией…",
        "Син&хронизировать с сервером…",
        "&Восстановить из резервной копии…",
        "Принять &отчёт школы…",
    }
)


class MainWindow(QMainWindow):
    """The program's window over one open roadmap file."""

    def __init__(
        self,
        service: RoadmapService,
        file_label: str,
        notices: list[tuple[str, str]] | None = None,
        session: FileSession | None = None,
    ) -> None:
        super().__init__()
        self.controller = WindowController(service, session, self)
        self.controller.changed.connect(self.show_changes)
        self.controller.refused.connect(self._refused)
        self.controller.failed.connect(self._failed)
        self.controller.busy.connect(self._busy)
        self.controller.file_switched.connect(self._file_switched)
        if service.db.is_server:  # a server's address is shown without its password, always
            file_label = service.db.location
        self.setWindowTitle(f"{APP_TITLE} — {file_label}")
        self.list_model = RoadmapListModel(self)
        self.list_view = QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().hide()
        self.list_view.setWordWrap(True)
        self.list_view.setAlternatingRowColors(True)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.document_editor = DocumentEditor()
        self.document_editor.changed.connect(self.edit_document)
        self.grid_model = RoadmapTreeModel(self)
        self.grid_model.edit_requested = self.execute
        self.grid = GridView()
        self.grid.setModel(self.grid_model)
        self.grid.freeze_first_columns()
        self.files = FileActions(self, self.controller)
        self.school_sheets = SchoolSheetActions(self)
        self.copies = CopyActions(self)
        self.syncing = SyncActions(self)
        self.rows = RowActions(self, self.grid, self.grid_model, self.controller)
        for column, name in enumerate(COLUMN_NAMES):
            self.grid.setColumnWidth(column, DEFAULT_WIDTHS[name])
        self.columns = GridColumns(self.grid, str(self.controller.file_path))
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self.apply_filter)
        self.tracking = TrackingViews(lambda: self.grid_model.tree, self.filter_bar.criteria, self)
        self.tracking.open_in_grid.connect(self.open_in_grid)
        self.tracking.edit_status.connect(self.edit_status)
        self.tracking.files_wanted.connect(self.open_records_of)
        self.tracking.month_wanted.connect(lambda: self.tabs.setCurrentWidget(self.tracking.month))
        self.tabs: QTabWidget = QTabWidget()  # declared: the lambda above names it first
        self.tabs.addTab(self.grid, "Мероприятия")
        self.tabs.addTab(self.document_editor, "Документ")
        for widget, title in self.tracking.tabs():
            self.tabs.addTab(widget, title)
        self.region_view = RegionView()
        self.region_view.roadmap_wanted.connect(self._open_district)
        self.region_view.export_wanted.connect(self._export_region)
        self.tabs.currentChanged.connect(lambda _index: self._on_tab())
        for signal in (
            self.grid_model.modelReset,
            self.grid_model.dataChanged,
            self.grid_model.rowsInserted,
            self.grid_model.rowsRemoved,
            self.grid_model.rowsMoved,
            self.grid_model.layoutChanged,
        ):
            signal.connect(self._roadmap_changed)
        self.grid_model.rowsInserted.connect(self._rows_inserted)
        views_page = QWidget()  # the filter bar serves the grid and the tracking views alike
        views_layout = QVBoxLayout(views_page)
        views_layout.setContentsMargins(0, 0, 0, 0)
        views_layout.setSpacing(0)
        views_layout.addWidget(self.filter_bar)
        views_layout.addWidget(self.tabs)
        self._reloading = False  # set while reload_grid replaces the grid's tree
        self._filtered = False  # some rows are hidden by the filter
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list_view)
        splitter.addWidget(views_page)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self._build_menu()
        self.file_label = QLabel(file_label)
        self.statusBar().addWidget(self.file_label, 1)
        for short, explanation in notices or []:
            label = QLabel(short)
            label.setToolTip(explanation)
            self.statusBar().addPermanentWidget(label)
        self.history = HistoryPanel()
        self.history_dock = QDockWidget("История изменений", self)
        self.history_dock.setObjectName("history")
        self.history_dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.history_dock.hide()
        self.history_dock.visibilityChanged.connect(lambda _visible: self.update_history())
        self.grid.selectionModel().currentChanged.connect(lambda *_: self.update_history())
        view_menu = self.menuBar().addMenu("&Вид")
        toggle = self.history_dock.toggleViewAction()
        toggle.setShortcut(QKeySequence("F9"))
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(lambda at: popup_at(self.grid, at, self._grid_menu))
        self.grid.doubleClicked.connect(self._status_double_clicked)
        frozen = self.grid.frozen
        if frozen is not None:  # a right click on the frozen № or title: the same menu
            overlay = frozen.view
            overlay.customContextMenuRequested.connect(lambda at: popup_at(overlay, at, self._grid_menu))
        view_menu.addAction(toggle)
        help_menu = self.menuBar().addMenu("&Справка")
        self.about_action = help_menu.addAction("&О программе", self.show_about)
        self.others_label = QLabel()
        self.statusBar().addPermanentWidget(self.others_label)
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self.list_view.selectionModel().selectionChanged.connect(self._on_selection)
        self._watch = QTimer(self)
        self._watch.timeout.connect(self.poll_file)
        self._watch.timeout.connect(self._heartbeat)  # who else has the file open, also every 2 s
        if session is not None:
            self._watch.start(2000)
            self._heartbeat()
        # Wrapped titles: heights follow the title column's width (a handful of rows, cheap).
        header.sectionResized.connect(lambda *_: self.list_view.resizeRowsToContents())
        self._restoring_roadmap = True  # the first row is shown first: not the user's choice
        self.refresh()
        self._restore_state()
        # After the first paint; a child timer dies with the window (a test may close it sooner).
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.show_due_notice)
        self._notice_timer.start(400)

    def _build_menu(self) -> None:
        self.named_actions: dict[str, QAction] = {}  # by menu text: the grid's context menu reuses them
        self.coordinator_actions: list[QAction] = []  # greyed for anyone else (_work_as)
        file_menu = self.menuBar().addMenu("&Файл")
        for text, keys, slot in (
            ("&Создать файл…", QKeySequence.StandardKey.New, self.files.new_file),
            ("&Открыть файл…", QKeySequence.StandardKey.Open, self.files.open_file),
            ("&Импорт документа…", QKeySequence("Ctrl+I"), self.files.import_document),
            ("Сохранить &копию как…", QKeySequence("Ctrl+Shift+S"), self.files.save_copy),
            ("Взять копию с &собой…", QKeySequence(), lambda: self.copies.take()),
            ("Объединить с коп&ией…", QKeySequence(), lambda: self.copies.merge()),
            ("Подключиться к &серверу…", QKeySequence(), self.files.connect_server),
            ("Син&хронизировать с сервером…", QKeySequence(), lambda: self.syncing.run()),
            ("&Проверить файл", QKeySequence(), self.files.check_file),
            ("&Восстановить из резервной копии…", QKeySequence(), self.files.restore_backup),
            ("&Учебный календарь (четверти и каникулы)…", QKeySequence(), self.edit_school_calendar),
            ("&Люди и роли…", QKeySequence(), self.edit_people),
            ("Принять &отчёт школы…", QKeySequence(), lambda: self.school_sheets.take()),
            ("Сменить &пользователя…", QKeySequence(), self.ask_who),
        ):
            action = QAction(text, self)
            action.setShortcut(keys)
            action.triggered.connect(slot)
            file_menu.addAction(action)
            if text in COORDINATOR_ONLY:
                self.coordinator_actions.append(action)
        self.recent_menu = file_menu.addMenu("&Недавние файлы")
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent(self.recent_menu))
        file_menu.addSeparator()
        quit_action = QAction("В&ыход", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Правка")
        undo = self.undo_stack.createUndoAction(self, "&Отменить")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Повторить")
        # Ctrl+Y as in Excel, and the platform's own (Ctrl+Shift+Z), each once: the platform's
        # list contains Ctrl+Y too on some, and a key given twice is ambiguous and does nothing.
        redo_keys = [QKeySequence("Ctrl+Y"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
        redo.setShortcuts(list({k.toString(): k for k in redo_keys if not k.isEmpty()}.values()))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        for text, keys, slot in (
            ("&Копировать", QKeySequence.StandardKey.Copy, self.rows.copy_cells),
            ("В&ставить", QKeySequence.StandardKey.Paste, self.rows.paste_cells),
            ("Заполнить &вниз", QKeySequence("Ctrl+D"), self.rows.fill_down),
            ("&Очистить ячейки", QKeySequence(Qt.Key.Key_Delete), self.rows.clear_cells),
        ):
            action = QAction(text, self)
            self.named_actions[text] = action
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            edit_menu.addAction(action)
            self.grid.addAction(action)
        find = QAction("&Найти…", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_find)
        edit_menu.addAction(find)
        rows_menu = self.menuBar().addMenu("&Строки")
        for text, shortcut, slot in (
            ("Вставить мероприятие &выше", "Ctrl+Shift+=", lambda: self.rows.insert_measure(below=False)),
            ("Вставить мероприятие &ниже", "Ctrl+=", lambda: self.rows.insert_measure(below=True)),
            ("Вставить &раздел", "Ctrl+Shift+R", self.rows.insert_section),
            ("Понизить уровень раздела", "Alt+Right", lambda: self.rows.indent_section("indent")),
            ("Повысить уровень раздела", "Alt+Left", lambda: self.rows.indent_section("outdent")),
            ("&Удалить мероприятия…", "Ctrl+-", self.rows.delete_measures),
            ("Удалить раздел…", "Ctrl+Shift+-", self.rows.delete_section),
            ("Переместить в&верх", "Alt+Up", lambda: self.rows.move_measure(-1)),
            ("Переместить в&низ", "Alt+Down", self._alt_down),
            ("&Отчёты школ и файлы…", "Ctrl+Shift+O", self.open_school_records),
        ):
            action = QAction(text, self)
            self.named_actions[text] = action
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            rows_menu.addAction(action)
            self.grid.addAction(action)
        self.exports = ExportActions(self, self._tree_for_export)
        self.menuBar().addMenu(self.exports.menu)
        self.exports.menu.addSeparator()
        self.exports.menu.addAction("&Листы отчёта для школ…", lambda: self.school_sheets.send())
        self.tracking.upcoming.print_requested.connect(lambda: self.exports.export(UPCOMING))
        self._build_toolbar(file_menu.actions())

    def _build_toolbar(self, file_actions: list[QAction]) -> None:
        """The everyday commands as words (users read them faster than unfamiliar icons)."""
        toolbar = self.addToolBar("Панель инструментов")
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in file_actions[1:3]:  # open, import
            toolbar.addAction(action)
        toolbar.addSeparator()
        for is_undo in (True, False):
            toolbar.addAction(_StackAction(self.undo_stack, is_undo, self))
        toolbar.addSeparator()
        export_button = QToolButton()
        export_button.setText("Экспорт")
        export_button.setToolTip("PDF, Excel или календарь выбранной дорожной карты")
        export_button.setMenu(self.exports.menu)
        export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(export_button)

    def _grid_menu(self) -> QMenu:
        tree = self.grid_model.tree
        return grid_menu(self.grid, self.named_actions, tree, self.history_dock.show, self._open_month, self)

    def _open_month(self, month: date) -> None:
        """«Открыть в календаре»: the measure's month in the «Месяц» tab."""
        self.tracking.month.ask_month(month)
        self.tabs.setCurrentWidget(self.tracking.month)

    def _alt_down(self) -> None:
        """Alt+↓ opens a list cell's list, as in Excel; on any other cell it moves the row down."""
        if self.grid.hasFocus() and self.grid.on_list_cell():
            self.grid.open_list(self.grid.currentIndex())
        else:
            self.rows.move_measure(+1)

    def _tree_for_export(self) -> RoadmapTree | None:
        """The chosen roadmap as stored now (a colleague's saved edits included)."""
        if self.current_roadmap is None:
            return None
        try:
            return self.service.load(self.current_roadmap)
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return None

    # ---- editing ---------------------------------------------------------------------------
    # ---- the controller's state, for the views and the commands that read it -------------
    @property
    def service(self) -> RoadmapService:
        return self.controller.service

    @property
    def session(self) -> FileSession | None:
        return self.controller.session

    @property
    def undo_stack(self) -> QUndoStack:
        return self.controller.undo_stack

    @property
    def current_roadmap(self) -> int | None:
        return self.controller.current_roadmap

    # ---- editing ---------------------------------------------------------------------------
    def execute(self, command: Command) -> bool:
        """Apply a change through the controller (one transaction, one undo step)."""
        return self.controller.execute(command)

    def show_error(self, error: DomainError) -> None:
        show_error(self, error)

    def _failed(self, error: DomainError) -> None:
        """An operation, an undo or a redo was refused: say why, show the file as it is."""
        show_error(self, error)
        if self.tabs.currentWidget() is self.document_editor:
            self.document_editor.forget()  # every field as stored, the refused value too
        self.reload_grid()

    def _busy(self, command: Command, error: DomainError) -> None:
        """A colleague's write held the file past the short wait: nothing was written; ask
        whether to try again rather than freezing the window for ten seconds."""
        answer = QMessageBox.question(
            self,
            APP_TITLE,
            f"{error.message}\n\nПовторить «{command.label}»?",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Retry,
        )
        if answer == QMessageBox.StandardButton.Retry:
            self.execute(command)
        else:
            self.reload_grid()

    def _refused(self, command: Command, error: StaleEditError) -> None:
        """A colleague saved first: what the user typed is not lost. For a measure's cells the
        two versions are shown side by side (keep theirs, write mine, copy mine); else a message."""
        self.reload_grid()
        if isinstance(command, EditDocumentCommand):
            self.show_error(error)
            self.document_editor.forget()
            return
        if not isinstance(command, EditMeasureCommand):
            self.show_error(error)
            return
        try:
            theirs = self.service.measure(command.measure_id)
        except DomainError:
            self.show_error(error)
            return
        schools = self.grid_model.school_choices()
        choice = ConflictDialog.ask(self, error.message, theirs, command.after, schools)
        if choice == ConflictDialog.MINE:
            self.execute(EditMeasureCommand.for_row(theirs, dict(command.after)))
        fields = frozenset(command.after)
        self.put_cursor(
            self.grid_model.measure_index(
                command.measure_id,
                self._column_of(Changes(measures=frozenset({command.measure_id}), fields=fields)),
            )
        )
        self.grid.setFocus()

    def mark_saved(self) -> None:
        """Every change is committed at once; the status bar says when the last one was."""
        self.saved_label.setText(f"Сохранено в {datetime.now():%H:%M:%S}")

    def poll_file(self) -> None:
        """Someone else committed: show the file as it is now (the undo stack stays valid: each
        step checks versions and refuses to overwrite their work)."""
        if self.session is None or not self.session.changed_by_others():
            return
        if self.grid.state() == QAbstractItemView.State.EditingState:
            return  # refresh after the edit; the edit itself is version-checked
        self.refresh()
        self.statusBar().showMessage(
            f"Файл изменён другим пользователем в {datetime.now():%H:%M}; данные обновлены.", 10_000
        )

    def ask_who(self) -> None:
        """«Кто работает?» when the file has its people: the choice (and PIN) decides what may be
        changed and whose name the log writes; none chosen opens the file for viewing only."""
        from desktop.services.people import list_people, sign_in
        from models.domain.errors import NotAllowedError
        from ui.who_dialog import WhoDialog

        service = self.service
        people = self._read_told(lambda: list_people(service.db)) or []
        user, computer = service.actor.user, service.actor.computer
        if not people:
            self._work_as(Actor(user, computer))
            return
        key = f"who/{self.controller.location_key}"
        last = QSettings().value(key)
        problem = ""
        while True:
            dialog = WhoDialog(people, int(last) if str(last or "").isdigit() else None, problem, self)
            choice = dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
            if choice is None:
                self._work_as(Actor(user, computer, role="viewer"))
                return
            try:
                actor = sign_in(service.db, choice[0], choice[1], user, computer)
            except NotAllowedError as error:
                problem, last = error.message, choice[0]
                continue
            QSettings().setValue(key, choice[0])
            self._work_as(actor)
            return

    def edit_people(self) -> None:
        """Файл → «Люди и роли…» (a coordinator's: the service refuses anyone else's save)."""
        from desktop.services.commands import EditPeopleCommand
        from desktop.services.people import known_schools, list_people
        from ui.people_dialog import PeopleDialog

        service = self.service
        people = self._read_told(lambda: list_people(service.db))
        schools = self._read_told(lambda: known_schools(service.db))
        if people is None or schools is None:
            return

        def save(before: list[PersonRow], after: list[PersonRow], pins: dict[int, str]) -> bool:
            return self.execute(EditPeopleCommand(before, after, pins))

        PeopleDialog(people, schools, save, self).exec()

    def _work_as(self, actor: Actor) -> None:
        """The person working from now on: the operations check and log with them; a school's
        director sees their school's measures first («Моя школа»: the school filter)."""
        from models.domain.roles import ROLE_LABELS

        self.service.actor = actor
        self.service.operations.actor = actor
        coordinator = actor.role == "coordinator" and bool(self._read_told(self.service.db.can_write))
        self.grid_model.read_only = not coordinator
        self.document_editor.editable = coordinator
        self.document_editor.setEnabled(coordinator and self.document_editor.state is not None)
        for action in self.coordinator_actions:  # the services refuse them too: this only greys
            action.setEnabled(coordinator)
        self.grid.viewport().update()
        who = f" — {actor.person} ({ROLE_LABELS.get(actor.role, actor.role)})" if actor.person else ""
        if actor.role == "viewer":
            who = " — только просмотр"
        self.setWindowTitle(f"{APP_TITLE} — {self.controller.location}{who}")
        self._my_school()

    def allowed(self, what: str) -> bool:
        """Whether the person working may run a whole-file write (``what``: models.domain.roles'
        words); if not, says why. The services check again before writing: this spares the user
        the file dialogs of an action that would be refused."""
        actor = self.service.actor
        try:
            check_file_operation(actor.role, actor.shown, what)
        except DomainError as error:
            self.show_error(error)
            return False
        return True

    def _my_school(self) -> None:
        """A school's person sees the measures of their school: the filter set to it, where the
        roadmap names it."""
        actor = self.service.actor
        if actor.role in ("director", "team") and actor.school:
            self.filter_bar.choose_school(actor.school)

    def open_school_records(self) -> None:
        """«Отчёты школ» for the current measure: its record per school, each change one undo step."""
        from ui.school_records_dialog import SchoolRecordsDialog

        measure = self.grid_model.measure_at(self.grid.currentIndex())
        tree = self.grid_model.tree
        if measure is None or tree is None:
            return
        names = {s.id: s.name for s in tree.schools}
        actor = self.service.actor
        coordinator = actor.role == COORDINATOR
        own = next((s.id for s in tree.schools if s.name.casefold() == actor.school.casefold()), None)
        dialog = SchoolRecordsDialog(
            measure, names, self.execute, self._measure_now, self.service, own, coordinator, self
        )
        dialog.exec()

    def _measure_now(self, measure_id: int) -> MeasureRow | None:
        try:
            return self.service.measure(measure_id)
        except DomainError:
            return None

    def _status_double_clicked(self, index: QModelIndex) -> None:
        """A status made from schools' reports is not typed: a double click opens the reports."""
        measure = self.grid_model.measure_at(index)
        if index.column() != STATUS_COLUMN or measure is None or not measure.school_ids:
            return
        if measure.derived is not None or self.grid_model.read_only:
            self.open_school_records()

    def update_history(self) -> None:
        """The current measure's change log, while the panel is shown (read only then)."""
        if not self.history_dock.isVisible():
            return
        measure = self.grid_model.measure_at(self.grid.currentIndex())
        self.history.show_entries(self.service.history(measure.id) if measure is not None else [])

    def _heartbeat(self) -> None:
        """Every poll: who else has the file open now (our own record is rewritten once a minute)."""
        if self.session is None:
            return
        self.session.heartbeat()
        others = self.session.others()
        text = ", ".join(f"{p.user} ({p.computer}) с {p.since:%H:%M}" for p in others)
        self.others_label.setText(f"Файл также открыт: {text}" if others else "")

    def show_changes(self, changes: Changes) -> None:
        """After an operation: each view updates what ``changes`` names (a field edit repaints its
        row, a move moves rows); the document or the calendar changed reloads everything."""
        self.mark_saved()
        if changes.roadmap_id not in (None, self.current_roadmap):
            # An undo or redo of another roadmap's step: show that roadmap, as Excel shows the
            # sheet an undo changed.
            self.select_roadmap(changes.roadmap_id)
        if changes.needs_reload:
            self.refresh()
            return
        column = self._column_of(changes)
        tree = self.grid_model.tree
        if tree is not None and not changes.empty:
            moved = changes.structure or bool(changes.added or changes.removed)
            self.grid_model.apply_tree(refreshed(self.service, tree, changes), rows_moved=moved)
            if moved or changes.sections:
                self._after_structure()
        if changes.figures:
            self.update_figures()
        self.update_history()
        self._focus(changes, column)

    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        """A section row spans the grid and shows what is inside it, as when the roadmap opened."""
        for row in range(first, last + 1):
            index = self.grid_model.index(row, 0, parent)
            if self.grid_model.is_section(index):
                self.grid.setFirstColumnSpanned(row, parent, True)
                self.grid.expand(index)

    def _after_structure(self) -> None:
        """Rows came, went or moved: the filter's section list and hidden rows follow."""
        tree = self.grid_model.tree
        if tree is None:
            return
        self.filter_bar.set_sections(section_refs(tree))
        if self._filtered or self.filter_bar.criteria().active:
            self.apply_filter()
        else:
            self.filter_bar.show_counts(len(tree.measures), len(tree.measures))

    def _column_of(self, changes: Changes) -> int:
        """The cell to put the cursor in: the field an edit (or its undo) changed, else the
        column the cursor is in (never the number column)."""
        columns = [k for k, (_header, name) in enumerate(COLUMNS) if name in changes.fields]
        return (
            columns[0]
            if len(changes.measures) == 1 and columns
            else max(1, self.grid.currentIndex().column())
        )

    def _focus(self, changes: Changes, column: int) -> None:
        """Put the cursor on the row the operation was about (the inserted, moved or restored
        one), and only there: cells selected before (a row that moved away) are let go, so a
        following Ctrl+- deletes just what the cursor shows."""
        if changes.focus is None:
            return
        kind, ident = changes.focus
        if kind == "section":
            index = self.grid_model.section_index(ident)
        else:
            index = self.grid_model.measure_index(ident, column)
        self.put_cursor(index)

    def put_cursor(self, index: QModelIndex) -> None:
        """The current cell, selected alone, in view."""
        if not index.isValid():
            return
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(index)

    def update_figures(self) -> None:
        """The roadmap list's figures (done, overdue, due soon) after an edit: the roadmap on
        screen counted from the grid's rows (just read back from the file), the others as listed."""
        tree = self.grid_model.tree
        rows = [self.list_model.summary(r) for r in range(self.list_model.rowCount())]
        if tree is None or tree.header.id not in [r.id for r in rows]:
            self.list_model.update_rows(self.service.list_roadmaps())
            return
        mine = summary_of_tree(tree)
        self.list_model.update_rows([mine if r.id == mine.id else r for r in rows])

    def edit_document(self, state: dict[str, object]) -> None:
        """A field of the document tab was changed: save it as one undoable step."""
        before = self.document_editor.state
        if before is None or not changed_parts(before, state):
            return
        self.execute(EditDocumentCommand.for_state(before, state))

    def reload_grid(self) -> None:
        """Show the selected roadmap as stored now, the cursor on the cell it was on (a reload
        after a colleague's save must not leave keys typed next to a section's title)."""
        was = self.grid_model.measure_at(self.grid.currentIndex())
        section = self.grid_model.section_at(self.grid.currentIndex())
        column = self.grid.currentIndex().column()
        roadmap = self.current_roadmap
        tree = self._read_told(lambda: self.service.load(roadmap)) if roadmap is not None else None
        self._reloading = True  # the views follow once, at apply_filter, with the new filter choices
        try:
            self.grid_model.set_tree(tree)
        finally:
            self._reloading = False
        self.columns.show_roadmap(tree)
        self._show_document()
        self._filtered = False  # a new model shows every row; apply_filter hides again if needed
        self.filter_bar.set_schools(tree.schools if tree else ())
        self._my_school()
        self.filter_bar.set_sections(section_refs(tree) if tree else [])
        self.grid.expandAll()
        self._span_sections(QModelIndex())
        self.apply_filter()
        if tree is not None and was is not None and was.roadmap_id == tree.header.id:
            self.put_cursor(self.grid_model.measure_index(was.id, max(1, column)))
        elif tree is not None and section is not None:
            self.put_cursor(self.grid_model.section_index(section.id))

    def _read_told(self, read: Callable[[], T]) -> T | None:
        """A read of the whole file for the views. Damage found by it (letters that are not
        text any more, a value that does not decode) is told once, with the newest backup, and
        the read is made again: the file then reads damaged letters as «�», so one bad cell
        never leaves the window empty. None when the file still cannot be read."""
        try:
            return read()
        except DomainError as error:
            self.show_error(error)
        try:
            return read()
        except DomainError:
            return None

    def _on_tab(self) -> None:
        current = self.tabs.currentWidget()
        self.filter_bar.setVisible(current not in (self.document_editor, self.region_view))
        if current is self.region_view:
            self._refresh_region()
        self._show_document()
        self.tracking.refresh(current)

    def _roadmap_changed(self, *_args: object) -> None:
        """Any change the grid shows changes what the tracking views show."""
        self.tracking.invalidate()
        if not self._reloading:
            self.tracking.refresh(self.tabs.currentWidget())

    def show_due_notice(self) -> str:
        """«Просрочено: 3, в ближайшие 14 дней: 5» in the status bar for a while: what needs doing
        in the whole file, without a dialog in the way: the list's figures, already read, which are
        the «Отчёт» tab's (models.domain.progress) summed over the roadmaps."""
        summaries = [self.list_model.summary(row) for row in range(self.list_model.rowCount())]
        late = sum(s.overdue for s in summaries)
        soon = sum(s.due_soon for s in summaries)
        if not late and not soon:
            return ""
        text = f"Просрочено: {late}, в ближайшие {DUE_SOON_DAYS} дней: {soon} (вкладка «Отчёт»)"
        self.statusBar().showMessage(text, 20_000)
        return text

    def open_in_grid(self, measure_id: int) -> None:
        """The measure chosen in a calendar or report, shown in the grid."""
        index = self.grid_model.measure_index(measure_id)
        if not index.isValid():
            return
        if self.grid.isRowHidden(index.row(), index.parent()):
            self.filter_bar.clear()
        self.tabs.setCurrentWidget(self.grid)
        self.grid.setCurrentIndex(index)
        self.grid.scrollTo(index)
        self.grid.setFocus()

    def edit_school_calendar(self) -> None:
        """Quarters and holidays of the file, one undoable edit."""
        try:
            calendar, version = self.service.school_calendar()
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return
        dialog = SchoolCalendarDialog(calendar, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = dialog.result_calendar
        dialog.deleteLater()  # a closed dialog is not kept as the window's child
        if accepted and chosen is not None and chosen != calendar:
            self.execute(EditSchoolCalendarCommand(version, calendar, chosen))

    def open_records_of(self, measure_id: int) -> None:
        """«Отчёты школ и файлы» of a measure chosen outside the grid (shown in the grid first)."""
        self.open_in_grid(measure_id)
        shown = self.grid_model.measure_at(self.grid.currentIndex())
        if shown is not None and shown.id == measure_id:
            self.open_school_records()

    def edit_status(self, measure_id: int) -> None:
        """Status, date done and note in a small dialog; one undoable edit. A status made from
        the schools' reports, or a school's person, goes to «Отчёты школ и файлы» instead."""
        tree = self.grid_model.tree
        if tree is None or measure_id not in tree.measures:
            return
        if tree.measures[measure_id].derived is not None or self.grid_model.read_only:
            self.open_records_of(measure_id)
            return
        dialog = StatusDialog(tree.measures[measure_id], self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        changes = dialog.changes() if accepted else {}
        dialog.deleteLater()
        if changes:
            self.execute(EditMeasureCommand.for_row(tree.measures[measure_id], changes))

    def _show_document(self) -> None:
        """Fill the document tab from the file, when it is the tab on screen (it costs a read and
        a pass over every deadline: the grid opens first)."""
        if self.tabs.currentWidget() is not self.document_editor:
            return
        tree = self.grid_model.tree
        self.document_editor.set_state(
            read_document(self.service.db, tree.header.id) if tree else None,
            execution_summary(tree) if tree else "",
        )

    def apply_filter(self) -> None:
        """Hide the measures the filter drops, and sections left with nothing to show."""
        tree = self.grid_model.tree
        if tree is None:
            return
        criteria = self.filter_bar.criteria()
        if not criteria.active and not self._filtered:
            self.grid_model.found_words = ()
            self.filter_bar.show_counts(len(tree.measures), len(tree.measures))
            self.tracking.invalidate()
            self.tracking.refresh(self.tabs.currentWidget())
            return  # nothing hidden, nothing to hide: no walk over every row
        self._filtered = criteria.active
        kept = kept_ids(tree, criteria, date.today()) if criteria.active else set(tree.measures)
        self.grid_model.found_words = search_words(criteria.text)
        self.grid.viewport().update()

        def walk(parent: QModelIndex) -> int:
            visible = 0
            for row in range(self.grid_model.rowCount(parent)):
                index = self.grid_model.index(row, 0, parent)
                measure = self.grid_model.measure_at(index)
                if measure is not None:
                    shown = measure.id in kept
                    visible += shown
                else:
                    inner = walk(index)
                    shown = inner > 0 or not criteria.active
                    visible += inner
                self.grid.setRowHidden(row, parent, not shown)
            return visible

        walk(QModelIndex())
        self.filter_bar.show_counts(len(kept), len(tree.measures))
        self.tracking.invalidate()
        self.tracking.refresh(self.tabs.currentWidget())

    def focus_find(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_bar.text.setFocus()
        self.filter_bar.text.selectAll()

    def _span_sections(self, parent: QModelIndex) -> None:
        for row in range(self.grid_model.rowCount(parent)):
            index = self.grid_model.index(row, 0, parent)
            if self.grid_model.is_section(index):
                self.grid.setFirstColumnSpanned(row, parent, True)
                self._span_sections(index)

    def refresh(self) -> None:
        """Reload the list (and the selected roadmap) from the file, keeping the selection."""
        current = self.list_view.currentIndex().row()
        self.list_model.set_rows(self._read_told(self.service.list_roadmaps) or [])
        if self.list_model.rowCount():
            self.list_view.selectRow(max(0, min(current, self.list_model.rowCount() - 1)))
        self.list_view.resizeRowsToContents()
        self._fit_list()
        self.reload_grid()

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        self.exports.set_enabled(bool(rows))
        self.controller.choose_roadmap(self.list_model.summary(rows[0].row()).id if rows else None)
        if rows and not self._restoring_roadmap:
            QSettings().setValue(self._last_roadmap_key(), self.controller.current_roadmap)
        self.reload_grid()

    def select_roadmap(self, roadmap_id: int) -> None:
        """Show the roadmap ``roadmap_id`` (e.g. just imported) as if chosen in the list."""
        ids = [self.list_model.summary(r).id for r in range(self.list_model.rowCount())]
        if roadmap_id in ids:
            self.list_view.selectRow(ids.index(roadmap_id))

    def _show_region_tab(self) -> None:
        """«Регион» is there when the window works on the regional server."""
        index = self.tabs.indexOf(self.region_view)
        if self.service.db.is_server and index < 0:
            self.tabs.addTab(self.region_view, "Регион")
        elif not self.service.db.is_server and index >= 0:
            self.tabs.removeTab(index)

    def _refresh_region(self) -> None:
        from desktop.services.region import region_summary

        lines = self._read_told(lambda: region_summary(self.service.db))
        if lines is not None:
            self.region_view.set_lines(lines, f"{date.today():%d.%m.%Y}")

    def _open_district(self, roadmap_id: int) -> None:
        self.select_roadmap(roadmap_id)
        self.tabs.setCurrentWidget(self.grid)

    def _export_region(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from desktop.exports.region_xlsx import write_region
        from desktop.services.os_words import os_reason

        name, _ = QFileDialog.getSaveFileName(
            self, "Сводка региона", f"Сводка региона {date.today():%d.%m.%Y}.xlsx", "Книги Excel (*.xlsx)"
        )
        if not name:
            return
        try:
            write_region(self.region_view.lines, date.today(), Path(name))
        except OSError as error:
            show_error(self, DomainError(f"Не удалось записать «{Path(name).name}»: {os_reason(error)}."))
            return
        self.statusBar().showMessage(f"Сводка региона сохранена: {name}", 10_000)

    def _file_switched(self) -> None:
        """Another file is open: its name, its roadmaps, its due notice; watching it starts."""
        self._show_region_tab()
        path = self.controller.file_path
        self.columns.switch_file(str(path))
        self.setWindowTitle(f"{APP_TITLE} — {self.controller.location}")
        self.file_label.setText(self.controller.location)
        self.others_label.setText("")
        if self.session is not None and not self._watch.isActive():
            self._watch.start(2000)
        self._restoring_roadmap = True
        self.refresh()
        self._select_last_roadmap()
        self._notice_timer.start(400)
        QTimer.singleShot(0, self.ask_who)

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        widths = settings.value("grid/header")
        if isinstance(widths, QByteArray):
            self.grid.header().restoreState(widths)
        tab = cast(int, settings.value("main/tab", 0, int))  # the type argument makes it one
        if 0 < tab < self.tabs.count():  # the view the user left open
            self.tabs.setCurrentIndex(tab)
        self._select_last_roadmap()

    def _restore_split(self) -> None:
        """The list/table split as left: once the window has its size (restored before that,
        the maximising would share the new height out again by the stretch factors)."""
        sizes = QSettings().value("main/splitter")
        if isinstance(sizes, QByteArray):
            self.splitter.restoreState(sizes)

    def _last_roadmap_key(self) -> str:
        """Per file: the roadmap last worked on in it (a hash: a path is not a settings key)."""
        path = str(self.controller.file_path)
        return "roadmap/last/" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]

    def _select_last_roadmap(self) -> None:
        last = QSettings().value(self._last_roadmap_key())
        if last is not None and str(last).isdigit():
            self.select_roadmap(int(str(last)))
        self._restoring_roadmap = False  # from now on a chosen roadmap is remembered

    def show_about(self) -> None:
        from ui.about_dialog import AboutDialog

        AboutDialog(self).exec()

    def show_placed(self) -> None:
        """Show the window as the user left it; the first time, maximised on a small screen
        (1366×768 and the like: every pixel counts there), 1200×700 on a larger one."""
        if QSettings().value("main/geometry") is None:
            screen = self.screen().availableGeometry()
            if screen.width() < 1600 or screen.height() < 900:
                self.setGeometry(screen)  # the whole screen even where nothing maximises (no window manager)
                self.showMaximized()
                return
            self.resize(1200, 700)
        self.show()
        QTimer.singleShot(0, self._restore_split)  # after the window took its restored size

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_list)  # after the layout settles

    def _fit_list(self) -> None:
        """The roadmap list shows at least three roadmaps whole (their titles wrap to two lines)."""
        view = self.list_view
        view.resizeRowsToContents()
        rows = min(3, self.list_model.rowCount()) or 1
        height = sum(view.rowHeight(row) for row in range(rows)) if self.list_model.rowCount() else 40
        view.setMinimumHeight(view.horizontalHeader().height() + height + 2 * view.frameWidth() + 2)

    def closeEvent(self, event: object) -> None:
        self._watch.stop()  # a closed window neither polls the file nor says it has it open
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        settings.setValue("grid/header", self.grid.header().saveState())  # widths, hidden columns
        settings.setValue("main/tab", self.tabs.currentIndex())
        settings.setValue("main/splitter", self.splitter.saveState())
        super().closeEvent(event)  # type: ignore[arg-type]


class _StackAction(QAction):
    """The toolbar's undo or redo: it always reads its word (the menu's «Отменить Изменение:
    статус» would make the toolbar jump at every edit); the step's full name is its tooltip."""

    def __init__(self, stack: QUndoStack, undo: bool, parent: QWidget) -> None:
        super().__init__("Отменить" if undo else "Повторить", parent)
        self.prefix = ("Отменить" if undo else "Повторить") + (" (Ctrl+Z)" if undo else " (Ctrl+Y)")
        self.triggered.connect(stack.undo if undo else stack.redo)
        (stack.canUndoChanged if undo else stack.canRedoChanged).connect(self.setEnabled)
        (stack.undoTextChanged if undo else stack.redoTextChanged).connect(self.name_step)
        self.setEnabled(stack.canUndo() if undo else stack.canRedo())
        self.name_step(stack.undoText() if undo else stack.redoText())

    def name_step(self, step: str) -> None:
        self.setToolTip(f"{self.prefix}: {step}" if step else self.prefix)
