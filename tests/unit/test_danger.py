import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import OVERRIDE_KEY, DangerDetector, danger_level


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
        "cứuuuu tàu chìmmmm",
        "🆘🆘",
        "ghe chồng tui chưa về mà bão vô rồi",
    ],
)
def test_danger_is_recognised(text):
    assert danger_level(text) == "strong"


@pytest.mark.parametrize(
    "text",
    [
        "số điện thoại trung tâm cứu nạn hàng hải",
        "tàu đang chạy ngoài biển thì vms phải bật không",
        "tau dang chay ra khoi",
        "vms bi hong thi lam sao",
        "năm ngoái tàu tui bị chìm, bảo hiểm có trả không",
        "lãnh hải rộng bao nhiêu",
        "bao hiem than tau",
    ],
)
def test_ordinary_questions_are_not_a_strong_danger_signal(text):
    assert danger_level(text) != "strong"


def classify(text: str, intent: str, confidence: float, emergency: float = 0.0) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    ranking = [{"name": intent, "confidence": confidence}]
    if emergency:
        ranking.append({"name": "emergency", "confidence": emergency})
    message.set(INTENT_RANKING_KEY, ranking)
    return DangerDetector().process([message])[0]


@pytest.mark.parametrize("text", ["bảo hiểm có trả khi tàu bị cháy không", "tàu chìm ở Sa Huỳnh nhiều không"])
def test_weak_signals_need_the_classifier_to_agree(text):
    assert danger_level(text) == "weak"
    assert classify(text, "kb_tai_nan", 0.9, emergency=0.02).get(INTENT)["name"] == "kb_tai_nan"
    assert classify(text, "kb_tai_nan", 0.6, emergency=0.3).get(INTENT)["name"] == "emergency"


def test_detector_overrides_the_classifier_and_keeps_its_guess():
    message = classify("thấy tàu khác bị chìm có phải cứu không", "kb_cuu_nan", 0.8, emergency=0.15)
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(OVERRIDE_KEY) == {"name": "kb_cuu_nan", "confidence": 0.8}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "kb_cuu_nan"]


def test_the_past_is_not_an_emergency():
    assert danger_level("năm ngoái tàu tui bị chìm, bảo hiểm có trả không") == "none"


def test_detector_raises_a_hesitant_emergency_to_certainty():
    message = classify("cứu", "emergency", 0.3, emergency=0.3)
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
