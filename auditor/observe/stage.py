"""The observe stage: run the flows in a logged-in browser context and record what every setting shows.

Only this stage (with readers, session and network) touches a browser. A failure on one setting
or page is recorded as `unknown` with a typed reason and the run goes on; a login wall, a
checkpoint or a rate-limit page stops it (going on would only make things worse for the account),
and every setting not yet read is recorded with that reason. Ctrl-C keeps what was read so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from auditor import __version__, interrupt
from auditor.errors import first_line, say
from auditor.guard import Network
from auditor.meta import flow_url
from auditor.observe.page import PageReader
from auditor.observe.pages import (
    load_failure,
)
from auditor.outcome import (
    INTERRUPTED,
    NOT_LOADED,
    OUT_OF_TIME,
    STOP_ADVICE,
    STOPS_THE_RUN,
    UNGUARDED,
    not_applicable_observations,
    not_read,
    too_little_read,
)
from auditor.redact import Secrets
from auditor.results import Observation, Observations, PageInventory, Run, Source, now
from auditor.spec import Loaded, NotApplicable, Vocabulary

TIMEOUTS_IN_A_ROW = 3  # pages that did not load in time, one after the other: the site stopped answering


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

    def __post_init__(self):
        self.reader = PageReader(
            self.vocabulary,
            self.platforms,
            network=self.network,
            secrets=self.secrets,
            evidence_dir=self.evidence_dir,
            evidence_prefix=self.evidence_prefix,
            option_lists=self.option_lists,
            snapshots=self.snapshots,
            progress=self.progress,
        )

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
                    read = self.reader.read(page, flow, self._seconds_left())
                    found, inventory = read.observations, read.inventory
                    run.locale = run.locale or read.locale
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
        run.cookie_dialogs_declined = self.reader.cookie_dialogs_declined
        return Observations(run=run, observations=observations, pages=pages)

    def _report(self, flow: Loaded, found: list[Observation]) -> None:
        read = sum(o.status == "observed" for o in found)
        unknown = [o for o in found if o.status == "unknown"]
        reasons = sorted({o.reason for o in unknown if o.reason})
        tail = f", {len(unknown)} unknown ({', '.join(reasons)})" if unknown else ""
        self.progress(f"{flow.id:<48} {read}/{len(found)} read{tail}")

    def _seconds_left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()
