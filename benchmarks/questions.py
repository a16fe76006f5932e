"""Evaluation questions and how a reply to one is judged.

Each item of an evaluation file has ``text``, ``style`` (accented, no_diacritics, dialect, typos),
``kind`` (fact, unverified, emergency, out_of_scope, chitchat) and, for fact/unverified, the ``facts``
of the fact sheet whose content answers it. Items are labelled with fact ids, not with our intent
names, so the sets were written without seeing the training data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.base import KnowledgeBase

STYLES = ("accented", "no_diacritics", "dialect", "typos")
CHITCHAT = {"greet", "goodbye", "thank", "help", "bot_challenge", "affirm", "deny"}
NO_ANSWER = {"nlu_fallback", "out_of_scope"}


@dataclass(frozen=True)
class Question:
    text: str
    style: str
    kind: str
    facts: tuple[str, ...]


def load_questions(path: Path) -> list[Question]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(i["text"], i["style"], i["kind"], tuple(i.get("facts") or ())) for i in items]


def judge_intent(question: Question, intent: str, kb: KnowledgeBase) -> str:
    """'correct', 'no_answer' (fallback: safe but unhelpful) or 'wrong' (a confident wrong answer)."""
    if question.kind == "emergency":
        return "correct" if intent == "emergency" else "wrong"
    if question.kind == "out_of_scope":
        return "correct" if intent in NO_ANSWER else "wrong"
    if question.kind == "chitchat":
        return "correct" if intent in CHITCHAT else ("no_answer" if intent in NO_ANSWER else "wrong")
    if intent in NO_ANSWER:
        return "no_answer"
    entry = kb.by_intent(intent)
    if entry is not None and set(entry.facts) & set(question.facts):
        return "correct"
    return "wrong"
