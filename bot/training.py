"""Train the Rasa model only when its inputs changed.

The model file is named after a fingerprint of everything that shapes it (config, domain, training
data, knowledge file, our NLU components, pinned dependencies), so ``make run`` and ``make test``
retrain exactly when something changed, and an unchanged checkout starts in seconds.

Rasa's output goes to var/logs/train.log; the terminal shows a progress line (the component being
trained, its epoch) and the warnings worth reading, not the routine ones: deprecations, and the
validator's list of knowledge intents and answers "not used in any story or rule" (KnowledgePolicy
maps them, stories don't).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bot.console import seconds
from bot.settings import PROJECT_ROOT, get_settings

MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "nlu",
    "stories",
    "knowledge/kb.yml",
    "knowledge/danger",
    "bot/nlu",
    "bot/rasa/nlu",
    "bot/rasa/policy.py",
    "bot/vietnamese.py",
    "bot/knowledge/base.py",
    "bot/rasa/importer.py",
    "requirements.lock",
)
# Rasa reuses a trained component from its cache when the component's configuration and input data are unchanged;
# it does not see our code (a tokenizer that reads "vn" as "viet nam" now). Each version of the code that shapes
# the model gets a cache of its own, so a code change trains everything again and a data change stays quick.
CODE_INPUTS = tuple(name for name in MODEL_INPUTS if name.startswith("bot/") or name == "requirements.lock")
KEEP_MODELS = 3
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_COMPONENT = re.compile(r"Starting to train component '(\w+)'")
_EPOCH = re.compile(r"^Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
_WARNING = re.compile(r"\b\w*Warning: .*|\b(?:WARNING|ERROR)\b.*")
_ROUTINE = re.compile(r"Deprecat|MovedIn20Warning|FutureWarning|is not used in any story or rule")
SHOWN_WARNINGS = 10


def quiet_tensorflow_env() -> dict[str, str]:
    """Environment for processes that load TensorFlow: fewer log lines, no GPU probing."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "-1"}


def fingerprint(root: Path = PROJECT_ROOT, config: str = "config.yml", inputs: tuple[str, ...] = MODEL_INPUTS) -> str:
    digest = hashlib.sha256()
    for name in [config if name == "config.yml" else name for name in inputs]:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pyc" or "__pycache__" in file.parts or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(config: str = "config.yml") -> Path:
    stem = Path(config).stem
    return get_settings().models_dir / f"{stem}-{fingerprint(config=config)}.tar.gz"


def rasa_cache(root: Path = PROJECT_ROOT) -> Path:
    """Rasa's cache of trained components for the current version of our code (see CODE_INPUTS)."""
    return get_settings().var_dir / "rasa-cache" / fingerprint(root, inputs=CODE_INPUTS)


def train(force: bool = False, config: str = "config.yml") -> Path:
    """Return the model for the current inputs, training it first if it does not exist yet."""
    target = model_path(config)
    if target.exists() and not force:
        print(f"{'Model':<12} up to date: {target.name}", flush=True)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log = get_settings().var_dir / "logs" / "train.log"
    print(f"{'Model':<12} training {target.name} (the data or the pipeline changed); log: {log}", flush=True)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        "nlu",
        "stories",
        "--out",
        str(target.parent),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    cache = rasa_cache()
    for other in cache.parent.glob("*"):  # the caches of other code versions
        if other != cache:
            shutil.rmtree(other, ignore_errors=True)
    started = time.monotonic()
    env = {**quiet_tensorflow_env(), "RASA_CACHE_DIRECTORY": str(cache)}
    returncode, warnings = _run_logged(command, log, started, env)
    if returncode != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        print(f"Training failed. Last lines of {log}:", *lines[-20:], sep="\n", file=sys.stderr)
        raise subprocess.CalledProcessError(returncode, command)
    for warning in warnings[:SHOWN_WARNINGS]:
        print(f"  warning: {warning}", file=sys.stderr)
    if len(warnings) > SHOWN_WARNINGS:
        print(f"  ... {len(warnings) - SHOWN_WARNINGS} more warnings in {log}", file=sys.stderr)
    print(f"{'Model':<12} trained in {seconds(time.monotonic() - started)}", flush=True)
    _remove_old_models(target, Path(config).stem)
    return target


def _run_logged(command: list[str], log: Path, started: float, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run Rasa with its output in ``log``; on a terminal, keep one progress line up to date.
    Returns the exit code and the warnings that are not routine (each once)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    progress = sys.stdout.isatty()
    warnings: list[str] = []
    component = ""

    def read(line: str) -> None:
        nonlocal component
        line = _ANSI.sub("", line)
        if found := _COMPONENT.search(line):
            component = found[1]
        elif (epoch := _EPOCH.match(line)) and progress:
            elapsed = seconds(time.monotonic() - started)
            print(f"\r  {component}: epoch {epoch[1]}/{epoch[2]} ({elapsed})\x1b[K", end="", flush=True)
        elif (warning := _WARNING.search(line)) and not _ROUTINE.search(line) and warning[0] not in warnings:
            warnings.append(warning[0])

    with (
        log.open("wb") as out,
        subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as rasa,
    ):
        assert rasa.stdout is not None
        pending, decoder = "", codecs.getincrementaldecoder("utf-8")(errors="replace")
        while chunk := rasa.stdout.read1(65536):
            out.write(chunk)
            *lines, pending = re.split(r"[\r\n]", pending + decoder.decode(chunk))
            for line in lines:
                read(line)
        read(pending)
    if progress:
        print("\r\x1b[K", end="", flush=True)
    return rasa.returncode, warnings


def _remove_old_models(keep: Path, stem: str) -> None:
    models = sorted(keep.parent.glob(f"{stem}-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        old.unlink(missing_ok=True)
