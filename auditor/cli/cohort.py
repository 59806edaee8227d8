"""Many accounts: `run --accounts FILE [--shard I/N]` (the `run` command hands it over here), and
`auditor summary DIR...`, which merges the shards' folders into one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.cli.app import Lang, app
from auditor.cli.exits import FailOn, cohort_budget
from auditor.shown import echo


def _shard(value: str | None) -> str | None:
    from auditor.cohort.shards import parse

    if value is not None:
        try:
            parse(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


Shard = Annotated[
    Optional[str],
    typer.Option(
        callback=_shard,
        metavar="I/N",
        help=(
            "With --accounts: audit shard I of N, the accounts at places I, I+N, I+2N, ... of the file "
            "(one job of a CI matrix); `auditor summary` merges the shards' folders."
        ),
        show_default=False,
    ),
]


def run_accounts(accounts: Path, out: Path, fail_on, shard: str | None, options, workers: int) -> None:
    """`run --accounts FILE` with the run's options (auditor.options.Options): a line per account and the summary's
    path; exit 1 if any account could not finish, else 4 if a failing check breaks --fail-on."""
    from auditor.cohort import run_cohort
    from auditor.cohort.shards import parse

    done = run_cohort(accounts, out, options, workers=workers, shard=parse(shard) if shard is not None else None)
    tell(done, out, fail_on)


def tell(summary, out: Path, fail_on) -> None:
    """A line per account, the summary's path, and the exit code: 1 if any account could not finish, else 4 if a
    failing check breaks --fail-on, else 0."""
    from auditor.cohort import SUMMARY_HTML

    for row in summary.accounts:
        counts = (
            f"{row.counts['fail']} to change, {row.counts['pass']} fine, {row.counts['unknown']} unknown"
            if row.counts
            else ""
        )
        echo("  ".join(part for part in (f"{row.name:<24}", f"{row.status:<10}", counts, row.reason) if part).rstrip())
    echo(out / SUMMARY_HTML)
    if summary.exit_code == 0:
        cohort_budget(fail_on, summary)
    raise typer.Exit(summary.exit_code)


@app.command()
def summary(
    folders: Annotated[
        list[Path], typer.Argument(help="The folders of `run --accounts FILE --shard I/N`, one per shard.")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", help="Folder for the merged summary.html and summary.json, and a copy of each account's."
        ),
    ],
    checklist: Annotated[
        Optional[str],
        typer.Option(help="The shards' checklist, when it is a file of your own (a shipped one is found by itself)."),
    ] = None,
    lang: Lang = None,
    fail_on: FailOn = None,
) -> None:
    """Merge the folders of a run split into shards (run --accounts FILE --shard I/N) into one summary."""
    from auditor.cohort.shards import merge

    merged = merge(folders, out, lang=lang and lang.value, checklist=checklist)
    tell(merged, out, fail_on)
