"""What a person reads in an output, and the machine's forms and English that must not be in it.

`readable(html)` is a report's text as a person reads it (no markup, CSS, script or link addresses);
`codes(text)` lists what a person should never see there: snake_case values, setting ids, region
codes, request names, ISO times, an ARIA state given as a value; `english(text)` lists the lines of a
German text that are English sentences. Page labels quoted as evidence stay: they are a person's words.
"""

from __future__ import annotations

import html as markup
import re

CODES = {
    "snake_case value": re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b"),
    "setting id": re.compile(r"\b(?:fb|ig|ac|meta)\.[a-z_]+(?:\.[a-z_]+)*\b"),
    "region code": re.compile(r"\bOTHER\b|\b(?:EU|UK|US|OTHER)(?: (?:or|oder) (?:EU|UK|US|OTHER))+\b"),
    "request name": re.compile(r"\b[A-Za-z]+(?:Mutation|Query)\b|friendly_name|\bPOST\b"),
    "ISO time": re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    "ARIA state as a value": re.compile(
        r"\bnot checked\b|\bunchecked\b|\b(?:[Nn]ow|saw|was|[Jj]etzt|war|hat):?\s+checked\b"
    ),
}
URL = re.compile(r"https?://\S+|(?:/[\w.-]+)+/?|\b[\w.-]+\.(?:json|sqlite|jpe?g|png|html|md|xml)\b")  # and paths
ENGLISH = {"the", "and", "is", "are", "your", "you", "not", "with", "was", "of", "to", "from", "this", "that", "it"}
ENGLISH |= {"be", "can", "will", "has", "have", "for", "by", "or", "what", "which", "when", "could", "only"}
GERMAN = {"der", "die", "das", "und", "ist", "nicht", "mit", "sie", "ihre", "ihr", "ein", "eine", "zu", "von", "für"}
GERMAN |= {"auf", "den", "dem", "des", "im", "wird", "werden", "sind", "oder", "war", "jetzt", "hat", "am", "nur"}


def readable(html: str, without: tuple[str, ...] = ()) -> str:
    """The text of an HTML page as a person reads it, a line per element; `without`: classes whose elements to
    leave out (the titles of cited works, say)."""
    html = re.sub(r"(?s)<(style|script)\b.*?</\1>|<code>.*?</code>", " ", html)
    for name in without:
        html = re.sub(rf'(?s)<(\w+)[^>]*class="[^"]*\b{name}\b[^"]*"[^>]*>.*?</\1>', " ", html)
    text = markup.unescape(re.sub(r"<[^>]+>", "\n", html))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def codes(text: str) -> list[tuple[str, str]]:
    """(what, the text) for every machine form in `text` (addresses and file names aside)."""
    text = URL.sub(" ", text)
    return [(what, found.group(0)) for what, pattern in CODES.items() for found in pattern.finditer(text)]


def english(text: str) -> list[str]:
    """The lines of a German text that read as English sentences (three English words, no German one)."""
    found = []
    for line in URL.sub(" ", text).splitlines():
        words = {w.lower() for w in re.findall(r"[A-Za-zÄÖÜäöüß]+", line)}
        if len(words & ENGLISH) >= 3 and not words & GERMAN:
            found.append(line)
    return found
