"""The plan: which failing checks apply can fix on the web, and to what; what stays a change by hand;
and the person's consent to each change (apply/words.py says them).

Built from findings.json (an apply) or apply.json (an undo), with no browser. A check is
changeable when a flow's `change:` part can set one of the values the check recommends; the
first such value is the one set. Everything else is listed as "do this yourself", never touched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.apply.record import Applied, ByHand, ChangeRecord
from auditor.apply.schema import Changeable
from auditor.errors import InputError
from auditor.meta import flow_url
from auditor.results import Findings, Value
from auditor.shown import shown
from auditor.spec import Vocabulary

ANSWERS = "[y/N/a/q]"


@dataclass(frozen=True)
class Planned:
    item: Changeable
    check: str | None
    title: str
    expected: Value  # what the page should show before the change
    wanted: str
    url: str

    @property
    def setting(self) -> str:
        return self.item.read.id

    def record(self, status: str, detail: str = "", **more) -> ChangeRecord:
        return ChangeRecord(
            check=self.check,
            setting=self.setting,
            title=self.title,
            platform=self.item.read.platform or self.item.flow.spec.platform,
            flow=self.item.flow.id,
            url=self.url,
            expected=self.expected,
            wanted=self.wanted,
            status=status,
            detail=detail,
            **more,
        )


@dataclass
class Plan:
    platforms: list[str]
    changes: list[Planned] = field(default_factory=list)
    by_hand: list[ByHand] = field(default_factory=list)


def from_findings(findings: Findings, changeable: dict[str, Changeable], only: list[str] | None = None) -> Plan:
    """Every failing check: a change when a flow can set a recommended value, else a change by hand."""
    platforms = list(findings.run.platforms)
    plan = Plan(platforms)
    wanted_checks = set(only or [])
    known = {x.check: x for x in findings.findings}
    for check in wanted_checks:
        if check not in known or known[check].status != "fail":
            raise InputError(f"--only {check}: not a failing check of these findings")
    for x in findings.findings:
        if x.status not in ("fail", "manual") or (only and x.check not in wanted_checks):
            continue
        item = changeable.get(x.setting)
        to = next((v for v in x.recommended if item and v in item.change.to), None)
        if x.status == "fail" and item is not None and to is not None:
            url = flow_url(item.flow, platforms)
            plan.changes.append(Planned(item, x.check, x.title, x.value, str(to), url))
            continue
        why = (
            "a check only you can make"
            if x.status == "manual"
            else "no control on the web that auditor can change"
            if item is None
            else "the recommended value cannot be set from this page's options"
        )
        plan.by_hand.append(ByHand(check=x.check, setting=x.setting, title=x.title, url=x.url, why=why))
    return plan


def from_applied(applied: Applied, changeable: dict[str, Changeable]) -> Plan:
    """An undo: every setting an apply wrote to goes back to its value before, which it shows now."""
    plan = Plan(list(applied.platforms))
    for change in applied.changes:
        if not change.changed or change.after == change.before or change.before is None:
            continue
        item = changeable.get(change.setting)
        if item is None or str(change.before) not in item.change.to:
            plan.by_hand.append(
                ByHand(
                    check=change.check or change.setting,
                    setting=change.setting,
                    title=change.title,
                    url=change.url,
                    why=f"its value before ({change.before}) cannot be set from the page's options",
                )
            )
            continue
        plan.changes.append(
            Planned(
                item, change.check, change.title, change.after, str(change.before), flow_url(item.flow, plan.platforms)
            )
        )
    return plan


# ---------------------------------------------------------------------- the page's words
def page_words(item: Changeable, value: Value, vocabulary: Vocabulary, locale: str, raw: str | None = None) -> str:
    """A value as the page words it: the text read from the page (`raw`), except for an on/off control,
    whose state has no words of its own ("checked"): then, as for a value not read, the flow's text."""
    if raw and item.change.how != "flip":
        return raw
    values = item.read.values
    localized = values.get(str(value)) if isinstance(values, dict) else vocabulary.values.get(str(value))
    if localized is None:
        return "" if value is None else str(value)
    return localized.get(locale) or localized.get("en_GB" if locale == "en_US" else "en_US") or localized.en_US


# ---------------------------------------------------------------------- asking
def consent(
    plan: Plan,
    *,
    yes: bool,
    ask: Callable[[str], str] | None = None,
    question: Callable[[int, int, Planned], str] | None = None,
) -> list[Planned]:
    """The changes the person agreed to: all with --yes; else each asked on the terminal (default no), in
    the words of `question(n, total, planned)` (apply/words.py).

    y yes, n no, a yes to this and all the rest, q no to this and all the rest. Without a terminal
    and without --yes nothing is changed: that is bad input (exit 2), said before any browser starts.
    """
    if yes or not plan.changes:
        return list(plan.changes)
    if ask is None:
        if not sys.stdin.isatty():
            raise InputError(
                "(stdin):1: --yes: no terminal to ask for your consent, so nothing was changed; "
                "run auditor apply in a terminal, or give --yes to apply the whole plan"
            )
        ask = input
    agreed: list[Planned] = []
    for n, p in enumerate(plan.changes, 1):
        try:
            total = len(plan.changes)
            asked = question(n, total, p) if question else f"[{n}/{total}] {p.title}? {ANSWERS} "
            answer = ask(shown(asked)).strip().lower()
        except EOFError:
            answer = "q"
        if answer == "a":
            return agreed + plan.changes[n - 1 :]
        if answer == "q":
            break
        if answer in ("y", "yes"):
            agreed.append(p)
    return agreed
