import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge.answering import Opinions, Thresholds, asks_a_price, decide
from bot.knowledge.base import knowledge
from bot.knowledge.search import KnowledgeSearch
from bot.rasa.nlu.decider import AnswerDecider

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
THRESHOLDS = Thresholds(sure=0.5, agree=0.2, relevant=0.35, in_field=8.0, single=0.6, search_votes=10.0, declines=0.2)


def views(classifier=(), neighbours=(), relevance=None, search=()) -> Opinions:
    return Opinions(list(classifier), list(neighbours), dict(relevance or {}), list(search))


def test_a_sure_classifier_answers_alone():
    decision = decide(views(classifier=[("kb_a", 0.9)]), THRESHOLDS)
    assert (decision.outcome, decision.intent) == ("answer", "kb_a")


def test_a_sure_classifier_is_overruled_when_the_two_other_opinions_agree_on_a_close_entry():
    overruled = views([("kb_a", 0.8)], [("kb_b", 0.6)], {"kb_b": 0.5}, [("kb_b", 20.0)])
    assert decide(overruled, THRESHOLDS).intent == "kb_b"
    far = views([("kb_a", 0.8)], [("kb_b", 0.6)], {"kb_b": 0.1}, [("kb_b", 20.0)])
    assert decide(far, THRESHOLDS).intent == "kb_a"


def test_two_opinions_that_agree_answer_when_a_wording_is_close_enough():
    agreeing = views([("kb_a", 0.3), ("kb_b", 0.2)], [("kb_a", 0.6)], {"kb_a": 0.5, "kb_b": 0.4}, [("kb_b", 9.0)])
    assert decide(agreeing, THRESHOLDS).intent == "kb_a"
    far = views([("kb_a", 0.3)], [("kb_a", 0.6)], {"kb_a": 0.1}, [])
    assert decide(far, THRESHOLDS).outcome != "answer"


def test_three_opinions_that_agree_answer_even_far_from_every_wording():
    """A long letter is far from every short wording; the three opinions still agree."""
    letter = views([("kb_a", 0.3)], [("kb_a", 0.4)], {"kb_a": 0.1}, [("kb_a", 40.0)])
    assert (decide(letter, THRESHOLDS).outcome, decide(letter, THRESHOLDS).intent) == ("answer", "kb_a")


def test_a_classifier_that_declines_is_not_overruled_by_a_shared_place_name():
    """ "giá cá nục ở Sa Huỳnh": the neighbours and the search share 'Sa Huỳnh' with an entry."""
    price = views([("out_of_scope_price", 0.25)], [("kb_sa_huynh", 0.5)], {"kb_sa_huynh": 0.5}, [("kb_sa_huynh", 15.0)])
    decision = decide(price, THRESHOLDS)
    assert decision.outcome != "answer"
    unsure = views([("out_of_scope_price", 0.1)], [("kb_sa_huynh", 0.5)], {"kb_sa_huynh": 0.5}, [("kb_sa_huynh", 15.0)])
    assert decide(unsure, THRESHOLDS).intent == "kb_sa_huynh"


def test_disagreement_offers_only_relevant_entries_most_similar_first():
    relevance = {"kb_a": 0.4, "kb_b": 0.6, "kb_c": 0.1}
    torn = views([("kb_a", 0.3), ("kb_c", 0.1)], [("kb_b", 0.5)], relevance, [("kb_d", 5.0)])
    decision = decide(torn, THRESHOLDS)
    assert (decision.outcome, decision.choices) == ("choices", ("kb_b", "kb_a"))


def test_the_only_relevant_entry_is_answered_when_a_wording_is_very_close():
    alone = views([("greet", 0.1)], [("kb_a", 0.9)], {"kb_a": 0.8}, [])
    assert (decide(alone, THRESHOLDS).outcome, decide(alone, THRESHOLDS).intent) == ("answer", "kb_a")
    less_close = views([("greet", 0.1)], [("kb_a", 0.9)], {"kb_a": 0.4}, [])
    assert decide(less_close, THRESHOLDS).choices == ("kb_a",)


def test_nothing_relevant_is_out_of_scope_with_the_category_the_opinions_name():
    weather = decide(views([("out_of_scope_weather", 0.4)], [("out_of_scope_weather", 0.7)]), THRESHOLDS)
    assert (weather.outcome, weather.intent) == ("out_of_scope", "out_of_scope_weather")
    other = decide(views([("greet", 0.2)], [("kb_a", 0.5)], {"kb_a": 0.1}), THRESHOLDS)
    assert (other.outcome, other.intent) == ("out_of_scope", "out_of_scope")


def test_a_message_in_the_bots_field_with_nothing_relevant_is_a_dont_know():
    in_field = views([("kb_a", 0.2)], [("kb_b", 0.5)], {"kb_a": 0.2, "kb_b": 0.3}, [("kb_c", 12.0)])
    assert decide(in_field, THRESHOLDS).outcome == "dont_know"


def test_a_category_any_opinion_names_among_its_first_five_makes_it_not_my_field():
    """ "Dự báo gió ngoài Hoàng Sa": sea words give a strong search match, the classifier's fourth is weather."""
    ranked = [("kb_a", 0.2), ("kb_b", 0.1), ("kb_d", 0.1), ("out_of_scope_weather", 0.05)]
    forecast = views(ranked, [("kb_b", 0.5)], {"kb_a": 0.2, "kb_b": 0.3}, [("kb_c", 20.0)])
    assert (decide(forecast, THRESHOLDS).outcome, decide(forecast, THRESHOLDS).intent) == (
        "out_of_scope",
        "out_of_scope_weather",
    )


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("cá bạc má bữa ni ở chợ Sa Huỳnh bán bao nhiêu rứa", True),
        ("may ghe cu 300 CV ban duoc bao nhieu", True),
        ("mua cai tu cap dong het bao nhieu tien", True),
        ("tàu 13 m đánh sai vùng bị phạt bao nhiêu", False),  # a fine: the bot knows it
        ("mua tàu cũ thì bao nhiêu ngày phải sang tên", False),
        ("hỗ trợ dầu mua bao nhiêu lít được", False),
    ],
)
def test_a_price_of_goods_is_told_apart_from_money_the_bot_knows(text, price):
    assert asks_a_price(text) is price


def test_a_price_is_out_of_scope_unless_the_classifier_is_sure():
    price = Opinions([("kb_a", 0.3)], [("kb_a", 0.6)], {"kb_a": 0.5}, [("kb_a", 20.0)], asks_a_price=True)
    assert (decide(price, THRESHOLDS).outcome, decide(price, THRESHOLDS).intent) == (
        "out_of_scope",
        "out_of_scope_price",
    )
    sure = Opinions([("kb_a", 0.9)], [], {}, [], asks_a_price=True)
    assert decide(sure, THRESHOLDS).intent == "kb_a"


def message(text: str, intent: str, ranked: list, neighbours: list, relevance: dict) -> Message:
    result = Message(data={TEXT: text})
    result.set(INTENT, {"name": intent, "confidence": ranked[0][1]})
    result.set(INTENT_RANKING_KEY, ranking(*ranked))
    result.set("neighbours", [{"name": n, "score": s} for n, s in neighbours])
    result.set("relevance", relevance)
    return result


def test_the_decider_component_sets_the_intent_and_the_choices():
    entry = SEARCH.search(QUESTION, limit=1)[0].entry
    other = next(e for e in knowledge().entries if "7903" not in e.answer)
    sure = message(QUESTION, entry.intent, [(entry.intent, 0.9)], [], {})
    relevance = {entry.intent: 0.6, other.intent: 0.5}
    torn = message("xyz", other.intent, [(other.intent, 0.3)], [(entry.intent, 0.6)], relevance)
    AnswerDecider(AnswerDecider.get_default_config()).process([sure, torn])
    assert sure.get(INTENT)["name"] == entry.intent and sure.get("decision") == "answer"
    assert torn.get(INTENT)["name"] == "nlu_fallback" and torn.get("choices") == [entry.intent, other.intent]


def test_a_danger_question_gets_a_followup_answer_only_when_clear():
    def emergency(text: str, *ranked) -> Message:
        result = message(text, "emergency", [("emergency", 1.0), *ranked], [], {})
        result.set("danger_override", {"name": ranked[0][0], "confidence": ranked[0][1]})
        return result

    sure = emergency("thấy tàu khác bị chìm có phải cứu không", ("kb_thay_tau_khac_gap_nan_co_phai_cuu", 0.8))
    vague = emergency("chìm rồi", ("kb_lanh_hai_rong", 0.2))
    AnswerDecider(AnswerDecider.get_default_config()).process([sure, vague])
    assert sure.get("followup_intent") == "kb_thay_tau_khac_gap_nan_co_phai_cuu"
    assert vague.get("followup_intent") is None
    assert sure.get(INTENT)["name"] == "emergency"
