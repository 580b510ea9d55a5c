"""«Подключиться к серверу»: the region's PostgreSQL — server, port, database, account, password.
Everything but the password is remembered (QSettings); the password is asked every time, so it
is never written anywhere in plain text."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.files import server_address

KEY = "server/"


class ServerDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        title: str = "Подключиться к серверу",
        button: str = "Подключиться",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        settings = QSettings()
        layout = QVBoxLayout(self)
        note = QLabel(
            "Сервер региона (PostgreSQL). Адрес и имя даёт администратор; пароль программа не запоминает."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.host = QLineEdit(str(settings.value(KEY + "host", "")))
        self.host.setPlaceholderText("например, 10.0.0.5 или server.region.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(str(settings.value(KEY + "port", 5432))))
        self.database = QLineEdit(str(settings.value(KEY + "database", "")))
        self.user = QLineEdit(str(settings.value(KEY + "user", "")))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, field in (
            ("&Сервер:", self.host),
            ("П&орт:", self.port),
            ("&База данных:", self.database),
            ("&Учётная запись:", self.user),
            ("&Пароль:", self.password),
        ):
            form.addRow(label, field)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.connect_button = buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._enable)
        self._enable()
        (self.password if self.host.text() and self.user.text() else self.host).setFocus()

    def _enable(self) -> None:
        filled = all(f.text().strip() for f in (self.host, self.database, self.user))
        self.connect_button.setEnabled(filled)
        # Enter after the password connects: a button disabled while the fields were empty loses
        # being the default, and Enter then pressed «Отмена» instead
        self.connect_button.setDefault(filled)

    def _accept(self) -> None:
        settings = QSettings()
        settings.setValue(KEY + "host", self.host.text().strip())
        settings.setValue(KEY + "port", self.port.value())
        settings.setValue(KEY + "database", self.database.text().strip())
        settings.setValue(KEY + "user", self.user.text().strip())
        self.accept()

    def address(self) -> str:
        return server_address(
            self.host.text(),
            self.port.value(),
            self.database.text(),
            self.user.text().strip(),
            self.password.text(),
        )
