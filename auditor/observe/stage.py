"""The observe stage: read every page of the run's flows in a visit and record what every setting shows.

Only this stage (with readers, session and network) touches a browser. A failure on one setting
or page is recorded as `unknown` with a typed reason and the run goes on; a login wall, a
checkpoint or a rate-limit page stops it (going on would only make things worse for the account),
and every setting not yet read is recorded with that reason (observe.loop). Ctrl-C keeps what was
read so far.
"""

from __future__ import annotations

from auditor import __version__
from auditor.meta import flow_url, select_flows
from auditor.observe.loop import Stopped, bounded
from auditor.observe.page import PageRead, read_page
from auditor.outcome import (
    NOT_LOADED,
    STOP_ADVICE,
    STOPS_THE_RUN,
    not_applicable_observations,
    not_read,
    too_little_read,
)
from auditor.results import Observation, Observations, PageInventory, Run, Source, now
from auditor.spec import Loaded
from auditor.visit import Visit

TIMEOUTS_IN_A_ROW = 3  # pages that did not load in time, one after the other: the site stopped answering


def observe_in(visit: Visit, *, snapshots: dict[str, str] | None = None) -> Observations:
    """Every page of the run's flows for the visit's platforms, read in turn: observations.json's content.

    `snapshots` (flow id -> the region's snapshot) keeps what each page showed, for tests that save them.
    """
    flow_set, platforms = visit.options.flow_set, visit.platforms
    flows = select_flows(flow_set.flows, platforms, flow_set.only)
    run = Run(
        tool_version=__version__,
        started=now(),
        platforms=platforms,
        browser=visit.browser_used,
        target=visit.options.target.label,
        flows=[Source(id=f.id, sha256=f.sha256, checked_on=str(f.spec.checked_on)) for f in flows],
    )
    declined, timeouts = visit.cookie_dialogs_declined, 0  # pages in a row that did not load in time

    def read(page, flow: Loaded) -> tuple[PageRead, Stopped | None]:
        nonlocal timeouts
        visit.pace()
        done = read_page(page, flow, visit, seconds_left=visit.seconds_left(), snapshots=snapshots)
        run.locale = run.locale or done.locale
        timeouts = timeouts + 1 if done.inventory.reason == "timeout" else 0
        if done.reason in STOPS_THE_RUN:
            return done, Stopped(done.reason, f"not read: the run stopped at {flow.id} ({STOP_ADVICE[done.reason]})")
        if timeouts >= TIMEOUTS_IN_A_ROW:
            return done, Stopped("site_unreachable", f"not read: {timeouts} pages in a row did not load in time")
        return done, None

    def skip(flow: Loaded, stop: Stopped) -> PageRead:
        found, url = not_read(flow, platforms, stop.reason, stop.detail), flow_url(flow, platforms)
        if not stop.at_once:  # after the second Ctrl-C, nothing more is said
            _said(visit, flow, found)
        return PageRead(
            found, PageInventory(flow=flow.id, url=url, status="unknown", reason=stop.reason, detail=stop.detail)
        )

    reads, stop = bounded(visit, flows, read, skip, lambda flow, done: _said(visit, flow, done.observations))
    observations = [o for done in reads for o in done.observations]
    observations += not_applicable_observations(flow_set.not_applicable, platforms)
    pages = [done.inventory for done in reads]
    log = visit.network.log
    run.finished = now()
    run.interrupted = stop is not None and stop.reason == "interrupted"
    run.writes_blocked, run.writes_sent, run.egress_blocked = len(log.blocked), len(log.sent), len(log.egress)
    run.unguarded = list(log.unguarded)
    run.cookie_dialogs_declined = visit.cookie_dialogs_declined - declined
    run.complete = (
        stop is None
        and not run.unguarded
        and not any(p.reason in NOT_LOADED for p in pages)
        and not any(o.reason in NOT_LOADED and o.reason != "error" for o in observations)
        and too_little_read(observations) is None
    )
    return Observations(run=run, observations=observations, pages=pages)


def _said(visit: Visit, flow: Loaded, found: list[Observation]) -> None:
    """A line per page: how many of its settings were read, and why the others were not."""
    read = sum(o.status == "observed" for o in found)
    unknown = [o for o in found if o.status == "unknown"]
    reasons = sorted({o.reason for o in unknown if o.reason})
    tail = f", {len(unknown)} unknown ({', '.join(reasons)})" if unknown else ""
    visit.say(f"{flow.id:<48} {read}/{len(found)} read{tail}")
