"""The one way in: `open_visit(options, platforms, folder)`, a run's time on the site.

A visit is a guarded browser context (auditor.guarded) with the run's way in (a saved session, or
a test account's login, made with the guard on: only the login's own requests go out), bounded by
the run's time limit (the watchdog kills a browser that overruns it by more than a grace), with
Ctrl-C asking the run to stop between pages. `auditor run`, `observe` and `apply`, the demo, the
cohort, the benchmark and the tests all get in through it; what they do inside reads the run's
options from the visit (observe.stage.observe_in, observe.page.read_page, apply.runner.Applier).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, sync_playwright

from auditor import interrupt
from auditor.browser import Opened, check_connect, opened_browser
from auditor.errors import InputError, LoginFailed, say
from auditor.guard import Network
from auditor.guarded import guarded_context
from auditor.options import GRACE_SECONDS, Options
from auditor.redact import Secrets
from auditor.session.login import login
from auditor.session.way_in import WayIn, way_in
from auditor.watchdog import Watchdog


@dataclass
class Visit:
    """A run's time on the site: a guarded browser context, how it got in, and the run's options and bounds.

    `secrets` (auditor.redact.Secrets) is what the context's trace must not keep; the pages read add
    the person's masked texts to it as they find them.
    """

    context: BrowserContext
    network: Network  # the guard on the context
    options: Options
    platforms: list[str]
    folder: Path | None = None  # where the run writes: its trace, and observe's evidence
    browser_used: str = ""  # which browser: "chromium 156 from ... (system)" (observations.json's run.browser)
    watchdog: Watchdog = field(default_factory=lambda: Watchdog(None))
    secrets: Secrets = field(default_factory=Secrets)
    deadline: float | None = None  # time.monotonic() after which no page is started (None: no limit)
    say: Callable[[str], None] = say
    login_failed: LoginFailed | None = None  # the login did not go through: nothing is read
    cookie_dialogs_declined: int = 0  # Meta's cookie dialog, answered on a settings page (observe.page)
    loads: int = 0  # settings pages loaded so far: the pace is kept between them

    def seconds_left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def pace(self) -> None:
        """Before each settings page the visit loads but the first: the run's pause, for the account's sake
        (not synchronisation), never past the time limit."""
        if self.loads and self.options.pace_seconds:
            time.sleep(max(0.0, min(self.options.pace_seconds, self.seconds_left())))
        self.loads += 1

    def cookies(self) -> list[dict]:
        """The context's cookies, which say which account this is; none from a browser that went away."""
        try:
            return self.context.cookies()
        except Exception:  # the browser crashed or was killed by the watchdog
            return []


@contextmanager
def open_visit(
    options: Options,
    platforms: list[str],
    folder: Path | None = None,
    *,
    opened: Opened | None = None,
    way: WayIn | None = None,
    say: Callable[[str], None] = say,
) -> Iterator[Visit]:
    """A visit of `platforms`, logged in if the way in is a login (a failed one is `login_failed`, not raised).

    The browser is launched here (or reached with --connect) unless one is `opened` already (the cohort's
    worker's, a test's); the way in is the options' (auditor.session.way_in) unless given (a cohort
    account's). Bad input fails before the browser starts. `folder` gets the trace (--trace).
    """
    if way is None:
        if options.session is not None and not Path(options.session).is_file():
            raise InputError(f"{options.session}:1: --session: no such file")
        if options.connect and opened is None:
            check_connect(options.connect)
        way = way_in(platforms, session=options.session, target=options.target, credentials=options.credentials)
        if way.state is not None:
            say(f"using the {way.source}")
    if options.connect and opened is None and options.target.is_replica:
        say(options.target.remote_browser_note())
    deadline = time.monotonic() + options.timeout
    secrets = way.secrets()
    with ExitStack() as stack:
        stack.enter_context(interrupt.stop_between_pages(say))
        if opened is None:
            opened = stack.enter_context(launched(options, say))
        context, network = stack.enter_context(
            guarded_context(
                opened,
                target=options.target,
                storage_state=way.state,
                trace=folder / "trace.zip" if options.trace and folder is not None else None,
                secrets=secrets,
            )
        )
        stack.enter_context(opened.watchdog.bound(deadline - time.monotonic() + GRACE_SECONDS, "the time limit"))
        visit = Visit(
            context,
            network,
            options,
            list(platforms),
            folder,
            browser_used=opened.browser_used,
            watchdog=opened.watchdog,
            secrets=secrets,
            deadline=deadline,
            say=say,
        )
        if way.credentials is not None:
            visit.login_failed = log_in(visit, way)
        yield visit


@contextmanager
def launched(options: Options, say=say) -> Iterator[Opened]:
    """The run's browser, launched (or reached at --connect) with a Playwright of its own, and said."""
    with sync_playwright() as playwright, run_browser(playwright, options) as opened:
        say(f"browser: {opened.browser_used}")
        yield opened


def run_browser(playwright, options: Options):
    """The run's browser, a context manager (auditor.browser.Opened): launched here, or reached at --connect."""
    return opened_browser(playwright, browser_path=options.browser_path, target=options.target, connect=options.connect)


def log_in(visit: Visit, way: WayIn) -> LoginFailed | None:
    """Log in to each platform of the visit once, the guard on: only the login's own requests go out
    (auditor.openings). Returns the failure, if any."""
    try:
        for platform in visit.platforms:
            visit.say(f"logging in to {platform}")
            with visit.network.login(platform, way.credentials.identifier):
                login(visit.context, platform, way.credentials, visit.options.flow_set.vocabulary)
    except LoginFailed as failure:
        return failure
    return None
