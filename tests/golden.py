"""Golden files: a test's output compared with a reviewed file in the repository.

`AUDITOR_UPDATE_GOLDEN=1 pytest ...` rewrites the files and fails each test it touched, so update
mode never passes as a test run; it refuses to run where `CI` is set. A missing golden file fails
and is not written: a file nobody reviewed would pass whatever the output is.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

UPDATE = "AUDITOR_UPDATE_GOLDEN"


def _rerun(update: bool) -> str:
    """The command that runs the current test again, in update mode or not."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "tests/").rsplit(" ", 1)[0]
    return f"{UPDATE}=1 pytest '{test}'" if update else f"pytest '{test}'"


def check(path: Path, actual: str) -> None:
    """Fail unless `actual` is the text of the golden file at `path` (in update mode: write it, then fail)."""
    path = Path(path)
    if os.environ.get(UPDATE):
        if os.environ.get("CI"):
            pytest.fail(
                f"{UPDATE} is set in CI: golden files are updated on a workstation and reviewed, never in CI",
                pytrace=False,
            )
        if path.exists() and path.read_text(encoding="utf-8") == actual:
            pytest.fail(f"{path.name} is up to date; update mode never passes: run {_rerun(False)}", pytrace=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        pytest.fail(f"{path.name} updated: review the diff (git diff), then run {_rerun(False)}", pytrace=False)
    if not path.exists():
        pytest.fail(f"no golden file {path}: create it with {_rerun(True)} and review it", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"{path.name} (golden)", "output")
        )
        pytest.fail(
            f"the output differs from {path}:\n{diff}\n"
            f"if the change is deliberate: {_rerun(True)}, and review the diff",
            pytrace=False,
        )
