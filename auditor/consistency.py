"""`auditor flows check`: every flow and checklist valid, and consistent with each other. No browser."""

from __future__ import annotations

from pathlib import Path

from auditor import checklist, data, spec, yamlio
from auditor.errors import InputError
from auditor.evaluate import DERIVED_VALUES
from auditor.reads import SettingRead

COUNT = "a count"  # a list read gives a number, checked with at_most
MANUAL_ONLY = "no page shows it"  # not_applicable.yml: only a person can check it


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
                    raise InputError(
                        f"{flow.path}:1: settings.{setting.id}.values: {', '.join(missing)} not in vocabulary.yml"
                    )
    known = known_settings(flows, not_applicable)
    paths = checklist_files or sorted(data.checklists_dir().glob("*.yml"))
    lines = [f"ok  {len(flows)} flows read {len(read)} settings; {len(not_applicable)} marked not applicable"]
    for path in paths:
        loaded = check_checklist(path, known)
        lines.append(f"ok  checklist {loaded.spec.id}: {len(loaded.spec.checks)} checks")
    return lines


def known_settings(flows: list[spec.Loaded], not_applicable: list[spec.NotApplicable]) -> dict[str, set | str]:
    """Every setting a checklist may name, with its canonical values (or COUNT, or MANUAL_ONLY)."""
    known: dict[str, set | str] = {s.id: MANUAL_ONLY for s in not_applicable}
    for flow in flows:
        for s in flow.spec.settings:
            known[s.id] = _values(s)
    known.update({setting: set(values) for setting, values in DERIVED_VALUES.items()})
    return known


def _values(setting: SettingRead) -> set | str:
    if setting.read == "list":
        return COUNT
    if setting.read == "switch":
        return {"on", "off"}
    if setting.read in ("link", "action"):
        return {setting.present}
    if setting.read == "presence":
        return {setting.present} | ({setting.absent} if setting.absent else set())
    return set(setting.values)


def check_checklist(path: Path, known: dict[str, set | str]) -> spec.Loaded:
    """A valid checklist whose checks name known settings and values; otherwise InputError at the check's line."""
    loaded = spec.load_file(path, checklist.Checklist, Path(path).stem)
    _check_settings(loaded, known)
    return loaded


def _check_settings(loaded: spec.Loaded, known: dict[str, set | str]) -> None:
    for i, check in enumerate(loaded.spec.checks):
        problem = _problem(check, known.get(check.setting))
        if problem:
            field, message = problem
            raise yamlio.load(loaded.path).error(("checks", i, field), message)  # parsed again only for the line


def _problem(check: checklist.Check, values: set | str | None) -> tuple[str, str] | None:
    if values is None:
        return "setting", f"no flow reads {check.setting}, and it is neither derived nor in not_applicable.yml"
    if check.manual:
        return None
    if values == MANUAL_ONLY:
        return "manual", f"no page shows {check.setting}: only a manual check (manual: true) can name it"
    if values == COUNT:
        return None if check.at_most is not None else ("expect", f"{check.setting} is a count: use at_most")
    if check.at_most is not None:
        return "at_most", f"{check.setting} is not a count: use expect"
    unknown = [str(v) for v in check.expect if v not in values]
    if unknown:
        return "expect", f"{', '.join(unknown)} is not a value of {check.setting} (values: {', '.join(sorted(values))})"
    return None


def load_checklist(
    name_or_path: str = "default",
    flows: list[spec.Loaded] | None = None,
    not_applicable: list[spec.NotApplicable] | None = None,
) -> spec.Loaded:
    """A shipped checklist (by name) or a file, valid and naming settings the flows read: what evaluate uses.

    `flows` and `not_applicable`: the ones a run already loaded (default: the shipped ones).
    """
    loaded = checklist.load_checklist(name_or_path)  # the schema first: its errors need no flows
    flows = spec.load_flows() if flows is None else flows
    not_applicable = spec.load_not_applicable() if not_applicable is None else not_applicable
    _check_settings(loaded, known_settings(flows, not_applicable))
    return loaded
