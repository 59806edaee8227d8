"""Finding and launching a Chromium: an explicit path, Playwright's own download, or the system's.

Resolution order (first hit wins):
1. `--browser-path` on the command line, then the AUDITOR_BROWSER environment variable;
2. a Chromium that `playwright install chromium` downloaded;
3. a system Chromium or Chrome (Debian's headless shell first: it starts three times faster).
`make` installs Debian's packages when it runs as root and finds none of these.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from auditor.errors import AuditorError, InputError

ENV_VAR = "AUDITOR_BROWSER"
LAUNCH_TIMEOUT_MS = 30_000

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

HOW_TO_GET_ONE = (
    "no Chromium found. Get one with `python -m playwright install chromium` "
    "(or on Debian/Ubuntu: `sudo apt-get install chromium`), "
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
    raise AuditorError(HOW_TO_GET_ONE)


def launch(playwright, choice: BrowserChoice, *, headed: bool = False, args: list[str] = ()):
    """Launch the chosen browser; a browser that does not start is an error with advice, never a hang."""
    try:
        return playwright.chromium.launch(
            executable_path=choice.path, headless=not headed, timeout=LAUNCH_TIMEOUT_MS, args=list(args),
            handle_sigint=False,  # Ctrl-C reaches Playwright's driver too: the page in progress still finishes (auditor.interrupt)
        )
    except Exception as exc:  # Playwright raises its own Error and TimeoutError
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = " (a headed browser needs a display: run under xvfb-run)" if headed else ""
        raise AuditorError(f"could not start {choice.path or 'Playwright Chromium'}: {first_line}{hint}") from exc


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
            print(f"auditor: {exc}")
        return 1
    if "--quiet" not in argv:
        print(choice.describe(version_of(path)))
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
