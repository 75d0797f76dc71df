"""Catalog maintenance: `python -m bot i18n extract|update|compile|check`."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
SOURCES = ["bot", "handlers", "desk", "knowledge", "models"]
KEYWORDS = ["_", "N_", "t", "gettext", "ngettext:1,2"]


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> None:
    keywords: list[str] = []
    for keyword in KEYWORDS:
        keywords += ["-k", keyword]
    with contextlib.chdir(ROOT):  # source references relative to the project (bot/app.py:37), wherever it lives
        _pybabel(
            "extract", "--no-default-keywords", *keywords, "--sort-by-file", "--no-wrap",
            "--project", "oued-eddahab-assistant", "-o", str(output), *SOURCES,
        )


def update() -> None:
    extract()
    for language in LANGUAGES:
        po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            _pybabel("update", "--no-wrap", "--ignore-obsolete", "-i", str(TEMPLATE), "-d", str(LOCALES_DIR),
                     "-l", language, "-D", DOMAIN)
        else:
            _pybabel("init", "--no-wrap", "-i", str(TEMPLATE), "-d", str(LOCALES_DIR), "-l", language, "-D", DOMAIN)


def compile_catalogs() -> None:
    if any((LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").exists() for lang in LANGUAGES):
        _pybabel("compile", "--use-fuzzy", "-d", str(LOCALES_DIR), "-D", DOMAIN)


def missing_translations(template: Path = TEMPLATE) -> dict[str, list[str]]:
    """msgids of the template that a catalog lacks, leaves empty or marks fuzzy, per language."""
    with template.open("rb") as handle:
        template = read_po(handle)
    wanted = {m.id for m in template if m.id}
    missing: dict[str, list[str]] = {}
    for language in LANGUAGES:
        po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        done: set[object] = set()
        if po.exists():
            with po.open("rb") as handle:
                catalog = read_po(handle)
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and all(strings) and not message.fuzzy:
                    done.add(message.id)
        gaps = sorted(str(m if isinstance(m, str) else m[0]) for m in wanted - done)
        if gaps:
            missing[language] = gaps
    return missing


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    i18n = sub.add_parser("i18n", help="maintain the translation catalogs")
    i18n.add_argument("action", choices=["extract", "update", "compile", "check"])
    i18n.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.action == "extract":
        extract()
    elif args.action == "update":
        update()
    elif args.action == "compile":
        compile_catalogs()
    else:
        extract()
        gaps = missing_translations()
        for language, ids in gaps.items():
            print(f"{language}: {len(ids)} untranslated", file=sys.stderr)
            for msgid in ids:
                print(f"  {msgid!r}", file=sys.stderr)
        return 1 if gaps else 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_run(argparse.Namespace(action=sys.argv[1] if len(sys.argv) > 1 else "check")))
