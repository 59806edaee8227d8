"""What the browser may reach, and which requests are known to be reads: the guard's rules (no browser here).

auditor.guard applies `judge` to every request of a browser context:
- a host outside Meta's domains and CDNs is blocked (audit mode keeps egress to Meta only);
- in audit mode a request goes through only when it is known to be a read; anything else is
  aborted and logged as blocked. Unknown means blocked. The known reads:
  * GET, HEAD and OPTIONS to a path that does not act (no path segment whose first word, split
    at _ - or ., is one of ACTING_WORDS: logout.php, set_public, unfollow ...) and is not GraphQL
    (a path that says graphql, or a GraphQL parameter in the query string: Meta's reads POST);
  * a GraphQL read: POST /api/graphql/, urlencoded, with exactly one friendly name
    (fb_api_req_friendly_name), in the body, that ends in `Query` and does not say `Mutation`;
    no GraphQL parameter twice, under another spelling or in the URL; an x-fb-friendly-name
    header, if any, that says the same; and variables, if any, a JSON object that carries
    neither a mutation's `input` or `client_mutation_id` nor the pair of variables a settings
    save carries (SAVE_VARIABLES: the setting's id and its new value, as the flows' `change:`
    parts name them). The guard also refuses a Query whose doc_id it saw on a write, or under
    another friendly name (auditor.guard);
  * the route definitions a page asks for (POST /ajax/bulk-route-definitions/, urlencoded, no
    GraphQL parameter);
  * data: and blob: URLs, which never leave the browser.
  So other methods, other content types (multipart, JSON, text, a body Playwright cannot show),
  beacons and pings, and Meta's logging POSTs (/ajax/bz) are blocked: none of them reads a setting.
  Meta's servers run a GraphQL request by its doc_id, which auditor cannot map to an operation;
  the friendly name is the page's own label for it, hence the demand that it be single and a
  Query. What that leaves open is in docs/network-guard.md.
The only writes that pass are the guard's openings (auditor.openings): the unattended login's own
requests while it logs in, one confirmed change's save, and the audit's answer to Meta's cookie dialog.

A replica is reached under Meta's real host names through the browser's own resolver
(auditor.target): the guard sees the same host names either way. (Answering requests from a
Python route handler instead would hold up every other browser event while it waits, which makes
slow pages look fast.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

# Meta's own domains and CDNs; a host matches if it is one of these or a subdomain.
META_DOMAINS = ("facebook.com", "instagram.com", "fbcdn.net", "cdninstagram.com", "meta.com", "facebook.net", "fb.com")

READ_METHODS = ("GET", "HEAD", "OPTIONS")
# A path segment whose first word is one of these acts, whatever the method (logout.php, set_public).
ACTING_WORDS = frozenset(
    """logout logoff signout set unset follow unfollow block unblock remove delete deactivate confirm
    confirmemail approve accept decline reject revoke disconnect subscribe unsubscribe like unlike mute unmute
    add create destroy toggle enable disable""".split()
)
GRAPHQL_READ_PATH = ("api", "graphql")  # www.facebook.com, accountscenter.* and (without the slash) Instagram
ROUTE_DEFINITIONS_PATH = ("ajax", "bulk-route-definitions")
GRAPHQL_PARAMS = ("fb_api_req_friendly_name", "doc_id", "variables", "query_hash", "query_id", "queries")
FRIENDLY_NAME = "fb_api_req_friendly_name"
URLENCODED = "application/x-www-form-urlencoded"
LOCAL_SCHEMES = ("data:", "blob:")
# The variables a settings save carries (its setting's id and new value), as the flows' `change:` parts name
# them: a read that carries both is a save, whatever its name (a test keeps this in step with the flows).
SAVE_VARIABLES = (("key", "option"), ("key", "enabled"))
# Where the answer to Meta's cookie dialog is sent: Facebook's (seen in many public scripts) and the
# replica's Instagram one (Instagram's real endpoint is not documented: if it differs, the answer is
# blocked, the dialog stays, and its page is reported as covered by it).
COOKIE_ANSWER_PATHS = ("/cookie/consent/", "/api/v1/web/consent/")


def is_meta_host(host: str) -> bool:
    host = host.lower().split(":")[0]
    return any(host == d or host.endswith("." + d) for d in META_DOMAINS)


@dataclass(frozen=True)
class Verdict:
    read: bool
    why: str  # the rule that decided, in a few words


def judge(
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    resource_type: str = "fetch",
) -> Verdict:
    """Is this request known to be a read? Anything not shown to be one is not (see the module's rules)."""
    if url.startswith(LOCAL_SCHEMES):
        return Verdict(True, "never leaves the browser")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        return Verdict(False, f"unknown scheme {parts.scheme}:")
    if resource_type in ("ping", "beacon"):
        return Verdict(False, "a beacon or ping")
    segments = tuple(s for s in unquote(parts.path).lower().split("/") if s)
    in_url = form_pairs(parts.query)
    if in_url is None:
        return Verdict(False, "a query string that cannot be read")
    if any(php_name(key) in GRAPHQL_PARAMS for key, _ in in_url):
        return Verdict(False, "GraphQL parameters in the URL")
    if method in READ_METHODS:
        if any("graphql" in s for s in segments):
            return Verdict(False, f"GraphQL by {method}")
        acting = next((s for s in segments if re.split(r"[_.\-]", s)[0] in ACTING_WORDS), None)
        return (
            Verdict(False, f"a path that acts ({acting})") if acting else Verdict(True, f"{method} to a page or file")
        )
    if method != "POST":
        return Verdict(False, f"method {method}")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if headers.get("content-type", "").split(";")[0].strip().lower() != URLENCODED:
        return Verdict(False, "a POST body that is not urlencoded")
    form = form_pairs(body, strict=True)
    if form is None:
        return Verdict(False, "a POST body that cannot be read")
    if segments == ROUTE_DEFINITIONS_PATH and not any(php_name(key) in GRAPHQL_PARAMS for key, _ in form):
        return Verdict(True, "route definitions")
    if segments != GRAPHQL_READ_PATH:
        return Verdict(False, "a POST that is not a GraphQL read")
    return _graphql_read(form, headers.get("x-fb-friendly-name"))


def _graphql_read(form: list[tuple[str, str]], header_name: str | None) -> Verdict:
    for param in GRAPHQL_PARAMS:
        keys = [key for key, _ in form if php_name(key) == param]
        if len(keys) > 1 or keys != [param] * len(keys):
            return Verdict(False, f"{param} twice or spelled otherwise")
    values = dict(form)
    name = values.get(FRIENDLY_NAME, "")
    if not re.fullmatch(r"[A-Za-z0-9_]+Query", name) or "mutation" in name.lower():
        return Verdict(False, f"friendly name {name!r} is not a Query" if name else "no friendly name in the body")
    if header_name is not None and header_name != name:
        return Verdict(False, "the friendly-name header names another operation")
    text = values.get("variables", "{}")
    try:
        variables = json.loads(text)
    except (ValueError, RecursionError):
        return Verdict(False, "variables that are not JSON")
    if not isinstance(variables, dict):
        return Verdict(False, "variables that are not a JSON object")
    if "input" in variables or "client_mutation_id" in text:  # a Relay mutation's input, at whatever depth
        return Verdict(False, "mutation variables")
    if any(setting in variables and value in variables for setting, value in SAVE_VARIABLES):
        return Verdict(False, "a settings save's variables")
    return Verdict(True, "a GraphQL Query")


def form_pairs(text: str | bytes | None, strict: bool = False) -> list[tuple[str, str]] | None:
    """Urlencoded pairs, or None when they cannot be read as a server would read them."""
    if text is None:
        return None
    try:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        return parse_qsl(text, keep_blank_values=True, strict_parsing=strict, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None


def php_name(key: str) -> str:
    """A parameter's name as Meta's PHP-family servers read it: `.` and ` ` become `_`, `a[...]` is part of `a`."""
    return key.lstrip(" ").split("[")[0].replace(".", "_").replace(" ", "_")


def describe(method: str, url: str, body: bytes | None) -> str:
    """`METHOD friendly-name-or-path` for the guard's log: never a query string (it may hold tokens)."""
    names = [v for k, v in (form_pairs(body) or []) if k == FRIENDLY_NAME]
    return f"{method} {names[0] if names and names[0] else urlsplit(url).path}"
