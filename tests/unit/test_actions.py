"""Custom actions against tracker fixtures (tests/fixtures/trackers/*.json), as in rasa-demo."""

import json
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionSuggestTopics
from actions.publications import ActionSendPublication
from bot import fixed_texts
from bot.publications.catalogue import catalogue

FIXTURES = Path(__file__).parent.parent / "fixtures" / "trackers"


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


async def run(action, name: str) -> list[dict]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(name), {})
    assert events == []
    return dispatcher.messages


async def test_unsure_question_gets_the_relevant_entries_the_nlu_chose_as_buttons():
    (message,) = await run(ActionSuggestTopics(), "unsure_and_search_disagrees")
    assert message["response"] == "utter_did_you_mean"
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == ["/kb_lanh_hai_rong", "/kb_tan_so_7903_7906_khz"]
    assert all(len(b["title"]) <= 40 for b in message["buttons"])


async def test_nothing_relevant_gets_a_plain_dont_know_with_a_person_to_ask():
    (message,) = await run(ActionSuggestTopics(), "unsure_of_nonsense")
    assert message["response"] == "utter_dont_know" and not message["buttons"]
    text = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))["responses"]["utter_dont_know"][0]["text"]
    assert "đồn biên phòng" in text and "112" in text


async def test_a_named_publication_is_sent_as_a_document():
    text, document = await run(ActionSendPublication(), "publication_named")
    assert "Sổ tay Luật Thủy sản" in text["text"]
    payload = document["custom"]["document"]
    assert payload["publication_id"] == "so_tay_luat_thuy_san" and payload["url"].endswith(".pdf")


async def test_a_button_choice_sends_exactly_that_publication():
    _, document = await run(ActionSendPublication(), "publication_chosen")
    assert document["custom"]["document"]["publication_id"] == "an_toan_cuu_nan"


async def test_a_vague_request_lists_every_publication():
    (message,) = await run(ActionSendPublication(), "publication_vague")
    assert message["text"] == fixed_texts.WHICH_PUBLICATION
    assert len(message["buttons"]) == len(catalogue())
    assert all(b["payload"].startswith("/request_publication{") for b in message["buttons"])
