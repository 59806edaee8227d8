"""Keeping secrets and the person out of what a run leaves behind.

Secrets: passwords, TOTP secrets and codes, session cookies, CSRF tokens (`Secrets`, in every
encoding a browser and a file use). The person: the texts a flow masks in screenshots (name,
picture's alt text), email addresses and phone numbers. `Scrubber` keeps the person out of
observations.json, auditor.traces out of a trace, and `public_url` keeps tokens out of every URL
auditor prints.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, quote_plus, unquote, urlsplit

from auditor.results import Control, Observation

REDACTED = "[redacted]"
# Meta's session and browser-id cookies; any cookie value seen is scrubbed, these are named for the docs and tests.
SESSION_COOKIES = (
    "c_user",
    "xs",
    "fr",
    "datr",
    "sb",
    "sessionid",
    "ds_user_id",
    "csrftoken",
    "mid",
    "ig_did",
    "rur",
    "shbid",
    "shbts",
)
# A cookie value shorter than this is a flag or a locale ("1", "en_US"), not a token; replacing it
# everywhere would only garble the trace.
MIN_COOKIE_VALUE = 8
MIN_TOKEN = 6  # a TOTP code
MIN_PERSONAL = 3  # shorter masked texts (an initial, a badge count) would garble everything
# A form shorter than this is replaced only as a whole word: a code "682219" not inside a
# timestamp, a name "Sam" not inside "Samsung".
WHOLE_WORD_BELOW = 8
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number candidate: digits with spaces, dashes, dots or brackets, maybe a leading "+" or
# "(". `_phone` decides; dates and dotted numbers (versions, thousands) are not phone numbers.
PHONE = re.compile(r"(?<![\w+])[+(]?\d[\d ().\u00a0-]{5,}\d(?!\w)")
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def personal_lines(texts) -> list[str]:
    """The lines of masked texts worth replacing (3 characters or more), longest first."""
    lines = {line.strip() for text in texts for line in (text or "").splitlines()}
    return sorted((line for line in lines if len(line) >= MIN_PERSONAL), key=len, reverse=True)


def contact_details(text: str) -> str:
    """The text with email addresses as [email] and phone numbers as [phone]."""
    return PHONE.sub(_phone, EMAIL.sub("[email]", text))


def _phone(match: re.Match) -> str:
    text = match.group()
    digits = sum(c.isdigit() for c in text)
    separated = text[0] == "+" or any(c in text for c in " ()-\u00a0")  # a bare run of digits is an id or a time
    return "[phone]" if 7 <= digits <= 15 and separated and not DATE.fullmatch(text) else text


class Secrets:
    """The secret values of one run (and the person's masked texts), and the forms they take on the wire
    and in files."""

    def __init__(self, *values: str | None):
        self.values: set[str] = set()
        self._compiled = None
        self.add(*values)

    def add(self, *values: str | None) -> None:
        self.values.update(v for v in values if v)

    def add_cookies(self, cookies) -> None:
        """Cookie values from a browser context or a storage state ({"name", "value"} dicts)."""
        for cookie in cookies or []:
            self.add_token(cookie.get("value", ""), MIN_COOKIE_VALUE)

    def add_personal(self, texts) -> None:
        """What a flow masks as the person's (see observe.Scrubber), line by line."""
        self.values.update(personal_lines(texts))

    def add_token(self, value: str, minimum: int) -> None:
        """A value seen in a cookie, header or form field, if it is long enough to be a secret."""
        value = value.strip().strip('"')
        if len(value) >= minimum and value != REDACTED:
            self.values.add(value)

    def forms(self) -> list[str]:
        """Every encoding of every secret, longest first (so a longer form is replaced whole)."""
        found: set[str] = set()
        for value in self.values:
            found |= encodings(value)
        return sorted(found, key=len, reverse=True)

    def _patterns(self) -> tuple[re.Pattern, re.Pattern]:
        """One regular expression for all forms, in text and in bytes; rebuilt when a secret is added."""
        key = frozenset(self.values)
        if self._compiled is None or self._compiled[0] != key:
            alternatives = [
                rf"(?<!\w){re.escape(f)}(?!\w)" if len(f) < WHOLE_WORD_BELOW else re.escape(f) for f in self.forms()
            ] or ["(?!)"]
            text = re.compile("|".join(alternatives))
            self._compiled = (key, (text, re.compile(text.pattern.encode())))
        return self._compiled[1]

    def scrub(self, text: str) -> str:
        return self._patterns()[0].sub(REDACTED, text)

    def scrub_bytes(self, data: bytes) -> bytes:
        return self._patterns()[1].sub(REDACTED.encode(), data)

    def found_in(self, data: bytes) -> bool:
        return self._patterns()[1].search(data) is not None


def encodings(value: str) -> set[str]:
    """A value as typed, percent-encoded (URLs, cookies, HTML forms), JSON- and HTML-escaped."""
    forms = {
        value,
        unquote(value),
        quote(value, safe=""),
        quote(value, safe="!'()*"),  # JavaScript's encodeURIComponent
        quote_plus(value, safe=""),
        quote_plus(value, safe="*").replace("~", "%7E"),  # HTML forms and URLSearchParams (WHATWG)
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        html.escape(value),
        html.escape(value, quote=False),
    }
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), f) for f in forms}
    return {f for f in forms if f}


# ---------------------------------------------------------------------- observations and URLs
class Scrubber:
    """Keeps the person out of observations.json: what the flow masks, email addresses and phone numbers.

    A page's controls sit beside the person's details (a profile heading, a contact row), and the
    inventory is compared across runs and shared with others: names there would be noise and a leak.
    """

    def __init__(self, personal: list[str]):
        self._personal = personal_lines(personal)

    def text(self, value: str | None) -> str | None:
        if not value:
            return value
        for personal in self._personal:
            value = value.replace(personal, "[personal]")
        return contact_details(value)

    def control(self, control: Control) -> Control:
        return control.model_copy(
            update={
                "name": self.text(control.name),
                "label": self.text(control.label),
                "section": self.text(control.section),
                "state": self.text(control.state),
                "options": [self.text(o) for o in control.options],
            }
        )

    def observation(self, observation: Observation) -> Observation:
        options = [self.text(o) for o in observation.options] if observation.options else observation.options
        return observation.model_copy(
            update={"raw": self.text(observation.raw), "options": options, "detail": self.text(observation.detail)}
        )  # a detail may quote the page


def public_url(url: str) -> str:
    """A URL as it may be printed: scheme, host and port only, as typed. Grids put tokens in the user
    part or the query, and a Playwright server's secret is its path."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed [ of an IPv6 address
        return "URL"
    host_port = parts.netloc.rpartition("@")[2]
    if not host_port:
        return "URL"
    return f"{parts.scheme}://{host_port}" if parts.scheme else host_port
