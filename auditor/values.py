"""A setting's value as a person reads it: the option text Meta's page shows for it, On or Off, a count in
words. Pure: no browser, no template engine.

findings.json, observations.json and the history keep the machine forms (`only_me`, `1_year`,
`dont_use`, True, "checked"); every output a person reads shows them through `shown()`. A value's
words are the report's language's: the text the page itself showed (`raw`) when the pages were in
that language, otherwise the flow's option text in that language (flows/*.yml, flows/vocabulary.yml).
A switch's state has no words of its own on the page (its ARIA state reads "checked"), so it is On or
Off. A setting is named by its label on the page (`label`), never by its id.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor import i18n
from auditor.evaluate import PUBLIC_WHEN
from auditor.locators import Localized
from auditor.reads import SettingRead
from auditor.spec import load_flows, load_vocabulary

DEFAULT_LOCALE = {"en": "en_US", "de": "de_DE"}  # the UI wording a language's reader knows best
ON_OFF_KINDS = ("switch", "status")
# How an ARIA state reads when a reader recorded it as the page's text: no words a person would use.
STATES = {"checked": "on", "not checked": "off", "unchecked": "off", "true": "on", "false": "off"} | {
    "on": "on",
    "off": "off",
}
DERIVED = "meta.public_content_exposure"


@lru_cache
def _settings() -> dict[str, SettingRead]:
    return {s.id: s for flow in load_flows() for s in flow.spec.settings}


@lru_cache
def _pages() -> dict[str, object]:
    return {flow.id: flow.spec for flow in load_flows()}


@lru_cache
def _flow_of() -> dict[str, str]:
    return {s.id: flow.id for flow in load_flows() for s in flow.spec.settings}


def flow_of(setting: str) -> str | None:
    """The flow (settings page) that reads `setting`, if a shipped one does."""
    return _flow_of().get(setting)


@lru_cache
def _vocabulary() -> dict[str, Localized]:
    return dict(load_vocabulary().values)


def _options(setting: SettingRead | None) -> dict[str, Localized]:
    """Canonical value -> its texts, for a setting the flows read (its own texts, else the shared vocabulary's)."""
    if setting is None:
        return {}
    values = setting.values or (["on", "off"] if setting.read in ON_OFF_KINDS else [])
    if isinstance(values, dict):
        return dict(values)
    return {v: _vocabulary()[v] for v in values if v in _vocabulary()}


def words_locale(lang: str, page_locale: str | None = None) -> str:
    """The UI wording to show values in: the pages' own when they were in the reader's language."""
    if page_locale and i18n.language_of(page_locale) == lang:
        return page_locale.replace("-", "_")
    return DEFAULT_LOCALE.get(lang, DEFAULT_LOCALE[i18n.SOURCE])


def label(setting: str, lang: str = i18n.SOURCE, page_locale: str | None = None) -> str:
    """A setting as its page labels it (the flow's label), in the reader's wording; a readable stand-in else."""
    read = _settings().get(setting)
    if read is not None:
        text = _localized(read.label, words_locale(lang, page_locale))
        if text:
            return text
    return _readable(setting.rsplit(".", 1)[-1])


def page(flow: str, lang: str = i18n.SOURCE, page_locale: str | None = None) -> str:
    """A settings page by its heading on the page ("Posts", "Werbeeinstellungen"), for the list of pages read."""
    spec = _pages().get(flow)
    if spec is None:
        return _readable(flow.rsplit("/", 1)[-1])
    heading = _localized(spec.ready.name, words_locale(lang, page_locale)) if spec.ready.role == "heading" else None
    return heading or spec.title.split(": ", 1)[-1]


def shown(setting: str, value, raw: str | None = None, lang: str = i18n.SOURCE, page_locale: str | None = None) -> str:
    """The value of `setting` in words: "Friends", "On", "3 apps", the option text the page showed."""
    t = i18n.translations(lang)
    if value is None and not raw:
        return ""
    if setting == DERIVED:
        return _derived(value, raw, lang, page_locale)
    if isinstance(value, int) and not isinstance(value, bool):
        return count(setting, value, lang)
    read = _settings().get(setting)
    state = STATES.get(str(raw).strip().lower()) if raw else None
    if isinstance(value, bool) or (read is not None and read.read in ON_OFF_KINDS and str(value) in ("on", "off")):
        on = value is True or str(value) == "on"
        return t.gettext("On") if on else t.gettext("Off")
    if read is not None and read.read == "status" and _fixed(str(value), lang):
        return _fixed(str(value), lang)  # a status shows as a button that does the opposite ("Unlock profile")
    if raw and state is None and i18n.language_of(page_locale) == lang:
        return raw  # the page's own words
    option = _options(read).get(str(value))
    text = _localized(option, words_locale(lang, page_locale)) if option is not None else None
    if text:
        return text
    if state is not None and value is None:
        return t.gettext("On") if state == "on" else t.gettext("Off")
    return _fixed(str(value), lang) or (raw if raw and state is None else _readable(str(value)))


def count(setting: str, n: int, lang: str = i18n.SOURCE) -> str:
    """A count in words with its real plural: "1 app", "4 sessions"."""
    t = i18n.translations(lang)
    if setting.endswith("apps_and_websites"):
        text = t.ngettext("%(num)d app", "%(num)d apps", n)
    elif setting == "ac.where_logged_in":
        text = t.ngettext("%(num)d session", "%(num)d sessions", n)
    elif setting == "ac.upload_contacts":
        text = t.ngettext("%(num)d contact", "%(num)d contacts", n)
    elif setting == "ac.ad_topics":
        text = t.ngettext("%(num)d topic", "%(num)d topics", n)
    elif setting == "ac.categories_used_to_reach_you":
        text = t.ngettext("%(num)d category", "%(num)d categories", n)
    elif setting == "ac.audience_based_advertising":
        text = t.ngettext("%(num)d advertiser", "%(num)d advertisers", n)
    elif setting.endswith("hide_story_from"):
        text = t.ngettext("%(num)d person", "%(num)d people", n)
    else:
        text = t.ngettext("%(num)d entry", "%(num)d entries", n)
    return text % {"num": n}


def recommended(setting: str, expected: list, given: str, lang: str = i18n.SOURCE, page_locale=None) -> str:
    """What a check recommends, in words: the checklist's own text, or its expected values' words when the
    checklist gave none (evaluate then writes the values themselves: "on", "at most 0")."""
    t = i18n.translations(lang)
    counted = [v for v in expected if isinstance(v, int) and not isinstance(v, bool)]
    if counted and given in (f"at most {counted[0]}", ""):
        return t.ngettext("at most %(num)d", "at most %(num)d", counted[0]) % {"num": counted[0]}
    if given and given != ", ".join(str(v) for v in expected):
        return given
    return t.gettext(" or ").join(shown(setting, v, None, lang, page_locale) for v in expected)


def _derived(value, raw: str | None, lang: str, page_locale: str | None) -> str:
    """Whether the person's content is public, and what of it: "Facebook posts: Public; Instagram private account:
    Off" (evaluate writes the page's texts, of any locale, or a switch's state)."""
    t = i18n.translations(lang)
    names = {
        "fb.future_posts_audience": t.gettext("Facebook posts"),
        "ig.private_account": t.gettext("Instagram private account"),
    }
    by_name = {name: setting for setting, (_public, name) in PUBLIC_WHEN.items()}
    parts = []
    for part in (raw or "").split("; "):
        name, _colon, text = part.partition(": ")
        setting = by_name.get(name)
        if setting is None or not text:
            parts = []
            break
        canonical = _canonical(setting, text)
        shown_text = shown(setting, canonical, None, lang, page_locale) if canonical is not None else text
        parts.append(f"{names[setting]}: {shown_text}")
    if parts:
        return "; ".join(parts)
    return _fixed(str(value), lang) or _readable(str(value))


def _canonical(setting: str, text: str):
    """The canonical value a page text stands for in any locale (a switch's state included), or None."""
    state = STATES.get(text.strip().lower())
    if state is not None:
        return state
    known = _options(_settings().get(setting))
    if text in known:  # evaluate writes the value itself when the page's text was not recorded
        return text
    for canonical, localized in known.items():
        if text in localized.variants():
            return canonical
    return None


def _fixed(value: str, lang: str) -> str | None:
    """Words for the values that are not options on a page: what the page offers, or whether it is public."""
    t = i18n.translations(lang)
    words = {
        "public": t.gettext("Public"),
        "not_public": t.gettext("Not public"),
        "offered": t.gettext("Offered"),
        "not_offered": t.gettext("Not offered"),
        "available": t.gettext("On the page"),
        "locked": t.gettext("Locked"),
        "unlocked": t.gettext("Not locked"),
        "on": t.gettext("On"),
        "off": t.gettext("Off"),
    }
    return words.get(value)


def _localized(localized: Localized | None, locale: str) -> str | None:
    if localized is None:
        return None
    return localized.get(locale) or localized.get(DEFAULT_LOCALE[i18n.language_of(locale)]) or None


def _readable(code: str) -> str:
    """The last resort for a value no flow knows (a hand-made file): its words without the underscores."""
    return re.sub(r"[_.]+", " ", code).strip().capitalize() if code else ""
