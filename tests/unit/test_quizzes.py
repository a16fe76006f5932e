"""Quizzes without servers: questions drafted from the knowledge file hold against it; a quiz is drafted,
reviewed, published and played one question at a time, once per person, and its results add up."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.knowledge.base import Entry, KnowledgeBase, knowledge
from bot.quizzes import results, store
from bot.quizzes.drafting import OPTIONS, QuizItemError, draft, norm, parse_items, quiz_items, wrong_options
from bot.storage.models import QuizStatus, utcnow

# ---- the real quiz file against the real knowledge file -------------------------------------------------


def test_every_quiz_item_drafts_a_question_whose_right_option_is_the_entrys_answer():
    items = quiz_items()
    assert len(items) >= 40
    for item in items:
        for seed in range(5):
            found = draft(item, items, random.Random(seed))
            assert found is not None, item.entry.id
            assert len(found.options) == OPTIONS and len(set(map(norm, found.options))) == OPTIONS
            assert found.right == item.right and norm(found.right) in norm(item.entry.answer)
            assert found.source == item.entry.source and found.explanation == item.entry.answer


def test_no_wrong_option_is_a_true_statement_of_the_same_entry():
    items = quiz_items()
    for item in items:
        stated = norm(f"{item.entry.answer} {item.entry.source}")
        for wrong in wrong_options(item, items):
            assert norm(wrong) not in stated, (item.entry.id, wrong)


def test_both_tracks_and_most_topics_have_items():
    items = quiz_items()
    assert sum("officers" in i.tracks for i in items) >= 10
    assert len({i.entry.topic for i in items if "residents" in i.tracks}) >= 10


# ---- the rules of the quiz file ----------------------------------------------------------------------------


def entry(entry_id: str, answer: str) -> Entry:
    return Entry(entry_id, "nghe_ca", f"{entry_id}?", (), answer, f"Nguồn {entry_id}", ("q",))


KB = KnowledgeBase(
    {"nghe_ca": "Nghề cá"},
    (
        entry("a", "Tàu từ 06 m phải có giấy phép."),
        entry("b", "Tàu từ 12 m phải ghi nhật ký, tàu 15 m thì không nói ở đây."),
        entry("c", "Tàu từ 15 m phải lắp VMS."),
        entry("d", "Tàu từ 24 m phải có thêm thuyền viên."),
        entry("e", "Tàu từ 30 m đi vùng khơi."),
    ),
)
ITEMS = {"items": [{"entry": e.id, "kind": "length", "right": r}
                   for e, r in zip(KB.entries, ["06 m", "12 m", "15 m", "24 m", "30 m"], strict=True)]}  # fmt: skip


def test_a_right_option_must_be_in_the_entrys_answer_and_each_kind_needs_enough_items():
    parse_items(ITEMS, KB)
    with pytest.raises(QuizItemError, match="not in the entry's answer"):
        parse_items({"items": [*ITEMS["items"][:4], {"entry": "e", "kind": "length", "right": "31 m"}]}, KB)
    with pytest.raises(QuizItemError, match="fewer than 4"):
        parse_items({"items": ITEMS["items"][:3]}, KB)
    with pytest.raises(QuizItemError, match="no knowledge entry"):
        parse_items({"items": [*ITEMS["items"], {"entry": "zz", "kind": "length", "right": "1 m"}]}, KB)


def test_values_the_entry_states_are_never_wrong_options():
    items = parse_items(ITEMS, KB)
    b = next(i for i in items if i.entry.id == "b")
    assert wrong_options(b, items) == ["06 m", "24 m", "30 m"]  # 15 m is in b's answer too: never offered


# ---- drafting, review, publishing, playing ----------------------------------------------------------------


@pytest.fixture
def quiz(sqlite_and_postgresql):
    items = parse_items(ITEMS, KB)
    now = utcnow()
    return store.create("Tìm hiểu Luật Thủy sản", 3, now - timedelta(hours=1), now + timedelta(days=1), "cli:test",
                        seed=1, items=items)  # fmt: skip


def player(user: str, area: str | None = "ly_son") -> store.Player:
    return store.Player("telegram", user, f"Ngư dân {user}", area)


def test_a_draft_is_reviewed_then_published_and_cannot_change_after(quiz):
    questions = store.questions(quiz.id)
    assert [q.position for q in questions] == [1, 2, 3]
    first = questions[0]
    store.edit_question(first.id, prompt="Tàu dài từ bao nhiêu mét phải có giấy phép khai thác?")
    with pytest.raises(store.QuizError):
        store.edit_question(first.id, options=["6 m", "6 m"])
    with pytest.raises(store.QuizError):
        store.edit_question(first.id, correct=7)
    store.remove_question(questions[2].id)
    assert [q.position for q in store.questions(quiz.id)] == [1, 2]
    assert store.open_quizzes(("residents",), "ly_son") == []  # not before approval
    store.publish(quiz.id, "cli:test")
    assert [q.id for q in store.open_quizzes(("residents",), "ly_son")] == [quiz.id]
    with pytest.raises(store.QuizError, match="đã xuất bản"):
        store.edit_question(first.id, prompt="x")
    with pytest.raises(store.QuizError, match="đã được xuất bản"):
        store.publish(quiz.id, "cli:test")


def play(quiz, user: str, right: bool = True) -> store.QuizAttempt:
    attempt = store.start(quiz, player(user))
    while (question := store.current_question(attempt)) is not None:
        chosen = question.correct if right else (question.correct + 1) % len(store.options_of(question))
        answered = store.answer(attempt.id, question.id, chosen)
        assert answered.status == "recorded" and answered.correct is right
        attempt = answered.attempt
    return attempt


def test_one_attempt_per_person_resumed_where_they_left_and_old_buttons_refused(quiz):
    store.publish(quiz.id, "cli:test")
    attempt = store.start(quiz, player("1"))
    first = store.current_question(attempt)
    assert store.answer(attempt.id, first.id, first.correct).status == "recorded"
    assert store.answer(attempt.id, first.id, first.correct).status == "not_current"  # pressed again
    again = store.start(quiz, player("1"))
    assert again.id == attempt.id and store.current_question(again).id != first.id
    other = store.start(quiz, player("2"))
    assert other.question_order.split(",")[0] and other.id != attempt.id
    finished = play(quiz, "1")
    assert finished.finished_at is not None and finished.score == 3
    assert store.answer(finished.id, first.id, 0).status == "finished_before"


def test_answers_after_the_end_are_refused(quiz):
    store.publish(quiz.id, "cli:test")
    attempt = store.start(quiz, player("3"))
    question = store.current_question(attempt)
    late = store.answer(attempt.id, question.id, question.correct, now=quiz.ends_at + timedelta(seconds=1))
    assert late.status == "late"
    assert store.current_question(store.start(quiz, player("3"))).id == question.id  # nothing recorded


def test_results_count_people_scores_questions_and_name_only_who_agreed(quiz):
    store.publish(quiz.id, "cli:test")
    winner = play(quiz, "10")
    store.set_show_name(winner.id, True)
    play(quiz, "11", right=False)
    store.start(quiz, player("12", area="sa_huynh"))  # started, not finished
    found = results.results(quiz.id)
    assert (found["participants"], found["finished"], found["completion_rate"]) == (3, 2, 0.667)
    assert found["score_distribution"] == {"0": 1, "3": 1} and found["average_score"] == 1.5
    assert [row["name"] for row in found["leaderboard"]] == ["Ngư dân 10", results.ANONYMOUS]
    assert all(q["correct_rate"] == 0.5 and q["answered"] == 2 for q in found["questions"])
    assert found["topics"] == [{"topic": "nghe_ca", "answered": 6, "correct_rate": 0.5}]
    assert {row["key"]: row["participants"] for row in found["areas"]} == {"ly_son": 2, "sa_huynh": 1}
    assert all(row["wrong_rate"] == 0.5 for row in found["wrong_by_area"])
    assert results.results(999) is None


def test_real_items_make_a_quiz_by_topic(app_database):
    now = utcnow()
    topic = quiz_items()[0].entry.topic
    quiz = store.create("Theo chủ đề", 3, now, now + timedelta(days=1), "cli:test", topic=topic)
    assert quiz.status == QuizStatus.DRAFT
    assert {q.topic for q in store.questions(quiz.id)} == {topic}
    with pytest.raises(store.QuizError):
        store.create("x", 3, now, now - timedelta(days=1), "cli:test")
    with pytest.raises(store.QuizError):
        store.create("x", 3, now, now + timedelta(days=1), "cli:test", topic="khong_co")
    assert knowledge().topics  # the topics the CLI offers
