"""What a report shows, decided in Python (report.py lays it out through the templates). Pure.

The findings in the order a person acts on them (what to change first), grouped by platform and
topic with only the group to act on first open; each check's sources a person can trust
(auditor.sources); the screenshots, as files beside the report or, in a single file, inlined.
Findings are untrusted: only https links become links, and only images inside the findings'
folder are shown.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

from auditor import i18n, sources, values
from auditor.overview import FILTER, SEVERITY_ORDER, Group, Topic, content_public, exposure, groups, kind_of
from auditor.results import Finding, Findings

TOP = 5  # the most important changes on the first screen
EVIDENCE = "evidence"  # the folder beside report.html that holds its screenshots
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
SAFE_URL = sources.SAFE_URL
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")  # a screenshot's own file name, as a relative link may carry it


@dataclass(frozen=True)
class Evidence:
    id: str  # the anchor findings link to
    path: str  # as findings.json names it
    src: str  # what the report's <img> loads: evidence/NAME beside the report, or a data URI (--single-file)
    file: Path | None = None  # the screenshot to copy beside the report (None: inlined)
    flow: str | None = None  # the settings page it shows (a flow id), for its caption


@dataclass
class View:
    """What the templates show, in the order they show it."""

    f: Findings
    to_change: list[Finding]  # failures, most severe first
    by_hand: list[Finding]  # manual checks, most severe first
    fine: list[Finding]
    unknown: list[tuple[str | None, list[Finding]]]  # grouped by reason: one cause, one explanation
    not_applicable: list[Finding]
    ai: list[Finding]
    region: str  # eu_uk, elsewhere or unknown (evaluate.regions_of)
    evidence: list[Evidence] = field(default_factory=list)
    evidence_of: dict[str, str] = field(default_factory=dict)  # check id -> Evidence.id
    links: dict[str, str] = field(default_factory=dict)  # check id -> safe https URL
    groups: list[Group] = field(default_factory=list)  # by platform and topic, most important first
    opened: Group | None = None  # the one group open at first: where the most important change is
    exposure: list[tuple[str, list[Topic]]] = field(default_factory=list)  # per platform audited
    cited: dict[str, list[sources.Source]] = field(default_factory=dict)  # check id -> sources a person sees
    foreign: set[str] = field(default_factory=set)  # checks whose note no catalog translates (kept in English)
    filter: dict[str, str] = field(default_factory=lambda: FILTER)
    lang: str = i18n.SOURCE
    made: object = None  # what auditor apply (and its undo) changed: apply.marks.Made; None for an audit
    kind: str = "audit"  # what the report is: audit, marked (an apply's), undone (an undo's), after (changes)
    content_public: bool | None = None  # is the person's content public (overview.content_public)?

    @property
    def top(self) -> list[Finding]:
        return self.to_change[:TOP]


def build_view(
    findings: Findings,
    evidence_root: Path | None = None,
    lang: str = i18n.SOURCE,
    made=None,
    since=None,
    single_file: bool = False,
    foreign: set[str] | None = None,
) -> View:
    def worst_first(items: list[Finding]) -> list[Finding]:
        return sorted(items, key=lambda x: SEVERITY_ORDER.index(x.severity))  # stable: checklist order within one

    def having(status: str) -> list[Finding]:
        return [x for x in findings.findings if x.status == status]

    unknown: dict[str | None, list[Finding]] = {}
    for x in having("unknown"):
        unknown.setdefault(x.reason, []).append(x)
    evidence, evidence_of = _evidence(findings, evidence_root, single_file)
    links = {x.check: x.url for x in findings.findings if x.url and SAFE_URL.match(x.url)}
    to_change = worst_first(having("fail"))
    grouped = groups(findings.findings)
    return View(
        f=findings,
        to_change=to_change,
        by_hand=worst_first(having("manual")),
        fine=having("pass"),
        unknown=sorted(unknown.items(), key=lambda item: -len(item[1])),
        not_applicable=having("not_applicable"),
        ai=[x for x in findings.findings if x.category == "ai"],
        region=region(findings.regions),
        evidence=evidence,
        evidence_of=evidence_of,
        links=links,
        groups=grouped,
        opened=next((g for g in grouped if to_change and to_change[0] in g.findings), None),
        exposure=exposure(findings.findings),
        cited={x.check: sources.shown(x.sources, links.get(x.check)) for x in findings.findings},
        foreign=foreign or set(),
        lang=lang,
        made=made,
        kind=kind_of(made, since),
        content_public=content_public(findings.findings),
    )


def region(regions: list[str] | None) -> str:
    if regions and set(regions) <= {"EU", "UK"}:
        return "eu_uk"
    if regions and not set(regions) & {"EU", "UK"}:
        return "elsewhere"
    return "unknown"


def _evidence(findings: Findings, root: Path | None, single_file: bool) -> tuple[list[Evidence], dict[str, str]]:
    """Each screenshot once; a missing file, a non-image or a path outside root is skipped."""
    if root is None:
        return [], {}
    root = Path(root).resolve()
    shots: dict[str, Evidence] = {}
    evidence_of: dict[str, str] = {}
    for x in findings.findings:
        if not x.evidence:
            continue
        if x.evidence not in shots:
            path = _image(root, x.evidence)
            if path is None:
                continue
            n, page = len(shots) + 1, values.flow_of(x.setting)
            if single_file:
                try:
                    inlined = base64.b64encode(path.read_bytes()).decode("ascii")
                except OSError:  # gone or unreadable since it was found
                    continue
                kind = IMAGE_TYPES[path.suffix.lower()]
                shots[x.evidence] = Evidence(f"shot-{n}", x.evidence, f"data:{kind};base64,{inlined}", None, page)
            else:
                name = path.name if SAFE_NAME.match(path.name) else f"shot-{n}{path.suffix.lower()}"
                taken = {e.src for e in shots.values()}
                src = f"{EVIDENCE}/{name}" if f"{EVIDENCE}/{name}" not in taken else f"{EVIDENCE}/shot-{n}-{name}"
                shots[x.evidence] = Evidence(f"shot-{n}", x.evidence, src, path, page)
        evidence_of[x.check] = shots[x.evidence].id
    return list(shots.values()), evidence_of


def _image(root: Path, relative: str) -> Path | None:
    """The image at root/relative, or None when it is missing, not an image, or outside root."""
    try:
        path = (root / relative).resolve()
        if path.suffix.lower() not in IMAGE_TYPES or not path.is_relative_to(root) or not path.is_file():
            return None
        return path
    except (OSError, ValueError):  # unreadable, or a name no file system allows (a NUL byte)
        return None
