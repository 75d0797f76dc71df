"""Office finder speed: knowledge base load and index time, latency per question, questions per second.

    python -m bench.finder_speed [--rounds N]

Questions come from the labelled TSVs under bench/data (all languages, in and out of scope). The word caches (stems,
Arabizi readings, French sound keys, known variants of unknown words) and the fuzzy-match cache are cleared before each
timed question, so the latencies hold for questions never seen before. Load time is shown from the YAML file and from
its compiled copy (knowledge.compiled), which every start after the first uses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.faq import read_rows
from knowledge import finder as finder_module
from knowledge import normalize
from knowledge.compiled import open_finder
from knowledge.finder import OfficeFinder
from knowledge.loader import load

DATA = Path(__file__).resolve().parent / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    directory = load()
    loaded = time.perf_counter()
    OfficeFinder(directory)
    indexed = time.perf_counter()
    print(f"knowledge base from its file: loaded in {1000 * (loaded - started):.0f} ms, "
          f"indexed in {1000 * (indexed - loaded):.0f} ms (total {1000 * (indexed - started):.0f} ms)")
    open_finder()  # writes the compiled copy if there is none yet
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        finder = open_finder()
        timings.append(time.perf_counter() - started)
    print(f"knowledge base and index from the compiled copy (every start after the first): "
          f"median {1000 * statistics.median(timings):.0f} ms, max {1000 * max(timings):.0f} ms")

    questions = [q for path in sorted(DATA.glob("*.tsv")) for _, _, q in read_rows(path)]
    latencies: list[float] = []
    for _ in range(args.rounds):
        for question in questions:
            normalize.stem_cached.cache_clear()
            normalize.arabizi_to_arabic.cache_clear()
            normalize.french_sounds.cache_clear()
            finder_module._latin_verb_stems.cache_clear()
            OfficeFinder._fuzzy.cache_clear()  # no word seen before, not even a misspelling
            for method in (OfficeFinder._known_variant, OfficeFinder._arabizi_known, OfficeFinder._arabizi_verb,
                           OfficeFinder._arabizi_marker, OfficeFinder._arabizi_stopword):
                method.cache_clear()
            t0 = time.perf_counter()
            finder.find(question)
            latencies.append(time.perf_counter() - t0)
    latencies.sort()
    p = lambda q: 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print(f"latency over {len(latencies)} questions (cold word cache): "
          f"p50 {p(0.50):.2f} ms, p95 {p(0.95):.2f} ms, p99 {p(0.99):.2f} ms, max {1000 * latencies[-1]:.2f} ms")

    for question in questions:  # a running bot has seen most words before: warm the caches once
        finder.find(question)
    t0 = time.perf_counter()
    count = 0
    while time.perf_counter() - t0 < 3.0:
        for question in questions:
            finder.find(question)
            count += 1
    elapsed = time.perf_counter() - t0
    mean = statistics.fmean(latencies)
    print(f"throughput on one core: {count / elapsed:,.0f} questions/s with warm word caches, "
          f"{1 / mean:,.0f} questions/s with every word new (mean latency {1000 * mean:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
