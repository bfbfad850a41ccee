"""The shared virtualenv must never be committed: merging a tracked `.venv` symlink into main deletes the
real venv that every worktree uses (it happened twice)."""
from __future__ import annotations

import subprocess

from tests.helpers.paths import REPO


def test_no_virtualenv_is_tracked():
    tracked = subprocess.run(["git", "ls-files", "--", ".venv", "venv"], cwd=REPO, capture_output=True, text=True)
    assert tracked.returncode == 0 and tracked.stdout.strip() == "", (
        "a .venv is tracked: run `git rm --cached .venv` and commit before landing")
