"""`auditor watch` (one audit, and a notification of what is new since the last) and `auditor schedule` (the
system's scheduler entry that repeats it). Notification URLs are secrets: never printed, never in an entry."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.cli.app import (
    BrowserPath,
    FlowIds,
    Language,
    Pace,
    Platform,
    ReplicaRoute,
    Timeout,
    _flow_set,
    _replica_url,
    app,
)
from auditor.cli.history import HistoryFile
from auditor.errors import EXIT_DRIFT, EXIT_INCOMPLETE, say
from auditor.shown import echo

NotifyFile = Annotated[
    Optional[Path],
    typer.Option(
        "--notify-file",
        help="A file of notification URLs (Apprise's: mailto://, matrix://, ntfy://, json://, ...), one a line; "
        "yours only (chmod 600): the URLs hold secrets.",
        show_default=False,
    ),
]
WatchOut = Annotated[
    Optional[Path],
    typer.Option(
        "-o", "--out", help="Folder for the latest run's files (default: watch/ in auditor's user data folder)."
    ),
]
Lang = Annotated[
    Optional[Language],
    typer.Option(help="The language of the report and the notifications, en or de (default: the pages')."),
]
Checklist = Annotated[str, typer.Option(help="A shipped checklist or a YAML file.")]
Session = Annotated[Optional[Path], typer.Option(help="Saved session (from `auditor login`).")]


def default_out() -> Path:
    from auditor.user_folder import data_folder

    return data_folder() / "watch"


@app.command()
def watch(
    platforms: Annotated[list[Platform], typer.Argument(help="facebook and/or instagram.")],
    notify: Annotated[
        Optional[list[str]],
        typer.Option(
            "--notify",
            help="A notification URL (repeatable). Others on this computer can see a command line: "
            "prefer --notify-file.",
            show_default=False,
        ),
    ] = None,
    notify_file: NotifyFile = None,
    out: WatchOut = None,
    session: Session = None,
    replica: ReplicaRoute = None,
    checklist: Checklist = "default",
    lang: Lang = None,
    history: HistoryFile = None,
    pace: Pace = None,
    timeout: Timeout = None,
    browser_path: BrowserPath = None,
    flow: FlowIds = None,
) -> None:
    """Audit again, and notify you when a value became less private, a check newly fails, Meta changed a page,
    or the audit could not finish (each only once). Run it from `auditor schedule`. Exit 1 when the audit could
    not finish or a notification was not sent (it is sent with the next run), 3 when a page changed."""
    from auditor.cli.audit import _options
    from auditor.cli.exits import finish
    from auditor.history import default_path
    from auditor.watch import notify as notification
    from auditor.watch.watcher import watch as watch_once

    urls = notification.given(notify or [], notify_file)
    if not urls:
        raise typer.BadParameter("give --notify-file FILE (or --notify URL): whom to notify", param_hint="--notify")
    out = out or default_out()
    options = _options(
        replica,
        session=session,
        browser_path=browser_path,
        pace=pace,
        timeout=timeout,
        checklist=checklist,
        lang=lang and lang.value,
        history=history or default_path(),
        flow_set=_flow_set([p.value for p in platforms], flow),
    )
    watched = watch_once([p.value for p in platforms], out, options, urls)
    for url in watched.failed:
        echo(f"auditor: error: the notification to {url} could not be sent; it is sent with the next run", err=True)
    if watched.error is not None:
        raise watched.error
    echo(out / "report.html")
    say(watched.line)
    finish(watched.done.observations)
    if watched.failed:
        raise typer.Exit(EXIT_INCOMPLETE)
    if watched.drift:
        raise typer.Exit(EXIT_DRIFT)


class Form(str, Enum):
    systemd = "systemd"
    cron = "cron"
    launchd = "launchd"
    schtasks = "schtasks"


def _no_secret(value: Optional[list[str]]) -> None:
    if value:
        raise typer.BadParameter(
            "does not go into a schedule, where anyone who can read it sees the URL: put the URLs in a file "
            "(--notify-file)",
            param_hint="--notify",
        )


@app.command()
def schedule(
    platforms: Annotated[
        Optional[list[Platform]], typer.Argument(help="facebook and/or instagram.", show_default=False)
    ] = None,
    every: Annotated[
        Optional[str],
        typer.Option(help="How often: 1h to 12h (a divisor of a day), 1d to 31d, or 1w.", show_default=False),
    ] = None,
    notify_file: NotifyFile = None,
    notify: Annotated[Optional[list[str]], typer.Option("--notify", hidden=True, callback=_no_secret)] = None,
    out: WatchOut = None,
    session: Session = None,
    replica: Annotated[Optional[str], typer.Option(callback=_replica_url, help="Watch this replica.")] = None,
    checklist: Checklist = "default",
    lang: Lang = None,
    history: HistoryFile = None,
    browser_path: BrowserPath = None,
    form: Annotated[
        Optional[Form],
        typer.Option(
            "--form",
            help="The scheduler (default: this system's; systemd where it runs, else cron).",
            show_default=False,
        ),
    ] = None,
    install: Annotated[bool, typer.Option("--install", help="Install the entry for you (user-level).")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Take auditor's entry away.")] = False,
) -> None:
    """Print the entry that makes your system's scheduler run `auditor watch` (a systemd timer, a cron line, a
    launchd agent, a Windows task); --install puts it in place, --remove takes it away."""
    from auditor.report import watch_words
    from auditor.watch import install as installing
    from auditor.watch import notify as notification
    from auditor.watch import schedule as forms

    chosen = form.value if form else installing.detected_form()
    words = watch_words(lang.value if lang else "en")
    if remove:
        if install or every or platforms:
            raise typer.BadParameter("goes alone (with --form, if need be)", param_hint="--remove")
        removed = installing.remove(chosen)
        say(words.scheduled({"removed": True if removed else "none", "installed": False, "hours": 0}).strip())
        return
    if not platforms or every is None or notify_file is None:
        raise typer.BadParameter("give PLATFORMS, --every and --notify-file", param_hint="PLATFORMS")
    try:
        hours = forms.hours_of(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from None
    notification.from_file(notify_file)  # refused now (its mode, a URL Apprise does not know), not at 3 a.m.
    arguments = [p.value for p in platforms] + ["-o", str((out or default_out()).absolute())]
    arguments += ["--notify-file", str(notify_file.absolute())]
    for option, value in (("--session", session), ("--history", history), ("--browser-path", browser_path)):
        if value:  # a browser may be given by a name the PATH finds
            arguments += [option, str(Path(value).absolute()) if Path(value).exists() else str(value)]
    shipped = Path(checklist).suffix not in (".yml", ".yaml")  # a shipped checklist's name, or a file
    arguments += ["--checklist", checklist if shipped else str(Path(checklist).absolute())]
    arguments += (["--lang", lang.value] if lang else []) + (["--replica", replica] if replica else [])
    try:
        command = forms.watch_command(arguments)
        entry = _entry(chosen, hours, command)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from None
    if install:
        for place in installing.install(chosen, hours, command):
            echo(place)
    else:
        echo(entry)
    say(words.scheduled({"removed": False, "installed": install, "hours": hours}).strip())


def _entry(form: str, hours: int, command: list[str]) -> str:
    """The entry as text: what a person would add by hand."""
    from auditor.watch import install as installing
    from auditor.watch import schedule as forms

    if form == "systemd":
        units = forms.systemd_units(hours, command)
        return "\n".join(f"# {installing.systemd_folder() / name}\n{text}" for name, text in units.items())
    if form == "cron":
        return forms.cron_line(hours, command)
    if form == "launchd":
        say(f"# {installing.launchd_file()}")  # where it goes (a comment cannot go before the XML declaration)
        return forms.launchd_plist(hours, command)
    return forms.printed_command(forms.schtasks_create(hours, command))
