"""Second opinions from the knowledge search, inside the NLU pipeline (no round trip to the action
server). Runs last, after the FallbackClassifier and the danger detector.

- The classifier gave up (``nlu_fallback``): if a BM25 search of the knowledge file ranks first the
  classifier's own first choice, that entry is the answer; otherwise the message stays a fallback and
  ``action_suggest_topics`` offers buttons.
- The danger detector overrode a question ("thấy tàu khác bị chìm có phải cứu không"): the entry that
  answers it, if the classifier is sure of it or the search agrees, goes in ``followup_intent`` for the
  dialogue policy to send after the rescue contacts.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.dialogue.knowledge_policy import FOLLOWUP_KEY
from bot.knowledge.answering import agreed_answer
from bot.knowledge.base import knowledge
from bot.knowledge.search import KnowledgeSearch
from bot.nlu.danger import EMERGENCY_INTENT, OVERRIDE_KEY
from bot.nlu.rule_component import RuleComponent

FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KnowledgeSecondOpinion(RuleComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.5}  # a classifier this sure needs no second opinion (as FallbackClassifier)

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.threshold = config["threshold"]
        self.knowledge = knowledge()
        self.search = KnowledgeSearch(self.knowledge)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            skip = FALLBACK_INTENT if intent == FALLBACK_INTENT else EMERGENCY_INTENT
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != skip]
            if intent == FALLBACK_INTENT:
                entry = agreed_answer(message.get(TEXT) or "", ranking, self.knowledge, self.search)
                if entry is not None:
                    message.set(INTENT, {"name": entry.intent, "confidence": ranking[0]["confidence"]}, True)
            elif intent == EMERGENCY_INTENT and message.get(OVERRIDE_KEY) and ranking:
                sure = (ranking[0].get("confidence") or 0) >= self.threshold
                entry = self.knowledge.by_intent(ranking[0]["name"]) if sure else None
                entry = entry or agreed_answer(message.get(TEXT) or "", ranking, self.knowledge, self.search)
                if entry is not None:
                    message.set(FOLLOWUP_KEY, entry.intent, add_to_output=True)
        return messages
