"""The command line of docs/CLI.md: JSON on stdout, one Russian line on stderr for user errors.

Exit codes: 0 success, 1 user error (bad file, unknown roadmap…), 2 bad arguments. Heavy
modules (SQLAlchemy, Qt) are imported inside the commands that need them, so that
``--version`` and ``deadline`` start fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from desktop import __version__

log = logging.getLogger(__name__)


class UserError(Exception):
    """A problem with what the user asked for: message printed, exit 1."""


class RussianArgumentParser(argparse.ArgumentParser):
    """argparse with its complaints in Russian (exit 2, as argparse does)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Ошибка в параметрах: {message}\n")


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _open(path: str, *, read_only: bool = False) -> Any:
    from desktop import config
    from models.storage.database import open_database

    return open_database(Path(path), config.backup_root(), read_only=read_only)


def _service(database: Any) -> Any:
    from desktop import config
    from desktop.services.roadmap import Actor, RoadmapService

    return RoadmapService(database, Actor(config.current_user(), config.current_computer()))


# ---- commands --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> None:
    from desktop.services.demo import create_demo

    path = Path(args.db)
    if path.exists():
        raise UserError(f"Файл «{path}» уже существует; демонстрационные данные его не перезапишут.")
    _emit({"db": str(path), "roadmaps": create_demo(path)})


def cmd_import(args: argparse.Namespace) -> None:
    from desktop import config
    from desktop.importers import read_source, recognise
    from desktop.services.writer import write_roadmap
    from models.storage.database import open_database

    recognised = recognise(read_source(Path(args.source)))  # nothing is opened or written before this
    database = open_database(Path(args.db), config.backup_root(), create=True)
    try:
        result = write_roadmap(database, recognised.roadmap)
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
    if facts.network:
        sys.stderr.write(NETWORK_WARNING + "\n")
    _emit(out)


def _parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise UserError(f"«{pair}»: ожидается ПОЛЕ=ЗНАЧЕНИЕ, например status=done.")
        changes[field.strip()] = value.replace("\\n", "\n")
    return changes


def cmd_set(args: argparse.Namespace) -> None:
    changes = _parse_assignments(args.assignments)
    database = _open(args.db)
    try:
        service = _service(database)
        changed = service.edit_measure(args.measure, args.expect_version, changes)
        version = service.measure(args.measure).version
    finally:
        database.close()
    _emit({"measure": args.measure, "changed": changed, "version": version})


def cmd_export(args: argparse.Namespace) -> None:
    from desktop.exports import export_tree

    kind, out = next((k, getattr(args, k)) for k in ("pdf", "xlsx", "ics") if getattr(args, k))
    database = _open(args.db, read_only=True)
    try:
        tree = _service(database).load(args.roadmap)
    finally:
        database.close()
    result = export_tree(tree, kind, Path(out), report=args.report)
    data: dict[str, Any] = {"out": str(result.out)}
    if result.pages is not None:
        data["pages"] = result.pages
    if result.events is not None:
        data["events"] = result.events
    _emit(data)


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
    parser.add_argument("--version", action="version", version=f"roadmap {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=RussianArgumentParser)

    demo = sub.add_parser("demo", help="создать файл с демонстрационными данными")
    demo.add_argument("--db", required=True)
    demo.set_defaults(func=cmd_demo)

    importer = sub.add_parser("import", help="импортировать дорожную карту из .docx, .xlsx, .txt/.tsv")
    importer.add_argument("source")
    importer.add_argument("--db", required=True)
    importer.set_defaults(func=cmd_import)

    dump = sub.add_parser("dump", help="вывести содержимое файла в JSON")
    dump.add_argument("--db", required=True)
    dump.add_argument("--roadmap", type=int)
    dump.set_defaults(func=cmd_dump)

    deadline = sub.add_parser("deadline", help="разобрать текст срока")
    deadline.add_argument("text")
    deadline.add_argument("--period", required=True, help="НАЧАЛО:КОНЕЦ, например 2023-09-01:2024-08-31")
    deadline.set_defaults(func=cmd_deadline)

    check = sub.add_parser("check", help="проверить файл, ничего в нём не меняя")
    check.add_argument("--db", required=True)
    check.set_defaults(func=cmd_check)

    setter = sub.add_parser("set", help="изменить мероприятие")
    setter.add_argument("--db", required=True)
    setter.add_argument("--measure", type=int, required=True)
    setter.add_argument(
        "--expect-version",
        type=int,
        default=None,
        help="версия, которую видел пользователь: если запись изменилась, правка отклоняется",
    )
    setter.add_argument("assignments", nargs="+", metavar="ПОЛЕ=ЗНАЧЕНИЕ")
    setter.set_defaults(func=cmd_set)

    export = sub.add_parser("export", help="выгрузить дорожную карту в PDF, Excel или календарь (.ics)")
    export.add_argument("--db", required=True)
    export.add_argument("--roadmap", type=int, required=True)
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--pdf", metavar="OUT")
    target.add_argument("--xlsx", metavar="OUT")
    target.add_argument("--ics", metavar="OUT")
    export.add_argument("--report", action="store_true", help="отчёт об исполнении вместо плана")
    export.set_defaults(func=cmd_export)

    shot = sub.add_parser("shot", help="снимок экрана окна программы")
    shot.add_argument("--db", required=True)
    shot.add_argument("--roadmap", type=int)
    shot.add_argument("--view", required=True)
    shot.add_argument("--out", required=True)
    shot.add_argument("--size", default="1366x768")
    shot.set_defaults(func=cmd_shot)
    return parser


def run(argv: Sequence[str]) -> int:
    """Run one command; returns the exit code."""
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
