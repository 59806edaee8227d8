"""The commands of an audit: demo, doctor, login, observe, evaluate, report and run.

Each parses, calls a stage (auditor.stages) and says where the result is; heavy modules
(Playwright, Jinja2, the replica) load inside the commands, so `auditor --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.cli.app import (
    BrowserPath,
    Connect,
    FlowIds,
    Lang,
    OptionLists,
    Pace,
    Platform,
    ReplicaRoute,
    Timeout,
    _flow_set,
    _replica_url,
    _seconds,
    app,
)
from auditor.cli.cohort import Shard, run_accounts
from auditor.cli.exits import FailOn, budget, drift_exit_code, finish, moved, render_drift
from auditor.cli.history import HistoryFile, HistoryName, NoHistory, history_file
from auditor.errors import EXIT_INCOMPLETE
from auditor.shown import echo


# ---------------------------------------------------------------------- demo and doctor
@app.command()
def demo(
    out: Annotated[
        Optional[Path],
        typer.Option("-o", "--out", help="Folder for the report (default reports/demo, or reports/demo-applied)."),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Then make every recommended change a web page can make, and audit again.")
    ] = False,
    browser_path: BrowserPath = None,
    lang: Lang = None,
    history: HistoryFile = None,
    no_history: NoHistory = False,
    variation: Annotated[
        Optional[int],
        typer.Option(min=0, help="Show every setting in a pattern drawn by this seed (written to OUT/variation.txt)."),
    ] = None,
    flow: FlowIds = None,
) -> None:
    """Audit the bundled replica's demo account end to end and write a report."""
    from auditor.demo import PLATFORMS, run_demo
    from auditor.history import default_path

    out = out or Path("reports/demo-applied" if apply else "reports/demo")
    # A history of its own by default: the demo's accounts are the replica's, not the person's.
    recorded_in = history_file(history, no_history, default=default_path().with_name("demo-history.sqlite"))
    done = run_demo(
        out,
        browser_path=browser_path,
        lang=lang and lang.value,
        history=recorded_in,
        apply=apply,
        variation=variation,
        flow_set=_flow_set(PLATFORMS, flow),
    )
    echo(done.report)
    if done.stopped is not None:
        echo(f"auditor: error: the demo did not finish: {done.stopped}", err=True)
        raise typer.Exit(EXIT_INCOMPLETE)


@app.command()
def doctor(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder to check.")] = Path("reports"),
    browser_path: BrowserPath = None,
) -> None:
    """Check that auditor can run here: browser, package data, output folder."""
    from auditor.doctor import run_checks

    if not run_checks(out, browser_path):
        raise typer.Exit(EXIT_INCOMPLETE)


# ---------------------------------------------------------------------- login
@app.command()
def login(
    platform: Annotated[Platform, typer.Argument(help="facebook or instagram.")],
    replica: Annotated[
        Optional[str],
        typer.Option(
            callback=_replica_url, help="Log in on this server (a replica, https://HOST:PORT) instead of the real site."
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(callback=_seconds(1), help="Seconds to wait for you to finish logging in.")
    ] = 600,
    browser_path: BrowserPath = None,
) -> None:
    """Open a browser window, log in by hand (2FA and checks included), and save the session for later audits."""
    from auditor.session.login import login_by_hand
    from auditor.target import Target

    echo(login_by_hand(platform.value, target=Target(replica), browser_path=browser_path, timeout_s=timeout))


# ---------------------------------------------------------------------- the stages
@app.command()
def observe(
    platforms: Annotated[list[Platform], typer.Argument(help="facebook and/or instagram.")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Where to write observations.json (evidence goes beside it).")
    ] = Path("observations.json"),
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    trace: Annotated[
        bool, typer.Option(help="Also write a Playwright trace (trace.zip) beside the observations.")
    ] = False,
    evidence: Annotated[bool, typer.Option(help="Save a screenshot of each page, personal details masked.")] = True,
    option_lists: OptionLists = False,
    pace: Pace = None,
    timeout: Timeout = None,
    browser_path: BrowserPath = None,
    connect: Connect = None,
    flow: FlowIds = None,
) -> None:
    """Read every setting the flows know, read-only, and write observations.json."""
    from auditor import stages

    chosen = [p.value for p in platforms]
    options = _options(
        replica,
        session=session,
        trace=trace,
        evidence=evidence,
        option_lists=option_lists,
        browser_path=browser_path,
        pace=pace,
        connect=connect,
        timeout=timeout,
        flow_set=_flow_set(chosen, flow),
    )
    finish(stages.observe(chosen, out, options))


@app.command()
def evaluate(
    observations: Annotated[Path, typer.Argument(help="observations.json from `auditor observe`.")],
    checklist: Annotated[
        str, typer.Option(help="A shipped checklist (default, ai-training, at-risk) or a YAML file.")
    ] = "default",
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write findings.json.")] = Path("findings.json"),
    fail_on: FailOn = None,
) -> None:
    """Compare observations with a checklist and write findings.json (offline)."""
    from auditor import rerun

    echo(rerun.evaluate_file(observations, checklist, out))
    budget(fail_on, out)


@app.command()
def report(
    findings: Annotated[Path, typer.Argument(help="findings.json from `auditor evaluate`.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for report.html, report.md, junit.xml.")] = Path("."),
    template_dir: Annotated[Optional[Path], typer.Option(help="Templates that override the built-in ones.")] = None,
    lang: Lang = None,
    single_file: Annotated[
        bool, typer.Option("--single-file", help="Screenshots inside report.html, not in evidence/: one file, larger.")
    ] = False,
    fail_on: FailOn = None,
) -> None:
    """Write the report from findings.json (offline)."""
    from auditor import rerun

    echo(rerun.report_file(findings, out, template_dir, lang=lang and lang.value, single_file=single_file))
    budget(fail_on, findings)


@app.command()
def run(
    platforms: Annotated[
        Optional[list[Platform]],
        typer.Argument(help="facebook and/or instagram (with --accounts: from the file).", show_default=False),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            help="Folder for every file of the run (with --accounts: a folder per account, and the summary).",
        ),
    ] = Path("reports/latest"),
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    checklist: Annotated[str, typer.Option(help="A shipped checklist or a YAML file.")] = "default",
    trace: Annotated[bool, typer.Option(help="Also write a Playwright trace.")] = False,
    option_lists: OptionLists = False,
    pace: Pace = None,
    timeout: Timeout = None,
    baseline: Annotated[
        Optional[Path], typer.Option(help="Compare the pages with this baseline (CI smoke check); exit 3 on drift.")
    ] = None,
    browser_path: BrowserPath = None,
    connect: Connect = None,
    accounts: Annotated[
        Optional[Path],
        typer.Option(
            help=(
                "Audit every account of this YAML file (name, platforms, "
                "and a session file or the environment variables holding its login)."
            )
        ),
    ] = None,
    workers: Annotated[
        Optional[int], typer.Option(min=1, help="With --accounts: how many accounts to audit at a time (default 4).")
    ] = None,
    shard: Shard = None,
    lang: Lang = None,
    history: HistoryFile = None,
    no_history: NoHistory = False,
    name: HistoryName = None,
    fail_on_change: Annotated[
        bool,
        typer.Option(
            "--fail-on-change",
            help="Exit 3 when a setting's value moved away from the last recorded run's (CI, test accounts).",
        ),
    ] = False,
    fail_on: FailOn = None,
    flow: FlowIds = None,
) -> None:
    """Observe, evaluate and report in one go, into one folder (or, with --accounts, one folder per account)."""
    recorded_in = history_file(history, no_history)
    if fail_on_change and recorded_in is None:
        raise typer.BadParameter("needs the history (drop --no-history)", param_hint="--fail-on-change")
    if accounts is not None:
        for given, hint in (
            (platforms, "PLATFORMS"),
            (session, "--session"),
            (baseline, "--baseline"),
            (fail_on_change, "--fail-on-change"),
            (name, "--name"),
        ):
            if given:
                raise typer.BadParameter(
                    "does not go with --accounts (each account's entry in the file says it)", param_hint=hint
                )
    elif not platforms:
        raise typer.BadParameter("give facebook and/or instagram, or --accounts FILE", param_hint="PLATFORMS")
    else:
        for given, hint in ((workers, "--workers"), (shard, "--shard")):
            if given is not None:
                raise typer.BadParameter("goes with --accounts FILE", param_hint=hint)
    chosen = [p.value for p in platforms] if accounts is None else ["facebook", "instagram"]
    options = _options(
        replica,
        session=session,
        checklist=checklist,
        trace=trace,
        option_lists=option_lists,
        browser_path=browser_path,
        pace=pace,
        connect=connect,
        timeout=timeout,
        lang=lang and lang.value,
        history=recorded_in,
        history_names=(name,) if name else (),
        flow_set=_flow_set(chosen, flow),
    )
    if accounts is not None:
        run_accounts(accounts, out, fail_on, shard, options, workers or 4)  # exits

    from auditor import stages

    done = stages.run(chosen, out, options, baseline)
    echo(out / "report.html")
    if done.drift is not None:
        echo(render_drift(done.drift))
    finish(done.observations)
    if done.drift is not None and drift_exit_code(done.drift):
        raise typer.Exit(drift_exit_code(done.drift))
    if fail_on_change:
        moved(done.since)
    budget(fail_on, done.findings)


def _options(replica: str | None, *, timeout: float | None = None, **given):
    """The run's options (auditor.options.Options); the time limit's default is theirs."""
    from auditor.options import DEFAULT_TIMEOUT, Options
    from auditor.target import Target

    return Options(target=Target(replica), timeout=timeout or DEFAULT_TIMEOUT, **given)
