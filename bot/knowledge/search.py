"""BM25 search over the knowledge entries, used when the classifier is unsure.

Each entry is one document made of its title, questions and answer, as folded, normalised words
plus word bigrams (so "tuyen lo(ng)" and "vung khoi" count as phrases). Accented and unaccented
queries score the same.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from bot.knowledge.base import Entry, KnowledgeBase
from bot.vietnamese import folded_terms

# Words that carry no topic: question words, particles, pronouns (folded).
STOPWORDS = frozenset(
    (
        "a ah anh ba ban bao bi biet bot cac cai cho chi chu co con cua cung da dang de den di do duoc em gi gio"
        " ha hay hoi khi khong la lam len ma minh moi muon nao nay neu nhe nhieu nhu nhung no nua o oi phai ra"
        " roi sao se tai the thi thoi tren toi tu va vay ve vi voi xin"
    ).split()
)


def _terms(text: str) -> list[str]:
    words = [w for w in folded_terms(text) if w not in STOPWORDS]
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


class KnowledgeSearch:
    """Okapi BM25 (k1=1.2, b=0.75) over one document per entry."""

    def __init__(self, kb: KnowledgeBase, k1: float = 1.2, b: float = 0.75) -> None:
        self._entries = kb.entries
        self._docs = [Counter(_terms(" ".join([e.title, *e.questions, e.answer]))) for e in kb.entries]
        self._lengths = [sum(doc.values()) for doc in self._docs]
        self._average = sum(self._lengths) / max(len(self._docs), 1)
        frequency = Counter(term for doc in self._docs for term in doc)
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        self._k1, self._b = k1, b

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        terms = set(_terms(query))
        hits = []
        for entry, doc, length in zip(self._entries, self._docs, self._lengths, strict=True):
            score = 0.0
            for term in terms & doc.keys():
                tf = doc[term]
                norm = tf + self._k1 * (1 - self._b + self._b * length / self._average)
                score += self._idf[term] * tf * (self._k1 + 1) / norm
            if score > 0:
                hits.append(Hit(entry, score))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:limit]
