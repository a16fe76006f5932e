"""Shared fixtures. End-to-end tests start the real processes (Rasa with the trained model, the
action server, the web app) on free ports with a temporary database, exactly as `bot run` does."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import core_services, launched, web_service
from bot.settings import Settings, load_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def model() -> Path:
    from bot.training import train

    return train()


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Rasa + action server + web app, answering on free ports, for the whole test session."""
    var_dir = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "BOT_VAR_DIR": str(var_dir),
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }
    settings = load_settings(env)
    services = [*core_services(settings, model), web_service(settings)]
    with launched(services, var_dir / "logs"):
        yield settings
