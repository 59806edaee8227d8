"""The command line: parse, call a stage, map errors to exit codes (0 done, 1 incomplete, 2 bad input, 3 drift).

Kept thin and quick to import: `app` holds the Typer app and the shared options, `audit` the
commands of an audit, `tools` drift, flows and the replica, `watch` watching and its schedule.
Every expected failure is one line.
"""

from __future__ import annotations

import typer
from typer._click import exceptions as click_exceptions  # typer vendors click; its usage errors live here

from auditor.cli import apply, audit, cohort, history, tools, watch  # noqa: F401  (they register their commands on the app)
from auditor.cli.app import app
from auditor.cli.conventions import conventional, plain
from auditor.errors import EXIT_BAD_INPUT, EXIT_INCOMPLETE, AuditorError
from auditor.shown import echo

EXIT_INTERRUPTED = 130  # what typer returns for a KeyboardInterrupt that ended a command


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every expected failure is one line on stderr and an exit code."""
    command = typer.main.get_command(app)
    conventional(command)
    try:
        result = command.main(args=argv, prog_name="auditor", standalone_mode=False)
    except click_exceptions.UsageError as exc:
        echo(f"auditor: error: {plain(exc.format_message())}", err=True)
        return EXIT_BAD_INPUT
    except click_exceptions.ClickException as exc:
        echo(f"auditor: error: {plain(exc.format_message())}", err=True)
        return exc.exit_code
    except AuditorError as exc:
        echo(f"auditor: error: {plain(str(exc))}", err=True)
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        result = EXIT_INTERRUPTED
    if result == EXIT_INTERRUPTED:  # typer's code for a Ctrl-C that ended the command
        echo("auditor: interrupted", err=True)
        return EXIT_INCOMPLETE
    return result if isinstance(result, int) else 0


__all__ = ["app", "main"]
