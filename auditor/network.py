"""What the browser may reach: Meta's hosts (optionally served by a replica), and in audit mode no writes.

One route handler on the browser context decides for every request:
- a host outside Meta's domains and CDNs is blocked (audit mode keeps egress to Meta only);
- in audit mode a request that would write (a GraphQL ...Mutation, any other POST) is aborted and
  counted, so the report can say "writes sent: 0" and mean it;
- with a replica, Meta's hosts are answered by the replica server under their real names,
  so flows use production URLs unchanged.

Chromium does not intercept the request that a fulfilled redirect leads to (it would go to the
real host), so a redirect from the replica is replayed: a page navigation gets a page that
moves on at once with `location.replace`, any other request is followed here.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass, field
import json
from urllib.parse import parse_qs, urljoin, urlsplit

# Meta's own domains and CDNs; a host matches if it is one of these or a subdomain.
META_DOMAINS = ("facebook.com", "instagram.com", "fbcdn.net", "cdninstagram.com", "meta.com", "facebook.net", "fb.com")
# Reads that are POSTs on Meta's pages: GraphQL queries and the logging/bootstrap endpoints.
READ_POST_PATHS = ("/api/graphql/", "/api/graphql", "/ajax/bz", "/ajax/bulk-route-definitions/", "/ajax/webstorage/process_keys/")
# Hop-by-hop and framing headers that must not be copied between the two connections.
_DROP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


def is_meta_host(host: str) -> bool:
    host = host.lower().split(":")[0]
    return any(host == d or host.endswith("." + d) for d in META_DOMAINS)


def friendly_name(post_data: bytes | None) -> str:
    if not post_data:
        return ""
    try:
        return parse_qs(post_data.decode("utf-8", "replace")).get("fb_api_req_friendly_name", [""])[0]
    except ValueError:
        return ""


def is_write(method: str, url: str, post_data: bytes | None) -> bool:
    """Would this request change something on the account? Everything but GETs and GraphQL queries does."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    name = friendly_name(post_data)
    if name:
        return not name.endswith("Query")
    return urlsplit(url).path not in READ_POST_PATHS


@dataclass
class Blocked:
    """What the guard stopped, for the observations file and the report."""

    writes: list[str] = field(default_factory=list)  # friendly name or path of each write
    egress: list[str] = field(default_factory=list)  # hosts outside Meta

    def as_dict(self) -> dict:
        return {"writes_blocked": len(self.writes), "write_requests": self.writes[:50],
                "egress_blocked": len(self.egress), "egress_hosts": sorted(set(self.egress))}


class Network:
    """The route handler: `context.route("**/*", Network(...))`."""

    def __init__(self, *, replica_url: str | None = None, audit: bool = True):
        self.audit = audit
        self.blocked = Blocked()
        self._replica = urlsplit(replica_url) if replica_url else None
        self._local = threading.local()
        self._connections: list[http.client.HTTPConnection] = []

    def install(self, context) -> None:
        context.route("**/*", self)

    def close(self) -> None:
        """Close the connections to the replica (one per thread that forwarded)."""
        for conn in self._connections:
            conn.close()
        self._connections.clear()

    def __call__(self, route) -> None:
        request = route.request
        url = request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")):
            route.continue_()
            return
        if not is_meta_host(host):
            self.blocked.egress.append(host)
            route.abort("blockedbyclient")
            return
        if self.audit and is_write(request.method, url, request.post_data_buffer):
            self.blocked.writes.append(friendly_name(request.post_data_buffer) or urlsplit(url).path)
            route.abort("blockedbyclient")
            return
        if self._replica is None:
            route.continue_()
            return
        self._forward(route)

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self._replica.hostname, self._replica.port or 80, timeout=60)
            self._local.conn = conn
            self._connections.append(conn)
        return conn

    def _forward(self, route) -> None:
        """Answer from the replica, keeping the real host name in the Host header."""
        request = route.request
        method, url, body = request.method, request.url, request.post_data_buffer
        headers = {k: v for k, v in request.all_headers().items() if not k.startswith(":") and k.lower() not in _DROP_HEADERS}
        cookies: list[str] = []
        for _hop in range(MAX_REDIRECTS):
            answer = self._fetch(method, url, headers, body)
            if answer is None:
                route.abort("connectionrefused")
                return
            status, response_headers, payload = answer
            cookies += [v for k, v in response_headers if k.lower() == "set-cookie"]
            location = next((v for k, v in response_headers if k.lower() == "location"), None)
            if not (300 <= status < 400 and location):
                break
            location = urljoin(url, location)
            if request.resource_type == "document" or not is_meta_host(urlsplit(location).hostname or ""):
                status, payload = 200, _moving_page(location)
                response_headers = [("Content-Type", "text/html; charset=utf-8")]
                break
            method, url, body = "GET", location, None  # a sub-resource: follow it here
        out = {k: v for k, v in response_headers if k.lower() not in _DROP_HEADERS and k.lower() != "set-cookie"}
        if cookies:
            out["set-cookie"] = "\n".join(cookies)  # Playwright takes several cookies joined by newlines
        route.fulfill(status=status, headers=out, body=payload)

    def _fetch(self, method: str, url: str, headers: dict, body: bytes | None):
        """(status, headers, body) from the replica, or None when it cannot be reached."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {**headers, "Host": parts.netloc}
        for attempt in (1, 2):  # a kept-alive connection the server closed is retried once
            conn = self._connection()
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.getheaders(), response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
        return None


MAX_REDIRECTS = 10


def _moving_page(location: str) -> bytes:
    """A page that goes on to `location` at once: the replayed form of an HTTP redirect."""
    target = json.dumps(location).replace("<", "\\u003c")
    return f"<!DOCTYPE html><title>Redirecting</title><script>location.replace({target})</script>".encode()
