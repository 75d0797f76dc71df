"""The load benchmark runs end to end on a tiny scale: real bot process, real HTTP, every kind of update.

Figures are not checked here (no timed tests): only that the benchmark works and the bot answered everything.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_load_benchmark_drives_the_real_bot_and_the_echo_bot_without_errors():
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--db", "sqlite", "--users", "6", "--warmup", "0.3",
         "--seconds", "1", "--rate", "10", "--staff", "300", "--requests", "300"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    out = result.stdout
    assert "Traceback" not in out + result.stderr, out + result.stderr
    rates = re.findall(r"^(echo|sqlite), (closed|open) loop \(.*?\)\s+([\d.]+)", out, flags=re.MULTILINE)
    runs = {(bot, loop) for bot, loop, _ in rates}
    assert runs == {(b, lp) for b in ("echo", "sqlite") for lp in ("closed", "open")}, out
    assert all(float(rate) > 0 for _, _, rate in rates), out
    assert "PASS  sqlite: no errors" in out, out
    mix = re.search(r"mix question (\d+)%, new request (\d+)%, status check (\d+)%", out)
    assert mix is not None and all(int(share) > 0 for share in mix.groups()), out
