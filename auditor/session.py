"""Logging in and keeping the session. Sessions and credentials are secrets: never logged, files 0600.

Two ways in: a person logs in by hand in a headed browser (2FA, cookie dialog and checkpoints
included), or a test account logs in unattended with a password and an optional TOTP secret.
The unattended login tries once per run: a second try after a failure risks locking the account.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from playwright.sync_api import Error as PlaywrightError

from auditor.errors import AuditorError
from auditor.readers import any_of
from auditor.spec import Vocabulary

LOGIN_URLS = {"facebook": "https://www.facebook.com/login/", "instagram": "https://www.instagram.com/accounts/login/"}
OUTCOME_TIMEOUT_MS = 20_000


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
                raise LoginFailed("checkpoint", "the account asks for a two-factor code and no TOTP secret was given: log in by hand with `auditor login`")
            code = page.locator("input[name=approvals_code], form input[type=text]").first
            code.fill(pyotp.TOTP(credentials.totp_secret).now())
            code.press("Enter")
            outcome = _outcome(page, vocabulary, left="two_factor")
        if outcome == "one_tap":
            page.get_by_role("button", name=any_of(vocabulary.strings["not_now"].variants())).first.click()
            page.wait_for_url(lambda url: "/accounts/onetap" not in url)
            outcome = "logged_in"
        if outcome != "logged_in":
            raise LoginFailed(*_explain(outcome))
    except PlaywrightError as exc:
        raise LoginFailed("error", f"login page did not behave as expected: {str(exc).splitlines()[0]}") from None
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
            return seen
    return "timeout"


def _explain(outcome: str) -> tuple[str, str]:
    return {
        "rejected": ("login_wall", "Meta refused the login (wrong identifier or password?). Not retried: repeated tries can lock the account"),
        "checkpoint": ("checkpoint", "Meta asks to confirm it's you. Finish that by hand with `auditor login`, then run again"),
        "two_factor": ("checkpoint", "the two-factor code was not accepted. Not retried: check the TOTP secret and the clock"),
        "timeout": ("error", "the login page showed nothing recognisable within 20 s"),
    }[outcome]


def save(context, path: Path) -> Path:
    """Write the session (cookies and storage) with mode 0600, readable by this user only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    state = json.dumps(context.storage_state())
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(state)
    os.replace(tmp, path)
    return path
