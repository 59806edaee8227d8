"""Scrubbing a Playwright trace of secrets and of the person before it is kept.

A trace records request and response headers and bodies, the values typed into fields, DOM
snapshots with each input's value, and screencast frames. `scrub_trace` rewrites the trace zip
without them: sensitive headers, every request body field (but the GraphQL query's name) and
every input's value are blanked wherever they sit; every known secret and personal text (in the
encodings a browser and a trace use), email address and phone number is replaced in every file;
and what is not text (pictures, screencast frames) is dropped, because a text search cannot check
it. Then the new zip is searched again; if a secret is still there, or the trace is not in a shape
we know, the trace is deleted with a warning rather than kept.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from auditor.errors import say
from auditor.redact import MIN_COOKIE_VALUE, MIN_TOKEN, REDACTED, Secrets, contact_details

SENSITIVE_HEADERS = {
    "cookie",
    "set-cookie",
    "authorization",
    "proxy-authorization",
    "x-csrftoken",
    "x-fb-lsd",
    "x-ig-www-claim",
}
# Fields of Meta's login, two-factor and write requests whose values pages also show or echo (the
# dtsg sits in every page, the lsd in the login form): learnt from the trace, replaced everywhere.
SENSITIVE_FIELDS = {
    "pass",
    "password",
    "enc_password",
    "approvals_code",
    "verificationcode",
    "fb_dtsg",
    "lsd",
    "jazoest",
    "email",
    "username",
}
# The only request-body field a trace keeps: which GraphQL query a request made.
KEPT_FIELDS = {"fb_api_req_friendly_name"}
# Playwright calls whose parameters hold what was typed.
TYPING = {"fill", "type", "pressSequentially", "keyboardType", "keyboardInsertText"}
FORM_BODY = "application/x-www-form-urlencoded"
JSON_MEMBERS = (".trace", ".network")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


# ---------------------------------------------------------------------- traces
class Unscrubbable(Exception):
    """The trace is not in a shape whose secrets we can find."""


def scrub_trace(path: Path, secrets: Secrets, warn=None) -> bool:
    """Rewrite the trace zip without secrets or the person.

    Returns whether it was kept (else it is deleted, with a warning).
    """
    path = Path(path)
    if not path.exists():
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with zipfile.ZipFile(path) as zin:
            members = [(info, zin.read(info)) for info in zin.infolist()]
        parsed = {info.filename: _json_lines(data) for info, data in members if info.filename.endswith(JSON_MEMBERS)}
        bodies: dict[str, str] = {}  # request body file -> its content type
        for lines in parsed.values():  # first learn every cookie, token and body the trace holds, then blank them all
            for item in lines:
                _harvest(item, secrets, bodies)
        for info, data in members:
            if info.filename in bodies:
                _harvest_body(data, bodies[info.filename], secrets)
        if tmp.exists():
            tmp.unlink()
        with (
            os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle,
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zout,
        ):
            for info, data in members:
                if info.filename in parsed:
                    data = (
                        "\n".join(
                            json.dumps(_clean(item, secrets), ensure_ascii=False, separators=(",", ":"))
                            for item in parsed[info.filename]
                        ).encode()
                        + b"\n"
                    )
                elif info.filename in bodies:
                    data = _blank_body(data, bodies[info.filename])
                else:
                    data = _text_member(data, secrets)
                    if data is None:
                        continue
                zout.writestr(info.filename, data)
        _verify(tmp, secrets)
    except (Unscrubbable, zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError) as exc:
        for doomed in (tmp, path):
            doomed.unlink(missing_ok=True)
        (warn or say)(f"warning: the trace was deleted, not kept: its secrets could not be removed for certain ({exc})")
        return False
    os.replace(tmp, path)
    return True


def _json_lines(data: bytes) -> list:
    items = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                raise Unscrubbable(f"line {number} of a trace file is not JSON") from None
    return items


def _harvest(item, secrets: Secrets, bodies: dict[str, str]) -> None:
    """Collect cookie and token values, and which files hold request bodies, anywhere in a trace event."""
    if isinstance(item, dict):
        name = str(item.get("name", "")).lower()
        value = item.get("value")
        if isinstance(value, str) and name == "cookie":
            for pair in value.split(";"):
                secrets.add_token(pair.partition("=")[2], MIN_COOKIE_VALUE)
        elif isinstance(value, str) and name == "set-cookie":
            for line in value.splitlines():
                secrets.add_token(line.split(";")[0].partition("=")[2], MIN_COOKIE_VALUE)
        elif isinstance(value, str) and name in SENSITIVE_HEADERS | SENSITIVE_FIELDS:
            secrets.add_token(value, MIN_TOKEN)
        body = item.get("postData")
        if isinstance(body, dict):
            for key in ("_file", "_sha1"):  # where the body itself is kept (newer and older Playwright)
                if isinstance(body.get(key), str):
                    bodies[body[key] if key == "_file" else f"resources/{body[key]}"] = str(body.get("mimeType", ""))
        for key, child in item.items():
            if key == "cookies" and isinstance(child, list):
                secrets.add_cookies(c for c in child if isinstance(c, dict))
            else:
                _harvest(child, secrets, bodies)
    elif isinstance(item, list):
        for child in item:
            _harvest(child, secrets, bodies)


def _harvest_body(data: bytes, content_type: str, secrets: Secrets) -> None:
    if content_type.startswith(FORM_BODY):
        for name, value in parse_qsl(data.decode("utf-8", "replace"), keep_blank_values=True):
            if name.lower() in SENSITIVE_FIELDS:
                secrets.add_token(value, MIN_TOKEN)


def _blank_body(data: bytes, content_type: str) -> bytes:
    """A request body with every form field's value blanked but the query's name; any other body blanked whole."""
    if not content_type.startswith(FORM_BODY):
        return REDACTED.encode()
    fields = parse_qsl(data.decode("utf-8", "replace"), keep_blank_values=True)
    return urlencode([(name, value if name in KEPT_FIELDS else REDACTED) for name, value in fields]).encode()


def _text_member(data: bytes, secrets: Secrets) -> bytes | None:
    """A response body or other file, scrubbed; None for what is not text (pictures, screencast frames)."""
    try:
        return _scrub_text(data.decode("utf-8"), secrets).encode()
    except UnicodeDecodeError:
        return None


def _scrub_text(text: str, secrets: Secrets) -> str:
    return contact_details(secrets.scrub(text))


def _clean(item, secrets: Secrets):
    """A copy of a trace event with headers, form fields, typed text and inputs' values blanked,
    and the rest scrubbed."""
    if isinstance(item, dict):
        name = str(item.get("name", "")).lower()
        if "value" in item and (name in SENSITIVE_HEADERS or name in SENSITIVE_FIELDS):
            item = {**item, "value": REDACTED}
        if item.get("method") in TYPING and isinstance(item.get("params"), dict):
            item = {
                **item,
                "params": {**item["params"], **{k: REDACTED for k in ("value", "text") if k in item["params"]}},
            }
        if isinstance(item.get("postData"), dict):
            item = {**item, "postData": _clean_post_data(item["postData"])}
        return {key: _clean(child, secrets) for key, child in item.items()}
    if isinstance(item, list):
        if item and item[0] in ("INPUT", "TEXTAREA", "SELECT") and len(item) > 1 and isinstance(item[1], dict):
            # a DOM snapshot of a field: what was typed (any field: a two-factor code is a text input)
            # and its value attribute
            item = [
                item[0],
                {k: REDACTED if k in ("value", "__playwright_value_") else v for k, v in item[1].items()},
                *item[2:],
            ]
        return [_clean(child, secrets) for child in item]
    if isinstance(item, str):
        return _clean_string(item, secrets)
    return item


def _clean_post_data(body: dict) -> dict:
    """A request body as the network log holds it: its text and every field's value blanked, but the query's name."""
    cleaned = {**body}
    if body.get("text"):
        cleaned["text"] = REDACTED
    if isinstance(body.get("params"), list):
        cleaned["params"] = [
            {**p, "value": REDACTED} if isinstance(p, dict) and p.get("name") not in KEPT_FIELDS else p
            for p in body["params"]
        ]
    return cleaned


def _clean_string(text: str, secrets: Secrets) -> str:
    decoded = _decode_base64(text)
    if decoded is not None:  # a request or response body, base64-encoded
        cleaned = _text_member(decoded, secrets) or secrets.scrub_bytes(decoded)
        if cleaned != decoded:
            return base64.b64encode(cleaned).decode()
    return _scrub_text(text, secrets)


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
