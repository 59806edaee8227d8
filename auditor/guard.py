"""The network guard: one route handler on a browser context, on from the context's first request to its last.

Every request goes through `Network.__call__`, which applies auditor.network's rules: a host
outside Meta is blocked (egress); a known read goes through; anything else is aborted and logged
as blocked, unless it is what one of three openings lets through (auditor.openings):
- `login(platform, identifier)`: the unattended login's own requests, each shape once;
- `change(setting)`: apply's window for a setting the person confirmed. Once the confirmed click
  begins (`Window.arm`), the one save `Window.expect` names may go out; every other write is
  blocked, and a second copy of that save is noted as `displaced` (the page's own may be it);
- `cookie_answer()`: an audit declining Meta's cookie dialog.
WebSockets get the host rule, and in audit mode none is opened: reading settings needs no live
channel, and Meta's chat socket would show the person as "Active now".

Counted, never assumed:
- `sent`: a request that is not a known read and went out in audit mode: a change's save, or a
  redirect's next hop (Playwright routes a redirect chain's first request only), which is judged
  when the browser makes it and counted, since it can no longer be stopped. The report's
  "writes sent" is the length of `sent`.
- `unguarded`: one that went out without the guard's judgement: with audit mode off (only
  `auditor login`, where a person drives the window and their clicks are their own), or never
  routed at all, noticed when it is done. A run stops at the first (auditor.observe, apply).

Some requests never reach the route handler and fire no event either (a SharedWorker's; a Worker's
whose page went away as it started): auditor.backstop stops those at the browser, and `unrouted`
judges them by the same rules.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from auditor.network import COOKIE_ANSWER_PATHS, FRIENDLY_NAME, LOCAL_SCHEMES, describe, form_pairs, is_meta_host
from auditor.network import judge as judge_request
from auditor.openings import Expected, is_the_save, login_shape


@dataclass
class Log:
    """What the guard stopped, let through or missed ("METHOD name-or-path" each)."""

    blocked: list[str] = field(default_factory=list)  # not known reads, stopped
    sent: list[str] = field(default_factory=list)  # not known reads that went out in audit mode: writes sent
    login: list[str] = field(default_factory=list)  # the unattended login's own requests, by shape name
    cookie_answers: list[str] = field(default_factory=list)  # an audit's "decline optional cookies", let through
    unguarded: list[str] = field(default_factory=list)  # not known reads that went out without the guard
    egress: list[str] = field(default_factory=list)  # hosts outside Meta
    sockets: list[str] = field(default_factory=list)  # Meta WebSockets not opened in audit mode


@dataclass
class Window:
    """The change step of one confirmed setting: what it expects, let through and blocked."""

    setting: str
    expected: Expected | None = None  # the save, as the page's read names it (auditor.openings.expected_save)
    armed: bool = False  # the confirmed click has begun: its save may go out from now on
    armed_at: int = 0  # how many requests it had blocked by then
    sent: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    displaced: list[str] = field(default_factory=list)  # the same save again, after one went out
    saved: object = None  # the request let through

    def expect(self, expected: Expected) -> None:
        self.expected = expected

    def arm(self) -> None:
        self.armed, self.armed_at = True, len(self.blocked)

    @property
    def after_click(self) -> list[str]:
        """What it blocked once the confirmed click began (the page's own save, if the flow names another)."""
        return self.blocked[self.armed_at :] if self.armed else []

    def let_through(self, request) -> bool:
        return self.saved is not None and request is self.saved


@dataclass
class _Login:
    platform: str
    identifier: str
    used: set[str] = field(default_factory=set)


class Network:
    """The route handler: `Network(...).install(context)`."""

    def __init__(self, *, audit: bool = True, meta_only: bool = True):
        self.audit = audit
        self.meta_only = meta_only  # False only while a person logs in by hand (a CAPTCHA may come from elsewhere)
        self.log = Log()
        self.window: Window | None = None  # apply: the change step in progress
        self.signing_in: _Login | None = None  # the unattended login in progress
        self.declining_cookies = False
        self._judged: set = set()  # requests the route handler saw that are not done yet
        self._doc_names: dict[str, str] = {}  # a GraphQL doc_id -> the one friendly name it runs under
        self._write_doc_ids: set[str] = set()  # doc_ids seen on a request that is not a read

    @contextmanager
    def login(self, platform: str, identifier: str):
        """While inside, the unattended login of `platform` may send its own requests, each shape once."""
        self.signing_in = _Login(platform, identifier)
        try:
            yield
        finally:
            self.signing_in = None

    @contextmanager
    def change(self, setting: str):
        """While inside, the change step of `setting` (which the person confirmed) may send its save."""
        self.window = Window(setting)
        try:
            yield self.window
        finally:
            self.window = None

    @contextmanager
    def cookie_answer(self):
        """While inside, the audit answers Meta's cookie dialog: that answer (a POST to a cookie-consent
        endpoint) may go out, and nothing else: a write a page script sends meanwhile is blocked as ever."""
        self.declining_cookies = True
        try:
            yield
        finally:
            self.declining_cookies = False

    def install(self, context) -> None:
        context.route("**/*", self)
        context.route_web_socket("**/*", self._socket)
        context.on("request", self._redirect_hop)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)

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
        self._judged.add(request)
        url = request.url
        if self._egress(url):
            route.abort("blockedbyclient")
            return
        if self._a_read(request.method, url, request.headers, request.post_data_buffer, request.resource_type):
            route.continue_()
            return
        what = describe(request.method, url, request.post_data_buffer)
        if not self.audit:
            self.log.unguarded.append(what)
        elif not self._an_opening(request, what):
            self.log.blocked.append(what)
            if self.window is not None:
                self._blocked_in_window(request, what)
            route.abort("blockedbyclient")
            return
        route.continue_()

    def unrouted(self, method: str, url: str, headers: dict, body: bytes | None, resource_type: str) -> bool:
        """May a request that never reached the route handler go on (auditor.backstop)? Only a known read to
        an allowed host; anything else is blocked and logged as blocked. No opening is ever for it."""
        if self._egress(url):
            return False
        if self._a_read(method, url, headers, body, resource_type):
            return True
        what = describe(method, url, body)
        if not self.audit:
            self.log.unguarded.append(what)
            return True
        self.log.blocked.append(what)
        if self.window is not None:
            self.window.blocked.append(what)
        return False

    def _egress(self, url: str) -> bool:
        """A host outside Meta while only Meta's are allowed: logged, to be blocked."""
        host = urlsplit(url).hostname or ""
        if url.startswith(LOCAL_SCHEMES) or is_meta_host(host) or not self.meta_only:
            return False
        self.log.egress.append(host)
        return True

    def _a_read(self, method: str, url: str, headers: dict, body: bytes | None, resource_type: str) -> bool:
        """A known read; a GraphQL Query also runs under its doc_id's one name, never a write's doc_id."""
        read = judge_request(method, url, headers, body, resource_type).read
        fields = dict(form_pairs(body) or []) if method == "POST" else {}
        doc_id = fields.get("doc_id")
        if doc_id is None:
            return read
        if not read:
            self._write_doc_ids.add(doc_id)
            return False
        name = fields.get(FRIENDLY_NAME, "")
        return doc_id not in self._write_doc_ids and self._doc_names.setdefault(doc_id, name) == name

    def _an_opening(self, request, what: str) -> bool:
        """Let it through if an opening in progress is for it (and log it there)."""
        asked = (request.method, request.url, request.headers, request.post_data_buffer, request.resource_type)
        login = self.signing_in
        name = login_shape(login.platform, login.identifier, *asked) if login is not None else None
        if name is not None and name not in login.used:
            login.used.add(name)
            self.log.login.append(name)
            return True
        window = self.window
        if window is not None and window.armed and window.saved is None and window.expected is not None:
            if is_the_save(window.expected, *asked):
                window.saved = request
                window.sent.append(what)
                self.log.sent.append(what)
                return True
        if self.declining_cookies and request.method == "POST" and urlsplit(request.url).path in COOKIE_ANSWER_PATHS:
            self.log.cookie_answers.append(what)
            return True
        return False

    def _blocked_in_window(self, request, what: str) -> None:
        window = self.window
        window.blocked.append(what)
        asked = (request.method, request.url, request.headers, request.post_data_buffer, request.resource_type)
        if window.saved is not None and window.expected is not None and is_the_save(window.expected, *asked):
            window.displaced.append(what)

    def _redirect_hop(self, request) -> None:
        """A redirect's next request never reaches the route handler: judged here, it can only be counted."""
        if request.redirected_from is not None and not _judge(request).read:
            (self.log.sent if self.audit else self.log.unguarded).append(
                describe(request.method, request.url, request.post_data_buffer)
            )

    def _done(self, request) -> None:
        """A request is done: one the route handler never saw (and no redirect hop) went out unguarded."""
        if request in self._judged:
            self._judged.discard(request)
            return
        if request.redirected_from is None and not _judge(request).read:
            self.log.unguarded.append(describe(request.method, request.url, request.post_data_buffer))


def _judge(request):
    return judge_request(request.method, request.url, request.headers, request.post_data_buffer, request.resource_type)
