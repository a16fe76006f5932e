"""The danger model and its pipeline step: trained, stored and loaded through Rasa's model storage."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.danger import OVERRIDE_KEY, score_detection
from bot.nlu.danger_model import THRESHOLD, DangerModel, danger_sets
from bot.rasa.nlu.danger import DANGER_KEY, DangerDetector

WORDINGS = [
    ("lãnh hải rộng bao nhiêu hải lý", "kb_lanh_hai_rong"),
    ("chạy tàu ra khơi cần mang theo giấy tờ gì", "kb_giay_to_tau_ca"),
    ("bầu cử tổng thống mỹ ai thắng", "out_of_scope"),
    ("tàu tôi đang chìm", "emergency"),
]


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> DangerDetector:
    """Trained as `bot train` trains it, written to Rasa's model storage and loaded back from it."""
    storage, resource = LocalModelStorage(tmp_path_factory.mktemp("model")), Resource("danger")
    fresh = DangerDetector.create({}, storage, resource, execution_context=None)  # type: ignore[arg-type]
    data = TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in WORDINGS])
    assert fresh.train(data) == resource
    return DangerDetector.load({}, storage, resource, execution_context=None)  # type: ignore[arg-type]


def classify(detector: DangerDetector, text: str, intent: str, confidence: float) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    others = [{"name": "kb_giay_to_tau_ca", "confidence": 0.01}] if intent != "kb_giay_to_tau_ca" else []
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}, *others])
    return detector.process([message])[0]


@pytest.mark.parametrize(
    "text",
    ["SOS", "cuu voi", "🆘🆘", "cứuuuu tàu chìmmmm", "tau dang chim", "co nguoi roi xuong bien", "ghe đang cháy"],
)
def test_danger_now_overrides_the_classifier_and_keeps_its_guess(detector, text):
    message = classify(detector, text, "kb_lanh_hai_rong", 0.8)
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(OVERRIDE_KEY) == {"name": "kb_lanh_hai_rong", "confidence": 0.8}
    ranking = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert ranking == ["emergency", "kb_lanh_hai_rong", "kb_giay_to_tau_ca"]
    assert message.get(DANGER_KEY) >= THRESHOLD


@pytest.mark.parametrize(
    "text",
    ["giá dầu hôm nay bao nhiêu", "bảo hiểm có trả khi tàu bị lật không", "năm ngoái tàu tui bị chìm", "lãnh hải"],
)
def test_calm_questions_keep_the_classifiers_answer(detector, text):
    message = classify(detector, text, "kb_lanh_hai_rong", 0.8)
    assert message.get(INTENT) == {"name": "kb_lanh_hai_rong", "confidence": 0.8}
    assert message.get(OVERRIDE_KEY) is None
    assert message.get(DANGER_KEY) < THRESHOLD


def test_a_hesitant_emergency_is_raised_to_certainty(detector):
    message = classify(detector, "cứu", "emergency", 0.3)
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(OVERRIDE_KEY) is None


def test_the_classifiers_emergency_alone_is_not_trusted(detector):
    """DIET gave 0.9 and more to unrelated questions ("bầu cử tổng thống Mỹ năm nay ai thắng")."""
    message = classify(detector, "Bầu cử tổng thống Mỹ năm nay ai thắng?", "emergency", 0.97)
    assert message.get(INTENT) == {"name": "kb_giay_to_tau_ca", "confidence": 0.01}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["kb_giay_to_tau_ca"]


def test_an_empty_message_is_no_danger(detector):
    message = detector.process([Message(data={TEXT: "  "})])[0]
    assert message.get(DANGER_KEY) == 0.0 and message.get(INTENT) is None


def test_a_new_writers_messages_are_read_by_a_model_that_never_saw_them():
    """Trained without the last writer's file, measured on it (benchmarks/danger.py does so for every file):
    the rules, written before it, missed 17 of its 120 emergencies."""
    sets = danger_sets()
    held_back = sets.pop("danger_13.yml")
    model = DangerModel([example for examples in sets.values() for example in examples])
    score = score_detection([{"text": t, "emergency": e} for t, e in held_back], model.is_emergency)
    assert len(score.missed) <= 3 and len(score.false_alarms) <= 6, score.summary()


def test_every_danger_file_holds_labelled_messages_once():
    for name, examples in danger_sets().items():
        assert examples and all(text.strip() for text, _ in examples), name
        assert any(emergency for _, emergency in examples) and not all(e for _, e in examples), name
        assert len({text for text, _ in examples}) == len(examples), f"{name} repeats a message"
