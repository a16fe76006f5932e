"""When the classifier is unsure and the knowledge search does not confirm its guess (see
bot/nlu/second_opinion.py): offer the closest topics as buttons ("Ý bà con muốn hỏi...?"), or say
plainly that we don't know and point to a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import knowledge_search
from bot import replies
from bot.knowledge.answering import suggestions
from bot.knowledge.base import knowledge


class ActionSuggestTopics(Action):
    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        entries = suggestions(
            message.get("text") or "", message.get("intent_ranking") or [], knowledge(), knowledge_search()
        )
        if entries:
            dispatcher.utter_message(
                text=replies.DID_YOU_MEAN,
                buttons=[{"title": entry.title, "payload": f"/{entry.intent}"} for entry in entries],
            )
        else:
            dispatcher.utter_message(text=replies.DONT_KNOW)
        return []
