"""How a command that wrote its files ends: exit 1 when the run could not finish, 3 on drift or a moved
value (CI), 4 when a failing check breaks the `--fail-on` budget. When several hold, the first of
them in that order is the exit code; each says why in one line on stderr.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.errors import EXIT_DRIFT, EXIT_FAIL_ON, EXIT_INCOMPLETE
from auditor.shown import echo

SHOWN = 5  # failing checks named in the line; the report lists them all


class Level(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    any = "any"


FailOn = Annotated[
    Optional[Level],
    typer.Option(
        "--fail-on",
        help=(
            "A budget for CI: exit 4 when a check of this severity or a graver one fails "
            "(critical, high, medium, low; any: every failing check). The files are written first."
        ),
        show_default=False,
    ),
]


def finish(observations) -> None:
    """Exit 1 with what to do when the run could not finish; the files are written already."""
    from auditor.outcome import stop_message

    message = stop_message(observations)
    if message is not None:
        echo(f"auditor: error: {message}", err=True)
        raise typer.Exit(EXIT_INCOMPLETE)


def render_drift(found) -> str:
    from auditor.drift_report import render

    return render(found)


def drift_exit_code(found) -> int:
    """3 drift, 1 pages not compared, 0 none."""
    if found.changes:
        return EXIT_DRIFT
    return EXIT_INCOMPLETE if found.not_compared else 0


def moved(since) -> None:
    """`--fail-on-change`: exit 3 when a value moved since the last recorded run."""
    if since is not None and since.moved:
        from auditor import i18n, values

        said = "; ".join(
            f"{c.title or values.label(c.setting)}: {values.shown(c.setting, c.before)} -> "
            f"{values.shown(c.setting, c.after)}"
            for c in since.moved
        )
        echo(f"auditor: changed since the last run ({i18n.day(since.previous, i18n.SOURCE)}): {said}", err=True)
        raise typer.Exit(EXIT_DRIFT)


def budget(level: Level | None, findings) -> None:
    """`--fail-on LEVEL`: exit 4 when a failing check of the run (Findings, or a findings.json) breaks it."""
    if level is None:
        return
    from auditor import results
    from auditor.budget import over_budget

    if isinstance(findings, Path):
        findings = results.read(findings, results.Findings)
    _broken(level, over_budget(findings, level.value))


def cohort_budget(level: Level | None, summary) -> None:
    """`run --accounts --fail-on LEVEL`: exit 4 when any account fails a check that breaks it."""
    if level is None:
        return
    from auditor.budget import over

    failing = [(row.severity, f"{row.title} ({_accounts(len(row.failing))})") for row in summary.checks if row.failing]
    _broken(level, over(level.value, failing))


def _accounts(count: int) -> str:
    return f"{count} account" if count == 1 else f"{count} accounts"


def _broken(level: Level, titles: list[str]) -> None:
    if not titles:
        return
    severity = "any severity" if level is Level.any else f"{level.value} severity or graver"
    named = "; ".join(titles[:SHOWN]) + (f"; and {len(titles) - SHOWN} more" if len(titles) > SHOWN else "")
    echo(f"auditor: --fail-on {level.value}: {len(titles)} failing check(s) of {severity}: {named}", err=True)
    raise typer.Exit(EXIT_FAIL_ON)
