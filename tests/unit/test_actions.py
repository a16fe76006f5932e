"""Custom actions against tracker fixtures (tests/fixtures/trackers/*.json), as in rasa-demo."""

import json
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency import ActionEmergencyFollowup
from actions.fallback import ActionSuggestTopics
from bot import replies

FIXTURES = Path(__file__).parent.parent / "fixtures" / "trackers"


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


async def run(action, name: str) -> list[dict]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(name), {})
    assert events == []
    return dispatcher.messages


async def test_unsure_question_is_answered_when_the_search_agrees():
    messages = await run(ActionSuggestTopics(), "unsure_but_search_agrees")
    assert [m["response"] for m in messages] == ["utter_kb_tan_so_7903_7906_khz"]


async def test_unsure_question_gets_buttons_when_the_opinions_differ():
    (message,) = await run(ActionSuggestTopics(), "unsure_and_search_disagrees")
    assert message["text"] == replies.DID_YOU_MEAN
    payloads = [b["payload"] for b in message["buttons"]]
    assert "/kb_lanh_hai_rong" in payloads and "/kb_tan_so_7903_7906_khz" in payloads
    assert all(len(b["title"]) <= 40 for b in message["buttons"])


async def test_nonsense_gets_a_plain_dont_know_with_a_person_to_ask():
    (message,) = await run(ActionSuggestTopics(), "unsure_of_nonsense")
    assert message["text"] == replies.DONT_KNOW and not message["buttons"]
    assert "đồn biên phòng" in message["text"] and "112" in message["text"]


async def test_emergency_followup_answers_the_question_behind_the_danger():
    messages = await run(ActionEmergencyFollowup(), "danger_and_question")
    assert [m["response"] for m in messages] == ["utter_kb_thay_tau_khac_gap_nan_co_phai_cuu"]


async def test_emergency_followup_adds_nothing_to_a_plain_emergency():
    assert await run(ActionEmergencyFollowup(), "danger_only") == []
