#!/usr/bin/env bash
# Create .venv with Python 3.10 (Rasa 3.6 runs on nothing newer), found without help:
# PYTHON310 if set, python3.10 on PATH, pyenv's versions, then the usual system places.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidates=("${PYTHON310:-}" "$(command -v python3.10 || true)")
  local roots=("${PYENV_ROOT:-}" "$HOME/.pyenv" /root/.pyenv /opt/pyenv /usr/local/pyenv)
  if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)"); fi
  for root in "${roots[@]}"; do
    [ -n "$root" ] || continue
    for p in "$root"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
  done
  candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)
  for p in "${candidates[@]}"; do
    if [ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  return 1
}

PY=$(find_python) || { echo "Python 3.10 not found. Install it (e.g. 'pyenv install 3.10') or set PYTHON310=/path/to/python3.10" >&2; exit 1; }
# pip's own output (hundreds of lines) goes to var/logs/venv.log; it is shown only if a step fails.
mkdir -p var/logs
LOG=var/logs/venv.log
: > "$LOG"
START=$(date +%s)
printf 'Environment  creating .venv with %s (%s); log: %s\n' "$PY" "$("$PY" --version)" "$LOG"
step() { "$@" >> "$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; echo "Environment  failed: $*" >&2; exit 1; }; }
rm -rf .venv
step "$PY" -m venv .venv
step .venv/bin/python -m pip install --upgrade "pip<25"
step .venv/bin/python -m pip install -r requirements.lock
step .venv/bin/python -m pip install --no-deps -e .
step .venv/bin/python -m pip check
step .venv/bin/bot --help
printf 'Environment  ready in %s s\n' "$(( $(date +%s) - START ))"
