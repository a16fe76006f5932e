import unicodedata

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.tokenizer import VietnameseTokenizer


def tokenize(text: str, segmentation: str = "syllable"):
    tokenizer = VietnameseTokenizer({**VietnameseTokenizer.get_default_config(), "segmentation": segmentation})
    return tokenizer.tokenize(Message(data={TEXT: text}), TEXT)


def lemmas(text: str, segmentation: str = "syllable") -> list[str]:
    return [t.lemma for t in tokenize(text, segmentation)]


def test_accented_unaccented_and_nfd_text_get_the_same_lemmas():
    accented = "Tàu 15 mét có phải lắp thiết bị giám sát hành trình không?"
    assert lemmas(accented) == lemmas("tau 15 met co phai lap thiet bi giam sat hanh trinh khong")
    assert lemmas(accented) == lemmas(unicodedata.normalize("NFD", accented))


def test_both_tone_placements_get_the_same_lemmas():
    assert lemmas("hoà bình thuỷ sản") == lemmas("hòa bình thủy sản")


def test_tokens_keep_surface_text_and_offsets():
    text = "Ghe tui 15m ko?"
    for token in tokenize(text):
        assert text[token.start : token.end] == token.text


def test_teencode_expansion_shares_the_offsets_of_its_source():
    tokens = tokenize("ntn")
    assert [t.lemma for t in tokens] == ["nhu", "the", "nao"]
    assert {(t.start, t.end) for t in tokens} == {(0, 3)}


def test_text_without_words_gives_one_token():
    assert [t.text for t in tokenize("😀")] == ["😀"]


@pytest.mark.parametrize("segmentation", ["words", "both"])
def test_underthesea_segmentation_survives_normalising_input(segmentation):
    # underthesea rewrites "hoà" and collapses double spaces; offsets must still be exact.
    text = "Chương trình  hoà bình về thủy sản"
    tokens = tokenize(text, segmentation)
    assert tokens
    for token in tokens:
        assert text[token.start : token.end] == token.text
    assert any("_" in t.lemma for t in tokens)


def test_underthesea_segmentation_is_not_used_on_unaccented_text():
    assert lemmas("ngu dan danh bat", "words") == ["ngu", "dan", "danh", "bat"]


def test_unknown_segmentation_is_refused():
    with pytest.raises(ValueError):
        VietnameseTokenizer({**VietnameseTokenizer.get_default_config(), "segmentation": "magic"})
