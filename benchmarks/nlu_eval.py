"""Intent accuracy of a trained model on an evaluation file, by style and kind.

python -m benchmarks.nlu_eval --model models/config-XXXX.tar.gz --data tests/data/dev_questions.yml
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.questions import Question, judge_intent, load_questions
from bot.knowledge.base import knowledge


def parse_all(model: Path, questions: list[Question]) -> list[dict]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))

    async def parse() -> list[dict]:
        return [await agent.parse_message(q.text) for q in questions]

    return asyncio.run(parse())


def score(questions: list[Question], parses: list[dict]) -> dict:
    kb = knowledge()
    by_style: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    mistakes = []
    for question, parse in zip(questions, parses, strict=True):
        intent = parse["intent"]["name"]
        verdict = judge_intent(question, intent, kb)
        if question.kind in ("fact", "unverified"):
            by_style[question.style][verdict] += 1
        by_kind[question.kind][verdict] += 1
        if verdict != "correct":
            mistakes.append(
                {
                    "text": question.text,
                    "kind": question.kind,
                    "facts": question.facts,
                    "got": intent,
                    "confidence": round(parse["intent"].get("confidence") or 0, 3),
                }
            )
    return {
        "by_style": {k: dict(v) for k, v in by_style.items()},
        "by_kind": {k: dict(v) for k, v in by_kind.items()},
        "mistakes": mistakes,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=Path("tests/data/dev_questions.yml"))
    parser.add_argument("--mistakes", action="store_true", help="list every question not answered correctly")
    args = parser.parse_args()
    questions = load_questions(args.data)
    result = score(questions, parse_all(args.model, questions))
    if not args.mistakes:
        result.pop("mistakes")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
