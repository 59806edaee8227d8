"""The report stage: findings.json -> report.html, report.md, junit.xml. Pure: no browser, no network.

The only module that imports Jinja2. Python decides what goes where (grouping, order, which
links and screenshots are safe to include); the templates only lay it out and hold the words.
Findings are untrusted input: every text is escaped (HTML and XML by autoescape, Markdown by
`_markdown`) and loses its control and bidi characters, only https links become links, and only
images inside the findings' folder are embedded. The report and report.md speak the reader's
language (auditor/i18n.py: the templates' messages, the checks' texts, dates); junit.xml stays English.
Every report says what it is (overview.kind_of). `auditor apply`'s words in the terminal are here too.
"""

from __future__ import annotations

import base64
import re
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from auditor import data, i18n
from auditor.errors import InputError
from auditor.evaluate import after_changes
from auditor.files import write_atomic
from auditor.overview import FILTER, SEVERITY_ORDER, Group, Topic, content_public, exposure, groups, kind_of
from auditor.results import Finding, Findings
from auditor.shown import shown

TOP = 5  # the most important changes on the first screen
OUTPUTS = {"report.html": "report.html.j2", "report.md": "report.md.j2", "junit.xml": "junit.xml.j2"}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$")
# Markdown that could turn a finding's text into HTML, a link, an image, code, emphasis or a table cell.
MARKDOWN_SPECIAL = re.compile(r"([\\`*<\[\]|])")


@dataclass(frozen=True)
class Evidence:
    id: str  # the anchor findings link to
    path: str  # as findings.json names it
    data_uri: str


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
    exposure: list[tuple[str, list[Topic]]] = field(default_factory=list)  # per platform audited
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # source key -> (title, https URL)
    filter: dict[str, str] = field(default_factory=lambda: FILTER)
    lang: str = i18n.SOURCE
    made: object = None  # what auditor apply (and its undo) changed: apply.marks.Made; None for an audit
    kind: str = "audit"  # what the report is: audit, marked (an apply's), undone (an undo's), after (changes)
    content_public: bool | None = None  # is the person's content public (overview.content_public)?

    @property
    def top(self) -> list[Finding]:
        return self.to_change[:TOP]


def build_view(
    findings: Findings, evidence_root: Path | None = None, lang: str = i18n.SOURCE, made=None, since=None
) -> View:
    def worst_first(items: list[Finding]) -> list[Finding]:
        return sorted(
            items, key=lambda x: SEVERITY_ORDER.index(x.severity)
        )  # stable: checklist order within a severity

    def having(status: str) -> list[Finding]:
        return [x for x in findings.findings if x.status == status]

    unknown: dict[str | None, list[Finding]] = {}
    for x in having("unknown"):
        unknown.setdefault(x.reason, []).append(x)
    evidence, evidence_of = _evidence(findings, evidence_root)
    return View(
        f=findings,
        to_change=worst_first(having("fail")),
        by_hand=worst_first(having("manual")),
        fine=having("pass"),
        unknown=sorted(unknown.items(), key=lambda item: -len(item[1])),
        not_applicable=having("not_applicable"),
        ai=[x for x in findings.findings if x.category == "ai"],
        region=_region(findings.regions),
        evidence=evidence,
        evidence_of=evidence_of,
        links={x.check: x.url for x in findings.findings if x.url and SAFE_URL.match(x.url)},
        groups=groups(findings.findings),
        exposure=exposure(findings.findings),
        sources=_sources(),
        lang=lang,
        made=made,
        kind=kind_of(made, since),
        content_public=content_public(findings.findings),
    )


@lru_cache
def _sources() -> dict[str, tuple[str, str]]:
    """Source key -> (title, URL) from the checklists' sources file; only https addresses become links."""
    path = data.checklists_dir() / "sources" / "catalog.yml"
    listed = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    return {
        key: (entry["title"], entry["url"])
        for key, entry in listed.items()
        if isinstance(entry, dict) and SAFE_URL.match(str(entry.get("url", "")))
    }


def _region(regions: list[str] | None) -> str:
    if regions and set(regions) <= {"EU", "UK"}:
        return "eu_uk"
    if regions and not set(regions) & {"EU", "UK"}:
        return "elsewhere"
    return "unknown"


def _evidence(findings: Findings, root: Path | None) -> tuple[list[Evidence], dict[str, str]]:
    """Each screenshot once, as a data URI; a missing file, a non-image or a path outside root is skipped."""
    if root is None:
        return [], {}
    root = Path(root).resolve()
    shots: dict[str, Evidence] = {}
    evidence_of: dict[str, str] = {}
    for x in findings.findings:
        if not x.evidence:
            continue
        if x.evidence not in shots:
            image = _image(root, x.evidence)
            if image is None:
                continue
            shots[x.evidence] = Evidence(f"shot-{len(shots) + 1}", x.evidence, image)
        evidence_of[x.check] = shots[x.evidence].id
    return list(shots.values()), evidence_of


def _image(root: Path, relative: str) -> str | None:
    """The image at root/relative as a data URI, or None when it is missing, not an image, or outside root."""
    try:
        path = (root / relative).resolve()
        kind = IMAGE_TYPES.get(path.suffix.lower())
        if kind is None or not path.is_relative_to(root) or not path.is_file():
            return None
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    except (OSError, ValueError):  # unreadable, or a name no file system allows (a NUL byte)
        return None


# ---------------------------------------------------------------------- rendering
def _clean(value):
    """Every template output loses the unprintable (Markup is a macro's output, whose own outputs passed here)."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return shown(value)  # what XML forbids, what HTML cannot show, terminal escapes and bidi controls


def _cleaning(translate):
    """gettext or ngettext whose variables lose the unprintable (newstyle gettext escapes them, not cleans them)."""

    @pass_context
    def call(context, *args, **variables):
        return translate(context, *args, **{name: _clean(value) for name, value in variables.items()})

    return call


def _markdown(value):
    """Text for Markdown: one line, and nothing that Markdown would read as markup (a macro's output was, inside)."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(_clean(str(value)).split()))


def environment(
    template_dir: Path | None = None,
    markdown: bool = False,
    lang: str = i18n.SOURCE,
    page_locale: str | None = None,
    terminal: bool = False,
) -> Environment:
    """Templates from template_dir first, then the built-in ones (datasette-style overrides), speaking `lang`;
    escaped for HTML, for Markdown (`markdown`), or plain text for a terminal (`terminal`)."""
    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(FileSystemLoader(str(data.templates_dir())))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=not (markdown or terminal),
        finalize=_markdown if markdown else _clean,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    for name in ("gettext", "ngettext"):  # a message's %(variables)s come from findings: clean them too
        env.globals[name] = _cleaning(env.globals[name])
    env.filters["day"] = lambda timestamp: i18n.day(timestamp, lang, page_locale)
    env.globals["lang"] = lang
    return env


def apply_words(lang: str = i18n.SOURCE):
    """What `auditor apply` says in the terminal, in `lang`: apply.txt.j2's macros (plan, question, progress,
    summary), each called with the data apply/stage.py gives it and returning the text."""
    return environment(lang=lang, terminal=True).get_template("apply.txt.j2").module


def watch_words(lang: str = i18n.SOURCE):
    """What `auditor watch` and `auditor schedule` say, in `lang`: watch.txt.j2's macros (watch/words.py)."""
    return environment(lang=lang, terminal=True).get_template("watch.txt.j2").module


def render(
    findings: Findings,
    template_dir: Path | None = None,
    evidence_root: Path | None = None,
    lang: str | None = None,
    since=None,
    made=None,
) -> dict[str, str]:
    """Every output file's text, by file name: the report in `lang` (default: the audited pages'), JUnit in English.

    `since` (history.Since) adds what changed since the account's last audit; `made` (apply.marks.Made), what
    auditor apply changed: the findings are judged again on the values after the changes, and marked.
    """
    lang = lang or i18n.language_of(findings.run.locale)
    if made is not None:
        findings = after_changes(findings, made.values, i18n.check_titles(findings.checklist.id))
    localized = i18n.localize(findings, lang)
    view = build_view(localized, evidence_root, lang, made, since)
    page = findings.run.locale
    html, markdown = (
        environment(template_dir, lang=lang, page_locale=page),
        environment(template_dir, markdown=True, lang=lang, page_locale=page),
    )
    junit = environment(template_dir)  # for machines: the same English words whatever the reader's language
    try:
        return {
            "report.html": html.get_template(OUTPUTS["report.html"]).render(v=view, f=localized, since=since),
            "report.md": markdown.get_template(OUTPUTS["report.md"]).render(v=view, f=localized, since=since),
            "junit.xml": junit.get_template(OUTPUTS["junit.xml"]).render(
                v=build_view(findings, made=made, since=since), f=findings
            ),
        }
    except Exception as exc:  # a template of --template-dir may fail in any way: a syntax error, an unknown name, 1 / 0
        if template_dir is None:
            raise  # in the built-in templates: a bug, not bad input
        raise InputError(_template_error(exc, template_dir)) from None


def _template_error(exc: Exception, template_dir: Path) -> str:
    """`file:line: (template): message` for a template of --template-dir that does not parse or render."""
    file, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)  # a syntax error knows both
    if file is None:  # a rendering error: Jinja puts the template's file and line into the traceback
        frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith(".j2")]
        file, line = (frames[-1].filename, frames[-1].lineno) if frames else (template_dir, 1)
    message = (getattr(exc, "message", None) or str(exc)).strip().splitlines()
    return f"{file}:{line or 1}: (template): {message[0] if message else type(exc).__name__}"


def write_report(
    findings: Findings,
    out_dir: Path,
    template_dir: Path | None = None,
    evidence_root: Path | None = None,
    lang: str | None = None,
    since=None,
    made=None,
) -> Path:
    """Write report.html, report.md and junit.xml; returns report.html.

    Screenshot paths in findings are relative to findings.json's folder (evidence_root, by
    default out_dir). Everything is rendered before anything is written, and each file is
    replaced atomically, so a failure leaves the previous report whole.
    """
    out_dir = Path(out_dir)
    texts = render(findings, template_dir, out_dir if evidence_root is None else evidence_root, lang, since, made)
    for name, text in texts.items():
        write_atomic(out_dir / name, text)
    return out_dir / "report.html"
