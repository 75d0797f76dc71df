"""`python -m bot demo`: the demo's seeded world (people to play, an agent for every office, requests in every
state), and the command itself, which prints the web chat's address and stops cleanly on Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from sqlmodel import select

from bot.demo_seed import ADMIN_ID, agent_ids, personas, seed
from desk.actors import resolve_actor
from models import Agent, Notification, Request

ROOT = Path(__file__).resolve().parents[1]
AMINA, STATUS_AGENT = 1_001, 3_002  # a teacher; the agent of hr-admin-status (second office of the org chart)


# --- the seed ----------------------------------------------------------------------------------------


def test_the_seed_gives_every_office_an_agent_and_requests_in_every_state(uow, directory):
    report = seed(uow)
    statuses = {"new", "in_progress", "awaiting_requester", "resolved", "rejected"}
    assert set(report.requests.values()) == statuses
    with uow.reading() as session:
        offices = {a.office_id for a in session.exec(select(Agent)).all()}
        waiting = session.exec(select(Notification)).all()
        requests = session.exec(select(Request)).all()
    assert offices == {office.id for _, office in directory.offices()}
    assert {r.reference for r in requests} == set(report.requests)
    assert waiting, "the seeded events' notices wait for the bot to deliver them"
    assert resolve_actor(uow, agent_ids(directory)["hr-admin-status"]).serves("hr-admin-status")
    teacher = resolve_actor(uow, AMINA)
    assert teacher.is_registered and teacher.role == "teacher"
    assert resolve_actor(uow, 2_001).is_principal


def test_the_people_to_play_cover_every_role_and_office(directory):
    people = personas(directory)
    roles = {p.role for p in people}
    assert {"teacher", "principal", "agent", "admin", "newcomer"} <= roles
    assert {p.office_id for p in people if p.role == "agent"} == {o.id for _, o in directory.offices()}
    assert len({p.telegram_id for p in people}) == len(people)
    assert next(p for p in people if p.office_id == "hr-admin-status").telegram_id == STATUS_AGENT
    assert any(p.telegram_id == ADMIN_ID for p in people)


def test_python_m_bot_demo_prints_the_address_and_stops_on_ctrl_c(tmp_path: Path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", "0", "--data-dir", str(tmp_path)],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "http://127.0.0.1:" in line:
                break
        address = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert address, "".join(lines)
        with urllib.request.urlopen(address.group(0) + "api/people", timeout=10) as response:
            assert b"hr-admin-status" in response.read()
        assert (tmp_path / "demo.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0
