"""The question the vessel-length form asks ("Tàu của bà con dài bao nhiêu mét?", response
``utter_ask_vessel_length``), with a button for each of the law's length classes and one for the whole
answer (bot/rasa/policy.py asks it). The classes are the law's, not the waiting entry's cases:
the length is remembered for later questions, whose cases may be finer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.base import INTENT_PREFIX, LENGTH_BOUNDS, LengthRange

WHOLE_ANSWER = "Không rõ / xem hết"
ENTRY_SLOT = "knowledge_entry"
LAW_CLASSES = tuple(
    LengthRange(low, high) for low, high in zip((0.0, *LENGTH_BOUNDS), (*LENGTH_BOUNDS, None), strict=True)
)


def length_button(length_range: LengthRange) -> dict[str, str]:
    """A button for a class of vessels; it sends a length inside the class ("tàu 13,5 m" for 12–15 m)."""
    low, high = length_range.low, length_range.high
    if high is None:
        title, length = f"từ {low:g} m", low
    else:
        title = f"dưới {high:g} m" if low == 0 else f"{low:g}–{high:g} m"
        length = (low + high) / 2
    return {"title": title, "payload": f"tàu {length:g} m".replace(".", ",")}


def length_buttons(entry_id: str | None) -> list[dict[str, str]]:
    """One button per class of the law, then the whole answer of the waiting entry."""
    buttons = [length_button(r) for r in LAW_CLASSES]
    if entry_id:  # asking for the same entry again is how the policy knows to send the whole answer
        buttons.append({"title": WHOLE_ANSWER, "payload": f"/{INTENT_PREFIX}{entry_id}"})
    return buttons


class ActionAskVesselLength(Action):
    def name(self) -> str:
        return "action_ask_vessel_length"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        buttons = length_buttons(tracker.get_slot(ENTRY_SLOT))
        dispatcher.utter_message(response="utter_ask_vessel_length", buttons=buttons)
        return []
