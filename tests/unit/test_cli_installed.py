"""The `bot` command that `make run` and the README use is installed in the environment (its entry point,
not `python -m bot`)."""

import subprocess
import sys
from pathlib import Path


def test_the_installed_bot_command_runs():
    command = Path(sys.executable).parent / "bot"
    assert command.is_file(), "the `bot` entry point is missing: pip install -e . (scripts/make-venv.sh does it)"
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True, check=True)
    assert "train" in result.stdout and "run" in result.stdout
