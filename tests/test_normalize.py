"""Arabic, Darija, Arabizi and French are reduced to comparable terms."""

import pytest

from knowledge.normalize import fold, raw_tokens, stem_arabic, terms


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("أُسْتَاذٌ", "استاذ"),  # diacritics dropped, hamza-on-alef to alef
        ("إدماج", "ادماج"),
        ("آباء", "اباء"),
        ("ٱلتعليم", "التعليم"),
        ("مسؤول", "مسوول"),
        ("رئيس", "رييس"),
        ("مستشفى", "مستشفي"),
        ("ـــحادثـــة", "حادثة"),  # tatweel
        ("العائلية", "العايلية"),  # not the bare hamza pyarabic's normalize_hamza would leave
        ("٢٠٢٦", "2026"),
        ("۲۰۲۶", "2026"),
        ("Élève CONGÉ", "eleve conge"),
        ("ﻻ", "لا"),  # presentation form
    ],
)
def test_letters_are_folded_the_same_way_on_both_sides(written, folded):
    assert fold(written) == folded


def test_light_stemming_matches_singular_and_sound_plural():
    assert stem_arabic("الرخص") == stem_arabic("رخصة")
    assert stem_arabic("التعويضات") == stem_arabic("تعويض")
    assert stem_arabic("والمؤسسات".replace("ؤ", "و")) == stem_arabic("موسسة")


def test_taa_marbuta_is_folded_after_stemming_so_suffixes_still_strip():
    assert stem_arabic("مدرسة") == stem_arabic("المدرسه") == "مدرس"


def test_darija_article_after_fi_is_stripped():
    assert stem_arabic("فالمدرسة") == stem_arabic("المدرسة")


def test_arabizi_digits_read_as_letters():
    assert terms("ro5sa") == terms("rokhsa")
    assert terms("7aditha") == terms("haditha")


def test_french_elisions_and_accents():
    assert raw_tokens("l'école d'été") == ["ecole", "ete"]
    assert terms("congés") == terms("conge")


def test_stopwords_are_dropped_and_single_letters_ignored():
    assert terms("bghit l attestation", frozenset({"bghit"})) == terms("attestation")
