"""The danger rules (bot/nlu/danger.py) as a step of the NLU pipeline, after the classifier."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import EMERGENCY_INTENT, OVERRIDE_KEY, danger_level, is_emergency
from bot.rasa.nlu.rule_component import RuleComponent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DangerDetector(RuleComponent):
    """Sets the intent to ``emergency`` when the rules say so, and takes it away when they do not."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            emergency = next((r.get("confidence") or 0 for r in ranking if r.get("name") == EMERGENCY_INTENT), 0.0)
            intent = message.get(INTENT) or {}
            others = [r for r in ranking if r.get("name") != EMERGENCY_INTENT]
            if is_emergency(danger_level(message.get(TEXT) or ""), emergency):
                if intent.get("name") != EMERGENCY_INTENT:
                    message.set(OVERRIDE_KEY, dict(intent), add_to_output=True)
                top = {"name": EMERGENCY_INTENT, "confidence": 1.0}
                message.set(INTENT, top, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)
            elif intent.get("name") == EMERGENCY_INTENT:
                # The classifier's next guess stands; the components after this one judge its confidence.
                fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 0.0}
                message.set(INTENT, dict(others[0]) if others else fallback, add_to_output=True)
                message.set(INTENT_RANKING_KEY, others, add_to_output=True)
        return messages
