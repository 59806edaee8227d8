"""Logging in: unattended for test accounts, or by a person in a headed browser (`auditor login`).

The unattended login tries once per run: a second try after a failure risks locking the account.
A person's login is done when the browser holds the platform's session cookies and shows a page
that is neither the login form nor a check: we wait for that state (after every navigation)
instead of asking them to press Enter, so 2FA, a checkpoint or a CAPTCHA simply take longer.
Credentials are secrets: never logged, never a command-line option.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pyotp
from playwright.sync_api import Error as PlaywrightError

from auditor import meta
from auditor.errors import AuditorError, LoginFailed, first_line, say
from auditor.guarded import browsing
from auditor.meta import LOGIN_URLS, SESSION_COOKIES
from auditor.observe.wording import any_of
from auditor.session.saved import save, session_path
from auditor.session.way_in import Credentials
from auditor.spec import Vocabulary
from auditor.target import META, Target

OUTCOME_TIMEOUT_MS = 20_000
PERSON_TIMEOUT_S = 600  # a person may need a while: 2FA on a phone, a checkpoint, a CAPTCHA
CAPTCHA = (
    "iframe[src*='captcha' i], iframe[title*='captcha' i], iframe[src*='arkoselabs' i], iframe[src*='funcaptcha' i]"
)


def login(context, platform: str, credentials: Credentials, vocabulary: Vocabulary) -> None:
    """Log in once, unattended; raises LoginFailed with a hand-off message when a person is needed."""
    page = context.new_page()
    try:
        page.goto(LOGIN_URLS[platform], wait_until="domcontentloaded")
        answer_cookie_dialog(page, vocabulary)
        page.locator("input[name=email]").fill(credentials.identifier)
        password = page.locator("input[name=pass]")
        password.fill(credentials.password)
        password.press("Enter")  # Facebook's "Log In" is no longer a submit button (catalog 9.3)
        outcome = _outcome(page, vocabulary)
        if outcome == "two_factor":
            if not credentials.totp_secret:
                raise LoginFailed(
                    "checkpoint",
                    f"the {platform} account asks for a two-factor code and no TOTP secret was "
                    f"given: log in by hand with `auditor login {platform}`, then run again",
                )
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
        raise LoginFailed("error", f"the {platform} login page did not behave as expected: {first_line(exc)}") from None
    finally:
        page.close()


def answer_cookie_dialog(page, vocabulary: Vocabulary) -> None:
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
    if meta.is_check_page(page.url):
        return "checkpoint"  # a check whose wording we do not know
    return "timeout"


def _explain(outcome: str, platform: str) -> tuple[str, str]:
    by_hand = f"finish that by hand with `auditor login {platform}` (a browser window opens), then run again"
    return {
        "rejected": (
            "login_wall",
            f"Meta refused the {platform} login (wrong email or password?). "
            "Not retried: repeated tries can lock the account",
        ),
        "checkpoint": ("checkpoint", f"Meta asks to confirm it's you on {platform}: {by_hand}"),
        "captcha": ("checkpoint", f"Meta shows a CAPTCHA on the {platform} login: {by_hand}"),
        "two_factor": (
            "checkpoint",
            f"the {platform} two-factor code was not accepted. Not retried: check the TOTP secret and the clock",
        ),
        "timeout": (
            "error",
            f"the {platform} login page showed nothing recognisable within {OUTCOME_TIMEOUT_MS // 1000} s",
        ),
    }[outcome]


# ---------------------------------------------------------------------- a person's login
def require_display(platform: str, target: Target = META) -> None:
    """A headed browser needs a screen; say so before trying to open one, and where a session made elsewhere goes."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise AuditorError(
            "`auditor login` opens a browser window for you to log in, and this machine has no display "
            "(neither DISPLAY nor WAYLAND_DISPLAY is set). Log in on a machine with a screen (or over `ssh -X`) and "
            f"copy the session file to {session_path(platform, target)} here (mode 0600); test accounts can log "
            "in unattended with AUDITOR_EMAIL and AUDITOR_PASSWORD instead"
        )


def login_by_hand(
    platform: str,
    *,
    target: Target = META,
    browser_path: str | None = None,
    headed: bool = True,
    timeout_s: float = PERSON_TIMEOUT_S,
    person=None,
) -> Path:
    """Open the login page, wait until the person is logged in, save the session; returns its path.

    `person(page)` is called once the login page is open: tests use it to play the person in a
    headless browser. The session is written only when the login went through.
    """
    if headed:
        require_display(platform, target)
    path = session_path(platform, target)
    with browsing(browser_path=browser_path, target=target, headed=headed) as (context, network):
        # A person drives this window: what they send (the form, a check, the cookie dialog, a CAPTCHA) is
        # theirs, as in their own browser, so the guard does not judge it; the window closes once they are in.
        network.audit = False
        network.meta_only = target.hand_login_meta_only
        page = context.new_page()
        page.goto(LOGIN_URLS[platform], wait_until="domcontentloaded")
        say(
            f"log in to {platform} in the browser window (two-factor, cookie dialog and checks included); "
            f"waiting up to {timeout_s / 60:g} min"
        )
        if person is not None:
            person(page)
        wait_for_person(page, platform, timeout_s)
        save(context, path)
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
    raise AuditorError(
        f"no {platform} login within {int(timeout_s)} s; nothing was saved. Run `auditor login {platform}` again"
    )


class _LoggedIn(Exception):
    """Leaves the navigation wait at once (an exception cancels Playwright's waiter)."""


def logged_in(page, platform: str) -> bool:
    if page.is_closed() or meta.is_login_page(page.url) or meta.is_check_page(page.url):
        return False
    names = {c["name"] for c in page.context.cookies(LOGIN_URLS[platform]) if c.get("value")}
    return set(SESSION_COOKIES[platform]) <= names
