"""KnowledgePolicy: knowledge intents map to their answers; the emergency turn ends with the answer
the NLU chose, or with listening."""

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.policy import KnowledgePolicy


def predict(*events) -> str | None:
    tracker = DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), *events])
    return KnowledgePolicy._next_action(tracker).action


def user(intent: str, **parse) -> UserUttered:
    return UserUttered("...", {"name": intent, "confidence": 0.9}, parse_data={"intent": {"name": intent}, **parse})


def test_a_knowledge_intent_gets_its_answer_then_the_bot_listens():
    assert predict(user("kb_lanh_hai_rong")) == "utter_kb_lanh_hai_rong"
    assert predict(user("kb_lanh_hai_rong"), ActionExecuted("utter_kb_lanh_hai_rong")) == "action_listen"


def test_other_intents_are_left_to_the_rules():
    assert predict(user("greet")) is None


def test_after_the_rescue_contacts_comes_the_chosen_answer_or_listening():
    with_answer = user("emergency", followup_intent="kb_lanh_hai_rong")
    assert predict(with_answer, ActionExecuted("utter_emergency")) == "utter_kb_lanh_hai_rong"
    assert predict(user("emergency"), ActionExecuted("utter_emergency")) == "action_listen"
