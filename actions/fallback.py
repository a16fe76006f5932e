"""When the classifier is unsure: answer if the knowledge search agrees, else offer the closest topics
as buttons ("Ý bà con muốn hỏi...?"), else say plainly we don't know and point to a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import knowledge_search
from bot import replies
from bot.knowledge.answering import decide
from bot.knowledge.base import knowledge


class ActionSuggestTopics(Action):
    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        decision = decide(text, tracker.latest_message.get("intent_ranking") or [], knowledge(), knowledge_search())
        if decision.answer is not None:
            dispatcher.utter_message(response=decision.answer.response)
        elif decision.suggestions:
            dispatcher.utter_message(
                text=replies.DID_YOU_MEAN,
                buttons=[{"title": entry.title, "payload": f"/{entry.intent}"} for entry in decision.suggestions],
            )
        else:
            dispatcher.utter_message(text=replies.DONT_KNOW)
        return []
