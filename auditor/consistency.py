"""`auditor flows check`: every flow and checklist valid, and consistent with each other. No browser."""

from __future__ import annotations

from pathlib import Path

from auditor import data, spec
from auditor.errors import InputError


def check_all(flows_dir: Path | None = None, checklist_files: list[Path] | None = None) -> list[str]:
    """Lines to print when everything holds; the first problem raises InputError (file:line: field: message)."""
    flows = spec.load_flows(flows_dir)
    vocabulary = spec.load_vocabulary(flows_dir)
    not_applicable = spec.load_not_applicable(flows_dir)
    read = {s.id for f in flows for s in f.spec.settings}
    for flow in flows:
        for setting in flow.spec.settings:
            if isinstance(setting.values, list):
                missing = [v for v in setting.values if v not in vocabulary.values]
                if missing:
                    raise InputError(f"{flow.path}:1: settings.{setting.id}.values: {', '.join(missing)} not in vocabulary.yml")
    known = read | {n.id for n in not_applicable}
    paths = checklist_files or sorted(data.checklists_dir().glob("*.yml"))
    lines = [f"ok  {len(flows)} flows read {len(read)} settings; {len(not_applicable)} marked not applicable"]
    for path in paths:
        checklist = spec.load_file(path, spec.Checklist, Path(path).stem)
        for check in checklist.spec.checks:
            if check.setting not in known:
                raise InputError(f"{path}:1: checks.{check.id}.setting: no flow reads {check.setting}")
        lines.append(f"ok  checklist {checklist.spec.id}: {len(checklist.spec.checks)} checks")
    return lines
