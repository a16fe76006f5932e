import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import OVERRIDE_KEY, DangerDetector, signals_danger


@pytest.mark.parametrize(
    "text",
    [
        "SOS",
        "cứu",
        "cuu voi",
        "Tàu tui đang chìm",
        "tau dang chim cuu",
        "ghe đang cháy ngoài khơi",
        "co nguoi roi xuong bien",
        "hong may giua bao tau dang troi",
        "mayday mayday",
        "tau bi thung nuoc vao khoang",
    ],
)
def test_danger_is_recognised(text):
    assert signals_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "số điện thoại trung tâm cứu nạn hàng hải",
        "tàu đang chạy ngoài biển thì vms phải bật không",
        "tau dang chay ra khoi",
        "vms bi hong thi lam sao",
        "lãnh hải rộng bao nhiêu",
        "bao hiem than tau",
    ],
)
def test_ordinary_questions_are_not_danger(text):
    assert not signals_danger(text)


def classify(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
    return DangerDetector().process([message])[0]


def test_detector_overrides_the_classifier_and_keeps_its_guess():
    message = classify("thấy tàu khác bị chìm có phải cứu không", "kb_cuu_nan", 0.8)
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(OVERRIDE_KEY) == {"name": "kb_cuu_nan", "confidence": 0.8}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "kb_cuu_nan"]


def test_detector_raises_a_hesitant_emergency_to_certainty():
    message = classify("cứu", "emergency", 0.3)
    assert message.get(INTENT)["confidence"] == 1.0
    assert message.get(OVERRIDE_KEY) is None


def test_detector_leaves_other_messages_alone():
    message = classify("lãnh hải rộng bao nhiêu", "kb_lanh_hai_rong", 0.9)
    assert message.get(INTENT) == {"name": "kb_lanh_hai_rong", "confidence": 0.9}


def test_foreign_text_gets_the_other_language_intent():
    from bot.nlu.language import ForeignLanguageDetector

    message = Message(data={TEXT: "who won the football match last night"})
    message.set(INTENT, {"name": "out_of_scope", "confidence": 0.7})
    ForeignLanguageDetector().process([message])
    assert message.get(INTENT) == {"name": "other_language", "confidence": 1.0}
    vietnamese = Message(data={TEXT: "vms bat 24 24 k"})
    vietnamese.set(INTENT, {"name": "kb_vms_bat_24_24", "confidence": 0.9})
    ForeignLanguageDetector().process([vietnamese])
    assert vietnamese.get(INTENT)["name"] == "kb_vms_bat_24_24"
