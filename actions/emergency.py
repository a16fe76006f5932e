"""After the rescue contacts: answer the question too, if the message was also a question we know.

"Thấy tàu khác bị chìm có phải cứu không" signals danger (contacts first) but also asks about the duty
to rescue. The danger detector keeps the classifier's ranking behind ``emergency``; the same decision
as for unsure questions picks an answer, and nothing is added when no answer is clear.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import knowledge_search
from bot.knowledge.answering import decide
from bot.knowledge.base import knowledge

MIN_CONFIDENCE = 0.5


class ActionEmergencyFollowup(Action):
    def name(self) -> str:
        return "action_emergency_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        if not message.get("danger_override"):
            return []  # the classifier itself said emergency: nothing else was asked
        kb = knowledge()
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "emergency"]
        top = kb.by_intent(ranking[0].get("name") or "") if ranking else None
        if top is not None and (ranking[0].get("confidence") or 0) >= MIN_CONFIDENCE:
            dispatcher.utter_message(response=top.response)
            return []
        decision = decide(message.get("text") or "", ranking, kb, knowledge_search())
        if decision.answer is not None:
            dispatcher.utter_message(response=decision.answer.response)
        return []
