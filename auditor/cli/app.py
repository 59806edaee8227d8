"""The command line's frame: the Typer app and its sub-apps, the platforms, and the options several
commands share, each checked while the command line is parsed, before any work is done.
"""

from __future__ import annotations

import math
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor import __version__
from auditor.cli.conventions import HELP_OPTIONS, Ordered

app = typer.Typer(
    help=(
        "Audit your own Facebook and Instagram privacy and AI-training settings, read-only, "
        "and get a report that says what to change."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=Ordered,
    context_settings=HELP_OPTIONS,
)
flows_app = typer.Typer(help="Check and write flows (how each settings page is read).", no_args_is_help=True)
replica_app = typer.Typer(
    help="The bundled replica of Meta's settings pages, for trying auditor without an account.", no_args_is_help=True
)
app.add_typer(flows_app, name="flows")
app.add_typer(replica_app, name="replica")
baseline_app = typer.Typer(help="The baseline a CI smoke check compares against.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


class Platform(str, Enum):
    facebook = "facebook"
    instagram = "instagram"


# Options checked while the command line is parsed, before any work is done.
def _seconds(minimum: float):
    """A callback refusing what is not a number of seconds from `minimum` on (typer's own range check lets
    inf and nan in)."""

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


class Language(str, Enum):
    en = "en"
    de = "de"


Lang = Annotated[
    Optional[Language],
    typer.Option(help="The report's language, en or de (default: the language the audited pages were in)."),
]
BrowserPath = Annotated[
    Optional[str],
    typer.Option(
        "--browser-path", help="Chromium or Chrome to use (default: AUDITOR_BROWSER, Playwright's, then the system's)."
    ),
]
Pace = Annotated[
    Optional[float],
    typer.Option(
        callback=_seconds(0),
        help="Seconds between page loads, for the account's sake (default: 2.5 on Meta's sites, 0 on a replica).",
    ),
]
Connect = Annotated[
    Optional[str],
    typer.Option(
        callback=_connect_url,
        help=(
            "Use a browser that runs elsewhere: ws://HOST:PORT/ (a Playwright server) "
            "or http://HOST:PORT (a Chromium DevTools endpoint). "
            "With --replica, that browser must itself resolve Meta's host names to the replica."
        ),
    ),
]
OptionLists = Annotated[
    bool,
    typer.Option(
        "--options",
        help="Also open each audience and choice dialog to record its options (drift compares them; slower).",
    ),
]
Timeout = Annotated[
    Optional[float],
    typer.Option(
        callback=_seconds(1),
        help="The longest the audit may take, in seconds (default 900); pages not read by then are marked timeout.",
    ),
]
FlowIds = Annotated[
    Optional[list[str]],
    typer.Option(
        "--flow",
        help=(
            "Read only this page: its flow, such as facebook/posts (repeatable; default: every page). "
            "The checks of the pages not read stay unknown."
        ),
    ),
]
ReplicaRoute = Annotated[
    Optional[str],
    typer.Option(
        "--replica",
        callback=_replica_url,
        help="Route every Meta host to this server (a replica, https://HOST:PORT) instead of the real sites.",
    ),
]


def _flow_set(platforms: list[str], ids: list[str] | None):
    """The flows a run reads (auditor.options.FlowSet): every page of its platforms, or those named with --flow."""
    from auditor.meta import check_flow_ids
    from auditor.options import FlowSet

    flow_set = FlowSet.load()
    return replace(flow_set, only=check_flow_ids(flow_set.flows, platforms, ids)) if ids else flow_set


def _version(value: bool) -> None:
    if value:
        print(f"auditor {__version__}")
        raise typer.Exit()


def from_config(name: str) -> bool:
    """Whether the running command's option `name` took its value from auditor.toml, not the command line."""
    from typer._click.core import ParameterSource
    from typer._click.globals import get_current_context  # typer vendors click; its context lives here

    ctx = get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source(name) is ParameterSource.DEFAULT_MAP


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    config: Annotated[
        Optional[Path],
        typer.Option(
            "--config",
            help=(
                "Your defaults for the commands' options, a TOML file "
                "(default: auditor.toml in your user config folder, if there is one)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Audit your own Facebook and Instagram privacy settings."""
    from auditor.config import load

    settings = load(config)  # before the command's options are read: the file gives their defaults
    ctx.obj = settings
    ctx.default_map = settings.default_map()
