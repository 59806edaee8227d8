"""The observe stage: run the flows in a logged-in browser context and record what every setting shows.

Only this stage (with readers, session and network) touches a browser. A failure on one setting
or page is recorded as `unknown` with a typed reason and the run goes on; a login wall, a
checkpoint or a rate-limit page stops it (going on would only make things worse for the account),
and every setting not yet read is recorded with that reason. Ctrl-C keeps what was read so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from auditor import __version__, aria, evidence, interrupt
from auditor.errors import first_line, say
from auditor.guard import Network
from auditor.meta import flow_url
from auditor.outcome import (
    INTERRUPTED,
    NOT_LOADED,
    OUT_OF_TIME,
    STOP_ADVICE,
    STOPS_THE_RUN,
    UNGUARDED,
    not_applicable_observations,
    not_read,
    page_gone,
    too_little_read,
)
from auditor.pages import (
    covering_dialog,
    dismiss_dialogs,
    first_look,
    load_failure,
    page_state,
    run_step,
    settled_snapshot,
)
from auditor.readers import NotFound, Reader, UnsupportedLocale, locate
from auditor.redact import Scrubber, Secrets
from auditor.results import Observation, Observations, PageInventory, Run, Source, now
from auditor.session.login import answer_cookie_dialog
from auditor.snapshot import SnapshotReader
from auditor.spec import Loaded, NotApplicable, Vocabulary
from auditor.wording import Words

READY_TIMEOUT_MS = 15_000
LANGS = {"en": "en_US", "en-us": "en_US", "en-gb": "en_GB", "de": "de_DE", "de-de": "de_DE"}
RETRY_UNREACHABLE_S = 2.0  # one more try after a network error: a blip should not end an audit
TIMEOUTS_IN_A_ROW = 3  # pages that did not load in time, one after the other: the site stopped answering


def detect_locale(page) -> str | None:
    """The account's UI language, from the page itself; it is never changed."""
    return locale_of(page.evaluate("document.documentElement.lang") or "")


def locale_of(lang: str) -> str | None:
    """The flows' locale for a page's declared language (en-GB: en_GB), None for one they do not cover."""
    return LANGS.get(lang.strip().lower())


@dataclass
class Observer:
    context: BrowserContext
    flows: list[Loaded]
    vocabulary: Vocabulary
    not_applicable: list[NotApplicable]
    platforms: list[str]
    evidence_dir: Path | None = None  # screenshots go here; None: no screenshots
    evidence_prefix: str = ""  # path of evidence_dir as stored in the JSON (relative to it)
    target: str = "meta"
    browser: str | None = None
    pace_seconds: float = 0.0  # pause between page loads, for the account's sake (0 on the replica)
    progress: Callable[[str], None] = say
    network: Network | None = None  # for the count of requests blocked and sent
    deadline: float | None = None  # time.monotonic() after which no page is started, and waits end
    secrets: Secrets | None = None  # of the run's trace: the person's masked texts are added
    option_lists: bool = False  # open audience and choice dialogs for their option lists (drift compares them)
    snapshots: dict[str, str] | None = None  # flow id -> the region's snapshot, kept for tests that save them
    cookie_dialogs_declined: int = 0

    def run(self) -> Observations:
        run = Run(
            tool_version=__version__,
            started=now(),
            platforms=self.platforms,
            browser=self.browser,
            target=self.target,
            flows=[Source(id=f.id, sha256=f.sha256, checked_on=str(f.spec.checked_on)) for f in self.flows],
        )
        observations: list[Observation] = []
        pages: list[PageInventory] = []
        stop: tuple[str, str] | None = None
        timeouts = 0  # pages in a row that did not load in time
        try:
            page = self.context.new_page()
        except PlaywrightError as exc:
            page, stop = None, (load_failure(exc), f"not read: could not open a page: {first_line(exc)}")
        try:
            for index, flow in enumerate(self.flows):
                if stop is None and interrupt.requested():
                    run.interrupted = True
                    stop = ("interrupted", INTERRUPTED)
                if stop is None and self._seconds_left() <= 0:
                    stop = ("timeout", OUT_OF_TIME)
                if stop is None and self.network is not None and self.network.log.unguarded:
                    stop = ("error", UNGUARDED)
                if stop is None:
                    if index and self.pace_seconds:  # for the account's sake, not synchronisation
                        time.sleep(min(self.pace_seconds, self._seconds_left()))
                    found, inventory, locale = self._observe_page(page, flow)
                    run.locale = run.locale or locale
                    timeouts = timeouts + 1 if inventory.reason == "timeout" else 0
                    if inventory.reason in STOPS_THE_RUN:
                        stop = (
                            inventory.reason,
                            f"not read: the run stopped at {flow.id} ({STOP_ADVICE[inventory.reason]})",
                        )
                    elif timeouts >= TIMEOUTS_IN_A_ROW:
                        stop = ("site_unreachable", f"not read: {timeouts} pages in a row did not load in time")
                else:
                    found, url = not_read(flow, self.platforms, stop[0], stop[1]), flow_url(flow, self.platforms)
                    inventory = PageInventory(flow=flow.id, url=url, status="unknown", reason=stop[0], detail=stop[1])
                observations += found
                pages.append(inventory)
                self._report(flow, found)
        except KeyboardInterrupt:  # the second Ctrl-C: no more Playwright calls, they could wait forever
            run.interrupted = True
            done = {p.flow for p in pages}
            for flow in self.flows:
                if flow.id not in done:
                    observations += not_read(flow, self.platforms, "interrupted", INTERRUPTED)
                    pages.append(
                        PageInventory(
                            flow=flow.id, url=flow_url(flow, self.platforms), status="unknown", reason="interrupted"
                        )
                    )
        # The page is not closed here: closing the context closes it, and closing a page while Chromium
        # shows an error page (a site that went away) can wait forever.
        observations += not_applicable_observations(self.not_applicable, self.platforms)
        run.finished = now()
        run.complete = (
            stop is None
            and not run.interrupted
            and not any(p.reason in NOT_LOADED for p in pages)
            and not any(o.reason in NOT_LOADED and o.reason != "error" for o in observations)
            and too_little_read(observations) is None
        )
        if self.network is not None:
            run.writes_blocked = len(self.network.log.blocked)
            run.writes_sent = len(self.network.log.sent)
            run.egress_blocked = len(self.network.log.egress)
            run.unguarded = list(self.network.log.unguarded)
            run.complete = run.complete and not run.unguarded
        run.cookie_dialogs_declined = self.cookie_dialogs_declined
        return Observations(run=run, observations=observations, pages=pages)

    def _report(self, flow: Loaded, found: list[Observation]) -> None:
        read = sum(o.status == "observed" for o in found)
        unknown = [o for o in found if o.status == "unknown"]
        reasons = sorted({o.reason for o in unknown if o.reason})
        tail = f", {len(unknown)} unknown ({', '.join(reasons)})" if unknown else ""
        self.progress(f"{flow.id:<48} {read}/{len(found)} read{tail}")

    def _seconds_left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    # ------------------------------------------------------------------ one page
    def _observe_page(self, page, flow: Loaded) -> tuple[list[Observation], PageInventory, str | None]:
        """Read one page; a browser call that fails on the way makes the page unknown with why, never the run crash."""
        url = flow_url(flow, self.platforms)
        wait_ms = max(1, min(READY_TIMEOUT_MS, self._seconds_left() * 1000))  # no wait outlasts the run's deadline
        try:
            page.set_default_timeout(wait_ms)
            page.set_default_navigation_timeout(wait_ms)
            self._open(page, url)
        except PlaywrightError as exc:
            return self._page_unknown(flow, url, load_failure(exc), f"could not open {url}: {first_line(exc)}")
        try:
            return self._read_page(page, flow, wait_ms)
        except PlaywrightError as exc:
            return self._page_unknown(flow, page.url, load_failure(exc), f"reading the page failed: {first_line(exc)}")

    def _open(self, page, url: str) -> None:
        """Go to the page; a network error is tried once more (a blip should not end an audit)."""
        try:
            page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            if load_failure(exc) != "site_unreachable" or self._seconds_left() < RETRY_UNREACHABLE_S:
                raise
            time.sleep(RETRY_UNREACHABLE_S)  # a pause before the one retry, not synchronisation
            page.goto(url, wait_until="domcontentloaded")

    def _read_page(self, page, flow: Loaded, wait_ms: float) -> tuple[list[Observation], PageInventory, str | None]:
        state, detail = page_state(page, flow, self.vocabulary, wait_ms)
        if state == "gone":
            return self._page_unknown(flow, page.url, "not_found", detail, gone=True)
        if state != "ready":
            return self._page_unknown(flow, page.url, state, detail)
        lang, modal = first_look(page)
        locale = locale_of(lang)
        if locale is None:
            return self._page_unknown(
                flow, page.url, "unsupported_locale", f'the page is in "{lang}", which the flows do not cover'
            )
        covered = covering_dialog(page, self.vocabulary) if modal else None
        if covered is not None and covered[0] == "cookies":
            self._decline_cookies(page)
        elif covered is not None:  # never a click timeout per setting on a page that cannot be read
            return self._page_unknown(flow, page.url, "blocked_by_dialog", f'the dialog "{covered[1]}"', locale)
        region = locate(page, flow.spec.region, None).first
        try:
            for step in flow.spec.steps:
                run_step(page, step, locale)
        except (PlaywrightError, NotFound) as exc:
            reason = load_failure(exc) if isinstance(exc, PlaywrightError) else "not_found"
            if reason in ("timeout", "error"):  # a step's control is not there: the page changed
                reason = "not_found"
            return self._page_unknown(flow, page.url, reason, f"a navigation step failed: {first_line(exc)}", locale)
        take = partial(evidence.take, page, flow, locale, screenshot=self.evidence_dir is not None)
        snapshot, kept = settled_snapshot(page, region, wait_ms, between=take)
        kept = kept or take()  # the run's time ran out before a second look
        if self.snapshots is not None:
            self.snapshots[flow.id] = snapshot
        nodes = aria.parse(snapshot)
        controls = aria.inventory(nodes)
        words = Words(self.vocabulary, locale)
        from_snapshot = SnapshotReader(controls, aria.texts(nodes), words)
        from_snapshot.claim_labels(flow.spec.settings)
        reader = Reader(page, region, from_snapshot, words, option_lists=self.option_lists)
        readings = [self._read(reader, flow, setting, page.url) for setting in flow.spec.settings]
        found = [observation for observation, _claimed in readings]
        try:
            if kept.error is not None:
                raise kept.error
            personal = kept.personal + reader.personal
            if self.secrets is not None:  # the trace holds every page: it is scrubbed of what all of them masked
                self.secrets.add_personal(personal)
            scrub = Scrubber(personal)
            inventory = PageInventory(
                flow=flow.id,
                url=page.url,
                status="ok",
                locale=locale,
                controls=[scrub.control(c) for c in evidence.inventory(controls, readings, flow, locale)],
            )
            if self.evidence_dir is not None:
                inventory.screenshot = evidence.save(
                    kept.image, flow, self.evidence_dir, self.evidence_prefix, self.progress
                )
        except PlaywrightError as exc:  # the settings were read; the page's inventory could not be taken
            scrub = Scrubber([])
            inventory = PageInventory(
                flow=flow.id,
                url=page.url,
                status="unknown",
                reason=load_failure(exc),
                locale=locale,
                detail=f"the page's controls could not be listed: {first_line(exc)}",
            )
        return [scrub.observation(o) for o in found], inventory, locale

    def _decline_cookies(self, page) -> None:
        """Meta's cookie dialog in a new browser: decline the optional cookies, as the login does.

        The answer is the one request an audit lets through besides reads (`Network.cookie_answer`).
        """
        with self.network.cookie_answer() if self.network is not None else nullcontext():
            answer_cookie_dialog(page, self.vocabulary)
        self.cookie_dialogs_declined += 1

    def _page_unknown(
        self, flow: Loaded, url: str, reason: str, detail: str, locale: str | None = None, gone: bool = False
    ):
        found = (page_gone if gone else not_read)(flow, self.platforms, reason, detail, url)
        inventory = PageInventory(flow=flow.id, url=url, status="unknown", reason=reason, detail=detail, locale=locale)
        return found, inventory, locale

    def _read(self, reader: Reader, flow: Loaded, setting, url: str) -> tuple[Observation, list[int]]:
        """The observation of one setting, and the inventory's controls it was read from."""
        base = dict(
            setting=setting.id, platform=setting.platform or flow.spec.platform, url=url, flow=flow.id, time=now()
        )
        try:
            reading = reader.read(setting)
        except NotFound as exc:
            if setting.missing == "not_applicable":
                return Observation(
                    **base,
                    status="not_applicable",
                    reason=setting.missing_reason,
                    detail=setting.missing_detail or str(exc),
                ), []
            return Observation(
                **base, status="unknown", reason="not_found", detail=f"{exc} (the page may have changed)"
            ), []
        except UnsupportedLocale as exc:
            return Observation(
                **base, status="unknown", reason="unsupported_locale", detail=f"the flow has {exc} for this setting"
            ), []
        except PlaywrightError as exc:
            dismiss_dialogs(reader.page)
            reason = load_failure(exc)
            return Observation(
                **base, status="unknown", reason="error" if reason == "timeout" else reason, detail=first_line(exc)
            ), []
        seen = dict(
            raw=reading.raw,
            options=reading.options,
            locator=reading.locator,
            control=reading.control,
            confidence="inferred" if reading.inferred_label is not None else "read",
            label_seen=reading.inferred_label,
        )
        if reading.unknown_detail:
            unknown = Observation(**base, status="unknown", reason="not_found", detail=reading.unknown_detail, **seen)
            return unknown, reading.claimed
        return Observation(**base, status="observed", value=reading.value, **seen), reading.claimed
