"""How many weak danger signals the classifier must back: false alarms and missed emergencies on the
development sets, with the trained model, for several values of WEAK_SIGNAL_MIN_CONFIDENCE.

    .venv/bin/python -m benchmarks.danger [--model FILE] [--show]

Strong signals and calm topics are rules (bot/nlu/danger.py) and do not depend on the value; weak signals
("chìm", "cháy" typed without diacritics, "bão"...) make an emergency only when the classifier gives the
``emergency`` intent at least that confidence. Each development set is also counted on its own at the value in
use (``danger.WEAK_SIGNAL_MIN_CONFIDENCE``); ``--show`` lists its false alarms and missed emergencies. The
held-out sets are never read here.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

import yaml

from benchmarks.questions import danger_sets
from bot.nlu import danger
from bot.rasa.nlu.danger import DangerDetector
from bot.settings import PROJECT_ROOT
from bot.training import train

DEV_SETS = [path.name for path in danger_sets()]
VALUES = (0.1, 0.2, 0.3, 0.5, 0.7)


def emergency_confidences(model: Path, texts: list[str]) -> dict[str, float]:
    """The classifier's confidence in ``emergency`` for each text, as the danger detector sees it."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.constants import INTENT_RANKING_KEY, TEXT
    from rasa.utils.log_utils import configure_structlog

    seen: dict[str, float] = {}
    process = DangerDetector.process

    def recording(self: DangerDetector, messages: list) -> list:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            seen[message.get(TEXT)] = next((r["confidence"] for r in ranking if r["name"] == "emergency"), 0.0)
        return process(self, messages)

    configure_structlog(logging.WARNING)
    DangerDetector.process = recording  # type: ignore[method-assign]
    try:
        agent = Agent.load(str(model))

        async def parse() -> None:
            for text in texts:
                await agent.parse_message(text)

        asyncio.run(parse())
    finally:
        DangerDetector.process = process  # type: ignore[method-assign]
    return seen


def flagged(levels: dict[str, str], confidence: dict[str, float], value: float) -> set[str]:
    """The messages that get the emergency reply when weak signals need ``value``."""
    return {t for t, level in levels.items() if level == "strong" or (level == "weak" and confidence[t] >= value)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="a trained model (default: train one for the current data)")
    parser.add_argument("--show", action="store_true", help="list the false alarms and misses at the value in use")
    args = parser.parse_args()
    sets = {name: yaml.safe_load((PROJECT_ROOT / "tests" / "data" / name).read_text()) for name in DEV_SETS}
    items = [i for name in DEV_SETS for i in sets[name]]
    confidence = emergency_confidences(args.model or train(), [i["text"] for i in items])
    levels = {i["text"]: danger.danger_level(i["text"]) for i in items}
    print(f"{len(items)} development messages, {sum(i['emergency'] for i in items)} emergencies")
    for value in VALUES:
        chosen = flagged(levels, confidence, value)
        false_alarms = [i["text"] for i in items if not i["emergency"] and i["text"] in chosen]
        missed = [i["text"] for i in items if i["emergency"] and i["text"] not in chosen]
        print(f"weak signals need {value}: {len(false_alarms)} false alarms, {len(missed)} missed emergencies")
    value = danger.WEAK_SIGNAL_MIN_CONFIDENCE
    chosen = flagged(levels, confidence, value)
    print(f"per set, weak signals needing {value} (the value in use):")
    for name, cases in sets.items():
        false_alarms = [i["text"] for i in cases if not i["emergency"] and i["text"] in chosen]
        missed = [i["text"] for i in cases if i["emergency"] and i["text"] not in chosen]
        calm, emergencies = sum(not i["emergency"] for i in cases), sum(i["emergency"] for i in cases)
        print(f"  {name}: {len(false_alarms)}/{calm} false alarms, {len(missed)}/{emergencies} missed emergencies")
        if args.show:
            for text in false_alarms:
                print(f"    false alarm ({levels[text]}, {confidence[text]:.2f}): {text}")
            for text in missed:
                print(f"    missed ({levels[text]}, {confidence[text]:.2f}): {text}")


if __name__ == "__main__":
    main()
