"""Nearest training questions: a third opinion beside the classifier (DIET) and the knowledge search.

Every training wording of every intent (knowledge entries, out of scope, chitchat...) becomes a TF-IDF vector
of its folded, normalised words (uni- and bigrams) and of character n-grams inside words, so accented,
unaccented, dialect and teencode typing meet. A message is compared with all of them (cosine similarity);
its ``k`` nearest questions vote for their intents, each with its similarity. The component sets nothing
itself; it adds to the message:

- ``neighbours``: ``[{"name": intent, "score": share of the vote}, ...]``, best first;
- ``relevance``: ``{intent: highest similarity of one of its wordings}`` for the ten closest intents,
  which says how close the message is to anything the bot was taught (buttons are offered only above a
  measured threshold, bot/knowledge/answering.py).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot.rasa.nlu.trained_component import TrainedComponent
from bot.vietnamese import folded_terms

NEIGHBOURS_KEY = "neighbours"
RELEVANCE_KEY = "relevance"


def _words(text: str) -> list[str]:
    terms = folded_terms(text)
    return terms + [f"{a}_{b}" for a, b in pairwise(terms)]


def _joined(text: str) -> str:
    return " ".join(folded_terms(text))


class QuestionIndex:
    """All training questions as unit vectors, grouped by intent."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        order = sorted(range(len(labels)), key=lambda i: labels[i])
        texts, labels = [texts[i] for i in order], [labels[i] for i in order]
        self.labels = np.array(labels)
        self._intents = sorted(set(labels))
        self._starts = np.array([labels.index(intent) for intent in self._intents])
        self._words = TfidfVectorizer(analyzer=_words, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), preprocessor=_joined, sublinear_tf=True)
        self._matrix = self._vectors(texts, fit=True)

    def _vectors(self, texts: list[str], fit: bool = False) -> Any:
        if fit:
            parts = [self._words.fit_transform(texts), self._chars.fit_transform(texts)]
        else:
            parts = [self._words.transform(texts), self._chars.transform(texts)]
        return normalize(hstack(parts).tocsr())

    def compare(self, text: str, k: int, closest: int = 10) -> tuple[list[tuple[str, float]], dict[str, float]]:
        """The ``k`` nearest questions (intent, similarity), and the best similarity of the closest intents."""
        similarities = (self._matrix @ self._vectors([text]).T).toarray().ravel()
        top = np.argsort(-similarities)[:k]
        nearest = [(str(self.labels[i]), float(similarities[i])) for i in top if similarities[i] > 0]
        best = np.maximum.reduceat(similarities, self._starts)
        ranked = np.argsort(-best)[:closest]
        return nearest, {self._intents[i]: round(float(best[i]), 4) for i in ranked if best[i] > 0}


def vote(nearest: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """Each neighbour votes for its intent with its similarity: the intents by share of the vote."""
    votes: dict[str, float] = defaultdict(float)
    for label, similarity in nearest:
        votes[label] += similarity
    total = sum(votes.values()) or 1.0
    ranking = [{"name": label, "score": round(v / total, 4)} for label, v in votes.items()]
    ranking.sort(key=lambda item: item["score"], reverse=True)
    return ranking


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NearestQuestions(TrainedComponent):
    FILE = "nearest_questions.pkl"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"k": 7}

    def fit(self, training_data: TrainingData) -> QuestionIndex:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        return QuestionIndex([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])

    def process(self, messages: list[Message]) -> list[Message]:
        k = int(self.config["k"])
        for message in messages:
            text = message.get(TEXT) or ""
            nearest, relevance = self.model.compare(text, k) if self.model is not None and text else ([], {})
            message.set(NEIGHBOURS_KEY, vote(nearest), add_to_output=True)
            message.set(RELEVANCE_KEY, relevance, add_to_output=True)
        return messages
