"""`auditor history`, and the options that say where runs are recorded (`--history PATH`, `--no-history`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.cli.app import app
from auditor.errors import AuditorError, InputError
from auditor.shown import echo

HistoryFile = Annotated[
    Optional[Path],
    typer.Option(
        "--history",
        help=(
            "The history database runs are recorded in "
            "(default: history.sqlite in auditor's user data folder, or auditor.toml's history)."
        ),
    ),
]
NoHistory = Annotated[bool, typer.Option("--no-history", help="Do not record this run in the history.")]
HistoryName = Annotated[
    Optional[str],
    typer.Option(
        "--name",
        help="A name to find this account by in `auditor history --account` (kept only as a keyed hash).",
        show_default=False,
    ),
]


def history_file(history: Path | None, no_history: bool, default: Path | None = None) -> Path | None:
    """Where a run is recorded: --history, else `default` (the user's history); None with --no-history."""
    from auditor.cli.app import from_config
    from auditor.history import default_path

    if no_history:
        if history is not None and not from_config("history"):  # auditor.toml's history gives way to --no-history
            raise typer.BadParameter("--history and --no-history do not go together", param_hint="--no-history")
        return None
    return history or default or default_path()


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: give YYYY-MM-DD") from None


@app.command()
def history(
    history: HistoryFile = None,
    account: Annotated[
        Optional[str],
        typer.Option(help="Only this account: its pseudonym (or its start), or a name it was audited under."),
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(callback=_date, help="Only runs from this day on (YYYY-MM-DD).")
    ] = None,
    export: Annotated[
        Optional[Path],
        typer.Option(
            help="Write every recorded setting and finding to this file (pseudonymous): CSV, or JSON for a .json name."
        ),
    ] = None,
) -> None:
    """What changed on your accounts between audits: per run the counts, then each change since the run before."""
    from auditor.files import check_output_file, write_atomic
    from auditor.history.export import export as exported
    from auditor.history.timeline import UnknownAccount, timeline

    if export is not None:
        check_output_file(export, "--export")
    path = history_file(history, False)
    if not path.is_file():
        raise InputError(f"{path}:1: --history: no history here yet (`auditor run` records one)")
    try:
        if export is None:
            echo("\n".join(timeline(path, account, since)))
            return
        text = exported(path, export, account, since)
    except UnknownAccount as exc:
        raise InputError(f"{path}:1: --account: {exc}") from None
    try:
        write_atomic(export, text)
    except AuditorError as exc:  # a file the person named that cannot be written: bad input, nothing written
        raise InputError(f"{export}:1: --export: {exc}") from None
    echo(export)
