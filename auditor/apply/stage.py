"""The apply stage from its inputs to its files: plan, consent, a guarded browser, apply.json, the report.

`plan_apply` / `plan_undo` read the input and build the plan with no browser; `run_plan` opens a
guarded browser for the plan's platforms (a saved session or a test account's login, as an
audit gets in), makes the changes the person agreed to, and writes apply.json (undo.json) and
report.html with each changed finding marked (after an undo: each one put back, so the report
beside apply.json no longer says a setting is changed when it is not).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor import results, stages
from auditor.apply import plan as plans
from auditor.apply import record
from auditor.apply.runner import Applier, applied_record, write_marks
from auditor.apply.schema import load_changes
from auditor.errors import InputError, say
from auditor.files import check_output_dir, claimed
from auditor.report import write_report
from auditor.results import Findings, Source, now
from auditor.stages import FlowSet, Options


@dataclass(frozen=True)
class Input:
    """What a plan came from: the findings of an audit, or the apply.json an undo reverses."""

    path: Path
    plan: plans.Plan
    findings: Findings | None = None  # the report's: the audit's (an undo's if that apply's are found)
    checklist: Source | None = None
    reversed: record.Applied | None = None  # the apply an undo reverses
    findings_path: Path | None = None  # where `findings` came from (the report's screenshots are beside it)


def plan_apply(findings_path: Path, flow_set: FlowSet, only: list[str] | None = None) -> Input:
    findings = results.read(findings_path, Findings)
    plan = plans.from_findings(findings, load_changes(flow_set.flows), only)
    return Input(Path(findings_path), plan, findings, findings.checklist, findings_path=Path(findings_path))


def plan_undo(applied_path: Path, flow_set: FlowSet) -> Input:
    applied = record.load(applied_path)
    plan = plans.from_applied(applied, load_changes(flow_set.flows))
    findings_path = _findings_of(applied, Path(applied_path))
    try:
        findings = results.read(findings_path, Findings) if findings_path is not None else None
    except InputError:  # the undo does not wait on the report: it says the report was not rewritten
        findings = None
    return Input(Path(applied_path), plan, findings, applied.checklist, applied, findings_path)


def _findings_of(applied: record.Applied, applied_path: Path) -> Path | None:
    """The findings.json the apply started from: beside apply.json (where apply writes by default),
    or where the apply named it; None when it is in neither place any more."""
    source = Path(applied.source)
    for path in (applied_path.parent / source.name, source):
        if path.is_file():
            return path
    return None


def run_plan(
    given: Input, agreed: list[plans.Planned], out: Path, options: Options, flow_set: FlowSet, say=say
) -> record.Applied:
    """Make the agreed changes; apply.json (or undo.json) is written whatever happens, then the marked report."""
    kind = "undo" if given.reversed is not None else "apply"
    name = record.APPLY_JSON if kind == "apply" else record.UNDO_JSON
    check_output_dir(out)
    started, applier, stopped = now(), None, None
    with claimed(out):
        # An audit's way in, shared with stages: the same guard, session rules, time limit and Ctrl-C.
        with stages._opened(given.plan.platforms, out, options) as (browser, way, deadline):
            failed = None
            if way.credentials is not None:
                failed = stages._log_in(browser, given.plan.platforms, way.credentials, flow_set.vocabulary, say)
            if failed is not None:
                stopped = f"login failed: {failed}"
            elif agreed:
                applier = Applier(
                    browser, flow_set.vocabulary, given.plan.platforms, options.target.pace(options.pace), deadline, say
                )
                applier.run(agreed)
            applied = applied_record(
                given.plan,
                agreed,
                applier,
                kind=kind,
                started=started,
                finished=now(),
                target=options.target.label,
                source=str(given.path),
                checklist=given.checklist,
                flows=[Source(id=f.id, sha256=f.sha256, checked_on=str(f.spec.checked_on)) for f in flow_set.flows],
                writes_blocked=len(browser.network.log.blocked),
                blocked=list(browser.network.log.blocked),
                stopped=stopped,
            )
            applied.complete = applied.stopped is None and all(
                c.status in ("verified", "dropped", "declined") for c in applied.changes
            )
            record.save(out / name, applied)  # before the browser closes
            history_error = _record_in_history(applied, browser.context.cookies(), options)
        if given.findings is not None:
            marks = write_marks(applied) if given.reversed is None else write_marks(given.reversed, undone=applied)
            write_report(given.findings, out, evidence_root=given.findings_path.parent, applied=marks)
        else:
            source = given.reversed.source
            say(f"the report was not rewritten: the findings of that apply ({source}) are gone or unreadable")
    if history_error is not None:
        raise history_error  # apply.json and the report are written: exit 1
    return applied


def _record_in_history(applied: record.Applied, cookies: list[dict], options: Options):
    """The changes made, in the history of runs: the next audit says "by auditor apply". The error, if any."""
    from auditor.history import HistoryError, record_apply
    from auditor.history.record import Applied as Made

    made = [Made(c.setting, c.before, c.after, c.time or "") for c in applied.changes if c.changed]
    if options.history is None or not made:
        return None
    try:
        record_apply(options.history, cookies, applied.target, made)
    except HistoryError as exc:
        return exc
    return None


def summary(applied: record.Applied) -> list[str]:
    """What happened, a line per change that was agreed to, and the count of writes."""
    lines = [
        f"{c.setting}: {c.status.replace('_', ' ')}" + (f" ({c.detail})" if c.detail else "")
        for c in applied.changes
        if c.status != "declined"
    ]
    lines.append(f"writes sent: {applied.writes_sent}, blocked: {applied.writes_blocked}")
    if applied.stopped:
        lines.append(f"stopped: {applied.stopped}")
    return lines
