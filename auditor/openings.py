"""The guard's two openings beyond reads: the unattended login's own requests, and a confirmed change's save.

Pure rules (no browser), applied by auditor.guard while a login or a change is in progress.

The login (auditor.session.login) sends, per platform, at most one request of each of these
shapes, and nothing else passes meanwhile:
  Facebook login form        POST www.facebook.com /login/device-based/regular/login/ (or /login/,
                             /login.php), the form's fields, `email` = the account's identifier, `pass`
  Facebook two-factor code   POST www.facebook.com /two_step_verification/two_factor/ (or .../authentication/)
                             with `approvals_code`
  Facebook cookie answer     POST www.facebook.com /cookie/consent/ (the login declines optional cookies)
  Instagram login            POST www.instagram.com /api/v1/web/accounts/login/ajax/, `username` = the
                             identifier, `enc_password`
  Instagram two-factor code  POST www.instagram.com /api/v1/web/accounts/login/ajax/two_factor/ with
                             `identifier` and `verificationCode`
  Instagram cookie answer    POST www.instagram.com /api/v1/web/consent/
Each urlencoded, sent by a form or a script (never a beacon). The answer to Instagram's "Save your
login info?" is always "Not now", which only opens the next page (a read): no write of it passes.

A change (auditor.apply) lets through one request: the save the flow's `change:` part names (its
friendly name, and the variables that carry the setting's id and its new value), with the ids the
page's own read gave that setting's row and the confirmed option, sent after the confirmed click.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from auditor.network import (
    FRIENDLY_NAME,
    GRAPHQL_PARAMS,
    GRAPHQL_READ_PATH,
    URLENCODED,
    form_pairs,
    is_meta_host,
    php_name,
)

LOGIN_SENT_BY = ("document", "fetch", "xhr")  # a form or a script; never a beacon or a ping
SAVE_SENT_BY = ("fetch", "xhr")  # a settings page saves from its script, never by a form


@dataclass(frozen=True)
class LoginShape:
    name: str  # as the guard's log and the docs name it
    platform: str
    paths: tuple[str, ...]
    fields: tuple[str, ...] = ()  # the body carries these
    identifier: str | None = None  # this field is the account's email, phone or username

    @property
    def host(self) -> str:
        return f"www.{self.platform}.com"


LOGIN_SHAPES = (
    LoginShape(
        "Facebook login form",
        "facebook",
        ("/login/device-based/regular/login/", "/login/", "/login.php"),
        ("email", "pass"),
        "email",
    ),
    LoginShape(
        "Facebook two-factor code",
        "facebook",
        ("/two_step_verification/two_factor/", "/two_step_verification/authentication/"),
        ("approvals_code",),
    ),
    LoginShape("Facebook cookie answer", "facebook", ("/cookie/consent/",)),
    LoginShape("Instagram login", "instagram", ("/api/v1/web/accounts/login/ajax/",), ("enc_password",), "username"),
    LoginShape(
        "Instagram two-factor code",
        "instagram",
        ("/api/v1/web/accounts/login/ajax/two_factor/",),
        ("identifier", "verificationCode"),
    ),
    LoginShape("Instagram cookie answer", "instagram", ("/api/v1/web/consent/",)),
)


def login_shape(
    platform: str, identifier: str, method: str, url: str, headers: dict | None, body: bytes | None, kind: str
) -> str | None:
    """The name of the login's own request this is (for `platform` and the account `identifier`), or None."""
    form = _form(method, url, headers, body, kind in LOGIN_SENT_BY)
    if form is None:
        return None
    parts = urlsplit(url)
    path = unquote(parts.path)
    for shape in LOGIN_SHAPES:
        if shape.platform != platform or parts.hostname != shape.host or path not in shape.paths:
            continue
        fields = dict(form)
        if all(f in fields for f in shape.fields) and (
            not shape.identifier or fields.get(shape.identifier) == identifier
        ):
            return shape.name
    return None


# ---------------------------------------------------------------------- a change's save
@dataclass(frozen=True)
class Expected:
    """The one save a change may send: its friendly name and the variables that name the setting and the value."""

    name: str
    variables: dict


def is_the_save(expected: Expected, method: str, url: str, headers: dict | None, body: bytes | None, kind: str) -> bool:
    variables = _save_variables(expected, method, url, headers, body, kind)
    return variables is not None and all(variables.get(k, _MISSING) == v for k, v in expected.variables.items())


_MISSING = object()


def _save_variables(expected: Expected, method, url, headers, body, kind) -> dict | None:
    """The variables of a GraphQL request that is `expected`'s operation, sent as a page sends its save; else None."""
    form = _form(method, url, headers, body, kind in SAVE_SENT_BY)
    parts = urlsplit(url)
    segments = tuple(s for s in unquote(parts.path).lower().split("/") if s)
    if form is None or segments != GRAPHQL_READ_PATH or form_pairs(parts.query) != []:
        return None
    for param in GRAPHQL_PARAMS:
        keys = [key for key, _ in form if php_name(key) == param]
        if len(keys) > 1 or keys != [param] * len(keys):
            return None
    values = dict(form)
    header = {k.lower(): v for k, v in (headers or {}).items()}.get("x-fb-friendly-name")
    if values.get(FRIENDLY_NAME) != expected.name or header not in (None, expected.name):
        return None
    try:
        variables = json.loads(values.get("variables", ""))
    except (ValueError, RecursionError):
        return None
    return variables if isinstance(variables, dict) else None


def _form(method: str, url: str, headers: dict | None, body: bytes | None, sent_so: bool) -> list | None:
    """The urlencoded fields of a POST to a Meta host, sent the way the opening allows (`sent_so`), or None."""
    content_type = {k.lower(): v for k, v in (headers or {}).items()}.get("content-type", "")
    if method != "POST" or not sent_so or not is_meta_host(urlsplit(url).hostname or ""):
        return None
    if content_type.split(";")[0].strip().lower() != URLENCODED:
        return None
    return form_pairs(body, strict=True)


def expected_save(save, reads: list, labels: list[str], how: str, value: str, option_texts: list[str]):
    """The Expected save of a change, from the page's own read (the JSON its GraphQL Queries answered).

    The setting's row is the one object of the read that holds the setting's label and the
    variable `save.setting` names; its value there is the setting's id. A switch's new value is
    true or false; an option's is the `id` of the one object in the row that holds its text.
    None when the read does not say (then nothing can be let through, and nothing is clicked).
    """
    rows = [d for read in reads for d in _objects(read) if save.setting in d and _holds(d, labels)]
    if len({json.dumps(r[save.setting]) for r in rows}) != 1 or not isinstance(rows[0][save.setting], str):
        return None
    variables = {save.setting: rows[0][save.setting]}
    if how == "flip":
        variables[save.value] = value == "on"
    else:
        options = {o["id"] for o in _objects(rows[0]) if o is not rows[0] and "id" in o and _holds(o, option_texts)}
        if len(options) != 1:
            return None
        variables[save.value] = options.pop()
    return Expected(save.request, variables)


def _objects(node):
    """Every JSON object in a document, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def _holds(obj: dict, texts: list[str]) -> bool:
    return any(isinstance(v, str) and v.strip() in texts for v in obj.values())
