"""The summary of a run over many accounts: a row per account, a row per check, and summary.json / summary.html."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from auditor import results
from auditor.cohort.accounts import Account
from auditor.files import write_atomic
from auditor.i18n import LANGUAGES, SOURCE, checklist_title, failure_titles, language_of
from auditor.models import Frozen
from auditor.results import Severity, Source
from auditor.spec import Loaded

SUMMARY_JSON, SUMMARY_HTML = "summary.json", "summary.html"
TOP_FAILURES = 5
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


class Failure(Frozen):
    check: str
    title: str
    severity: Severity


class AccountRow(Frozen):
    """One account in the summary: how its audit ended, and what it found."""

    name: str
    position: int = Field(ge=1)  # its place in the accounts file, from 1 (a shard's rows are merged back in this order)
    platforms: list[str]
    status: Literal["complete", "incomplete", "failed"]  # incomplete: stopped (login, checkpoint); failed: crashed
    reason: str = ""  # why it did not finish, and what to do
    counts: dict[str, int] = {}  # findings per status: fail, pass, unknown, manual, not_applicable
    score: int | None = None
    top_failures: list[Failure] = []  # most severe first
    writes_sent: int = 0
    writes_blocked: int = 0


class CheckRow(Frozen):
    """One check across the accounts: which fail it."""

    check: str
    title: str  # the failure title: what to do
    severity: Severity
    category: str
    failing: list[str]  # account names
    passing: int
    unknown: int
    failing_before: int | None = None  # how many of them failed it at their previous recorded run (None: no history)


class Shard(Frozen):
    """Which share of the accounts file a run audited (`run --accounts FILE --shard INDEX/COUNT`)."""

    index: int = Field(ge=1)
    count: int = Field(ge=1)
    listed: int = Field(ge=0)  # how many accounts the whole file lists

    @model_validator(mode="after")
    def _one_of_count(self):
        if self.index > self.count:
            raise ValueError(f"shard {self.index} of {self.count}: the index is at most the count")
        return self


class Summary(Frozen):
    schema_version: int = results.SCHEMA_VERSION
    kind: Literal["summary"] = "summary"
    tool_version: str
    started: str
    finished: str
    target: str
    browser: str
    workers: int
    checklist: Source
    accounts: list[AccountRow]
    checks: list[CheckRow]  # most often failing first
    shard: Shard | None = None  # None: every account of the file (a run without --shard, or shards merged)

    @property
    def exit_code(self) -> int:
        return 0 if all(row.status == "complete" for row in self.accounts) else 1


def account_row(
    account: Account, observations: results.Observations, findings: results.Findings, reason: str
) -> AccountRow:
    """The row of an account whose audit got as far as findings; `reason` says why it stopped early, if it did."""
    counts = {
        status: sum(f.status == status for f in findings.findings)
        for status in ("fail", "pass", "unknown", "manual", "not_applicable")
    }
    failures = sorted(
        (f for f in findings.findings if f.status == "fail"), key=lambda f: SEVERITY_ORDER.index(f.severity)
    )
    return AccountRow(
        name=account.name,
        position=account.position,
        platforms=account.platforms,
        status="complete" if observations.run.complete else "incomplete",
        reason=reason,
        counts=counts,
        score=findings.overall.score,
        top_failures=[Failure(check=f.check, title=f.title, severity=f.severity) for f in failures[:TOP_FAILURES]],
        writes_sent=observations.run.writes_sent,
        writes_blocked=observations.run.writes_blocked,
    )


def failed_row(account: Account, reason: str) -> AccountRow:
    """The row of an account that crashed or was never audited."""
    return AccountRow(
        name=account.name, position=account.position, platforms=account.platforms, status="failed", reason=reason
    )


def tally(
    checklist: Loaded, findings: dict[str, results.Findings], before: dict[str, frozenset[str]] | None = None
) -> list[CheckRow]:
    """Per check, the accounts that fail it; most often failed first, then the most severe, then checklist order.

    `findings`: per account, in the accounts file's order (the order `failing` names them in).
    `before`: per account with a previous recorded run, the checks it failed then (None: runs not recorded).
    """
    status = {name: {f.check: f.status for f in found.findings} for name, found in findings.items()}
    rows = [
        CheckRow(
            check=check.id,
            title=check.failure_title,
            severity=check.severity,
            category=check.category,
            failing=[name for name in findings if status[name].get(check.id) == "fail"],
            passing=sum(status[name].get(check.id) == "pass" for name in findings),
            unknown=sum(status[name].get(check.id) == "unknown" for name in findings),
            failing_before=sum(check.id in failed for failed in before.values()) if before is not None else None,
        )
        for check in checklist.spec.checks
    ]
    return most_failed_first(rows)


def most_failed_first(rows: list[CheckRow]) -> list[CheckRow]:
    """The checks' rows, given in checklist order: most often failed first, then the most severe (a stable sort)."""
    return sorted(rows, key=lambda row: (-len(row.failing), SEVERITY_ORDER.index(row.severity)))


def language_of_most(findings: dict[str, results.Findings]) -> str:
    """The summary's language by default: the one most audited accounts' pages were in."""
    languages = [language_of(found.run.locale) for found in findings.values()]
    return max(LANGUAGES, key=languages.count)


def write_summary(out: Path, summary: Summary, lang: str = SOURCE) -> Path:
    """summary.json and summary.html (what an organisation reads first), in `lang`; returns summary.html."""
    from auditor.report import environment

    results.write(out / SUMMARY_JSON, summary)
    from auditor.texts import stop_reason

    titles = failure_titles(summary.checklist.id, lang)  # the checks' words in `lang`, where the checklist has them
    reasons = {row.name: said for row in summary.accounts if row.reason and (said := stop_reason(row.reason, lang))}
    html = (
        environment(lang=lang)
        .get_template("summary.html.j2")
        .render(s=summary, titles=titles, checklist=checklist_title(summary.checklist, lang), reasons=reasons)
    )
    return write_atomic(out / SUMMARY_HTML, html)
