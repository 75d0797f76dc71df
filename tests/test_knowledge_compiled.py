"""The compiled copy of the knowledge base: used when current, never when stale, skipped when unusable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import compiled
from knowledge.compiled import open_finder
from knowledge.finder import OfficeFinder
from knowledge.loader import DEFAULT_PATH, KnowledgeBaseError, load

QUESTIONS = [
    "أريد الحصول على شهادة العمل",
    "bghit attestation de travail 3afak",
    "congé de maladie, où déposer le certificat ?",
    "شنو الجو غدا؟",
]


@pytest.fixture
def kb_file(tmp_path: Path) -> Path:
    target = tmp_path / "directorate.yaml"
    shutil.copyfile(DEFAULT_PATH, target)
    return target


def _copies(kb_file: Path) -> list[Path]:
    return sorted((kb_file.parent / "__pycache__").glob("*.kb.pickle"))


def _answers(finder: OfficeFinder) -> list[tuple[str | None, list[str], float]]:
    out = []
    for question in QUESTIONS:
        answer = finder.find(question)
        out.append((answer.best.office.id if answer.best else None,
                    [c.office.id for c in answer.alternatives], answer.confidence))
    return out


def test_the_compiled_copy_answers_exactly_like_the_file(kb_file: Path) -> None:
    fresh = OfficeFinder(load(kb_file))
    first = open_finder(kb_file)  # builds and writes the copy
    assert len(_copies(kb_file)) == 1
    second = open_finder(kb_file)  # reads it
    assert _answers(first) == _answers(second) == _answers(fresh)
    assert second.directory.office("hr-leave").name_ar == fresh.directory.office("hr-leave").name_ar


def test_an_edited_file_is_read_again_and_the_old_copy_removed(kb_file: Path) -> None:
    open_finder(kb_file)
    old = _copies(kb_file)
    text = kb_file.read_text(encoding="utf-8")
    renamed = "مكتب الرخص وتدبير وتحيين المعطيات وتتبع منظومة مسير"
    assert text.count("name_ar: مكتب الرخص وتدبير وتحيين المعطيات وتتبع نظام مسير") == 1
    kb_file.write_text(text.replace("name_ar: مكتب الرخص وتدبير وتحيين المعطيات وتتبع نظام مسير",
                                    f"name_ar: {renamed}"), encoding="utf-8")
    finder = open_finder(kb_file)
    assert finder.directory.office("hr-leave").name_ar == renamed
    assert len(_copies(kb_file)) == 1 and _copies(kb_file) != old


def test_a_broken_file_still_stops_with_the_loader_error_even_with_an_old_copy(kb_file: Path) -> None:
    open_finder(kb_file)
    text = kb_file.read_text(encoding="utf-8")
    kb_file.write_text(text.replace("name_fr:", "name_frr:", 1), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="name_fr"):
        open_finder(kb_file)


def test_a_damaged_copy_is_ignored_and_rewritten(kb_file: Path) -> None:
    expected = _answers(open_finder(kb_file))
    (copy,) = _copies(kb_file)
    copy.write_bytes(b"not a pickle at all")
    assert _answers(open_finder(kb_file)) == expected
    assert copy.read_bytes()[:1] == b"\x80"  # a pickle again


def test_a_folder_where_no_copy_can_be_written_only_costs_time(kb_file: Path) -> None:
    (kb_file.parent / "__pycache__").write_text("a file where the folder would go")
    assert _answers(open_finder(kb_file)) == _answers(OfficeFinder(load(kb_file)))
    assert (kb_file.parent / "__pycache__").read_text() == "a file where the folder would go"


def test_the_copy_depends_on_the_code_that_indexes(kb_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = kb_file.read_bytes()
    before = compiled.digest(source)
    monkeypatch.setattr(compiled, "FORMAT", compiled.FORMAT + 1)
    assert compiled.digest(source) != before
    monkeypatch.undo()
    assert compiled.digest(source) == before
    assert compiled.digest(source + b"\n# comment\n") != before
