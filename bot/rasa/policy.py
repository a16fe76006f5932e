"""Dialogue policy for the knowledge answers: intent ``kb_<id>`` -> response ``utter_kb_<id>``.

One rule per knowledge entry would make RulePolicy check 150 rules at every turn; this policy maps the
names directly. It also:
- finishes the emergency turn: after the rescue contacts, the answer the NLU chose for a message that was
  both a danger signal and a question (``followup_intent``, set by the NLU), or nothing;
- answers for the asker's vessel: an entry with ``by_length`` is answered for the length in the slot
  ``vessel_length`` (response ``utter_kb_<id>__<from>_<to>``); when the length is unknown, the form
  ``vessel_length_form`` asks it once (actions/context.py) and the entry waits in ``knowledge_entry``.
  The person may answer with a length, ask for the whole answer (the button sends the entry's intent
  again; or typed, "không rõ"), or ask something else: the form is closed and the new question answered;
- follows up: "còn tàu 24 m thì sao?" answers the last answer's entry for the new length, "vậy phạt bao
  nhiêu?" its ``fine`` entry; without such an answer before, a short "bà con hỏi rõ hơn".
Everything else is left to RulePolicy.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.knowledge.base import INTENT_PREFIX, Entry, knowledge
from bot.nlu.danger import EMERGENCY_INTENT
from bot.rasa.nlu.vessel_length import FINE_INTENT, LENGTH_INTENT, NUMBER_ENTITY, UNKNOWN_INTENT

EMERGENCY_RESPONSE = "utter_emergency"
FOLLOWUP_KEY = "followup_intent"
LENGTH_FORM = "vessel_length_form"
LENGTH_SLOT = "vessel_length"
ENTRY_SLOT = "knowledge_entry"
UNCLEAR_RESPONSE = "utter_followup_unclear"
ANSWER_PREFIX = "utter_" + INTENT_PREFIX


class Step(NamedTuple):
    """The next action, the events to apply before it, and whether it takes over from an open form."""

    action: str | None
    events: tuple[Event, ...] = ()
    interrupts_form: bool = False


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
        step = self._next_action(tracker)
        if step.action is None or step.action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(step.action)] = 1.0
        # An open form's turn is predicted by RulePolicy "without user input", which outranks any other
        # prediction; taking over (an emergency, another question) needs the same standing.
        return self._prediction(
            probabilities, optional_events=list(step.events), is_no_user_prediction=step.interrupts_form
        )

    @classmethod
    def _next_action(cls, tracker: DialogueStateTracker) -> Step:
        last = tracker.latest_action_name
        message = tracker.latest_message
        if last == ACTION_LISTEN_NAME and message is not None:
            return cls._reply(tracker, message.intent.get("name") or "")
        if last == LENGTH_FORM and tracker.active_loop_name is None:  # the length is known now
            return cls._after_form(tracker)
        if last == EMERGENCY_RESPONSE:
            followup = (message.parse_data.get(FOLLOWUP_KEY) if message else None) or ""
            return Step(f"utter_{followup}" if followup.startswith(INTENT_PREFIX) else ACTION_LISTEN_NAME)
        if last and (last.startswith(ANSWER_PREFIX) or last == UNCLEAR_RESPONSE):
            return Step(ACTION_LISTEN_NAME)
        return Step(None)

    @classmethod
    def _reply(cls, tracker: DialogueStateTracker, intent: str) -> Step:
        kb = knowledge()
        form_open = tracker.active_loop_name == LENGTH_FORM
        close: tuple[Event, ...] = (ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)) if form_open else ()
        if intent == EMERGENCY_INTENT:  # the rescue contacts first, form or not (stories/emergency.yml)
            return Step(EMERGENCY_RESPONSE, close, interrupts_form=True) if form_open else Step(None)
        if form_open and tracker.get_slot(LENGTH_SLOT) is not None:
            return Step(None)  # the person gave the length: the form completes
        entry = kb.by_intent(intent) if intent.startswith(INTENT_PREFIX) else None
        if form_open and intent == UNKNOWN_INTENT:
            entry = kb.by_id(tracker.get_slot(ENTRY_SLOT) or "")
        if entry is not None and form_open and entry.id == tracker.get_slot(ENTRY_SLOT):
            return Step(entry.response, close, interrupts_form=True)  # "Không rõ / xem hết"
        if entry is None and intent in (LENGTH_INTENT, FINE_INTENT):
            previous = cls._last_answered(tracker)
            if intent == LENGTH_INTENT:
                entry = previous if previous is not None and previous.by_length else None
            else:
                entry = kb.by_id(previous.fine) if previous is not None and previous.fine else None
            if entry is None:
                return Step(UNCLEAR_RESPONSE, close, interrupts_form=form_open)
        if entry is None:
            return Step(None)
        step = cls._answer(entry, tracker.get_slot(LENGTH_SLOT))
        return Step(step.action, close + step.events, interrupts_form=form_open)

    @classmethod
    def _after_form(cls, tracker: DialogueStateTracker) -> Step:
        """The waiting entry for the length just given; or the question asked with it, if another one."""
        message = tracker.latest_message
        replied = message is None or any(e.get("entity") == NUMBER_ENTITY for e in message.entities)
        asked = None if replied else knowledge().by_intent(message.intent.get("name") or "")
        entry = asked or knowledge().by_id(tracker.get_slot(ENTRY_SLOT) or "")
        return Step(None) if entry is None else cls._answer(entry, tracker.get_slot(LENGTH_SLOT))

    @staticmethod
    def _answer(entry: Entry, length: float | None) -> Step:
        if not entry.by_length:
            return Step(entry.response)
        if length is None:
            return Step(LENGTH_FORM, (SlotSet(ENTRY_SLOT, entry.id),))
        return Step(entry.case_response(float(length)))

    @staticmethod
    def _last_answered(tracker: DialogueStateTracker) -> Entry | None:
        """The entry of the last knowledge answer of this session (what a follow-up refers to)."""
        for event in reversed(tracker.applied_events()):
            if isinstance(event, ActionExecuted) and (event.action_name or "").startswith(ANSWER_PREFIX):
                return knowledge().by_intent(event.action_name.removeprefix("utter_"))
        return None
