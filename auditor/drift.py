"""Drift: what changed on Meta's settings pages between two runs (a baseline and the current one). Pure.

Compares the declared settings and the page inventories of two observations files, and
classifies every difference: a setting added (a control no flow reads), removed, renamed (same
page and role, new label), moved (to another page), its options changed, its control type
changed, found another way (behind a link, on scroll, as text beside its question), its default
changed (the value of a test account nobody touched), or a page missing.

Noise is not drift: controls are matched by setting id or by role and label, never by position
or class name; their state (the person's values, counts of items) is ignored, except that a
changed value of a declared setting is reported as a changed default; pages that could not be
read (login wall, rate limit, error) are listed as not compared rather than as changes.
"""

from __future__ import annotations

from typing import Literal

from auditor import __version__
from auditor.drift_match import Page, identity, label_of, new_controls, pages_of
from auditor.models import Strict
from auditor.results import SCHEMA_VERSION, Control, Observation, Observations, now

Kind = Literal[
    "added",
    "removed",
    "renamed",
    "moved",
    "options_changed",
    "type_changed",
    "found_otherwise",  # read the same, but found another way (behind a link, on scroll, as text): the page changed
    "default_changed",
    "page_missing",
    "changed_by_auditor",  # a value auditor apply (or its undo) set between the runs: not drift (attribution.py)
]
MARK = {
    "added": "+",
    "removed": "-",
    "renamed": "~",
    "moved": ">",
    "options_changed": "*",
    "type_changed": "!",
    "found_otherwise": "^",
    "default_changed": "=",
    "page_missing": "x",
    "changed_by_auditor": "@",
}


class Change(Strict):
    kind: Kind
    flow: str  # the page (flow id) where the change was seen
    setting: str | None = None
    role: str | None = None
    old: str | list[str] | None = None
    new: str | list[str] | None = None
    detail: str = ""

    def line(self) -> str:
        what = self.setting or f'{self.role} "{self.new or self.old}"'
        text = f"{MARK[self.kind]} {self.kind.replace('_', ' '):<16} {what}  [{self.flow}]"
        return f"{text}\n    {self.detail}" if self.detail else text


class NotCompared(Strict):
    flow: str
    reason: str | None
    detail: str = ""


class RunInfo(Strict):
    started: str
    tool_version: str
    target: str


class Drift(Strict):
    schema_version: int = SCHEMA_VERSION
    kind: Literal["drift"] = "drift"
    tool_version: str = __version__
    compared: str
    baseline: RunInfo
    current: RunInfo
    changes: list[Change]
    not_compared: list[NotCompared]
    made: list[Change] = []  # values auditor changed at the person's request between the runs (not drift)


def compare(baseline: Observations, current: Observations) -> Drift:
    before, after = pages_of(baseline), pages_of(current)
    changes: list[Change] = []
    not_compared: list[NotCompared] = []
    claimed: set[tuple[str, tuple]] = set()  # (flow, identity) of new controls a rename, move or retype explains
    unmatched_new = {flow: new_controls(before.get(flow), page) for flow, page in after.items()}
    for flow, old_page in before.items():
        new_page = after.get(flow)
        if old_page.inventory is None or old_page.inventory.status != "ok":
            continue  # nothing to compare against
        if new_page is None or new_page.inventory is None or new_page.inventory.status != "ok":
            missing = (
                new_page is not None and new_page.inventory is not None and new_page.inventory.reason == "not_found"
            )
            if missing:
                changes.append(Change(kind="page_missing", flow=flow, detail=new_page.inventory.detail))
            else:
                reason = new_page.inventory.reason if new_page and new_page.inventory else "not_visited"
                not_compared.append(
                    NotCompared(
                        flow=flow,
                        reason=reason,
                        detail=new_page.inventory.detail if new_page and new_page.inventory else "",
                    )
                )
            continue
        changes += _declared(flow, old_page, new_page, unmatched_new, claimed)
        changes += _undeclared_removed(flow, old_page, new_page)
    for flow, controls in unmatched_new.items():
        for control in controls:
            if (flow, identity(control)) not in claimed:
                changes.append(
                    Change(
                        kind="added",
                        flow=flow,
                        role=control.role,
                        new=label_of(control),
                        detail="a control no flow reads: decide whether a checklist should cover it",
                    )
                )
    return Drift(
        compared=now(),
        baseline=RunInfo(
            started=baseline.run.started, tool_version=baseline.run.tool_version, target=baseline.run.target
        ),
        current=RunInfo(started=current.run.started, tool_version=current.run.tool_version, target=current.run.target),
        changes=changes,
        not_compared=not_compared,
    )


def _declared(flow: str, old_page: Page, new_page: Page, unmatched_new: dict, claimed: set) -> list[Change]:
    changes = []
    old_controls = {c.setting: c for c in old_page.inventory.controls if c.setting}
    new_controls = {c.setting: c for c in new_page.inventory.controls if c.setting}
    for setting, before in old_page.settings.items():
        after = new_page.settings.get(setting)
        if before.status != "observed" or after is None:
            continue
        old_control = old_controls.get(setting)
        if after.status == "observed":
            changed = _read_but_changed(flow, setting, old_control, new_controls.get(setting), after)
            changes += changed or _found_otherwise(flow, setting, before, after)
            if before.options and after.options and before.options != after.options:
                added = [o for o in after.options if o not in before.options]
                dropped = [o for o in before.options if o not in after.options]
                said, was = _option_detail(added, dropped), {"old": before.options, "new": after.options}
                changes.append(Change(kind="options_changed", flow=flow, setting=setting, **was, detail=said))
            if before.value != after.value:
                said = "the test account's value changed though nobody touched it: Meta may have changed a default"
                was = {"old": str(before.value), "new": str(after.value)}
                changes.append(Change(kind="default_changed", flow=flow, setting=setting, **was, detail=said))
            continue
        if after.reason != "not_found" or old_control is None:
            continue
        changes.append(_explain_missing(flow, setting, old_control, unmatched_new, claimed))
    return changes


def _read_but_changed(
    flow: str, setting: str, old: Control | None, new: Control | None, after: Observation
) -> list[Change]:
    """The value was still read, but from a control whose label or type changed."""
    if old is None:
        return []
    label = label_of(old)
    if after.confidence == "inferred" and after.label_seen:
        return [
            Change(
                kind="renamed",
                flow=flow,
                setting=setting,
                old=label,
                new=after.label_seen,
                detail=f'"{label}" -> "{after.label_seen}": read from the only control it could be; '
                "update the flow's label (and check the meaning did not change)",
            )
        ]
    if new is not None and new.role != old.role:
        return [
            Change(
                kind="type_changed",
                flow=flow,
                setting=setting,
                old=old.role,
                new=new.role,
                detail=f'"{label}" is now a {new.role}, not a {old.role}; its value was still read',
            )
        ]
    return []


# How a setting was found that says how the page shows it. Not "after_waiting" (how late a page's data came
# depends on the moment) nor "under_dialog" (an announcement over the page that day): those are not the page's.
SHOWN_WAYS = {"name", "row_text", "after_scrolling", "after_expanding", "in_dialog", "on_subpage"}


def _found_otherwise(flow: str, setting: str, before: Observation, after: Observation) -> list[Change]:
    """The value was read both times, but found another way: the page shows the setting differently now."""
    was, now = before.found_by, after.found_by
    if was == now or not {was, now} <= SHOWN_WAYS:
        return []
    said = f"found by {was.replace('_', ' ')} before, by {now.replace('_', ' ')} now: the page shows it another way"
    return [Change(kind="found_otherwise", flow=flow, setting=setting, old=was, new=now, detail=said)]


def _explain_missing(flow: str, setting: str, old: Control, unmatched_new: dict, claimed: set) -> Change:
    """A declared control is gone from its page: retyped, renamed, moved, or removed."""
    label = label_of(old)
    here = [c for c in unmatched_new.get(flow, []) if (flow, identity(c)) not in claimed]
    retyped = next((c for c in here if label_of(c).startswith(label) and c.role != old.role), None)
    if retyped is not None:
        claimed.add((flow, identity(retyped)))
        return Change(
            kind="type_changed",
            flow=flow,
            setting=setting,
            old=old.role,
            new=retyped.role,
            detail=f'"{label}" is now a {retyped.role}, not a {old.role}: the flow needs another reader',
        )
    for other_flow, controls in unmatched_new.items():
        moved = next(
            (
                c
                for c in controls
                if other_flow != flow and label_of(c).startswith(label) and (other_flow, identity(c)) not in claimed
            ),
            None,
        )
        if moved is not None:
            claimed.add((other_flow, identity(moved)))
            return Change(
                kind="moved",
                flow=flow,
                setting=setting,
                old=flow,
                new=other_flow,
                detail=f'"{label}" now shows on {other_flow}',
            )
    same_role = [c for c in here if c.role == old.role]
    renamed = next((c for c in same_role if c.section == old.section), same_role[0] if same_role else None)
    if renamed is not None:
        claimed.add((flow, identity(renamed)))
        new = label_of(renamed)
        said = f'"{label}" -> "{new}": update the flow\'s label (and check the meaning did not change)'
        return Change(kind="renamed", flow=flow, setting=setting, old=label, new=new, detail=said)
    return Change(kind="removed", flow=flow, setting=setting, old=label, detail=f'"{label}" is no longer on the page')


def _undeclared_removed(flow: str, old_page: Page, new_page: Page) -> list[Change]:
    now_there = {identity(c) for c in new_page.inventory.controls}
    declared_labels = {label_of(c) for c in old_page.inventory.controls if c.setting}
    return [
        Change(kind="removed", flow=flow, role=c.role, old=label_of(c), detail="a control no flow reads is gone")
        for c in old_page.inventory.controls
        if not c.setting and identity(c) not in now_there and label_of(c) not in declared_labels
    ]


def _option_detail(added: list[str], dropped: list[str]) -> str:
    parts = [f'new option "{o}"' for o in added] + [f'option "{o}" gone' for o in dropped]
    return ", ".join(parts) or "the options are in another order"
