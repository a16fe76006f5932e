"""The danger model (bot/nlu/danger_model.py) as a step of the NLU pipeline, after the classifier.

Trained with the model from ``knowledge/danger/`` and the NLU's own wordings; it sets the intent to
``emergency`` when the model says danger now, and takes the classifier's ``emergency`` away when it does not
(the classifier gave 0.9 and more to "bầu cử tổng thống Mỹ năm nay ai thắng"). The classifier's own guess is
kept in ``danger_override``, so the bot can send the rescue contacts first and still answer a question such as
"thấy tàu khác bị chìm có phải cứu không". The model's probability is in the parse result as ``danger``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.danger import EMERGENCY_INTENT, OVERRIDE_KEY
from bot.nlu.danger_model import EXAMPLES, THRESHOLD, DangerModel, danger_sets
from bot.rasa.nlu.trained_component import TrainedComponent
from bot.training import fingerprint

DANGER_KEY = "danger"


def wordings(training_data: TrainingData) -> list[tuple[str, bool]]:
    """Every NLU wording as a danger example: the ``emergency`` intent's as emergencies, the others as calm."""
    return [(e.get(TEXT), e.get(INTENT) == EMERGENCY_INTENT) for e in training_data.intent_examples if e.get(TEXT)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DangerDetector(TrainedComponent):
    FILE = "danger_model.pkl"

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Rasa's cache key sees the training data Rasa passes in, not the labelled files read here: a new file
        must train the model again."""
        return fingerprint(EXAMPLES.parent, inputs=(EXAMPLES.name,))

    def fit(self, training_data: TrainingData) -> DangerModel:
        labelled = [example for examples in danger_sets().values() for example in examples]
        return DangerModel(labelled + wordings(training_data))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            danger = self.model.probability(text) if self.model is not None and text.strip() else 0.0
            message.set(DANGER_KEY, round(danger, 4), add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            intent = message.get(INTENT) or {}
            others = [r for r in ranking if r.get("name") != EMERGENCY_INTENT]
            if danger >= THRESHOLD:
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
