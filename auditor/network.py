"""What the browser may reach: Meta's hosts (optionally a replica's), and in audit mode known reads only.

One route handler on the browser context applies one pure decision, `judge`, to every request:
- a host outside Meta's domains and CDNs is blocked (audit mode keeps egress to Meta only);
- in audit mode a request goes through only when it is known to be a read; anything else is
  aborted and logged as blocked. Unknown means blocked. The known reads:
  * GET, HEAD and OPTIONS to a path that does not act (no path segment whose first word, split
    at _ - or ., is one of ACTING_WORDS: logout.php, set_public, unfollow ...) and is not GraphQL
    (a path that says graphql, or a GraphQL parameter in the query string: Meta's reads POST);
  * a GraphQL read: POST /api/graphql/, urlencoded, with exactly one friendly name
    (fb_api_req_friendly_name), in the body, that ends in `Query` and does not say `Mutation`;
    no GraphQL parameter twice, under another spelling or in the URL; an x-fb-friendly-name
    header, if any, that says the same; and variables, if any, a JSON object without a
    mutation's `input` or `client_mutation_id`;
  * the route definitions a page asks for (POST /ajax/bulk-route-definitions/, urlencoded, no
    GraphQL parameter);
  * data: and blob: URLs, which never leave the browser.
  So other methods, other content types (multipart, JSON, text, a body Playwright cannot show),
  beacons and pings, and Meta's logging POSTs (/ajax/bz) are blocked: none of them reads a setting.
  Meta's servers run a GraphQL request by its doc_id, which auditor cannot map to an operation;
  the friendly name is the page's own label for it, hence the demand that it be single and a Query.
- every request that is not a known read and still goes out is logged as sent: `sent` in audit
  mode, `sent_unguarded` with it off (the login). In audit mode only a redirect can send one:
  Playwright routes the first request of a redirect chain only, so each later hop is judged when
  the browser makes it, and counted, since it can no longer be stopped. The report's "writes sent"
  is the length of `sent`: measured, not assumed.
In apply mode (auditor apply) the same rules hold, with one opening: while the change step of a
setting the person confirmed runs, `Network.change(setting)` lets through at most
MAX_WRITES_PER_CHANGE requests shaped like a settings page's save (`is_settings_write`) to Meta's
hosts. Every other write, and any beyond that number, is blocked and counted as before.
An audit has one opening of its own: while it declines Meta's cookie dialog (`Network.cookie_answer`),
a POST to a cookie-consent endpoint goes out, logged as `cookie_answers`; nothing else does.
WebSockets get the same host rule, and in audit mode none is opened: reading settings needs no
live channel, and Meta's chat socket would show the person as "Active now".

A replica is reached under Meta's real host names through the browser's own resolver
(auditor.target): the guard sees the same host names either way. (Answering requests from a
Python route handler instead would hold up every other browser event while it waits, which makes
slow pages look fast.)
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
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
# Every control on Meta's settings pages saves with one request; a second one in a change is not its save.
MAX_WRITES_PER_CHANGE = 1
INSTAGRAM_WEB_API = ("api", "v1", "web")
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
    in_url = _params(parts.query)
    if in_url is None:
        return Verdict(False, "a query string that cannot be read")
    if any(_php_name(key) in GRAPHQL_PARAMS for key, _ in in_url):
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
    form = _params(body, strict=True)
    if form is None:
        return Verdict(False, "a POST body that cannot be read")
    if segments == ROUTE_DEFINITIONS_PATH and not any(_php_name(key) in GRAPHQL_PARAMS for key, _ in form):
        return Verdict(True, "route definitions")
    if segments != GRAPHQL_READ_PATH:
        return Verdict(False, "a POST that is not a GraphQL read")
    return _graphql_read(form, headers.get("x-fb-friendly-name"))


def _graphql_read(form: list[tuple[str, str]], header_name: str | None) -> Verdict:
    for param in GRAPHQL_PARAMS:
        keys = [key for key, _ in form if _php_name(key) == param]
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
    return Verdict(True, "a GraphQL Query")


def is_settings_write(method: str, url: str, headers: dict[str, str] | None, body: bytes | None) -> bool:
    """Shaped like a settings page's save: a urlencoded POST to a Meta host carrying one GraphQL Mutation, or
    to Instagram's web API (set_private). Meta's logging POSTs and anything else are not."""
    parts = urlsplit(url)
    content_type = {k.lower(): v for k, v in (headers or {}).items()}.get("content-type", "")
    if method != "POST" or not is_meta_host(parts.hostname or "") or not content_type.startswith(URLENCODED):
        return False
    segments = tuple(s for s in unquote(parts.path).lower().split("/") if s)
    if segments[:3] == INSTAGRAM_WEB_API:
        return True
    names = [v for k, v in (_params(body, strict=True) or []) if _php_name(k) == FRIENDLY_NAME]
    return segments == GRAPHQL_READ_PATH and len(names) == 1 and bool(re.fullmatch(r"[A-Za-z0-9_]+Mutation", names[0]))


def _params(text: str | bytes | None, strict: bool = False) -> list[tuple[str, str]] | None:
    """Urlencoded pairs, or None when they cannot be read as a server would read them."""
    if text is None:
        return None
    try:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        return parse_qsl(text, keep_blank_values=True, strict_parsing=strict, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None


def _php_name(key: str) -> str:
    """A parameter's name as Meta's PHP-family servers read it: `.` and ` ` become `_`, `a[...]` is part of `a`."""
    return key.lstrip(" ").split("[")[0].replace(".", "_").replace(" ", "_")


def describe(method: str, url: str, body: bytes | None) -> str:
    """`METHOD friendly-name-or-path` for the guard's log: never a query string (it may hold tokens)."""
    names = [v for k, v in (_params(body) or []) if k == FRIENDLY_NAME]
    return f"{method} {names[0] if names and names[0] else urlsplit(url).path}"


@dataclass
class Log:
    """What the guard stopped, and what went out that is not a known read ("METHOD name-or-path" each)."""

    blocked: list[str] = field(default_factory=list)  # not known reads, stopped in audit mode
    sent: list[str] = field(
        default_factory=list
    )  # not known reads that went out in audit mode: the report's writes sent
    sent_unguarded: list[str] = field(default_factory=list)  # ... with audit mode off (the login), not the audit's
    cookie_answers: list[str] = field(default_factory=list)  # an audit's "decline optional cookies", let through
    egress: list[str] = field(default_factory=list)  # hosts outside Meta
    sockets: list[str] = field(default_factory=list)  # Meta WebSockets not opened in audit mode


@dataclass
class Window:
    """The change step of one confirmed setting: what it let through and what it blocked."""

    setting: str
    sent: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


class Network:
    """The route handler: `Network(...).install(context)`."""

    def __init__(self, *, audit: bool = True, meta_only: bool = True):
        self.audit = audit
        self.meta_only = meta_only  # False only while a person logs in by hand (a CAPTCHA may come from elsewhere)
        self.log = Log()
        self.window: Window | None = None  # apply mode: the change step in progress
        self.declining_cookies = False

    @contextmanager
    def cookie_answer(self):
        """While inside, the audit answers Meta's cookie dialog: that answer (a POST to a cookie-consent
        endpoint) may go out, and nothing else: a write a page script sends meanwhile is blocked as ever."""
        self.declining_cookies = True
        try:
            yield
        finally:
            self.declining_cookies = False

    @contextmanager
    def change(self, setting: str):
        """While inside, the change step of `setting` (which the person confirmed) may send its save."""
        self.window = Window(setting)
        try:
            yield self.window
        finally:
            self.window = None

    def install(self, context) -> None:
        context.route("**/*", self)
        context.route_web_socket("**/*", self._socket)
        context.on("request", self._redirect_hop)

    def _socket(self, ws) -> None:
        """A WebSocket the rules allow goes through; any other is never connected to its server."""
        host = urlsplit(ws.url).hostname or ""
        if not is_meta_host(host):
            if self.meta_only:
                self.log.egress.append(host)
                ws.close()
                return
        elif self.audit:
            self.log.sockets.append(host)
            ws.close()
            return
        ws.connect_to_server()

    def __call__(self, route) -> None:
        request = route.request
        url = request.url
        host = urlsplit(url).hostname or ""
        if not url.startswith(LOCAL_SCHEMES) and not is_meta_host(host) and self.meta_only:
            self.log.egress.append(host)
            route.abort("blockedbyclient")
            return
        if not _judge(request).read:
            if not self.audit:
                self.log.sent_unguarded.append(describe(request.method, url, request.post_data_buffer))
            elif not self._a_change_saves(request) and not self._the_cookie_answer(request):
                self.log.blocked.append(describe(request.method, url, request.post_data_buffer))
                if self.window is not None:
                    self.window.blocked.append(self.log.blocked[-1])
                route.abort("blockedbyclient")
                return
        route.continue_()

    def _a_change_saves(self, request) -> bool:
        """Apply mode: the save of the confirmed setting's change step, within its allowance. Counted as sent."""
        window = self.window
        body = request.post_data_buffer
        if window is None or len(window.sent) >= MAX_WRITES_PER_CHANGE:
            return False
        if not is_settings_write(request.method, request.url, request.headers, body):
            return False
        window.sent.append(describe(request.method, request.url, body))
        self.log.sent.append(window.sent[-1])
        return True

    def _the_cookie_answer(self, request) -> bool:
        answer = request.method == "POST" and urlsplit(request.url).path in COOKIE_ANSWER_PATHS
        if not (self.declining_cookies and answer):
            return False
        self.log.cookie_answers.append(describe(request.method, request.url, request.post_data_buffer))
        return True

    def _redirect_hop(self, request) -> None:
        """A redirect's next request never reaches the route handler: judged here, it can only be counted."""
        if request.redirected_from is not None and not _judge(request).read:
            (self.log.sent if self.audit else self.log.sent_unguarded).append(
                describe(request.method, request.url, request.post_data_buffer)
            )


def _judge(request) -> Verdict:
    return judge(request.method, request.url, request.headers, request.post_data_buffer, request.resource_type)
