"""The browser room: finding and launching a Chromium (or reaching one with --connect), and the
guarded contexts every run reads in.

Which Chromium, first hit wins:
1. `--browser-path` on the command line, then the AUDITOR_BROWSER environment variable;
2. a Chromium that `playwright install chromium` downloaded;
3. a system Chromium or Chrome (Debian's headless shell first: it starts three times faster).
`make` installs Debian's packages when it runs as root and finds none of these.

Every context is made here, with the network guard installed (auditor.guard) and, for a replica,
its certificate accepted (auditor.target). A browser launched here gets a watchdog
(auditor.watchdog) that kills it if closing it or one of its contexts hangs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from auditor.errors import AuditorError, InputError, first_line, say
from auditor.guard import Network
from auditor.redact import Secrets, public_url
from auditor.shown import echo
from auditor.target import META, Target, split_url
from auditor.traces import scrub_trace
from auditor.watchdog import Watchdog, browser_pid

ENV_VAR = "AUDITOR_BROWSER"
LAUNCH_TIMEOUT_MS = 30_000
CONNECT_SCHEMES = ("ws", "wss", "http", "https")
CONNECT_USAGE = "ws://HOST:PORT/ (a Playwright server) or http://HOST:PORT (a Chromium DevTools endpoint)"
CLOSE_SECONDS = 10  # closing a context or the browser takes no timeout in Playwright: the watchdog's bound

# Debian's headless shell cannot open a window, so a headed login skips it.
HEADLESS_ONLY = ("/usr/lib/chromium/chromium-headless-shell",)
SYSTEM_CANDIDATES = (
    *HEADLESS_ONLY,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)


def how_to_get_one() -> str:
    """Playwright's download through this very Python: installed with pipx, its Playwright is not on the PATH."""
    return (
        f"no Chromium found. Get Playwright's: `{shlex.quote(sys.executable)} -m playwright install chromium`, "
        "or the system's package (Debian/Ubuntu: `sudo apt-get install chromium`), "
        f"or point {ENV_VAR} / --browser-path at a Chromium or Chrome executable"
    )


@dataclass(frozen=True)
class BrowserChoice:
    """Which executable to launch (None: Playwright's own download) and why it was picked."""

    path: str | None
    origin: str

    def describe(self, version: str) -> str:
        major = version.split(".")[0] if version else "?"
        where = self.path or "Playwright's download"
        return f"browser: chromium {major} from {where} ({self.origin})"


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def resolve(explicit: str | None = None, *, headed: bool = False, playwright=None) -> BrowserChoice:
    """Pick the browser to launch, or raise with advice on how to get one."""
    for value, origin in ((explicit, "--browser-path"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if value:
            path = shutil.which(value) or value
            if not _executable(path):
                raise InputError(f"{origin}: {value}: not an executable file")
            return BrowserChoice(path, origin)
    if playwright is not None and _executable(playwright.chromium.executable_path):
        return BrowserChoice(None, "installed by Playwright")
    for path in SYSTEM_CANDIDATES:
        if headed and path in HEADLESS_ONLY:
            continue
        if _executable(path):
            return BrowserChoice(path, "system")
    raise AuditorError(how_to_get_one())


def launch(playwright, choice: BrowserChoice, *, headed: bool = False, args: list[str] = ()):
    """Launch the chosen browser; a browser that does not start is an error with advice, never a hang."""
    try:
        return playwright.chromium.launch(
            executable_path=choice.path,
            headless=not headed,
            timeout=LAUNCH_TIMEOUT_MS,
            args=list(args),
            # Ctrl-C reaches Playwright's driver too: the page in progress still finishes (auditor.interrupt)
            handle_sigint=False,
        )
    except Exception as exc:  # Playwright raises its own Error and TimeoutError
        hint = " (a headed browser needs a display: run under xvfb-run)" if headed else ""
        raise AuditorError(f"could not start {choice.path or 'Playwright Chromium'}: {first_line(exc)}{hint}") from exc


# ---------------------------------------------------------------------- browsers and contexts
@dataclass
class Opened:
    """A browser to make contexts in: launched here, or reached with --connect."""

    browser: Browser
    description: str  # "browser: chromium 156 from ..."
    watchdog: Watchdog  # can kill only a browser launched here


@dataclass
class Browsing:
    """A launched browser's context, its network guard, the one-line description of the browser, and its watchdog.

    `secrets` (auditor.redact.Secrets) is what the context's trace must not keep; the observer adds
    the person's masked texts to it as it finds them.
    """

    context: BrowserContext
    network: Network
    browser: str
    watchdog: Watchdog
    secrets: Secrets | None = None


@contextmanager
def browsing(
    *,
    browser_path: str | None = None,
    target: Target = META,
    storage_state: Path | dict | None = None,
    headed: bool = False,
    trace: Path | None = None,
    secrets=None,
    connect: str | None = None,
):
    """A fresh browser context whose requests go through the network guard (audit mode on).

    The browser is launched here, or with `connect` reached where it runs (see opened_browser).
    """
    with (
        sync_playwright() as playwright,
        opened_browser(playwright, browser_path=browser_path, target=target, headed=headed, connect=connect) as opened,
    ):
        say(opened.description)
        with audit_context(opened, target=target, storage_state=storage_state, trace=trace, secrets=secrets) as guarded:
            yield guarded


@contextmanager
def opened_browser(
    playwright,
    *,
    browser_path: str | None = None,
    target: Target = META,
    headed: bool = False,
    connect: str | None = None,
):
    """The browser (Opened): launched here, or reached at `connect` where it runs.

    A browser launched here resolves Meta's host names to the replica, if there is one. A browser
    elsewhere gets no launch flags from us: with a replica, it must have been started with them.
    """
    if connect:
        launched = connect_browser(playwright, connect)
        description = f"browser: chromium {launched.version.split('.')[0]} at {public_url(connect)} (--connect)"
        watchdog = Watchdog(None)
    else:
        choice = resolve(browser_path, headed=headed, playwright=playwright)
        launched = launch(playwright, choice, headed=headed, args=target.launch_args())
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
            return playwright.chromium.connect(url, timeout=LAUNCH_TIMEOUT_MS)
        return playwright.chromium.connect_over_cdp(url, timeout=LAUNCH_TIMEOUT_MS)
    except Exception as exc:  # Playwright raises its own Error and TimeoutError
        why = first_line(exc)
        parts = urlsplit(url)
        for secret in (
            url,
            parts.query,
            parts.fragment,
            parts.path.strip("/"),
            parts.password,
            parts.username,
        ):  # whole URL first
            why = why.replace(secret, "[redacted]") if secret else why
        raise AuditorError(f"could not connect to the browser at {public_url(url)}: {why}") from None


def check_connect(url: str) -> str:
    """The scheme of a --connect URL; anything else is bad input, refused before any work is done."""
    parts = split_url(url, "--connect", CONNECT_USAGE)
    if parts.scheme not in CONNECT_SCHEMES:
        raise InputError(f"--connect {public_url(url)}: give {CONNECT_USAGE}")
    return parts.scheme


@contextmanager
def audit_context(
    opened: Opened,
    *,
    target: Target = META,
    storage_state: Path | dict | None = None,
    trace: Path | None = None,
    secrets=None,
):
    """A new context of the opened browser with the network guard on; closed (and its trace scrubbed) on leaving.

    With a replica the context accepts its certificate; without one, certificates are checked as
    usual. A trace is scrubbed of `secrets` (auditor.redact.Secrets), of every cookie and token and
    of the person as soon as it is written. It has no screenshots: the screencast shows the person
    unmasked, and a picture cannot be scrubbed by text.
    """
    secrets = secrets if secrets is not None else Secrets()
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
    try:
        secrets.add_cookies(context.cookies())
        context.tracing.stop(path=str(path))
    except (PlaywrightError, KeyboardInterrupt) as exc:  # the browser went away first: there is no trace to keep
        say(f"warning: no trace was saved: {first_line(exc)}")
        Path(path).unlink(missing_ok=True)
        return
    scrub_trace(path, secrets, warn=say)


# ---------------------------------------------------------------------- python -m auditor.browser
def version_of(path: str | None) -> str:
    """The version an executable reports, without launching it through Playwright."""
    if path is None:
        return ""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return match.group(1) if match else ""


def main(argv: list[str]) -> int:
    """`python -m auditor.browser [--quiet]`: exit 0 and say which browser, or 1 with how to get one."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            choice = resolve(playwright=playwright)
            path = choice.path or playwright.chromium.executable_path
    except AuditorError as exc:
        if "--quiet" not in argv:
            echo(f"auditor: {exc}")
        return 1
    if "--quiet" not in argv:
        echo(choice.describe(version_of(path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
