"""Emergency first: a rule-based detector that overrides the classifier when a message signals danger.

The classifier learns an ``emergency`` intent from examples, but a person whose boat is sinking must
never depend on a confidence score. This component runs after the classifier: when the message
matches a danger pattern it sets the intent to ``emergency`` (confidence 1) and records the
classifier's own guess in ``danger_override``, so the bot can send the rescue contacts first and then
still answer an information question such as "thấy tàu khác bị chìm có phải cứu không".
"""

from __future__ import annotations

import unicodedata
from typing import Any

import regex
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.text import folded_terms

EMERGENCY_INTENT = "emergency"
OVERRIDE_KEY = "danger_override"

# Patterns over the folded, teencode-normalised words of the message, joined by single spaces.
_DANGER_PATTERNS = [
    r"\bsos\b",
    r"\bmayday\b",
    r"^(cuu\s*)+$",
    r"\bcuu (voi|toi|tau|chung|cuu|em|anh|minh|nguoi|giup)\b",
    r"\bgiup (voi|toi|tau) (gap|di)\b",
    r"\b(dang|sap|bi|da) chim\b",
    r"\bchim (tau|roi|mat|xuong)\b",
    r"\btau (dang |sap |bi )?chim\b",
    r"\bnuoc (vao|tran vao|ngap) (tau|khoang|ham|may)\b",
    r"\b(bi |tau )?thung (tau|day|vo|khoang)\b",
    r"\b(bi|boc) chay\b",
    r"\bchay (lon|du|ca|het|ham|khoang|may)\b",
    r"\bhoa hoan\b",
    r"\b(roi|rot|nga|te|bi song cuon) (xuong )?(bien|nuoc)\b",
    r"\bnguoi (roi|rot|nga|te)\b",
    r"\b(hong|chet|tat) may\b.*\b(bao|song|gio|troi)\b",
    r"\b(bao|song|gio)\b.*\b(hong|chet) may\b",
    r"\btroi dat\b",
    r"\bdam (vao|va|chim)\b",
    r"\bva cham\b.*\b(tau|thung|chim)\b",
    r"\b(bi thuong|chay mau|bat tinh|ngat xiu|gay chan|gay tay) (nang|qua|roi)?\b",
    r"\bgap nan\b.*\b(roi|dang|ngay|gap|cuu)\b",
    r"\bdang gap nan\b",
    r"\blat tau\b",
    r"\btau (bi )?lat\b",
]
_DANGER_RE = regex.compile("|".join(f"(?:{p})" for p in _DANGER_PATTERNS))

# With diacritics the danger words are unambiguous ("cháy" burn vs "chạy" run, "chìm" sink).
_ACCENTED_DANGER_RE = regex.compile(
    r"\b(cháy|chìm|đắm|bốc cháy|cấp cứu gấp)\b|\bcứu\b(?! (nạn|hộ|trợ|sinh|hỏa|người là))"
)


def signals_danger(text: str) -> bool:
    """True when the message reads as danger at sea happening now."""
    accented = unicodedata.normalize("NFC", text.lower())
    return bool(_ACCENTED_DANGER_RE.search(accented) or _DANGER_RE.search(" ".join(folded_terms(text))))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DangerDetector(GraphComponent):
    """Sets the intent to ``emergency`` when the message matches a danger pattern."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerDetector:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if not signals_danger(text):
                continue
            if intent.get("name") != EMERGENCY_INTENT:
                message.set(OVERRIDE_KEY, dict(intent), add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY_INTENT]
            message.set(INTENT, {"name": EMERGENCY_INTENT, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, [{"name": EMERGENCY_INTENT, "confidence": 1.0}, *ranking], add_to_output=True
            )
        return messages
