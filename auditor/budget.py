"""`--fail-on`: a budget for CI, as Lighthouse CI's assertions are. Pure: findings in, the failures over it out.

A budget names a severity; every failing check of that severity or a graver one breaks it, and the
command exits 4 (after writing everything it writes anyway). `any` is every failing check. A check
that could not be checked (unknown) or that only the person can answer (manual) never breaks it:
a run that could not read a page already exits 1.
"""

from __future__ import annotations

from typing import get_args

from auditor.results import Findings, Severity

SEVERITIES: tuple[str, ...] = get_args(Severity)  # gravest first: critical, high, medium, low, info
LEVELS = (*SEVERITIES[:-1], "any")  # what --fail-on takes


def counted(level: str) -> tuple[str, ...]:
    """The severities a budget of `level` counts: `high` counts critical and high."""
    return SEVERITIES if level == "any" else SEVERITIES[: SEVERITIES.index(level) + 1]


def over(level: str, failing: list[tuple[str, str]]) -> list[str]:
    """The titles of the failures, (severity, title), that break a budget of `level`; gravest first."""
    kept = [pair for pair in failing if pair[0] in counted(level)]
    return [title for _severity, title in sorted(kept, key=lambda pair: SEVERITIES.index(pair[0]))]


def over_budget(findings: Findings, level: str) -> list[str]:
    """The failing checks of a run that break a budget of `level`, by their failure titles."""
    return over(level, [(f.severity, f.title) for f in findings.findings if f.status == "fail"])
