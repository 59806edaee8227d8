"""Facts about Meta's pages that no single flow owns: where logins happen, which cookies make a
session, and the paths of login forms and of the checks Meta puts in front of a person.

Observe uses them to tell a settings page from a login wall or a check, and to know which pages
an audit of a platform reads (Accounts Center serves both sites); login uses them to tell when a
person is through.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from auditor.errors import InputError
from auditor.spec import Loaded

LOGIN_URLS = {"facebook": "https://www.facebook.com/login/", "instagram": "https://www.instagram.com/accounts/login/"}
# The cookies that exist only once a login went through (Meta sets them after the second factor).
SESSION_COOKIES = {"facebook": ("c_user", "xs"), "instagram": ("sessionid",)}
# Checks: two-factor, "confirm it's you", security checks (catalog 9.x), on both sites. Not the
# settings pages named like them (Accounts Center's /password_and_security/two_factor).
CHECK_PAGE = re.compile(
    r"/(?:checkpoint|challenge|two_step_verification|auth_platform|login_approvals)(?:[/.?_]|$)"
    r"|/accounts/login/two_factor"
)
# Login forms: /login/, /login.php, /login/device-based/..., Instagram's /accounts/login/ (not /login_activity).
LOGIN_PAGE = re.compile(r"/(?:accounts/)?login(?:[/.?]|$)")


def is_check_page(url: str) -> bool:
    return bool(CHECK_PAGE.search(urlsplit(url).path + "?"))


def is_login_page(url: str) -> bool:
    return bool(LOGIN_PAGE.search(urlsplit(url).path + "?"))


def platform_of(url: str) -> str:
    """Which site a page belongs to, for messages: Instagram's hosts, else Facebook."""
    return "instagram" if (urlsplit(url).hostname or "").endswith("instagram.com") else "facebook"


def platforms_of(flow: Loaded) -> set[str]:
    """Which audited platform a flow belongs to: Accounts Center serves both."""
    platform = flow.spec.platform
    if platform == "accounts_center":
        return {"facebook", "instagram"}
    if platform == "meta":
        return {"instagram"} if "instagram.com" in urlsplit(flow.spec.url).hostname else {"facebook"}
    return {platform}


def select_flows(flows: list[Loaded], platforms: list[str], only: tuple[str, ...] = ()) -> list[Loaded]:
    """The flows a run of `platforms` reads: all of theirs, or those of them named in `only` (--flow)."""
    return [f for f in flows if platforms_of(f) & set(platforms) and (not only or f.id in only)]


def check_flow_ids(flows: list[Loaded], platforms: list[str], ids: list[str]) -> tuple[str, ...]:
    """The pages a person named with --flow, each one a flow of the audited platforms; otherwise bad input."""
    known = [f.id for f in select_flows(flows, platforms)]
    for flow_id in ids:
        if flow_id not in known:
            raise InputError(
                f"--flow {flow_id}: no such page among the flows of {' and '.join(platforms)} ({', '.join(known)})"
            )
    return tuple(ids)


def flow_url(flow: Loaded, platforms: list[str]) -> str:
    """Accounts Center is one app under two hosts; use the one the session is logged into."""
    url = flow.spec.url
    parts = urlsplit(url)
    if parts.hostname == "accountscenter.facebook.com" and "facebook" not in platforms:
        return urlunsplit(parts._replace(netloc="accountscenter.instagram.com"))
    return url
