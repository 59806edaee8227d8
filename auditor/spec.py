"""The schema of flows (YAML, data only) and the loading of every YAML file auditor ships. No browser.

Flows say how to reach a settings page and read it (auditor.checklist says what we recommend and
why); the two meet only through setting ids. Both are untrusted data: safe-loaded, strictly
validated, and every error names `file:line: field` (and the kind of step or read it is in).
A flow's parts have modules of their own: its texts and locators (auditor.locators), its steps
(auditor.steps) and how each setting is read (auditor.reads).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError, field_validator

from auditor import data, tagged, yamlio
from auditor.errors import InputError
from auditor.locators import Localized, Locator
from auditor.models import Frozen
from auditor.reads import AnySettingRead
from auditor.results import Platform
from auditor.steps import Step


class Flow(Frozen):
    title: str
    platform: Platform
    checked_on: date  # last verified against the catalog; the report shows it
    sources: list[str]  # catalog source keys
    url: str
    ready: Locator  # shows that the page's settings have loaded
    steps: list[Step] = []
    region: Locator = Locator(role="main")
    mask: list[Locator] = []  # personal details to hide in screenshots (name, picture, email)
    settings: list[AnySettingRead]
    # How settings are changed: read and checked only by `auditor apply` (auditor/apply/schema.py),
    # so an audit never even parses it.
    change: list | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        if not url.startswith("https://"):
            raise ValueError("url must be an https:// URL on Meta's sites")
        return url


class NotApplicable(Frozen):
    id: str
    platform: Platform
    reason: Literal["app_only", "retired", "no_setting", "no_web_page", "not_offered_in_region"]
    detail: str
    sources: list[str]


class NotApplicableList(Frozen):
    settings: list[NotApplicable]


class Vocabulary(Frozen):
    """Option texts and UI words shared by every flow, per locale."""

    values: dict[str, Localized]
    strings: dict[str, Localized]


@dataclass(frozen=True)
class Loaded:
    """A validated file and where it came from."""

    id: str
    path: Path
    sha256: str
    spec: BaseModel


def _validate(doc: yamlio.Document, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise doc.error(*tagged.where(exc.errors()[0])) from None


def load_file(path: Path, model: type[BaseModel], file_id: str) -> Loaded:
    doc = yamlio.load(path)
    spec = _validate(doc, model)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Loaded(file_id, Path(path), digest, spec)


def load_flows(directory: Path | None = None) -> list[Loaded]:
    """Every flow under flows/<platform>/<page>.yml, id `<platform>/<page>`, in a stable order."""
    root = Path(directory) if directory else data.flows_dir()
    flows = []
    for path in sorted(root.glob("*/*.yml")):
        flow_id = f"{path.parent.name}/{path.stem}"
        loaded = load_file(path, Flow, flow_id)
        if loaded.spec.platform != path.parent.name:
            raise InputError(
                f"{path}:1: platform: says {loaded.spec.platform} but the file is under {path.parent.name}/"
            )
        flows.append(loaded)
    if not flows:
        raise InputError(f"{root}:1: (folder): no flows (<platform>/<page>.yml) found")
    _unique_settings(flows)
    return flows


def _unique_settings(flows: list[Loaded]) -> None:
    seen: dict[str, str] = {}
    for flow in flows:
        for setting in flow.spec.settings:
            if setting.id in seen:
                raise InputError(f"{flow.path}:1: settings: {setting.id} is also read by {seen[setting.id]}")
            seen[setting.id] = flow.id


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    root = Path(directory) if directory else data.flows_dir()
    return load_file(root / "vocabulary.yml", Vocabulary, "vocabulary").spec


def load_not_applicable(directory: Path | None = None) -> list[NotApplicable]:
    root = Path(directory) if directory else data.flows_dir()
    path = root / "not_applicable.yml"
    return load_file(path, NotApplicableList, "not_applicable").spec.settings if path.exists() else []
