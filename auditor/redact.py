"""Keeping secrets out of what a run leaves behind: passwords, TOTP secrets and session cookies.

A Playwright trace records request and response headers (Cookie, Set-Cookie), form bodies (the
password), the values typed into fields and DOM snapshots with each input's value.
`scrub_trace` rewrites the trace zip without them: sensitive headers, form fields and password
inputs are blanked wherever they sit, and every known secret (in the encodings a browser and a
trace use) is replaced in every file of the zip. Then the new zip is searched again; if a secret
is still there, or the trace is not in a shape we know, the trace is deleted with a warning
rather than kept.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

REDACTED = "[redacted]"
# Meta's session and browser-id cookies; any cookie value seen is scrubbed, these are named for the docs and tests.
SESSION_COOKIES = ("c_user", "xs", "fr", "datr", "sb", "sessionid", "ds_user_id", "csrftoken", "mid", "ig_did", "rur", "shbid", "shbts")
SENSITIVE_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization", "x-csrftoken", "x-fb-lsd", "x-ig-www-claim"}
# Form fields of Meta's login, two-factor and write requests.
SENSITIVE_FIELDS = {"pass", "password", "enc_password", "approvals_code", "verificationcode", "fb_dtsg", "lsd", "jazoest"}
# A cookie value shorter than this is a flag or a locale ("1", "en_US"), not a token; replacing it
# everywhere would only garble the trace.
MIN_COOKIE_VALUE = 8
JSON_MEMBERS = (".trace", ".network")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


class Secrets:
    """The secret values of one run, and the forms they take on the wire and in files."""

    def __init__(self, *values: str | None):
        self.values: set[str] = set()
        self._compiled = None
        self.add(*values)

    def add(self, *values: str | None) -> None:
        self.values.update(v for v in values if v)

    def add_cookies(self, cookies) -> None:
        """Cookie values from a browser context or a storage state ({"name", "value"} dicts)."""
        for cookie in cookies or []:
            self._add_cookie_value(cookie.get("value", ""))

    def _add_cookie_value(self, value: str) -> None:
        value = value.strip().strip('"')
        if len(value) >= MIN_COOKIE_VALUE and value != REDACTED:
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
            alternatives = [re.escape(f) for f in self.forms()] or ["(?!)"]
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


# ---------------------------------------------------------------------- traces
class Unscrubbable(Exception):
    """The trace is not in a shape whose secrets we can find."""


def scrub_trace(path: Path, secrets: Secrets, warn=None) -> bool:
    """Rewrite the trace zip without secrets. Returns whether it was kept (else it is deleted, with a warning)."""
    path = Path(path)
    if not path.exists():
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with zipfile.ZipFile(path) as zin:
            members = [(info, zin.read(info)) for info in zin.infolist()]
        parsed = {info.filename: _json_lines(data) for info, data in members if info.filename.endswith(JSON_MEMBERS)}
        for lines in parsed.values():  # first gather every cookie value the trace saw, then blank them all
            for item in lines:
                _harvest(item, secrets)
        if tmp.exists():
            tmp.unlink()
        with (os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle,
              zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zout):
            for info, data in members:
                if info.filename in parsed:
                    data = "\n".join(json.dumps(_clean(item, secrets), ensure_ascii=False, separators=(",", ":"))
                                     for item in parsed[info.filename]).encode() + b"\n"
                else:
                    data = secrets.scrub_bytes(data)
                zout.writestr(info.filename, data)
        _verify(tmp, secrets)
    except (Unscrubbable, zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError) as exc:
        for doomed in (tmp, path):
            doomed.unlink(missing_ok=True)
        (warn or _stderr)(f"warning: the trace was deleted, not kept: its secrets could not be removed for certain ({exc})")
        return False
    os.replace(tmp, path)
    return True


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _json_lines(data: bytes) -> list:
    items = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                raise Unscrubbable(f"line {number} of a trace file is not JSON") from None
    return items


def _harvest(item, secrets: Secrets) -> None:
    """Collect cookie values from headers and HAR cookie lists anywhere in a trace event."""
    if isinstance(item, dict):
        name = str(item.get("name", "")).lower()
        value = item.get("value")
        if isinstance(value, str) and name == "cookie":
            for pair in value.split(";"):
                secrets._add_cookie_value(pair.partition("=")[2])
        elif isinstance(value, str) and name == "set-cookie":
            for line in value.splitlines():
                secrets._add_cookie_value(line.split(";")[0].partition("=")[2])
        for key, child in item.items():
            if key == "cookies" and isinstance(child, list):
                secrets.add_cookies(c for c in child if isinstance(c, dict))
            else:
                _harvest(child, secrets)
    elif isinstance(item, list):
        for child in item:
            _harvest(child, secrets)


def _clean(item, secrets: Secrets):
    """A copy of a trace event with sensitive headers, form fields and password inputs blanked, and secrets replaced."""
    if isinstance(item, dict):
        name = str(item.get("name", "")).lower()
        if "value" in item and (name in SENSITIVE_HEADERS or name in SENSITIVE_FIELDS):
            item = {**item, "value": REDACTED}
        if item.get("type") == "password" and "__playwright_value_" in item:  # a DOM snapshot of a password field
            item = {**item, "__playwright_value_": REDACTED}
        return {key: _clean(child, secrets) for key, child in item.items()}
    if isinstance(item, list):
        return [_clean(child, secrets) for child in item]
    if isinstance(item, str):
        return _clean_string(item, secrets)
    return item


def _clean_string(text: str, secrets: Secrets) -> str:
    decoded = _decode_base64(text)
    if decoded is not None and secrets.found_in(decoded):  # a request or response body, base64-encoded
        return base64.b64encode(secrets.scrub_bytes(decoded)).decode()
    return secrets.scrub(text)


def _decode_base64(text: str) -> bytes | None:
    if not _BASE64.fullmatch(text) or len(text) % 4:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _verify(path: Path, secrets: Secrets) -> None:
    """Search the written zip, every file decompressed (and base64 bodies decoded), for any secret."""
    with zipfile.ZipFile(path) as zin:
        for info in zin.infolist():
            data = zin.read(info)
            if secrets.found_in(data):
                raise Unscrubbable(f"a secret is still in {info.filename}")
            if info.filename.endswith(JSON_MEMBERS):
                for text in _BASE64.findall(data.decode("utf-8")):
                    decoded = _decode_base64(text)
                    if decoded is not None and secrets.found_in(decoded):
                        raise Unscrubbable(f"a secret is still in a body in {info.filename}")
