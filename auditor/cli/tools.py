"""The commands around an audit: drift and baselines (CI), the files' JSON Schemas, flows (check, inspect),
the replica (serve)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor import schemas
from auditor.cli.app import BrowserPath, ReplicaRoute, app, baseline_app, flows_app, replica_app
from auditor.cli.exits import drift_exit_code, render_drift
from auditor.cli.history import HistoryFile, NoHistory, history_file
from auditor.errors import InputError
from auditor.shown import echo


@app.command()
def drift(
    baseline: Annotated[Path, typer.Argument(help="observations.json of the baseline run.")],
    current: Annotated[Path, typer.Argument(help="observations.json of the run to check.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for drift.json and junit.xml.")] = Path("."),
    applied: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--applied",
            help="apply.json or undo.json of a change auditor made between the runs (repeatable): its values "
            "are listed as auditor's, not drift.",
        ),
    ] = None,
    history: HistoryFile = None,
    no_history: NoHistory = False,
) -> None:
    """Compare two runs' pages and settings; exit 3 when Meta changed something, 0 when not.

    A value auditor apply or its undo set between the runs (the history says, or --applied) is not drift."""
    from auditor import rerun

    found = rerun.drift_files(baseline, current, out, applied or [], history_file(history, no_history))
    echo(render_drift(found))
    raise typer.Exit(drift_exit_code(found))


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
        raise InputError(
            f"{observations}:1: pages: {len(unread)} page(s) were not read ({', '.join(unread[:3])}): "
            "a baseline from them would hide drift (use --force to accept)"
        )
    check_output_file(out)
    with claimed(out.parent):
        results.write(
            out, loaded.model_copy(update={"pages": [p.model_copy(update={"screenshot": None}) for p in loaded.pages]})
        )
    echo(out)
    if not any(o.options for o in loaded.observations):
        echo(
            "note: this run recorded no option lists, so drift will not compare them: "
            "record the baseline's run with `auditor run --options`",
            err=True,
        )


# ---------------------------------------------------------------------- the files' schemas
SchemaKind = Enum("SchemaKind", {kind: kind for kind in schemas.KINDS}, type=str)


@app.command()
def schema(
    kind: Annotated[
        Optional[SchemaKind],
        typer.Argument(help="The kind of file (history: its --export FILE.json).", show_default=False),
    ] = None,
    write: Annotated[
        Optional[Path],
        typer.Option(help="Write every schema into this folder as KIND.schema.json (as docs/schemas/ holds them)."),
    ] = None,
) -> None:
    """Print the JSON Schema of one kind of file auditor writes, or write them all with --write."""
    if (kind is None) == (write is None):
        raise typer.BadParameter("give a KIND to print, or --write FOLDER (not both)", param_hint="KIND")
    if write is not None:
        for path in schemas.write_all(write):
            echo(path)
        return
    print(schemas.text(kind.value), end="")  # our own JSON Schema, whole


# ---------------------------------------------------------------------- flows
@flows_app.command("check")
def flows_check(
    flows: Annotated[Optional[Path], typer.Option(help="Flows folder (default: the shipped flows).")] = None,
    checklists: Annotated[
        Optional[list[Path]],
        typer.Option("--checklist", help="Checklist files to check too (default: the shipped ones)."),
    ] = None,
) -> None:
    """Validate every flow and checklist, without a browser."""
    from auditor.consistency import check_all

    for line in check_all(flows, checklists):
        echo(line)


@flows_app.command("inspect")
def flows_inspect(
    url: Annotated[str, typer.Argument(help="The page to show, e.g. https://www.facebook.com/settings/?tab=posts")],
    session: Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")] = None,
    replica: ReplicaRoute = None,
    browser_path: BrowserPath = None,
) -> None:
    """Print a page's aria snapshot: the roles and names a flow's locators use."""
    from auditor.observe.pages import inspect_page
    from auditor.target import Target

    echo(inspect_page(url, session=session, target=Target(replica), browser_path=browser_path))


# ---------------------------------------------------------------------- replica
@replica_app.command("serve")
def replica_serve(
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    seed_file: Annotated[
        Optional[Path], typer.Option(help="Accounts to seed (YAML, like auditor/replica/data/accounts.yml).")
    ] = None,
    mutate: Annotated[
        Optional[list[str]], typer.Option(help="A drift or fault knob, KIND:TARGET[:ARG]; repeatable.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated class names.")] = 0,
    variation: Annotated[
        Optional[int],
        typer.Option(min=0, help="Show every setting in a pattern drawn by this seed (the draw is printed)."),
    ] = None,
) -> None:
    """Serve the replica until Ctrl-C."""
    from auditor.replica.knobs import Knob
    from auditor.replica.patterns import describe, draw
    from auditor.replica.server import Replica

    knobs = [Knob.parse(m) for m in [*(mutate or []), *([f"variation:{variation}"] if variation is not None else [])]]
    replica = Replica(accounts_file=seed_file, seed=seed, knobs=knobs)
    try:
        replica.start(port=port)
    except OSError as exc:  # the port is in use, or below 1024 for a user
        replica.stop()
        raise typer.BadParameter(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})", param_hint="'--port'"
        ) from None
    if variation is not None:  # a line replays with --mutate pattern:SETTING:SPEC
        echo(f"variation {variation}: the pattern of every setting\n{describe(draw(variation))}")
    echo(f"replica: {replica.url} (write log: {replica.url}/__replica/writes)")
    echo(
        f"try:     auditor run facebook instagram --replica {replica.url}  "
        "(with AUDITOR_EMAIL / AUDITOR_PASSWORD of a seeded account)"
    )
    import signal
    import threading

    def stop(_signum, _frame):
        raise KeyboardInterrupt  # a service manager's stop (SIGTERM) ends it as Ctrl-C does: its folder removed

    signal.signal(signal.SIGTERM, stop)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        replica.stop()
