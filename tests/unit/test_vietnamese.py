import unicodedata

import pytest

from bot.vietnamese import clean_message, fold, folded_terms, has_words, looks_foreign, normalise_tone_placement


def test_fold_removes_every_diacritic_and_d_bar():
    assert fold("Thủy sản ĐÀ NẴNG đảo") == "thuy san da nang dao"


def test_fold_is_the_same_for_nfc_and_nfd():
    text = "Lãnh hải rộng bao nhiêu hải lý"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


@pytest.mark.parametrize(("new", "old"), [("hoà", "hòa"), ("thuỷ", "thủy"), ("uỷ", "ủy"), ("khoẻ", "khỏe")])
def test_tone_marks_move_to_the_usual_place(new, old):
    assert normalise_tone_placement(new) == old


def test_tone_placement_leaves_qu_and_closed_syllables_alone():
    assert normalise_tone_placement("quý") == "quý"
    assert normalise_tone_placement("hoàn") == "hoàn"


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("ghe 15m co phai lap vms k", ["tau", "15", "met", "co", "phai", "lap", "vms", "khong"]),
        ("răng phải bật VMS 24/24?", ["sao", "phai", "bat", "vms", "24", "24"]),
        ("phat bn tien ntn", ["phat", "bao", "nhieu", "tien", "nhu", "the", "nao"]),
        ("hông biết", ["khong", "biet"]),
        ("tinh qn hnay đc ho tro ko", ["tinh", "quang", "ngai", "hom", "nay", "duoc", "ho", "tro", "khong"]),
    ],
)
def test_teencode_and_dialect_read_as_standard_words(typed, terms):
    assert folded_terms(typed) == terms


def test_accented_words_are_never_taken_for_teencode():
    # "hỏng" (broken) must not become "không"; "túi" (bag) must not become "tôi".
    assert folded_terms("VMS bị hỏng") == ["vms", "bi", "hong"]
    assert folded_terms("túi") == ["tui"]


def test_chi_is_dialect_for_gi_unless_it_means_spend():
    assert folded_terms("ghe phai lam chi") == ["tau", "phai", "lam", "gi"]
    assert folded_terms("chi phi dua ngu dan ve") == ["chi", "phi", "dua", "ngu", "dan", "ve"]


def test_clean_message_normalises_and_bounds():
    nfd = unicodedata.normalize("NFD", "hải  lý\x00\x07 ")
    assert clean_message(nfd, 100) == "hải lý"
    long = "cá " * 3000
    cleaned = clean_message(long, 1000)
    assert len(cleaned) <= 1000 and cleaned.endswith("cá")
    assert clean_message(None, 100) == ""
    assert clean_message(12, 100) == ""


def test_has_words():
    assert has_words("a") and has_words("112")
    assert not has_words("😀😀 ?!") and not has_words("   ")


@pytest.mark.parametrize(
    "text",
    ["What is the territorial sea of Vietnam?", "你好，请问", "Привет как дела", "quel temps fait-il aujourd'hui"],
)
def test_foreign_text_is_recognised(text):
    assert looks_foreign(text)


@pytest.mark.parametrize(
    "text", ["lanh hai rong bao nhieu", "tàu 15m", "vms la gi", "SOS", "hello", "cuu ghe QNg 90456 TS", "nq 52 cp la j"]
)
def test_vietnamese_without_diacritics_is_not_foreign(text):
    assert not looks_foreign(text)
