"""The JSON contract between stages: observations.json, findings.json (and drift.json in drift.py).

Every file carries schema_version, the tool version, the flows and checklist it came from (id and
sha256), and timestamps. `None` always means "not seen", never "off".
"""

from __future__ import annotations

import typing
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError

from auditor.errors import InputError
from auditor.files import write_atomic
from auditor.models import Strict, Value
from auditor.report_input import Made, Since
from auditor.shown import shown
from auditor.userfile import load_json

SCHEMA_VERSION = 1

Platform = Literal["facebook", "instagram", "accounts_center", "meta"]
# What a run audits (a person's choice on the command line): a file naming anything else is not ours.
Audited = Annotated[list[Literal["facebook", "instagram"]], Field(min_length=1)]
ObservationStatus = Literal["observed", "unknown", "not_applicable"]
# Why a setting is unknown or not applicable; the run goes on either way.
Reason = Literal[
    "not_found",
    "login_wall",
    "checkpoint",
    "rate_limited",
    "unsupported_locale",
    "not_offered_in_region",
    "error",
    "interrupted",
    "app_only",
    "retired",
    "no_setting",
    "no_web_page",
    "not_offered_for_account",
    "timeout",
    "site_unreachable",
    "browser_closed",
    "blocked_by_dialog",
]
# How a setting was found on its page: its wording in a control's name, in the control's row; only after
# the page was watched for the rest of its content, scrolled through, its sections opened; in the dialog or
# on the subpage its button leads to; under a dialog auditor does not know (read without a click).
FoundBy = Literal[
    "name", "row_text", "after_waiting", "after_scrolling", "after_expanding", "in_dialog", "on_subpage", "under_dialog"
]
FindingStatus = Literal["pass", "fail", "unknown", "not_applicable", "manual"]
Severity = Literal["critical", "high", "medium", "low", "info"]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Observation(Strict):
    """What one setting showed (or why it could not be read)."""

    setting: str
    platform: Platform
    status: ObservationStatus
    value: Value = None  # canonical value (public, friends, on, off, 3, offered ...); None = not seen
    raw: str | None = None  # the text on the page the value was read from
    options: list[str] | None = None  # option texts offered, when the control showed them
    locator: str | None = None  # how the control was found, for people fixing a flow
    control: str | None = None  # the role of the control the value was read from (drift sees a retype)
    # "inferred": read from the one control of its kind that no known label names; label_seen is its label
    confidence: Literal["read", "inferred"] | None = None
    label_seen: str | None = None
    found_by: FoundBy | None = None
    url: str | None = None
    flow: str | None = None
    time: str | None = None
    reason: Reason | None = None
    detail: str = ""  # one line: why unknown or not applicable


class Control(Strict):
    """One control seen in a page's main region, declared by a flow or not (for drift)."""

    role: str
    name: str
    label: str | None = None  # the row's text when the accessible name is generic ("Edit privacy. ...")
    section: str | None = None
    state: str | None = None  # checked / unchecked / the value text; volatile, ignored by drift
    options: list[str] = []
    setting: str | None = None  # the setting a flow read from this control, if any
    found_by: FoundBy | None = None  # how that setting was found (Observation.found_by)


class PageInventory(Strict):
    flow: str
    url: str
    status: Literal["ok", "unknown"]
    reason: Reason | None = None
    detail: str = ""
    locale: str | None = None
    controls: list[Control] = []
    screenshot: str | None = None  # path relative to the observations file


class Source(Strict):
    """A flow or checklist file the run used, pinned by hash."""

    id: str
    sha256: str
    checked_on: str | None = None
    version: str | None = None  # a checklist's version
    title: str | None = None  # a checklist's title, for the report


class Account(Strict):
    """Whose settings a run read (or apply changed), as the history knows the account: keyed hashes, never an id.

    Apply and undo compare it with the account the browser is logged in to before the first change.
    """

    site: str  # "meta" (Meta's own sites), a replica's URL, or "demo replica ..." (the demo's own, gone after it)
    pseudonym: str  # as `auditor history` names the account
    ids: dict[str, str]  # per platform, the keyed hash of the account's id there (history/pseudonym.py)
    key: str  # which history key made the hashes: hashes made with two keys cannot be compared


class Run(Strict):
    tool_version: str
    started: str
    finished: str | None = None
    platforms: Audited
    browser: str | None = None
    target: str = "meta"  # "meta" for the real sites, or the replica URL
    account: Account | None = None  # whose settings these are (None: the pages did not tell, or an older file)
    locale: str | None = None
    region: str | None = None  # as far as the pages tell it (objection form offered or not)
    flows: list[Source] = []
    writes_sent: int = 0  # requests not known to be reads that went out in audit mode: 0 unless the guard is broken
    writes_blocked: int = (
        0  # requests not known to be reads that the network guard stopped; the replica's log must agree
    )
    egress_blocked: int = 0
    # requests that went out without the guard's judgement ("METHOD name-or-path"): any stops the run (auditor.guard)
    unguarded: list[str] = []
    # Meta's cookie dialog over a settings page, answered with its most private choice (optional cookies declined)
    cookie_dialogs_declined: int = 0
    interrupted: bool = False
    complete: bool = True


class Observations(Strict):
    schema_version: int = SCHEMA_VERSION
    kind: Literal["observations"] = "observations"
    run: Run
    observations: list[Observation]
    pages: list[PageInventory] = []

    def by_setting(self) -> dict[str, Observation]:
        return {o.setting: o for o in self.observations}


class Finding(Strict):
    check: str
    setting: str
    status: FindingStatus
    severity: Severity
    category: str
    platform: str
    title: str  # the wording that fits the status: passing title or failure title
    value: Value = None
    raw: str | None = None
    recommended: list[Value] = []
    recommended_text: str = ""
    why: str = ""
    how: list[str] = []
    url: str | None = None
    sources: list[str] = []
    reason: Reason | None = None
    detail: str = ""
    evidence: str | None = None  # screenshot of the page, relative to findings.json


class Score(Strict):
    category: str
    passed: int
    failed: int
    unknown: int
    score: int | None  # 0-100 over checked items; None when nothing could be checked
    manual: int = 0
    not_applicable: int = 0


class Findings(Strict):
    schema_version: int = SCHEMA_VERSION
    kind: Literal["findings"] = "findings"
    run: Run
    checklist: Source
    evaluated: str
    findings: list[Finding]
    scores: list[Score]
    overall: Score
    regions: list[str] | None = None  # where the account may be, as evaluate judged it; None: the pages did not tell
    # What the report showed besides (auditor/report_input.py), kept so `auditor report` makes it again from here:
    since: Since | None = None  # what changed since the account's previous audit (a run with a history)
    made: Made | None = None  # what auditor apply (and its undo) changed, marked in the report


def read(path: Path, model: type[BaseModel]) -> BaseModel:
    """Load a results file; a broken or foreign file, or one a newer auditor wrote, is an InputError naming it."""
    data = load_json(path)
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and not 1 <= version <= SCHEMA_VERSION:
        if version > SCHEMA_VERSION:
            why = f"is newer than this auditor reads ({SCHEMA_VERSION}); update auditor to read it"
        else:
            why = "is not a version auditor writes"
        raise InputError(f"{path}: schema_version: {version} {why}")
    from auditor.kinds import wrong_kind  # a file of another kind: say what it is, and what to do

    field = model.model_fields.get("kind")
    wanted = typing.get_args(field.annotation) if field is not None else ()  # the Literal's kinds
    if wanted and (wrong := wrong_kind(path, data, wanted)):
        raise InputError(wrong)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise InputError(f"{path}:1: {field}: {err['msg'].removeprefix('Value error, ')}") from None


def write(path: Path, result: BaseModel) -> Path:
    """Write atomically: a reader never sees half a file, and a failure keeps the old one. Without what no output
    may carry (auditor.shown: JSON escapes the C0 controls, but would keep bidi and C1 controls as they are)."""
    return write_atomic(Path(path), shown(result.model_dump_json(indent=2)) + "\n")
