"""Clarifying questions and context: by_length/fine in the knowledge file, vessel lengths read from
messages, the policy's choices (ask, answer for the length, follow-ups) and the length question."""

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ActionAskVesselLength, length_buttons
from bot.knowledge.base import KnowledgeError, knowledge, parse_knowledge
from bot.rasa.nlu.vessel_length import VesselLengthReader, bare_number, followup_intent, vessel_lengths
from bot.rasa.policy import KnowledgePolicy
from tests.unit.test_knowledge import entry

VMS = "vms_tau_nao_phai_lap"  # by_length 0-15 / 15-, fine: phat_khong_duy_tri_vms (by_length 0-24 / 24-)
FINE = "phat_khong_duy_tri_vms"
PLAIN = "lanh_hai_rong"  # no by_length


def parse(*entries):
    return parse_knowledge({"topics": {"vung_bien": "Vùng biển"}, "entries": list(entries)})


# ---- the knowledge file ----------------------------------------------------------------------------


def test_by_length_cases_have_their_own_responses_and_the_whole_answer_stays():
    kb = parse(entry(by_length={"0-15": "Không bắt buộc.", "15-": "Bắt buộc."}))
    (e,) = kb.entries
    assert e.render() == "Lãnh hải rộng 12 hải lý.\nNguồn: Luật Biển Việt Nam số 18/2012/QH13, Điều 11"
    assert e.case_response(13.5) == "utter_kb_lanh_hai__0_15" and e.case_response(15) == "utter_kb_lanh_hai__15_"
    assert e.case_responses()["utter_kb_lanh_hai__15_"] == f"Bắt buộc.\nNguồn: {e.source}"
    assert kb.by_intent("kb_lanh_hai__15_") is e


@pytest.mark.parametrize(
    ("by_length", "message"),
    [
        ({"0-12": "a", "15-": "b"}, "a gap at 12 m"),
        ({"0-15": "a", "12-": "b"}, "an overlap at 12 m"),
        ({"6-": "a", "0-12": "b"}, "an overlap at 6 m"),
        ({"0-15": "a", "15-24": "b"}, "a gap from 24 m"),
        ({"0-10": "a", "10-": "b"}, "not one of the law's classes"),
        ({"0-15": "a", "15m": "b"}, 'must read "a-b"'),
        ({"0-": "a"}, "at least two ranges"),
    ],
)
def test_bot_kb_check_explains_a_wrong_by_length(by_length, message):
    with pytest.raises(KnowledgeError, match=message):
        parse(entry(by_length=by_length))


def test_an_unknown_fine_id_is_refused():
    with pytest.raises(KnowledgeError, match="fine 'phat_x' is not the id of an entry"):
        parse(entry(fine="phat_x"))


def test_the_shipped_cases_are_valid_and_their_fines_exist():
    kb = knowledge()
    assert kb.by_id(VMS).by_length and kb.by_id(VMS).fine == FINE and kb.by_id(FINE).by_length


# ---- lengths in messages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("tàu tui 13m", 13),
        ("ghe 13 met", 13),
        ("tau 13,5m", 13.5),
        ("chiều dài 15 mét", 15),
        ("còn tàu 24 m thì sao?", 24),
    ],
)
def test_a_vessel_length_is_read_in_every_style(text, length):
    assert [value for value, _, _ in vessel_lengths(text)] == [length]


@pytest.mark.parametrize(
    "text", ["tàu 90 CV", "tàu dưới 15m có phải lắp vms", "tàu từ 15 m trở lên", "tau 15-24m", "cách bờ 200 m"]
)
def test_power_classes_and_distances_are_not_lengths(text):
    assert vessel_lengths(text) == []


def test_a_bare_number_is_kept_apart_for_the_length_question():
    assert bare_number("13") == 13 and bare_number("khoảng 13,5") == 13.5 and bare_number("tàu 13m ra khơi") is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("còn tàu 24 m thì sao?", "inform_vessel_length"),
        ("con tau 24m thi sao", "inform_vessel_length"),
        ("vậy phạt bao nhiêu?", "ask_fine"),
        ("vay phat bn", "ask_fine"),
        ("tàu 13m được đánh bắt ở vùng khơi ko", None),
        ("không có giấy phép phạt bao nhiêu", None),
        ("không rõ", "length_unknown"),
        ("tui ko biet nua", "length_unknown"),
        ("xem het", "length_unknown"),
        ("không biết luật biển là gì", None),
    ],
)
def test_follow_ups_are_only_messages_without_content_of_their_own(text, intent):
    assert followup_intent(text, bool(vessel_lengths(text))) == intent


def test_the_reader_replaces_the_classifiers_guess_for_a_follow_up():
    message = Message(data={"text": "con tau 24m thi sao", "intent": {"name": "kb_x", "confidence": 0.6}})
    VesselLengthReader().process([message])
    assert message.get("intent")["name"] == "inform_vessel_length"
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == [("vessel_length", 24.0)]


# ---- the policy ---------------------------------------------------------------------------------------


def user(intent: str, *entities: tuple[str, float]) -> UserUttered:
    found = [{"entity": name, "value": value} for name, value in entities]
    return UserUttered("...", {"name": intent, "confidence": 0.9}, found, parse_data={"intent": {"name": intent}})


def step(*events):
    return KnowledgePolicy._next_action(
        DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), *events])
    )


def asking(entry_id: str = VMS) -> list:
    """A conversation where the form asks the length for ``entry_id``."""
    return [
        user(f"kb_{entry_id}"),
        SlotSet("knowledge_entry", entry_id),
        ActiveLoop("vessel_length_form"),
        SlotSet("requested_slot", "vessel_length"),
        ActionExecuted("vessel_length_form"),
        ActionExecuted("action_listen"),
    ]


def test_an_entry_by_length_asks_the_length_once():
    got = step(user(f"kb_{VMS}"))
    assert got.action == "vessel_length_form" and got.events == (SlotSet("knowledge_entry", VMS),)


def test_a_length_in_the_question_is_used_without_asking():
    assert step(user(f"kb_{VMS}", ("vessel_length", 13.0)), SlotSet("vessel_length", 13.0)).action == (
        f"utter_kb_{VMS}__0_15"
    )


def test_an_entry_without_cases_is_answered_whole_and_then_the_bot_listens():
    assert step(user(f"kb_{PLAIN}")).action == f"utter_kb_{PLAIN}"
    assert step(user(f"kb_{PLAIN}"), ActionExecuted(f"utter_kb_{PLAIN}")).action == "action_listen"
    assert step(user("greet")).action is None


def test_the_answer_for_the_length_given_to_the_form():
    events = [*asking(), user("nlu_fallback", ("bare_number", 24.0)), SlotSet("vessel_length", 24.0)]
    assert step(*events).action is None  # RulePolicy runs the form, which completes
    done = [*events, ActiveLoop(None), ActionExecuted("vessel_length_form")]
    assert step(*done).action == f"utter_kb_{VMS}__15_"


def test_not_knowing_the_length_gives_the_whole_answer_and_closes_the_form():
    for reply in (user(f"kb_{VMS}"), user("length_unknown")):  # the button, or typed "không rõ"
        got = step(*asking(), reply)
        assert got.action == f"utter_kb_{VMS}" and got.interrupts_form and ActiveLoop(None) in got.events


def test_another_question_instead_of_a_length_is_answered():
    got = step(*asking(), user(f"kb_{PLAIN}"))
    assert got.action == f"utter_kb_{PLAIN}" and got.interrupts_form and ActiveLoop(None) in got.events


def test_an_emergency_during_the_question_gets_the_rescue_contacts():
    got = step(*asking(), user("emergency"))
    assert got.action == "utter_emergency" and got.interrupts_form


def test_follow_ups_use_the_last_answer_and_the_remembered_length():
    answered = [user(f"kb_{VMS}"), SlotSet("vessel_length", 13.0), ActionExecuted(f"utter_kb_{VMS}__0_15")]
    later = [*answered, ActionExecuted("action_listen")]
    again = step(*later, user("inform_vessel_length", ("vessel_length", 24.0)), SlotSet("vessel_length", 24.0))
    assert again.action == f"utter_kb_{VMS}__15_"
    assert step(*later, user("ask_fine")).action == f"utter_kb_{FINE}__0_24"


def test_a_follow_up_without_context_asks_to_say_more():
    assert step(user("ask_fine")).action == "utter_followup_unclear"
    assert step(user("inform_vessel_length", ("vessel_length", 24.0))).action == "utter_followup_unclear"


# ---- the length question ------------------------------------------------------------------------------


async def test_the_length_question_offers_the_law_classes_and_the_whole_answer():
    dispatcher = CollectingDispatcher()
    tracker = Tracker.from_dict(
        {"sender_id": "u", "slots": {"knowledge_entry": VMS}, "latest_message": {}, "events": []}
    )
    assert await ActionAskVesselLength().run(dispatcher, tracker, {}) == []
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_vessel_length"
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["dưới 6 m", "6–12 m", "12–15 m", "15–24 m", "từ 24 m", "Không rõ / xem hết"]
    assert message["buttons"][-1]["payload"] == f"/kb_{VMS}"


def test_each_length_button_sends_a_length_inside_its_class():
    for button, (low, high) in zip(length_buttons(None), [(0, 6), (6, 12), (12, 15), (15, 24), (24, 999)], strict=True):
        ((value, _, _),) = vessel_lengths(button["payload"])
        assert low <= value < high
