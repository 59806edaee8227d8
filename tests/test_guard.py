"""The audit guard lets through known reads only: a table of request shapes, then the same shapes from a page.

The table pins `judge` without a browser. The browser tests send every write-shaped row from a
logged-in replica page, the way a page can (fetch, forms, beacons, pings, images, frames), and
the replica's own logs are the witness: in audit mode none of them reaches it; with the guard
off every one does, so the test could fail.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from conftest import visit_in, wait_until
from playwright.sync_api import Error as PlaywrightError

from auditor import spec
from auditor.backstop import backstop
from auditor.browser import Opened
from auditor.errors import AuditorError
from auditor.guard import Network
from auditor.meta import select_flows
from auditor.network import describe, judge
from auditor.observe.stage import observe_in
from auditor.replica.http import Request
from auditor.replica.store import Write
from auditor.rerun import evaluate_and_report

FB = "https://www.facebook.com"
IG = "https://www.instagram.com"
AC = "https://accountscenter.facebook.com"
URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8"
BOUNDARY = "----WebKitFormBoundaryAuditor"
QUERY = "CometSettingsPageQuery"
MUTATION = "CometSettingsPrivacySelectorMutation"


@dataclass(frozen=True)
class Shape:
    """One request as the guard sees it, and how a page sends it (`via`; None: a page cannot, as such)."""

    method: str
    url: str
    pairs: tuple = ()  # the body's fields, for urlencoded and multipart bodies
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    raw: bytes | None = None  # a body that is not fields (JSON, text); None with no pairs: no body
    resource_type: str = "fetch"
    via: str | None = "fetch"

    @property
    def body(self) -> bytes | None:
        if self.content_type and self.content_type.startswith("multipart/"):
            parts = "".join(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in self.pairs
            )
            return f"{parts}--{BOUNDARY}--\r\n".encode()
        return urlencode(self.pairs).encode() if self.pairs else self.raw

    @property
    def all_headers(self) -> dict:
        return {**({"content-type": self.content_type} if self.content_type else {}), **self.headers}


def get(url: str, method: str = "GET", via: str | None = "fetch", resource_type: str = "fetch") -> Shape:
    return Shape(method, url, via=via, resource_type=resource_type)


def post(
    url: str,
    *pairs: tuple[str, str],
    content_type: str | None = URLENCODED,
    headers=None,
    raw: bytes | None = None,
    via: str | None = "fetch",
    resource_type: str = "fetch",
) -> Shape:
    return Shape("POST", url, tuple(pairs), content_type, headers or {}, raw, resource_type, via)


def graphql(
    name: str | None = QUERY,
    variables: dict | str | None = None,
    *extra: tuple[str, str],
    url: str = f"{FB}/api/graphql/",
    header: str | None = None,
    **kwargs,
) -> Shape:
    """A GraphQL POST shaped as Meta's pages send it (and the replica's comet.js)."""
    pairs = [("av", "100000000000001"), ("__a", "1"), ("fb_dtsg", "NAtoken:1"), ("fb_api_caller_class", "RelayModern")]
    pairs += [("fb_api_req_friendly_name", name)] if name is not None else []
    pairs += [
        (
            "variables",
            variables if isinstance(variables, str) else json.dumps(variables or {"route": "/settings/?tab=posts"}),
        )
    ]
    pairs += [("server_timestamps", "true"), ("doc_id", "7291649347531836"), *extra]
    return post(url, *pairs, headers={"x-fb-friendly-name": header} if header else None, **kwargs)


SHAPES = [
    # ---------------------------------------------------------------- known reads
    pytest.param(get(f"{FB}/settings/?tab=posts", resource_type="document"), True, "GET to a page", id="settings page"),
    pytest.param(
        get(f"{FB}/settings/?tab=blocking"), True, "GET to a page", id="an acting word in the query, not the path"
    ),
    pytest.param(
        get("https://static.xx.fbcdn.net/rsrc.php/v4/y0/r/56310f2aa0.js", resource_type="script"),
        True,
        "GET",
        id="CDN script",
    ),
    pytest.param(
        get(f"{IG}/accounts/edit/"), True, "GET to a page", id="Instagram's edit-profile page only shows a form"
    ),
    pytest.param(get(f"{IG}/accounts/hide_story_and_live/"), True, "GET to a page", id="hide is a page's name"),
    pytest.param(get(f"{FB}/settings/", "HEAD"), True, "HEAD to a page", id="HEAD to a page"),
    pytest.param(get(f"{FB}/settings/", "OPTIONS"), True, "OPTIONS to a page", id="OPTIONS preflight to a page"),
    pytest.param(graphql(header=QUERY), True, "a GraphQL Query", id="Facebook's read as comet.js sends it"),
    pytest.param(
        graphql(url=f"{IG}/api/graphql", header=QUERY), True, "a GraphQL Query", id="Instagram's read (no slash)"
    ),
    pytest.param(graphql(url=f"{AC}/api/graphql/"), True, "a GraphQL Query", id="Accounts Center read, no header"),
    pytest.param(
        graphql(content_type="Application/X-WWW-Form-Urlencoded"),
        True,
        "a GraphQL Query",
        id="content type in capitals",
    ),
    pytest.param(graphql(url=f"{FB}/API/GRAPHQL/"), True, "a GraphQL Query", id="path in capitals"),
    pytest.param(
        post(f"{FB}/ajax/bulk-route-definitions/", ("route_urls[0]", "/settings/"), ("__a", "1")),
        True,
        "route definitions",
        id="route definitions",
    ),
    pytest.param(get("data:text/plain,hello"), True, "never leaves the browser", id="data: URL"),
    pytest.param(get("blob:https://www.facebook.com/5f0c1e2a"), True, "never leaves the browser", id="blob: URL"),
    # ---------------------------------------------------------------- paths that act, by GET, HEAD or a navigation
    pytest.param(
        get(f"{IG}/api/v1/web/accounts/set_public/", via="img", resource_type="image"),
        False,
        "acts (set_public)",
        id="img GET to set_public",
    ),
    pytest.param(
        get(f"{IG}/api/v1/web/accounts/set_public/", "HEAD"), False, "acts (set_public)", id="HEAD to set_public"
    ),
    pytest.param(get(f"{IG}/api/v1/web/accounts/set_private/"), False, "acts (set_private)", id="GET to set_private"),
    pytest.param(
        get(f"{FB}/logout.php", via="iframe", resource_type="document"), False, "acts (logout.php)", id="logout.php"
    ),
    pytest.param(get(f"{FB}/logout.php/"), False, "acts (logout.php)", id="logout.php with a trailing slash"),
    pytest.param(get(f"{FB}/LOGOUT.PHP"), False, "acts (logout.php)", id="logout in capitals"),
    pytest.param(get(f"{FB}/logout%2Ephp"), False, "acts (logout.php)", id="logout percent-encoded"),
    pytest.param(get(f"{IG}/accounts/logout/"), False, "acts (logout)", id="Instagram logout"),
    pytest.param(get(f"{IG}/web/friendships/1784/unfollow/"), False, "acts (unfollow)", id="unfollow"),
    pytest.param(
        get(f"{IG}/api/v1/web/friendships/1784/remove_follower/"),
        False,
        "acts (remove_follower)",
        id="remove a follower",
    ),
    pytest.param(
        get(f"{FB}/confirmemail.php?e=a%40example.org&c=12345"), False, "acts (confirmemail.php)", id="confirm an email"
    ),
    pytest.param(get(f"{FB}/privacy/delete-history/"), False, "acts (delete-history)", id="delete-something"),
    # ---------------------------------------------------------------- GraphQL other than one urlencoded Query
    pytest.param(
        graphql(QUERY, {"input": {"key": "fb.posts", "option": "public"}}),
        False,
        "mutation variables",
        id="a Query name carrying a mutation's input",
    ),
    pytest.param(
        graphql(QUERY, {"data": {"client_mutation_id": "1"}}),
        False,
        "mutation variables",
        id="a Query name carrying client_mutation_id",
    ),
    pytest.param(
        graphql(QUERY, {"key": "368847572316143", "option": "811781330194776"}),
        False,
        "a settings save's variables",
        id="a Query name carrying a save's variables",
    ),
    pytest.param(
        graphql(QUERY, {"key": "368847572316143", "enabled": True}),
        False,
        "a settings save's variables",
        id="a Query name carrying a switch's save",
    ),
    pytest.param(graphql(QUERY, {"key": "368847572316143"}), True, "a GraphQL Query", id="a read naming an id"),
    pytest.param(
        graphql(QUERY, None, ("fb_api_req_friendly_name", MUTATION)), False, "twice", id="two names, the Query first"
    ),
    pytest.param(
        graphql(MUTATION, None, ("fb_api_req_friendly_name", QUERY)), False, "twice", id="two names, the Mutation first"
    ),
    pytest.param(
        graphql(QUERY, None, ("fb_api_req.friendly_name", MUTATION)),
        False,
        "spelled otherwise",
        id="a second name under a PHP alias",
    ),
    pytest.param(graphql(QUERY, None, ("doc_id", "1")), False, "doc_id twice", id="two doc_ids"),
    pytest.param(graphql(None), False, "no friendly name in the body", id="doc_id with no friendly name"),
    pytest.param(graphql(""), False, "no friendly name in the body", id="an empty friendly name"),
    pytest.param(graphql(None, header=QUERY), False, "no friendly name in the body", id="the name only in a header"),
    pytest.param(
        graphql(QUERY, header=MUTATION),
        False,
        "the friendly-name header names another",
        id="the header names a Mutation",
    ),
    pytest.param(
        graphql(None, url=f"{FB}/api/graphql/?fb_api_req_friendly_name={QUERY}"),
        False,
        "in the URL",
        id="a Query name in the URL only",
    ),
    pytest.param(graphql(QUERY, url=f"{FB}/api/graphql/?doc_id=1"), False, "in the URL", id="a doc_id in the URL"),
    pytest.param(graphql(MUTATION), False, "is not a Query", id="a Mutation"),
    pytest.param(graphql("CometSettingsPageQUERY"), False, "is not a Query", id="QUERY in capitals"),
    pytest.param(graphql("cometsettingspagequery"), False, "is not a Query", id="query in small letters"),
    pytest.param(graphql("CometSettingsMutationQuery"), False, "is not a Query", id="a name that says Mutation"),
    pytest.param(graphql("SaveMutation,PageQuery"), False, "is not a Query", id="two names in one"),
    pytest.param(graphql(QUERY, "{not json"), False, "not JSON", id="variables that are not JSON"),
    pytest.param(graphql(QUERY, "[1, 2]"), False, "not a JSON object", id="variables that are a list"),
    pytest.param(graphql(QUERY, url=f"{FB}/api/graphqlbatch/"), False, "not a GraphQL read", id="the batch endpoint"),
    pytest.param(
        graphql(content_type="multipart/form-data; boundary=" + BOUNDARY, via="multipart fetch"),
        False,
        "not urlencoded",
        id="a multipart fetch",
    ),
    pytest.param(
        post(
            f"{FB}/api/graphql/",
            raw=urlencode({"fb_api_req_friendly_name": MUTATION}).encode(),
            content_type="text/plain;charset=UTF-8",
        ),
        False,
        "not urlencoded",
        id="text/plain with a Mutation",
    ),
    pytest.param(
        post(
            f"{FB}/api/graphql/",
            raw=json.dumps({"fb_api_req_friendly_name": QUERY, "doc_id": "1"}).encode(),
            content_type="application/json",
        ),
        False,
        "not urlencoded",
        id="a JSON POST",
    ),
    pytest.param(
        post(f"{FB}/api/graphql/", content_type=None, via=None), False, "not urlencoded", id="a stream body, no type"
    ),
    pytest.param(post(f"{FB}/api/graphql/", via=None), False, "cannot be read", id="a body Playwright cannot show"),
    pytest.param(
        post(f"{FB}/api/graphql/", raw=b"fb_api_req_friendly_name", via=None),
        False,
        "cannot be read",
        id="a field without a value",
    ),
    pytest.param(
        get(f"{FB}/api/graphql/?fb_api_req_friendly_name={QUERY}&doc_id=1"),
        False,
        "in the URL",
        id="GraphQL Query by GET",
    ),
    pytest.param(
        get(f"{FB}/api/graphql/?fb_api_req_friendly_name={MUTATION}&doc_id=1"),
        False,
        "in the URL",
        id="GraphQL Mutation by GET",
    ),
    pytest.param(
        get(f"{IG}/graphql/query/?query_hash=c9100bf9110dd6361671f113dd02e7d6&variables=%7B%7D"),
        False,
        "in the URL",
        id="Instagram's old GraphQL GET",
    ),
    pytest.param(get(f"{FB}/api/graphql/"), False, "GraphQL by GET", id="GraphQL by GET, no parameters"),
    pytest.param(
        get(f"{FB}/api/graphql/", "OPTIONS", via=None), False, "GraphQL by OPTIONS", id="OPTIONS preflight to GraphQL"
    ),
    # ---------------------------------------------------------------- other POSTs, beacons, pings, methods
    pytest.param(
        post(f"{FB}/privacy/save/", ("audience", "public"), via="form", resource_type="document"),
        False,
        "not a GraphQL read",
        id="a form",
    ),
    pytest.param(
        post(
            f"{FB}/privacy/save/",
            ("audience", "public"),
            content_type="multipart/form-data; boundary=" + BOUNDARY,
            via="multipart form",
            resource_type="document",
        ),
        False,
        "not urlencoded",
        id="a multipart form",
    ),
    pytest.param(
        post(f"{FB}/ajax/bz", ("q", "[]"), ("ts", "1")), False, "not a GraphQL read", id="Meta's logging POST"
    ),
    pytest.param(
        post(f"{FB}/ajax/webstorage/process_keys/", ("keys", "[]")), False, "not a GraphQL read", id="webstorage keys"
    ),
    pytest.param(
        post(f"{FB}/ajax/bulk-route-definitions/", ("fb_api_req_friendly_name", MUTATION)),
        False,
        "not a GraphQL read",
        id="route definitions carrying GraphQL",
    ),
    pytest.param(
        post(f"{FB}/login/device-based/regular/login/", ("email", "a@example.org"), ("pass", "x")),
        False,
        "not a GraphQL read",
        id="a login",
    ),
    pytest.param(
        post(f"{FB}/ajax/bz", ("q", "[]"), via="beacon", resource_type="ping"), False, "a beacon", id="a beacon"
    ),
    pytest.param(
        graphql(via="beacon", resource_type="ping"), False, "a beacon", id="a beacon shaped as a GraphQL read"
    ),
    pytest.param(
        post(f"{FB}/ping/", raw=b"PING", content_type="text/ping", via="ping", resource_type="ping"),
        False,
        "a beacon or ping",
        id="<a ping>",
    ),
    pytest.param(get(f"{IG}/api/v1/web/anything/", "DELETE"), False, "method DELETE", id="DELETE"),
    pytest.param(Shape("PUT", f"{FB}/api/graphql/"), False, "method PUT", id="PUT"),
    pytest.param(get(f"{FB}/settings/", "PATCH"), False, "method PATCH", id="PATCH"),
    pytest.param(get(f"{FB}/settings/", "patch"), False, "method patch", id="patch in small letters (fetch keeps it)"),
    pytest.param(get(f"{FB}/settings/", "get", via=None), False, "method get", id="get in small letters"),
    pytest.param(get("ftp://www.facebook.com/settings/", via=None), False, "unknown scheme", id="ftp:"),
]


@pytest.mark.parametrize("shape, read, why", SHAPES)
def test_the_guard_lets_through_known_reads_only(shape, read, why):
    verdict = judge(shape.method, shape.url, shape.all_headers, shape.body, shape.resource_type)
    assert (verdict.read, why in verdict.why) == (read, True), verdict.why


@pytest.mark.parametrize("shape, read, why", SHAPES)
def test_a_request_playwright_never_routed_is_judged_by_the_same_rules_at_the_backstop(shape, read, why):
    """auditor.backstop hands the guard what Playwright's route never saw: a known read goes on, anything else
    is blocked and logged, in a change's window too: no opening is ever for it."""
    network = Network()
    with network.change("fb.friend_requests") as window:
        window.arm()
        let = network.unrouted(shape.method, shape.url, shape.all_headers, shape.body, shape.resource_type)
    assert let == read
    assert network.log.blocked == window.blocked == ([] if read else [describe(shape.method, shape.url, shape.body)])


def test_a_host_outside_meta_is_never_let_through_at_the_backstop():
    network = Network()
    assert network.unrouted("GET", "https://example.org/pixel.gif", {}, None, "fetch") is False
    assert network.log.egress == ["example.org"] and network.log.blocked == []


def test_every_flow_page_is_a_known_read(flows):
    """The guard must not stop what the audit itself opens."""
    urls = {flow.spec.url for flow in flows}
    assert urls and [u for u in urls if not judge("GET", u, resource_type="document").read] == []


# ---------------------------------------------------------------------- the same shapes from a page
WRITES = [p.values[0] for p in SHAPES if not p.values[1] and p.values[0].via]
SEND = """({via, method, url, headers, body, pairs}) => {
    const form = (multipart) => {
        const f = document.createElement('form');
        Object.assign(f, {method: 'post', action: url, target: 'sink'});
        if (multipart) f.enctype = 'multipart/form-data';
        for (const [name, value] of pairs)
            f.append(Object.assign(document.createElement('input'), {type: 'hidden', name, value}));
        document.body.append(f);
        f.submit();
    };
    const fields = () => { const d = new FormData(); for (const [k, v] of pairs) d.append(k, v); return d; };
    const senders = {
        'fetch': () => fetch(url, {method, headers, body: body === null ? undefined : body, credentials: 'include'})
                           .catch(() => null),
        'multipart fetch': () => fetch(url, {method, body: fields(), credentials: 'include'}).catch(() => null),
        'form': () => form(false),
        'multipart form': () => form(true),
        'beacon': () => navigator.sendBeacon(url, new Blob([body], {type: headers['content-type']})),
        'ping': () => {
            const a = Object.assign(document.createElement('a'), {href: '#pinged', ping: url, textContent: 'ping'});
            document.body.append(a);
            a.click();
        },
        'img': () => document.body.append(Object.assign(new Image(), {src: url})),
        'iframe': () => document.body.append(Object.assign(document.createElement('iframe'), {src: url})),
    };
    senders[via]();
}"""


@pytest.fixture
def pages(log_in, routed, context) -> dict:
    """Logged-in, fully loaded settings pages of Facebook and Instagram, by origin; the guard still off."""
    log_in("demo", "facebook")
    log_in("demo", "instagram")
    opened = {}
    for url in (f"{FB}/settings/?tab=posts", f"{IG}/accounts/settings/v2/tags_and_mentions/"):
        page = context.new_page()
        page.goto(url)
        page.locator("[role=main][aria-busy=false]").wait_for()
        page.evaluate("() => document.body.append(Object.assign(document.createElement('iframe'), {name: 'sink'}))")
        opened[origin(url)] = page
    return opened


def origin(url: str) -> str:
    return f"https://{urlsplit(url).hostname}"


def send(pages: dict, shape: Shape, event: str):
    """Send `shape` from the page of its origin and wait for `event` (requestfailed, response) of it."""
    page = pages[origin(shape.url)]
    with page.expect_event(event, lambda r: r.url == shape.url) as seen:
        page.evaluate(
            SEND,
            {
                "via": shape.via,
                "method": shape.method,
                "url": shape.url,
                "headers": shape.all_headers,
                "body": shape.body.decode() if shape.body is not None else None,
                "pairs": list(shape.pairs),
            },
        )
    return seen.value


def target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_no_write_shaped_request_from_a_page_reaches_the_replica_in_audit_mode(pages, routed, replica):
    routed.audit = True
    received_before = len(replica.store.requests())
    for shape in WRITES:
        assert "BLOCKED_BY_CLIENT" in send(pages, shape, "requestfailed").failure, shape
    assert replica.store.requests()[received_before:] == []  # not one of them left the browser
    assert replica.writes() == []
    assert len(routed.log.blocked) == len(WRITES) and routed.log.sent == []


def by_doc_id(name: str, doc_id: str) -> Shape:
    return post(f"{FB}/api/graphql/", ("fb_api_req_friendly_name", name), ("variables", "{}"), ("doc_id", doc_id))


def test_a_query_under_a_writes_doc_id_or_under_a_second_name_is_blocked(pages, routed):
    """Meta runs a request by its doc_id: a Query name on a write's doc_id, or a doc_id that answered to
    another name before, is not a known read."""
    routed.audit = True
    assert send(pages, by_doc_id(QUERY, "111"), "response")  # a read: its doc_id runs under this name
    assert "BLOCKED_BY_CLIENT" in send(pages, by_doc_id(MUTATION, "222"), "requestfailed").failure
    assert "BLOCKED_BY_CLIENT" in send(pages, by_doc_id(QUERY, "222"), "requestfailed").failure
    assert "BLOCKED_BY_CLIENT" in send(pages, by_doc_id("CometOtherPageQuery", "111"), "requestfailed").failure
    assert send(pages, by_doc_id(QUERY, "111"), "response")  # the same read again still passes
    assert routed.log.blocked == [f"POST {MUTATION}", f"POST {QUERY}", "POST CometOtherPageQuery"]


def test_with_the_guard_off_every_one_reaches_the_replica(pages, routed, replica):
    """The counterpart: the test above could fail, because each of these does reach the replica."""
    received_before = len(replica.store.requests())
    unguarded_before = len(routed.log.unguarded)
    private_before = replica.store.get("demo", "ig.private_account")
    for shape in WRITES:
        send(pages, shape, "request")

    def not_received() -> list[Shape]:
        received = {(method, path) for _t, _h, method, path, _n in replica.store.requests()[received_before:]}
        return [s for s in WRITES if (s.method, target(s.url)) not in received]

    # Beacons and pings get no response event: wait for the replica's log.
    wait_until(lambda: not_received() == [], page=pages[FB])
    # Each is logged as sent with the guard off (and so are the redirects some get after the logout).
    sent = Counter(describe(s.method, s.url, s.body) for s in WRITES)
    assert sent <= Counter(routed.log.unguarded[unguarded_before:]) and routed.log.sent == []
    # Writes by GET, HEAD or PUT are refused, as Meta refuses them, and still logged. The requests
    # run concurrently, so the replica may log them in any order.
    assert Counter((w.friendly_name, w.setting, w.value, w.accepted) for w in replica.writes()) == Counter(
        [
            ("/api/v1/web/accounts/set_public/", "ig.private_account", "off", False),
            ("/api/v1/web/accounts/set_public/", "ig.private_account", "off", False),
            ("/api/v1/web/accounts/set_private/", "ig.private_account", "on", False),
            (MUTATION, "", "", False),
            ("/api/graphql/", "", "", False),
            ("/api/graphql/", "", "", False),
        ]
    )
    assert replica.store.get("demo", "ig.private_account") == private_before


def test_a_redirect_the_guard_cannot_stop_is_counted_as_sent_up_to_the_report(
    log_in, context, routed, replica, tmp_path
):
    """Playwright routes a redirect's first request only: a hop to a write goes out, and the count says so."""
    log_in("demo", "facebook", fresh=True)
    assert routed.log.login == ["Facebook login form"] and routed.log.unguarded == []
    flow = select_flows(spec.load_flows(), ["facebook"])[0]
    # Stands in for Meta answering the page with a redirect to the logout.
    context.route(flow.spec.url, lambda route: route.fulfill(status=302, headers={"Location": f"{FB}/logout.php"}))
    routed.audit = True
    observations = observe_in(visit_in(context, replica, [flow], network=routed))
    assert routed.log.sent == ["GET /logout.php"] and observations.run.writes_sent == 1
    assert ("GET", "/logout.php") in {(method, path) for _t, _h, method, path, _n in replica.store.requests()}
    evaluate_and_report(observations, tmp_path)
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "requests sent: 1; requests not known to be reads, stopped by auditor's guard: 0" in report


# ---------------------------------------------------------------------- the replica refuses writes by GET and HEAD
def instagram(replica, method: str, target_path: str) -> tuple[int, bytes]:
    """Ask the replica as the logged-in demo account's Instagram page would (session, CSRF token)."""
    account = replica.store.accounts["demo"]
    token = replica.store.new_session("demo", "instagram", 3600)
    headers = {
        "cookie": f"sessionid={account.uid}%3A{token}; csrftoken=t",
        "x-csrftoken": "t",
        "content-type": "application/x-www-form-urlencoded",
    }
    answer = replica.app.handle(Request(method, "www.instagram.com", target_path, headers))
    return answer.status, answer.body


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE"])
def test_set_public_by_another_method_than_post_is_refused_and_logged(replica, method):
    replica.store.set("demo", "ig.private_account", "on")
    assert instagram(replica, method, "/api/v1/web/accounts/set_public/")[0] == 405
    assert replica.store.get("demo", "ig.private_account") == "on"
    assert replica.writes() == [
        Write(
            "demo", "www.instagram.com", "/api/v1/web/accounts/set_public/", "ig.private_account", "off", accepted=False
        )
    ]


def test_set_public_by_post_is_made(replica):
    """The counterpart: the same request by POST does change the setting."""
    replica.store.set("demo", "ig.private_account", "on")
    assert instagram(replica, "POST", "/api/v1/web/accounts/set_public/")[0] == 200
    assert replica.store.get("demo", "ig.private_account") == "off"
    assert [w.accepted for w in replica.writes()] == [True]


@pytest.mark.parametrize("name, logged", [(MUTATION, [(MUTATION, False)]), (QUERY, [])])
def test_graphql_by_get_answers_an_error_and_logs_a_mutation_as_refused(replica, name, logged):
    status, body = instagram(replica, "GET", f"/api/graphql?fb_api_req_friendly_name={name}&doc_id=1")
    assert status == 405 and b"errors" in body if name == QUERY else b"Method Not Allowed" in body
    assert [(w.friendly_name, w.accepted) for w in replica.writes()] == logged


def test_a_browser_that_refuses_the_backstop_is_not_read_in():
    """Without its backstop the guard would miss what Playwright never routes: the run stops, with why."""

    class Refusing:
        def new_browser_cdp_session(self):
            raise PlaywrightError("Target.createBrowserSession: Not supported")

    with pytest.raises(AuditorError, match="refused a DevTools session.*Not supported"):
        with backstop(Opened(Refusing()), Network()):
            pytest.fail("the run went on without the backstop")
