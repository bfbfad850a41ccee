"""Who may import whom (docs/ARCHITECTURE.md, "Layers"): the picture is enforced, not just drawn.

The checker reads every module's imports with `ast` (lazy imports inside functions count too) and reports
each import a layer may not make. A second test proves the checker fails on a forbidden import. Two more
rules keep the layers honest: SQL calls appear only in kuma/store, and the notification modules (registry,
providers, HTTP helper, apprise bridge) import each other without a cycle.
"""
from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.paths import REPO

#: package → packages of kuma it must not import (itself and its subpackages are always allowed).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    # The store is the bottom: SQL over a database handle, nothing of the server above it.
    "kuma.store": ("kuma.api", "kuma.rest", "kuma.web", "kuma.shapes", "kuma.views", "kuma.realtime", "kuma.monitoring",
                   "kuma.monitors", "kuma.notifications", "kuma.maintenance", "kuma.accounts", "kuma.badges",
                   "kuma.app", "kuma.server", "kuma.web_app", "kuma.cli"),
    # Shapes are pure: rows in, dicts out; they read nothing themselves (no App, no database driver).
    "kuma.shapes": ("kuma.store", "kuma.views", "kuma.api", "kuma.rest", "kuma.web", "kuma.realtime",
                    "kuma.monitoring", "kuma.app", "kuma.server", "kuma.web_app", "sqlite3", "sqlite_utils"),
    # The read side: reads through the store, shapes with kuma.shapes; it serves handlers, never calls them.
    "kuma.views": ("kuma.api", "kuma.rest", "kuma.web", "kuma.realtime", "kuma.monitoring", "kuma.notifications",
                   "kuma.domain", "kuma.server", "kuma.web_app"),
    # The transport knows nothing of what travels over it.
    "kuma.realtime": ("kuma.api", "kuma.rest", "kuma.web", "kuma.store", "kuma.shapes", "kuma.monitoring",
                      "kuma.notifications", "kuma.app", "kuma.server"),
    # A check type gets what it needs in its CheckContext; it never reads the database.
    "kuma.monitors": ("kuma.store", "kuma.api", "kuma.rest", "kuma.realtime", "kuma.monitoring", "kuma.app"),
    # The domain layer (issue #12) serves Socket.IO and REST alike: it knows no transport.
    "kuma.domain": ("kuma.api", "kuma.rest", "kuma.web", "kuma.realtime", "kuma.server", "kuma.web_app"),
    # The alert policy decides; it knows no transport and sends through the notifier it is given.
    "kuma.alerts": ("kuma.api", "kuma.rest", "kuma.web", "kuma.realtime", "kuma.notifications", "kuma.domain"),
    # Pure rules (beats, validation, maintenance windows) do no I/O.
    "kuma.rules": ("kuma.store", "kuma.api", "kuma.rest", "kuma.realtime", "kuma.monitoring", "kuma.app"),
    # What every notification module shares imports none of them: the base of the notification layers.
    "kuma.notifications.common": ("kuma.notifications.base", "kuma.notifications.http",
                                  "kuma.notifications.apprise_bridge", "kuma.notifications.apprise_send",
                                  "kuma.notifications.simple", "kuma.notifications.providers",
                                  "kuma.notifications.notifier"),
    # The HTTP helper and the apprise bridge sit below the registry and the providers.
    "kuma.notifications.http": ("kuma.notifications.base", "kuma.notifications.apprise_bridge",
                                "kuma.notifications.providers"),
    "kuma.notifications.apprise_bridge": ("kuma.notifications.base", "kuma.notifications.providers"),
    "kuma.notifications.apprise_send": ("kuma.notifications.base", "kuma.notifications.apprise_bridge",
                                        "kuma.notifications.providers"),
}

#: Files outside kuma/store that still hold SQL calls: other engineers are moving it into kuma/store
#: (issue #12). Remove a file from this list once it is clean; never add one.
SQL_NOT_YET_MOVED: tuple[str, ...] = ()

#: Monitor types whose check runs the user's `databaseQuery` on the monitored server through its DB-API
#: driver: that is the check itself, not kuma's own storage, so it stays in the type's module.
REMOTE_DATABASE_CHECKS: tuple[str, ...] = ("kuma/monitors/mysql.py", "kuma/monitors/sqlserver.py",
                                           "kuma/monitors/oracledb.py")

#: Method names that run SQL on a sqlite3 / sqlite_utils handle, and the store's row helper.
SQL_METHODS = frozenset({"execute", "executemany", "executescript"})
SQL_FUNCTIONS = frozenset({"fetch_dicts"})


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolved(nodes: list[ast.AST], path: Path, module: str) -> list[tuple[str, int]]:
    """Absolute names of the import statements among `nodes`, with line numbers (relative imports resolved)."""
    names: list[tuple[str, int]] = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.append((base, node.lineno))
            names += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return names


def imported_names(path: Path, module: str) -> list[tuple[str, int]]:
    """Every import in a file, lazy and TYPE_CHECKING ones included."""
    return _resolved(list(ast.walk(ast.parse(path.read_text(encoding="utf-8")))), path, module)


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(root: Path, rules: dict[str, tuple[str, ...]] = FORBIDDEN) -> list[str]:
    """`path:line: module imports name (layer rule)` for every forbidden import under `root/kuma`."""
    found: list[str] = []
    for path in sorted((root / "kuma").rglob("*.py")):
        module = module_name(root, path)
        for layer, forbidden in rules.items():
            if not _inside(module, layer):
                continue
            for name, line in imported_names(path, module):
                if any(_inside(name, banned) for banned in forbidden):
                    found.append(f"{path.relative_to(root)}:{line}: {module} imports {name} ({layer} may not)")
    return sorted(set(found))


def sql_calls(root: Path, exempt: tuple[str, ...] = SQL_NOT_YET_MOVED + REMOTE_DATABASE_CHECKS) -> list[str]:
    """`path:line: call` for every SQL call (`x.execute(…)`, `x.executemany(…)`, `fetch_dicts(…)`) under
    `root/kuma` outside kuma/store and the files still exempt."""
    found: list[str] = []
    for path in sorted((root / "kuma").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("kuma/store/") or relative in exempt:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if (isinstance(func, ast.Attribute) and name in SQL_METHODS) or name in SQL_FUNCTIONS:
                found.append(f"{relative}:{node.lineno}: {ast.unparse(func)}(…) (SQL belongs in kuma/store)")
    return found


def _runtime_imports(path: Path, module: str) -> list[str]:
    """Like `imported_names`, without the imports under `if TYPE_CHECKING:` (they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    return [name for name, _ in _resolved([n for n in ast.walk(tree) if id(n) not in skipped], path, module)]


def import_cycles(root: Path, package: str) -> list[list[str]]:
    """Cycles among the modules of `package` (lazy imports count, TYPE_CHECKING ones do not)."""
    paths = {module_name(root, p): p for p in sorted((root / "kuma").rglob("*.py"))}
    modules = {m for m in paths if _inside(m, package)}
    edges: dict[str, set[str]] = {}
    for module in modules:
        targets = set()
        for name in _runtime_imports(paths[module], module):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        edges[module] = targets
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:  # back to a module on the current path: that stretch is a cycle
                cycles.append([*trail, module][[*trail, module].index(target):] + [target])
            elif target not in state:
                visit(target, trail + [module])
        state[module] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module, [])
    return cycles


def test_every_layer_keeps_to_its_imports():
    assert violations(REPO) == []


def test_sql_lives_in_the_store():
    assert sql_calls(REPO) == []


def test_the_notification_modules_import_each_other_without_a_cycle():
    assert import_cycles(REPO, "kuma.notifications") == []


def test_the_checker_finds_a_forbidden_import(tmp_path):
    for folder in ("kuma/store", "kuma/shapes", "kuma/api"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "kuma/__init__.py").write_text("")
    (tmp_path / "kuma/store/ok.py").write_text("from kuma.store import other\n")
    (tmp_path / "kuma/shapes/bad.py").write_text("def f():\n    from ..store import monitors\n")
    (tmp_path / "kuma/store/worse.py").write_text("import kuma.api.monitors\n")
    (tmp_path / "kuma/shapes/driver.py").write_text("import sqlite_utils\n")
    assert violations(tmp_path) == [
        "kuma/shapes/bad.py:2: kuma.shapes.bad imports kuma.store (kuma.shapes may not)",
        "kuma/shapes/bad.py:2: kuma.shapes.bad imports kuma.store.monitors (kuma.shapes may not)",
        "kuma/shapes/driver.py:1: kuma.shapes.driver imports sqlite_utils (kuma.shapes may not)",
        "kuma/store/worse.py:1: kuma.store.worse imports kuma.api.monitors (kuma.store may not)",
    ]


def test_the_sql_and_cycle_checkers_find_what_they_look_for(tmp_path):
    for folder in ("kuma/store", "kuma/rest", "kuma/notifications"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "kuma/__init__.py").write_text("")
    (tmp_path / "kuma/store/ok.py").write_text("def f(db):\n    return db.conn.execute('SELECT 1')\n")
    (tmp_path / "kuma/rest/bad.py").write_text(
        "def f(db):\n    db.conn.executemany('DELETE FROM x', [])\n    return fetch_dicts(db, 'SELECT 1')\n")
    (tmp_path / "kuma/rest/exempt.py").write_text("def f(conn):\n    conn.execute('SELECT 1')\n")
    assert sql_calls(tmp_path, exempt=("kuma/rest/exempt.py",)) == [
        "kuma/rest/bad.py:2: db.conn.executemany(…) (SQL belongs in kuma/store)",
        "kuma/rest/bad.py:3: fetch_dicts(…) (SQL belongs in kuma/store)",
    ]
    (tmp_path / "kuma/notifications/a.py").write_text("from kuma.notifications.b import x\n")
    (tmp_path / "kuma/notifications/b.py").write_text("def x():\n    from kuma.notifications import a\n")
    (tmp_path / "kuma/notifications/c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kuma.notifications import a\n")
    assert import_cycles(tmp_path, "kuma.notifications") == [
        ["kuma.notifications.a", "kuma.notifications.b", "kuma.notifications.a"]]
