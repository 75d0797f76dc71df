"""Administration commands: database, roster, agents (`python -m bot db|roster|agents …`).

    db upgrade                                              bring the schema up to date (Alembic)
    roster import FILE                                      import the staff roster (CSV or XLSX)
    agents add --telegram-id N --office OFFICE_ID [--head]  make someone an agent of an office
    agents list [--office OFFICE_ID]                        list agents
    agents remove --telegram-id N [--office OFFICE_ID]      remove an agent (from one office or all)
    privacy erase --telegram-id N | --ppr P                 erase a person's personal data on request (law 09-08)
    report --from DATE --to DATE --out FILE.xlsx [--chart FILE.png] [--language ar|fr]
                                                            figures per office over a period (offline)

Errors print one line on stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

EXIT_ERROR = 1
EXIT_DATABASE = 4


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the administration subcommands on the main parser."""
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="bring the database schema up to date").set_defaults(
        func=_guard(cmd_db_upgrade)
    )

    roster = sub.add_parser("roster", help="staff roster").add_subparsers(
        dest="roster_command", required=True
    )
    imp = roster.add_parser("import", help="import the staff roster from a CSV or XLSX file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=_guard(cmd_roster_import))

    agents = sub.add_parser("agents", help="office agents").add_subparsers(
        dest="agents_command", required=True
    )
    add = agents.add_parser("add", help="make a Telegram user an agent of an office")
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--office", required=True, metavar="OFFICE_ID")
    add.add_argument("--head", action="store_true", help="the office head (may reassign requests)")
    add.set_defaults(func=_guard(cmd_agents_add))
    listing = agents.add_parser("list", help="list agents")
    listing.add_argument("--office", metavar="OFFICE_ID")
    listing.set_defaults(func=_guard(cmd_agents_list))
    remove = agents.add_parser("remove", help="remove an agent from one office, or from all")
    remove.add_argument("--telegram-id", type=int, required=True)
    remove.add_argument("--office", metavar="OFFICE_ID")
    remove.set_defaults(func=_guard(cmd_agents_remove))

    privacy = sub.add_parser("privacy", help="personal data (law 09-08)").add_subparsers(
        dest="privacy_command", required=True
    )
    erase = privacy.add_parser("erase", help="erase a person's personal data, keeping anonymous statistics")
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--telegram-id", type=int)
    who.add_argument("--ppr")
    erase.set_defaults(func=_guard(cmd_privacy_erase))

    from bot import demo  # `demo`: the bot on a local Telegram stand-in, with a web chat (bot/demo.py)

    demo.add_command(sub)

    report = sub.add_parser("report", help="figures per office over a period, as an XLSX file (and a chart)")
    report.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    report.add_argument("--chart", type=Path, metavar="FILE.png", help="also draw the chart (PNG)")
    report.add_argument("--language", choices=["ar", "fr"], help="default: DEFAULT_LANGUAGE")
    report.set_defaults(func=_guard(cmd_report))


def _guard(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn domain and database errors into one line on stderr and a non-zero exit code."""

    def run(args: argparse.Namespace) -> int:
        from desk.errors import DeskError, UnknownOffice

        try:
            return command(args)
        except UnknownOffice as exc:
            valid = ", ".join(sorted(o.id for _, o in _directory().offices()))
            print(
                f"error: unknown office '{exc.params['office_id']}'. Valid office ids: {valid}",
                file=sys.stderr,
            )
        except DeskError as exc:
            print(f"error: {exc}", file=sys.stderr)
        except SQLAlchemyError as exc:
            first = (str(getattr(exc, "orig", None) or exc).splitlines() or ["?"])[0]
            print(f"error: database: {first} (did you run `python -m bot db upgrade`?)", file=sys.stderr)
            return EXIT_DATABASE
        return EXIT_ERROR

    return run


def _settings() -> Any:
    from bot.settings import Settings

    return Settings()


def _directory() -> Any:
    from knowledge.loader import load

    return load(_settings().knowledge_file)


def _uow() -> Any:
    from desk.uow import UnitOfWork
    from models.db import make_engine

    settings = _settings()
    return UnitOfWork(make_engine(settings.database_url), settings, _directory())


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from migrations import upgrade
    from models.db import normalize_url

    url = _settings().database_url
    upgrade(url)
    print(f"Database schema is up to date: {normalize_url(url).render_as_string(hide_password=True)}")
    return 0


def _render(reason: str | None, params: dict[str, Any]) -> str:
    if not reason:
        return ""
    try:
        return reason.format(**params)
    except (KeyError, IndexError, ValueError):
        return reason


def cmd_roster_import(args: argparse.Namespace) -> int:
    from desk.actors import Actor
    from desk.roster import Outcome, import_roster

    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return EXIT_ERROR
    report = import_roster(_uow(), Actor.operator(), args.file)
    for row in report.rows:
        line = f"line {row.line}: {row.outcome}"
        if row.ppr:
            line += f" {row.ppr}"
        if row.outcome == Outcome.REJECTED:
            field = f" [{row.field}]" if row.field else ""
            line += f" — {_render(row.reason, row.params)}{field}"
        elif row.changed:
            line += f" ({', '.join(row.changed)})"
        print(line)
    print(", ".join(f"{count} {outcome}" for outcome, count in report.counts.items()))
    return 0


def cmd_agents_add(args: argparse.Namespace) -> int:
    from desk.actors import Actor
    from desk.people import add_agent

    agent = add_agent(_uow(), Actor.operator(), args.telegram_id, args.office, is_head=args.head)
    role = "head of" if agent.is_head else "agent of"
    print(f"{agent.telegram_user_id} is {role} {agent.office_id}")
    return 0


def cmd_agents_list(args: argparse.Namespace) -> int:
    from desk.actors import Actor
    from desk.people import list_agents

    agents = list_agents(_uow(), Actor.operator(), args.office)
    for agent in agents:
        print("\t".join([agent.office_id, str(agent.telegram_user_id)] + (["head"] if agent.is_head else [])))
    if not agents:
        print("No agents.")
    return 0


def cmd_agents_remove(args: argparse.Namespace) -> int:
    from desk.actors import Actor
    from desk.people import remove_agent

    removed = remove_agent(_uow(), Actor.operator(), args.telegram_id, args.office)
    print(f"{args.telegram_id} removed from {', '.join(a.office_id for a in removed)}")
    return 0


def _date(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def cmd_report(args: argparse.Namespace) -> int:
    """The weekly report's XLSX (and chart) for any period, from the database, without Telegram."""
    from bot.i18n import Translator
    from bot.report import write_report
    from desk.actors import Actor
    from desk.reports import period_report

    uow = _uow()
    figures = period_report(uow, Actor.operator(), args.start, args.end)
    t = Translator(args.language or uow.settings.default_language, uow.settings.timezone)
    written = write_report(figures, uow.directory, t, args.out, args.chart, uow.now())
    total = figures.total
    median = "-" if total.median_days is None else f"{total.median_days:g}"
    print(f"{args.start} to {args.end}: {total.received} received, {total.resolved} resolved, "
          f"median {median} working days to resolution, {total.overdue} overdue")
    for path in written:
        print(f"Written: {path}")
    return 0


def cmd_privacy_erase(args: argparse.Namespace) -> int:
    """Erase in the database at once; a bot running meanwhile forgets the person's unsent drafts at its restart."""
    from desk.actors import Actor
    from desk.privacy import erase_person

    report = erase_person(_uow(), Actor.operator(), telegram_id=args.telegram_id, ppr=args.ppr)
    print(
        f"Personal data erased: {report.requests} request(s) anonymized, {report.messages} message(s), "
        f"{report.files} file(s), {report.notifications} notice(s), {report.states} stored state(s) removed"
    )
    return 0
