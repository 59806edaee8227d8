"""What the browser may reach: Meta's hosts (optionally a replica's), and in audit mode no writes.

One route handler on the browser context decides for every request:
- a host outside Meta's domains and CDNs is blocked (audit mode keeps egress to Meta only);
- in audit mode a request that would write (a GraphQL ...Mutation, any other POST, a logout) is
  aborted and counted, so the report can say "writes sent: 0" and mean it.
WebSockets get the same rules, and in audit mode none is opened: reading settings needs no live
channel, and Meta's chat socket would show the person as "Active now".

A replica is reached under Meta's real host names through the browser's own resolver
(`replica_browser_args`): real sockets, real redirects and cookies, and settings that load after
the page as on Meta's pages. (Answering requests from a Python route handler instead would hold
up every other browser event while it waits, which makes slow pages look fast.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

# Meta's own domains and CDNs; a host matches if it is one of these or a subdomain.
META_DOMAINS = ("facebook.com", "instagram.com", "fbcdn.net", "cdninstagram.com", "meta.com", "facebook.net", "fb.com")
# Reads that are POSTs on Meta's pages: GraphQL queries and the logging/bootstrap endpoints.
READ_POST_PATHS = ("/api/graphql/", "/api/graphql", "/ajax/bz", "/ajax/bulk-route-definitions/", "/ajax/webstorage/process_keys/")
# GETs that change the account's state: logging out ends the person's session.
WRITE_GET_PATHS = ("/logout.php", "/logout/", "/accounts/logout/")
# Host patterns the browser resolves to a replica instead of Meta (Chromium --host-resolver-rules).
REPLICA_HOSTS = ("facebook.com", "*.facebook.com", "instagram.com", "*.instagram.com", "*.fbcdn.net",
                 "*.cdninstagram.com", "*.meta.com", "meta.com", "*.facebook.net", "fb.com", "*.fb.com")


def replica_browser_args(replica_url: str) -> list[str]:
    """Chromium flags that send Meta's host names to the replica at `replica_url` (https://HOST:PORT)."""
    parts = urlsplit(replica_url)
    if parts.scheme != "https" or not parts.port:
        raise ValueError(f"a replica URL is https://HOST:PORT, not {replica_url}")
    target = f"{parts.hostname}:{parts.port}"
    return ["--host-resolver-rules=" + ", ".join(f"MAP {host} {target}" for host in REPLICA_HOSTS)]


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
        return urlsplit(url).path in WRITE_GET_PATHS
    name = friendly_name(post_data)
    if name:
        return not name.endswith("Query")
    return urlsplit(url).path not in READ_POST_PATHS


@dataclass
class Blocked:
    """What the guard stopped, for the observations file and the report."""

    writes: list[str] = field(default_factory=list)  # friendly name or path of each write
    egress: list[str] = field(default_factory=list)  # hosts outside Meta
    sockets: list[str] = field(default_factory=list)  # Meta WebSockets not opened in audit mode

    def as_dict(self) -> dict:
        return {"writes_blocked": len(self.writes), "write_requests": self.writes[:50],
                "egress_blocked": len(self.egress), "egress_hosts": sorted(set(self.egress))}


class Network:
    """The route handler: `context.route("**/*", Network(...))`."""

    def __init__(self, *, audit: bool = True, meta_only: bool = True):
        self.audit = audit
        self.meta_only = meta_only  # False only while a person logs in by hand (a CAPTCHA may come from elsewhere)
        self.blocked = Blocked()

    def install(self, context) -> None:
        context.route("**/*", self)
        context.route_web_socket("**/*", self._socket)

    def _socket(self, ws) -> None:
        """A WebSocket the rules allow goes through; any other is never connected to its server."""
        host = urlsplit(ws.url).hostname or ""
        if not is_meta_host(host):
            if self.meta_only:
                self.blocked.egress.append(host)
                ws.close()
                return
        elif self.audit:
            self.blocked.sockets.append(host)
            ws.close()
            return
        ws.connect_to_server()

    def __call__(self, route) -> None:
        request = route.request
        url = request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")):
            route.continue_()
            return
        if not is_meta_host(host) and self.meta_only:
            self.blocked.egress.append(host)
            route.abort("blockedbyclient")
            return
        if self.audit and is_write(request.method, url, request.post_data_buffer):
            self.blocked.writes.append(friendly_name(request.post_data_buffer) or urlsplit(url).path)
            route.abort("blockedbyclient")
            return
        route.continue_()
