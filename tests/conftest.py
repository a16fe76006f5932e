"""Shared fixtures. End-to-end tests start the real processes (Rasa with the trained model, the
action server, the web app, the gateways) on free ports with a temporary database, as `bot run` does,
in the deployment profile of tests/deployment.py (embedded, or production with BOT_TEST_PROFILE)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.processes import Service, free_port, launched, web_service
from bot.publications.build import build_all
from bot.settings import Settings, load_settings
from bot.storage.db import make_engine, upgrade
from tests.deployment import deployment_env, profile_core_services, remove_deployments

# The services started by the tests and the tests themselves (reading pseudonymous ids) share one key.
os.environ.setdefault("PSEUDONYM_KEY", "test-pseudonym-key")


@dataclass
class Stack:
    settings: Settings
    services: dict[str, Service]
    log_dir: Path
    db: Engine  # the application database, for assertions

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.settings.as_env(), **extra}


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    yield
    remove_deployments()


@pytest.fixture(scope="session")
def model() -> Path:
    from bot.training import train

    return train()


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa + action server + web app, answering on free ports, for the whole test session (production
    profile: two Rasa servers and two action servers behind HAProxy)."""
    var_dir = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "BOT_VAR_DIR": str(var_dir),
        **deployment_env(),
        "RASA_AUTH_TOKEN": "",  # the default: Rasa's API gets the random token kept in var/
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }
    settings = load_settings(env)
    upgrade(settings.database_url)
    build_all()
    services = [*profile_core_services(settings, model), web_service(settings)]
    with launched(services, var_dir / "logs"):
        yield Stack(settings, {s.name: s for s in services}, var_dir / "logs", make_engine(settings.database_url))
