"""The processes that make up the running bot, and how to start, watch and stop them.

``bot run`` uses this to start everything; the end-to-end tests use it to start the same processes
on their own ports, so what is tested is what runs.

Children never outlive the process that started them: each asks the kernel for SIGTERM when its
parent dies (``PR_SET_PDEATHSIG``), so a ``bot run`` killed by SIGKILL, a power cut's supervisor or the
OOM killer leaves no orphan holding the ports. The signal follows the *thread* that started the child:
services are started and restarted from the thread that lives as long as they should (the main thread of
``bot run``; the watcher thread of ``supervised``, whose restarted children end with it).
"""

from __future__ import annotations

import ctypes
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import PROJECT_ROOT, RASA_MAX_REQUEST_BYTES, Settings
from bot.training import quiet_tensorflow_env

STOP_TIMEOUT_SECONDS = 15
MAX_RESTARTS_PER_MINUTE = 5
PORT_TAKEN_EXIT_CODE = 2
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_TCP_LISTEN = "0A"  # socket state in /proc/net/tcp
HAPROXY = "/usr/sbin/haproxy"  # Debian's (the Makefile installs it for the tests)
HAPROXY_CONFIG = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg"


_PORTS_GIVEN: set[int] = set()


def free_port() -> int:
    """A TCP port nobody listens on now (for tests and benchmarks that start their own services).

    Taken below the kernel's ephemeral range, never twice in one process: a port the kernel hands
    out for ``bind(0)`` can be taken by an outgoing connection before the service binds it.
    """
    with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
        ephemeral_low = int(ports.read().split()[0])
    while True:
        port = random.randrange(10_000, max(ephemeral_low, 10_001))
        if port in _PORTS_GIVEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _PORTS_GIVEN.add(port)
        return port


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive SIGTERM when its parent dies (Linux only).

    It runs in the child between fork and exec: if the parent died before the request was made, the
    child has already been adopted, and it ends itself at once instead of running orphaned.
    """
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child must not load anything
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


@dataclass(frozen=True)
class PortHolder:
    pid: int
    command: str


class PortTaken(RuntimeError):
    """A service's port is already listened on by another process."""

    def __init__(self, service: str, port: int, holders: list[PortHolder]) -> None:
        if holders:
            who = "; ".join(f"pid {h.pid}: {h.command}" for h in holders)
            hint = f"Stop it (kill {' '.join(str(h.pid) for h in holders)}) or give {service} another port."
        else:
            who = "a process this user cannot see"
            hint = f"Find it with 'sudo ss -ltnp sport = :{port}', or give {service} another port."
        super().__init__(f"port {port} ({service}) is already in use by {who}. {hint}")
        self.port = port
        self.holders = holders


def port_holders(port: int, proc: Path = Path("/proc")) -> list[PortHolder] | None:
    """The processes listening on a TCP port: None if nobody listens; [] if the holders are hidden from
    this user (another user's processes, whose file descriptors cannot be read)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            rows = (proc / "net" / table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == _TCP_LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    holders = []
    for pid in (int(entry.name) for entry in proc.iterdir() if entry.name.isdigit()):
        try:
            fds = list((proc / str(pid) / "fd").iterdir())
            if any(os.readlink(fd) in inodes for fd in fds):
                command = (proc / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                holders.append(PortHolder(pid, command.strip()))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return holders


def check_ports_free(services: list[Service]) -> None:
    """Raise PortTaken for the first service whose port another process already listens on."""
    for service in services:
        if service.port is not None and (holders := port_holders(service.port)) is not None:
            raise PortTaken(service.name, service.port, holders)


class StartFailed(RuntimeError):
    """A service stopped while starting, or did not answer in time."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service} {message}")
        self.service = service


@dataclass
class Service:
    """One long-running process: its command, its environment and, once started, its handle."""

    name: str
    argv: list[str]
    env: dict[str, str]
    ready_url: str | None = None
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    @property
    def port(self) -> int | None:
        """The port the service listens on (the one it is checked on)."""
        return urlsplit(self.ready_url).port if self.ready_url else None

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
            preexec_fn=_die_with_parent(),  # prctl and getppid only, nothing that could wait on a lock
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
    """Rasa server and action server, one of each on the settings' ports: what every channel needs."""
    env = service_env(settings, extra_env)
    return [
        actions_service("actions", settings.actions_port, env),
        rasa_service("rasa", model, settings.rasa_port, settings.bind_host, env),
        *metrics_services(settings, env),
    ]


def actions_service(name: str, port: int, env: dict[str, str]) -> Service:
    argv = [sys.executable, "-m", "bot.rasa.action_server", "--actions", "actions", "--port", str(port)]
    return Service(name, argv, env, ready_url=f"http://127.0.0.1:{port}/health")


def rasa_service(name: str, model: Path, port: int, interface: str, env: dict[str, str]) -> Service:
    argv = [sys.executable, "-m", "bot.rasa.server", "run", "--enable-api", "--model", str(model), "--port", str(port),
            "--interface", interface, "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]  # fmt: skip
    # Oversize bodies get 413 instead of a 100 MB read. (The action server keeps Sanic's default: Rasa
    # sends it the whole domain with every call.)
    rasa_env = {**env, "SANIC_REQUEST_MAX_SIZE": str(RASA_MAX_REQUEST_BYTES)}
    return Service(name, argv, rasa_env, ready_url=f"http://127.0.0.1:{port}/webhooks/rest/")


def metrics_services(settings: Settings, env: dict[str, str]) -> list[Service]:
    """With RabbitMQ, the process that feeds the interaction log from Rasa's events."""
    return [Service("metrics", [sys.executable, "-m", "bot", "metrics"], env)] if settings.rabbitmq_url else []


def haproxy_service(config_env: dict[str, str], ready_url: str) -> Service:
    """Debian's HAProxy in the foreground on the deployment's one configuration (deploy/haproxy/haproxy.cfg),
    with the ports and server addresses ``config_env`` gives (the names it sets with ``presetenv``)."""
    argv = [HAPROXY, "-db", "-f", str(HAPROXY_CONFIG)]
    return Service("haproxy", argv, {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **config_env}, ready_url)


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


def wait_until_ready(
    services: list[Service], timeout: float = 180.0, on_ready: Callable[[Service], None] | None = None
) -> None:
    """Block until every service answers its ready URL; raise if one dies or time runs out."""
    deadline = time.monotonic() + timeout
    for service in services:
        while service.ready_url:
            if not service.running():
                raise StartFailed(service.name, "stopped while starting (see its log)")
            try:
                with urllib.request.urlopen(service.ready_url, timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise StartFailed(service.name, f"did not become ready in {timeout:.0f} s") from None
                time.sleep(0.5)
        if on_ready is not None:
            on_ready(service)


def log_tail(log_dir: Path, service: str, lines: int = 15) -> str:
    """The last lines a service wrote to its log (to show why it stopped)."""
    try:
        text = (log_dir / f"{service}.log").read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


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
    check_ports_free(services)
    for service in services:
        service.start(log_dir)
    try:
        wait_until_ready(services, timeout)
        yield services
    finally:
        stop_all(services)


class Supervisor:
    """Keeps services running: restarts any that dies, a few times a minute at most."""

    def __init__(self, services: list[Service], log_dir: Path | None = None) -> None:
        self.services = services
        self.log_dir = log_dir
        self.stopping = threading.Event()

    def watch(self) -> int:
        """Until ``stopping`` is set: 0; 1 if a service keeps dying; 2 if another process took its port."""
        while not self.stopping.wait(0.5):
            for service in self.services:
                if self.stopping.is_set() or service.running():
                    continue
                now = time.monotonic()
                service.restarts = [t for t in service.restarts if now - t < 60] + [now]
                if len(service.restarts) > MAX_RESTARTS_PER_MINUTE:
                    print(f"{service.name} keeps stopping; giving up. See its log.", file=sys.stderr)
                    return 1
                try:
                    check_ports_free([service])
                except PortTaken as taken:
                    print(f"{service.name} stopped and cannot restart: {taken}", file=sys.stderr)
                    return PORT_TAKEN_EXIT_CODE
                print(f"{service.name} stopped unexpectedly; restarting", flush=True)
                service.start(self.log_dir)
        return 0


@contextmanager
def supervised(services: list[Service], log_dir: Path, timeout: float = 240.0) -> Iterator[Supervisor]:
    """Like ``launched``, with a supervisor restarting what dies (in a thread) while the block runs."""
    supervisor = Supervisor(services, log_dir)
    with launched(services, log_dir, timeout):
        watcher = threading.Thread(target=supervisor.watch, daemon=True)
        watcher.start()
        try:
            yield supervisor
        finally:
            supervisor.stopping.set()
            watcher.join()


def supervise(services: list[Service], log_dir: Path, ready_message: str = "") -> int:
    """Start the services, restart any that dies, stop all on SIGINT or SIGTERM (``bot run``).

    Prints where each service listens as it becomes ready; 2 at once if a port is taken.
    """
    try:
        check_ports_free(services)
    except PortTaken as taken:
        print(f"Cannot start: {taken}", file=sys.stderr)
        return PORT_TAKEN_EXIT_CODE
    supervisor = Supervisor(services, log_dir)
    signal.signal(signal.SIGINT, lambda *_: supervisor.stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: supervisor.stopping.set())
    started = time.monotonic()
    for service in services:
        service.start(log_dir)
    try:
        wait_until_ready(services, on_ready=lambda s: _print_ready(s, started))
        print(f"{ready_message}Press Ctrl-C to stop.", flush=True)
        return supervisor.watch()
    except StartFailed as error:
        print(f"Could not start: {error}. Last lines of {log_dir / f'{error.service}.log'}:", file=sys.stderr)
        print(log_tail(log_dir, error.service), file=sys.stderr)
        return 1
    finally:
        print("Stopping...", flush=True)
        stop_all(services)


def _print_ready(service: Service, started: float) -> None:
    where = f"listens on port {service.port}" if service.port else "started"
    print(f"  {service.name:<10} {where:<22} {time.monotonic() - started:6.1f} s", flush=True)
