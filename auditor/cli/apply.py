"""`auditor apply`: the plan, the person's consent, the changes, and where the proof is written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.cli.app import BrowserPath, Pace, ReplicaRoute, Timeout, app
from auditor.cli.history import HistoryFile, NoHistory, history_file
from auditor.errors import EXIT_INCOMPLETE
from auditor.shown import echo


@app.command("apply")
def apply_command(
    findings: Annotated[
        Optional[Path], typer.Argument(help="findings.json of an audit (not with --undo).", show_default=False)
    ] = None,
    only: Annotated[
        Optional[list[str]], typer.Option("--only", help="Change only this check (repeatable).", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan and change nothing.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Apply the whole plan without asking (test accounts, CI).")
    ] = False,
    undo: Annotated[
        Optional[Path],
        typer.Option("--undo", help="Put back every setting this apply.json changed.", show_default=False),
    ] = None,
    out: Annotated[
        Optional[Path],
        typer.Option("-o", "--out", help="Folder for apply.json and the report (default: beside the input)."),
    ] = None,
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    pace: Pace = None,
    timeout: Timeout = None,
    browser_path: BrowserPath = None,
    history: HistoryFile = None,
    no_history: NoHistory = False,
    any_account: Annotated[
        bool,
        typer.Option(
            "--any-account",
            help="Apply a file that does not say whose account it is (an older auditor made it): "
            "make sure yourself that the browser is logged in to that account.",
        ),
    ] = False,
) -> None:
    """Make the changes an audit recommends, each with your consent, and read each one back."""
    from auditor.apply import plan as plans
    from auditor.apply import stage
    from auditor.cli.audit import _options
    from auditor.options import FlowSet

    if (findings is None) == (undo is None):
        raise typer.BadParameter("give the findings.json of an audit, or --undo APPLY_JSON", param_hint="FINDINGS")
    if undo is not None and only:
        raise typer.BadParameter("does not go with --undo", param_hint="--only")
    flow_set = FlowSet.load()
    given = stage.plan_undo(undo, flow_set) if undo is not None else stage.plan_apply(findings, flow_set, only)
    words = given.words(flow_set.vocabulary)
    echo(words.described().rstrip("\n"))
    if dry_run or not given.plan.changes:
        return
    agreed = plans.consent(given.plan, yes=yes, question=words.question)
    options = _options(
        replica,
        session=session,
        browser_path=browser_path,
        pace=pace,
        timeout=timeout,
        history=history_file(history, no_history),
        flow_set=flow_set,
    )
    folder = out or given.path.parent
    applied = stage.run_plan(given, agreed, folder, options, any_account=any_account, words=words)
    echo(stage.summary(given, applied, folder, words).rstrip("\n"))
    if not applied.complete:
        echo("auditor: error: not every change was made and verified; apply.json says why", err=True)
        raise typer.Exit(EXIT_INCOMPLETE)
