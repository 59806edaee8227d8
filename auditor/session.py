"""Logging in and keeping the session. Sessions and credentials are secrets: never logged, files 0600.

Two ways in: a person logs in by hand in a headed browser (`auditor login`: 2FA, cookie dialog
and checkpoints included), or a test account logs in unattended with a password and an optional
TOTP secret. The unattended login tries once per run: a second try after a failure risks locking
the account.

A person's login is done when the browser holds the platform's session cookies and shows a page
that is neither the login form nor a check: we wait for that state (after every navigation)
instead of asking them to press Enter, so 2FA, a checkpoint or a CAPTCHA simply take longer.
Saved sessions live in the user's data folder (`sessions/<platform>.json`, and apart from them
`sessions/replica/` for sessions made on a replica, so a real session is never sent to one).
Every folder made to hold them is 0700; one of ours found readable by others is tightened.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Error as PlaywrightError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.errors import AuditorError, InputError
from auditor.files import write_atomic
from auditor.readers import any_of
from auditor.spec import Vocabulary
from auditor.userfile import load_json

LOGIN_URLS = {"facebook": "https://www.facebook.com/login/", "instagram": "https://www.instagram.com/accounts/login/"}
OUTCOME_TIMEOUT_MS = 20_000
# The cookies that exist only once a login went through (Meta sets them after the second factor).
SESSION_COOKIES = {"facebook": ("c_user", "xs"), "instagram": ("sessionid",)}
PERSON_TIMEOUT_S = 600  # a person may need a while: 2FA on a phone, a checkpoint, a CAPTCHA
# Pages that are not "logged in" yet although session cookies may exist: login forms and checks.
NOT_THERE_YET = re.compile(r"/(?:login|checkpoint|challenge|two_step_verification|two_factor|auth_platform|login_approvals)(?:[/.?_]|$)")
CAPTCHA = "iframe[src*='captcha' i], iframe[title*='captcha' i], iframe[src*='arkoselabs' i], iframe[src*='funcaptcha' i]"


NOT_TOTP = "not a TOTP secret: give the key Meta shows when two-factor is set up (letters A-Z and digits 2-7), without spaces"


def is_totp_secret(secret: str) -> bool:
    """Can codes be made from it? Checked before any login: pyotp's error would come mid-login."""
    try:
        pyotp.TOTP(secret).now()
    except (ValueError, TypeError):  # binascii.Error, a ValueError, for what is not base32
        return False
    return True


@dataclass(frozen=True)
class Credentials:
    identifier: str
    password: str = field(repr=False)
    totp_secret: str | None = field(default=None, repr=False)


class LoginFailed(AuditorError):
    """The login did not get through; `reason` is one of the observation reasons."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def login(context, platform: str, credentials: Credentials, vocabulary: Vocabulary) -> None:
    """Log in once, unattended; raises LoginFailed with a hand-off message when a person is needed."""
    page = context.new_page()
    try:
        page.goto(LOGIN_URLS[platform], wait_until="domcontentloaded")
        _answer_cookie_dialog(page, vocabulary)
        page.locator("input[name=email]").fill(credentials.identifier)
        password = page.locator("input[name=pass]")
        password.fill(credentials.password)
        password.press("Enter")  # Facebook's "Log In" is no longer a submit button (catalog 9.3)
        outcome = _outcome(page, vocabulary)
        if outcome == "two_factor":
            if not credentials.totp_secret:
                raise LoginFailed("checkpoint", f"the {platform} account asks for a two-factor code and no TOTP secret was "
                                                f"given: log in by hand with `auditor login {platform}`, then run again")
            code = page.locator("input[name=approvals_code], form input[type=text]").first
            code.fill(pyotp.TOTP(credentials.totp_secret).now())
            code.press("Enter")
            outcome = _outcome(page, vocabulary, left="two_factor")
        if outcome == "one_tap":
            page.get_by_role("button", name=any_of(vocabulary.strings["not_now"].variants())).first.click()
            page.wait_for_url(lambda url: "/accounts/onetap" not in url)
            outcome = "logged_in"
        if outcome != "logged_in":
            raise LoginFailed(*_explain(outcome, platform))
    except PlaywrightError as exc:
        raise LoginFailed("error", f"the {platform} login page did not behave as expected: {str(exc).splitlines()[0]}") from None
    finally:
        page.close()


def _answer_cookie_dialog(page, vocabulary: Vocabulary) -> None:
    """EU/UK visitors first get a cookie dialog; we always decline the optional cookies."""
    heading = page.get_by_role("heading", name=any_of(vocabulary.strings["cookie_heading"].variants()))
    if not heading.count():
        return
    page.get_by_role("button", name=any_of(vocabulary.strings["cookie_decline"].variants())).first.click()
    heading.wait_for(state="detached")


def _outcome(page, vocabulary: Vocabulary, *, left: str | None = None) -> str:
    """Wait for what the login led to: logged in, a second factor, a check, or an error message.

    `left` names the step just answered: its page may still show while the next one loads, so
    it does not count as an outcome. A page can also change between the wait and the look;
    then we wait again, until the deadline.
    """
    s = vocabulary.strings
    markers = {  # an error message first: a rejected code comes back on the page that asked for it
        "rejected": page.get_by_role("alert").filter(has_text=re.compile(r"\w")),
        "logged_in": page.get_by_role("button", name=any_of(s["your_profile"].variants())),
        "one_tap": page.get_by_role("button", name=any_of(s["not_now"].variants())),
        "two_factor": page.get_by_role("heading", name=any_of(s["two_factor"].variants())),
        "checkpoint": page.get_by_role("heading", name=any_of(s["checkpoint"].variants())),
        "captcha": page.locator(CAPTCHA),
    }
    markers.pop(left, None)
    anything = None
    for marker in markers.values():
        anything = marker if anything is None else anything.or_(marker)
    deadline = time.monotonic() + OUTCOME_TIMEOUT_MS / 1000
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            anything.first.wait_for(state="visible", timeout=remaining * 1000)
        except PlaywrightError:
            break
        seen = next((name for name, marker in markers.items() if marker.first.is_visible()), None)
        if seen is not None:
            # What it shows can be on screen before the page's own script has run (a busy machine): a click or
            # a key then does nothing, or submits the form to the wrong place. The script has run by DOMContentLoaded.
            page.wait_for_load_state("domcontentloaded")
            return seen
    if re.search(r"/(?:checkpoint|challenge|auth_platform|login_approvals)(?:[/?]|$)", urlsplit(page.url).path + "?"):
        return "checkpoint"  # a check whose wording we do not know
    return "timeout"


def _explain(outcome: str, platform: str) -> tuple[str, str]:
    by_hand = f"finish that by hand with `auditor login {platform}` (a browser window opens), then run again"
    return {
        "rejected": ("login_wall", f"Meta refused the {platform} login (wrong email or password?). Not retried: repeated tries can lock the account"),
        "checkpoint": ("checkpoint", f"Meta asks to confirm it's you on {platform}: {by_hand}"),
        "captcha": ("checkpoint", f"Meta shows a CAPTCHA on the {platform} login: {by_hand}"),
        "two_factor": ("checkpoint", f"the {platform} two-factor code was not accepted. Not retried: check the TOTP secret and the clock"),
        "timeout": ("error", f"the {platform} login page showed nothing recognisable within {OUTCOME_TIMEOUT_MS // 1000} s"),
    }[outcome]


# ---------------------------------------------------------------------- a person's login
def require_display(platform: str, replica_url: str | None = None) -> None:
    """A headed browser needs a screen; say so before trying to open one, and where a session made elsewhere goes."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise AuditorError(
            "`auditor login` opens a browser window for you to log in, and this machine has no display "
            "(neither DISPLAY nor WAYLAND_DISPLAY is set). Log in on a machine with a screen (or over `ssh -X`) and "
            f"copy the session file to {session_path(platform, replica_url)} here (mode 0600); test accounts can log "
            "in unattended with AUDITOR_EMAIL and AUDITOR_PASSWORD instead"
        )


def login_by_hand(platform: str, *, replica_url: str | None = None, browser_path: str | None = None,
                  headed: bool = True, timeout_s: float = PERSON_TIMEOUT_S, person=None) -> Path:
    """Open the login page, wait until the person is logged in, save the session; returns its path.

    `person(page)` is called once the login page is open: tests use it to play the person in a
    headless browser. The session is written only when the login went through.
    """
    from auditor.pipeline import browsing, say

    if headed:
        require_display(platform, replica_url)
    path = session_path(platform, replica_url)
    with browsing(browser_path=browser_path, replica_url=replica_url, headed=headed) as browser:
        browser.network.audit = False  # the person logs in, answers the cookie dialog and checks: all writes
        browser.network.meta_only = bool(replica_url)  # a CAPTCHA may come from elsewhere (fbsbx, recaptcha)
        page = browser.context.new_page()
        page.goto(LOGIN_URLS[platform], wait_until="domcontentloaded")
        say(f"log in to {platform} in the browser window (two-factor, cookie dialog and checks included); "
            f"waiting up to {timeout_s / 60:g} min")
        if person is not None:
            person(page)
        wait_for_person(page, platform, timeout_s)
        save(browser.context, path)
    say(f"session saved: {path} (readable by you only)")
    return path


def wait_for_person(page, platform: str, timeout_s: float) -> None:
    """Wait, navigation by navigation, until the page holds a live session past every check."""
    deadline = time.monotonic() + timeout_s
    while (remaining := deadline - time.monotonic()) > 0 and not page.is_closed():
        try:
            # The waiter is in place before the look, so a navigation between the two is not missed;
            # closing the window ends the wait too.
            with page.expect_event("framenavigated", timeout=remaining * 1000):
                if logged_in(page, platform):
                    raise _LoggedIn
        except _LoggedIn:
            return
        except PlaywrightError:
            pass  # the deadline or a closed window, both seen by the loop's test
    if page.is_closed():
        raise AuditorError(f"the browser window was closed before the {platform} login finished; nothing was saved")
    raise AuditorError(f"no {platform} login within {int(timeout_s)} s; nothing was saved. Run `auditor login {platform}` again")


class _LoggedIn(Exception):
    """Leaves the navigation wait at once (an exception cancels Playwright's waiter)."""


def logged_in(page, platform: str) -> bool:
    if page.is_closed() or NOT_THERE_YET.search(urlsplit(page.url).path):
        return False
    names = {c["name"] for c in page.context.cookies(LOGIN_URLS[platform]) if c.get("value")}
    return set(SESSION_COOKIES[platform]) <= names


# ---------------------------------------------------------------------- saved sessions
def data_folder() -> Path:
    """auditor's folder in the user's data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("auditor", appauthor=False))


def session_path(platform: str, replica_url: str | None = None) -> Path:
    """Where `auditor login` keeps a platform's session: the user's data folder, never the repo or a report folder."""
    folder = data_folder() / "sessions"
    return (folder / "replica" if replica_url else folder) / f"{platform}.json"


def save(context, path: Path) -> Path:
    """Write the session (cookies and storage) with mode 0600, readable by this user only."""
    return write_private(Path(path), json.dumps(context.storage_state()))


def write_private(path: Path, text: str) -> Path:
    """Create the file 0600 from the start (never chmod after: the secret would be readable in between)."""
    private_folder(path.parent)
    return write_atomic(path, text, private=True)


def private_folder(folder: Path) -> Path:
    """Make `folder` and every missing parent 0700, whatever the umask; tighten ours (in data_folder) if others can read them.

    Ours were 0755 before auditor made them 0700: a session in them was safe (0600), but not which
    sessions there are. A folder elsewhere that exists already is the user's: left as it is.
    """
    chain = [folder, *folder.parents]
    for missing in reversed([p for p in chain if not p.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)
        missing.chmod(0o700)  # mkdir's mode passes through the umask
    ours = data_folder()
    for existing in chain:
        if existing.is_relative_to(ours) and existing.stat().st_mode & 0o077:
            print(f"note: {existing} could be read by others (mode {existing.stat().st_mode & 0o777:o}); "
                  "made it yours only (0700)", file=sys.stderr)
            existing.chmod(0o700)
    return folder


class _Typed(BaseModel):
    model_config = ConfigDict(strict=True)  # no "1" for 1 or 1 for "1": the browser takes neither; other keys pass


class SavedCookie(_Typed):
    """A cookie as Playwright's storage_state writes it, and as Chromium accepts it back."""

    name: str
    value: str
    domain: Annotated[str, Field(min_length=1)]
    path: Annotated[str, Field(pattern="^/")]
    expires: float = -1  # -1: a session cookie; else seconds since 1970, at most the end of the year 9999
    httpOnly: bool = False
    secure: bool = False
    sameSite: Literal["Strict", "Lax", "None"] = "Lax"
    partitionKey: str | None = None

    @field_validator("name", "value")
    @classmethod
    def _cookie_text(cls, text: str, info) -> str:
        if re.search(r"[;\x00-\x1f\x7f]", text) or (info.field_name == "name" and "=" in text):
            raise ValueError("Chromium refuses ';' and control characters in a cookie (and '=' in its name)")
        return text

    @field_validator("expires")
    @classmethod
    def _a_time(cls, expires: float) -> float:
        if expires != -1 and not 0 <= expires <= 253402300799:
            raise ValueError("-1 (a session cookie) or seconds since 1970, up to the year 9999")
        return expires


class StoredItem(_Typed):
    name: str
    value: str


class SavedOrigin(_Typed):
    origin: str
    localStorage: list[StoredItem] = []


class SavedState(_Typed):
    cookies: list[SavedCookie]
    origins: list[SavedOrigin] = []


def read_state(path: Path) -> dict:
    """A saved session file, checked as the browser will take it; a file that is not one is bad input."""
    state = load_json(path, "session", "a saved session")
    if not isinstance(state, dict) or not isinstance(state.get("cookies"), list):
        raise InputError(f"{path}:1: cookies: not a saved session (no cookie list)")
    try:
        SavedState.model_validate(state)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(part) for part in err["loc"])
        raise InputError(f"{path}:1: {field}: {err['msg'].removeprefix('Value error, ')}") from None
    return state


def merge_states(states: list[dict]) -> dict:
    """One storage state from several (one per platform): later cookies and origins win."""
    cookies = {(c.get("name"), c.get("domain"), c.get("path")): c for s in states for c in s.get("cookies", [])}
    origins = {o.get("origin"): o for s in states for o in s.get("origins", [])}
    return {"cookies": list(cookies.values()), "origins": list(origins.values())}
