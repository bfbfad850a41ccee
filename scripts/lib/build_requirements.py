"""Print `name==version` for every distribution a kuma build needs, as installed in this venv.

A Pi build installs these exact versions in the target's root filesystem, so the aarch64 / armv7 binary
holds the same libraries as the x86-64 one built from .venv (and `self-check` finds the same parts). The
set is pyproject's runtime dependencies and build extra, with everything they require, walked through the
installed distributions' metadata (markers evaluated here: Linux, Python 3.11 on both sides).
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def top_level(pyproject: Path) -> list[Requirement]:
    project = tomllib.loads(pyproject.read_text())["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["build"]]]


def closure(roots: list[Requirement]) -> dict[str, str]:
    """name → installed version for the roots and what they require (without extras' requirements)."""
    found: dict[str, str] = {}
    todo = list(roots)
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in found or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        dist = metadata.distribution(req.name)
        found[name] = dist.version
        for line in dist.requires or []:
            child = Requirement(line)
            if child.marker is None or child.marker.evaluate({"extra": ""}):
                todo.append(child)
    return found


def main() -> int:
    pins = closure(top_level(Path(sys.argv[1])))
    for name in sorted(pins):
        print(f"{name}=={pins[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
