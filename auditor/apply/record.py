"""apply.json (and undo.json): what apply planned, what the person agreed to, and what each change did.

Per change: the value before (read just before it), the value wanted, the value read back after
a reload, whether that proves the change (`verified`), when, and every write request the change
step sent or had blocked; and whose account it is (results.Account: keyed hashes, as the history keeps
them), which an undo checks before its first change. Nothing secret: setting ids, values, the page's
words for them, page URLs and "METHOD name" lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from auditor.models import Strict
from auditor.results import SCHEMA_VERSION, Account, Audited, Source, Value, read, write

ChangeStatus = Literal[
    "verified",  # read back after a reload: the page shows the new value
    "not_verified",  # changed or tried, and the page does not show the new value (detail says why)
    "dropped",  # the value was no longer what the findings said, or already the new one: not touched
    "declined",  # the person said no
    "not_attempted",  # the apply stopped before it (detail says why)
]
APPLY_JSON, UNDO_JSON = "apply.json", "undo.json"


class ChangeRecord(Strict):
    check: str | None = None
    setting: str
    title: str = ""
    platform: str
    flow: str
    url: str
    expected: Value = None  # what the findings (or, for an undo, apply.json) say the setting shows
    wanted: Value
    before: Value = None  # read from the page just before the change
    after: Value = None  # read back after a reload
    before_text: str | None = None  # the page's words for `before` ("Public")
    after_text: str | None = None  # the page's words for `after` ("Friends")
    status: ChangeStatus
    detail: str = ""
    time: str | None = None
    writes: list[str] = []  # write requests the change step sent ("METHOD friendly-name-or-path")
    blocked: list[str] = []  # write requests the guard stopped during it

    @property
    def changed(self) -> bool:
        """Did a write go out for it (so an undo has something to put back)?"""
        return bool(self.writes)


class ByHand(Strict):
    """A failing or manual check no web control of a flow can change: the person does it."""

    check: str
    setting: str
    title: str
    url: str | None = None
    why: str


class Applied(Strict):
    schema_version: int = SCHEMA_VERSION
    kind: Literal["apply", "undo"] = "apply"
    tool_version: str
    started: str
    finished: str | None = None
    target: str = "meta"
    account: Account | None = None  # the account changed (None: the pages did not say, or an older file)
    platforms: Audited
    source: str  # the findings.json (or apply.json, for an undo) the plan came from
    checklist: Source | None = None
    flows: list[Source] = []
    changes: list[ChangeRecord] = []
    by_hand: list[ByHand] = []
    writes_sent: int = 0  # every write that went out: the sum of the changes' writes
    writes_blocked: int = 0
    blocked: list[str] = []  # every write the guard stopped, in or out of a change step
    stopped: str | None = None  # why the apply stopped before the end of the plan
    interrupted: bool = False
    complete: bool = True


def load(path: Path) -> Applied:
    return read(Path(path), Applied)


def save(path: Path, applied: Applied) -> Path:
    return write(Path(path), applied)
