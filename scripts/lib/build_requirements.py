"""Print `name==version` for every distribution a kuma build needs, as installed in this venv.

A Pi build installs these exact versions in the target's root filesystem, so the aarch64 / armv7 binary
holds the same libraries as the x86-64 one built from .venv (and `self-check` finds the same parts). The
set is pyproject's runtime dependencies and build extra, with everything they require, walked through the
installed distributions' metadata (markers evaluated here: Linux, Python 3.11 on both sides).

`--build-requires SDIST...` prints instead what those sdists need to be built (their pyproject's
[build-system] requires, or setuptools and wheel without one): a Pi build compiles the distributions that
have no wheel for the target with them, installed on the host, so nothing is fetched during the build.
"""

from __future__ import annotations

import sys
import tarfile
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


def build_requires(sdist: Path) -> list[str]:
    """The sdist's declared build requirements (PEP 518; PEP 517's default when it declares none)."""
    with tarfile.open(sdist) as archive:
        member = next(
            (m for m in archive.getmembers() if m.name.count("/") == 1 and m.name.endswith("/pyproject.toml")), None
        )
        extracted = archive.extractfile(member) if member else None
        text = extracted.read().decode() if extracted else ""
    requires = tomllib.loads(text).get("build-system", {}).get("requires")
    return list(requires) if requires is not None else ["setuptools>=40.8.0", "wheel"]


def main() -> int:
    if sys.argv[1] == "--build-requires":
        wanted = {r for sdist in sys.argv[2:] for r in build_requires(Path(sdist))}
        for line in sorted(wanted):
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                print(line)
        return 0
    pins = closure(top_level(Path(sys.argv[1])))
    for name in sorted(pins):
        print(f"{name}=={pins[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
