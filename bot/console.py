"""What `bot run` and `bot train` show on the terminal: one line per step with its time, and warnings
that matter; everything else (library logs, deprecation warnings) goes to a log file in var/logs/."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_to_file(path: Path) -> None:
    """Send this process's log (INFO and up) and Python's warnings to ``path``; only WARNING and up
    from the log reach the terminal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setFormatter(logging.Formatter(LOG_FORMAT))
    to_terminal = logging.StreamHandler(sys.stderr)
    to_terminal.setLevel(logging.WARNING)
    to_terminal.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_file)
    root.addHandler(to_terminal)
    logging.captureWarnings(True)
    warnings_logger = logging.getLogger("py.warnings")
    warnings_logger.addHandler(to_file)
    warnings_logger.propagate = False


@contextmanager
def step(title: str) -> Iterator[Callable[[str], None]]:
    """``with step("Handbooks") as done: ...; done("4 files")`` prints ``Handbooks  4 files  (2.1 s)``."""
    started = time.monotonic()
    outcome: list[str] = []
    yield outcome.append
    print(f"{title:<12} {' '.join(outcome):<56} {seconds(time.monotonic() - started)}", flush=True)


def seconds(elapsed: float) -> str:
    return f"{elapsed:.1f} s" if elapsed < 60 else f"{int(elapsed // 60)} min {int(elapsed % 60):02d} s"
