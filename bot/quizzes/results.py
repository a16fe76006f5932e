"""What a quiz showed: participants, completion, scores, the facts people got wrong (by area: where outreach
should focus next), leaderboards of people (named only with their consent) and of communes and border-post
areas (participation per subscriber), and the officers' training summary.

One ``results`` dict feeds `bot quiz results`, the dashboard, its CSV and the report PDF.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.areas import name_of
from bot.broadcasts.officers import posts_by_area
from bot.storage import db
from bot.storage.models import (
    Officer,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    Subscriber,
    SubscriberStatus,
)
from bot.vietnam_time import shown

if TYPE_CHECKING:
    from bot.metrics.figures import Period

ANONYMOUS = "(ẩn danh)"
NO_AREA = "(chưa rõ khu vực)"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def area_name(key: str | None) -> str:
    return name_of(key, NO_AREA)


def _seconds(attempt: QuizAttempt) -> int | None:
    return int((attempt.finished_at - attempt.started_at).total_seconds()) if attempt.finished_at else None


def results(quiz_id: int) -> dict[str, Any] | None:
    with db.session() as session:
        quiz = session.get(Quiz, quiz_id)
        if quiz is None:
            return None
        questions = list(
            session.execute(
                select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id).order_by(QuizQuestion.position)
            ).scalars()
        )
        attempts = list(session.execute(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id)).scalars())
        answers = session.execute(
            select(QuizAnswer.question_id, QuizAnswer.correct, QuizAttempt.area)
            .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
            .where(QuizAttempt.quiz_id == quiz_id)
        ).all()
        post_of = posts_by_area(session.connection())
        subscribers = dict(
            session.execute(
                select(Subscriber.area, func.count())
                .where(Subscriber.status == SubscriberStatus.ACTIVE)
                .group_by(Subscriber.area)
            ).all()
        )
    total = len(questions)
    finished = [a for a in attempts if a.finished_at is not None]
    by_question: dict[int, list[int]] = defaultdict(list)
    by_topic: dict[str, list[int]] = defaultdict(list)
    wrong_by_area: dict[tuple[str | None, int], list[int]] = defaultdict(list)
    topic_of = {q.id: q.topic for q in questions}
    for question_id, correct, area in answers:
        by_question[question_id].append(correct)
        by_topic[topic_of.get(question_id, "")].append(correct)
        wrong_by_area[(area, question_id)].append(1 - correct)
    prompt_of = {q.id: q for q in questions}
    ranked = sorted(finished, key=lambda a: (-a.score, _seconds(a) or 0, a.id))
    return {
        "quiz": {
            "id": quiz.id,
            "title": quiz.title,
            "track": quiz.track,
            "topic": quiz.topic,
            "area": quiz.area,
            "status": quiz.status,
            "starts_at": shown(quiz.starts_at),
            "ends_at": shown(quiz.ends_at),
            "questions": total,
        },
        "participants": len(attempts),
        "finished": len(finished),
        "completion_rate": _rate(len(finished), len(attempts)),
        "average_score": round(sum(a.score for a in finished) / len(finished), 2) if finished else None,
        "score_distribution": {str(s): n for s, n in sorted(Counter(a.score for a in finished).items())},
        "questions": [
            {
                "position": q.position,
                "entry_id": q.entry_id,
                "topic": q.topic,
                "prompt": q.prompt,
                "answered": len(by_question[q.id]),
                "correct_rate": _rate(sum(by_question[q.id]), len(by_question[q.id])),
            }
            for q in questions
        ],
        "topics": [
            {"topic": t, "answered": len(v), "correct_rate": _rate(sum(v), len(v))} for t, v in sorted(by_topic.items())
        ],
        "leaderboard": [
            {
                "rank": rank,
                "name": a.display_name if a.show_name and a.display_name else ANONYMOUS,
                "score": a.score,
                "of": total,
                "seconds": _seconds(a),
                "area": area_name(a.area),
            }
            for rank, a in enumerate(ranked[:20], 1)
        ],
        "areas": _areas(attempts, subscribers),
        "posts": _posts(attempts, subscribers, post_of),
        "wrong_by_area": sorted(
            (
                {
                    "area": area_name(area),
                    "prompt": prompt_of[qid].prompt,
                    "entry_id": prompt_of[qid].entry_id,
                    "answered": len(v),
                    "wrong_rate": _rate(sum(v), len(v)),
                }
                for (area, qid), v in wrong_by_area.items()
                if qid in prompt_of and sum(v)
            ),
            key=lambda row: (-(row["wrong_rate"] or 0), -row["answered"]),
        )[:30],
    }


def _areas(attempts: list[QuizAttempt], subscribers: dict[str | None, int]) -> list[dict[str, Any]]:
    """Communes ranked by participation per subscriber (then by average score)."""
    rows = []
    for area, played in _group(attempts, lambda a: a.area).items():
        finished = [a for a in played if a.finished_at]
        rows.append(
            {
                "area": area_name(area),
                "key": area,
                "participants": len(played),
                "subscribers": subscribers.get(area, 0),
                "per_subscriber": _rate(len(played), subscribers.get(area, 0)),
                "average_score": round(sum(a.score for a in finished) / len(finished), 2) if finished else None,
            }
        )
    return sorted(rows, key=lambda r: (-(r["per_subscriber"] or 0), -r["participants"], r["area"]))


def _posts(
    attempts: list[QuizAttempt], subscribers: dict[str | None, int], post_of: dict[str, str]
) -> list[dict[str, Any]]:
    """Border-post areas: the communes each post covers (``post_of``: area key -> post), added up."""
    rows = []
    for post, played in _group(attempts, lambda a: post_of.get(a.area or "", area_name(a.area))).items():
        areas = {a.area for a in played}
        reach = sum(subscribers.get(key, 0) for key, name in post_of.items() if name == post) or sum(
            subscribers.get(a, 0) for a in areas
        )
        rows.append(
            {
                "post": post,
                "participants": len(played),
                "subscribers": reach,
                "per_subscriber": _rate(len(played), reach),
            }
        )
    return sorted(rows, key=lambda r: (-(r["per_subscriber"] or 0), -r["participants"], r["post"]))


def _group(attempts: list[QuizAttempt], key: Callable[[QuizAttempt], object]) -> dict:
    grouped: dict = defaultdict(list)
    for attempt in attempts:
        grouped[key(attempt)].append(attempt)
    return grouped


def training_summary(period: Period | None = None, connection: Connection | None = None) -> list[dict[str, Any]]:
    """Who of the officers completed which training set, when, with what score (attempts finished in ``period``
    only, when given; on ``connection``, else the application's database)."""
    query = (
        select(QuizAttempt, Quiz.title, Officer.name, Officer.channel, Officer.channel_user_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .outerjoin(Officer, Officer.id == QuizAttempt.officer_id)
        .where(Quiz.track == "officers")
        .order_by(QuizAttempt.finished_at.desc(), QuizAttempt.id)
    )
    if period is not None:
        query = query.where(period.where(QuizAttempt.finished_at))
    with Session(bind=connection) if connection is not None else db.session() as session:
        rows = session.execute(query).all()
        totals = dict(session.execute(select(QuizQuestion.quiz_id, func.count()).group_by(QuizQuestion.quiz_id)).all())
    return [
        {
            "officer": name or (f"{channel}:{user_id}" if channel else attempt.display_name or ANONYMOUS),
            "officer_id": attempt.officer_id,
            "post": attempt.post or "",
            "set": title,
            "completed": attempt.finished_at is not None,
            "finished_at": shown(attempt.finished_at),
            "score": attempt.score,
            "of": totals.get(attempt.quiz_id, 0),
        }
        for attempt, title, name, channel, user_id in rows
    ]
