"""Rasa tokenizer for Vietnamese as fishermen type it: with or without diacritics, teencode, dialect.

Each token keeps its surface text and offsets (entity extraction and logging stay exact) and gets a
folded, normalised ``lemma`` ("Hông" -> "khong", "ntn" -> "nhu" "the" "nao"). Rasa's
CountVectorsFeaturizer reads lemmas by default, so accented training data and unaccented input meet.

``segmentation`` chooses the units:
- ``syllable`` (default): one token per syllable;
- ``words``: underthesea word segmentation when the message has diacritics (compounds such as
  "thủy_sản"), syllables otherwise — the notes and our benchmark show segmentation of unaccented text
  produces wrong compounds;
- ``both``: syllables plus the compounds of accented text.
The benchmark (``make bench``) compares them; README reports the figures behind the default.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.vietnamese import Syllable, fold, syllables

SEGMENTATIONS = ("syllable", "words", "both")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """Syllable tokens with diacritic-free, teencode-normalised lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "segmentation": "syllable",
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.segmentation = config.get("segmentation", "syllable")
        if self.segmentation not in SEGMENTATIONS:
            raise ValueError(f"segmentation must be one of {SEGMENTATIONS}, not {self.segmentation!r}")

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        parts = syllables(text)
        if not parts:
            return [Token(text, 0, lemma=fold(text))] if text else []
        syllable_tokens = [
            Token(part.text, part.start, part.end, lemma=lemma) for part in parts for lemma in part.lemmas
        ]
        if self.segmentation == "syllable" or not _has_diacritics(text):
            return syllable_tokens
        compounds = _compound_tokens(text, parts)
        if self.segmentation == "words":
            return compounds or syllable_tokens
        return sorted(syllable_tokens + [t for t in compounds if "_" in (t.lemma or "")])


def _has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def _compound_tokens(text: str, parts: list[Syllable]) -> list[Token]:
    """Group syllables into underthesea's words, aligning by syllable count (never by substring:
    underthesea normalises tokens, so its words are not always substrings of the message)."""
    from underthesea import word_tokenize  # imported lazily: 0.5 s and 100 MB only when used

    tokens: list[Token] = []
    position = 0
    for word in word_tokenize(text):
        count = len(syllables(word))
        group = parts[position : position + count]
        if count == 0 or len(group) < count:
            continue
        position += count
        lemma = "_".join(lemma for part in group for lemma in part.lemmas)
        tokens.append(Token(text[group[0].start : group[-1].end], group[0].start, group[-1].end, lemma=lemma))
    return tokens if position == len(parts) else []
