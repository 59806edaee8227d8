"""The layout rules of DESIGN.md hold: Playwright only where the browser is driven, Jinja2 only in the
report, pure stages that load neither, and modules of about 300 lines (the replica's pages aside).

Read from the source (what each module imports) and checked by importing the pure modules alone
in a fresh interpreter (what they pull in, however indirectly).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "auditor"
# The rooms where the browser is driven: launching it and its contexts, logging in, reading pages.
BROWSER_ROOMS = {
    "browser",
    "guarded",
    "backstop",
    "visit",
    "session.login",
    "observe.stage",
    "observe.loop",
    "observe.page",
    "observe.setting",
    "observe.behind",
    "observe.readers",
    "observe.pages",
    "observe.evidence",
    "doctor",
    "cohort.runner",
    "apply.steps",
    "apply.runner",
}
REPORT_ROOMS = {"report"}
# Stages and helpers that must run without a browser or a template engine (offline, in CI, in a test).
PURE = [
    "checklist",
    "session.saved",
    "session.way_in",
    "spec",
    "locators",
    "steps",
    "reads",
    "tagged",
    "evaluate",
    "results",
    "drift",
    "history",
    "history.store",
    "history.pseudonym",
    "history.compare",
    "history.record",
    "history.timeline",
    "history.export",
    "history.since",
    "watch.events",
    "watch.state",
    "watch.notify",
    "watch.schedule",
    "budget",
    "schemas",
    "drift_report",
    "drift_match",
    "observe.snapshot",
    "observe.wording",
    "observe.aria",
    "observe.rows",
    "consistency",
    "target",
    "meta",
    "outcome",
    "redact",
    "traces",
    "files",
    "userfile",
    "user_folder",
    "yamlio",
    "models",
    "errors",
    "watchdog",
    "apply.schema",
    "apply.record",
    "apply.plan",
    "apply.account",
    "apply.marks",
    "attribution",
    "view",
    "values",
    "texts",
    "sources",
    "kinds",
    "options",
]
MAX_LINES = 300
LONGER_ALLOWED = {"replica.app"}  # the replica's page code: one route per Meta page it copies


def modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__"): path
        for path in PACKAGE.rglob("*.py")
    }


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, wherever in the module the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    "package, rooms", [("playwright", BROWSER_ROOMS), ("jinja2", REPORT_ROOMS), ("markupsafe", REPORT_ROOMS)]
)
def test_only_its_rooms_import_a_package(package, rooms):
    importers = {name for name, path in modules().items() if package in imported(path)}
    assert importers <= rooms, f"{package} imported outside {sorted(rooms)}: {sorted(importers - rooms)}"


def test_the_pure_modules_load_neither_playwright_nor_jinja2():
    probe = (
        "import importlib, sys\n"
        f"for name in {PURE!r}:\n"
        "    importlib.import_module('auditor.' + name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('playwright', 'jinja2', 'greenlet')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_pure_module_exists():
    """The list above names real modules (a rename must not make the check pass by default)."""
    assert set(PURE) <= set(modules())


def test_modules_stay_short():
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES and name not in LONGER_ALLOWED
    }
    assert not long, f"modules over {MAX_LINES} lines (each is likely doing two jobs): {long}"
