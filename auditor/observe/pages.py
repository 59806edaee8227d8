"""What a page turned out to be: the settings page, a login wall, a check, Meta's rate-limit or
error page, a page that is gone, or one still loading; why a browser call failed; and a page's
accessibility snapshot as `auditor flows inspect` shows it to people writing a flow.

Observe asks these before it reads anything, so a page that is not the settings page costs one
wait, never a timeout per setting.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor import meta
from auditor.errors import InputError
from auditor.guarded import browsing
from auditor.observe.locate import locate
from auditor.observe.wording import any_of
from auditor.session.saved import read_state
from auditor.spec import Loaded, Vocabulary
from auditor.target import META, Target

# Chromium's errors for a site that cannot be reached at all (as opposed to one that answers with an error).
UNREACHABLE = re.compile(
    r"net::ERR_(?:CONNECTION_(?:REFUSED|RESET|CLOSED|FAILED|TIMED_OUT|ABORTED)|NAME_NOT_RESOLVED|"
    r"INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|NETWORK_CHANGED|EMPTY_RESPONSE|TIMED_OUT|"
    r"PROXY_CONNECTION_FAILED|SOCKET_NOT_CONNECTED)\b"
)
CLOSED = re.compile(r"has been closed|Target closed|Browser closed|Connection closed|browser has disconnected", re.I)


def load_failure(exc: Exception) -> str:
    """Why a browser call failed, as an observation reason: a timeout, an unreachable site, a closed browser,
    or an error."""
    if isinstance(exc, PlaywrightTimeout):
        return "timeout"
    text = str(exc)
    if CLOSED.search(text):
        return "browser_closed"
    if UNREACHABLE.search(text):
        return "site_unreachable"
    return "error"


def page_state(page, flow: Loaded, vocabulary: Vocabulary, wait_ms: float) -> tuple[str, str]:
    """Wait until the page shows its settings, or a page that stops an audit; (state, detail).

    state: ready, checkpoint, login_wall, rate_limited, error, gone, timeout (still loading) or not_found.
    """
    strings = vocabulary.strings
    ready = locate(page, flow.spec.ready, None)
    login = page.locator("input[type=password]")  # both login forms; Meta's field names are stable (catalog 9.3)
    stops = {
        key: strings[key].variants()
        for key in ("checkpoint", "rate_limited", "rate_limited_instagram", "error", "unavailable")
    }
    stop_pattern = any_of([t for group in stops.values() for t in group])
    stopper = page.get_by_role("heading", name=stop_pattern).or_(page.get_by_text(stop_pattern))
    try:
        ready.or_(login).or_(stopper).first.wait_for(state="visible", timeout=wait_ms)
    except PlaywrightTimeout:
        pass
    if ready.first.is_visible():
        return "ready", ""
    if meta.is_check_page(page.url) or _shows(page, stops["checkpoint"]):
        return "checkpoint", f"Meta showed a security check at {urlsplit(page.url).path}"
    if login.first.is_visible() or meta.is_login_page(page.url):
        return "login_wall", "Meta showed its login page instead of the settings"
    if _shows(page, stops["rate_limited"] + stops["rate_limited_instagram"]):
        return "rate_limited", "Meta showed its rate-limit page"
    if _shows(page, stops["error"]):
        return "error", 'Meta showed its error page ("Sorry, something went wrong")'
    if _shows(page, stops["unavailable"]):
        return "gone", 'the page is no longer there ("This content isn\'t available")'
    waited = f"{wait_ms / 1000:.0f} s"
    if _still_loading(page):
        return "timeout", f"the page was still loading after {waited}"
    return "not_found", f"the page did not show {flow.spec.ready.describe()} within {waited}"


MODAL = "[role=dialog][aria-modal=true], [role=alertdialog][aria-modal=true], dialog[open]"
# Shown: laid out and not hidden (what a Playwright locator's `visible` means).
VISIBLE_JS = 'e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden"'
# The page's language and whether a modal dialog is shown: one round trip before a page is read.
LOOK_JS = f"""modal => [document.documentElement.lang || "",
    [...document.querySelectorAll(modal)].some({VISIBLE_JS})]"""


def first_look(page) -> tuple[str, bool]:
    """(the page's language as it declares it, is a modal dialog shown)."""
    lang, modal = page.evaluate(LOOK_JS, MODAL)
    return lang, modal


def covering_dialog(page, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """A modal dialog over the settings: ("cookies", its name) for Meta's cookie consent, ("other", its
    name) for any other (terms, announcements), None when the page is clear. One look, no wait."""
    modal = page.locator(MODAL).filter(visible=True)
    if not modal.count():
        return None
    dialog = modal.first
    name = dialog.get_attribute("aria-label") or ""
    if not name:
        heading = dialog.get_by_role("heading").first
        name = heading.inner_text().strip() if heading.count() else dialog.inner_text().strip().split("\n")[0]
    cookies = vocabulary.strings["cookie_heading"].variants()
    if dialog.get_by_role("heading", name=any_of(cookies)).count() or name in cookies:
        return "cookies", name
    return "other", name[:120]


def close_unknown_dialog(page, vocabulary: Vocabulary, network) -> bool:
    """Close a dialog auditor does not know: Escape, or its own close control (×, "Close"), never a button that
    answers it. True when it went and the guard saw no request go out or be stopped meanwhile."""
    dialog = page.locator(MODAL).filter(visible=True).first
    log = network.log if network is not None else None
    before = (len(log.blocked), len(log.sent)) if log is not None else None
    page.keyboard.press("Escape")
    try:
        dialog.wait_for(state="hidden", timeout=CLOSE_WAIT_MS)
    except PlaywrightTimeout:
        close = dialog.get_by_role("button", name=any_of([*vocabulary.strings["close"].variants(), *CLOSE_SIGNS]))
        if not close.count():
            return False
        close.first.click()
        try:
            dialog.wait_for(state="hidden", timeout=CLOSE_WAIT_MS)
        except PlaywrightTimeout:
            return False
    return log is None or (len(log.blocked), len(log.sent)) == before


CLOSE_WAIT_MS = 2_000
CLOSE_SIGNS = ("×", "✕", "✖")  # a close control named by its sign alone


T = TypeVar("T")
SETTLE_POLL_MS = 16  # between two looks at a page that may still change: one frame (60 per second)


def settled_snapshot(page, region, wait_ms: float, between: Callable[[], T]) -> tuple[str, T | None]:
    """The region's aria snapshot once the page is done (its loading indicator gone and two snapshots
    in a row alike), and what `between` gave last. A setting that is rightly absent costs one extra
    look, not a fixed wait.

    Between two looks the page's own scripts get at least a frame. `between` runs there while the
    page is not loading (observe takes the person's texts and the screenshot then), so its last run
    saw the page as the returned snapshot shows it; None if the deadline came first.
    """
    deadline = time.monotonic() + wait_ms / 1000
    previous, taken = None, None
    while True:
        loading = _still_loading(page)
        current = _region_snapshot(region, there=bool(previous))
        if not loading and current == previous or time.monotonic() >= deadline:
            return current, taken if current == previous else None
        previous, taken = None if loading else current, None
        looked = time.monotonic()
        if not loading:
            taken = between()
        rest_ms = SETTLE_POLL_MS - (time.monotonic() - looked) * 1000
        if rest_ms > 0:
            page.wait_for_timeout(rest_ms)  # the page's own scripts run meanwhile


REGION_AGAIN_MS = 1_000  # a region there at the last look and gone now is waited for this long (a re-render)


def _region_snapshot(region, there: bool) -> str:
    """The region's snapshot; "" when there is none (an error page: nothing to wait for).

    A region that was `there` at the last look is not counted first: its snapshot is asked for at
    once, one round trip where counting takes two. If it has gone meanwhile, that is "" after a
    moment, and the next look counts it again.
    """
    if not there:
        return region.aria_snapshot(mode="ai") if region.count() else ""
    try:
        return region.aria_snapshot(mode="ai", timeout=REGION_AGAIN_MS)
    except PlaywrightTimeout:
        return ""


# Meta's pages show a progress bar while they load, or mark the region busy; one look, one round trip.
LOADING_JS = f"""() => document.readyState === "loading" || [...document.querySelectorAll(
    "[role=progressbar], progress, [aria-busy=true]")].some({VISIBLE_JS})"""


def _still_loading(page) -> bool:
    """Is the page still loading its content (a progress bar shown, a region busy, the document not parsed)?"""
    return bool(page.evaluate(LOADING_JS))


# The requests that may bring a page's content: its documents, scripts and reads (not pictures or fonts).
CONTENT_REQUESTS = ("document", "script", "xhr", "fetch")


class Traffic:
    """The page's own requests still on their way, from the browser's request events: `Traffic.of(page)`.

    A page that renders in parts sends a read for the rest and shows nothing while it waits; how
    many such reads are out is the one sign of it. Counted from the page's first request on (the
    observer attaches it before the page is opened).
    """

    _of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, page):
        self.pending: set = set()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    @classmethod
    def of(cls, page) -> "Traffic":
        if page not in cls._of:
            cls._of[page] = cls(page)
        return cls._of[page]

    def _started(self, request) -> None:
        if request.resource_type in CONTENT_REQUESTS:
            self.pending.add(request)

    def _ended(self, request) -> None:
        self.pending.discard(request)

    def in_flight(self) -> int:
        return len(self.pending)


def _shows(page, candidates: list[str]) -> bool:
    if not candidates:
        return False
    return page.get_by_text(any_of(candidates)).first.is_visible()


def dismiss_dialogs(page) -> None:
    """After a failed read, leave no dialog open for the next setting."""
    try:
        if page.get_by_role("dialog").count():
            page.keyboard.press("Escape")
    except PlaywrightError:
        pass


def inspect_page(
    url: str, *, session: Path | None = None, target: Target = META, browser_path: str | None = None
) -> str:
    """The aria snapshot of a page, for people writing a flow."""
    if not url.startswith("https://"):
        raise InputError(f"{url}:1: URL: give an https:// URL on Meta's sites")
    state = read_state(session) if session is not None else None  # checked before the browser starts
    with browsing(browser_path=browser_path, target=target, storage_state=state) as (context, _network):
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        main = page.get_by_role("main").first
        main.wait_for()
        if main.get_attribute("aria-busy") == "true":
            page.locator("[role=main][aria-busy=false]").first.wait_for()
        return page.locator("body").aria_snapshot()
