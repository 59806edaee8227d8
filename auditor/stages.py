"""The one chain of stages: observe -> evaluate -> report, with a saved JSON file between each.

`run` is what `auditor run` and `auditor demo` do: claim the output folder, open a visit (a guarded
browser, logged in: auditor.visit), read every page, and write observations.json, findings.json
and the report before the browser closes. `audit_in` is the same chain for one account in a visit
that is already open: the cohort runner uses it. `observe` stops after observations.json (`auditor
observe`). Evaluate and report run offline from saved files as well (`auditor evaluate`, `auditor
report`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from auditor import attribution, results
from auditor.browser import Opened
from auditor.drift import Drift, compare
from auditor.drift_report import write as write_drift
from auditor.errors import AuditorError, say
from auditor.files import check_output_dir, check_output_file, claimed
from auditor.history import Recording, Since, default_path
from auditor.history.pseudonym import logged_in
from auditor.observe.evidence import give_way
from auditor.observe.stage import observe_in
from auditor.options import Options
from auditor.report import write_report
from auditor.rerun import FINDINGS, evaluate_to_file
from auditor.results import Findings, Observations
from auditor.visit import Visit, open_visit

OBSERVATIONS = "observations.json"


# ---------------------------------------------------------------------- the chain, with its own browser
@dataclass(frozen=True)
class Done:
    """What a run wrote: its observations and findings, and with a baseline, the drift."""

    observations: Observations
    findings: Findings
    drift: Drift | None = None
    since: Since | None = None  # what changed since the account's last recorded run


def run(
    platforms: list[str], out: Path, options: Options, baseline: Path | None = None, opened: Opened | None = None
) -> Done:
    """observe -> evaluate -> report (-> drift, with a baseline) into `out`, claimed for the run.

    Bad input fails before the browser starts; the files are written before the browser closes. The browser is
    launched for the run unless one is `opened` already (the demo's, for its stages).
    """
    options = replace(options, checklist=options.flow_set.checklist(options.checklist))  # bad input fails here
    before = results.read(baseline, Observations) if baseline is not None else None
    if before is not None:  # drift compares option lists
        options = replace(options, option_lists=True)
    check_output_dir(out)
    recording = Recording(options.history, options.history_names) if options.history is not None else None
    with claimed(out):
        with open_visit(options, platforms, out, opened=opened) as visit:
            observations, findings = audit_in(visit, recording)
        made = attribution.from_history(options.history, observations.run.account) if before is not None else []
        found = attribution.attribute(compare(before, observations), made) if before is not None else None
        if found is not None:
            write_drift(found, out, "drift-junit.xml")
    if recording is not None and recording.error is not None:
        raise recording.error  # the run's own files are written: exit 1
    return Done(observations, findings, found, recording.since if recording is not None else None)


def observe(platforms: list[str], out: Path, options: Options) -> Observations:
    """Observe only: write `out` (observations.json, evidence beside it), also when the run stops early."""
    check_output_file(out)
    with claimed(out.parent):
        with open_visit(options, platforms, out.parent) as visit:
            observations = observe_in(visit)
            history = options.history or default_path()  # its key makes the account's hashes, recorded or not
            observations.run.account = logged_in(visit.cookies(), options.target.site, history, say)
            return write_observations(out, observations)  # before the browser closes


# ---------------------------------------------------------------------- one account in a visit
def audit_in(visit: Visit, history: Recording | None = None) -> tuple[Observations, Findings]:
    """One account's whole audit in a visit: observations.json, findings.json and the report in the visit's folder.

    With `history`, the run is recorded there and the report says what changed since the account's last run.
    """
    folder, say = visit.folder, visit.say
    checklist = visit.options.flow_set.checklist(visit.options.checklist)  # loaded already: as it is
    observations = observe_in(visit)
    key_of = history.path if history is not None else default_path()  # the history whose key makes the hashes
    observations.run.account = logged_in(visit.cookies(), visit.options.target.site, key_of, say)
    write_observations(folder / OBSERVATIONS, observations, say)
    findings = evaluate_to_file(observations, folder, checklist)
    if history is not None:
        history.record(observations, findings, visit.cookies(), say)
        if history.since is not None:  # kept with the findings, so the report can be made again from them
            findings = findings.model_copy(update={"since": history.since})
            results.write(folder / FINDINGS, findings)
    write_report(findings, folder, lang=visit.options.lang)
    return observations, findings


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
