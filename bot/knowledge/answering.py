"""What to do with a question the classifier is not sure about.

Two independent opinions: the classifier's ranking of intents and a BM25 search of the knowledge
file. When both put the same entry first, that entry is the answer (on the development set this
recovered most unsure questions without adding a wrong answer). Otherwise the entries either opinion
finds plausible are offered as buttons; when neither finds anything, the bot says it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.knowledge.base import Entry, KnowledgeBase
from bot.knowledge.search import KnowledgeSearch

MAX_SUGGESTIONS = 3
MIN_AGREEMENT_CONFIDENCE = 0.1  # classifier confidence needed when BM25 agrees
MIN_SUGGESTION_CONFIDENCE = 0.1  # classifier confidence for an entry to be offered as a button
MIN_SEARCH_SCORE = 4.0  # BM25 score for an entry to be offered as a button


@dataclass(frozen=True)
class Decision:
    answer: Entry | None = None
    suggestions: list[Entry] = field(default_factory=list)


def decide(text: str, intent_ranking: list[dict[str, Any]], kb: KnowledgeBase, search: KnowledgeSearch) -> Decision:
    ranked = [
        (entry, item.get("confidence") or 0.0)
        for item in intent_ranking
        if (entry := kb.by_intent(item.get("name") or "")) is not None
    ]
    hits = search.search(text, limit=MAX_SUGGESTIONS)
    if ranked and hits and hits[0].entry == ranked[0][0] and ranked[0][1] >= MIN_AGREEMENT_CONFIDENCE:
        return Decision(answer=ranked[0][0])
    from_classifier = [entry for entry, confidence in ranked if confidence >= MIN_SUGGESTION_CONFIDENCE]
    from_search = [hit.entry for hit in hits if hit.score >= MIN_SEARCH_SCORE]
    merged: list[Entry] = []
    for index in range(MAX_SUGGESTIONS):
        for candidates in (from_classifier, from_search):
            if index < len(candidates) and candidates[index] not in merged:
                merged.append(candidates[index])
    return Decision(suggestions=merged[:MAX_SUGGESTIONS])
