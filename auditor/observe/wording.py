"""A locale's wording for a flow: the labels, option texts and UI words of one UI language (and
its sister wording), and how a text on the page is matched with them. Pure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.reads import SettingRead

if TYPE_CHECKING:  # only named here: auditor.spec loads the flows' steps, which locate with these words
    from auditor.spec import Vocabulary


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


def norm(text: str) -> str:
    """A text as a person compares it: case, punctuation, apostrophes and spacing do not count."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "").replace("'", "")
    return " ".join(re.findall(r"[^\W_]+", text))


def spans(text: str, wording: str) -> list[tuple[int, int]]:
    """Where a normalised wording stands in a normalised text, as whole words."""
    found, start = [], text.find(wording)
    while wording and start >= 0:
        end = start + len(wording)
        if (start == 0 or text[start - 1] == " ") and (end == len(text) or text[end] == " "):
            found.append((start, end))
        start = text.find(wording, start + 1)
    return found


def contains(text: str, wording: str) -> bool:
    """Does a normalised text hold a normalised wording, as whole words?"""
    return bool(spans(text, wording))


@dataclass(frozen=True)
class Shown:
    """The option a text shows: its canonical value (None: none the setting knows) and the wording seen."""

    value: str | None
    text: str | None
    problem: str = ""
    known: bool = False  # a known option's wording was seen (another setting's, or several)


def _inside(match: tuple, other: tuple) -> bool:
    """Is a match within a longer one (an option inside a longer option)?"""
    return other[0] <= match[0] and match[1] <= other[1] and other[1] - other[0] > match[1] - match[0]


def _outside(spans_: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of a text of `length` that none of the spans covers."""
    out, at = [], 0
    for start, end in sorted(spans_):
        if start > at:
            out.append((at, start))
        at = max(at, end)
    return out + ([(at, length)] if at < length else [])


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

    def known_options(self, setting: SettingRead) -> dict[str, tuple[str, str | None]]:
        """Every option wording a page may show, normalised -> (the wording, this setting's canonical value,
        None for another setting's option). A wording inside a longer one loses to it, so all are needed."""
        known: dict[str, tuple[str, str | None]] = {}
        for localized in self.vocab.values.values():
            for locale in fallback_locales(self.locale):
                known.update({norm(t): (t, None) for t in localized.texts(locale)})
        for text, canonical in self.value_texts(setting).items():
            known[norm(text)] = (text, canonical)
        known.pop("", None)
        return known

    def option_in(self, setting: SettingRead, text: str | None, whole: bool = False) -> Shown:
        """The option a text shows ("Edit privacy. Sharing with Your friends of friends. ", "Friends except: A, B",
        "Who can see your friends list? Only me"). Every known option wording in it is found; one inside a
        longer one found there loses (never "Friends" out of "Friends of friends"); the setting's own label
        and the UI's words ("Edit privacy", "Sharing with") are not options. One value left is the value;
        several, the one that closes the text. `whole`: the text must be nothing but the option.

        What is seen is kept in the option's own wording, never the rest of the text (which may name people).
        """
        if not text or not norm(text):
            return Shown(None, None, "no option was shown as chosen")
        seen = norm(text)
        masked = [span for w in self._not_options(setting) for span in spans(seen, w)]
        found = [
            (start, end, wording)
            for normalised, wording in self.known_options(setting).items()
            for start, end in spans(seen, normalised)
            if not any(a <= start and end <= b for a, b in masked)
        ]
        found = [f for f in found if not any(_inside(f, other) for other in found)]
        if whole:  # nothing but the option, besides the setting's own label
            rest = norm(" ".join(seen[a:b] for a, b in _outside(masked, len(seen))))
            found = [f for f in found if seen[f[0] : f[1]] == rest]
        if not found:
            shown = text.strip()[:80]
            return Shown(None, shown, f'"{shown}" shows no option the flow knows')
        found.sort()
        _start, end, (wording, value) = found[-1]
        if len({v for _s, _e, (_w, v) in found}) > 1 and end != len(seen):
            return Shown(None, wording, f'"{text.strip()[:80]}" shows several options', known=True)
        if value is None:
            return Shown(None, wording, f'option "{wording}" is not one the flow knows for this setting', known=True)
        return Shown(value, wording, known=True)

    def _not_options(self, setting: SettingRead) -> list[str]:
        words = [*self.labels(setting), *self.string("edit_privacy"), *self.string("sharing_with")]
        return [n for n in map(norm, words) if n]

    def canonical(self, setting: SettingRead, text: str | None) -> tuple[str | None, str]:
        """The canonical value of an option text (an option's name, a radio's), and the problem if none."""
        shown = self.option_in(setting, text)
        return shown.value, shown.problem

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
