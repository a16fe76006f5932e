"""Answer accuracy through the REST channel: what a fisherman would actually receive.

Starts Rasa and the action server with the given model (the same processes `bot run` starts, on
their own ports and a temporary database), sends every question from a fresh sender, and judges the
replies: a fact question is answered correctly when one reply is the answer of an entry that covers
one of the question's facts; an emergency when the first reply carries the rescue contacts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

import httpx

from benchmarks.questions import Question
from bot.knowledge.base import KnowledgeBase

RESCUE_MARKERS = ("112", "7903", "0236.3924.957")


@dataclass(frozen=True)
class Judge:
    kb: KnowledgeBase

    def verdict(self, question: Question, replies: list[dict]) -> str:
        """'correct', 'no_answer' (fallback, suggestions, "don't know") or 'wrong'."""
        texts = {" ".join((r.get("text") or "").split()) for r in replies}
        answered = [e for e in self.kb.entries if " ".join(e.render().split()) in texts]
        first = (replies[0].get("text") or "") if replies else ""
        rescue = all(marker in first for marker in RESCUE_MARKERS)
        if question.kind == "emergency":
            return "correct" if rescue else "wrong"
        if question.kind in ("out_of_scope", "chitchat"):
            return "wrong" if answered or rescue else "correct"
        if any(set(e.facts) & set(question.facts) for e in answered):
            return "correct"
        return "wrong" if answered else "no_answer"


async def ask_all(webhook: str, questions: list[Question], concurrency: int = 4) -> list[list[dict]]:
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as client:

        async def ask(question: Question) -> list[dict]:
            async with semaphore:
                body = {"sender": f"bench-{uuid.uuid4().hex}", "message": question.text}
                response = await client.post(webhook, json=body)
                response.raise_for_status()
                return response.json()

        return await asyncio.gather(*(ask(q) for q in questions))


def summarise(questions: list[Question], replies: list[list[dict]], judge: Judge) -> dict:
    by_style: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    mistakes = []
    for question, reply in zip(questions, replies, strict=True):
        verdict = judge.verdict(question, reply)
        by_kind[question.kind][verdict] += 1
        if question.kind in ("fact", "unverified"):
            by_style[question.style][verdict] += 1
        if verdict != "correct":
            mistakes.append(
                {
                    "text": question.text,
                    "kind": question.kind,
                    "verdict": verdict,
                    "replies": [(r.get("text") or "")[:80] for r in reply],
                }
            )
    return {
        "by_style": {k: dict(v) for k, v in by_style.items()},
        "by_kind": {k: dict(v) for k, v in by_kind.items()},
        "mistakes": mistakes,
    }
