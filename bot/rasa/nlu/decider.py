"""The last step of the NLU pipeline: answer, offer choices or decline (bot/knowledge/answering.py).

It gathers the three opinions on the message (the classifier's ranking, the nearest training questions,
a BM25 search of the knowledge file) and sets the intent the dialogue acts on:
- an answer: that intent (a knowledge entry, chitchat, a publication request...);
- choices: ``nlu_fallback`` with the entries to offer in ``choices`` (``action_suggest_topics`` shows them);
- in the bot's field but nothing relevant: ``nlu_fallback`` with no choices ("I don't know, ask a person");
- out of scope: the out-of-scope intent ("not my field", with a pointer).
Rule-set intents (another language, an emergency) are kept; when the danger detector overrode a question
("thấy tàu khác bị chìm có phải cứu không"), the entry that answers it goes in ``followup_intent`` for the
dialogue policy to send after the rescue contacts.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge.answering import CHOICES_KEY, Opinions, Thresholds, asks_a_price, decide, is_knowledge
from bot.knowledge.base import knowledge
from bot.knowledge.search import KnowledgeSearch
from bot.nlu.danger import EMERGENCY_INTENT, OVERRIDE_KEY
from bot.rasa.nlu.language import OTHER_LANGUAGE_INTENT
from bot.rasa.nlu.neighbours import NEIGHBOURS_KEY, RELEVANCE_KEY
from bot.rasa.nlu.rule_component import RuleComponent
from bot.rasa.policy import FOLLOWUP_KEY

FALLBACK_INTENT = "nlu_fallback"
DECISION_KEY = "decision"
RULE_SET = {EMERGENCY_INTENT, OTHER_LANGUAGE_INTENT}  # set by rules, not by the opinions


def opinions(message: Message | dict[str, Any], search: KnowledgeSearch) -> Opinions:
    """The three opinions on a message processed by the classifier and NearestQuestions (or its parse data)."""
    excluded = RULE_SET | {FALLBACK_INTENT}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in excluded]
    hits = search.search(message.get(TEXT) or "", limit=3)
    return Opinions(
        classifier=[(r["name"], float(r.get("confidence") or 0.0)) for r in ranking],
        neighbours=[(n["name"], float(n["score"])) for n in message.get(NEIGHBOURS_KEY) or []],
        relevance=dict(message.get(RELEVANCE_KEY) or {}),
        search=[(hit.entry.intent, hit.score) for hit in hits],
        asks_a_price=asks_a_price(message.get(TEXT) or ""),
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerDecider(RuleComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        defaults = Thresholds()
        return {name: getattr(defaults, name) for name in Thresholds.__dataclass_fields__}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.thresholds = Thresholds(**{name: float(config[name]) for name in Thresholds.__dataclass_fields__})
        self.search = KnowledgeSearch(knowledge())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            views = opinions(message, self.search)
            decision = decide(views, self.thresholds)
            if intent == EMERGENCY_INTENT:
                if message.get(OVERRIDE_KEY) and decision.outcome == "answer" and is_knowledge(decision.intent or ""):
                    message.set(FOLLOWUP_KEY, decision.intent, add_to_output=True)
                continue
            if intent in RULE_SET:
                continue
            message.set(DECISION_KEY, decision.outcome, add_to_output=True)
            if decision.intent:
                confidence = dict(views.classifier).get(decision.intent, 0.0)
                message.set(INTENT, {"name": decision.intent, "confidence": confidence}, add_to_output=True)
            else:
                message.set(INTENT, {"name": FALLBACK_INTENT, "confidence": 0.0}, add_to_output=True)
                message.set(CHOICES_KEY, list(decision.choices), add_to_output=True)
        return messages
