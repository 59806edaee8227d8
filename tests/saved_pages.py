"""Saved aria snapshots of every replica page, per account: what the reading tests read without a browser.

tests/snapshots/<account>.yml maps each flow to the page's locale and its main region's snapshot.
test_observe_accounts proves they are the live replica's (and rewrites them with
AUDITOR_UPDATE_GOLDEN=1); test_snapshot_reading reads them offline.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent / "snapshots"


def path(account: str) -> Path:
    return FOLDER / f"{account}.yml"


# What changes from one page load to the next without the page changing: Playwright's element references
# and the pointer's shape over a control.
VOLATILE = re.compile(r" \[(?:ref|cursor)=[^\]]*\]")


def dump(snapshots: dict[str, str], locales: dict[str, str | None]) -> str:
    """The file's text: a literal block per page, so a diff shows the page's lines."""
    out = []
    for flow in sorted(snapshots):
        body = "\n".join("    " + VOLATILE.sub("", line) for line in snapshots[flow].splitlines())
        out.append(f"{flow}:\n  locale: {locales.get(flow)}\n  snapshot: |\n{body}\n")
    return "".join(out)


@cache
def load(account: str) -> dict[str, dict]:
    """flow -> {"locale": ..., "snapshot": ...} for one account (read once: the tests only read it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path(account).read_text(encoding="utf-8"), Loader=loader) or {}


def accounts() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.yml"))
