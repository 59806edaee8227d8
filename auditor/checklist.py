"""The schema of checklists (YAML, data only): what we recommend for each setting, and why.

A checklist names settings by their ids (flows/README.md) and the values that pass; it never
knows how a page is read. Checklists are untrusted data: organisations write their own, so every
error names `file:line: field`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from auditor import data
from auditor.errors import InputError
from auditor.models import Frozen
from auditor.results import Severity
from auditor.spec import Loaded, load_file

# Catalog categories (settings-catalog.md section 2); the report groups and scores by them.
Category = Literal[
    "audience",
    "discoverability",
    "ads-data",
    "off-platform",
    "ai",
    "security",
    "messaging",
    "location",
    "face",
    "content",
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CHECK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SETTING_ID = re.compile(r"^(fb|ig|ac|meta)\.[a-z0-9_]+(\.[a-z0-9_]+)*$")
SOURCE_KEY = re.compile(r"^S-[A-Za-z0-9-]+$")
# "One short paragraph": a report is read on a phone by people in a hurry.
WHY_MAX = 600


class CheckText(Frozen):
    """A check's words in another language (the `de:` block): the report shows them to readers of that language."""

    title: Text
    failure_title: Text
    recommended_text: str = ""
    why: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=WHY_MAX)]
    how: Annotated[list[Text], Field(min_length=1)]


class ChecklistText(Frozen):
    title: Text
    description: str = ""


def _kebab(value: str) -> str:
    if not CHECK_ID.match(value):
        raise ValueError("use lowercase words joined by hyphens, e.g. fb-future-posts-not-public")
    return value


class Check(Frozen):
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
    de: CheckText | None = None  # the same words in German

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
        if url is not None and (not url.startswith("https://") or any(c.isspace() or c in "<>\"'`" for c in url)):
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


class Checklist(Frozen):
    id: str
    title: Text
    version: str  # the report and findings.json name it, with the file's sha256
    description: str
    checks: Annotated[list[Check], Field(min_length=1)]
    de: ChecklistText | None = None

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
