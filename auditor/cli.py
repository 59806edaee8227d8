"""The command line: parse, call a stage, map errors to exit codes (0 done, 1 incomplete, 2 bad input, 3 drift).

Kept thin and quick to import: heavy modules (Playwright, Jinja2, the replica) load inside commands.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer._click import exceptions as click_exceptions  # typer vendors click; its usage errors live here

from auditor import __version__
from auditor.errors import EXIT_BAD_INPUT, EXIT_INCOMPLETE, AuditorError, InputError

app = typer.Typer(
    help="Audit your own Facebook and Instagram privacy and AI-training settings, read-only, and get a report that says what to change.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
)
flows_app = typer.Typer(help="Check and write flows (how each settings page is read).", no_args_is_help=True)
replica_app = typer.Typer(help="The bundled replica of Meta's settings pages, for trying auditor without an account.", no_args_is_help=True)
app.add_typer(flows_app, name="flows")
app.add_typer(replica_app, name="replica")


class Platform(str, Enum):
    facebook = "facebook"
    instagram = "instagram"


BrowserPath = Annotated[Optional[str], typer.Option("--browser-path", help="Chromium or Chrome to use (default: AUDITOR_BROWSER, Playwright's, then the system's).")]


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
    from auditor.demo import run_demo

    report = run_demo(out, browser_path=browser_path)
    print(report)


@app.command()
def doctor(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder to check.")] = Path("reports"),
    browser_path: BrowserPath = None,
) -> None:
    """Check that auditor can run here: browser, package data, output folder."""
    from auditor.doctor import run_checks

    if not run_checks(out, browser_path):
        raise typer.Exit(EXIT_INCOMPLETE)


# ---------------------------------------------------------------------- the stages
@app.command()
def observe(
    platforms: Annotated[list[Platform], typer.Argument(help="facebook and/or instagram.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write observations.json (evidence goes beside it).")] = Path("observations.json"),
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: Annotated[Optional[str], typer.Option(help="Route every Meta host to this server (a replica) instead of the real sites.")] = None,
    trace: Annotated[bool, typer.Option(help="Also write a Playwright trace (trace.zip) beside the observations.")] = False,
    evidence: Annotated[bool, typer.Option(help="Save a screenshot of each page, personal details masked.")] = True,
    browser_path: BrowserPath = None,
) -> None:
    """Read every setting the flows know, read-only, and write observations.json."""
    from auditor.audit import observe_to_file

    observations = observe_to_file([p.value for p in platforms], out, session=session, replica_url=replica,
                                   trace=trace, evidence=evidence, browser_path=browser_path)
    _finish(observations)


@app.command()
def evaluate(
    observations: Annotated[Path, typer.Argument(help="observations.json from `auditor observe`.")],
    checklist: Annotated[str, typer.Option(help="A shipped checklist (default, ai-training, at-risk) or a YAML file.")] = "default",
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write findings.json.")] = Path("findings.json"),
) -> None:
    """Compare observations with a checklist and write findings.json (offline)."""
    from auditor import results, spec
    from auditor.evaluate import evaluate as run_evaluate
    from auditor.pipeline import check_output_dir

    loaded_obs = results.read(observations, results.Observations)
    loaded = spec.load_checklist(checklist)
    check_output_dir(out.parent)
    results.write(out, run_evaluate(loaded_obs, loaded))
    print(out)


@app.command()
def report(
    findings: Annotated[Path, typer.Argument(help="findings.json from `auditor evaluate`.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for report.html, report.md and junit.xml.")] = Path("."),
    template_dir: Annotated[Optional[Path], typer.Option(help="Templates that override the built-in ones.")] = None,
) -> None:
    """Write the report from findings.json (offline)."""
    from auditor import results
    from auditor.pipeline import check_output_dir
    from auditor.report import write_report

    loaded = results.read(findings, results.Findings)
    check_output_dir(out)
    print(write_report(loaded, out, template_dir))


@app.command()
def run(
    platforms: Annotated[list[Platform], typer.Argument(help="facebook and/or instagram.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for every file of the run.")] = Path("reports/latest"),
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: Annotated[Optional[str], typer.Option(help="Route every Meta host to this server (a replica).")] = None,
    checklist: Annotated[str, typer.Option(help="A shipped checklist or a YAML file.")] = "default",
    trace: Annotated[bool, typer.Option(help="Also write a Playwright trace.")] = False,
    browser_path: BrowserPath = None,
) -> None:
    """Observe, evaluate and report in one go, into one folder."""
    from auditor import spec
    from auditor.audit import observe_to_file
    from auditor.pipeline import OBSERVATIONS, evaluate_and_report

    spec.load_checklist(checklist)  # a bad checklist is bad input: fail before the browser starts
    observations = observe_to_file([p.value for p in platforms], out / OBSERVATIONS, session=session, replica_url=replica,
                                   trace=trace, evidence=True, browser_path=browser_path)
    print(evaluate_and_report(observations, out, checklist))
    _finish(observations)


def _finish(observations) -> None:
    """Exit 1 when the run could not finish; the files are written already."""
    if not observations.run.complete:
        raise typer.Exit(EXIT_INCOMPLETE)


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
    replica: Annotated[Optional[str], typer.Option(help="Route every Meta host to this server (a replica).")] = None,
    browser_path: BrowserPath = None,
) -> None:
    """Print a page's aria snapshot: the roles and names a flow's locators use."""
    from auditor.audit import inspect_page

    print(inspect_page(url, session=session, replica_url=replica, browser_path=browser_path))


# ---------------------------------------------------------------------- replica
@replica_app.command("serve")
def replica_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
    seed_file: Annotated[Optional[Path], typer.Option(help="Accounts to seed (YAML, like auditor/replica/data/accounts.yml).")] = None,
    mutate: Annotated[Optional[list[str]], typer.Option(help="A drift or fault knob, KIND:TARGET[:ARG]; repeatable.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated class names.")] = 0,
) -> None:
    """Serve the replica until Ctrl-C."""
    from auditor.replica.knobs import Knob
    from auditor.replica.server import Replica

    knobs = [Knob.parse(m) for m in mutate or []]
    replica = Replica(accounts_file=seed_file, seed=seed, knobs=knobs).start(port=port)
    print(f"replica: {replica.url} (Meta hosts answered by Host header; write log at {replica.url}/__replica/writes)")
    print(f"try:     auditor run facebook instagram --replica {replica.url}  (with AUDITOR_EMAIL / AUDITOR_PASSWORD of a seeded account)")
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
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INCOMPLETE
    return result if isinstance(result, int) else 0


__all__ = ["app", "main", "InputError"]
