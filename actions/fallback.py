"""When the NLU found no answer (bot/rasa/nlu/decider.py): offer the relevant entries it chose as buttons
("Ý bà con muốn hỏi...?"), or say plainly that we don't know and point to a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.answering import CHOICES_KEY
from bot.knowledge.base import knowledge


class ActionSuggestTopics(Action):
    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        kb = knowledge()
        entries = [e for i in tracker.latest_message.get(CHOICES_KEY) or [] if (e := kb.by_intent(i)) is not None]
        if entries:
            buttons = [{"title": entry.title, "payload": f"/{entry.intent}"} for entry in entries]
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_dont_know")
        return []
