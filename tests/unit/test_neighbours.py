from bot.rasa.nlu.neighbours import QuestionIndex, vote

INDEX = QuestionIndex(
    [
        "Lãnh hải rộng bao nhiêu hải lý?",
        "lanh hai rong may hai ly",
        "Tàu 15 m có phải lắp VMS không?",
        "tau tren 15m co phai gan vms ko",
        "giá cá ngừ hôm nay bao nhiêu",
    ],
    ["kb_lanh_hai", "kb_lanh_hai", "kb_vms", "kb_vms", "out_of_scope_price"],
)


def test_accented_unaccented_and_teencode_questions_meet_their_wordings():
    for text in ("lãnh hải rộng bn hải lý", "LANH HAI RONG BAO NHIEU", "ghe 15m phai lap vms hok"):
        nearest, _ = INDEX.compare(text, k=3)
        assert nearest[0][0] == ("kb_vms" if "vms" in text else "kb_lanh_hai"), (text, nearest)


def test_relevance_is_the_best_similarity_per_intent_and_unrelated_text_scores_low():
    _, relevance = INDEX.compare("lanh hai rong bao nhieu hai ly", k=3)
    assert relevance["kb_lanh_hai"] > 0.9 > relevance.get("kb_vms", 0.0)
    _, relevance = INDEX.compare("xyzzy qwerty", k=3)
    assert max(relevance.values(), default=0.0) < 0.3


def test_the_vote_shares_add_up_and_favour_the_closest_intent():
    ranking = vote([("a", 0.6), ("b", 0.3), ("a", 0.1)])
    assert [r["name"] for r in ranking] == ["a", "b"] and abs(sum(r["score"] for r in ranking) - 1) < 1e-3
