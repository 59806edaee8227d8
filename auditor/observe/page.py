"""One settings page read as a person reads it: `read_page(page, flow, visit) -> PageRead`.

Open the page; make sure it is the settings page (not a login wall, a check or an error page);
read every setting from the settled snapshot of its main region; where one the flow expects is
not there yet, look again the way a person would (look.py: wait while the page still loads a part,
scroll to its end, open its collapsed sections); then follow what only a button shows (readers.py).
A dialog auditor does not know over the page hides nothing the tree still holds: those values are
read (`found_by: under_dialog`), and only what needs a click waits for the dialog to go.

Observe reads every page of a run with it, and apply reads a setting before and after its change
with it. A browser call that fails on the way makes the page unknown with why (a PageRead whose
inventory says so), never an exception: `failure` says why, the one place an error becomes a reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from auditor.errors import first_line
from auditor.meta import flow_url
from auditor.observe import evidence, look
from auditor.observe.locate import locate
from auditor.observe.pages import (
    Traffic,
    close_unknown_dialog,
    covering_dialog,
    first_look,
    load_failure,
    page_state,
)
from auditor.observe.readers import Reader
from auditor.observe.setting import observe_setting
from auditor.observe.wording import NotFound, Words
from auditor.outcome import not_read, page_gone
from auditor.redact import Scrubber
from auditor.results import Observation, PageInventory
from auditor.session.login import answer_cookie_dialog
from auditor.spec import Loaded

if TYPE_CHECKING:
    from auditor.visit import Visit

READY_TIMEOUT_MS = 15_000
LANGS = {"en": "en_US", "en-us": "en_US", "en-gb": "en_GB", "de": "de_DE", "de-de": "de_DE"}
RETRY_UNREACHABLE_S = 2.0  # one more try after a network error: a blip should not end an audit
EVIDENCE = "evidence"  # the screenshots' folder, beside observations.json


def detect_locale(page) -> str | None:
    """The account's UI language, from the page itself; it is never changed."""
    return locale_of(page.evaluate("document.documentElement.lang") or "")


def locale_of(lang: str) -> str | None:
    """The flows' locale for a page's declared language (en-GB: en_GB), None for one they do not cover."""
    return LANGS.get(lang.strip().lower())


@dataclass
class PageRead:
    """What one page showed: an observation per setting of the flow, and the page's inventory."""

    observations: list[Observation]
    inventory: PageInventory
    locale: str | None = None

    @property
    def reason(self) -> str | None:
        """Why the page could not be read (login_wall, checkpoint, rate_limited, ...), None if it was."""
        return self.inventory.reason if self.inventory.status != "ok" else None


def read_page(
    page, flow: Loaded, visit: Visit, *, seconds_left: float = float("inf"), snapshots: dict[str, str] | None = None
) -> PageRead:
    """Open the flow's page (a reload if it is open) and read every setting on it, with the visit's guard and options.

    No wait outlasts `seconds_left`. Screenshots go to evidence/ in the visit's folder when the run keeps
    evidence; `snapshots` (flow id -> the region's snapshot) keeps what the page showed, for tests that save them.
    """
    return _PageReader(visit, snapshots).read(page, flow, seconds_left)


def failure(exc: Exception, doing: str, step: bool = False) -> tuple[str, str]:
    """Why a page could not be read, as (reason, detail), from the browser call that failed while `doing` (or, in a
    navigation `step`, the control that was not found): the one place the reading turns an error into a reason."""
    reason = "not_found" if isinstance(exc, NotFound) else load_failure(exc)
    if step and reason in ("timeout", "error"):  # a step's control is not there: the page changed
        reason = "not_found"
    return reason, f"{doing}: {first_line(exc)}"


class _PageReader:
    def __init__(self, visit: Visit, snapshots: dict[str, str] | None = None):
        self.visit = visit
        self.vocabulary = visit.options.flow_set.vocabulary
        self.platforms = visit.platforms
        self.network = visit.network  # the cookie dialog's answer, and dialogs closed without a request
        self.secrets = visit.secrets  # of the run's trace: the person's masked texts are added
        keep = visit.options.evidence and visit.folder is not None
        self.evidence_dir = visit.folder / EVIDENCE if keep else None  # None: no screenshots
        self.option_lists = visit.options.option_lists  # open audience and choice dialogs (drift compares them)
        self.snapshots = snapshots
        self.progress = visit.say

    def read(self, page, flow: Loaded, seconds_left: float) -> PageRead:
        url = flow_url(flow, self.platforms)
        wait_ms = max(1, min(READY_TIMEOUT_MS, seconds_left * 1000))  # no wait outlasts the run's deadline
        opened = False
        try:
            page.set_default_timeout(wait_ms)
            page.set_default_navigation_timeout(wait_ms)
            Traffic.of(page)  # counting the page's requests from its first one (look.py)
            self._open(page, url, seconds_left)
            opened = True
            return self._read(page, flow, wait_ms, seconds_left)
        except PlaywrightError as exc:  # whatever failed, the page is unknown, with why
            doing, where = ("reading the page failed", page.url) if opened else (f"could not open {url}", url)
            return self._unknown(flow, where, *failure(exc, doing))

    def _open(self, page, url: str, seconds_left: float) -> None:
        """Go to the page; a network error is tried once more (a blip should not end an audit)."""
        try:
            page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            if load_failure(exc) != "site_unreachable" or seconds_left < RETRY_UNREACHABLE_S:
                raise
            time.sleep(RETRY_UNREACHABLE_S)  # a pause before the one retry, not synchronisation
            page.goto(url, wait_until="domcontentloaded")

    def _read(self, page, flow: Loaded, wait_ms: float, seconds_left: float) -> PageRead:
        state, detail = page_state(page, flow, self.vocabulary, wait_ms)
        if state == "gone":
            return self._unknown(flow, page.url, "not_found", detail, gone=True)
        if state != "ready":
            return self._unknown(flow, page.url, state, detail)
        lang, modal = first_look(page)
        locale = locale_of(lang)
        if locale is None:
            return self._unknown(
                flow, page.url, "unsupported_locale", f'the page is in "{lang}", which the flows do not cover'
            )
        covered = covering_dialog(page, self.vocabulary) if modal else None
        if covered is not None and covered[0] == "cookies":
            self._decline_cookies(page)
        elif covered is not None:
            return self._under_dialog(page, flow, locale, wait_ms, seconds_left, covered[1])
        return self._steps_and_settings(page, flow, locale, wait_ms, seconds_left)

    def _under_dialog(self, page, flow: Loaded, locale: str, wait_ms: float, seconds_left: float, name: str):
        """What the page shows under a dialog auditor does not know, read without a click; then, if the dialog
        goes with Escape or its own close control and no request, the rest. Otherwise the rest is blocked."""
        under = self._settings(page, flow, locale, wait_ms, seconds_left, covered_by=name)
        if all(o.status == "observed" for o in under.observations):
            return under
        if close_unknown_dialog(page, self.vocabulary, self.network):
            after = self._steps_and_settings(page, flow, locale, wait_ms, seconds_left)
            kept = {o.setting: o for o in under.observations if o.status == "observed"}
            after.observations = [kept.get(o.setting, o) for o in after.observations]
            return after
        blocked = f'the dialog "{name}" covers the page, and the setting may be behind a click'
        under.observations = [
            o
            if o.status == "observed"
            else o.model_copy(update={"status": "unknown", "reason": "blocked_by_dialog", "detail": blocked})
            for o in under.observations
        ]
        return under

    def _steps_and_settings(self, page, flow: Loaded, locale: str, wait_ms: float, seconds_left: float) -> PageRead:
        try:
            for step in flow.spec.steps:
                step.run(page, locale)
        except (PlaywrightError, NotFound) as exc:  # here, not in read: under a dialog, what it left is kept
            return self._unknown(flow, page.url, *failure(exc, "a navigation step failed", step=True), locale)
        return self._settings(page, flow, locale, wait_ms, seconds_left)

    def _settings(
        self, page, flow: Loaded, locale: str, wait_ms: float, seconds_left: float, covered_by: str | None = None
    ) -> PageRead:
        """Every setting of the page, once it shows all it will; with `covered_by`, nothing is clicked."""
        region = locate(page, flow.spec.region, None).first
        words = Words(self.vocabulary, locale)
        take = partial(evidence.take, page, flow, locale, screenshot=self.evidence_dir is not None)
        looker = look.Looker(page, region, flow, words, take)
        seen = looker.look(wait_ms, seconds_left, clicks=covered_by is None)
        if self.snapshots is not None:
            self.snapshots[flow.id] = seen.snapshot
        reader = Reader(
            page,
            region,
            seen.reader,
            words,
            self.option_lists,
            covered_by,
            fresh=lambda: looker.look(wait_ms, 0).reader,
        )
        readings = [observe_setting(reader, flow, setting, page.url, seen.found_by) for setting in flow.spec.settings]
        return self._finish(page, flow, locale, seen, readings, reader.personal)

    def _finish(self, page, flow: Loaded, locale: str, seen: look.Seen, readings, in_dialogs: list[str]) -> PageRead:
        """The page's inventory and screenshot beside the settings read, the person scrubbed out of all of them."""
        found = [observation for observation, _claimed in readings]
        kept = seen.kept
        try:
            if kept.error is not None:
                raise kept.error
            personal = kept.personal + in_dialogs  # the account picker's profiles too
            if self.secrets is not None:  # the trace holds every page: it is scrubbed of what all of them masked
                self.secrets.add_personal(personal)
            scrub = Scrubber(personal)
            controls = evidence.inventory(seen.reader.controls, readings, flow, locale)
            inventory = PageInventory(
                flow=flow.id, url=page.url, status="ok", locale=locale, controls=[scrub.control(c) for c in controls]
            )
            if self.evidence_dir is not None:
                inventory.screenshot = evidence.save(kept.image, flow, self.evidence_dir, f"{EVIDENCE}/", self.progress)
        except PlaywrightError as exc:  # the settings were read; the page's inventory could not be taken
            scrub = Scrubber([])
            reason, detail = failure(exc, "the page's controls could not be listed")
            inventory = PageInventory(
                flow=flow.id, url=page.url, status="unknown", reason=reason, locale=locale, detail=detail
            )
        return PageRead([scrub.observation(o) for o in found], inventory, locale)

    def _decline_cookies(self, page) -> None:
        """Meta's cookie dialog in a new browser: decline the optional cookies, as the login does.

        The answer is the one request an audit lets through besides reads (`Network.cookie_answer`).
        """
        with self.network.cookie_answer():
            answer_cookie_dialog(page, self.vocabulary)
        self.visit.cookie_dialogs_declined += 1

    def _unknown(
        self, flow: Loaded, url: str, reason: str, detail: str, locale: str | None = None, gone: bool = False
    ) -> PageRead:
        found = (page_gone if gone else not_read)(flow, self.platforms, reason, detail, url)
        inventory = PageInventory(flow=flow.id, url=url, status="unknown", reason=reason, detail=detail, locale=locale)
        return PageRead(found, inventory, locale)
