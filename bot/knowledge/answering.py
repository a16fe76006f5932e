"""What to do with a question the classifier is not sure about.

Two independent opinions: the classifier's ranking of intents and a BM25 search of the knowledge
file. When both put the same entry first, that entry is the answer (``agreed_answer``; on the
development set this recovered most unsure questions without adding a wrong answer). Otherwise the
entries either opinion finds plausible are offered as buttons (``suggestions``); when neither finds
anything, the bot says it does not know.
"""

from __future__ import annotations

from typing import Any

from bot.knowledge.base import Entry, KnowledgeBase
from bot.knowledge.search import KnowledgeSearch

MAX_SUGGESTIONS = 3
MIN_AGREEMENT_CONFIDENCE = 0.1  # classifier confidence needed when BM25 agrees
MIN_SUGGESTION_CONFIDENCE = 0.1  # classifier confidence for an entry to be offered as a button
MIN_SEARCH_SCORE = 4.0  # BM25 score for an entry to be offered as a button


def _ranked(intent_ranking: list[dict[str, Any]], kb: KnowledgeBase) -> list[tuple[Entry, float]]:
    return [
        (entry, item.get("confidence") or 0.0)
        for item in intent_ranking
        if (entry := kb.by_intent(item.get("name") or "")) is not None
    ]


def agreed_answer(
    text: str, intent_ranking: list[dict[str, Any]], kb: KnowledgeBase, search: KnowledgeSearch
) -> Entry | None:
    """The classifier's first knowledge entry, if the search also ranks it first."""
    ranked = _ranked(intent_ranking, kb)
    if not ranked or ranked[0][1] < MIN_AGREEMENT_CONFIDENCE:
        return None
    hits = search.search(text, limit=1)
    return ranked[0][0] if hits and hits[0].entry == ranked[0][0] else None


def suggestions(
    text: str, intent_ranking: list[dict[str, Any]], kb: KnowledgeBase, search: KnowledgeSearch
) -> list[Entry]:
    """Up to three entries either opinion finds plausible, alternating between them, best first."""
    from_classifier = [
        entry for entry, confidence in _ranked(intent_ranking, kb) if confidence >= MIN_SUGGESTION_CONFIDENCE
    ]
    from_search = [hit.entry for hit in search.search(text, limit=MAX_SUGGESTIONS) if hit.score >= MIN_SEARCH_SCORE]
    merged: list[Entry] = []
    for index in range(MAX_SUGGESTIONS):
        for candidates in (from_classifier, from_search):
            if index < len(candidates) and candidates[index] not in merged:
                merged.append(candidates[index])
    return merged[:MAX_SUGGESTIONS]
