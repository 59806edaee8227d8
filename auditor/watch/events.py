"""What a watch tells the person about one run: its events, each with a key that says when it is the same again.

Four kinds: a value became less private (and not by auditor apply), a check that passed fails now, Meta
changed a page the flows read (drift of the page's shape: a value that moved is the history's), and the
run could not finish. Pure: the run, the history's comparison and the drift in, events out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from auditor.drift import Change as DriftChange
from auditor.drift import Drift
from auditor.history import Since
from auditor.outcome import NOT_LOADED, STOPS_THE_RUN
from auditor.results import Observations, Value

# Drift of a page's shape; `default_changed` is a value that moved (the history's), `changed_by_auditor` the person's.
PAGE_DRIFT = ("added", "removed", "renamed", "moved", "options_changed", "type_changed", "page_missing")
FAILED = "failed"  # the reason of a run that ended in an error before it wrote its observations
STOPPED_KEY = "stopped"


@dataclass(frozen=True)
class Event:
    kind: str  # less_private, now_failing, drift, stopped
    key: str  # the same key: the same event (it is never told twice)
    setting: str | None = None
    check: str | None = None
    before: Value = None
    after: Value = None
    change: DriftChange | None = None
    reason: str | None = None  # stopped: an observation's reason, or FAILED


def found(since: Since | None, drift: Drift | None, observations: Observations | None) -> list[Event]:
    """The events of a run: `observations` None when it ended in an error before writing them."""
    events = []
    if since is not None:
        events += [
            Event("less_private", f"value {c.setting} {json.dumps(c.after)}", c.setting, before=c.before, after=c.after)
            for c in since.changes
            if c.alarming
        ]
        events += [Event("now_failing", f"check {check}", check=check) for check, _title in since.now_failing]
    if drift is not None:
        events += [
            Event("drift", "drift " + json.dumps([c.kind, c.flow, c.setting or c.role, c.old, c.new]), change=c)
            for c in drift.changes
            if c.kind in PAGE_DRIFT
        ]
    reason = FAILED if observations is None else stop_reason(observations)
    if reason is not None:
        events.append(Event("stopped", STOPPED_KEY, reason=reason))
    return events


def stop_reason(observations: Observations) -> str | None:
    """Why the run could not finish, as an observation's reason (what the report's words explain); None when it
    finished or was interrupted (the person stopped it)."""
    run = observations.run
    if run.complete or run.interrupted:
        return None
    reasons = [p.reason for p in observations.pages] + [o.reason for o in observations.observations]
    for wanted in (*STOPS_THE_RUN, *NOT_LOADED):
        if wanted in reasons:
            return wanted
    return FAILED
