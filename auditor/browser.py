"""The browser room: finding and launching a Chromium, or reaching one with --connect.

Which Chromium, first hit wins:
1. `--browser-path` on the command line, then the AUDITOR_BROWSER environment variable;
2. a Chromium that `playwright install chromium` downloaded;
3. a system Chromium or Chrome (Debian's headless shell first: it starts three times faster).
`make` installs Debian's packages when it runs as root and finds none of these.

A browser launched here gets a watchdog (auditor.watchdog) that kills it if closing it or one of
its contexts hangs. The contexts made in it are guarded (auditor.guarded).
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import playwright as playwright_package
from playwright.sync_api import Browser

from auditor.errors import AuditorError, InputError, first_line
from auditor.redact import public_url
from auditor.shown import echo
from auditor.target import META, Target, split_url
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

    def used(self, version: str) -> str:
        """Which browser it is, for people and for observations.json: "chromium 156 from ... (system)"."""
        major = version.split(".")[0] if version else "?"
        where = self.path or "Playwright's download"
        return f"chromium {major} from {where} ({self.origin})"

    def describe(self, version: str) -> str:
        return f"browser: {self.used(version)}"


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
            args=[*args, *features_switch()],
            # Ctrl-C reaches Playwright's driver too: the page in progress still finishes (auditor.interrupt)
            handle_sigint=False,
        )
    except Exception as exc:  # Playwright raises its own Error and TimeoutError
        hint = " (a headed browser needs a display: run under xvfb-run)" if headed else ""
        raise AuditorError(f"could not start {choice.path or 'Playwright Chromium'}: {first_line(exc)}{hint}") from exc


# Chromium gives every page a tab loads a new frame host, often in a new renderer process ("RenderDocument"). A run
# loads one settings page after another in one tab: with that off, each load costs the browser about a tenth less
# CPU (bench/README.md), and the pages themselves see no difference.
DISABLED_FEATURES = ("RenderDocument",)
# Where Playwright keeps the features it turns off: its driver's bundle (from playwright-core's
# src/server/chromium/chromiumSwitches.ts), one quoted name a line.
PLAYWRIGHT_SWITCHES = ("driver", "package", "lib", "coreBundle.js")
PLAYWRIGHT_FEATURES = re.compile(r"disabledFeatures = \[(.*?)\]\.filter\(Boolean\)", re.S)
FEATURE_LINE = re.compile(r'^\s*"(\w+)",?\s*$', re.M)


@functools.cache
def features_switch() -> tuple[str, ...]:
    """`--disable-features` with Playwright's own features and ours; none when Playwright's cannot be read.

    Chromium honours only the last --disable-features of its command line, so a switch naming ours alone would
    turn Playwright's back on (among them what keeps routed pages working: PaintHolding, a CORS redirect fix).
    """
    bundle = Path(playwright_package.__file__).parent.joinpath(*PLAYWRIGHT_SWITCHES)
    try:
        found = PLAYWRIGHT_FEATURES.search(bundle.read_text(encoding="utf-8"))
    except OSError:
        return ()
    theirs = FEATURE_LINE.findall(found.group(1)) if found else []
    if not theirs:
        return ()
    return ("--disable-features=" + ",".join(dict.fromkeys([*theirs, *DISABLED_FEATURES])),)


# ---------------------------------------------------------------------- the browser a run makes contexts in
@dataclass
class Opened:
    """A browser to make contexts in: launched here, or reached with --connect."""

    browser: Browser
    browser_used: str = ""  # which it is, for people: "chromium 156 from ... (system)"
    watchdog: Watchdog = field(default_factory=lambda: Watchdog(None))  # can kill only a browser launched here


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
        browser_used = f"chromium {launched.version.split('.')[0]} at {public_url(connect)} (--connect)"
        watchdog = Watchdog(None)
    else:
        choice = resolve(browser_path, headed=headed, playwright=playwright)
        launched = launch(playwright, choice, headed=headed, args=target.launch_args())
        browser_used = choice.used(launched.version)
        watchdog = Watchdog(browser_pid(launched))
    try:
        yield Opened(launched, browser_used, watchdog)
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
