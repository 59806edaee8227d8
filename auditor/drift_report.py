"""Drift as people and CI read it: the diff in a terminal or CI log, a JUnit file, and drift.json."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from auditor import results
from auditor.drift import Drift
from auditor.files import write_atomic
from auditor.shown import shown


def render(drift: Drift) -> str:
    """The readable diff for a terminal or a CI log."""
    head = (
        f"drift: {len(drift.changes)} change(s) "
        f"between the baseline of {drift.baseline.started} and the run of {drift.current.started}"
    )
    lines = [head, *(c.line() for c in drift.changes)]
    if drift.made:
        lines.append(f"changed by auditor at your request, not drift: {len(drift.made)}")
        lines += [c.line() for c in drift.made]
    for skipped in drift.not_compared:
        lines.append(f"? not compared     [{skipped.flow}] ({skipped.reason}) {skipped.detail}".rstrip())
    if not drift.changes and not drift.not_compared:
        lines.append("no drift: every page looks as it did")
    return shown("\n".join(lines))  # labels are the pages' words: no terminal escape gets through


def junit(drift: Drift) -> str:
    """One test case per compared page: a failure lists that page's changes (for CI dashboards)."""
    flows = sorted({c.flow for c in drift.changes} | {n.flow for n in drift.not_compared})
    suite = ET.Element(
        "testsuite",
        name="auditor drift",
        tests=str(len(flows)),
        failures=str(len({c.flow for c in drift.changes})),
        errors="0",
        skipped=str(len(drift.not_compared)),
        timestamp=drift.compared,
    )
    for flow in flows:
        case = ET.SubElement(suite, "testcase", classname="drift", name=flow)
        found = [c for c in drift.changes if c.flow == flow]
        if found:
            failure = ET.SubElement(case, "failure", message=f"{len(found)} change(s)", type="drift")
            failure.text = shown("\n".join(c.line() for c in found))  # XML 1.0 forbids most controls
        else:
            skipped = next(n for n in drift.not_compared if n.flow == flow)
            ET.SubElement(case, "skipped", message=shown(f"not compared: {skipped.reason}"))
    return ET.tostring(ET.ElementTree(suite).getroot(), encoding="unicode", xml_declaration=True) + "\n"


def write(drift: Drift, out_dir, junit_name: str = "junit.xml") -> None:
    """drift.json and a JUnit file in out_dir."""
    results.write(Path(out_dir) / "drift.json", drift)
    write_atomic(Path(out_dir) / junit_name, junit(drift))
