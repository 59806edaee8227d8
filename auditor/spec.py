"""The schema of flows (YAML, data only) and the loading of every YAML file auditor ships. No browser.

Flows say how to reach a settings page and read it (auditor.checklist says what we recommend and
why); the two meet only through setting ids. Both are untrusted data: safe-loaded, strictly
validated, and every error names `file:line: field`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ValidationError,
    field_validator,
    model_validator,
)

from auditor import data, yamlio
from auditor.errors import InputError
from auditor.models import Frozen
from auditor.results import Platform, Reason

LOCALES = ("en_US", "en_GB", "de_DE")
Locale = Literal["en_US", "en_GB", "de_DE"]
# A flow may click only these roles. A click on a switch, checkbox, radio, option or combobox
# could change a setting, so a flow cannot even express it.
SAFE_CLICK_ROLES = ("button", "link", "tab", "menuitem")
UNSAFE_ROLES = (
    "switch",
    "checkbox",
    "radio",
    "option",
    "combobox",
    "menuitemcheckbox",
    "menuitemradio",
    "slider",
    "spinbutton",
)
REGIONS = ("US", "UK", "EU", "OTHER")
# The steps of a flow's `change:` part (auditor/apply/schema.py), which only `auditor apply` loads.
CHANGE_STEPS = ("open_row", "pick", "flip", "confirm", "account")


class Localized(Frozen):
    """A text per UI locale; en_GB falls back to en_US. A plain string in YAML means every locale.

    A locale may list several texts: the wordings Meta has used for the same control (the 2026
    ad-partner rename, for instance). Any of them is accepted when reading.
    """

    en_US: str | list[str]
    en_GB: str | list[str] | None = None
    de_DE: str | list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value):
        return {"en_US": value, "de_DE": value} if isinstance(value, (str, list)) else value

    def texts(self, locale: str) -> list[str]:
        """The accepted texts in this locale, first the preferred one; empty when not translated."""
        value = (self.en_GB or self.en_US) if locale == "en_GB" else getattr(self, locale, None)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    def get(self, locale: str) -> str | None:
        texts = self.texts(locale)
        return texts[0] if texts else None

    def variants(self) -> list[str]:
        """Every text in every locale, without repeats."""
        out: list[str] = []
        for locale in LOCALES:
            out += [t for t in self.texts(locale) if t not in out]
        return out


class Locator(Frozen):
    """Role and accessible name first; label or text next; CSS only as a last resort."""

    role: str | None = None
    name: Localized | None = None
    match: Literal["exact", "prefix", "contains"] = "exact"
    label: Localized | None = None
    text: Localized | None = None
    css: str | None = None  # Meta's class names are generated and change with every build
    within: "Locator | None" = None

    @model_validator(mode="after")
    def _one_way_to_find(self):
        ways = [w for w in ("role", "label", "text", "css") if getattr(self, w) is not None]
        if len(ways) != 1:
            raise ValueError("give exactly one of role, label, text or css")
        if self.name is not None and self.role is None:
            raise ValueError("name goes with role")
        return self

    def describe(self, locale: str = "en_US") -> str:
        inner = f"{self.within.describe(locale)} >> " if self.within else ""
        if self.role:
            name = self.name.get(locale) if self.name else None
            return f"{inner}role={self.role}" + (
                f' name{"^=" if self.match == "prefix" else "="}"{name}"' if name else ""
            )
        for way in ("label", "text"):
            value = getattr(self, way)
            if value is not None:
                return f'{inner}{way}="{value.get(locale)}"'
        return f"{inner}css={self.css}"


def _safe_click(locator: Locator, field: str) -> Locator:
    if locator.role in UNSAFE_ROLES:
        raise ValueError(f"a click on a {locator.role} could change a setting; flows are read-only")
    if locator.role not in SAFE_CLICK_ROLES:
        raise ValueError(
            f"{field} needs role: one of {', '.join(SAFE_CLICK_ROLES)} "
            "(a click on a label or text could toggle a control)"
        )
    return locator


class Step(Frozen):
    """One navigation action; exactly one field is set (`- click: {role: button, name: ...}`)."""

    open: str | None = None
    click: Locator | None = None
    expand: Locator | None = None
    wait_for: Locator | None = None
    scroll_to: Locator | None = None
    press: Literal["Escape", "Tab", "PageDown", "PageUp", "Home", "End"] | None = None
    close_dialog: Literal[True] | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_a_change(cls, value):
        named = [key for key in CHANGE_STEPS if isinstance(value, dict) and key in value]
        if named:
            raise ValueError(f"{named[0]} is a change step: it belongs under change:, which only auditor apply runs")
        return value

    @model_validator(mode="after")
    def _exactly_one(self):
        set_fields = [f for f in type(self).model_fields if getattr(self, f) is not None]
        if len(set_fields) != 1:
            raise ValueError(f"a step is one of {', '.join(type(self).model_fields)}")
        return self

    @field_validator("click", "expand")
    @classmethod
    def _read_only(cls, locator: Locator, info) -> Locator:
        return _safe_click(locator, info.field_name)

    @field_validator("open")
    @classmethod
    def _https(cls, url: str) -> str:
        if not url.startswith("https://"):
            raise ValueError("open takes an https:// URL on Meta's sites")
        return url


ReadKind = Literal[
    "audience", "switch", "radio_group", "review", "choice", "link", "action", "list", "status", "presence"
]


class SettingRead(Frozen):
    """How to read one setting on the flow's page."""

    id: str
    read: ReadKind
    label: Localized  # the setting's label: the row text, or the control's accessible name
    values: list[str] | dict[str, Localized] = []  # canonical values; texts from vocabulary.yml unless given
    open: Locator | None = None  # review / choice: the button that shows the options
    account: Literal["facebook", "instagram"] | None = None  # choice: the profile to pick in "Select your account"
    present: str = "available"  # presence / link / action: the value when found
    absent: str | None = None  # presence: the value when not found (otherwise: unknown, not_found)
    missing: Literal["unknown", "not_applicable"] = "unknown"  # what a missing control means
    missing_reason: Reason = "not_found"
    missing_detail: str = ""
    platform: Platform | None = None  # defaults to the flow's platform

    @field_validator("open")
    @classmethod
    def _read_only(cls, locator: Locator | None) -> Locator | None:
        return _safe_click(locator, "open") if locator is not None else None

    @model_validator(mode="after")
    def _needs(self):
        if self.read in ("audience", "radio_group", "review", "choice", "status") and not self.values:
            raise ValueError(f"read: {self.read} needs values (the canonical options)")
        if self.read in ("review", "choice") and self.open is None:
            raise ValueError(f"read: {self.read} needs open: the button that shows its options")
        return self


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
    settings: list[SettingRead]
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
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = err["msg"].removeprefix("Value error, ")
        raise doc.error(loc, message) from None


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
