"""Plain request and response values for the replica, independent of the HTTP server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlsplit


@dataclass
class Request:
    method: str
    host: str
    target: str  # path and query as sent
    headers: dict[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.target).query, keep_blank_values=True).items()}

    @property
    def form(self) -> dict[str, str]:
        if "application/x-www-form-urlencoded" not in self.headers.get("content-type", ""):
            return {}
        text = self.body.decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is treated as no cookies, as browsers do
            return {}
        return {k: m.value for k, m in jar.items()}

    @property
    def url(self) -> str:
        return f"https://{self.host}{self.target}"

    @property
    def friendly_name(self) -> str:
        return self.form.get("fb_api_req_friendly_name", "")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering (the slow fault)
    held: bool = False  # answered only once the knobs let go (the hold knob)

    def set_cookie(
        self, name: str, value: str, domain: str, *, http_only: bool = False, max_age: int | None = None
    ) -> "Response":
        parts = [f"{name}={value}", f"Domain={domain}", "Path=/", "Secure", "SameSite=None"]
        if http_only:
            parts.append("HttpOnly")
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        self.headers.append(("Set-Cookie", "; ".join(parts)))
        return self

    def clear_cookie(self, name: str, domain: str) -> "Response":
        return self.set_cookie(name, "deleted", domain, max_age=0)


def html(body: str, status: int = 200) -> Response:
    return Response(status=status, body=body.encode())


def json_response(data, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(data, ensure_ascii=False).encode(), content_type="application/json")


def redirect(location: str, status: int = 302) -> Response:
    return Response(status=status, headers=[("Location", location)])


def login_redirect(login_url: str, next_url: str) -> Response:
    return redirect(f"{login_url}?next={quote(next_url, safe='')}")
