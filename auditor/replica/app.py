"""The replica's routes: which host and path show what, login and its challenges, reads and writes."""

from __future__ import annotations

import json
import secrets
import struct
import threading
import time
import zlib
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote

import pyotp

from auditor.replica import html as pages
from auditor.replica import layout, model
from auditor.replica.http import Request, Response, html, json_response, login_redirect, redirect
from auditor.replica.knobs import Knobs
from auditor.replica.login_pages import (
    cookie_dialog,
    login_form_fb,
    login_form_ig,
    onetap_ig,
    second_factor_fb,
    second_factor_ig,
)
from auditor.replica.registry import CDN_HOSTS, HOSTS, Account, Page, catalog
from auditor.replica.store import Store
from auditor.replica.strays import stray_writes

STATIC = Path(__file__).parent / "static"
FB_LOGIN = "https://www.facebook.com/login/"
IG_LOGIN = "https://www.instagram.com/accounts/login/"
PENDING_TTL = 600  # seconds a password-checked login may wait for its second factor
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
STUCK_SECONDS = 30  # the write_stuck fault: a save answered this late (a dialog that never closes)


# The `csp` knob's policy: style sheets from Meta's CDNs only, no <style> element or style attribute.
NO_INLINE_STYLE = "style-src https://*.fbcdn.net https://*.cdninstagram.com"


class App:
    """Answers one request at a time from any server thread; all state lives in Store or behind a lock."""

    def __init__(
        self,
        store: Store,
        knobs: Knobs,
        seed: int,
        *,
        session_ttl: float,
        visitor_region: str | None,
        cookie_generation: int,
    ):
        self.store, self.knobs, self.seed = store, knobs, seed
        self.session_ttl = session_ttl
        self.visitor_region = visitor_region
        self.cookie_generation = cookie_generation
        self.cx = pages.ClassNames(seed)
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[str, str, float]] = {}  # second-factor token -> (account, site, expiry)
        self._consented: dict[str, str] = {}  # browser id (datr / mid cookie) -> its cookie choice
        # One bundle, as Meta serves: the pattern space's controls and page parts, then the page itself.
        self._script = b"\n".join((STATIC / name).read_bytes() for name in ("patterns.js", "parts.js", "comet.js"))

    # ------------------------------------------------------------------ entry
    def handle(self, req: Request) -> Response:
        host = req.host.split(":")[0].lower() if not req.host.startswith("[") else req.host
        self.store.record_request(host, req.method, req.target, req.friendly_name)
        if host in LOOPBACK:
            return self._control(req)
        if host in CDN_HOSTS:
            return self._asset(req)
        site = HOSTS.get(host)
        if site is None:
            return html("unknown host", 404)
        handler = getattr(self, f"_site_{site}")
        return handler(req, host)

    # ------------------------------------------------------------------ helpers
    def _locale(self, req: Request, account: Account | None = None) -> str:
        if account:
            return account.locale
        chosen = req.query.get("locale") or req.cookies.get("locale")
        if chosen in ("en_US", "en_GB", "de_DE"):
            return chosen
        lang = req.headers.get("accept-language", "").lower()
        if lang.startswith("de"):
            return "de_DE"
        if lang.startswith("en-gb"):
            return "en_GB"
        return "en_US"

    def _region(self, req: Request) -> str:
        if self.visitor_region:
            return self.visitor_region
        return {"de_DE": "EU", "en_GB": "UK"}.get(self._locale(req), "US")

    def _s(self, key: str, locale: str) -> str:
        return catalog().strings[key](locale)

    def _fb_account(self, req: Request) -> Account | None:
        token, uid = req.cookies.get("xs"), req.cookies.get("c_user")
        found = self.store.session(unquote(token)) if token else None
        if not found:
            return None
        account = self.store.accounts.get(found[0])
        return account if account and account.uid == uid else None

    def _ig_account(self, req: Request) -> Account | None:
        uid, _, token = unquote(req.cookies.get("sessionid", "")).partition(":")
        found = self.store.session(token) if token else None
        if not found:
            return None
        account = self.store.accounts.get(found[0])
        return account if account and account.uid == uid else None

    def _account_for(self, req: Request, host: str) -> Account | None:
        return self._ig_account(req) if host.endswith("instagram.com") else self._fb_account(req)

    def _login_url(self, host: str) -> str:
        return IG_LOGIN if host.endswith("instagram.com") else FB_LOGIN

    def _cdn(self, host: str) -> str:
        return "static.cdninstagram.com" if host.endswith("instagram.com") else "static.xx.fbcdn.net"

    def _simple(
        self, host: str, locale: str, heading: str, body: str, status: int = 200, account=None, extra: str = ""
    ) -> Response:
        doc = pages.simple_page(
            title=heading,
            heading=heading,
            paragraphs=[body] if body else [],
            locale=locale,
            cx=self.cx,
            cdn=self._cdn(host),
            account=account,
            site=HOSTS.get(host, "facebook"),
            extra=extra,
        )
        return html(doc, status)

    def _fault(self, page_id: str, req: Request, host: str, account: Account) -> Response | None:
        """The fault a knob puts on this page, if any."""
        locale = account.locale
        if self.knobs.find("error", page_id):
            return self._simple(host, locale, self._s("error_heading", locale), self._s("error_body", locale), 500)
        if self.knobs.find("ratelimit", page_id):
            if host.endswith("instagram.com"):
                return self._simple(host, locale, self._s("ig_wait", locale), "", 429)
            return self._simple(host, locale, self._s("blocked_heading", locale), self._s("blocked_body", locale))
        if self.knobs.find("expire", page_id):
            self.store.end_sessions(account.id)
            return login_redirect(self._login_url(host), req.url)
        return None

    # ------------------------------------------------------------------ control API (loopback only)
    def _control(self, req: Request) -> Response:
        if req.path == "/__replica/writes":
            return json_response([w.__dict__ for w in self.store.writes()])
        if req.path == "/__replica/knobs" and req.method == "GET":
            return json_response([k.__dict__ for k in self.knobs.all()])
        if req.path == "/__replica/knobs" and req.method == "POST":
            data = json.loads(req.body or b"{}")
            if data.get("clear"):
                self.knobs.clear()
            self.knobs.set(*data.get("set", []))
            if data.get("let_go"):
                self.knobs.let_go()
            return json_response([k.__dict__ for k in self.knobs.all()])
        if req.path == "/__replica/reset" and req.method == "POST":
            self.store.reset()
            return json_response({"ok": True})
        rows = "".join(
            f"<tr><td>{escape(a.id)}</td><td>{escape(a.email)}</td><td>{escape(a.ig_username)}</td>"
            f"<td>{a.locale}</td><td>{a.region}</td></tr>"
            for a in self.store.accounts.values()
        )
        body = (
            "<!DOCTYPE html><html lang=en><title>auditor replica</title><h1>auditor replica</h1>"
            "<p>Serves www.facebook.com, accountscenter.*, www.instagram.com and the Privacy Centre "
            "under their real host names; reach it through <code>auditor observe --replica URL</code>.</p>"
            f"<table><tr><th>account<th>email<th>instagram<th>locale<th>region</tr>{rows}</table>"
            '<p><a href="/__replica/writes">write log (JSON)</a></p>'
        )
        return html(body)

    def _asset(self, req: Request) -> Response:
        # Meta's CDN answers cross-origin requests (pages load its scripts with crossorigin=anonymous).
        cors = [("Access-Control-Allow-Origin", "*"), ("Cache-Control", "public, max-age=31536000")]
        if req.path.endswith(".js") and "/rsrc.php/" in req.path:
            return Response(body=self._script, content_type="text/javascript; charset=utf-8", headers=cors)
        if req.path.endswith(".css") and "/rsrc.php/" in req.path:
            return Response(body=self.cx.stylesheet().encode(), content_type="text/css; charset=utf-8", headers=cors)
        if req.path.endswith((".jpg", ".png")):
            return Response(body=_avatar_png(req.path), content_type="image/png", headers=cors)
        return html("not found", 404)

    # ------------------------------------------------------------------ www.facebook.com
    def _site_facebook(self, req: Request, host: str) -> Response:
        path = req.path
        if path in ("/login/", "/login", "/login/device-based/regular/login/", "/login.php"):
            return self._fb_login(req, host)
        if path == "/cookie/consent/":
            return self._consent(req, "datr")
        if path.startswith("/two_step_verification/"):
            return self._fb_second_factor(req, host)
        if path.startswith("/checkpoint"):
            locale = self._locale(req)
            return self._simple(host, locale, self._s("checkpoint_heading", locale), self._s("checkpoint_body", locale))
        if path == "/logout.php":
            account = self._fb_account(req)
            if account:
                self.store.end_sessions(account.id)
            return redirect(FB_LOGIN).clear_cookie("xs", ".facebook.com").clear_cookie("c_user", ".facebook.com")
        if path == "/api/graphql/":
            return self._graphql(req, host, self._fb_account(req), csrf_ok=self._dtsg_ok)
        if path.startswith("/privacy/") or path.startswith("/help/contact/"):
            return self._policy_page(req, host, self._fb_account(req))
        if path == "/settings" or (path == "/settings/" and req.query.get("tab") in LEGACY_TABS):
            return redirect(self._legacy_settings(req))
        if path.rstrip("/") == "/off_facebook_activity":
            return redirect("https://accountscenter.facebook.com/info_and_permissions/off_facebook_activity/")
        if path.startswith("/adpreferences"):
            return redirect(
                LEGACY_AD_URLS.get(req.query.get("section", ""), "https://accountscenter.facebook.com/ad_preferences")
            )
        account = self._fb_account(req)
        if account is None:
            if path in ("/", "/home.php"):
                return self._fb_login(req, host)
            return login_redirect(FB_LOGIN, req.url)
        if path in ("/", "/home.php"):
            return self._simple(host, account.locale, self._s("home_heading", account.locale), "", account=account)
        return self._settings_page(req, host, "facebook", account)

    def _legacy_settings(self, req: Request) -> str:
        """Meta still redirects the old ?tab=privacy&section=... URLs to the new tabs."""
        tab = req.query.get("tab", "")
        section = req.query.get("section", "")
        new_tab = LEGACY_SECTIONS.get(section) or LEGACY_TABS.get(tab) or "posts"
        return f"https://www.facebook.com/settings/?tab={new_tab}"

    def _browser_id(self, req: Request, name: str) -> str:
        return req.cookies.get(name) or secrets.token_urlsafe(18)

    def _consent(self, req: Request, cookie: str) -> Response:
        """The cookie dialog's answer: a POST, as on Meta's sites, kept per browser (not a settings write)."""
        if req.method != "POST":
            return json_response({"message": "Method Not Allowed", "status": "fail"}, 405)
        with self._lock:
            self._consented[self._browser_id(req, cookie)] = req.form.get("choice", "")
        return json_response({"ok": True})

    def cookie_choices(self) -> dict[str, str]:
        """What each browser answered the cookie dialog: accept_button or accept_only_essential_button."""
        with self._lock:
            return dict(self._consented)

    def forget_cookie_choices(self) -> None:
        with self._lock:
            self._consented.clear()

    def _answered(self, req: Request, cookie: str) -> bool:
        with self._lock:
            return req.cookies.get(cookie) in self._consented

    def _needs_consent(self, req: Request, cookie: str) -> bool:
        return self._region(req) in ("EU", "UK") and not self._answered(req, cookie)

    def _fb_login(self, req: Request, host: str, error: str = "") -> Response:
        locale = self._locale(req)
        if req.method == "POST" and not error:
            return self._fb_login_submit(req, host, locale)
        datr = self._browser_id(req, "datr")
        consent = self._needs_consent(req, "datr")
        body = login_form_fb(self, locale, req.query.get("next", ""), error, consent)
        doc = pages.document(
            title="Log into Facebook",
            locale=locale,
            body=body,
            cx=self.cx,
            cdn=self._cdn(host),
            bootstrap={"view": "fb_login"},
        )
        return html(doc).set_cookie("datr", datr, ".facebook.com", http_only=True, max_age=63072000)

    def _fb_login_submit(self, req: Request, host: str, locale: str) -> Response:
        form = req.form
        identifier = form.get("email", "").strip()
        next_url = form.get("next") or req.query.get("next") or "https://www.facebook.com/"
        if self._needs_consent(req, "datr"):
            self.store.record_login("facebook", identifier, "needs_cookie_choice")
            return self._fb_login(_as_get(req), host)
        account = next((a for a in self.store.accounts.values() if identifier in (a.email, a.phone)), None)
        if account is None:
            self.store.record_login("facebook", identifier, "unknown_user")
            return self._fb_login(_as_get(req), host, self._s("unknown_user", locale))
        if form.get("pass") != account.password:
            self.store.record_login("facebook", identifier, "wrong_password")
            return self._fb_login(_as_get(req), host, self._s("wrong_password", account.locale))
        if account.checkpoint:
            self.store.record_login("facebook", identifier, "checkpoint")
            return redirect(f"https://www.facebook.com/checkpoint/?next={quote(next_url, safe='')}")
        if account.totp_secret:
            self.store.record_login("facebook", identifier, "second_factor")
            token = self._pending_token(account, "facebook")
            query = f"encrypted_context={token}&next={quote(next_url, safe='')}"
            return redirect(f"https://www.facebook.com/two_step_verification/two_factor/?{query}")
        self.store.record_login("facebook", identifier, "ok")
        return self._fb_session(account, next_url)

    def _pending_token(self, account: Account, site: str) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[token] = (account.id, site, time.time() + PENDING_TTL)
        return token

    def _take_pending(self, token: str, site: str) -> Account | None:
        with self._lock:
            found = self._pending.get(token)
        if not found or found[1] != site or found[2] < time.time():
            return None
        return self.store.accounts[found[0]]

    def _fb_session(self, account: Account, next_url: str) -> Response:
        token = self.store.new_session(account.id, "facebook", self.session_ttl)
        resp = redirect(next_url if next_url.startswith("https://") else "https://www.facebook.com/")
        resp.set_cookie("c_user", account.uid, ".facebook.com", max_age=int(self.session_ttl))
        resp.set_cookie("xs", quote(token), ".facebook.com", http_only=True, max_age=int(self.session_ttl))
        resp.set_cookie("fr", secrets.token_urlsafe(16), ".facebook.com", http_only=True)
        return resp

    def _fb_second_factor(self, req: Request, host: str) -> Response:
        token = req.query.get("encrypted_context", "")
        account = self._take_pending(token, "facebook")
        locale = self._locale(req, account)
        if account is None:
            return redirect(FB_LOGIN)
        error = ""
        if req.method == "POST":
            code = req.form.get("approvals_code", "").strip()
            if pyotp.TOTP(account.totp_secret).verify(code, valid_window=1):
                with self._lock:
                    self._pending.pop(token, None)
                self.store.record_login("facebook", account.email, "ok")
                return self._fb_session(account, req.query.get("next", ""))
            self.store.record_login("facebook", account.email, "wrong_code")
            error = self._s("wrong_code", locale)
        body = second_factor_fb(self, locale, error)
        return html(
            pages.document(
                title=self._s("tfa_heading", locale),
                locale=locale,
                body=body,
                cx=self.cx,
                cdn=self._cdn(host),
                bootstrap={"view": "fb_two_factor"},
            )
        )

    # ------------------------------------------------------------------ accountscenter.*
    def _site_accounts_center(self, req: Request, host: str) -> Response:
        account = self._account_for(req, host)
        if req.path == "/api/graphql/":
            return self._graphql(req, host, account, csrf_ok=self._dtsg_ok)
        if req.path == "/cookie/consent/":
            return self._consent(req, _browser_cookie(host))
        if account is None:
            return login_redirect(self._login_url(host), req.url)
        return self._settings_page(req, host, "accounts_center", account)

    # ------------------------------------------------------------------ www.instagram.com
    def _site_instagram(self, req: Request, host: str) -> Response:
        path = req.path
        if path == "/accounts/login/" or path == "/accounts/login":
            return self._ig_login_page(req, host)
        if path == "/api/v1/web/accounts/login/ajax/":
            return self._ig_login_submit(req)
        if path == "/api/v1/web/accounts/login/ajax/two_factor/":
            return self._ig_second_factor_submit(req)
        if path.startswith("/accounts/login/two_factor"):
            return self._ig_second_factor_page(req, host)
        if path == "/api/v1/web/consent/":
            return self._consent(req, "mid")
        if path.startswith("/challenge"):
            locale = self._locale(req)
            return self._simple(
                host, locale, self._s("ig_challenge_heading", locale), self._s("checkpoint_body", locale)
            )
        account = self._ig_account(req)
        if path == "/api/graphql":
            return self._graphql(req, host, account, csrf_ok=self._ig_csrf_ok)
        if path in ("/api/v1/web/accounts/set_private/", "/api/v1/web/accounts/set_public/"):
            return self._ig_set_private(req, host, account, path.endswith("set_private/"))
        if account is None:
            return login_redirect(IG_LOGIN, req.url)
        if path.startswith("/accounts/onetap"):
            return html(
                pages.document(
                    title="Instagram",
                    locale=account.locale,
                    body=onetap_ig(self, account.locale, req.query.get("next", "/")),
                    cx=self.cx,
                    cdn=self._cdn(host),
                    bootstrap={"view": "ig_onetap", "script": stray_writes(self, "instagram", account, "")},
                )
            )
        if path == "/":
            return self._simple(host, account.locale, "Instagram", "", account=account)
        return self._settings_page(req, host, "instagram", account)

    def _ig_login_page(self, req: Request, host: str) -> Response:
        locale = self._locale(req)
        mid = self._browser_id(req, "mid")
        csrf = req.cookies.get("csrftoken") or secrets.token_urlsafe(24)
        consent = self._needs_consent(req, "mid")
        body = login_form_ig(self, locale, consent)
        doc = pages.document(
            title="Login • Instagram",
            locale=locale,
            body=body,
            cx=self.cx,
            cdn=self._cdn(host),
            bootstrap={
                "view": "ig_login",
                "next": req.query.get("next", "/"),
                "strings": {"ig_wrong_password": self._s("ig_wrong_password", locale)},
            },
        )
        resp = html(doc).set_cookie("mid", mid, ".instagram.com", max_age=63072000)
        return resp.set_cookie("csrftoken", csrf, ".instagram.com", max_age=31449600)

    def _ig_csrf_ok(self, req: Request) -> bool:
        token = req.cookies.get("csrftoken")
        return bool(token) and req.headers.get("x-csrftoken") == token

    def _ig_login_submit(self, req: Request) -> Response:
        if not self._ig_csrf_ok(req):
            return json_response({"message": "CSRF token missing or incorrect", "status": "fail"}, 403)
        form = req.form
        identifier = form.get("username", "").strip()
        password = form.get("enc_password", "").split(":", 3)[-1]
        if self._needs_consent(req, "mid"):
            self.store.record_login("instagram", identifier, "needs_cookie_choice")
            return json_response({"message": "cookie_consent_required", "status": "fail"}, 400)
        account = next(
            (a for a in self.store.accounts.values() if identifier in (a.ig_username, a.email, a.phone)), None
        )
        if account is None or password != account.password:
            self.store.record_login("instagram", identifier, "wrong_password")
            return json_response({"user": account is not None, "authenticated": False, "status": "ok"})
        if account.checkpoint:
            self.store.record_login("instagram", identifier, "checkpoint")
            return json_response(
                {"message": "checkpoint_required", "checkpoint_url": "/challenge/action/", "status": "fail"}, 400
            )
        if account.totp_secret:
            self.store.record_login("instagram", identifier, "second_factor")
            token = self._pending_token(account, "instagram")
            return json_response(
                {
                    "two_factor_required": True,
                    "two_factor_info": {"two_factor_identifier": token, "totp_two_factor_on": True},
                    "status": "fail",
                },
                400,
            )
        self.store.record_login("instagram", identifier, "ok")
        return self._ig_session(account)

    def _ig_session(self, account: Account) -> Response:
        token = self.store.new_session(account.id, "instagram", self.session_ttl)
        resp = json_response({"authenticated": True, "user": True, "userId": account.uid, "status": "ok"})
        resp.set_cookie(
            "sessionid",
            quote(f"{account.uid}:{token}"),
            ".instagram.com",
            http_only=True,
            max_age=int(self.session_ttl),
        )
        resp.set_cookie("ds_user_id", account.uid, ".instagram.com", max_age=int(self.session_ttl))
        return resp

    def _ig_second_factor_page(self, req: Request, host: str) -> Response:
        locale = self._locale(req)
        body = second_factor_ig(self, locale)
        return html(
            pages.document(
                title="Instagram",
                locale=locale,
                body=body,
                cx=self.cx,
                cdn=self._cdn(host),
                bootstrap={"view": "ig_two_factor", "next": req.query.get("next", "/")},
            )
        )

    def _ig_second_factor_submit(self, req: Request) -> Response:
        if not self._ig_csrf_ok(req):
            return json_response({"message": "CSRF token missing or incorrect", "status": "fail"}, 403)
        form = req.form
        token = form.get("identifier", "")
        account = self._take_pending(token, "instagram")
        if account is None:
            return json_response({"message": "Please go back and try again.", "status": "fail"}, 400)
        if pyotp.TOTP(account.totp_secret).verify(form.get("verificationCode", "").strip(), valid_window=1):
            with self._lock:
                self._pending.pop(token, None)
            self.store.record_login("instagram", account.ig_username, "ok")
            return self._ig_session(account)
        self.store.record_login("instagram", account.ig_username, "wrong_code")
        return json_response({"message": self._s("wrong_code", account.locale), "status": "fail"}, 400)

    def _ig_set_private(self, req: Request, host: str, account: Account | None, private: bool) -> Response:
        value = "on" if private else "off"
        if req.method != "POST":
            return self._refused(req, host, account, req.path, "ig.private_account", value)
        if account is None or not self._ig_csrf_ok(req):
            return json_response({"message": "login_required", "status": "fail"}, 403)
        self.store.set(account.id, "ig.private_account", value)
        self.store.record_write(account.id, host, req.path, "ig.private_account", value)
        return json_response({"status": "ok"})

    # ------------------------------------------------------------------ privacy centre and forms
    def _site_privacy_center(self, req: Request, host: str) -> Response:
        return self._policy_page(req, host, self._ig_account(req))

    def _site_help(self, req: Request, host: str) -> Response:
        return self._policy_page(req, host, self._ig_account(req))

    def _policy_page(self, req: Request, host: str, account: Account | None) -> Response:
        from auditor.replica import policy

        return policy.render(self, req, host, account)

    # ------------------------------------------------------------------ settings pages and GraphQL
    def find_page(self, site: str, path: str, query: dict[str, str]) -> Page | None:
        for page in catalog().pages:
            if page.site != site:
                continue
            paths = [page.path, *page.aliases]
            if _same_path(path, paths) and all(query.get(k) == v for k, v in page.query.items()):
                return page
        return None

    def _settings_page(self, req: Request, host: str, site: str, account: Account) -> Response:
        page = self.find_page(site, req.path, req.query)
        locale = account.locale
        if page is None or not model.page_visible(page, account, self.knobs):
            return self._simple(
                host,
                locale,
                self._s("unavailable_heading", locale),
                self._s("unavailable_body", locale),
                404,
                account=account,
            )
        fault = self._fault(page.id, req, host, account)
        if fault is not None:
            return fault
        if self._checkpoint_due(account):
            ig = host.endswith("instagram.com")
            return redirect("https://www.instagram.com/challenge/" if ig else "https://www.facebook.com/checkpoint/")
        route = model.page_href(page)
        screen = req.query.get("screen")
        if screen is not None and not self._screen_shown(page, account, screen):
            return self._simple(
                host,
                locale,
                self._s("unavailable_heading", locale),
                self._s("unavailable_body", locale),
                404,
                account=account,
            )
        bootstrap = {
            "view": "settings",
            "site": site,
            "query": page.query_name,
            "variables": {"route": route},
            "user": account.uid,
            "dtsg": self._dtsg(account),
            "locale": locale,
            "strings": {k: v(locale) for k, v in catalog().strings.items() if k in FRONT_END_STRINGS},
            "stray": bool(self.knobs.find("stray", page.id)),
            "script": stray_writes(self, site, account, self._dtsg(account)),
        }
        if screen is not None:  # a setting's options on a page of their own (the pattern space's subpage)
            bootstrap["screen"] = screen
            bootstrap["query"] = page.query_name.removesuffix("Query") + "SettingScreenQuery"
            bootstrap["variables"] = {"route": route, "screen": screen}
        overlay = ""
        if self.knobs.find("cookie", page.id) and not self._answered(req, _browser_cookie(host)):
            heading = "ig_cookie_heading" if site == "instagram" else "fb_cookie_heading"
            overlay = cookie_dialog(self, locale, heading, site)
            bootstrap["consent"] = "/api/v1/web/consent/" if site == "instagram" else "/cookie/consent/"
        doc = pages.settings_shell(page, account, locale, host, self.cx, self._cdn(host), bootstrap, overlay)
        response = html(doc)
        if self.knobs.find("csp", page.id):
            response.headers.append(("Content-Security-Policy", NO_INLINE_STYLE))
        return response

    def _dtsg(self, account: Account) -> str:
        return f"NA{pages.asset_hash(self.seed, 'dtsg:' + account.uid)}:{account.uid}"

    def _dtsg_ok(self, req: Request) -> bool:
        account = self._fb_account(req) or self._ig_account(req)
        return account is not None and req.form.get("fb_dtsg") == self._dtsg(account)

    def _graphql(self, req: Request, host: str, account: Account | None, csrf_ok) -> Response:
        name = req.friendly_name
        if req.method != "POST":
            asked = name or req.query.get("fb_api_req_friendly_name") or req.headers.get("x-fb-friendly-name", "")
            if asked.endswith("Query"):
                return json_response({"errors": [{"message": "A GraphQL request must POST"}]}, 405)
            return self._refused(req, host, account, asked or req.path)
        if not name:
            return json_response({"errors": [{"message": "A GraphQL request must POST fb_api_req_friendly_name"}]}, 400)
        if account is None:
            return json_response({"errors": [{"message": "login_required", "code": 1357001}]}, 401)
        if not csrf_ok(req):
            return json_response({"errors": [{"message": "Invalid CSRF token", "code": 1357004}]}, 403)
        try:
            variables = json.loads(req.form.get("variables", "{}"))
        except json.JSONDecodeError:
            return json_response({"errors": [{"message": "variables is not JSON"}]}, 400)
        if name.endswith("Query"):
            return self._read(req, host, account, variables)
        if name.endswith("Mutation"):
            return self._write(host, account, name, variables)
        return json_response({"errors": [{"message": f"unknown operation {name}"}]}, 400)

    def _refused(
        self, req: Request, host: str, account: Account | None, name: str, setting: str = "", value: str = ""
    ) -> Response:
        """A write sent by GET, HEAD or another method but POST: Meta answers 405 and changes nothing.

        The write log keeps the attempt (refused), so an empty log still means nothing even tried;
        a CORS preflight (OPTIONS) only asks, so it is not an attempt.
        """
        if req.method != "OPTIONS":
            self.store.record_write(account.id if account else "", host, name, setting, value, accepted=False)
        answer = json_response({"message": "Method Not Allowed", "status": "fail"}, 405)
        answer.headers.append(("Allow", "POST"))
        return answer

    def _read(self, req: Request, host: str, account: Account, variables: dict) -> Response:
        route = variables.get("route", "")
        path, _, query = route.partition("?")
        site = HOSTS[host]
        page = self.find_page(site, path, dict(p.split("=", 1) for p in query.split("&") if "=" in p))
        if page is None or not model.page_visible(page, account, self.knobs):
            return json_response({"errors": [{"message": "not found"}]}, 404)
        data = model.build_page(page, account, account.locale, self.store, self.knobs, self.seed)
        answer, late = layout.answer(data, variables, model.page_href(page))  # the page, a part of it, a subpage
        if answer is None:
            return json_response({"errors": [{"message": "not found"}]}, 404)
        slow = self.knobs.find("slow", page.id)
        resp = json_response({"data": answer, "extensions": {"is_final": True}})
        resp.delay = int(slow.arg or 3000) / 1000 if slow and "settings_page" in answer else late
        resp.held = "settings_page" in answer and self.knobs.find("hold", page.id) is not None
        return resp

    def _screen_shown(self, page: Page, account: Account, key: str) -> bool:
        data = model.build_page(page, account, account.locale, self.store, self.knobs, self.seed)
        return layout.screen_control(data, key) is not None

    def _checkpoint_due(self, account: Account) -> bool:
        """The checkpoint fault: after N accepted writes of the account, Meta wants to confirm it's them."""
        knob = next(iter(self.knobs.of_kind("checkpoint")), None)
        return knob is not None and sum(w.accepted for w in self.store.writes() if w.account == account.id) >= int(
            knob.target
        )

    def _write(self, host: str, account: Account, name: str, variables: dict) -> Response:
        if "survey" in variables:  # a survey's answer (announce:PAGE:survey): kept, changes no setting
            self.store.record_write(account.id, host, name, "survey", str(variables.get("answer", "")))
            return json_response({"data": {"survey_response": {"ok": True}}})
        try:
            setting, value = model.resolve_mutation(
                variables.get("key", ""), variables.get("option"), account, self.knobs, self.seed
            )
        except KeyError:
            return json_response({"errors": [{"message": "unknown setting or option"}]}, 400)
        if self.knobs.find("write_error", setting):  # the fault: the save fails, nothing changes, as logged
            self.store.record_write(account.id, host, name, setting, value or "", accepted=False)
            return json_response({"errors": [{"message": "Sorry, something went wrong."}]}, 500)
        if "enabled" in variables:
            value = "on" if variables["enabled"] else "off"
        elif "remove_item" in variables:
            self.store.remove_item(account.id, setting, str(variables["remove_item"]))
            value = f"removed: {variables['remove_item']}"
        elif value is None:
            value = "done"  # a one-way action such as "Limit past posts"
        lost = self.knobs.find("write_lost", setting)  # the fault: answered as saved, nothing kept
        if not value.startswith("removed: ") and value != "done" and not lost:
            self.store.set(account.id, setting, value)
        self.store.record_write(account.id, host, name, setting, value)
        answer = json_response({"data": {"setting_update": {"ok": True}}})
        answer.delay = STUCK_SECONDS if self.knobs.find("write_stuck", setting) else 0.0
        answer.held = self.knobs.find("hold", setting) is not None
        return answer


# Old `?tab=privacy&section=...` and `?tab=timeline` URLs and the tabs they moved to (catalog 3.x legacy_url).
LEGACY_SECTIONS = {
    "composer": "posts",
    "canfriend": "how_people_find_and_contact_you",
    "friendlist": "how_people_find_and_contact_you",
    "findemail": "how_people_find_and_contact_you",
    "findphone": "how_people_find_and_contact_you",
    "search": "how_people_find_and_contact_you",
    "posting": "profile_and_tagging",
    "others": "profile_and_tagging",
    "tagging": "profile_and_tagging",
    "expansion": "profile_and_tagging",
    "tagreview": "profile_and_tagging",
    "timeline_review": "profile_and_tagging",
    "story_reshare": "profile_and_tagging",
    "comment": "followers_and_public_content",
    "public_profile_media": "followers_and_public_content",
    "story_to_story": "stories",
}
LEGACY_TABS = {"privacy": "posts", "timeline": "profile_and_tagging", "followers": "followers_and_public_content"}
LEGACY_AD_URLS = {
    "data_from_partners": "https://accountscenter.facebook.com/ad_preferences/ad_settings/data_from_partners",
    "audience_based_advertising": "https://accountscenter.facebook.com/ad_preferences/ad_settings/audience_based_advertising",
}
FRONT_END_STRINGS = {
    "edit_privacy",
    "sharing_with",
    "select_audience",
    "close",
    "cancel",
    "confirm",
    "review_setting",
    "back",
    "select_your_account",
    "remove",
    "nothing_here",
    "on",
    "off",
}


def _browser_cookie(host: str) -> str:
    """The cookie that names a browser to Meta: datr on Facebook's hosts, mid on Instagram's."""
    return "mid" if host.endswith("instagram.com") else "datr"


def _same_path(path: str, candidates: list[str]) -> bool:
    return path.rstrip("/") in {c.rstrip("/") for c in candidates}


def _as_get(req: Request) -> Request:
    return Request("GET", req.host, req.target, req.headers, b"")


def _avatar_png(seed_text: str) -> bytes:
    """A 1x1 PNG in a colour derived from the path: a stand-in profile picture."""
    digest = zlib.crc32(seed_text.encode())
    pixel = bytes([0, (digest >> 16) & 255, (digest >> 8) & 255, digest & 255])

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixel))
        + chunk(b"IEND", b"")
    )
