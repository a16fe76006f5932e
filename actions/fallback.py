"""When the classifier is unsure: offer the closest topics as buttons, or say plainly we don't know.

Candidates come from two independent opinions: the classifier's own ranking and a BM25 search of
the knowledge file. Only entries one of them is reasonably sure of are offered; otherwise the user
is pointed to a person (border post, fisheries office, 112). Never a confident wrong answer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.base import Entry, knowledge
from bot.knowledge.search import KnowledgeSearch
from bot import replies
from bot.text import looks_foreign

MAX_SUGGESTIONS = 3
MIN_CLASSIFIER_CONFIDENCE = 0.1
MIN_SEARCH_SCORE = 4.0


@lru_cache(maxsize=1)
def knowledge_search() -> KnowledgeSearch:
    return KnowledgeSearch(knowledge())


def suggestions(text: str, intent_ranking: list[dict[str, Any]]) -> list[Entry]:
    """Entries worth offering for an unclear question, best first, alternating the two opinions."""
    kb = knowledge()
    from_classifier = [
        entry
        for item in intent_ranking
        if (item.get("confidence") or 0) >= MIN_CLASSIFIER_CONFIDENCE
        and (entry := kb.by_intent(item.get("name") or "")) is not None
    ]
    from_search = [hit.entry for hit in knowledge_search().search(text) if hit.score >= MIN_SEARCH_SCORE]
    merged: list[Entry] = []
    for pair in zip(from_classifier + [None] * 3, from_search + [None] * 3):
        for entry in pair:
            if entry is not None and entry not in merged:
                merged.append(entry)
    return merged[:MAX_SUGGESTIONS]


class ActionSuggestTopics(Action):
    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if looks_foreign(text):
            dispatcher.utter_message(text=replies.ONLY_VIETNAMESE)
            return []
        entries = suggestions(text, tracker.latest_message.get("intent_ranking") or [])
        if not entries:
            dispatcher.utter_message(text=replies.DONT_KNOW)
            return []
        dispatcher.utter_message(
            text=replies.DID_YOU_MEAN,
            buttons=[{"title": entry.title, "payload": f"/{entry.intent}"} for entry in entries],
        )
        return []
