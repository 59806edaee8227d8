"""The notes a person reads that do not come from a template: the flows' notes on a setting that is not
there (`missing_detail`), the list of settings with no web page (flows/not_applicable.yml), evaluate's
notes (where a check applies, what could not be read) and the regions. Pure.

They are English in findings.json; `note()` gives them in the reader's language from the gettext
catalogs (auditor/locale), with setting ids turned into the settings' labels. `extract()` is the
Babel extractor that puts the data files' notes into the catalog beside the templates' messages
(auditor/locale/babel.cfg), so `pybabel update` keeps them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import permutations

import yaml

from auditor import i18n
from auditor.evaluate import REGION_WORDS

UNSURE = "; the pages did not show where you are"


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for flows/*.yml and flows/not_applicable.yml: each note, by its line."""
    for number, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        found = re.match(r"\s*(?:- )?(?:missing_detail|detail):\s*(.+?)\s*$", line)
        if found:
            text = yaml.safe_load(found.group(1))
            if isinstance(text, str) and text:
                yield number, None, text, []


def region_words(region: str, lang: str) -> str:
    t = i18n.translations(lang)
    return {
        "EU": t.gettext("the EU and EEA"),
        "UK": t.gettext("the UK"),
        "US": t.gettext("the US"),
        "OTHER": t.gettext("other countries outside the EU and UK"),
    }.get(region, region)


def regions(found: list[str] | None, lang: str) -> str:
    """Where the account may be, as the footer says it: "the US or other countries outside the EU and UK"."""
    t = i18n.translations(lang)
    if not found:
        return t.gettext("not shown by the pages")
    return t.gettext(" or ").join(region_words(r, lang) for r in found)


@lru_cache
def _region_phrases() -> dict[str, tuple[str, ...]]:
    """evaluate's English for each list of regions ("the EU and EEA and the UK") -> the regions."""
    codes = list(REGION_WORDS)
    return {
        " and ".join(REGION_WORDS[c] for c in chosen): chosen
        for n in range(1, len(codes) + 1)
        for chosen in permutations(codes, n)
    }


def note(text: str, lang: str, page_locale: str | None = None) -> str | None:
    """`text` (a finding's detail) in `lang`, setting ids named by their labels; None when no catalog has it."""
    from auditor.values import label  # values needs the flows; a note without ids needs no flows

    if not text:
        return text
    t = i18n.translations(lang)
    known = t.gettext(text)
    if known != text:
        return known
    applies = re.fullmatch(r"applies only in (.+?)(; the pages did not show where you are)?", text)
    if applies and applies.group(1) in _region_phrases():
        where = t.gettext(" and ").join(region_words(r, lang) for r in _region_phrases()[applies.group(1)])
        said = t.gettext("applies only in %(regions)s") % {"regions": where}
        return said + (t.gettext("; the pages did not show where you are") if applies.group(2) else "")
    audited = re.fullmatch(r"(facebook|instagram) was not audited", text)
    if audited:
        platform = {"facebook": t.gettext("Facebook"), "instagram": t.gettext("Instagram")}[audited.group(1)]
        return t.gettext("%(platform)s was not audited") % {"platform": platform}
    unread = re.fullmatch(r"could not read ([a-z0-9_.]+(?:, [a-z0-9_.]+)*)", text)
    if unread:
        quoted = t.gettext('"%(text)s"')
        names = ", ".join(quoted % {"text": label(s, lang, page_locale)} for s in unread.group(1).split(", "))
        return t.gettext("could not read %(settings)s") % {"settings": names}
    relabelled = re.fullmatch(r'read from a control whose label changed \("(.*)"\): check it', text, re.S)
    if relabelled:
        return t.gettext('read from a control whose label changed ("%(label)s"): check it') % {
            "label": relabelled.group(1)
        }
    return plain(text, lang, page_locale) if lang == i18n.SOURCE else None


def plain(text: str, lang: str = i18n.SOURCE, page_locale: str | None = None) -> str:
    """A note with the setting ids it names ("(ac.ad_partners_activity)") turned into their labels."""
    from auditor.values import _settings, label

    known = _settings()
    return re.sub(
        r"\(?\b([a-z]{2,4}\.[a-z0-9_.]+[a-z0-9])\)?",
        lambda m: f'("{label(m.group(1), lang, page_locale)}")' if m.group(1) in known else m.group(0),
        text,
    )


def fixed_notes(lang: str) -> dict[str, str]:
    """evaluate's and the run's notes that are always the same words, each in `lang`: written out here so that
    the catalog's extraction finds them (`note()` looks any note up in the catalog first)."""
    t = i18n.translations(lang)
    return {
        "no flow read this setting in this run": t.gettext("no flow read this setting in this run"),
        "the page showed no value": t.gettext("the page showed no value"),
        "not read: the run was interrupted (Ctrl-C)": t.gettext("not read: the run was interrupted (Ctrl-C)"),
        "not read: the run's time limit (--timeout) passed first": t.gettext(
            "not read: the run's time limit (--timeout) passed first"
        ),
        "no option was shown as chosen": t.gettext("no option was shown as chosen"),
    }


def stop_reason(text: str, lang: str) -> str | None:
    """Why a run did not finish (outcome.stop_message, as the cohort summary shows it) in `lang`; None when it
    is not one of the usual reasons (a crash's own message, which only English has)."""
    t = i18n.translations(lang)
    said = [
        (
            r"the (?P<name>facebook|instagram) session is not logged in any more \(expired or logged out\) at \S+: "
            r"log in again with `auditor login \w+`, then run again",
            t.gettext(
                "the %(platform)s session is not logged in any more: log in again with `auditor login %(name)s`, "
                "then run again"
            ),
        ),
        (
            r"Meta asks to confirm it's you on (?P<name>facebook|instagram) \(at \S+\): finish that with "
            r"`auditor login \w+`, then run again",
            t.gettext(
                "Meta asks to confirm it's you on %(platform)s: finish that with `auditor login %(name)s`, "
                "then run again"
            ),
        ),
        (
            r"Meta rate-limited the account at \S+: wait a few hours before the next audit, and keep --pace at "
            r"[\d.]+ s or more",
            t.gettext("Meta rate-limited the account: wait a few hours before the next audit"),
        ),
        (
            r"the run was interrupted; what was read so far is written",
            t.gettext("the run was interrupted; what was read so far is written"),
        ),
    ]
    rest = t.gettext("; the settings read before that are in the results")
    for pattern, message in said:
        found = re.fullmatch(f"{pattern}(?P<rest>; the settings read before that are in the results)?", text)
        if found:
            name = found.groupdict().get("name") or ""
            platform = {"facebook": t.gettext("Facebook"), "instagram": t.gettext("Instagram")}.get(name, "")
            said = message % {"platform": platform, "name": name} if name else message
            return said + (rest if found["rest"] else "")
    return None
