"""`subprocess_env()`: children of a frozen build get the caller's LD_LIBRARY_PATH back."""
from __future__ import annotations

import subprocess

from kuma.process_env import subprocess_env


def test_frozen_restores_original_library_path():
    env = subprocess_env({"LD_LIBRARY_PATH": "/tmp/_MEI123:/usr/local/lib", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib", "A": "1"}, frozen=True)
    assert env == {"LD_LIBRARY_PATH": "/usr/local/lib", "A": "1"}


def test_frozen_without_original_drops_the_bundle_path():
    env = subprocess_env({"LD_LIBRARY_PATH": "/tmp/_MEI123", "PATH": "/usr/bin"}, frozen=True)
    assert env == {"PATH": "/usr/bin"}


def test_from_source_the_environment_is_kept():
    base = {"LD_LIBRARY_PATH": "/x", "LD_LIBRARY_PATH_ORIG": "/y"}
    assert subprocess_env(base) == base
    assert subprocess_env(base) is not base


def test_a_real_child_sees_the_restored_value():
    env = subprocess_env({"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": "/bundle", "LD_LIBRARY_PATH_ORIG": "/orig"}, frozen=True)
    out = subprocess.run(["sh", "-c", 'echo "$LD_LIBRARY_PATH|${LD_LIBRARY_PATH_ORIG-unset}"'], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "/orig|unset"
