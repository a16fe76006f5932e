"""Training: everything Rasa prints in the log, only the warnings worth reading on the terminal; Rasa's cache
of trained components kept per version of our code."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from bot.training import CODE_INPUTS, MODEL_INPUTS, _run_logged, fingerprint

RASA_OUTPUT = [
    "/venv/rasa/core/tracker_store.py:1044: MovedIn20Warning: Deprecated API features detected!",
    "/venv/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to `declare_namespace('ruamel')`.",
    "\x1b[93m/venv/rasa/shared/utils/io.py:100: UserWarning: The intent 'kb_x' is not used in any story or rule.",
    "\x1b[0m\x1b[93m/venv/rasa/io.py:100: UserWarning: The utterance 'utter_x' is not used in any story or rule",
    "2026-11-29 10:26:19 INFO     rasa.engine.training.hooks  - Starting to train component 'DIETClassifier'.",
    "Epochs:  40%|████      | 20/50 [00:06<05:25,  6.65s/it]",
    "/venv/rasa/shared/utils/io.py:100: UserWarning: Slot 'boat' has no mapping.",
    "/venv/rasa/shared/utils/io.py:100: UserWarning: Slot 'boat' has no mapping.",
    "2026-11-29 10:27:56 ERROR    rasa.engine.graph  - Component 'X' failed.",
]


def test_routine_warnings_stay_in_the_log_and_real_ones_are_returned_once(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "train.log"
    script = f"import sys; sys.stdout.write({chr(10).join(RASA_OUTPUT)!r}); sys.exit(3)"
    returncode, warnings = _run_logged([sys.executable, "-c", script], log, time.monotonic(), {})
    assert returncode == 3
    assert warnings == [
        "UserWarning: Slot 'boat' has no mapping.",
        "ERROR    rasa.engine.graph  - Component 'X' failed.",
    ]
    assert log.read_text(encoding="utf-8").splitlines() == RASA_OUTPUT


def test_a_code_change_gets_a_new_rasa_cache_and_a_data_change_does_not(tmp_path: Path) -> None:
    for name in MODEL_INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{name}\n")
    assert set(CODE_INPUTS) < set(MODEL_INPUTS) and "bot/vietnamese.py" in CODE_INPUTS and "nlu" not in CODE_INPUTS
    code, model = fingerprint(tmp_path, inputs=CODE_INPUTS), fingerprint(tmp_path)
    (tmp_path / "nlu").unlink()
    shutil.copytree(Path(__file__).parent, tmp_path / "nlu", ignore=shutil.ignore_patterns("__pycache__"))
    assert fingerprint(tmp_path, inputs=CODE_INPUTS) == code and fingerprint(tmp_path) != model
    (tmp_path / "bot/vietnamese.py").write_text("# a tokenizer change\n")
    assert fingerprint(tmp_path, inputs=CODE_INPUTS) != code
