"""The apply stage from its inputs to its files: plan, consent, a guarded browser, apply.json, the report.

`plan_apply` / `plan_undo` read the input and build the plan with no browser; `run_plan` checks
that the input is of this site, opens a guarded browser for the plan's platforms (a saved session
or a test account's login, as an audit gets in), checks that it is logged in to the input's account
(apply/account.py), makes the changes the person agreed to, and writes apply.json (undo.json) and
report.html: the audit with each changed finding marked and its counts those after the changes
(after an undo: each one put back, so the report beside apply.json no longer says a setting is
changed when it is not). Then it says what happened, in words (apply/words.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from auditor import results
from auditor.apply import account as accounts
from auditor.apply import plan as plans
from auditor.apply import record
from auditor.apply.marks import made_by
from auditor.apply.runner import Applier, applied_record
from auditor.apply.schema import load_changes
from auditor.apply.words import Words
from auditor.browser import Opened
from auditor.errors import InputError, say
from auditor.files import check_output_dir, claimed
from auditor.history import default_path
from auditor.options import FlowSet, Options
from auditor.report import write_report
from auditor.rerun import FINDINGS
from auditor.results import Account, Findings, Source, now
from auditor.visit import open_visit


@dataclass(frozen=True)
class Input:
    """What a plan came from: the findings of an audit, or the apply.json an undo reverses."""

    path: Path
    plan: plans.Plan
    findings: Findings | None = None  # the report's: the audit's (an undo's if that apply's are found)
    checklist: Source | None = None
    reversed: record.Applied | None = None  # the apply an undo reverses
    findings_path: Path | None = None  # where `findings` came from (the report's screenshots are beside it)
    account: Account | None = None  # whose account the input says it is (None: an older file does not say)

    def words(self, vocabulary, lang: str | None = None) -> Words:
        """What apply says of this plan in the terminal, in the report's language."""
        return Words(self.plan, vocabulary, self.findings, lang, undo=self.reversed is not None)


def plan_apply(findings_path: Path, flow_set: FlowSet, only: list[str] | None = None) -> Input:
    findings = results.read(findings_path, Findings)
    plan = plans.from_findings(findings, load_changes(flow_set.flows), only)
    path = Path(findings_path)
    return Input(path, plan, findings, findings.checklist, findings_path=path, account=findings.run.account)


def plan_undo(applied_path: Path, flow_set: FlowSet) -> Input:
    applied = record.load(applied_path)
    plan = plans.from_applied(applied, load_changes(flow_set.flows))
    findings_path = _findings_of(applied, Path(applied_path))
    try:
        findings = results.read(findings_path, Findings) if findings_path is not None else None
    except InputError:  # the undo does not wait on the report: it says the report was not rewritten
        findings = None
    return Input(Path(applied_path), plan, findings, applied.checklist, applied, findings_path, applied.account)


def _findings_of(applied: record.Applied, applied_path: Path) -> Path | None:
    """The findings.json the apply started from: beside apply.json (where apply writes by default),
    or where the apply named it; None when it is in neither place any more."""
    source = Path(applied.source)
    for path in (applied_path.parent / source.name, source):
        if path.is_file():
            return path
    return None


def run_plan(
    given: Input,
    agreed: list[plans.Planned],
    out: Path,
    options: Options,
    say=say,
    *,
    any_account: bool = False,
    words: Words | None = None,
    opened: Opened | None = None,
) -> record.Applied:
    """Make the agreed changes; apply.json (or undo.json) is written whatever happens, then the marked report.

    A file of another site or account is bad input, before any change (apply/account.py); `any_account`
    lets a file that does not say whose it is through. `words` says a line per change. The browser is
    launched unless one is `opened` already (the demo's). When the person agreed to no change, no browser
    opens and nothing logs in: apply.json lists every change declined."""
    kind = "undo" if given.reversed is not None else "apply"
    name = record.APPLY_JSON if kind == "apply" else record.UNDO_JSON
    history = options.history or default_path()  # its key names the account, recorded or not
    key = accounts.check_file(given.path, given.account, options.target, history, any_account)
    check_output_dir(out)
    started, history_error = now(), None

    def done(applier: Applier | None, stopped: str | None, account: Account | None, blocked: list) -> record.Applied:
        applied = applied_record(
            given.plan,
            agreed,
            applier,
            kind=kind,
            started=started,
            finished=now(),
            target=options.target.label,
            account=account,
            source=str(given.path),
            checklist=given.checklist,
            flows=[Source(id=f.id, sha256=f.sha256, checked_on=str(f.spec.checked_on)) for f in options.flow_set.flows],
            writes_blocked=len(blocked),
            blocked=list(blocked),
            stopped=stopped,
        )
        applied.complete = applied.stopped is None and all(
            c.status in ("verified", "dropped", "declined") for c in applied.changes
        )
        record.save(out / name, applied)
        return applied

    with claimed(out):
        if not agreed:  # every change declined: no browser, no login
            applied = done(None, None, None, [])
        else:  # an audit's way in: the same guard, session rules, time limit and Ctrl-C; no screenshots are kept
            no_shots = replace(options, evidence=False)
            with open_visit(no_shots, given.plan.platforms, out, opened=opened, say=say) as visit:
                cookies = visit.cookies()  # which account this is, taken once: the browser may be gone at the end
                applier, account, stopped = None, None, None
                if visit.login_failed is not None:
                    stopped = f"login failed: {visit.login_failed}"
                else:  # before the first change: is the browser in the file's account?
                    account, stopped = accounts.check_logged_in(
                        given.path, given.account, cookies, options.target.site, key
                    )
                if stopped is None:
                    applier = Applier(visit, words.progress if words is not None else None)
                    applier.run(agreed)
                applied = done(applier, stopped, account, visit.network.log.blocked)  # before the browser closes
                history_error = _record_in_history(applied, cookies, options)
        if given.findings is not None:
            made = made_by(applied) if given.reversed is None else made_by(given.reversed, undone=applied)
            marked = given.findings.model_copy(update={"made": made})  # the report's changes, kept beside it
            results.write(out / FINDINGS, marked)
            write_report(marked, out, evidence_root=given.findings_path.parent, lang=options.lang)
        else:
            source = given.reversed.source
            say(f"the report was not rewritten: the findings of that apply ({source}) are gone or unreadable")
    if history_error is not None:
        raise history_error  # apply.json and the report are written: exit 1
    return applied


def _record_in_history(applied: record.Applied, cookies: list[dict], options: Options):
    """The changes made, in the history of runs: the next audit says "by auditor apply" (or undo). The error, if any."""
    from auditor.history import HistoryError, record_apply
    from auditor.history.record import Applied as Made

    made = [Made(c.setting, c.before, c.after, c.time or "") for c in applied.changes if c.changed]
    if options.history is None or not made:
        return None
    try:
        record_apply(options.history, cookies, options.target.site, made, kind=applied.kind)
    except HistoryError as exc:
        return exc
    return None


def summary(given: Input, applied: record.Applied, out: Path, words: Words) -> str:
    """The closing summary in words: what was changed and verified, what not and why, what is left for the
    person, and where apply.json (undo.json) and the marked report are."""
    name = record.APPLY_JSON if applied.kind == "apply" else record.UNDO_JSON
    return words.summary(applied, out / name, out / "report.html" if given.findings is not None else None)
