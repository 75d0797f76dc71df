#!/usr/bin/env python3
"""One-command tasks on a fresh machine with only Python 3.11+.

    python3 tasks.py start      install (into .venv) and start the bot
    python3 tasks.py test       install (into .venv) and run the whole test suite
    python3 tasks.py demo       install and start the local demo (no token needed)
    python3 tasks.py bot ARGS   install and run `python -m bot ARGS` (db upgrade, roster import, agents …)

The virtual environment is created in .venv and refreshed whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 — run by whatever python3 the machine has: say so clearly
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        _say(f"creating the virtual environment in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
        except Exception as exc:  # ensurepip missing on some distributions
            sys.exit(f"Could not create {VENV} ({exc}). On Debian/Ubuntu: apt-get install python3-venv")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}-{extras or 'base'}"
    if stamp.exists() or (VENV / f".installed-{digest}-test").exists():
        return
    _say("installing the project and its dependencies (first run, or pyproject.toml changed)")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--editable", target], check=True, cwd=ROOT
    )
    for old in VENV.glob(".installed-*"):
        if not old.name.startswith(f".installed-{digest}-"):
            old.unlink()
    stamp.touch()


def compile_translations() -> None:
    subprocess.run([str(PYTHON), "-m", "bot", "i18n", "compile"], check=True, cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0 if argv else 2
    task, rest = argv[0], argv[1:]
    if task == "test":
        ensure_environment("test")
        compile_translations()
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    if task in {"start", "demo", "bot"}:
        ensure_environment("")
        compile_translations()
        command = {"start": ["run"], "demo": ["demo"], "bot": []}[task]
        return subprocess.call([str(PYTHON), "-m", "bot", *command, *rest], cwd=ROOT)
    print(f"Unknown task '{task}'.\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
