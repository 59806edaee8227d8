"""What a report built from the audit before an apply says about the apply (and the undo of it).

Each changed finding's mark (when, verified or why not, the page's words before and after, the
requests sent), the values the pages showed after the changes (the report judges its checks again
on them, so its counts and answers are those after the changes), and the footer's counts. Built
from apply.json (and undo.json) with no browser; the report takes it as it is.
"""

from __future__ import annotations

from auditor.apply.record import Applied
from auditor.report_input import Counts, Made
from auditor.results import Value


def made_by(applied: Applied, undone: Applied | None = None) -> Made:
    """The report's view of an apply; with `undone`, of its undo too, whose marks replace those of the
    changes it put back."""
    marks = {c.check: _mark(c, applied) | {"changed_on": None} for c in applied.changes if c.check and c.changed}
    values = {c.setting: (c.after, c.after_text) for c in applied.changes if c.changed and c.after is not None}
    for c in undone.changes if undone is not None else []:
        if c.check in marks and c.changed:
            marks[c.check] = _mark(c, undone) | {"changed_on": marks[c.check]["time"]}
        if c.changed and c.after is not None:
            values[c.setting] = (c.after, c.after_text)
    return Made(_counts(applied), _counts(undone) if undone is not None else None, marks, values)


def _counts(applied: Applied) -> Counts:
    changed = [c for c in applied.changes if c.changed]
    return Counts(
        started=applied.started,
        changed=len(changed),
        verified=sum(c.status == "verified" for c in changed),
        requests=applied.writes_sent,
        blocked=applied.writes_blocked,
    )


def _mark(change, applied: Applied) -> dict:
    return {
        "time": change.time or applied.started,
        "verified": change.status == "verified",
        "detail": change.detail,
        "writes": list(change.writes),
        "before": change.before_text or _text(change.before),
        "after": change.after_text or _text(change.after),
        "values": [change.before, change.after],  # the report words them in its own language (auditor.values)
    }


def _text(value: Value) -> str:
    return "" if value is None else str(value)
