"""The command-line contracts other tools rely on, and starting without a token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    # Run outside the checkout so that a developer's own .env (with a real token) is never read.
    with tempfile.TemporaryDirectory() as elsewhere:
        return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                              cwd=elsewhere, env={**clean, **(env or {})}, timeout=120)


def test_kb_json_prints_every_service_office_and_task_in_both_languages():
    result = run("kb", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"services"}
    assert len(data["services"]) == 6
    offices = [o for s in data["services"] for o in s["offices"]]
    assert len(offices) == 34
    for service in data["services"]:
        assert set(service) == {"id", "name_ar", "name_fr", "offices"}
    for office in offices:
        assert set(office) == {"id", "name_ar", "name_fr", "tasks"}
        for task in office["tasks"]:
            assert set(task) == {"ar", "fr"} and task["ar"] and task["fr"]
    assert sum(len(o["tasks"]) for o in offices) >= 285


def test_ask_jsonl_answers_each_line_in_order_with_the_agreed_shape():
    questions = ["بغيت شهادة العمل", "Comment réserver un billet d'avion ?", "rokhsa dyal lwilada fin wslat"]
    result = run("ask", "--jsonl", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    for answer in answers:
        assert set(answer) == {"question", "office", "alternatives", "evidence", "confidence"}
        assert 0 <= answer["confidence"] <= 1
        for office in ([answer["office"]] if answer["office"] else []) + answer["alternatives"]:
            assert set(office) == {"id", "name_ar", "name_fr", "service_ar"}
        assert len(answer["alternatives"]) <= 3
    assert answers[0]["office"]["name_ar"] == "مكتب تدبير الوضعيات الإدارية والمسار المهني للموظفين"
    assert answers[0]["evidence"] and all(isinstance(line, str) for line in answers[0]["evidence"])
    assert answers[1]["office"] is None and answers[1]["evidence"] == []
    assert answers[2]["office"]["id"] == "hr-leave"


def test_ask_prints_a_readable_answer_for_a_person():
    result = run("ask", "حادثة مدرسية")
    assert result.returncode == 0
    assert "مكتب الحوادث المدرسية والتأمين المدرسي" in result.stdout


def test_starting_without_a_token_explains_how_to_get_one_without_a_traceback(tmp_path):
    result = run("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr and ".env" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_knowledge_base_stops_with_the_field_and_line(tmp_path):
    broken = tmp_path / "kb.yaml"
    broken.write_text((ROOT / "knowledge" / "directorate.yaml").read_text(encoding="utf-8")
                      .replace("reception_office: legal-communication", "reception_office: nowhere"), encoding="utf-8")
    result = run("kb", "--check", env={"KNOWLEDGE_FILE": str(broken)})
    assert result.returncode == 3
    assert "directorate.reception_office" in result.stderr and "nowhere" in result.stderr
    assert "Traceback" not in result.stderr
