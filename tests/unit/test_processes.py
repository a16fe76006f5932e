"""Starting services: a taken port is reported with its holder before anything starts, and children
ask the kernel to end them when their parent dies (no server, no model)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.processes import (
    PORT_TAKEN_EXIT_CODE,
    PortTaken,
    Service,
    _die_with_parent,
    check_ports_free,
    free_port,
    port_holders,
    supervise,
)

PR_GET_PDEATHSIG = 2
SHOW_DEATH_SIGNAL = (
    "import ctypes; v = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(v)); print(v.value, flush=True)"
)


def listening(port: int) -> socket.socket:
    server = socket.socket()
    server.bind(("127.0.0.1", port))
    server.listen()
    return server


def service_on(port: int) -> Service:
    return Service("rasa", [sys.executable, "-c", "pass"], dict(os.environ), ready_url=f"http://127.0.0.1:{port}/")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_taken_port_names_the_process_holding_it() -> None:
    port = free_port()
    assert port_holders(port) is None
    with listening(port):
        with pytest.raises(PortTaken) as taken:
            check_ports_free([service_on(port)])
        assert [h.pid for h in taken.value.holders] == [os.getpid()]
        message = str(taken.value)
        assert f"port {port} (rasa) is already in use by pid {os.getpid()}: {sys.executable}" in message
        assert f"kill {os.getpid()}" in message
    assert port_holders(port) is None


def test_a_holder_hidden_from_this_user_is_still_reported(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    row = "   0: 0100007F:138D 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 4242 1\n"
    (tmp_path / "net" / "tcp").write_text(header + row)
    (tmp_path / "1234").mkdir()  # a process whose fd folder cannot be read
    assert port_holders(5005, proc=tmp_path) == []
    assert port_holders(5006, proc=tmp_path) is None
    assert "sudo ss -ltnp sport = :5005" in str(PortTaken("rasa", 5005, []))


def test_bot_run_stops_at_once_with_code_2_when_a_port_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    service = service_on(port)
    with listening(port):
        assert supervise([service], tmp_path) == PORT_TAKEN_EXIT_CODE
    assert service.process is None, "nothing was started"
    assert f"Cannot start: port {port} (rasa) is already in use by pid {os.getpid()}" in capsys.readouterr().err


def test_children_get_sigterm_when_their_parent_dies(tmp_path: Path) -> None:
    probe = Service("probe", [sys.executable, "-c", SHOW_DEATH_SIGNAL], dict(os.environ))
    probe.start(tmp_path)
    assert probe.process is not None
    probe.process.wait(timeout=30)
    assert (tmp_path / "probe.log").read_text().strip() == str(int(signal.SIGTERM))


def test_a_child_whose_parent_is_killed_ends_too(tmp_path: Path) -> None:
    """A parent started with the same code as `bot run` is SIGKILLed: its child does not stay behind."""
    parent_code = (
        "import os, sys, time; from pathlib import Path; from bot.processes import Service; "
        "s = Service('sleeper', [sys.executable, '-c', 'import time; time.sleep(600)'], dict(os.environ)); "
        f"s.start(Path({str(tmp_path)!r})); print(s.process.pid, flush=True); time.sleep(600)"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    assert wait_gone(child), f"pid {child} outlived its parent"


def test_a_child_whose_parent_died_before_the_request_ends_itself() -> None:
    """The race: the parent dies between fork and prctl; the child sees it was adopted and stops."""
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # the parent to be, which exits before its child asks for the signal
        preexec, me = _die_with_parent(), os.getpid()
        if os.fork() == 0:
            while os.getppid() == me:
                time.sleep(0.01)
            assert preexec is not None
            preexec()
            os.write(write_end, b"still running")
        os._exit(0)
    os.close(write_end)
    os.waitpid(middle, 0)
    with os.fdopen(read_end, "rb") as pipe:
        assert pipe.read() == b"", "the adopted child did not end itself"
