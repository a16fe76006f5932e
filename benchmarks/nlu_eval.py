"""Parse questions with a trained model, in process (no server): the NLU's view of each question."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from benchmarks.questions import Question


def parse_all(model: Path, questions: list[Question]) -> list[dict]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))

    async def parse() -> list[dict]:
        return [await agent.parse_message(q.text) for q in questions]

    return asyncio.run(parse())
