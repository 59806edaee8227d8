"""Chaining the stages: a browser context for an audit, and observe -> evaluate -> report into one folder."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from playwright.sync_api import Error as PlaywrightError

from auditor import browser, results
from auditor.errors import AuditorError, InputError, first_line
from auditor.watchdog import Watchdog, browser_pid

OBSERVATIONS = "observations.json"
FINDINGS = "findings.json"
EVIDENCE = "evidence"
CONNECT_SCHEMES = ("ws", "wss", "http", "https")
CLOSE_SECONDS = 10  # closing a context or the browser takes no timeout in Playwright: the watchdog's bound
CONNECT_USAGE = "ws://HOST:PORT/ (a Playwright server) or http://HOST:PORT (a Chromium DevTools endpoint)"
REPLICA_USAGE = "https://HOST:PORT, where the replica listens (`auditor replica serve` prints it)"


def say(line: str) -> None:
    print(line, file=sys.stderr)


@dataclass
class Browsing:
    """A launched browser's context, its network guard, the one-line description of the browser, and its watchdog.

    `secrets` (auditor.redact.Secrets) is what the context's trace must not keep; the observer adds
    the person's masked texts to it as it finds them.
    """

    context: object
    network: object
    browser: str
    watchdog: Watchdog
    secrets: object = None


@dataclass
class Opened:
    """A browser to make contexts in: launched here, or reached with --connect."""

    browser: object
    description: str  # "browser: chromium 156 from ..."
    watchdog: Watchdog  # can kill only a browser launched here


@contextmanager
def browsing(*, browser_path: str | None = None, replica_url: str | None = None, storage_state: Path | dict | None = None,
             headed: bool = False, trace: Path | None = None, secrets=None, connect: str | None = None):
    """A fresh browser context whose requests go through the network guard (audit mode on).

    The browser is launched here, or with `connect` reached where it runs (see opened_browser).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, \
            opened_browser(playwright, browser_path=browser_path, replica_url=replica_url, headed=headed, connect=connect) as opened:
        say(opened.description)
        with audit_context(opened, replica_url=replica_url, storage_state=storage_state, trace=trace,
                           secrets=secrets) as guarded:
            yield guarded


@contextmanager
def opened_browser(playwright, *, browser_path: str | None = None, replica_url: str | None = None, headed: bool = False,
                   connect: str | None = None):
    """The browser (Opened): launched here, or reached at `connect` where it runs.

    A browser launched here resolves Meta's host names to the replica, if there is one. A browser
    elsewhere gets no launch flags from us: with a replica, it must have been started with them.
    """
    if connect:
        launched = connect_browser(playwright, connect)
        description = f"browser: chromium {launched.version.split('.')[0]} at {public_url(connect)} (--connect)"
        watchdog = Watchdog(None)
    else:
        from auditor.network import replica_browser_args

        choice = browser.resolve(browser_path, headed=headed, playwright=playwright)
        args = replica_browser_args(replica_url) if replica_url else []
        launched = browser.launch(playwright, choice, headed=headed, args=args)
        description = choice.describe(launched.version)
        watchdog = Watchdog(browser_pid(launched))
    try:
        yield Opened(launched, description, watchdog)
    finally:
        close_quietly(watchdog, "closing the browser", launched.close)  # a connected browser is only disconnected from
        watchdog.close()


def connect_browser(playwright, url: str):
    """A browser elsewhere: a Playwright server (ws://, wss://) or a Chromium DevTools endpoint (http://, https://)."""
    try:
        if check_connect(url) in ("ws", "wss"):
            return playwright.chromium.connect(url, timeout=browser.LAUNCH_TIMEOUT_MS)
        return playwright.chromium.connect_over_cdp(url, timeout=browser.LAUNCH_TIMEOUT_MS)
    except Exception as exc:  # Playwright raises its own Error and TimeoutError
        text = str(exc).strip()
        first_line = text.splitlines()[0] if text else type(exc).__name__
        parts = urlsplit(url)
        for secret in (url, parts.query, parts.fragment, parts.path.strip("/"), parts.password, parts.username):  # whole URL first
            first_line = first_line.replace(secret, "[redacted]") if secret else first_line
        raise AuditorError(f"could not connect to the browser at {public_url(url)}: {first_line}") from None


def check_connect(url: str) -> str:
    """The scheme of a --connect URL; anything else is bad input, refused before any work is done."""
    parts = _split(url, "--connect", CONNECT_USAGE)
    if parts.scheme not in CONNECT_SCHEMES:
        raise InputError(f"--connect {public_url(url)}: give {CONNECT_USAGE}")
    return parts.scheme


def check_replica_url(url: str) -> None:
    """A --replica URL is https://HOST:PORT, checked before any work is done; anything else is bad input."""
    parts = _split(url, "--replica", REPLICA_USAGE)
    if parts.scheme == "http":
        raise InputError(f"--replica {public_url(url)}: the replica speaks https: give {REPLICA_USAGE}")
    # Nothing but scheme, host and port: the URL is printed and saved in results, so it must hold no secret.
    if parts.scheme != "https" or parts.port is None or "@" in parts.netloc or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(f"--replica {public_url(url)}: give {REPLICA_USAGE}")


def _split(url: str, option: str, usage: str) -> SplitResult:
    """`url` split, with a host and, if it has a port, one from 1 to 65535; else bad input."""
    try:
        parts = urlsplit(url)
        if parts.port == 0:  # .port itself raises ValueError for a port that is not a number or above 65535
            raise ValueError
    except ValueError:  # or urlsplit, for an unclosed [ of an IPv6 address
        raise InputError(f"{option} {public_url(url)}: not a valid host and port (a port is a number from 1 to 65535): "
                         f"give {usage}") from None
    if not parts.hostname:
        raise InputError(f"{option} {public_url(url)}: give {usage}")
    return parts


def public_url(url: str) -> str:
    """A URL as it may be printed: scheme, host and port only, as typed. Grids put tokens in the user
    part or the query, and a Playwright server's secret is its path."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed [ of an IPv6 address
        return "URL"
    host_port = parts.netloc.rpartition("@")[2]
    if not host_port:
        return "URL"
    return f"{parts.scheme}://{host_port}" if parts.scheme else host_port


def remote_replica_note(replica_url: str) -> str:
    """What a browser reached with --connect needs for a replica: we cannot pass it launch flags."""
    from auditor.network import replica_browser_args

    return (f"note: the browser at --connect must itself resolve Meta's host names to the replica (auditor cannot pass "
            f"launch flags to a browser elsewhere): start it with '{replica_browser_args(replica_url)[0]}' and "
            "--ignore-certificate-errors; one that does not would open Meta's real sites")


@contextmanager
def audit_context(opened: Opened, *, replica_url: str | None = None, storage_state: Path | dict | None = None,
                  trace: Path | None = None, secrets=None):
    """A new context of the opened browser with the network guard on; closed (and its trace scrubbed) on leaving.

    With a replica the context accepts its certificate; without one, certificates are checked as
    usual. A trace is scrubbed of `secrets` (auditor.redact.Secrets), of every cookie and token and
    of the person as soon as it is written. It has no screenshots: the screencast shows the person
    unmasked, and a picture cannot be scrubbed by text.
    """
    from auditor.network import Network
    from auditor.redact import Secrets

    secrets = secrets if secrets is not None else Secrets()
    try:
        context = opened.browser.new_context(
            storage_state=str(storage_state) if isinstance(storage_state, (str, Path)) else storage_state,
            viewport={"width": 1280, "height": 900},
            service_workers="block",  # requests a service worker makes would bypass the guard's route
            ignore_https_errors=bool(replica_url),
        )
    except PlaywrightError as exc:
        if storage_state is None:
            raise
        # session.read_state checks what we know Chromium refuses; this is for the rest (an odd cookie domain).
        raise InputError(f"session: the browser refused the saved session: {str(exc).strip().splitlines()[-1]}") from None
    try:
        network = Network(audit=True)
        network.install(context)
        if trace:
            context.tracing.start(screenshots=False, snapshots=True)
        try:
            yield Browsing(context, network, opened.description.removeprefix("browser: "), opened.watchdog, secrets)
        finally:
            if trace:
                with opened.watchdog.bound(CLOSE_SECONDS, "saving the trace"):
                    _stop_trace(context, trace, secrets)
    finally:
        close_quietly(opened.watchdog, "closing the browser context", context.close)


def close_quietly(watchdog: Watchdog, what: str, close) -> None:
    """Close a context or the browser within the watchdog's bound; one that is gone already leaves nothing to close.

    Gone: crashed, killed by the watchdog, or the remote end closed. After a second Ctrl-C,
    Playwright raises that KeyboardInterrupt again from the next call it makes (the interrupted
    call's task kept it): the run has stopped already, and closing goes on.
    """
    try:
        with watchdog.bound(CLOSE_SECONDS, what):
            close()
    except (Exception, KeyboardInterrupt):
        pass


def _stop_trace(context, path: Path, secrets) -> None:
    from auditor.redact import scrub_trace

    try:
        secrets.add_cookies(context.cookies())
        context.tracing.stop(path=str(path))
    except (PlaywrightError, KeyboardInterrupt) as exc:  # the browser went away first: there is no trace to keep
        say(f"warning: no trace was saved: {first_line(exc)}")
        Path(path).unlink(missing_ok=True)
        return
    scrub_trace(path, secrets, warn=say)


def check_output_dir(out_dir: Path) -> Path:
    """Refuse an output folder we cannot write before any work is done (bad input, exit 2)."""
    return _check_output(Path(out_dir), folder=True)


def check_output_file(path: Path) -> Path:
    """Refuse an output file we cannot write before any work is done: a folder by that name, or a place
    check_output_dir refuses."""
    return _check_output(Path(path), folder=False)


def _check_output(path: Path, *, folder: bool) -> Path:
    """Creating nothing: the nearest folder that exists takes a file (tried with a temporary one, as
    permissions do not tell: /proc, a read-only mount, root), and the names still to create fit."""
    if "\0" in str(path):
        shown = str(path).replace("\0", "\\0")
        raise InputError(f"{shown}:1: -o: a path cannot hold a NUL byte")
    probe = path
    try:
        while not probe.exists():
            probe = probe.parent
        if probe == path and not folder:
            if probe.is_dir():
                raise InputError(f"{path}:1: -o: {path} is a folder: give the file to write")
            probe = probe.parent  # the file is replaced through a new file beside it
        if not probe.is_dir():
            raise InputError(f"{path}:1: -o: {probe} is a file, not a folder")
        name_max = os.pathconf(probe, "PC_NAME_MAX")
        too_long = [name for name in path.relative_to(probe).parts if len(os.fsencode(name)) > name_max]
        if too_long:
            raise InputError(f"{path}:1: -o: a name is longer than {name_max} bytes: {too_long[0][:40]}...")
        tempfile.TemporaryFile(dir=probe).close()
    except OSError as exc:
        where = f" in {probe}" if probe != path else ""
        raise InputError(f"{path}:1: -o: cannot write{where} ({exc.strerror or exc})") from None
    return path


def evaluate_and_report(observations: results.Observations, out_dir: Path, checklist="default",
                        template_dir: Path | None = None) -> Path:
    """Write findings.json and report.html, report.md and junit.xml next to observations.json; returns report.html."""
    from auditor.report import write_report

    return write_report(evaluate_to_file(observations, out_dir, checklist), Path(out_dir), template_dir)


def evaluate_to_file(observations: results.Observations, out_dir: Path, checklist="default") -> results.Findings:
    """Evaluate against a checklist (a name, a file, or one already loaded) and write findings.json."""
    from auditor.consistency import load_checklist
    from auditor.evaluate import evaluate

    loaded = load_checklist(checklist) if isinstance(checklist, str) else checklist
    findings = evaluate(observations, loaded)
    results.write(Path(out_dir) / FINDINGS, findings)
    return findings
