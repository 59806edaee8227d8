"""The stages again from saved files, offline: `auditor evaluate`, `auditor report`, `auditor drift`.

Last month's observations can be checked against a newer checklist, a report rewritten with
other templates, two runs compared, without a browser or a login.
"""

from __future__ import annotations

from pathlib import Path

from auditor import attribution, results, spec
from auditor.consistency import load_checklist
from auditor.drift import Drift, compare
from auditor.drift_report import write as write_drift
from auditor.errors import InputError, say
from auditor.evaluate import evaluate
from auditor.files import check_output_dir, check_output_file, claimed
from auditor.report import write_report
from auditor.results import Findings, Observations

FINDINGS = "findings.json"


def evaluate_file(observations_file: Path, checklist: str, out: Path) -> Path:
    """`auditor evaluate`: a saved observations.json against a checklist, into findings.json at `out`."""
    observations = results.read(observations_file, Observations)
    loaded = load_checklist(checklist)
    check_output_file(out)
    with claimed(out.parent):
        results.write(out, evaluate(observations, loaded))
    if (
        any(page.screenshot for page in observations.pages)
        and out.parent.resolve() != observations_file.parent.resolve()
    ):
        # The report embeds only screenshots inside findings.json's folder
        # (so a findings file cannot pull in other files).
        say(
            f"note: the screenshots are beside {observations_file}; write findings.json into that folder for a report "
            "that shows them"
        )
    return out


def drift_files(
    baseline_file: Path, current_file: Path, out: Path, applied: list[Path] = (), history: Path | None = None
) -> Drift:
    """`auditor drift`: two saved runs compared, drift.json and junit.xml in `out`. A value auditor apply or
    its undo set in between (their `applied` files say, or the `history`) is listed as auditor's, not drift."""
    before = results.read(baseline_file, Observations)
    after = results.read(current_file, Observations)
    made = attribution.from_files(list(applied)) + attribution.from_history(history, after.run.account)
    check_output_dir(out)
    with claimed(out):
        found = attribution.attribute(compare(before, after), made)
        write_drift(found, out, "junit.xml")
    return found


def report_file(
    findings_file: Path, out: Path, template_dir: Path | None = None, lang: str | None = None, single_file=False
) -> Path:
    """`auditor report`: report.html, report.md and junit.xml in `out` from a saved findings.json, the screenshots
    in evidence/ beside them (or inlined: `single_file`); returns report.html."""
    findings = results.read(findings_file, Findings)
    check_output_dir(out)
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"{template_dir}:1: --template-dir: no such folder")
    with claimed(out):
        # Screenshot paths in findings.json are relative to its folder.
        return write_report(
            findings, out, template_dir, evidence_root=findings_file.parent, lang=lang, single_file=single_file
        )


# ---------------------------------------------------------------------- the stages' offline half, for a run
def evaluate_to_file(observations: Observations, out_dir: Path, checklist: spec.Loaded) -> Findings:
    """Evaluate against a loaded checklist and write findings.json into `out_dir`."""
    findings = evaluate(observations, checklist)
    results.write(Path(out_dir) / FINDINGS, findings)
    return findings


def evaluate_and_report(
    observations: Observations, folder: Path, checklist: str = "default", lang: str | None = None
) -> Path:
    """findings.json, report.html, report.md and junit.xml in `folder`, beside observations.json;
    returns report.html."""
    return write_report(evaluate_to_file(observations, folder, load_checklist(checklist)), folder, lang=lang)
