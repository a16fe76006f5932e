from bot.knowledge.answering import agreed_answer, suggestions
from bot.knowledge.base import knowledge
from bot.knowledge.search import KnowledgeSearch

SEARCH = KnowledgeSearch(knowledge())


def top(query: str) -> str:
    return SEARCH.search(query, limit=1)[0].entry.id


def test_search_finds_the_same_entry_with_and_without_diacritics():
    assert top("số điện thoại trung tâm cứu nạn hàng hải Đà Nẵng") == top(
        "so dien thoai trung tam cuu nan hang hai da nang"
    )


def test_search_scores_are_identical_for_folded_queries():
    a = SEARCH.search("thiết bị giám sát hành trình bị hỏng")
    b = SEARCH.search("thiet bi giam sat hanh trinh bi hong")
    assert [(h.entry.id, round(h.score, 6)) for h in a] == [(h.entry.id, round(h.score, 6)) for h in b]


def test_search_returns_nothing_for_unrelated_words():
    assert SEARCH.search("xyzzy qwerty") == []


def ranking(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


QUESTION = "tần số 7903 kHz dùng làm gì"


def test_agreement_of_classifier_and_search_gives_an_answer():
    entry = SEARCH.search(QUESTION, limit=1)[0].entry
    assert agreed_answer(QUESTION, ranking((entry.intent, 0.3), ("greet", 0.1)), knowledge(), SEARCH) == entry


def test_no_answer_without_agreement_or_with_a_negligible_guess():
    kb = knowledge()
    entry = SEARCH.search(QUESTION, limit=1)[0].entry
    other = next(e for e in kb.entries if "7903" not in e.answer)
    assert agreed_answer(QUESTION, ranking((other.intent, 0.45)), kb, SEARCH) is None
    assert agreed_answer(QUESTION, ranking((entry.intent, 0.05)), kb, SEARCH) is None


def test_disagreement_gives_suggestions_from_both_opinions():
    kb = knowledge()
    other = next(e for e in kb.entries if "7903" not in e.answer)
    offered = suggestions(QUESTION, ranking((other.intent, 0.3)), kb, SEARCH)
    assert offered[0] == other and SEARCH.search(QUESTION, limit=1)[0].entry in offered and len(offered) <= 3


def test_nothing_plausible_gives_no_suggestion():
    assert suggestions("xyzzy qwerty", ranking(("greet", 0.4)), knowledge(), SEARCH) == []


def test_the_second_opinion_component_answers_only_when_both_agree():
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.second_opinion import KnowledgeSecondOpinion

    entry = SEARCH.search(QUESTION, limit=1)[0].entry
    unsure = Message(data={TEXT: QUESTION})
    unsure.set(INTENT, {"name": "nlu_fallback", "confidence": 0.5})
    unsure.set(INTENT_RANKING_KEY, ranking(("nlu_fallback", 0.5), (entry.intent, 0.3)))
    sure = Message(data={TEXT: QUESTION})
    sure.set(INTENT, {"name": "greet", "confidence": 0.9})
    KnowledgeSecondOpinion({"threshold": 0.5}).process([unsure, sure])
    assert unsure.get(INTENT) == {"name": entry.intent, "confidence": 0.3}
    assert sure.get(INTENT)["name"] == "greet"


def test_a_danger_question_gets_a_followup_answer_only_when_clear():
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.second_opinion import KnowledgeSecondOpinion

    def emergency(text: str, *ranked) -> Message:
        message = Message(data={TEXT: text})
        message.set(INTENT, {"name": "emergency", "confidence": 1.0})
        message.set(INTENT_RANKING_KEY, ranking(("emergency", 1.0), *ranked))
        message.set("danger_override", {"name": ranked[0][0], "confidence": ranked[0][1]})
        return message

    sure = emergency("thấy tàu khác bị chìm có phải cứu không", ("kb_thay_tau_khac_gap_nan_co_phai_cuu", 0.8))
    vague = emergency("chìm rồi", ("kb_lanh_hai_rong", 0.2))
    KnowledgeSecondOpinion({"threshold": 0.5}).process([sure, vague])
    assert sure.get("followup_intent") == "kb_thay_tau_khac_gap_nan_co_phai_cuu"
    assert vague.get("followup_intent") is None
