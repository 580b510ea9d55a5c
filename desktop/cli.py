"""The command line of docs/CLI.md: JSON on stdout, one Russian line on stderr for user errors.

Exit codes: 0 success, 1 user error (bad file, unknown roadmap…), 2 bad arguments. Heavy
modules (SQLAlchemy, Qt) are imported inside the commands that need them, so that
``--version`` and ``deadline`` start fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

from desktop import __version__

log = logging.getLogger(__name__)


class UserError(Exception):
    """A problem with what the user asked for: message printed, exit 1."""


# argparse's own messages (Python 3.11) and what the user reads instead; "argument X: …" is
# translated around its inner message. A message not listed still comes out in Russian (the
# generic line), and tests/test_cli.py runs each of these so a new Python's wording is noticed.
_ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<a>.+)", "не указаны обязательные параметры: {a}"),
    (r"one of the arguments (?P<a>.+) is required", "укажите один из параметров: {a}"),
    (r"unrecognized arguments: (?P<a>.+)", "лишние или неизвестные параметры: {a}"),
    (r"expected one argument", "после него нужно указать значение"),
    (r"expected at most one argument", "допускается не больше одного значения"),
    (r"expected at least one argument", "нужно указать хотя бы одно значение"),
    (r"expected (?P<n>\d+) arguments?", "нужно указать значений: {n}"),
    (r"invalid choice: (?P<v>.+) \(choose from (?P<c>.*)\)", "недопустимое значение {v}; возможные: {c}"),
    (r"invalid int value: (?P<v>.+)", "{v} — не целое число"),
    (r"invalid \S+ value: (?P<v>.+)", "недопустимое значение {v}"),
    (r"not allowed with argument (?P<a>.+)", "нельзя указывать вместе с {a}"),
    (r"ignored explicit argument (?P<v>.+)", "значение {v} здесь не нужно"),
    (r"ambiguous option: (?P<o>\S+) could match (?P<m>.+)", "параметр {o} неоднозначен: подходят {m}"),
    (r"unknown parser (?P<v>.+) \(choices: (?P<c>.*)\)", "неизвестная команда {v}; возможные: {c}"),
    (r"unexpected option string: (?P<o>.+)", "неожиданный параметр {o}"),
)
COMMAND_METAVAR = "КОМАНДА"
_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<inner>.+)", re.S)


def _quoted(text: str) -> str:
    """Python's reprs of strings ('x') as Russian quotes («x»)."""
    return re.sub(r"'([^']*)'", r"«\1»", text)


def russian_argparse_message(message: str) -> str:
    """argparse's English complaint in Russian (never the English text itself)."""
    argument = _ARGUMENT.fullmatch(message)
    if argument:
        inner = russian_argparse_message(argument["inner"])
        if argument["name"] == COMMAND_METAVAR:  # the subcommand's name
            return inner.replace("недопустимое значение", "неизвестная команда", 1)
        return f"параметр {argument['name']}: {inner}"
    for pattern, russian in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return russian.format(**{k: _quoted(v) for k, v in match.groupdict().items()})
    return "параметры команды не поняты"


class RussianHelpFormatter(argparse.HelpFormatter):
    """argparse's help with «Использование:» instead of "usage:"."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Использование: " if prefix is None else prefix)


class RussianArgumentParser(argparse.ArgumentParser):
    """argparse speaking Russian: usage line, help headings, -h and every complaint (exit 2, as
    argparse does). argparse's gettext catalogue is not used: its strings are not a stable API."""

    def __init__(self, prog: str | None = None, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", RussianHelpFormatter)
        super().__init__(prog, add_help=False, **kwargs)
        self._positionals.title = "позиционные параметры"
        self._optionals.title = "параметры"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="показать эту справку и выйти"
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            2,
            f"Ошибка в параметрах: {russian_argparse_message(message)}.\nПодробнее: {self.prog} -h\n",
        )


def _speak_utf8() -> None:
    """JSON and messages in UTF-8 whatever the system's code page: on Windows a pipe or a file gets
    cp1251/cp1252, which cannot write «Дорожная карта» and would fail the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # absent when a test captures output
        encoding = (getattr(stream, "encoding", "") or "").lower()
        if reconfigure is not None and encoding not in {"utf-8", "utf8"}:
            reconfigure(encoding="utf-8")


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _open(path: str, *, read_only: bool = False) -> Any:
    from desktop import config
    from models.storage.database import open_database
    from models.storage.server import is_server_address, open_server

    if is_server_address(path):  # the regional server: the same commands, on PostgreSQL
        return open_server(path, read_only=read_only)

    database = open_database(Path(path), config.backup_root(), read_only=read_only)
    if database.backup_problem:  # said on stderr; stdout stays the command's JSON
        sys.stderr.write(database.backup_problem + "\n")
    return database


def _service(database: Any) -> Any:
    from desktop import config
    from desktop.services.roadmap import Actor, RoadmapService

    return RoadmapService(database, Actor(config.current_user(), config.current_computer()))


# ---- commands --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> None:
    from desktop.services.demo import create_demo
    from models.storage.server import is_server_address

    if is_server_address(args.db):
        raise UserError("Демонстрационный файл создаётся на диске: укажите путь к новому файлу, а не сервер.")
    path = Path(args.db)
    if path.exists():
        raise UserError(f"Файл «{path}» уже существует; демонстрационные данные его не перезапишут.")
    _emit({"db": str(path), "roadmaps": create_demo(path)})


def cmd_import(args: argparse.Namespace) -> None:
    from desktop import config
    from desktop.importers import read_source, recognise
    from desktop.services.writer import write_roadmap
    from models.storage.database import open_database
    from models.storage.server import is_server_address, open_server

    recognised = recognise(read_source(Path(args.source)))  # nothing is opened or written before this
    database: Any
    if is_server_address(args.db):
        database = open_server(args.db)
    else:
        database = open_database(Path(args.db), config.backup_root(), create=True)
    try:
        result = write_roadmap(_service(database).operations, recognised.roadmap)
    finally:
        database.close()
    _emit(
        {
            "roadmap_id": result.roadmap_id,
            "sections": result.sections,
            "measures": result.measures,
            "warnings": recognised.warnings,
        }
    )


def cmd_dump(args: argparse.Namespace) -> None:
    from desktop.services.dump import roadmap_dict

    database = _open(args.db, read_only=True)
    try:
        service = _service(database)
        ids = [args.roadmap] if args.roadmap is not None else service.roadmap_ids()
        _emit({"roadmaps": [roadmap_dict(service.load(i)) for i in ids]})
    finally:
        database.close()


def _parse_period(text: str) -> tuple[date, date]:
    try:
        start_text, end_text = text.split(":")
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        raise UserError(f"Период «{text}» не понят: укажите его как 2023-09-01:2024-08-31.") from None
    if start > end:
        raise UserError(f"Период «{text}»: начало позже окончания.")
    return start, end


def cmd_deadline(args: argparse.Namespace) -> None:
    from models.domain.deadlines import read_deadline

    deadline = read_deadline(args.text, _parse_period(args.period))
    _emit(
        {
            "kind": deadline.kind,
            "windows": [[a.isoformat(), b.isoformat()] for a, b in deadline.windows],
            "warnings": list(deadline.warnings),
        }
    )


def cmd_check(args: argparse.Namespace) -> None:
    from desktop import config
    from models.storage import migrations
    from models.storage.database import inspect
    from models.storage.location import NETWORK_WARNING
    from models.storage.server import is_server_address, server_facts

    if is_server_address(args.db):
        facts = server_facts(args.db)
    else:
        facts = inspect(Path(args.db), config.backup_root(), with_counts=True)
    out: dict[str, Any] = {
        "ok": True,
        "integrity": facts.integrity,
        "schema": facts.revision,
        "roadmaps": facts.counts["roadmaps"],
        "sections": facts.counts["sections"],
        "measures": facts.counts["measures"],
        "read_only": facts.read_only,
        "network": facts.network,
        "upgrade_needed": facts.revision != migrations.HEAD,
    }
    if facts.network and not is_server_address(args.db):  # the warning is about a file on a share
        sys.stderr.write(NETWORK_WARNING + "\n")
    _emit(out)


def cmd_backups(args: argparse.Namespace) -> None:
    """The file's backups, newest first, as the window's «Восстановить из резервной копии» lists them."""
    from desktop.services import files

    path = _existing_file(args.db)
    _emit(
        {
            "backups": [
                {
                    "path": str(b.path),
                    "made": b.made_at.isoformat(timespec="seconds"),
                    "reason": b.reason,
                    "size": b.size,
                }
                for b in files.list_backups(path)
            ]
        }
    )


def cmd_restore(args: argparse.Namespace) -> None:
    """Put one of the file's backups back (the current contents are backed up first, as in the
    window). ``--backup`` is a path from ``backups`` or just its file name."""
    from desktop.services import files

    path = _existing_file(args.db)
    listed = files.list_backups(path)
    wanted = Path(args.backup)
    chosen = next(
        (
            b.path
            for b in listed
            if b.path == wanted or (wanted.name == str(wanted) and b.path.name == wanted.name)
        ),
        None,
    )
    if chosen is None:
        names = ", ".join(b.path.name for b in listed[:5]) or "их пока нет"
        raise UserError(
            f"Резервной копии «{args.backup}» нет среди копий этого файла ({names}). "
            "Список копий: python -m desktop backups --db ФАЙЛ."
        )
    files.restore_backup(chosen, path, files.actor())  # the command line acts as the coordinator
    _emit({"restored": str(chosen)})


def _existing_file(db: str) -> Path:
    from models.storage.server import is_server_address

    if is_server_address(db):
        raise UserError(
            "Резервные копии сервера делает его администратор средствами PostgreSQL (pg_dump); у "
            "программы их нет. Эта команда работает с файлом."
        )
    path = Path(db)
    if not path.is_file():
        raise UserError(f"Файл «{db}» не найден. Проверьте путь.")
    return path


def _split_assignments(pairs: Sequence[str], example: str) -> list[tuple[str, str]]:
    """FIELD=VALUE pairs in the order given; ``\n`` in a value is a line break."""
    out = []
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise UserError(f"«{pair}»: ожидается ПОЛЕ=ЗНАЧЕНИЕ, например {example}.")
        out.append((field.strip(), value.replace("\\n", "\n")))
    return out


def _parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    return dict(_split_assignments(pairs, "status=done"))


def cmd_set(args: argparse.Namespace) -> None:
    if args.school is not None and args.roadmap is not None:
        raise UserError("--school относится к мероприятию: укажите --measure ID, а не --roadmap.")
    if args.roadmap is not None:
        cmd_set_document(args)
        return
    changes: dict[str, Any] = dict(_parse_assignments(args.assignments))
    database = _open(args.db)
    try:
        service = _service(database)
        if args.school is not None:
            changed, version = service.edit_school_record(
                args.measure, args.school, args.expect_version, changes
            )
            _emit({"measure": args.measure, "school": args.school, "changed": changed, "version": version})
            return
        if isinstance(changes.get("schools"), str):  # schools="A; B": the roadmap's schools by name
            names = [n for n in re.split(r"[;\n]", changes["schools"]) if n.strip()]
            changes["schools"] = service.schools_named(args.measure, names)
        changed = service.edit_measure(args.measure, args.expect_version, changes)
        version = service.measure(args.measure).version
    finally:
        database.close()
    _emit({"measure": args.measure, "changed": changed, "version": version})


# ---- set --roadmap: the document parts, named as in the dump ---------------------------------
ORDER_TEXTS = ("signer", "signer_position", "issuer", "place", "title", "preamble", "directive")
LIST_FIELDS = ("tasks", "schools", "mentor_schools", "order.clauses", "approval.lines")
DOCUMENT_FIELDS = (
    "title",
    "organization",
    "period",
    "period_start",
    "period_end",
    "numbering",
    "subsection_numbering",
    "goal",
    "tasks",
    "schools",
    "mentor_schools",
    "order",
    "order.number",
    "order.date",
    *(f"order.{name}" for name in ORDER_TEXTS),
    "order.clauses",
    "approval.kind",
    "approval.lines",
    "signature.position",
    "signature.name",
    "layout",
)
_READ_ONLY = {
    "order.number_text": "номер приказа так, как его прочитал импорт",
    "order.date_text": "дата приказа так, как её прочитал импорт",
}
# The codes of the «Документ» tab's choices and the Russian words a user may type for them.
APPROVAL_WORDS = {
    "stamp": ("stamp", "утверждаю", "утверждаю в правом верхнем углу"),
    "appendix": ("appendix", "приложение", "утверждена", "приложение утверждена приказом"),
    "none": ("none", "без грифа", "", "нет", "без"),
}
NUMBERING_WORDS = {
    "hierarchical": ("hierarchical", "по разделам"),
    "restart": ("restart", "заново", "заново в каждом разделе"),
    "flat": ("flat", "сквозная"),
}
SUBSECTION_WORDS = {"nested": ("nested", "вложенные"), "roman": ("roman", "римские")}
LAYOUT_WORDS = {
    "2025": ("2025", "гост р 7 0 97-2025", "гост 2025", "действующий"),
    "2016": ("2016", "гост р 7 0 97-2016", "гост 2016", "прежний"),
}
_NO_ORDER = ("none", "", "нет", "без приказа")


def _words(text: str) -> str:
    """A choice as typed, compared without case, quotes, dots and the label's example part."""
    text = text.split(":")[0]
    return " ".join(re.sub(r"[«»\"'….,]", " ", text).casefold().split())


def _choice(field: str, value: str, words: Mapping[str, tuple[str, ...]], what: str) -> str:
    typed = _words(value)
    for code, accepted in words.items():
        if typed in accepted:
            return code
    allowed = ", ".join(f"{code} ({accepted[1]})" for code, accepted in words.items())
    raise UserError(f"{what} «{value}» ({field}) не понят: укажите {allowed}.")


def _date(field: str, value: str, *, required: bool) -> date | None:
    from desktop.services.measure_writes import parse_date
    from models.domain.errors import ValidationError

    try:
        when = parse_date(value)
    except ValidationError as exc:
        raise UserError(f"{field}: {exc.message}") from None
    if when is None and required:
        raise UserError(f"{field}: дата не может быть пустой. Введите её как 2024-02-13 или 13.02.2024.")
    return when


def _period(value: str) -> tuple[date | None, date | None]:
    start, sep, end = value.partition(":")
    if not sep:
        raise UserError(
            f"Период «{value}» не понят: укажите его как 2024-01-01:2024-12-31 или 01.01.2024:31.12.2024."
        )
    return _date("period", start, required=True), _date("period", end, required=True)


def _document_value(field: str, value: str) -> Any:
    """One FIELD=VALUE of ``set --roadmap`` checked and converted, before the file is opened."""
    if field in _READ_ONLY:
        raise UserError(
            f"Поле «{field}» ({_READ_ONLY[field]}) только для чтения: измените order.number или order.date."
        )
    if field not in DOCUMENT_FIELDS:
        raise UserError(
            f"Поле «{field}» нельзя изменить у дорожной карты. Изменяемые поля: {', '.join(DOCUMENT_FIELDS)}."
        )
    if field in LIST_FIELDS:
        return [line.strip() for line in value.split("\n") if line.strip()]
    if field == "period":
        return _period(value)
    if field in ("period_start", "period_end", "order.date"):
        return _date(field, value, required=field != "order.date")
    if field == "numbering":
        return _choice(field, value, NUMBERING_WORDS, "Способ нумерации")
    if field == "subsection_numbering":
        return _choice(field, value, SUBSECTION_WORDS, "Способ нумерации подразделов")
    if field == "layout":
        return _choice(field, value, LAYOUT_WORDS, "Профиль оформления")
    if field == "approval.kind":
        kind = _choice(field, value, APPROVAL_WORDS, "Вид грифа")
        return None if kind == "none" else kind
    if field == "order":
        if _words(value) not in _NO_ORDER:
            raise UserError(
                "order принимает только none (убрать приказ); поля приказа задаются по отдельности: "
                "order.number=31-п, order.date=13.02.2024 …"
            )
        return None
    return value


def _with_schools(schools: list[dict[str, Any]], names: dict[bool, list[str] | None]) -> list[dict[str, Any]]:
    """The schools with the dump's lists (False: ``schools``, True: ``mentor_schools``) as given:
    a school named again keeps its id, flags and measures (moving between the lists as named), a
    new name is a new school, a school no longer named is removed. Each list takes the places its
    schools had, so a list given as it is changes nothing."""
    by_name = {s["name"].casefold(): s for s in schools}
    slots: list[dict[str, Any] | None] = [None] * len(schools)
    extra: list[dict[str, Any]] = []
    for mentor in (False, True):
        current = [i for i, s in enumerate(schools) if bool(s.get("is_mentor")) == mentor]
        wanted = names[mentor]
        if wanted is None:
            wanted = [schools[i]["name"] for i in current]
        for n, name in enumerate(wanted):
            school = dict(by_name.get(name.casefold()) or {"id": None, "risk_profiles": []})
            school.update(name=name, is_mentor=mentor)
            if n < len(current):
                slots[current[n]] = school
            else:
                extra.append(school)
    return [s for s in slots if s is not None] + extra


def _dump_value(state: dict[str, Any], field: str) -> Any:
    """A document field of a snapshot, by its name in the dump."""
    if field == "period":
        return (state["period_start"], state["period_end"])
    if field in ("schools", "mentor_schools"):
        return [
            s["name"] for s in state["schools"] if bool(s.get("is_mentor")) == (field == "mentor_schools")
        ]
    if field == "order":
        return state["order"] is not None
    if field.startswith("order."):
        return (state["order"] or {}).get(field[len("order.") :])
    if field.startswith("approval."):
        return state[f"approval_{field[len('approval.') :]}"]
    if field.startswith("signature."):
        return state[f"signature_{field[len('signature.') :]}"]
    if field == "layout":
        return state["layout_profile"]
    return state[field]


def edited_document(before: dict[str, Any], assignments: list[tuple[str, Any]]) -> dict[str, Any]:
    """The snapshot with the assignments made in the order given; a list field named again adds
    its lines to those given before."""
    import copy

    from desktop.services.document import new_order

    after = copy.deepcopy(before)
    given: dict[str, list[str]] = {}
    for field, value in assignments:
        if field in LIST_FIELDS:
            value = given[field] = [*given.get(field, []), *value]
        if field in ("schools", "mentor_schools"):
            continue
        if field == "period":
            after["period_start"], after["period_end"] = value
        elif field == "order":
            after["order"] = None
        elif field.startswith("order."):
            if after["order"] is None:
                after["order"] = new_order(after.get("organization") or "")
            after["order"][field[len("order.") :]] = value
        elif field.startswith("approval."):
            after[f"approval_{field[len('approval.') :]}"] = value
        elif field.startswith("signature."):
            after[f"signature_{field[len('signature.') :]}"] = value
        elif field == "layout":
            after["layout_profile"] = value
        else:
            after[field] = value
    if "schools" in given or "mentor_schools" in given:
        names = {False: given.get("schools"), True: given.get("mentor_schools")}
        after["schools"] = _with_schools(after["schools"], names)
    if given.get("approval.lines") and after["approval_kind"] is None:
        raise UserError(
            "Строки грифа (approval.lines) печатаются только с видом грифа: укажите также "
            "approval.kind=stamp или approval.kind=appendix."
        )
    return after


def document_changes(before: dict[str, Any], after: dict[str, Any], asked: Sequence[str]) -> list[str]:
    """The dump's names of the fields that differ: those asked for first, then the others (an
    order's number also changes the approval mark's lines)."""

    def differs(field: str) -> bool:  # a new order's empty fields ("", []) were none before
        return (_dump_value(before, field) or None) != (_dump_value(after, field) or None)

    first = [f for f in dict.fromkeys(asked) if differs(f)]
    seen = set(first) | ({"period"} if {"period_start", "period_end"} & set(first) else set())
    rest = (f for f in DOCUMENT_FIELDS if f not in seen and f not in ("period_start", "period_end"))
    return first + [f for f in rest if differs(f)]


def cmd_set_document(args: argparse.Namespace) -> None:
    """``set --roadmap``: the «Документ» tab's edit, as the window makes it (EditDocumentCommand:
    one transaction, version-checked, in the change log)."""
    from desktop.services.commands import EditDocumentCommand
    from desktop.services.document import changed_parts, read_document

    pairs = _split_assignments(args.assignments, "order.number=31-п")
    assignments = [(field, _document_value(field, value)) for field, value in pairs]
    database = _open(args.db)
    try:
        service = _service(database)
        before = read_document(service.db, args.roadmap)
        after = edited_document(before, assignments)
        command = EditDocumentCommand.for_state(before, after)
        if args.expect_version is not None:
            command.seen_version = args.expect_version  # refused in the transaction if it differs
        if changed_parts(before, after) or command.seen_version != before["version"]:
            service.operations.apply(command)
            after = command.after  # as stored: the mark follows the order, values cleaned
        else:
            after = before
    finally:
        database.close()
    changed = document_changes(before, after, [field for field, _ in pairs])
    _emit({"roadmap": args.roadmap, "changed": changed, "version": after["version"]})


def cmd_export(args: argparse.Namespace) -> None:
    from desktop.exports import export_tree

    kind, out = next(
        (k, getattr(args, k)) for k in ("pdf", "docx", "xlsx", "ics", "upcoming") if getattr(args, k)
    )
    database = _open(args.db, read_only=True)
    try:
        tree = _service(database).load(args.roadmap)
    finally:
        database.close()
    result = export_tree(tree, kind, Path(out), report=args.report, remind_days=args.remind_days)
    data: dict[str, Any] = {"out": str(result.out)}
    if result.pages is not None:
        data["pages"] = result.pages
    if result.events is not None:
        data["events"] = result.events
    _emit(data)


def cmd_school_sheets(args: argparse.Namespace) -> None:
    """``school-sheets``: a report sheet per school of the roadmap, into a folder."""
    from desktop.exports.school_sheets import write_school_sheets
    from desktop.services.identity import file_identity

    database = _open(args.db)
    try:
        tree = _service(database).load(args.roadmap)
        identity = file_identity(database)
    finally:
        database.close()
    try:
        made = write_school_sheets(tree, identity, Path(args.out))
    except OSError as exc:
        raise UserError(f"Не удалось записать листы в папку «{args.out}»: {exc.strerror or exc}.") from None
    _emit({"sheets": [{"school": m.school, "out": str(m.out), "measures": m.measures} for m in made]})


def cmd_take_sheet(args: argparse.Namespace) -> None:
    """``take-sheet``: a school's returned sheet into the file (one operation); conflicts keep
    the file's value and are reported; ``--dry-run`` only says what would change."""
    from desktop.services.identity import existing_identity
    from desktop.services.sheet_intake import TakeSheetCommand, read_sheet, summary

    sheet = Path(args.sheet)
    if not sheet.is_file():
        raise UserError(f"Лист «{args.sheet}» не найден. Проверьте путь.")
    database = _open(args.db, read_only=args.dry_run)
    try:
        reading = read_sheet(sheet, existing_identity(database), database, _service(database).actor)
        if not args.dry_run:
            _service(database).operations.apply(TakeSheetCommand(reading))
    finally:
        database.close()
    _emit(summary(reading))


def cmd_take_copy(args: argparse.Namespace) -> None:
    """``take-copy``: a copy of the file to carry away, marked so that it can be merged back."""
    from desktop import config
    from desktop.services.copies import take_copy

    database = _open(args.db)
    try:
        made = take_copy(database, Path(args.out), config.current_user())
    finally:
        database.close()
    _emit({"out": str(made.out), "copy": made.copy_id})


def cmd_merge_copy(args: argparse.Namespace) -> None:
    """``merge-copy``: the changes made in a copy come back as one operation; conflicts keep the
    file's value and are reported; ``--dry-run`` only says what would change."""
    from desktop.services.copies import read_copy
    from desktop.services.copy_merge import MergeCopyCommand
    from desktop.services.copy_reading import summary

    database = _open(args.db, read_only=args.dry_run)
    try:
        service = _service(database)
        reading = read_copy(Path(args.copy), database, service.actor)
        if not args.dry_run and not reading.empty:
            service.operations.apply(MergeCopyCommand(reading))
    finally:
        database.close()
    for refused in reading.refused_files:  # said on stderr; stdout stays the command's JSON
        sys.stderr.write(f"Из копии не перенесён файл: {refused}\n")
    _emit(summary(reading))


def cmd_sync(args: argparse.Namespace) -> None:
    """``sync``: the district file's changes since its last sync onto the server, and the
    server's changes for the district into the file; conflicts keep each side's value, are
    reported and stay on record until the values agree."""
    from desktop.services.sync import sync

    if not is_server_address_text(args.server):
        raise UserError("В --server укажите адрес сервера: postgresql://пользователь@сервер/база.")
    database = _open(args.db)
    try:
        server = _open(args.server)
        try:
            result = sync(database, server, _service(database).actor)
        finally:
            server.close()
    finally:
        database.close()
    for refused in result.refused_files:  # said on stderr; stdout stays the command's JSON
        sys.stderr.write(f"Не перенесён файл: {refused}\n")
    _emit(result.as_dict())


def is_server_address_text(text: str) -> bool:
    from models.storage.server import is_server_address

    return is_server_address(text)


def cmd_region(args: argparse.Namespace) -> None:
    """``region``: per district and per school, progress, overdue and due soon (the region's
    summary; on the server, the districts the account may see); ``--xlsx`` writes it to Excel."""
    from desktop.services.region import region_dict, region_summary

    today = date.fromisoformat(args.today) if args.today else date.today()
    database = _open(args.db, read_only=True)
    try:
        lines = region_summary(database, today)
    finally:
        database.close()
    if args.xlsx:
        from desktop.exports.region_xlsx import write_region

        try:
            write_region(lines, today, Path(args.xlsx))
        except OSError as exc:
            raise UserError(f"Не удалось записать «{args.xlsx}»: {exc.strerror or exc}.") from None
    _emit(region_dict(lines))


def _open_server(address: str) -> Any:
    from models.storage.server import is_server_address, open_server

    if not is_server_address(address):
        raise UserError("Эта команда — для сервера: укажите --db postgresql://…, а не файл.")
    return open_server(address)


def cmd_server_setup(args: argparse.Namespace) -> None:
    """``server-setup``: the region's accounts table and row-level security on the server."""
    from models.storage.server_security import setup_region

    database = _open_server(args.db)
    try:
        setup_region(database.engine)
    finally:
        database.close()
    _emit({"ok": True})


def cmd_server_account(args: argparse.Namespace) -> None:
    """``server-account``: a district's (or the ministry's) login on the server; the password is
    read from standard input, never from the command line (other users see those)."""
    from models.storage.server_security import add_account

    if (args.district is None) == (not args.ministry):
        raise UserError("Укажите либо --district НАЗВАНИЕ (учётная запись района), либо --ministry.")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError(
            "Пароль не получен: передайте его на стандартный вход (echo … | python -m desktop …)."
        )
    database = _open_server(args.db)
    try:
        add_account(database.engine, args.account, password, None if args.ministry else args.district)
    finally:
        database.close()
    _emit({"account": args.account, "district": None if args.ministry else args.district})


def cmd_server_log(args: argparse.Namespace) -> None:
    """``server-log``: who changed what on the server (its own trail, the administrator's)."""
    from models.storage.server import translated
    from models.storage.server_security import trail

    try:
        since = datetime.combine(date.fromisoformat(args.since), time()) if args.since else None
    except ValueError:
        raise UserError(f"Дата «{args.since}» не понята: укажите её как 2026-12-01.") from None
    database = _open_server(args.db)
    try:
        with translated(args.db):
            changes = trail(database.engine, args.district, since)
    finally:
        database.close()
    _emit({"changes": [{**c, "at": c["at"].isoformat(timespec="seconds")} for c in changes]})


def cmd_attach(args: argparse.Namespace) -> None:
    """``attach``: a file of evidence into the roadmap file, for a measure or one school's record."""
    database = _open(args.db)
    try:
        service = _service(database)
        ident = service.attach(args.measure, args.school, Path(args.file))
        (found,) = [e for e in service.measure(args.measure).evidence if e.id == ident]
    finally:
        database.close()
    _emit({"measure": args.measure, "id": ident, "name": found.name, "size": found.size})


def cmd_diagnose(args: argparse.Namespace) -> None:
    from desktop.app import diagnose_facts

    _emit(diagnose_facts())


def cmd_shot(args: argparse.Namespace) -> None:
    from desktop.app import render_shot

    try:
        width, height = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        raise UserError(f"Размер «{args.size}» не понят: укажите его как 1366x768.") from None
    out = render_shot(Path(args.db), args.roadmap, args.view, Path(args.out), (width, height))
    _emit({"out": str(out), "size": [width, height]})


def build_parser() -> argparse.ArgumentParser:
    parser = RussianArgumentParser(prog="roadmap", description="Дорожные карты: командная строка.")
    parser.add_argument(
        "--version", action="version", version=f"roadmap {__version__}", help="показать версию и выйти"
    )
    sub = parser.add_subparsers(
        dest="command", parser_class=RussianArgumentParser, title="команды", metavar=COMMAND_METAVAR
    )
    db_help = "файл дорожных карт (.sqlite)"

    demo = sub.add_parser("demo", help="создать файл с демонстрационными данными")
    demo.add_argument("--db", required=True, metavar="ФАЙЛ", help="новый файл")
    demo.set_defaults(func=cmd_demo)

    importer = sub.add_parser("import", help="импортировать дорожную карту из .docx, .xlsx, .txt/.tsv")
    importer.add_argument("source", metavar="ИСТОЧНИК", help="документ с дорожной картой")
    importer.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help + "; создаётся, если его нет")
    importer.set_defaults(func=cmd_import)

    dump = sub.add_parser("dump", help="вывести содержимое файла в JSON")
    dump.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    dump.add_argument("--roadmap", type=int, metavar="ID", help="только эта дорожная карта")
    dump.set_defaults(func=cmd_dump)

    deadline = sub.add_parser("deadline", help="разобрать текст срока")
    deadline.add_argument("text", metavar="ТЕКСТ", help="срок, как он написан, например «ежегодно, ноябрь»")
    deadline.add_argument(
        "--period", required=True, metavar="НАЧАЛО:КОНЕЦ", help="например 2023-09-01:2024-08-31"
    )
    deadline.set_defaults(func=cmd_deadline)

    check = sub.add_parser("check", help="проверить файл, ничего в нём не меняя")
    check.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    check.set_defaults(func=cmd_check)

    setter = sub.add_parser(
        "set", help="изменить мероприятие (--measure) или документ дорожной карты (--roadmap)"
    )
    setter.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    what = setter.add_mutually_exclusive_group(required=True)
    what.add_argument("--measure", type=int, metavar="ID", help="мероприятие (id из dump)")
    what.add_argument("--roadmap", type=int, metavar="ID", help="документ дорожной карты (id из dump)")
    setter.add_argument(
        "--school",
        metavar="ШКОЛА",
        help="с --measure: отчёт этой школы о мероприятии (status, done_on, note)",
    )
    setter.add_argument(
        "--expect-version",
        type=int,
        default=None,
        metavar="ВЕРСИЯ",
        help="версия, которую видел пользователь: если запись изменилась, правка отклоняется",
    )
    setter.add_argument(
        "assignments",
        nargs="+",
        metavar="ПОЛЕ=ЗНАЧЕНИЕ",
        help="поля как в dump; \\n в значении — перенос строки",
    )
    setter.set_defaults(func=cmd_set)

    listing = sub.add_parser("backups", help="список резервных копий файла, новые первыми")
    listing.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    listing.set_defaults(func=cmd_backups)

    restore = sub.add_parser("restore", help="восстановить файл из резервной копии")
    restore.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    restore.add_argument(
        "--backup", required=True, metavar="КОПИЯ", help="путь копии из backups (или её имя)"
    )
    restore.set_defaults(func=cmd_restore)

    export = sub.add_parser("export", help="выгрузить дорожную карту в PDF, Word, Excel или календарь (.ics)")
    export.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    export.add_argument(
        "--roadmap", type=int, required=True, metavar="ID", help="дорожная карта (id из dump)"
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--pdf", metavar="ВЫХОД", help="файл PDF")
    target.add_argument("--docx", metavar="ВЫХОД", help="документ Word (приказ и дорожная карта)")
    target.add_argument("--xlsx", metavar="ВЫХОД", help="книга Excel")
    target.add_argument("--ics", metavar="ВЫХОД", help="календарь (.ics)")
    target.add_argument(
        "--upcoming", metavar="ВЫХОД", help="PDF: просроченные и ближайшие сроки по ответственным"
    )
    export.add_argument("--report", action="store_true", help="отчёт об исполнении вместо плана")
    export.add_argument(
        "--remind-days",
        type=int,
        metavar="ДНЕЙ",
        help="календарь: напоминание за столько дней до конца срока (по умолчанию 3; -1 — без напоминаний)",
    )
    export.set_defaults(func=cmd_export)

    sheets = sub.add_parser("school-sheets", help="листы отчёта для школ: по книге Excel на школу")
    sheets.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    sheets.add_argument(
        "--roadmap", type=int, required=True, metavar="ID", help="дорожная карта (id из dump)"
    )
    sheets.add_argument("--out", required=True, metavar="ПАПКА", help="папка для листов")
    sheets.set_defaults(func=cmd_school_sheets)

    take = sub.add_parser("take-sheet", help="принять заполненный лист отчёта школы")
    take.add_argument("sheet", metavar="ЛИСТ", help="книга Excel, которую вернула школа")
    take.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    take.add_argument("--dry-run", action="store_true", help="только показать, что изменится")
    take.set_defaults(func=cmd_take_sheet)

    taking = sub.add_parser("take-copy", help="взять копию файла с собой (флешка, другой компьютер)")
    taking.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    taking.add_argument("--out", required=True, metavar="КОПИЯ", help="куда записать копию")
    taking.set_defaults(func=cmd_take_copy)
    merging = sub.add_parser("merge-copy", help="объединить файл с копией, взятой из него")
    merging.add_argument("copy", metavar="КОПИЯ", help="копия, в которой работали")
    merging.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    merging.add_argument("--dry-run", action="store_true", help="только показать, что изменится")
    merging.set_defaults(func=cmd_merge_copy)

    syncing = sub.add_parser("sync", help="синхронизировать файл района с сервером региона")
    syncing.add_argument("--db", required=True, metavar="ФАЙЛ", help="файл района")
    syncing.add_argument(
        "--server", required=True, metavar="АДРЕС", help="postgresql://учётная_запись@сервер/база"
    )
    syncing.set_defaults(func=cmd_sync)
    region = sub.add_parser("region", help="сводка региона: по районам и школам")
    region.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    region.add_argument("--today", metavar="ГГГГ-ММ-ДД", help="на какой день считать (по умолчанию сегодня)")
    region.add_argument("--xlsx", metavar="ФАЙЛ.xlsx", help="записать сводку в книгу Excel")
    region.set_defaults(func=cmd_region)

    setup = sub.add_parser("server-setup", help="подготовить сервер региона: учётные записи и права районов")
    setup.add_argument("--db", required=True, metavar="АДРЕС", help="postgresql://администратор@сервер/база")
    setup.set_defaults(func=cmd_server_setup)
    account = sub.add_parser("server-account", help="учётная запись района или министерства на сервере")
    account.add_argument(
        "--db", required=True, metavar="АДРЕС", help="postgresql://администратор@сервер/база"
    )
    account.add_argument("--account", required=True, metavar="ИМЯ", help="имя входа на сервер")
    account.add_argument("--district", metavar="РАЙОН", help="район, чьи дорожные карты она меняет")
    account.add_argument("--ministry", action="store_true", help="министерство: читает все районы")
    account.set_defaults(func=cmd_server_account)
    trail = sub.add_parser("server-log", help="кто что менял на сервере региона (журнал сервера)")
    trail.add_argument("--db", required=True, metavar="АДРЕС", help="postgresql://администратор@сервер/база")
    trail.add_argument("--district", metavar="РАЙОН", help="только изменения этого района")
    trail.add_argument("--since", metavar="ГГГГ-ММ-ДД", help="с этого дня")
    trail.set_defaults(func=cmd_server_log)

    attach = sub.add_parser("attach", help="приложить файл-подтверждение к мероприятию или отчёту школы")
    attach.add_argument("file", metavar="ФАЙЛ_ПОДТВЕРЖДЕНИЯ", help="скан, фото, PDF, документ (до 20 МБ)")
    attach.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    attach.add_argument("--measure", type=int, required=True, metavar="ID", help="мероприятие (id из dump)")
    attach.add_argument("--school", metavar="ШКОЛА", help="к отчёту этой школы (как в списке школ)")
    attach.set_defaults(func=cmd_attach)

    diagnose = sub.add_parser(
        "diagnose", help="сведения для специалиста поддержки: версии, папки, место на диске, Qt"
    )
    diagnose.set_defaults(func=cmd_diagnose)
    shot = sub.add_parser("shot", help="снимок экрана окна программы")
    shot.add_argument("--db", required=True, metavar="ФАЙЛ", help=db_help)
    shot.add_argument("--roadmap", type=int, metavar="ID", help="дорожная карта (id из dump)")
    shot.add_argument(
        "--view", required=True, metavar="ВИД", help="window, grid, document, calendar-month, …"
    )
    shot.add_argument("--out", required=True, metavar="PNG", help="файл снимка")
    shot.add_argument("--size", default="1366x768", metavar="ШxВ", help="размер окна, по умолчанию 1366x768")
    shot.set_defaults(func=cmd_shot)
    return parser


def run(argv: Sequence[str]) -> int:
    """Run one command; returns the exit code."""
    # Log lines of a command go to the log file only (written on an internal error); without a
    # handler Python would print warnings in English on stderr, where the user reads Russian.
    logging.getLogger().addHandler(logging.NullHandler())
    _speak_utf8()
    parser = build_parser()
    args = parser.parse_args(list(argv))
    func: Callable[[argparse.Namespace], None] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    from models.domain.errors import DomainError

    try:
        func(args)
    except (UserError, DomainError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        sys.stderr.write(message + "\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Прервано пользователем.\n")
        return 1
    except Exception:
        from desktop.logging_setup import log_path, setup_logging

        setup_logging()
        log.exception("internal error in command %s", args.command)
        sys.stderr.write(f"Внутренняя ошибка программы. Подробности записаны в журнал: {log_path()}\n")
        return 1
    return 0
