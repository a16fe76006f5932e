"""The processes that make up the running bot, and how to start, watch and stop them.

``bot run`` uses this to start everything; the end-to-end tests use it to start the same processes
on their own ports, so what is tested is what runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings
from bot.training import quiet_tensorflow_env

STOP_TIMEOUT_SECONDS = 15
MAX_RESTARTS_PER_MINUTE = 5


def free_port() -> int:
    """A TCP port nobody listens on now (for tests and benchmarks that start their own services)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Service:
    """One long-running process: its command, its environment and, once started, its handle."""

    name: str
    argv: list[str]
    env: dict[str, str]
    ready_url: str | None = None
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self, log_dir: Path | None = None) -> None:
        output = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            output = open(log_dir / f"{self.name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            self.argv,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,  # Ctrl-C reaches only the supervisor, which stops us in order
        )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.running():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGTERM)

    def kill(self) -> None:
        if self.running():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)


def service_env(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = quiet_tensorflow_env()
    env.update(settings.as_env())
    env.update(
        {
            "SANIC_HOST": settings.bind_host,  # the action server's interface (it has no option for it)
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def core_services(settings: Settings, model: Path, extra_env: dict[str, str] | None = None) -> list[Service]:
    """Rasa server and action server: what every channel needs."""
    env = service_env(settings, extra_env)
    rasa = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--enable-api",
        "--model",
        str(model),
        "--interface",
        settings.bind_host,
        "--port",
        str(settings.rasa_port),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
    ]
    if token := os.environ.get("RASA_AUTH_TOKEN"):
        rasa += ["--auth-token", token]
    actions = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port)]
    # Public requests to Rasa are small; oversize bodies get 413 instead of a 100 MB read. (The action
    # server keeps Sanic's default: Rasa sends it the whole domain with every call.)
    rasa_env = {**env, "SANIC_REQUEST_MAX_SIZE": str(64 * 1024)}
    return [
        Service("actions", actions, env, ready_url=f"http://127.0.0.1:{settings.actions_port}/health"),
        Service("rasa", rasa, rasa_env, ready_url=f"{settings.rasa_url}/webhooks/rest/"),
    ]


def web_service(settings: Settings, extra_env: dict[str, str] | None = None) -> Service:
    return Service(
        "web",
        [sys.executable, "-m", "bot", "web"],
        service_env(settings, extra_env),
        ready_url=f"http://127.0.0.1:{settings.web_port}/",
    )


def worker_service(settings: Settings, extra_env: dict[str, str] | None = None) -> Service:
    return Service("worker", [sys.executable, "-m", "bot", "worker"], service_env(settings, extra_env))


def gateway_services(settings: Settings, extra_env: dict[str, str] | None = None) -> list[Service]:
    """The messaging gateways whose tokens are set."""
    env = service_env(settings, extra_env)
    services = []
    if settings.telegram_bot_token:
        services.append(Service("telegram", [sys.executable, "-m", "bot", "telegram"], env))
    return services


def wait_until_ready(services: list[Service], timeout: float = 180.0) -> None:
    """Block until every service answers its ready URL; raise if one dies or time runs out."""
    deadline = time.monotonic() + timeout
    for service in services:
        while service.ready_url:
            if not service.running():
                raise RuntimeError(f"{service.name} stopped while starting (see its log)")
            try:
                with urllib.request.urlopen(service.ready_url, timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service.name} did not become ready in {timeout:.0f} s") from None
                time.sleep(0.5)


def stop_all(services: list[Service]) -> None:
    """Stop in reverse start order: gateways first, Rasa and actions last."""
    for service in reversed(services):
        service.stop()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for service in reversed(services):
        while service.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        service.kill()


@contextmanager
def launched(services: list[Service], log_dir: Path, timeout: float = 240.0) -> Iterator[list[Service]]:
    """Start the services, wait until they answer, and stop them when the block ends."""
    for service in services:
        service.start(log_dir)
    try:
        wait_until_ready(services, timeout)
        yield services
    finally:
        stop_all(services)


def supervise(services: list[Service], log_dir: Path | None = None) -> int:
    """Start the services, restart any that dies (a few times a minute at most), stop all on a signal."""
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    for service in services:
        service.start(log_dir)
    try:
        wait_until_ready(services)
        print_ready(services)
        while not stopping:
            time.sleep(0.5)
            for service in services:
                if stopping or service.running():
                    continue
                now = time.monotonic()
                service.restarts = [t for t in service.restarts if now - t < 60] + [now]
                if len(service.restarts) > MAX_RESTARTS_PER_MINUTE:
                    print(f"{service.name} keeps stopping; giving up. See its log.", file=sys.stderr)
                    return 1
                print(f"{service.name} stopped unexpectedly; restarting", flush=True)
                service.start(log_dir)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    finally:
        print("Stopping...", flush=True)
        stop_all(services)


def print_ready(services: list[Service]) -> None:
    names = ", ".join(s.name for s in services)
    print(f"Running: {names}. Press Ctrl-C to stop.", flush=True)
