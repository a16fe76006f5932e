"""After the rescue contacts: answer the question too, if the message was one the classifier knew.

"Thấy tàu khác bị chìm có phải cứu không" signals danger (contacts first) but is also a question
about the duty to rescue; the danger detector keeps the classifier's guess in ``danger_override``.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.base import knowledge

MIN_CONFIDENCE = 0.6


class ActionEmergencyFollowup(Action):
    def name(self) -> str:
        return "action_emergency_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        guess = tracker.latest_message.get("danger_override") or {}
        entry = knowledge().by_intent(guess.get("name") or "")
        if entry is not None and (guess.get("confidence") or 0) >= MIN_CONFIDENCE:
            dispatcher.utter_message(response=entry.response)
        return []
