"""The reader's language: the report's words, the checklist's texts, the notes, dates and times in it (English
or German).

The templates hold the words in English, wrapped in `_()` and `ngettext()` (Jinja2's i18n
extension); values' words (auditor/values.py), the notes of evaluate and of the flows' data files
(auditor/texts.py) are messages too. Their German is in locale/de/LC_MESSAGES/messages.po, compiled
in memory with Babel when a report is written, so a clean clone and an installed wheel need no
build step. After changing a message, from the repository's top:

    pybabel extract -F auditor/locale/babel.cfg -o messages.pot .
    pybabel update -w 120 --no-fuzzy-matching -i messages.pot -d auditor/locale

then translate what is new; tests/test_i18n.py fails while a message lacks German. A check's
texts in German are its `de:` block in the shipped checklist the findings name.
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from auditor import data
from auditor.checklist import Checklist
from auditor.results import Findings
from auditor.spec import load_file

SOURCE = "en"  # the language the templates and checklists are written in
LANGUAGES = (SOURCE, "de")


def language_of(locale: str | None) -> str:
    """The report's language for the audited pages' locale (de_DE -> de); English for any other, or none."""
    code = (locale or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else SOURCE


def catalog_file(lang: str) -> Path:
    return data.PACKAGE / "locale" / lang / "LC_MESSAGES" / "messages.po"


@lru_cache
def translations(lang: str) -> gettext.NullTranslations:
    """The templates' words in `lang`, from its .po file (fuzzy entries are left out, so they stay English)."""
    if lang == SOURCE:
        return gettext.NullTranslations()
    with catalog_file(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def day(timestamp: str, lang: str, page_locale: str | None = None) -> str:
    """The date of an ISO timestamp as the reader writes it: "23. November 2026", "November 23, 2026".

    The pages' own locale, when it is in the report's language, picks the variant (en_GB: "23 November 2026").
    """
    try:
        when = date.fromisoformat(timestamp[:10])
    except ValueError:  # findings.json is untrusted: show what it says
        return timestamp
    locale = page_locale.replace("-", "_") if page_locale and language_of(page_locale) == lang else lang
    try:
        return format_date(when, format="long", locale=locale)
    except ValueError:  # a locale Babel does not know
        return format_date(when, format="long", locale=lang)


def moment(timestamp: str, lang: str, page_locale: str | None = None) -> str:
    """A time as the reader writes it, in the zone of the machine the report is made on (the person's):
    "6. Dezember 2026, 09:21 CET", "December 6, 2026, 9:21 AM UTC". The stored time is UTC (ISO 8601)."""
    try:
        when = datetime.fromisoformat(timestamp).astimezone()
    except (TypeError, ValueError):  # findings.json is untrusted: show what it says
        return timestamp
    locale = page_locale.replace("-", "_") if page_locale and language_of(page_locale) == lang else lang
    try:
        shown = f"{format_date(when, format='long', locale=locale)}, {format_time(when, format='short', locale=locale)}"
    except (ValueError, UnknownLocaleError):
        shown = f"{format_date(when, format='long', locale=lang)}, {format_time(when, format='short', locale=lang)}"
    return f"{shown} {when.tzname()}"


def language_name(locale: str | None, lang: str) -> str:
    """A UI locale in the reader's words: en_US -> "English (United States)", "Englisch (Vereinigte Staaten)"."""
    try:
        return Locale.parse((locale or "").replace("-", "_")).get_display_name(lang) or str(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        return str(locale)


@lru_cache
def _shipped(checklist_id: str) -> Checklist | None:
    path = data.checklists_dir() / f"{checklist_id}.yml"
    return load_file(path, Checklist, checklist_id).spec if path.is_file() else None


def check_titles(checklist_id: str) -> dict[str, tuple[str, str]]:
    """Check id -> (its title when it passes, when it fails), for the checks of a shipped checklist."""
    checklist = _shipped(checklist_id)
    return {c.id: (c.title, c.failure_title) for c in checklist.checks} if checklist is not None else {}


def shipped_title(checklist_id: str, lang: str) -> str | None:
    """A shipped checklist's title in `lang` (None: no such shipped checklist)."""
    checklist = _shipped(checklist_id)
    if checklist is None:
        return None
    text = getattr(checklist, lang, None) if lang != SOURCE else None
    return text.title if text is not None else checklist.title


def checklist_title(source, lang: str) -> str:
    """A checklist's title (results.Source) in `lang`, when it is a shipped one whose words are unchanged."""
    checklist = _shipped(source.id) if lang != SOURCE else None
    text = getattr(checklist, lang, None) if checklist is not None else None
    if text is not None and source.title == checklist.title:
        return text.title
    return source.title or source.id


def titles_in(checklist_id: str, lang: str) -> dict[str, str]:
    """Each title of a shipped checklist's checks (passing and failing) -> the same title in `lang`."""
    checklist = _shipped(checklist_id) if lang != SOURCE else None
    said: dict[str, str] = {}
    for check in checklist.checks if checklist is not None else []:
        text = getattr(check, lang)
        if text is not None:
            said |= {check.title: text.title, check.failure_title: text.failure_title}
    return said


def failure_titles(checklist_id: str, lang: str) -> dict[str, str]:
    """Check id -> what to do, in `lang`, for the checks of a shipped checklist that have it."""
    checklist = _shipped(checklist_id) if lang != SOURCE else None
    if checklist is None:
        return {}
    texts = {c.id: getattr(c, lang) for c in checklist.checks}
    return {check: text.failure_title for check, text in texts.items() if text is not None}


def localize(findings: Findings, lang: str) -> Findings:
    """The findings with each check's texts in `lang`, where the shipped checklist they came from has them, and
    each note (detail) in `lang` where the catalogs have it (auditor.texts; an untranslatable one stays).

    A finding keeps its own words when its checklist is not a shipped one, or says something else
    than the shipped check (a changed copy under the same name): a translation of other words is wrong.
    """
    from auditor.texts import note, plain

    checklist = _shipped(findings.checklist.id) if lang != SOURCE else None
    checks = {c.id: c for c in checklist.checks} if checklist is not None else {}
    localized = []
    for x in findings.findings:
        said = note(x.detail, lang, findings.run.locale) or plain(x.detail, lang, findings.run.locale)
        x = x.model_copy(update={"detail": said})
        check = checks.get(x.check)
        text = getattr(check, lang) if check is not None else None
        if text is None or x.why != check.why or x.title not in (check.title, check.failure_title):
            localized.append(x)
            continue
        update = {"title": text.title if x.title == check.title else text.failure_title, "why": text.why}
        update |= {"how": list(text.how), "recommended_text": text.recommended_text or x.recommended_text}
        localized.append(x.model_copy(update=update))
    if checklist is None:
        return findings.model_copy(update={"findings": localized})
    source = findings.checklist
    title = getattr(checklist, lang)
    if title is not None and source.title == checklist.title:
        source = source.model_copy(update={"title": title.title})
    return findings.model_copy(update={"findings": localized, "checklist": source})
