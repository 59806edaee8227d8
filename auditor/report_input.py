"""What a report shows besides the findings, kept in findings.json with them (`Findings.since`,
`Findings.made`) so that `auditor report findings.json` makes again the report a run, a cohort or an
apply wrote, from that file alone: what changed since the account's previous audit (the history's
comparison, auditor.history.compare) and what auditor apply and its undo changed (auditor.apply.marks).
Data only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from auditor.models import Value


@dataclass(frozen=True)
class Change:
    setting: str
    kind: Literal["changed", "new", "gone"]
    before: Value = None
    after: Value = None
    less_private: bool = False  # a check on the setting fails with the value it has now
    by: str | None = None  # "apply" or "undo": the auditor command that made this change; None: not auditor
    title: str = ""  # the title of a check on the setting, for the report

    @property
    def by_apply(self) -> bool:
        """Made by auditor at the person's request (an apply, or the undo of one)."""
        return self.by is not None

    @property
    def alarming(self) -> bool:
        """Less private, and not by the person's own hand here: Meta or someone else may have changed it."""
        return self.less_private and not self.by_apply


@dataclass(frozen=True)
class Since:
    """What changed since the account's previous run (the report's section, `--fail-on-change`)."""

    previous: str  # when the previous run started
    changes: list[Change]
    now_failing: list[tuple[str, str]]  # (check, title): checks that passed then and fail now
    previous_failing: frozenset[str] = field(default_factory=frozenset)  # checks that failed at the previous run

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def nothing(self) -> bool:
        return not self.changes and not self.now_failing

    @property
    def moved(self) -> list[Change]:
        """Values that moved away from the previous run's, other than by `auditor apply`."""
        return [c for c in self.changes if c.kind == "changed" and not c.by_apply]


@dataclass(frozen=True)
class Counts:
    """One apply's or undo's footer line: auditor changed `changed` settings on `started`, `verified` verified."""

    started: str
    changed: int  # settings a change request went out for
    verified: int  # of those, read back with the new value after a reload
    requests: int
    blocked: int


@dataclass(frozen=True)
class Made:
    applied: Counts
    undone: Counts | None = None  # the undo of that apply, when the report is an undo's
    marks: dict[str, dict] = field(default_factory=dict)  # check id -> its mark (see _mark)
    values: dict[str, tuple[Value, str | None]] = field(default_factory=dict)  # setting -> (value, page's words)

    @property
    def kind(self) -> str:
        return "apply" if self.undone is None else "undo"
