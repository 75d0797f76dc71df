"""The knowledge base covers the directorate's org chart, in Arabic and French, and refuses a broken file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz

from knowledge.loader import DEFAULT_PATH, KnowledgeBaseError, load
from knowledge.normalize import fold

SEED = Path(__file__).parent / "data" / "org_chart_seed.txt"
LATIN = re.compile(r"[A-Za-zÀ-ÿ]")


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(text.replace("**", ""))).split())


@pytest.fixture(scope="module")
def directory():
    return load()


def seed_task_lines() -> list[str]:
    return [line[2:] for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("- ")]


def test_the_seed_has_the_293_task_lines_the_knowledge_base_must_cover():
    assert len(seed_task_lines()) == 293


def test_every_task_line_of_the_org_chart_is_in_the_knowledge_base(directory):
    kb_lines = [_plain(t.ar) for _, office in directory.offices() for t in office.tasks]
    missing = []
    for line in seed_task_lines():
        wanted = _plain(line)
        best = max(fuzz.partial_ratio(wanted, kb) for kb in kb_lines)
        if best < 90:
            missing.append((best, line))
    assert not missing, f"{len(missing)} seed lines not found: {missing[:5]}"


def test_the_directorate_has_six_units_and_34_offices(directory):
    assert len(directory.services) == 6
    offices = [o for _, o in directory.offices()]
    assert len(offices) == 34
    assert sum(o.name_ar == "كتابة المصلحة" for o in offices) == 3
    equipment = [o for o in offices if o.name_ar == "مكتب التجهيز والبناءات"]
    assert equipment and equipment[0].tasks == []


def test_office_names_are_those_of_the_org_chart(directory):
    text = SEED.read_text(encoding="utf-8")
    # The lists of offices follow each "تتكون … من المكاتب التالية" heading, one name per line.
    listed: list[str] = []
    for block in re.split(r"من المكاتب التالية:?", text)[1:]:
        for line in block.splitlines()[1:]:
            line = line.replace("*", "").replace("#", "").strip()
            if not line:
                continue
            if line.startswith(("تتولى", "يتولى", "تتكون", "يتكون")):
                break
            listed.append(line)
    assert len(listed) == 34
    names = [_plain(o.name_ar) for _, o in directory.offices()]
    for name in listed:
        scores = sorted((fuzz.ratio(_plain(name), kb) for kb in names), reverse=True)
        assert scores[0] >= 90, f"no office named like «{name}»"


def test_every_service_office_and_task_has_a_french_translation(directory):
    for service in directory.services:
        assert LATIN.search(service.name_fr)
        for office in service.offices:
            assert LATIN.search(office.name_fr), office.id
            for task in office.tasks:
                assert LATIN.search(task.fr) and task.fr != task.ar, (office.id, task.ar)


def test_every_office_has_keywords_in_the_four_registers(directory):
    for _, office in directory.offices():
        kw = office.keywords
        assert kw.ar and kw.darija and kw.arabizi and kw.fr, office.id
        assert all(LATIN.search(k) for k in kw.arabizi + kw.fr), office.id


def test_request_types_route_to_the_offices_the_directorate_named(directory):
    names = {t.id: directory.office(t.office).name_ar for t in directory.data.request_types if t.office}
    assert names["leave_followup"] == "مكتب الرخص وتدبير وتحيين المعطيات وتتبع نظام مسير"
    assert names["certificate"] == "مكتب تدبير الوضعيات الإدارية والمسار المهني للموظفين"
    assert names["accident_followup"] == "مكتب الحوادث المدرسية والتأمين المدرسي"
    assert names["complaint"] == "مكتب الشؤون القانونية"
    handin = {c.id: directory.office(c.office).name_ar for c in directory.request_type("document_handin").choices}
    assert handin["medical_certificate"] == names["leave_followup"]
    assert handin["family_allowance_file"] == "مكتب التكوين المستمر والتعويضات العائلية وتحويل الأجرة"
    assert handin["accident_declaration"] == names["accident_followup"]
    assert handin["joining_report"] == names["certificate"]
    certificates = {c.name_ar for c in directory.request_type("certificate").choices}
    assert {"شهادة العمل", "شهادة الوضعية الإدارية", "بيان الخدمات", "نسخة قرار"} <= certificates
    assert directory.request_type("question").office is None


# ---------------------------------------------------------------- a broken file stops start-up, saying where


def _broken(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_duplicate_office_id_is_refused_with_its_place(tmp_path):
    def mutate(d):
        d["services"][0]["offices"][1]["id"] = d["services"][0]["offices"][0]["id"]

    with pytest.raises(KnowledgeBaseError, match=r"services\[0\]\.offices\[1\]\.id.*duplicate id"):
        load(_broken(tmp_path, mutate))


def test_a_route_to_an_unknown_office_is_refused(tmp_path):
    def mutate(d):
        d["request_types"][0]["office"] = "no-such-office"

    with pytest.raises(KnowledgeBaseError, match=r"request_types\[0\]\.office: unknown office 'no-such-office'"):
        load(_broken(tmp_path, mutate))


def test_an_empty_french_name_is_refused_naming_the_field_and_line(tmp_path):
    def mutate(d):
        d["services"][1]["offices"][2]["name_fr"] = "  "

    with pytest.raises(KnowledgeBaseError) as caught:
        load(_broken(tmp_path, mutate))
    message = str(caught.value)
    assert "services[1].offices[2].name_fr" in message
    assert re.search(r"\(line \d+\)", message)


def test_a_task_without_translation_is_refused(tmp_path):
    def mutate(d):
        del d["services"][0]["offices"][1]["tasks"][0]["fr"]

    with pytest.raises(KnowledgeBaseError, match=r"services\[0\]\.offices\[1\]\.tasks\[0\]\.fr.*Field required"):
        load(_broken(tmp_path, mutate))


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "kb.yaml"
    path.write_text("services: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid YAML"):
        load(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load(tmp_path / "absent.yaml")
