"""Which value changes between two runs auditor made itself, at the person's request: an apply, or its undo.

Drift compares two runs' pages, and a declared setting whose value moved reads as a changed
default (Meta may have changed it), unless auditor apply or the undo of one set that value between
the two runs. What they set is known from their apply.json / undo.json, or from the history, which
records every change they made per account. Such a change is listed apart, as auditor's, and is
not drift. Pure: files and the history only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.drift import Change, Drift
from auditor.results import Account, Value


@dataclass(frozen=True)
class Made:
    """A value auditor set on a setting: by "apply" or "undo", at `time` (ISO)."""

    setting: str
    value: Value
    kind: str
    time: str


def from_files(paths: list[Path]) -> list[Made]:
    """What the apply.json and undo.json files say their commands changed."""
    from auditor.apply import record

    made = []
    for path in paths:
        applied = record.load(path)
        made += [
            Made(c.setting, c.after, applied.kind, c.time or applied.started)
            for c in applied.changes
            if c.changed and c.after is not None
        ]
    return made


def from_history(history: Path | None, account: Account | None) -> list[Made]:
    """What the history says auditor changed on this account (none: no history, or the run names no account)."""
    from auditor.history import HistoryError
    from auditor.history.record import made_on

    if history is None or account is None or not Path(history).is_file():
        return []
    try:
        return [Made(*row) for row in made_on(history, account)]
    except HistoryError:  # a history in use or damaged: the changes stay drift, as without a history
        return []


def attribute(drift: Drift, made: list[Made]) -> Drift:
    """The drift with each changed value that auditor set between the two runs moved to `made`, saying by what."""
    between = [m for m in made if drift.baseline.started <= m.time <= drift.current.started]
    changes, by_auditor = [], list(drift.made)
    for change in drift.changes:
        by = next(
            (m for m in reversed(sorted(between, key=lambda m: m.time)) if _set_it(m, change)),
            None,
        )
        if by is None:
            changes.append(change)
            continue
        detail = f"{change.old} -> {change.new}: by auditor {by.kind} on {by.time[:10]}, at your request (not Meta)"
        by_auditor.append(change.model_copy(update={"kind": "changed_by_auditor", "detail": detail}))
    return drift.model_copy(update={"changes": changes, "made": by_auditor})


def _set_it(made: Made, change: Change) -> bool:
    return change.kind == "default_changed" and change.setting == made.setting and change.new == str(made.value)
