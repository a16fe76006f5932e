"""The danger model measured writer by writer, beside the rules.

    .venv/bin/python -m benchmarks.danger [--show]

Each file of knowledge/danger/ was written by a writer who saw none of the others. For each file, the model
is trained as ``bot train`` trains it (bot/rasa/nlu/danger.py: the labelled messages and the NLU's wordings,
read by the importers of config.yml) but without that file, then measured on it at several thresholds:
false alarms (look-alikes given the rescue contacts) and missed emergencies. The rules (bot/nlu/danger.py)
are measured on the same file; only files they were not written on (``danger.WRITTEN_ON``) measure them
fairly, so the totals are given for those files too. ``--show`` lists the model's mistakes at the threshold in
use. The held-out sets are never read here.
"""

from __future__ import annotations

import argparse

from bot.nlu.danger import WRITTEN_ON, score_detection
from bot.nlu.danger_model import THRESHOLD, DangerModel, danger_sets
from bot.settings import PROJECT_ROOT

THRESHOLDS = (0.3, 0.4, 0.5, 0.6)


def nlu_wordings() -> list[tuple[str, bool]]:
    from rasa.shared.importers.importer import TrainingDataImporter

    from bot.rasa.nlu.danger import wordings

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "nlu"), str(PROJECT_ROOT / "stories")],
    )
    return wordings(importer.get_nlu_data())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help=f"list the model's mistakes at {THRESHOLD}")
    args = parser.parse_args()
    sets, background = danger_sets(), nlu_wordings()
    totals = {(value, fair): [0, 0] for value in THRESHOLDS for fair in (False, True)}
    rules_total = {fair: [0, 0] for fair in (False, True)}
    print(f"{sum(map(len, sets.values()))} labelled messages in {len(sets)} files, {len(background)} NLU wordings")
    print("file: rules (false alarms, missed) | model trained without the file, at " + ", ".join(map(str, THRESHOLDS)))
    for name, examples in sets.items():
        others = [example for other, items in sets.items() if other != name for example in items]
        texts = [text for text, _ in examples]
        danger = dict(zip(texts, DangerModel(others + background).probabilities(texts), strict=True))
        cases = [{"text": text, "emergency": emergency} for text, emergency in examples]
        rules = score_detection(cases)
        fair = name not in WRITTEN_ON
        for key in {False, fair}:
            rules_total[key][0] += len(rules.false_alarms)
            rules_total[key][1] += len(rules.missed)
        scores = {value: score_detection(cases, lambda text, v=value, d=danger: d[text] >= v) for value in THRESHOLDS}
        for value, score in scores.items():
            for key in {False, fair}:
                totals[value, key][0] += len(score.false_alarms)
                totals[value, key][1] += len(score.missed)
        row = " | ".join(f"{len(score.false_alarms):3d} {len(score.missed):3d}" for score in scores.values())
        print(f"  {name} ({rules.non_emergencies} calm, {rules.emergencies} emergencies): "
              f"{len(rules.false_alarms):3d} {len(rules.missed):3d} | {row}")  # fmt: skip
        if args.show:
            for text in scores[THRESHOLD].false_alarms:
                print(f"    false alarm ({danger[text]:.2f}): {text}")
            for text in scores[THRESHOLD].missed:
                print(f"    missed ({danger[text]:.2f}): {text}")
    for fair, files in ((False, "all files"), (True, "files the rules were not written on")):
        print(f"{files}: rules {rules_total[fair][0]} false alarms, {rules_total[fair][1]} missed")
        for value in THRESHOLDS:
            false_alarms, missed = totals[value, fair]
            print(f"{files}: model at {value}: {false_alarms} false alarms, {missed} missed")


if __name__ == "__main__":
    main()
