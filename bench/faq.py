"""Office finder quality on a labelled TSV (expected_office_ar, lang, question; `-` = out of scope).

    python -m bench.faq [FILE.tsv ...] [--errors]

Prints top-1 and top-3 accuracy per language, and the abstention figures.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from knowledge.compiled import open_finder
from knowledge.finder import OfficeFinder
from knowledge.normalize import fold

DEFAULT_FILES = [Path(__file__).resolve().parent / "data" / "faq_dev.tsv"]


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["expected_office_ar"].strip(), r["lang"].strip(), r["question"].strip()) for r in reader]


def evaluate(finder: OfficeFinder, rows: list[tuple[str, str, str]], show_errors: bool = False) -> dict[str, float]:
    per_lang: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for expected, lang, question in rows:
        answer = finder.find(question)
        stats = per_lang[lang]
        ranked = ([answer.best] if answer.best else []) + list(answer.alternatives)
        names = [fold(c.office.name_ar) for c in ranked]
        if expected == "-":
            stats["oos"] += 1
            stats["oos_abstained"] += answer.abstained
            if show_errors and not answer.abstained:
                print(f"  OOS answered  [{lang}] {question!r} -> {answer.best.office.name_ar} ({answer.confidence})")
            continue
        stats["n"] += 1
        target = fold(expected)
        top1 = not answer.abstained and names[:1] == [target]
        stats["top1"] += top1
        stats["top3"] += target in names[:3]
        stats["abstained"] += answer.abstained
        if show_errors and not top1:
            got = answer.best.office.name_ar if answer.best else "(abstained)"
            alt = names[:3]
            print(f"  MISS [{lang}] {question!r}\n"
                  f"       want {expected} got {got} ({answer.confidence}) top3={target in alt}")
    return _report(per_lang)


def _report(per_lang: dict[str, dict[str, int]]) -> dict[str, float]:
    total: dict[str, int] = defaultdict(int)
    figures: dict[str, float] = {}
    print(f"{'lang':<9}{'n':>5}{'top-1':>9}{'top-3':>9}{'abstain':>9}   out-of-scope abstained")
    for lang in sorted(per_lang):
        s = per_lang[lang]
        for k, v in s.items():
            total[k] += v
        _line(lang, s)
    _line("all", total)
    n = max(total["n"], 1)
    figures = {
        "top1": total["top1"] / n,
        "top3": total["top3"] / n,
        "in_scope_abstained": total["abstained"] / n,
        "oos_abstained": total["oos_abstained"] / max(total["oos"], 1),
    }
    return figures


def _line(lang: str, s: dict[str, int]) -> None:
    n = s["n"]
    pct = (lambda k: f"{100 * s[k] / n:8.1f}%") if n else (lambda k: f"{'-':>9}")
    oos = f"{s['oos_abstained']}/{s['oos']}" if s["oos"] else "-"
    print(f"{lang:<9}{n:>5}{pct('top1')}{pct('top3')}{pct('abstained')}   {oos}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    from bot.settings import Settings

    settings = Settings()
    finder = open_finder(settings.knowledge_file, min_confidence=settings.finder_min_confidence)
    for path in args.files or DEFAULT_FILES:
        rows = read_rows(path)
        print(f"== {path} ({len(rows)} questions)")
        evaluate(finder, rows, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
