"""The danger model: is this message danger at sea happening now, so that the rescue contacts come first?

A logistic regression over TF-IDF features of the message's folded, teencode-normalised words (uni- to
trigrams) and of character n-grams inside them, so "tàu đang chìm", "tau dang chim" and "ghe chìm rồi cứu
vs" meet. It learns from the labelled messages of ``knowledge/danger/`` (emergencies and look-alikes, one
file per writer) and from every training wording of the NLU (the ``emergency`` intent's as emergencies,
all others as calm questions).

Why a model and not rules: on the files of sixteen writers who came after the rules, the rules' strong signals
flagged 102 of 2,880 look-alikes and missed 288 of 1,920 emergencies; this model, trained without each file and
measured on it, 72 and 37 (benchmarks/danger.py, README "Measured"). A message is an emergency from
``THRESHOLD``: a missed emergency can cost a life, a false alarm one message before the answer; 0.4 would
miss 4 more emergencies there to spare 13 alarms.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.settings import PROJECT_ROOT
from bot.vietnamese import folded_terms, unshout

EXAMPLES = PROJECT_ROOT / "knowledge" / "danger"
THRESHOLD = 0.3
_C = 1000.0  # little regularisation: measured best of 1 to 10,000 writer by writer (benchmarks/danger.py)


def danger_sets(folder: Path = EXAMPLES) -> dict[str, list[tuple[str, bool]]]:
    """The labelled messages of each writer's file: ``{file name: [(text, is an emergency), ...]}``."""
    return {
        path.name: [(item["text"], bool(item["emergency"])) for item in yaml.safe_load(path.read_text("utf-8"))]
        for path in sorted(folder.glob("*.yml"))
    }


def _words(text: str) -> str:
    return " ".join(unshout(term) for term in folded_terms(unshout(text)))


class DangerModel:
    """Trained once from labelled messages; ``probability`` of danger now for new ones."""

    def __init__(self, examples: Iterable[tuple[str, bool]]) -> None:
        texts, labels = zip(*examples, strict=True)
        words = [_words(text) for text in texts]
        self._word_grams = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 3), sublinear_tf=True)
        self._char_grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        features = hstack([self._word_grams.fit_transform(words), self._char_grams.fit_transform(words)])
        self._regression = LogisticRegression(C=_C, max_iter=2000).fit(features.tocsr(), np.array(labels))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        words = [_words(text) for text in texts]
        features = hstack([self._word_grams.transform(words), self._char_grams.transform(words)])
        return self._regression.predict_proba(features.tocsr())[:, 1]

    def probability(self, text: str) -> float:
        return float(self.probabilities([text])[0])

    def is_emergency(self, text: str) -> bool:
        return self.probability(text) >= THRESHOLD
