from bot.knowledge.answering import decide
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


def test_agreement_of_classifier_and_search_gives_an_answer():
    entry = SEARCH.search("tần số 7903 kHz dùng làm gì", limit=1)[0].entry
    decision = decide("tần số 7903 kHz dùng làm gì", ranking((entry.intent, 0.3), ("greet", 0.1)), knowledge(), SEARCH)
    assert decision.answer == entry


def test_disagreement_gives_suggestions_not_an_answer():
    kb = knowledge()
    other = next(e for e in kb.entries if "7903" not in e.answer)
    decision = decide("tần số 7903 kHz dùng làm gì", ranking((other.intent, 0.3)), kb, SEARCH)
    assert decision.answer is None
    assert other in decision.suggestions and 1 < len(decision.suggestions) <= 3


def test_nothing_plausible_gives_neither():
    decision = decide("xyzzy qwerty", ranking(("greet", 0.4)), knowledge(), SEARCH)
    assert decision.answer is None and decision.suggestions == []
