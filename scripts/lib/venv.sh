# Shared by scripts/run, scripts/test and scripts/build-binary: make .venv and install the project when
# missing or stale.
ensure_venv() {
  local extras="${1:-}"
  local python="${PYTHON:-python3}"
  if [ -L .venv ]; then
    # A worktree borrowing another checkout's venv (ln -s …/.venv .venv): installing here would point
    # that venv's editable kuma at this checkout for everyone who shares it. Use it as it is.
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  local stamp=".venv/.kuma-installed${extras:+-$extras}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}
