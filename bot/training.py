"""Train the Rasa model only when its inputs changed.

The model file is named after a fingerprint of everything that shapes it (config, domain, training
data, knowledge file, our NLU components, pinned dependencies), so ``make run`` and ``make test``
retrain exactly when something changed, and an unchanged checkout starts in seconds.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT, get_settings

MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "nlu",
    "stories",
    "knowledge/kb.yml",
    "bot/nlu",
    "bot/dialogue",
    "bot/text.py",
    "bot/knowledge/base.py",
    "bot/knowledge/importer.py",
    "requirements.lock",
)
KEEP_MODELS = 3


def quiet_tensorflow_env() -> dict[str, str]:
    """Environment for processes that load TensorFlow: fewer log lines, no GPU probing."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "-1"}


def fingerprint(root: Path = PROJECT_ROOT, config: str = "config.yml") -> str:
    digest = hashlib.sha256()
    inputs = [config if name == "config.yml" else name for name in MODEL_INPUTS]
    for name in inputs:
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


def train(force: bool = False, config: str = "config.yml") -> Path:
    """Return the model for the current inputs, training it first if it does not exist yet."""
    target = model_path(config)
    if target.exists() and not force:
        print(f"Model is up to date: {target.name}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"Training {target.name} (the data or the pipeline changed)...", flush=True)
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
    subprocess.run(command, cwd=PROJECT_ROOT, env=quiet_tensorflow_env(), check=True)
    _remove_old_models(target, Path(config).stem)
    return target


def _remove_old_models(keep: Path, stem: str) -> None:
    models = sorted(keep.parent.glob(f"{stem}-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        old.unlink(missing_ok=True)
