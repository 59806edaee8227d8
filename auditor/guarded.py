"""The guarded browser contexts every run reads in: the network guard on from the first request, a
replica's certificate accepted, a trace scrubbed as soon as it is written.

`guarded_context` makes one in a browser that is open (auditor.browser.Opened); `browsing` opens a
browser for it too (`auditor login`, `auditor flows inspect`). A run gets its context through
auditor.visit.open_visit, which adds the way in, the time limit and the login.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from auditor.backstop import backstop
from auditor.browser import CLOSE_SECONDS, Opened, close_quietly, opened_browser
from auditor.errors import InputError, first_line, say
from auditor.guard import Network
from auditor.redact import Secrets
from auditor.target import META, Target
from auditor.traces import scrub_trace


@contextmanager
def browsing(
    *,
    browser_path: str | None = None,
    target: Target = META,
    storage_state: Path | dict | None = None,
    headed: bool = False,
):
    """(context, network): a fresh context of a browser launched here, its requests through the network guard."""
    with (
        sync_playwright() as playwright,
        opened_browser(playwright, browser_path=browser_path, target=target, headed=headed) as opened,
    ):
        say(f"browser: {opened.browser_used}")
        with guarded_context(opened, target=target, storage_state=storage_state) as guarded:
            yield guarded


@contextmanager
def guarded_context(
    opened: Opened,
    *,
    target: Target = META,
    storage_state: Path | dict | None = None,
    trace: Path | None = None,
    secrets: Secrets | None = None,
):
    """(context, network): a new context of the opened browser with the network guard on (audit mode) and its
    backstop (auditor.backstop); closed, and its trace scrubbed, on leaving.

    With a replica the context accepts its certificate; without one, certificates are checked as
    usual. A trace is scrubbed of `secrets` (auditor.redact.Secrets), of every cookie and token and
    of the person as soon as it is written. It has no screenshots: the screencast shows the person
    unmasked, and a picture cannot be scrubbed by text.
    """
    secrets = secrets if secrets is not None else Secrets()
    network = Network(audit=True)
    with backstop(opened, network), _context(opened, target, storage_state) as context:
        network.install(context)
        if trace:
            context.tracing.start(screenshots=False, snapshots=True)
        try:
            yield context, network
        finally:
            if trace:
                with opened.watchdog.bound(CLOSE_SECONDS, "saving the trace"):
                    _stop_trace(context, trace, secrets)


@contextmanager
def _context(opened: Opened, target: Target, storage_state):
    """A new context of the opened browser, closed on leaving."""
    try:
        context = opened.browser.new_context(
            storage_state=str(storage_state) if isinstance(storage_state, (str, Path)) else storage_state,
            viewport={"width": 1280, "height": 900},
            service_workers="block",  # requests a service worker makes would bypass the guard's route
            ignore_https_errors=target.accept_any_certificate,
        )
    except PlaywrightError as exc:
        if storage_state is None:
            raise
        # session.read_state checks what we know Chromium refuses; this is for the rest (an odd cookie domain).
        raise InputError(
            f"session: the browser refused the saved session: {str(exc).strip().splitlines()[-1]}"
        ) from None
    try:
        yield context
    finally:
        close_quietly(opened.watchdog, "closing the browser context", context.close)


def _stop_trace(context, path: Path, secrets) -> None:
    try:
        secrets.add_cookies(context.cookies())
        context.tracing.stop(path=str(path))
    except (PlaywrightError, KeyboardInterrupt) as exc:  # the browser went away first: there is no trace to keep
        say(f"warning: no trace was saved: {first_line(exc)}")
        Path(path).unlink(missing_ok=True)
        return
    scrub_trace(path, secrets, warn=say)
