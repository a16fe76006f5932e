"""Another language: a rule-based component that sets the intent ``other_language``.

The classifier would file "What is the territorial sea?" under whatever Vietnamese words it
recognises; the user is better served by being told, in both languages, that the bot speaks
Vietnamese (and where to call in an emergency). Runs after the classifier, before the danger detector
(so "SOS" in any language still gets the rescue contacts).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.rule_component import RuleComponent
from bot.vietnamese import looks_foreign

OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ForeignLanguageDetector(RuleComponent):
    """Sets the intent to ``other_language`` for text that is not Vietnamese."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not looks_foreign(message.get(TEXT) or ""):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != OTHER_LANGUAGE_INTENT]
            top = {"name": OTHER_LANGUAGE_INTENT, "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
