"""The one chain of stages: observe -> evaluate -> report, with a saved JSON file between each.

`run` is what `auditor run` and `auditor demo` do: claim the output folder, open a guarded
browser, get in (a saved session or a login), read every page, and write observations.json,
findings.json and the report before the browser closes. `audit_in` is the same chain for one
account in a context that is already open: the cohort runner, the benchmark and the tests use it.
`observe` stops after observations.json (`auditor observe`). Evaluate and report run offline from
saved files as well (`auditor evaluate`, `auditor report`).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from auditor import attribution, interrupt, results, spec
from auditor.browser import Browsing, browsing, check_connect
from auditor.consistency import load_checklist
from auditor.drift import Drift, compare
from auditor.drift_report import write as write_drift
from auditor.errors import AuditorError, InputError, LoginFailed, say
from auditor.files import check_output_dir, check_output_file, claimed
from auditor.history import Recording, Since, default_path
from auditor.history.pseudonym import logged_in
from auditor.meta import select_flows
from auditor.observe.evidence import give_way
from auditor.observe.stage import Observer
from auditor.outcome import stopped_at_login
from auditor.report import write_report
from auditor.rerun import FINDINGS, evaluate_to_file
from auditor.results import Findings, Observations
from auditor.session.login import login
from auditor.session.way_in import Credentials, WayIn, way_in
from auditor.target import META, Target

OBSERVATIONS, EVIDENCE = "observations.json", "evidence"
# The longest a run may take (--timeout): an audit of both platforms on Meta's sites, paced, takes
# about four minutes; a site this slow gives partial results instead of running for hours.
DEFAULT_TIMEOUT = 900
# After the time limit, the page in progress gets this long to end its own waits; then the
# watchdog kills the browser (a call Playwright cannot bound is stuck), and what was read is kept.
GRACE_SECONDS = 30


@dataclass(frozen=True)
class FlowSet:
    """What pages are read with: the flows, their shared vocabulary, and the settings no page shows."""

    flows: list[spec.Loaded]
    vocabulary: spec.Vocabulary
    not_applicable: list[spec.NotApplicable]
    only: tuple[str, ...] = ()  # the flows a run reads (--flow); empty: every flow of its platforms

    @classmethod
    def load(cls, flows_dir: Path | None = None) -> FlowSet:
        return cls(spec.load_flows(flows_dir), spec.load_vocabulary(flows_dir), spec.load_not_applicable(flows_dir))

    def checklist(self, name_or_path: str | spec.Loaded) -> spec.Loaded:
        """A checklist checked against these flows (one already loaded is taken as it is)."""
        if isinstance(name_or_path, spec.Loaded):
            return name_or_path
        return load_checklist(name_or_path, self.flows, self.not_applicable)


@dataclass(frozen=True)
class Options:
    """How a run reads: the target, where it gets in, the browser, and its bounds."""

    target: Target = META
    session: Path | None = None  # a saved session file (--session)
    credentials: Credentials | None = None  # a test account's (the demo's)
    browser_path: str | None = None
    connect: str | None = None  # a browser elsewhere (--connect)
    pace: float | None = None  # seconds between page loads (None: the target's default)
    timeout: float = DEFAULT_TIMEOUT
    trace: bool = False
    evidence: bool = True  # screenshots beside the observations
    lang: str | None = None  # the report's language (None: the audited pages')
    history: Path | None = None  # the history database the run is recorded in (None: not recorded)
    history_names: tuple[str, ...] = ()  # what the account can be found by there (run --name)
    option_lists: bool = False  # open audience and choice dialogs for their options (a baseline does too)


# ---------------------------------------------------------------------- the chain, with its own browser
@dataclass(frozen=True)
class Done:
    """What a run wrote: its observations and findings, and with a baseline, the drift."""

    observations: Observations
    findings: Findings
    drift: Drift | None = None
    since: Since | None = None  # what changed since the account's last recorded run


def run(
    platforms: list[str],
    out: Path,
    options: Options,
    checklist: str | spec.Loaded = "default",
    baseline: Path | None = None,
    flow_set: FlowSet | None = None,
) -> Done:
    """observe -> evaluate -> report (-> drift, with a baseline) into `out`, claimed for the run.

    Bad input fails before the browser starts; the files are written before the browser closes.
    """
    flow_set = flow_set or FlowSet.load()
    loaded = flow_set.checklist(checklist)
    before = results.read(baseline, Observations) if baseline is not None else None
    check_output_dir(out)
    recording = Recording(options.history, options.history_names) if options.history is not None else None
    with claimed(out):
        with _opened(platforms, out, options) as (browser, way, deadline):
            observations, findings = audit_in(
                browser,
                platforms,
                way,
                flow_set,
                loaded,
                out,
                target=options.target,
                pace=options.pace,
                evidence=options.evidence,
                deadline=deadline,
                lang=options.lang,
                history=recording,
                option_lists=options.option_lists or before is not None,  # drift compares option lists
            )
        made = attribution.from_history(options.history, observations.run.account) if before is not None else []
        found = attribution.attribute(compare(before, observations), made) if before is not None else None
        if found is not None:
            write_drift(found, out, "drift-junit.xml")
    if recording is not None and recording.error is not None:
        raise recording.error  # the run's own files are written: exit 1
    return Done(observations, findings, found, recording.since if recording is not None else None)


def observe(platforms: list[str], out: Path, options: Options, flow_set: FlowSet | None = None) -> Observations:
    """Observe only: write `out` (observations.json, evidence beside it), also when the run stops early."""
    flow_set = flow_set or FlowSet.load()
    check_output_file(out)
    with claimed(out.parent):
        with _opened(platforms, out.parent, options) as (browser, way, deadline):
            observations = observe_in(
                browser,
                platforms,
                way,
                flow_set,
                target=options.target,
                pace=options.pace,
                evidence_in=out.parent if options.evidence else None,
                deadline=deadline,
                option_lists=options.option_lists,
            )
            history = options.history or default_path()  # its key makes the account's hashes, recorded or not
            observations.run.account = logged_in(_cookies(browser), options.target.site, history, say)
            return write_observations(out, observations)  # before the browser closes


@contextmanager
def _opened(platforms: list[str], folder: Path, options: Options):
    """(guarded browser, way in, deadline) of a run; the watchdog's bound is on the deadline and a grace."""
    if options.session is not None and not Path(options.session).is_file():
        raise InputError(f"{options.session}:1: --session: no such file")
    if options.connect:
        check_connect(options.connect)
    deadline = time.monotonic() + options.timeout
    way = way_in(platforms, session=options.session, target=options.target, credentials=options.credentials)
    if way.state is not None:
        say(f"using the {way.source}")
    if options.connect and options.target.is_replica:
        say(options.target.remote_browser_note())
    with (
        interrupt.stop_between_pages(say),
        browsing(
            browser_path=options.browser_path,
            target=options.target,
            connect=options.connect,
            storage_state=way.state,
            trace=folder / "trace.zip" if options.trace else None,
            secrets=way.secrets(),
        ) as browser,
        browser.watchdog.bound(deadline - time.monotonic() + GRACE_SECONDS, "the run's time limit"),
    ):
        yield browser, way, deadline


# ---------------------------------------------------------------------- one account in an open context
def audit_in(
    browser: Browsing,
    platforms: list[str],
    way: WayIn,
    flow_set: FlowSet,
    checklist: spec.Loaded,
    folder: Path,
    *,
    target: Target = META,
    pace: float | None = None,
    evidence: bool = True,
    deadline: float | None = None,
    option_lists: bool = False,
    say=say,
    lang: str | None = None,
    history: Recording | None = None,
) -> tuple[Observations, Findings]:
    """One account's whole audit in a guarded context: observations.json, findings.json and the report in `folder`.

    With `history`, the run is recorded there and the report says what changed since the account's last run.
    """
    observations = observe_in(
        browser,
        platforms,
        way,
        flow_set,
        target=target,
        pace=pace,
        deadline=deadline,
        evidence_in=folder if evidence else None,
        option_lists=option_lists,
        say=say,
    )
    key_of = history.path if history is not None else default_path()  # the history whose key makes the hashes
    observations.run.account = logged_in(_cookies(browser), target.site, key_of, say)
    write_observations(folder / OBSERVATIONS, observations, say)
    findings = evaluate_to_file(observations, folder, checklist)
    if history is not None:
        history.record(observations, findings, _cookies(browser), say)
        if history.since is not None:  # kept with the findings, so the report can be made again from them
            findings = findings.model_copy(update={"since": history.since})
            results.write(folder / FINDINGS, findings)
    write_report(findings, folder, lang=lang)
    return observations, findings


def _cookies(browser: Browsing) -> list[dict]:
    """The context's cookies, which say which account was audited; none from a browser that went away."""
    try:
        return browser.context.cookies()
    except Exception:  # the browser crashed or was killed by the watchdog: the run is not recorded
        return []


def observe_in(
    browser: Browsing,
    platforms: list[str],
    way: WayIn,
    flow_set: FlowSet,
    *,
    target: Target = META,
    evidence_in: Path | None = None,
    pace: float | None = None,
    deadline: float | None = None,
    option_lists: bool = False,
    snapshots: dict[str, str] | None = None,
    say=say,
) -> Observations:
    """Log in if need be (the guard lets only the login's own requests through), then read every page.

    Screenshots go to `evidence_in`/evidence/ (the observations file's folder; None: no screenshots).
    """
    flows = select_flows(flow_set.flows, platforms, flow_set.only)
    if way.credentials is not None:
        failed = _log_in(browser, platforms, way.credentials, flow_set.vocabulary, say)
        if failed is not None:
            return stopped_at_login(
                platforms, flows, flow_set.not_applicable, failed, browser.browser, target, browser.network.log
            )
    observer = Observer(
        context=browser.context,
        flows=flows,
        vocabulary=flow_set.vocabulary,
        not_applicable=flow_set.not_applicable,
        platforms=platforms,
        evidence_dir=Path(evidence_in) / EVIDENCE if evidence_in is not None else None,
        evidence_prefix=f"{EVIDENCE}/",
        target=target.label,
        browser=browser.browser,
        network=browser.network,
        pace_seconds=target.pace(pace),
        progress=say,
        deadline=deadline,
        secrets=browser.secrets,
        option_lists=option_lists,
        snapshots=snapshots,
    )
    return observer.run()


def _log_in(
    browser: Browsing, platforms: list[str], credentials, vocabulary: spec.Vocabulary, say=say
) -> LoginFailed | None:
    """Log in to each platform once, the guard on: only the login's own requests go out (auditor.openings).
    Returns the failure, if any."""
    try:
        for platform in platforms:
            say(f"logging in to {platform}")
            with browser.network.login(platform, credentials.identifier):
                login(browser.context, platform, credentials, vocabulary)
    except LoginFailed as failure:
        return failure
    return None


def write_observations(out: Path, observations: Observations, say=say) -> Observations:
    """observations.json, whatever happened to the evidence: on a disk the screenshots filled, they give way."""
    try:
        results.write(out, observations)
    except AuditorError:
        if not give_way(observations, Path(out).parent):
            raise
        say("warning: the disk is full: this run's screenshots were deleted so that its observations could be kept")
        results.write(out, observations)
    counts = {
        s: sum(o.status == s for o in observations.observations) for s in ("observed", "unknown", "not_applicable")
    }
    say(
        f"observations: {out} ({counts['observed']} observed, {counts['unknown']} unknown, "
        f"{counts['not_applicable']} not applicable; writes sent: {observations.run.writes_sent}, "
        f"blocked: {observations.run.writes_blocked})"
    )
    return observations
