"""The report stage: findings.json -> report.html, report.md, junit.xml. Pure: no browser, no network.

The only module that imports Jinja2. Python decides what goes where (auditor.view: grouping, order,
which links, sources and screenshots are safe to show; auditor.values: every value in words); the
templates only lay it out and hold the words. Findings are untrusted input: every text is escaped
(HTML and XML by autoescape, Markdown by `_markdown`) and loses its control and bidi characters,
only https links become links, and only images inside the findings' folder are shown. Screenshots
are files in evidence/ beside report.html (shown lazily), or inlined with `single_file`. The report
and report.md speak the reader's language (auditor/i18n.py: the templates' messages, the checks'
texts, the notes, dates and times); junit.xml stays English. Every report says what it is
(overview.kind_of). `auditor apply`'s words in the terminal are here too.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import traceback
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from auditor import data, i18n, texts, values
from auditor.errors import InputError
from auditor.evaluate import after_changes
from auditor.files import write_atomic
from auditor.results import Findings
from auditor.shown import shown
from auditor.view import build_view

OUTPUTS = {"report.html": "report.html.j2", "report.md": "report.md.j2", "junit.xml": "junit.xml.j2"}
# Markdown that could turn a finding's text into HTML, a link, an image, code, emphasis or a table cell.
MARKDOWN_SPECIAL = re.compile(r"([\\`*<\[\]|])")


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


@lru_cache(maxsize=32)  # a process renders many reports: each environment compiles its templates once
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
    env.filters["moment"] = lambda timestamp: i18n.moment(timestamp, lang, page_locale)  # in the person's zone
    env.filters["language"] = lambda locale: i18n.language_name(locale, lang)
    env.filters["regions"] = lambda regions: texts.regions(regions, lang)
    # Values in the page's words: a finding's (x | value), a setting's (value_of(setting, value)), and the label.
    env.filters["value"] = lambda x: values.shown(x.setting, x.value, x.raw, lang, page_locale)
    env.filters["recommended"] = lambda x: values.recommended(x.setting, x.recommended, x.recommended_text, lang)
    env.filters["label"] = lambda setting: values.label(setting, lang, page_locale)
    env.globals["value_of"] = lambda setting, value: values.shown(setting, value, None, lang, page_locale)
    env.globals["page_name"] = lambda flow: values.page(flow, lang, page_locale)
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
    single_file: bool = False,
) -> dict[str, str]:
    """Every output file's text, by file name: the report in `lang` (default: the audited pages'), JUnit in English.

    `since` (history.Since) adds what changed since the account's last audit; `made` (apply.marks.Made), what
    auditor apply changed: the findings are judged again on the values after the changes, and marked.
    """
    return _rendered(findings, template_dir, evidence_root, lang, since, made, single_file)[0]


def _rendered(findings, template_dir, evidence_root, lang, since, made, single_file):
    """The texts by file name, and the screenshots the report shows (auditor.view.Evidence). `since` and `made`
    default to what findings.json keeps of them."""
    since = findings.since if since is None else since
    made = findings.made if made is None else made
    lang = lang or i18n.language_of(findings.run.locale)
    if made is not None:
        findings = after_changes(findings, made.values, i18n.check_titles(findings.checklist.id))
    page = findings.run.locale
    foreign = set()  # notes no catalog has in the reader's language: kept in English, and marked so
    if lang != i18n.SOURCE:
        foreign = {x.check for x in findings.findings if x.detail and texts.note(x.detail, lang, page) is None}
    localized = i18n.localize(findings, lang)
    since = _localized_since(since, findings, localized, lang)
    view = build_view(localized, evidence_root, lang, made, since, single_file, foreign)
    html, markdown = (
        environment(template_dir, lang=lang, page_locale=page),
        environment(template_dir, markdown=True, lang=lang, page_locale=page),
    )
    junit = environment(template_dir)  # for machines: the same English words whatever the reader's language
    try:
        rendered = {
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
    return rendered, view.evidence


def _localized_since(since, findings: Findings, localized: Findings, lang: str):
    """What changed since the last audit (history.Since), each check by its title in the report's language."""
    if since is None or lang == i18n.SOURCE:
        return since
    title = i18n.titles_in(findings.checklist.id, lang) | {
        x.title: y.title for x, y in zip(findings.findings, localized.findings)
    }
    by_check = {y.check: y.title for y in localized.findings}
    return dataclasses.replace(
        since,
        changes=[dataclasses.replace(c, title=title.get(c.title, c.title)) for c in since.changes],
        now_failing=[(check, by_check.get(check, title.get(said, said))) for check, said in since.now_failing],
    )


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
    single_file: bool = False,
) -> Path:
    """Write report.html, report.md and junit.xml, and the screenshots report.html shows into evidence/ beside
    it (unless `single_file`: then they are inlined); returns report.html.

    Screenshot paths in findings are relative to findings.json's folder (evidence_root, by
    default out_dir). Everything is rendered before anything is written, the screenshots are in
    place before the report that links them, and each file is replaced atomically, so a failure
    leaves the previous report whole.
    """
    out_dir = Path(out_dir)
    root = out_dir if evidence_root is None else evidence_root
    rendered, shots = _rendered(findings, template_dir, root, lang, since, made, single_file)
    for shot in shots:
        if shot.file is not None:
            _copy(shot.file, out_dir / shot.src)
    for name, text in rendered.items():
        write_atomic(out_dir / name, text)
    return out_dir / "report.html"


def _copy(source: Path, target: Path) -> None:
    """A screenshot into the report's evidence/ folder; nothing to do when it is already there."""
    try:
        if target.exists() and target.resolve() == source.resolve():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(source, partial)
        partial.replace(target)
    except OSError as exc:
        raise InputError(f"{target.parent}: -o: cannot write the screenshots here ({exc.strerror or exc})") from None
