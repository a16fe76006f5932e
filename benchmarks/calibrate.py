"""Calibrate the answer / choices / decline thresholds of the NLU decision on the development sets.

    .venv/bin/python -m benchmarks.calibrate [--data FILE ...] [--model FILE] [--max-wrong 0.015]

Parses every development question once with the trained model, then replays the decision
(bot/knowledge/answering.py) over a grid of thresholds and prints, for the best settings, the outcome of
fact questions per style (right, wrong, choices with the right entry, other choices, declined) and of
out-of-scope questions; the thresholds in use (``Thresholds()``) first. The held-out sets are never read here.
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from pathlib import Path

from benchmarks.nlu_eval import parse_all
from benchmarks.questions import STYLES, Question, load_questions
from bot.knowledge.answering import Decision, Thresholds, decide, is_knowledge
from bot.knowledge.base import KnowledgeBase, knowledge
from bot.knowledge.search import KnowledgeSearch
from bot.rasa.nlu.decider import opinions
from bot.settings import PROJECT_ROOT
from bot.training import train

DEV_SETS = (
    "tests/data/dev_questions.yml",
    "tests/data/dev_questions_2026_11.yml",
    "tests/data/dev_2026_10.yml",
    "tests/data/dev_questions_heldout_2026_11.yml",
    "tests/data/dev_questions_8.yml",
    "tests/data/dev_questions_typos_9.yml",
)
GRID = {
    "sure": (0.5, 0.6, 0.7, 0.8),
    "agree": (0.25, 0.35, 0.45),
    "relevant": (0.4, 0.5),
    "in_field": (12.0, 16.0),
    "declines": (0.1, 0.2, 0.3, 1.0),
    "search_votes": (0.0, 10.0, 16.0),
    "single": (0.6, 0.7, 1.1),
}


def verdict(question: Question, parse: dict, decision: Decision, kb: KnowledgeBase) -> str:
    """right, wrong, choices_right, choices, declined (or false_alarm, for a non-emergency read as one)."""
    final = parse["intent"]["name"]
    if question.kind == "emergency":
        return "right" if final == "emergency" else "wrong"
    if final == "emergency":
        return "false_alarm"
    if question.kind == "out_of_scope":
        if decision.outcome in ("out_of_scope", "choices"):
            return "right" if decision.outcome == "out_of_scope" else "choices"
        return "wrong" if decision.outcome == "answer" and is_knowledge(decision.intent or "") else "declined"
    if question.kind == "chitchat":
        ok = decision.outcome == "answer" and not is_knowledge(decision.intent or "")
        return "right" if ok else "declined"
    covers = kb.intents_stating(question.facts)
    if decision.outcome == "answer":
        return "right" if decision.intent in covers else "wrong"
    if decision.outcome == "choices":
        return "choices_right" if covers & set(decision.choices) else "choices"
    return "declined"


def evaluate(questions: list[Question], parses: list[dict], decisions: list[Decision], kb: KnowledgeBase) -> dict:
    table: dict[str, Counter] = {}
    for question, parse, decision in zip(questions, parses, decisions, strict=True):
        group = question.style if question.kind in ("fact", "unverified") else question.kind
        if question.kind in ("fact", "unverified") and question.long:
            group = "long"
        table.setdefault(group, Counter())[verdict(question, parse, decision, kb)] += 1
    return table


def facts_total(table: dict[str, Counter]) -> Counter:
    return sum((table.get(style, Counter()) for style in STYLES), Counter())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, nargs="*", default=[PROJECT_ROOT / d for d in DEV_SETS])
    parser.add_argument("--model", type=Path, help="a trained model (default: train one for the current data)")
    parser.add_argument("--max-wrong", type=float, default=0.015, help="largest share of wrong answers allowed")
    args = parser.parse_args()
    questions = [q for path in args.data if path.exists() for q in load_questions(path)]
    kb = knowledge()
    search = KnowledgeSearch(kb)
    parses = parse_all(args.model or train(), questions)
    views = [opinions(parse, search) for parse in parses]
    results = []
    for values in itertools.product(*GRID.values()):
        thresholds = Thresholds(**dict(zip(GRID, values, strict=True)))
        table = evaluate(questions, parses, [decide(v, thresholds) for v in views], kb)
        facts = facts_total(table)
        n = sum(facts.values()) or 1
        oos = table.get("out_of_scope", Counter())
        score = facts["right"] / n + 0.5 * oos["right"] / (sum(oos.values()) or 1)
        results.append((facts["wrong"] / n > args.max_wrong, -score, thresholds, table))
    results.sort(key=lambda r: r[:2])
    allowed = sum(not r[0] for r in results)
    print(f"{len(questions)} development questions; {allowed} settings with wrong answers <= {args.max_wrong:.1%}")
    in_use = next(r for r in results if r[2] == Thresholds())
    for result in [in_use, *results[:5]]:
        _, score, thresholds, table = result
        print(f"\n{thresholds}  score {-score:.3f}{'  (in use)' if result is in_use else ''}")
        for group, counts in sorted(table.items()):
            total = sum(counts.values())
            cells = ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in counts.most_common())
            print(f"  {group:14} n={total:4}: {cells}")


if __name__ == "__main__":
    main()
