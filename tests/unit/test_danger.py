from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import OVERRIDE_KEY, danger_level, is_emergency, score_detection
from bot.rasa.nlu.danger import DangerDetector

DATA = Path(__file__).resolve().parents[1] / "data"


def cases(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "SOS",
        "cứu",
        "cuu voi",
        "help",
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
        "het dau roi, tau dang troi, song lon",
        "tau dang chay, lua lon qua",
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
        "lãnh hải rộng bao nhiêu",
        "bao hiem than tau",
        "/help",
    ],
)
def test_ordinary_questions_are_not_a_strong_danger_signal(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text",
    [
        "gia dau hom nay o cang Sa Ky bao nhieu",  # a price
        "tàu hết dầu thì đổ ở cây xăng nào gần cảng Sa Kỳ",  # buying fuel
        "bảo hiểm có trả khi tàu bị lật không",  # insurance
        "thấy người rơi xuống biển mà không cứu thì bị xử lý thế nào",  # the law
        "năm ngoái tàu tui bị chìm, bảo hiểm có trả không",  # the past
        "tàu về bến an toàn rồi, cảm ơn biên phòng đã cứu",  # over and done
        "đọc báo thấy tàu cá bị chìm ở Hoàng Sa, có thật không",  # the news
        "tuan sau co bao ko",  # a forecast
        "Bấm nhầm nút SOS trên máy VMS thì phải làm gì",  # the SOS button, not a call
    ],
)
def test_calm_questions_are_not_danger_even_with_danger_words(text):
    assert danger_level(text) == "calm"
    assert not is_emergency("calm", 1.0)  # not even when the classifier is certain


def test_a_call_for_help_wins_over_a_calm_topic():
    assert danger_level("cứu với, tàu chìm rồi, bảo hiểm gì tính sau") == "strong"


def classify(text: str, intent: str, confidence: float, emergency: float = 0.0) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    ranking = [{"name": intent, "confidence": confidence}]
    if emergency and intent != "emergency":
        ranking.append({"name": "emergency", "confidence": emergency})
    message.set(INTENT_RANKING_KEY, ranking)
    return DangerDetector().process([message])[0]


@pytest.mark.parametrize("text", ["tàu chìm ở Sa Huỳnh nhiều không", "tau bi chay"])
def test_weak_signals_need_the_classifier_to_agree(text):
    assert danger_level(text) == "weak"
    assert classify(text, "kb_tai_nan", 0.9, emergency=0.02).get(INTENT)["name"] == "kb_tai_nan"
    assert classify(text, "kb_tai_nan", 0.4, emergency=0.6).get(INTENT)["name"] == "emergency"


def test_detector_overrides_the_classifier_and_keeps_its_guess():
    message = classify("thấy tàu khác bị chìm có phải cứu không", "kb_cuu_nan", 0.8, emergency=0.55)
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(OVERRIDE_KEY) == {"name": "kb_cuu_nan", "confidence": 0.8}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "kb_cuu_nan"]


def test_detector_raises_a_hesitant_emergency_to_certainty():
    message = classify("cứu", "emergency", 0.3)
    assert message.get(INTENT)["confidence"] == 1.0
    assert message.get(OVERRIDE_KEY) is None


def test_the_classifiers_emergency_alone_is_not_trusted():
    message = Message(data={TEXT: "Chạy tàu ra khơi cần mang theo giấy tờ gì"})
    message.set(INTENT, {"name": "emergency", "confidence": 0.99})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": "emergency", "confidence": 0.99}, {"name": "kb_giay_to_tau_ca", "confidence": 0.01}],
    )
    DangerDetector().process([message])
    assert message.get(INTENT) == {"name": "kb_giay_to_tau_ca", "confidence": 0.01}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["kb_giay_to_tau_ca"]


def test_detector_leaves_other_messages_alone():
    message = classify("lãnh hải rộng bao nhiêu", "kb_lanh_hai_rong", 0.9)
    assert message.get(INTENT) == {"name": "kb_lanh_hai_rong", "confidence": 0.9}


def test_no_lookalike_of_the_development_sets_is_a_strong_signal():
    for name in ("dev_lookalikes.yml", "dev_emergencies.yml", "dev_danger_2.yml"):
        score = score_detection(cases(name))
        assert score.false_alarms == (), f"{name}: {score.summary()}"


def test_every_emergency_of_the_development_sets_has_a_danger_signal():
    """Strong, or weak for the classifier to confirm ("chay tau roi": on fire, or under way?); never vetoed."""
    sets = ("dev_lookalikes.yml", "dev_emergencies.yml", "dev_danger_2.yml")
    emergencies = [c["text"] for name in sets for c in cases(name) if c["emergency"]]
    assert [t for t in emergencies if danger_level(t) == "none"] == []
    assert score_detection(cases("dev_emergencies.yml")).missed == ()


def test_score_detection_counts_false_alarms_and_misses():
    score = score_detection(
        [
            {"text": "cứu", "emergency": True},
            {"text": "chay tau roi", "emergency": True},
            {"text": "gia dau hom nay", "emergency": False},
            {"text": "giá dầu hôm nay", "emergency": False},
        ],
        flagged=lambda text: text.startswith(("cứu", "gia")),
    )
    assert score.false_alarms == ("gia dau hom nay",) and score.missed == ("chay tau roi",)
    assert (score.false_alarm_rate, score.recall) == (0.5, 0.5)
    assert score.summary() == "false alarms 1/2 (50.0%), emergencies recognised 1/2 (50.0%)"


def test_foreign_text_gets_the_other_language_intent():
    from bot.rasa.nlu.language import ForeignLanguageDetector

    message = Message(data={TEXT: "who won the football match last night"})
    message.set(INTENT, {"name": "out_of_scope", "confidence": 0.7})
    ForeignLanguageDetector().process([message])
    assert message.get(INTENT) == {"name": "other_language", "confidence": 1.0}
    vietnamese = Message(data={TEXT: "vms bat 24 24 k"})
    vietnamese.set(INTENT, {"name": "kb_vms_bat_24_24", "confidence": 0.9})
    ForeignLanguageDetector().process([vietnamese])
    assert vietnamese.get(INTENT)["name"] == "kb_vms_bat_24_24"


def test_a_sure_classifier_alone_is_not_an_emergency():
    """DIET gave 0.9 and more to unrelated questions ("bầu cử tổng thống Mỹ năm nay ai thắng")."""
    message = Message(data={TEXT: "Bầu cử tổng thống Mỹ năm nay ai thắng?"})
    message.set(INTENT, {"name": "emergency", "confidence": 0.97})
    message.set(
        INTENT_RANKING_KEY, [{"name": "emergency", "confidence": 0.97}, {"name": "out_of_scope", "confidence": 0.02}]
    )
    DangerDetector().process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    [
        "tàu đang chìm thì phải làm sao",
        "tau dang chim thi phai lam sao",
        "có người rơi xuống biển thì phải làm gì bây giờ",
        "may hu giua bien song to qua thi sao",
        "đang bị tàu lạ rượt đuổi thì làm sao",
    ],
)
def test_danger_now_asked_as_a_question_is_still_an_emergency(text):
    assert danger_level(text) == "strong"


def test_development_questions_about_the_law_are_not_read_as_danger():
    """898 questions of the development sets that are not emergencies: at most the 3 long letters that tell
    of a rescue call or a breakdown get the rescue contacts first (then their answer)."""
    questions = [
        q for name in ("dev_questions.yml", "dev_2026_10.yml", "dev_questions_2026_11.yml") for q in cases(name)
    ]
    calm = [q["text"] for q in questions if q["kind"] != "emergency"]
    assert len([t for t in calm if danger_level(t) == "strong"]) <= 3
