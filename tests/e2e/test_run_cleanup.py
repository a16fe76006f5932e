"""`bot run` killed as a power cut or the OOM killer would (SIGKILL) leaves no process behind, and the
next `bot run` on the same ports starts cleanly; a start that finds its ports taken stops at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.processes import PORT_TAKEN_EXIT_CODE, free_port
from bot.settings import PROJECT_ROOT
from tests.deployment import PRODUCTION, deployment_env

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(PRODUCTION, reason="bot run's own processes: the embedded profile covers them"),
]
READY = "Press Ctrl-C to stop."


def sessions() -> dict[int, int]:
    """Every process's session id, by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[3])  # state ppid pgrp session
    return found


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (each leads a session of its own)."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(entry.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.parent.name))
        except (OSError, ValueError):
            continue
    return found


def left_of(leaders: set[int]) -> set[int]:
    """The processes still alive in the sessions the children lead (the children and their own)."""
    return {pid for pid, session in sessions().items() if session in leaders}


class Run:
    """One `bot run` with its output in a file."""

    def __init__(self, env: dict[str, str], out: Path) -> None:
        self.out = out
        with out.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, stdout=output, stderr=output
            )

    def output(self) -> str:
        return self.out.read_text()

    def wait_ready(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while READY not in self.output():
            assert self.process.poll() is None, f"bot run stopped while starting:\n{self.output()}"
            assert time.monotonic() < deadline, f"bot run not ready in {timeout:.0f} s:\n{self.output()}"
            time.sleep(0.5)


def wait_until(check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.fixture
def run_env(model: Path, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BOT_VAR_DIR": str(tmp_path / "var"),
        **deployment_env(),
        "RASA_AUTH_TOKEN": "test-rasa-api-token",
        "TELEGRAM_BOT_TOKEN": "",
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }


@dataclass
class Started:
    runs: list[Run] = field(default_factory=list)
    leaders: set[int] = field(default_factory=set)


@pytest.fixture
def started() -> Iterator[Started]:
    """What the test started; whatever is left of it is killed at the end, pass or fail."""
    started = Started()
    yield started
    for run in started.runs:
        run.process.kill()
        run.process.wait()
    for pid in left_of(started.leaders):
        os.kill(pid, signal.SIGKILL)


def test_killed_run_leaves_nothing_and_the_next_run_starts(
    run_env: dict[str, str], tmp_path: Path, started: Started
) -> None:
    first = Run(run_env, tmp_path / "first.txt")
    started.runs.append(first)
    first.wait_ready()
    leaders = children(first.process.pid)
    started.leaders |= leaders
    assert len(leaders) >= 3, f"rasa, actions, web, worker expected: {leaders}"

    # A second start while the first runs: told which process holds the port, nothing started.
    blocked = Run(run_env, tmp_path / "blocked.txt")
    started.runs.append(blocked)
    assert blocked.process.wait(timeout=120) == PORT_TAKEN_EXIT_CODE, blocked.output()
    assert "is already in use by pid" in blocked.output()
    assert any(f"pid {pid}:" in blocked.output() for pid in leaders), blocked.output()

    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    wait_until(lambda: not left_of(leaders), timeout=30)
    assert not left_of(leaders), f"still running after bot run was killed: {left_of(leaders)}"

    second = Run(run_env, tmp_path / "second.txt")
    started.runs.append(second)
    second.wait_ready()
    assert "Cannot start" not in second.output()
    assert "restarting" not in second.output()
    leaders = children(second.process.pid)
    started.leaders |= leaders
    second.process.send_signal(signal.SIGINT)  # Ctrl-C: the ordered stop still works
    assert second.process.wait(timeout=60) == 0, second.output()
    assert not left_of(leaders), f"still running after Ctrl-C: {left_of(leaders)}"
