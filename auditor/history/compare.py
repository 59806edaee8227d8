"""What changed between two runs of an account: values that moved, settings new or gone, checks that now fail.

Only what both runs could tell is compared: a setting the page did not show this time (a
timeout, a rate limit) did not change, and a platform or a page one run did not read (--flow) has
no settings gone or new.
A change is "less private" when a check on the setting fails now: the value moved to one the check
does not expect. A change `auditor apply` (or its undo) recorded is the person's own ("by auditor apply",
"by auditor undo").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from auditor.report_input import Change, Since
from auditor.results import Findings, Observations, Value

ALWAYS_AUDITED = ("accounts_center", "meta")  # read whichever platform a run audits


class Seen(NamedTuple):
    """One setting in one run (a tuple: a timeline builds a great many)."""

    platform: str
    status: str
    value: Value = None
    reason: str | None = None

    @property
    def present(self) -> bool:
        return self.status == "observed"

    @property
    def absent(self) -> bool:
        """Not on the page, or not offered: a setting that is not there (unlike one that could not be read)."""
        return self.status == "not_applicable" or self.reason == "not_found"


@dataclass(frozen=True)
class Snapshot:
    """What a run recorded: its settings and the status of each check."""

    started: str
    platforms: frozenset[str]
    settings: dict[str, Seen]
    checks: dict[str, tuple[str, str]]  # check -> (setting, status)

    def audited(self, platform: str) -> bool:
        return platform in self.platforms or platform in ALWAYS_AUDITED

    def failing(self) -> frozenset[str]:
        return frozenset(check for check, (_setting, status) in self.checks.items() if status == "fail")

    @classmethod
    def of(cls, observations: Observations, findings: Findings) -> Snapshot:
        return cls(
            started=observations.run.started,
            platforms=frozenset(observations.run.platforms),
            settings={o.setting: Seen(o.platform, o.status, o.value, o.reason) for o in observations.observations},
            checks={f.check: (f.setting, f.status) for f in findings.findings},
        )


def compare(
    before: Snapshot,
    after: Snapshot,
    applied: dict[str, list[tuple[Value, str]]] | None = None,
    titles: dict | None = None,
) -> Since:
    """`after` against `before`; `applied`: per setting, the values auditor set in between, each with the
    command that set it ("apply" or "undo"), oldest first; `titles`: per check, its title in the report."""
    applied, titles = applied or {}, titles or {}
    title_of = {
        setting: titles[check] for check, (setting, _status) in reversed(after.checks.items()) if check in titles
    }
    failing_now = {setting for setting, status in after.checks.values() if status == "fail"}
    changes = []
    for setting in sorted(set(before.settings) & set(after.settings)):  # a page one run did not read tells nothing
        then, now = before.settings[setting], after.settings[setting]
        if not (before.audited(now.platform) and after.audited(now.platform)):
            continue
        if then.present and now.present and not _same(then.value, now.value):
            kind = "changed"
        elif now.present and then.absent:
            kind = "new"
        elif then.present and now.absent:
            kind = "gone"
        else:
            continue
        changes.append(
            Change(
                setting,
                kind,
                before=then.value,
                after=now.value,
                less_private=kind != "gone" and setting in failing_now,
                by=_made_by(now.value, applied.get(setting, [])) if kind == "changed" else None,
                title=title_of.get(setting, ""),
            )
        )
    changed = {c.setting for c in changes}  # a check on a changed setting is said with the change
    now_failing = [
        (check, titles.get(check, check))
        for check, (setting, status) in after.checks.items()
        if status == "fail" and before.checks.get(check, ("", ""))[1] == "pass" and setting not in changed
    ]
    return Since(before.started, changes, now_failing, before.failing())


def _made_by(value: Value, made: list[tuple[Value, str]]) -> str | None:
    """The command that last set this value ("apply" or "undo"), or None when auditor did not set it."""
    return next((kind for set_to, kind in reversed(made) if _same(value, set_to)), None)


def _same(a: Value, b: Value) -> bool:
    """`on` is not True and 1 is not True (as evaluate compares them)."""
    return type(a) is type(b) and a == b
