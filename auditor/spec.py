"""The schema of flows and checklists (YAML, data only) and their loaders. No browser, no templates.

Flows say how to reach a settings page and read it; checklists say what we recommend and why.
They meet only through setting ids. Both are untrusted data: safe-loaded, strictly validated,
and every error names `file:line: field`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from auditor import data, yamlio
from auditor.errors import InputError
from auditor.results import Platform, Reason, Severity

LOCALES = ("en_US", "en_GB", "de_DE")
Locale = Literal["en_US", "en_GB", "de_DE"]
# A flow may click only these roles. A click on a switch, checkbox, radio, option or combobox
# could change a setting, so a flow cannot even express it.
SAFE_CLICK_ROLES = ("button", "link", "tab", "menuitem")
UNSAFE_ROLES = ("switch", "checkbox", "radio", "option", "combobox", "menuitemcheckbox", "menuitemradio", "slider", "spinbutton")
REGIONS = ("US", "UK", "EU", "OTHER")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
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


class Locator(Strict):
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
            return f'{inner}role={self.role}' + (f' name{"^=" if self.match == "prefix" else "="}"{name}"' if name else "")
        for way in ("label", "text"):
            value = getattr(self, way)
            if value is not None:
                return f'{inner}{way}="{value.get(locale)}"'
        return f"{inner}css={self.css}"


def _safe_click(locator: Locator, field: str) -> Locator:
    if locator.role in UNSAFE_ROLES:
        raise ValueError(f"a click on a {locator.role} could change a setting; flows are read-only")
    if locator.role not in SAFE_CLICK_ROLES:
        raise ValueError(f"{field} needs role: one of {', '.join(SAFE_CLICK_ROLES)} (a click on a label or text could toggle a control)")
    return locator


class Step(Strict):
    """One navigation action; exactly one field is set (`- click: {role: button, name: ...}`)."""

    open: str | None = None
    click: Locator | None = None
    expand: Locator | None = None
    wait_for: Locator | None = None
    scroll_to: Locator | None = None
    press: Literal["Escape", "Tab", "PageDown", "PageUp", "Home", "End"] | None = None
    close_dialog: Literal[True] | None = None

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


ReadKind = Literal["audience", "switch", "radio_group", "review", "choice", "link", "action", "list", "status", "presence"]


class SettingRead(Strict):
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


class Flow(Strict):
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

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        if not url.startswith("https://"):
            raise ValueError("url must be an https:// URL on Meta's sites")
        return url


class NotApplicable(Strict):
    id: str
    platform: Platform
    reason: Literal["app_only", "retired", "no_setting", "no_web_page", "not_offered_in_region"]
    detail: str
    sources: list[str]


class NotApplicableList(Strict):
    settings: list[NotApplicable]


class Vocabulary(Strict):
    """Option texts and UI words shared by every flow, per locale."""

    values: dict[str, Localized]
    strings: dict[str, Localized]


# Catalog categories (settings-catalog.md section 2); the report groups and scores by them.
Category = Literal["audience", "discoverability", "ads-data", "off-platform", "ai", "security", "messaging", "location", "face", "content"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CHECK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SETTING_ID = re.compile(r"^(fb|ig|ac|meta)\.[a-z0-9_]+(\.[a-z0-9_]+)*$")
SOURCE_KEY = re.compile(r"^S-[A-Za-z0-9-]+$")
# "One short paragraph": a report is read on a phone by people in a hurry.
WHY_MAX = 600


def _kebab(value: str) -> str:
    if not CHECK_ID.match(value):
        raise ValueError("use lowercase words joined by hyphens, e.g. fb-future-posts-not-public")
    return value


class Check(Strict):
    """One recommendation. For a manual check, failure_title says what the person should check or do."""

    id: str
    setting: str
    expect: list[str | int | bool] = []  # pass when the observed value is one of these
    at_most: int | None = Field(default=None, ge=0)  # for counts (apps, sessions): pass when the value is at most this
    manual: bool = False  # only a person can tell (e.g. "did you send the objection form?")
    severity: Severity
    category: Category
    title: Text  # shown when it passes
    failure_title: Text  # shown when it fails
    recommended_text: str = ""
    why: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=WHY_MAX)]
    how: Annotated[list[Text], Field(min_length=1)]  # the click path, one step per item
    url: str | None = None  # the page to open; https only, since the report turns it into a link
    sources: Annotated[list[str], Field(min_length=1)]  # catalog source keys (settings-catalog.md section 11)
    regions: list[Literal["US", "UK", "EU", "OTHER"]] | None = None  # applies only there

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        return _kebab(value)

    @field_validator("setting")
    @classmethod
    def _setting_id(cls, value: str) -> str:
        if not SETTING_ID.match(value):
            raise ValueError("a setting id from flows/README.md, e.g. fb.future_posts_audience")
        return value

    @field_validator("url")
    @classmethod
    def _https(cls, url: str | None) -> str | None:
        if url is not None and (not url.startswith("https://") or any(c.isspace() or c in '<>"\'`' for c in url)):
            raise ValueError("give an https:// URL (no spaces or quotes)")
        return url

    @field_validator("sources")
    @classmethod
    def _source_keys(cls, keys: list[str]) -> list[str]:
        bad = [k for k in keys if not SOURCE_KEY.match(k)]
        if bad:
            raise ValueError(f"{bad[0]} is not a source key (S-..., settings-catalog.md section 11)")
        return keys

    @model_validator(mode="after")
    def _one_rule(self):
        rules = [bool(self.expect), self.at_most is not None, self.manual]
        if sum(rules) != 1:
            raise ValueError("a check has exactly one of expect, at_most or manual: true")
        return self


class Checklist(Strict):
    id: str
    title: Text
    version: str  # the report and findings.json name it, with the file's sha256
    description: str
    checks: Annotated[list[Check], Field(min_length=1)]

    @field_validator("id")
    @classmethod
    def _checklist_id(cls, value: str) -> str:
        return _kebab(value)

    @field_validator("checks")
    @classmethod
    def _unique_ids(cls, checks: list[Check]) -> list[Check]:
        ids = [c.id for c in checks]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"check ids used twice: {', '.join(duplicates)}")
        return checks


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
            raise InputError(f"{path}:1: platform: says {loaded.spec.platform} but the file is under {path.parent.name}/")
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


def find_checklist(name_or_path: str) -> Path:
    """A shipped checklist by name (`default`, `ai-training`, `at-risk`) or a file path."""
    shipped = data.checklists_dir() / f"{name_or_path}.yml"
    if shipped.exists():
        return shipped
    path = Path(name_or_path)
    if path.exists():
        return path
    names = ", ".join(sorted(p.stem for p in data.checklists_dir().glob("*.yml")))
    raise InputError(f"{name_or_path}:1: (checklist): no such file or shipped checklist (shipped: {names})")


def load_checklist(name_or_path: str = "default") -> Loaded:
    path = find_checklist(name_or_path)
    return load_file(path, Checklist, Path(path).stem)
