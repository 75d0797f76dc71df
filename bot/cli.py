"""The command line: `python -m bot COMMAND`.

    run                         start the bot (long polling, or a webhook when WEBHOOK_URL is set)
    kb [--json | --check]       print or check the knowledge base
    ask [QUESTION] [--jsonl]    ask the office finder
    i18n extract|update|compile|check
                                maintain the translation catalogs
    db upgrade                  bring the database schema up to date
    roster import FILE          import the staff roster (CSV or XLSX)
    agents add|list|remove      manage office agents
    demo [--port N]             try the bot without a token: local Telegram stand-in and a web chat
    privacy erase --telegram-id N | --ppr P
                                erase a person's personal data on request (law 09-08)
    report --from --to --out    figures per office over a period, as an XLSX file
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from knowledge.compiled import open_finder
from knowledge.finder import Answer, Candidate, OfficeFinder
from knowledge.loader import Directory, KnowledgeBaseError, load


def _directory(settings: Any = None) -> Directory:
    from bot.settings import Settings

    settings = settings or Settings()
    return load(settings.knowledge_file)


def _finder() -> OfficeFinder:
    from bot.settings import Settings

    settings = Settings()
    return open_finder(settings.knowledge_file, min_confidence=settings.finder_min_confidence)


def kb_json(directory: Directory) -> dict[str, Any]:
    return {
        "services": [
            {
                "id": s.id,
                "name_ar": s.name_ar,
                "name_fr": s.name_fr,
                "offices": [
                    {
                        "id": o.id,
                        "name_ar": o.name_ar,
                        "name_fr": o.name_fr,
                        "tasks": [{"ar": t.ar, "fr": t.fr} for t in o.tasks],
                    }
                    for o in s.offices
                ],
            }
            for s in directory.services
        ]
    }


def _office_json(candidate: Candidate) -> dict[str, str]:
    return {
        "id": candidate.office.id,
        "name_ar": candidate.office.name_ar,
        "name_fr": candidate.office.name_fr,
        "service_ar": candidate.service.name_ar,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "office": _office_json(answer.best) if answer.best else None,
        "alternatives": [_office_json(c) for c in answer.alternatives],
        "evidence": [t.ar for t in answer.best.evidence] if answer.best else [],
        "confidence": answer.confidence,
    }


def _print_answer(answer: Answer, directory: Directory) -> None:
    if answer.best is None:
        reception = directory.reception_office
        print(f"No office found for: {answer.question}")
        print(f"Ask the reception office: {reception.name_ar} — {reception.name_fr}")
    else:
        best = answer.best
        print(f"{best.office.name_ar} — {best.office.name_fr}")
        print(f"  {best.service.name_ar}")
        print(f"  confidence {answer.confidence:.2f}")
        for task in best.evidence:
            print(f"  • {task.ar}")
    if answer.alternatives:
        print("Other offices: " + " | ".join(c.office.name_ar for c in answer.alternatives))


def cmd_kb(args: argparse.Namespace) -> int:
    if args.check:  # validated and indexed, and the compiled copy written: the bot's next start reads that
        directory = _finder().directory
        offices = sum(len(s.offices) for s in directory.services)
        tasks = sum(len(o.tasks) for s in directory.services for o in s.offices)
        print(f"OK: {len(directory.services)} units, {offices} offices, {tasks} task lines ({directory.source})")
        return 0
    directory = _directory()
    print(json.dumps(kb_json(directory), ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    finder = _finder()
    directory = finder.directory
    if args.jsonl:
        questions = [args.question] if args.question else (line.rstrip("\n") for line in sys.stdin)
        for question in questions:
            if not question.strip():
                continue
            print(json.dumps(answer_json(finder.find(question)), ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        print("Give a question: python -m bot ask \"سؤالك\"", file=sys.stderr)
        return 2
    _print_answer(finder.find(args.question), directory)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run

    return run()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The directorate's Telegram assistant.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="start the bot").set_defaults(func=cmd_run)

    kb = sub.add_parser("kb", help="print or check the knowledge base")
    group = kb.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="one line of JSON (the stable contract)")
    group.add_argument(
        "--check", action="store_true",
        help="validate and index the file, print counts, and keep the compiled copy the bot starts from",
    )
    kb.set_defaults(func=cmd_kb)

    ask = sub.add_parser("ask", help="which office handles this question?")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, one JSON answer per line")
    ask.set_defaults(func=cmd_ask)

    from bot import i18n_tools, manage

    manage.add_commands(sub)
    i18n_tools.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KnowledgeBaseError as exc:
        print(f"The knowledge base cannot be used.\n{exc}", file=sys.stderr)
        return 3
