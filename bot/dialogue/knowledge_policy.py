"""Dialogue policy for the knowledge answers: intent ``kb_<id>`` -> response ``utter_kb_<id>``.

One rule per knowledge entry would make RulePolicy check 150 rules at every turn; this policy maps the
names directly. It also finishes the emergency turn: after the rescue contacts, the answer the NLU
chose for a message that was both a danger signal and a question (``followup_intent``, set by
bot/nlu/second_opinion.py), or nothing. Everything else is left to RulePolicy.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.knowledge.base import INTENT_PREFIX

EMERGENCY_RESPONSE = "utter_emergency"
FOLLOWUP_KEY = "followup_intent"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class KnowledgePolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}  # above RulePolicy (6): its core fallback must not override an answer

    def train(self, training_trackers: list, domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the mapping is by name

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, rule_only_data: dict | None = None, **kwargs: Any
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = self._next_action(tracker)
        if action is not None and action in domain.action_names_or_texts:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)

    @staticmethod
    def _next_action(tracker: DialogueStateTracker) -> str | None:
        last = tracker.latest_action_name
        message = tracker.latest_message
        if last == ACTION_LISTEN_NAME and message is not None:
            intent = message.intent.get("name") or ""
            return f"utter_{intent}" if intent.startswith(INTENT_PREFIX) else None
        if last == EMERGENCY_RESPONSE:
            followup = (message.parse_data.get(FOLLOWUP_KEY) if message else None) or ""
            return f"utter_{followup}" if followup.startswith(INTENT_PREFIX) else ACTION_LISTEN_NAME
        if last and last.startswith("utter_" + INTENT_PREFIX):
            return ACTION_LISTEN_NAME
        return None
