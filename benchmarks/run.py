"""`make bench`: answers to the held-out questions and latency through the REST channel, for our
pipeline and for a stock Rasa pipeline trained on the same data, in the same run.

    .venv/bin/python -m benchmarks.run [--data FILE ...] [--per-sender 20]

The held-out file was written from the fact sheet by someone who never saw the training data, and is
never used for training or tuning. Results go to benchmarks/results/ (JSON) and to stdout (Markdown).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks.answers import Judge, ask_all, summarise
from benchmarks.latency import load, resident_memory_mb
from benchmarks.questions import STYLES, Question, load_questions
from bot.knowledge.base import knowledge
from bot.processes import core_services, free_port, launched
from bot.settings import PROJECT_ROOT, load_settings
from bot.training import train

PIPELINES = {"ours": "config.yml", "stock": "benchmarks/config_stock.yml"}
RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"


def measure_through_rest(model: Path, questions: list[Question], per_sender: int) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = {**os.environ, "BOT_VAR_DIR": str(var_dir), "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    env.pop("TRACKER_DATABASE_URL", None)
    settings = load_settings(env)
    services = core_services(settings, model)
    with launched(services, var_dir / "logs"):
        replies = asyncio.run(ask_all(settings.rest_webhook_url, questions))
        answers = summarise(questions, replies, Judge(knowledge()))
        texts = [q.text for q in questions]
        asyncio.run(load(settings.rest_webhook_url, texts, 4, 10))  # warm-up
        latency = [
            asyncio.run(load(settings.rest_webhook_url, texts, 1, per_sender * 5)),
            asyncio.run(load(settings.rest_webhook_url, texts, 20, per_sender, pause=1.0)),
            asyncio.run(load(settings.rest_webhook_url, texts, 20, per_sender)),
        ]
        rasa = next(s for s in services if s.name == "rasa")
        assert rasa.process is not None
        memory = resident_memory_mb(rasa.process.pid)
    return {"answers": answers, "latency": latency, "memory": memory}


OTHER_GROUPS = ("out_of_scope", "chitchat", "emergency", "lookalike")
VERDICTS = ("right", "wrong", "choices_right", "choices", "declined", "dont_know", "other", "false_alarm")


def markdown(results: dict) -> str:
    lines = ["| pipeline | questions | n | " + " | ".join(VERDICTS) + " |", "|---" * (len(VERDICTS) + 3) + "|"]
    for name in PIPELINES:
        groups = results[name]["rest"]["answers"]["by_group"]
        facts: dict[str, int] = {}
        for style in (*STYLES, "long"):
            for verdict, n in groups.get(style, {}).items():
                facts[verdict] = facts.get(verdict, 0) + n
        for group, counts in [
            *((g, groups.get(g, {})) for g in (*STYLES, "long")),
            ("all fact questions", facts),
            *((g, groups.get(g, {})) for g in OTHER_GROUPS),
        ]:
            total = sum(counts.values())
            if not total:
                continue
            cells = [
                f"{100 * counts.get(v, 0) / total:.1f}% ({counts.get(v, 0)})" if counts.get(v) else "–"
                for v in VERDICTS
            ]
            lines.append(f"| {name} | {group} | {total} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| pipeline | senders | pause after reply | messages | p50 ms | p95 ms | p99 ms | msg/s | errors "
        "| Rasa RSS MB (peak) |",
    ]
    lines.append("|---" * 10 + "|")
    for name in PIPELINES:
        rest = results[name]["rest"]
        for run in rest["latency"]:
            lines.append(
                f"| {name} | {run['senders']} | {run['pause_s']} s | {run['messages']} | {run['p50_ms']} | "
                f"{run['p95_ms']} | {run['p99_ms']} | {run['messages_per_second']} | {run['errors']} | "
                f"{rest['memory']['rss_mb']} ({rest['memory']['peak_rss_mb']}) |"
            )
    for index, label in ((1, "20 senders, 1 s pause"), (2, "20 senders, no pause")):
        ours, stock = (results[n]["rest"]["latency"][index]["p95_ms"] for n in PIPELINES)
        lines.append(f"\np95 ours / stock ({label}): {ours / stock:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", type=Path, nargs="*", default=sorted((PROJECT_ROOT / "tests" / "heldout").glob("*.yml"))
    )
    parser.add_argument("--per-sender", type=int, default=20, help="messages per sender at 20 senders")
    args = parser.parse_args()
    questions = [q for path in args.data for q in load_questions(path)]
    models = {name: train(config=config) for name, config in PIPELINES.items()}
    data = [str(path.resolve().relative_to(PROJECT_ROOT)) for path in args.data]
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "data": data, "cpus": os.cpu_count()}
    for name, model in models.items():
        results[name] = {"model": model.name, "rest": measure_through_rest(model, questions, args.per_sender)}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results))
    print(f"\nFull results: {out.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
