"""The command line: parse, call a stage, map errors to exit codes (0 done, 1 incomplete, 2 bad input, 3 drift).

Kept thin and quick to import: heavy modules (Playwright, Jinja2, the replica) load inside commands.
"""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer._click import exceptions as click_exceptions  # typer vendors click; its usage errors live here

from auditor import __version__
from auditor.errors import EXIT_BAD_INPUT, EXIT_DRIFT, EXIT_INCOMPLETE, AuditorError, InputError

app = typer.Typer(
    help="Audit your own Facebook and Instagram privacy and AI-training settings, read-only, and get a report that says what to change.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
)
flows_app = typer.Typer(help="Check and write flows (how each settings page is read).", no_args_is_help=True)
replica_app = typer.Typer(help="The bundled replica of Meta's settings pages, for trying auditor without an account.", no_args_is_help=True)
app.add_typer(flows_app, name="flows")
app.add_typer(replica_app, name="replica")


EXIT_INTERRUPTED = 130  # what typer returns for a KeyboardInterrupt that ended a command


class Platform(str, Enum):
    facebook = "facebook"
    instagram = "instagram"


# Options checked while the command line is parsed, before any work is done.
def _seconds(minimum: float):
    """A callback refusing what is not a number of seconds from `minimum` on (typer's own range check lets inf and nan in)."""
    def check(value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and value >= minimum):
            raise typer.BadParameter(f"give a number of seconds, {minimum:g} or more")
        return value
    return check


def _replica_url(value: str | None) -> str | None:
    from auditor.target import check_replica_url

    if value is not None:
        check_replica_url(value)
    return value


def _connect_url(value: str | None) -> str | None:
    from auditor.browser import check_connect

    if value is not None:
        check_connect(value)
    return value


BrowserPath = Annotated[Optional[str], typer.Option("--browser-path", help="Chromium or Chrome to use (default: AUDITOR_BROWSER, Playwright's, then the system's).")]
Pace = Annotated[Optional[float], typer.Option(callback=_seconds(0), help="Seconds between page loads, for the account's sake (default: 2.5 on Meta's sites, 0 on a replica).")]
Connect = Annotated[Optional[str], typer.Option(callback=_connect_url, help="Use a browser that runs elsewhere: ws://HOST:PORT/ (a Playwright server) or http://HOST:PORT (a Chromium DevTools endpoint). With --replica, that browser must itself resolve Meta's host names to the replica.")]
Timeout = Annotated[Optional[float], typer.Option(callback=_seconds(1), help="The longest the audit may take, in seconds (default 900); pages not read by then are marked timeout.")]
ReplicaRoute = Annotated[Optional[str], typer.Option("--replica", callback=_replica_url, help="Route every Meta host to this server (a replica, https://HOST:PORT) instead of the real sites.")]


def _version(value: bool) -> None:
    if value:
        print(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    """Audit your own Facebook and Instagram privacy settings."""


# ---------------------------------------------------------------------- demo and doctor
@app.command()
def demo(
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the report.")] = Path("reports/demo"),
    browser_path: BrowserPath = None,
) -> None:
    """Audit the bundled replica's demo account end to end and write a report."""
    from auditor import stages

    print(stages.demo(out, browser_path=browser_path))


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
    replica: Annotated[Optional[str], typer.Option(callback=_replica_url, help="Log in on this server (a replica, https://HOST:PORT) instead of the real site.")] = None,
    timeout: Annotated[float, typer.Option(callback=_seconds(1), help="Seconds to wait for you to finish logging in.")] = 600,
    browser_path: BrowserPath = None,
) -> None:
    """Open a browser window, log in by hand (2FA and checks included), and save the session for later audits."""
    from auditor.session import login_by_hand
    from auditor.target import Target

    print(login_by_hand(platform.value, target=Target(replica), browser_path=browser_path, timeout_s=timeout))


# ---------------------------------------------------------------------- the stages
@app.command()
def observe(
    platforms: Annotated[list[Platform], typer.Argument(help="facebook and/or instagram.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write observations.json (evidence goes beside it).")] = Path("observations.json"),
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    trace: Annotated[bool, typer.Option(help="Also write a Playwright trace (trace.zip) beside the observations.")] = False,
    evidence: Annotated[bool, typer.Option(help="Save a screenshot of each page, personal details masked.")] = True,
    pace: Pace = None,
    timeout: Timeout = None,
    browser_path: BrowserPath = None,
    connect: Connect = None,
) -> None:
    """Read every setting the flows know, read-only, and write observations.json."""
    from auditor import stages

    options = _options(replica, session=session, trace=trace, evidence=evidence, browser_path=browser_path, pace=pace,
                       connect=connect, timeout=timeout)
    _finish(stages.observe([p.value for p in platforms], out, options))


@app.command()
def evaluate(
    observations: Annotated[Path, typer.Argument(help="observations.json from `auditor observe`.")],
    checklist: Annotated[str, typer.Option(help="A shipped checklist (default, ai-training, at-risk) or a YAML file.")] = "default",
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write findings.json.")] = Path("findings.json"),
) -> None:
    """Compare observations with a checklist and write findings.json (offline)."""
    from auditor import stages

    print(stages.evaluate_file(observations, checklist, out))


@app.command()
def report(
    findings: Annotated[Path, typer.Argument(help="findings.json from `auditor evaluate`.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for report.html, report.md and junit.xml.")] = Path("."),
    template_dir: Annotated[Optional[Path], typer.Option(help="Templates that override the built-in ones.")] = None,
) -> None:
    """Write the report from findings.json (offline)."""
    from auditor import stages

    print(stages.report_file(findings, out, template_dir))


@app.command()
def run(
    platforms: Annotated[Optional[list[Platform]], typer.Argument(help="facebook and/or instagram (with --accounts: from the file).", show_default=False)] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for every file of the run (with --accounts: a folder per account, and the summary).")] = Path("reports/latest"),
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    checklist: Annotated[str, typer.Option(help="A shipped checklist or a YAML file.")] = "default",
    trace: Annotated[bool, typer.Option(help="Also write a Playwright trace.")] = False,
    pace: Pace = None,
    timeout: Timeout = None,
    baseline: Annotated[Optional[Path], typer.Option(help="Compare the pages with this baseline (CI smoke check); exit 3 on drift.")] = None,
    browser_path: BrowserPath = None,
    connect: Connect = None,
    accounts: Annotated[Optional[Path], typer.Option(help="Audit every account of this YAML file (name, platforms, and a session file or the environment variables holding its login).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="With --accounts: how many accounts to audit at a time (default 4).")] = None,
) -> None:
    """Observe, evaluate and report in one go, into one folder (or, with --accounts, one folder per account)."""
    if accounts is not None:
        for given, name in ((platforms, "PLATFORMS"), (session, "--session"), (baseline, "--baseline")):
            if given:
                raise typer.BadParameter("does not go with --accounts (each account's entry in the file says it)", param_hint=name)
        _run_accounts(accounts, out, workers=workers or 4, checklist=checklist, target=_options(replica).target,
                      connect=connect, browser_path=browser_path, pace=pace, trace=trace, timeout=timeout)
    if not platforms:
        raise typer.BadParameter("give facebook and/or instagram, or --accounts FILE", param_hint="PLATFORMS")
    if workers is not None:
        raise typer.BadParameter("goes with --accounts FILE", param_hint="--workers")

    from auditor import stages

    options = _options(replica, session=session, trace=trace, browser_path=browser_path, pace=pace, connect=connect,
                       timeout=timeout)
    done = stages.run([p.value for p in platforms], out, options, checklist, baseline)
    print(out / "report.html")
    if done.drift is not None:
        print(render_drift(done.drift))
    _finish(done.observations)
    if done.drift is not None:
        raise typer.Exit(_drift_code(done.drift))


def _options(replica: str | None, *, timeout: float | None = None, **given):
    """The options of a browser run (auditor.stages.Options); the time limit's default is the stages'."""
    from auditor.stages import DEFAULT_TIMEOUT, Options
    from auditor.target import Target

    return Options(target=Target(replica), timeout=timeout or DEFAULT_TIMEOUT, **given)


def _run_accounts(accounts: Path, out: Path, **options) -> None:
    """`run --accounts FILE`: a line per account and the summary's path; exit 1 if any account could not finish."""
    from auditor.cohort import SUMMARY_HTML, run_cohort

    summary = run_cohort(accounts, out, **options)
    for row in summary.accounts:
        counts = f"{row.counts['fail']} to change, {row.counts['pass']} fine, {row.counts['unknown']} unknown" if row.counts else ""
        print("  ".join(part for part in (f"{row.name:<24}", f"{row.status:<10}", counts, row.reason) if part).rstrip())
    print(out / SUMMARY_HTML)
    raise typer.Exit(summary.exit_code)


def _finish(observations) -> None:
    """Exit 1 with what to do when the run could not finish; the files are written already."""
    from auditor.outcome import stop_message

    message = stop_message(observations)
    if message is not None:
        print(f"auditor: error: {message}", file=sys.stderr)
        raise typer.Exit(EXIT_INCOMPLETE)


# ---------------------------------------------------------------------- drift
baseline_app = typer.Typer(help="The baseline a CI smoke check compares against.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@app.command()
def drift(
    baseline: Annotated[Path, typer.Argument(help="observations.json of the baseline run.")],
    current: Annotated[Path, typer.Argument(help="observations.json of the run to check.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for drift.json and junit.xml.")] = Path("."),
) -> None:
    """Compare two runs' pages and settings; exit 3 when Meta changed something, 0 when not."""
    from auditor import stages

    found = stages.drift_files(baseline, current, out)
    print(render_drift(found))
    raise typer.Exit(_drift_code(found))


def render_drift(found) -> str:
    from auditor.drift import render

    return render(found)


def _drift_code(found) -> int:
    """3 drift, 1 pages not compared, 0 none."""
    if found.changes:
        return EXIT_DRIFT
    return EXIT_INCOMPLETE if found.not_compared else 0


@baseline_app.command("update")
def baseline_update(
    observations: Annotated[Path, typer.Argument(help="observations.json of a run whose pages are the new normal.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The baseline file to write.")] = Path("baseline.json"),
    force: Annotated[bool, typer.Option(help="Accept a run that could not read every page.")] = False,
) -> None:
    """Write a new baseline on purpose, after reviewing a drift."""
    from auditor import results
    from auditor.files import check_output_file, claimed

    loaded = results.read(observations, results.Observations)
    unread = [p.flow for p in loaded.pages if p.status != "ok"]
    if unread and not force:
        raise InputError(f"{observations}:1: pages: {len(unread)} page(s) were not read ({', '.join(unread[:3])}): "
                         "a baseline from them would hide drift (use --force to accept)")
    check_output_file(out)
    with claimed(out.parent):
        results.write(out, loaded.model_copy(update={"pages": [p.model_copy(update={"screenshot": None}) for p in loaded.pages]}))
    print(out)


# ---------------------------------------------------------------------- flows
@flows_app.command("check")
def flows_check(
    flows: Annotated[Optional[Path], typer.Option(help="Flows folder (default: the shipped flows).")] = None,
    checklists: Annotated[Optional[list[Path]], typer.Option("--checklist", help="Checklist files to check too (default: the shipped ones).")] = None,
) -> None:
    """Validate every flow and checklist, without a browser."""
    from auditor.consistency import check_all

    for line in check_all(flows, checklists):
        print(line)


@flows_app.command("inspect")
def flows_inspect(
    url: Annotated[str, typer.Argument(help="The page to show, e.g. https://www.facebook.com/settings/?tab=posts")],
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    browser_path: BrowserPath = None,
) -> None:
    """Print a page's aria snapshot: the roles and names a flow's locators use."""
    from auditor.stages import inspect_page
    from auditor.target import Target

    print(inspect_page(url, session=session, target=Target(replica), browser_path=browser_path))


# ---------------------------------------------------------------------- replica
@replica_app.command("serve")
def replica_serve(
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    seed_file: Annotated[Optional[Path], typer.Option(help="Accounts to seed (YAML, like auditor/replica/data/accounts.yml).")] = None,
    mutate: Annotated[Optional[list[str]], typer.Option(help="A drift or fault knob, KIND:TARGET[:ARG]; repeatable.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated class names.")] = 0,
) -> None:
    """Serve the replica until Ctrl-C."""
    from auditor.replica.knobs import Knob
    from auditor.replica.server import Replica

    knobs = [Knob.parse(m) for m in mutate or []]
    replica = Replica(accounts_file=seed_file, seed=seed, knobs=knobs)
    try:
        replica.start(port=port)
    except OSError as exc:  # the port is in use, or below 1024 for a user
        replica.stop()
        raise typer.BadParameter(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})", param_hint="'--port'") from None
    print(f"replica: {replica.url} (write log: {replica.url}/__replica/writes)", flush=True)
    print(f"try:     auditor run facebook instagram --replica {replica.url}  (with AUDITOR_EMAIL / AUDITOR_PASSWORD of a seeded account)", flush=True)
    try:
        import threading

        threading.Event().wait()
    except KeyboardInterrupt:
        replica.stop()


# ---------------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every expected failure is one line on stderr and an exit code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="auditor", standalone_mode=False)
    except click_exceptions.UsageError as exc:
        print(f"auditor: error: {exc.format_message()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except click_exceptions.ClickException as exc:
        print(f"auditor: error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        result = EXIT_INTERRUPTED
    if result == EXIT_INTERRUPTED:  # typer's code for a Ctrl-C that ended the command
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INCOMPLETE
    return result if isinstance(result, int) else 0


__all__ = ["app", "main", "InputError"]
