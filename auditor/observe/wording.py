"""A locale's wording for a flow: the labels, option texts and UI words of one UI language (and
its sister wording), and how a text on the page is matched with them. Pure."""

from __future__ import annotations

import re

from auditor.spec import SettingRead, Vocabulary


class NotFound(Exception):
    """The control is not on the page (or not in this locale's wording)."""


class UnsupportedLocale(Exception):
    """The flow has no wording for this UI locale."""


def fallback_locales(locale: str) -> list[str]:
    """The UI locale first, then its sister wordings (en_US and en_GB differ only in places)."""
    return {"en_US": ["en_US", "en_GB"], "en_GB": ["en_GB", "en_US"]}.get(locale, [locale])


def texts(localized, locale: str) -> list[str]:
    out: list[str] = []
    for loc in fallback_locales(locale):
        out += [t for t in localized.texts(loc) if t not in out]
    if not out:
        raise UnsupportedLocale(f"no {locale} wording")
    return out


def any_of(candidates: list[str], how: str = "exact") -> re.Pattern:
    body = "|".join(re.escape(t) for t in candidates)
    return re.compile({"exact": f"^(?:{body})$", "prefix": f"^(?:{body})", "contains": f"(?:{body})"}[how])


def starts_with(text: str, prefix: str) -> bool:
    """Does `text` begin with `prefix` as a whole phrase (a row's text runs on into its description)?"""
    return text == prefix or (text.startswith(prefix) and not text[len(prefix)].isalnum())


class Words:
    """A locale's texts for a flow: labels, option texts and the vocabulary's UI words."""

    def __init__(self, vocabulary: Vocabulary, locale: str):
        self.vocab, self.locale = vocabulary, locale

    def labels(self, setting: SettingRead) -> list[str]:
        return texts(setting.label, self.locale)

    def string(self, key: str) -> list[str]:
        return texts(self.vocab.strings[key], self.locale)

    def value_texts(self, setting: SettingRead) -> dict[str, str]:
        """Option text -> canonical value, in this locale (and its sister wording)."""
        mapping: dict[str, str] = {}
        values = setting.values or (["on", "off"] if setting.read == "switch" else [])
        items = values.items() if isinstance(values, dict) else ((v, self.vocab.values[v]) for v in values)
        for canonical, localized in items:
            for text in texts(localized, self.locale):
                mapping.setdefault(text, canonical)
        return mapping

    def canonical(self, setting: SettingRead, text: str | None) -> tuple[str | None, str]:
        """The canonical value of an option text; an accessible name may go on with a description."""
        if not text:
            return None, "no option was shown as chosen"
        mapping = self.value_texts(setting)
        text = text.strip()
        if text in mapping:
            return mapping[text], ""
        for known in sorted(mapping, key=len, reverse=True):
            if starts_with(text, known):
                return mapping[known], ""
        return None, f'option "{text}" is not one the flow knows'

    def audience_text(self, name: str, labels: list[str]) -> str:
        """The audience in an "Edit privacy" name: "Edit privacy. Sharing with Only me. " -> "Only me".

        The older form repeats the row's label after "Edit privacy"; both end in the audience.
        """
        rest = strip_prefix(name, self.string("edit_privacy"))
        rest = strip_prefix(rest, labels)
        return strip_prefix(rest, self.string("sharing_with")).rstrip(" .")


def strip_prefix(text: str, prefixes: list[str]) -> str:
    text = text.strip().lstrip(".:").strip()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if starts_with(text, prefix):
            return text[len(prefix) :].strip().lstrip(".:").strip()
    return text
