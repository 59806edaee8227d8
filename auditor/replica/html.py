"""Server-rendered HTML of the replica: page shells, login and challenge pages, Meta's error pages.

Settings content is not here: the shell carries a loading indicator, and static/comet.js fills
`role=main` after its GraphQL-style query returns, as Meta's React pages do.
"""

from __future__ import annotations

import hashlib
import json
from html import escape

from auditor.replica.registry import Account, Page, Text, catalog, personal

# Styles keyed by role; the class names themselves are generated from the seed (ClassNames).
STYLES = {
    "root": "font-family:Helvetica,Arial,sans-serif;margin:0;background:#f0f2f5;color:#1c1e21",
    "banner": "display:flex;align-items:center;justify-content:space-between;height:56px;padding:0 16px;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.2)",
    "logo": "font-weight:bold;font-size:24px;color:#1877f2;text-decoration:none",
    "avatar": "width:40px;height:40px;border-radius:50%;display:block",
    "layout": "display:flex;gap:16px;padding:16px",
    "nav": "width:300px;background:#fff;border-radius:8px;padding:12px;flex:none",
    "navlink": "display:block;padding:8px;border-radius:6px;color:#050505;text-decoration:none",
    "navcurrent": "background:#e7f3ff;font-weight:600",
    "main": "flex:1;max-width:760px;background:#fff;border-radius:8px;padding:16px 24px;min-height:200px",
    "h1": "font-size:24px;margin:4px 0 12px",
    "h2": "font-size:17px;margin:20px 0 8px",
    "row": "display:flex;align-items:center;justify-content:space-between;gap:16px;padding:12px 0;border-top:1px solid #e4e6eb",
    "label": "font-size:15px;font-weight:600;display:block",
    "desc": "font-size:13px;color:#65676b;display:block;margin-top:2px",
    "button": "background:#e4e6eb;border-radius:6px;padding:8px 12px;font-weight:600;cursor:pointer;white-space:nowrap",
    "primary": "background:#1877f2;color:#fff;border-radius:6px;padding:8px 12px;font-weight:600;cursor:pointer;text-align:center",
    "switch": "width:40px;height:22px;cursor:pointer;accent-color:#1877f2",
    "divswitch": "display:inline-block;flex:none;width:40px;height:22px;border-radius:11px;background:#ccd0d5;cursor:pointer",
    "dialog": "position:fixed;left:50%;top:15%;transform:translateX(-50%);width:480px;max-width:92vw;background:#fff;border-radius:8px;box-shadow:0 12px 28px rgba(0,0,0,.3);padding:16px;z-index:10",
    "overlay": "position:fixed;inset:0;background:rgba(255,255,255,.6);z-index:9",
    "radio": "display:flex;gap:10px;align-items:center;padding:10px;border-radius:6px;cursor:pointer",
    "progress": "height:4px;width:120px;background:#e4e6eb;margin:40px auto",
    "input": "display:block;width:100%;box-sizing:border-box;padding:14px;margin:6px 0;border:1px solid #dddfe2;border-radius:6px;font-size:17px",
    "card": "max-width:400px;margin:40px auto;background:#fff;border-radius:8px;padding:20px;box-shadow:0 2px 4px rgba(0,0,0,.1)",
    "error": "color:#be4b49;font-size:13px;margin:8px 0",
    "list": "list-style:none;padding:0;margin:0",
    "item": "display:flex;justify-content:space-between;padding:8px 0;border-top:1px solid #e4e6eb",
    # The pattern space's controls and page parts (static/patterns.js, static/parts.js)
    "wrap": "display:flex;align-items:center;justify-content:space-between;gap:16px;flex:1;cursor:pointer",
    "fieldset": "border:0;border-top:1px solid #e4e6eb;margin:0;padding:12px 0",
    "popup": "background:#fff;border-radius:8px;box-shadow:0 4px 12px rgba(0,0,0,.2);padding:4px;min-width:200px",
    "skeleton": "height:44px;margin:8px 0;border-radius:6px;background:#e4e6eb",
    "sentinel": "min-height:1px",
    "longintro": "min-height:1800px",
}


class ClassNames:
    """Generated-looking atomic class names (`x1lliihq x6ikm8r ...`) that change with the seed."""

    def __init__(self, seed: int):
        self.seed = seed

    def _atom(self, role: str, n: int) -> str:
        digest = hashlib.sha256(f"{self.seed}:{role}:{n}".encode()).hexdigest()
        return "x" + "".join(c for c in digest if c.isalnum())[:7].lower()

    def __getitem__(self, role: str) -> str:
        return " ".join(self._atom(role, n) for n in range(3))

    def mapping(self) -> dict[str, str]:
        return {role: self[role] for role in STYLES}

    def stylesheet(self) -> str:
        return "\n".join(f".{self._atom(role, 0)}{{{rule}}}" for role, rule in STYLES.items())


def asset_hash(seed: int, name: str) -> str:
    return hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:10]


def _lang(locale: str) -> str:
    return {"en_US": "en", "en_GB": "en-GB", "de_DE": "de"}[locale]


def document(*, title: str, locale: str, body: str, cx: ClassNames, cdn: str, bootstrap: dict | None = None) -> str:
    """A whole HTML document: the generated stylesheet and the front-end bundle from the CDN host."""
    seed = cx.seed
    boot = ""
    if bootstrap is not None:
        data = {**bootstrap, "cx": cx.mapping()}
        boot = f'<script type="application/json" id="__bootstrap">{_json_for_html(data)}</script>'
    return (
        f'<!DOCTYPE html><html lang="{_lang(locale)}" dir="ltr"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f'<link rel="stylesheet" href="https://{cdn}/rsrc.php/v4/y{seed % 10}/l/{asset_hash(seed, "css")}.css">'
        f'</head><body class="{cx["root"]}">{body}{boot}'
        f'<script src="https://{cdn}/rsrc.php/v4/y{seed % 10}/r/{asset_hash(seed, "js")}.js" crossorigin="anonymous"></script>'
        f"</body></html>"
    )


def _json_for_html(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def banner(account: Account, site: str, locale: str, cx: ClassNames) -> str:
    s = catalog().strings
    brand = "Instagram" if site == "instagram" else "Facebook"
    home = "https://www.instagram.com/" if site == "instagram" else "https://www.facebook.com/"
    avatar = f"https://scontent.xx.fbcdn.net/v/t39.30808-1/{account.uid}_n.jpg"
    return (
        f'<div role="banner" class="{cx["banner"]}"><a href="{home}" aria-label="{brand}" class="{cx["logo"]}">{brand.lower()}</a>'
        f'<div role="navigation" aria-label="{escape(s["your_profile"](locale))}">'
        f'<div role="button" tabindex="0" aria-label="{escape(s["your_profile"](locale))}">'
        f'<img class="{cx["avatar"]}" src="{avatar}" alt="{escape(account.name)}" width="40" height="40"></div></div></div>'
    )


def page_url(page: Page, host: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in page.query.items())
    return f"https://{host}{page.path}" + (f"?{query}" if query else "")


def settings_shell(
    page: Page, account: Account, locale: str, host: str, cx: ClassNames, cdn: str, bootstrap: dict, overlay: str = ""
) -> str:
    """A settings page before its data arrives: banner, left navigation, a busy main region, and any dialog over it."""
    cat = catalog()
    nav_html = ""
    if page.nav:
        nav = cat.navs[page.nav]
        links, group = [], None
        for link in nav.links:
            target = cat.page(link.page)
            if link.group and link.group != group:
                group = link.group
                links.append(f'<h3 class="{cx["desc"]}">{escape(group(locale))}</h3>')
            current = ' aria-current="page"' if target.id == page.id else ""
            extra = f" {cx['navcurrent']}" if current else ""
            links.append(
                f'<a href="{page_url(target, host)}" class="{cx["navlink"]}{extra}"{current}>{escape(link.text(locale))}</a>'
            )
        nav_html = (
            f'<div role="navigation" aria-label="{escape(nav.heading(locale))}" class="{cx["nav"]}">'
            f'<h2 class="{cx["h2"]}">{escape(nav.heading(locale))}</h2>{"".join(links)}</div>'
        )
    loading = escape(cat.strings["loading"](locale))
    main = (
        f'<div role="main" aria-busy="true" class="{cx["main"]}">'
        f'<div role="progressbar" aria-label="{loading}" aria-valuemin="0" aria-valuemax="100" class="{cx["progress"]}"></div></div>'
    )
    body = f'{banner(account, page.site, locale, cx)}<div class="{cx["layout"]}">{nav_html}{main}</div>{overlay}'
    title = f"{personal(page.title(locale), account)} | {_brand(page.site)}"
    return document(title=title, locale=locale, body=body, cx=cx, cdn=cdn, bootstrap=bootstrap)


def _brand(site: str) -> str:
    return {
        "instagram": "Instagram",
        "accounts_center": "Accounts Center",
        "privacy_center": "Privacy Center",
        "help": "Instagram Help Center",
    }.get(site, "Facebook")


def simple_page(
    *,
    title: str,
    heading: str,
    paragraphs: list[str],
    locale: str,
    cx: ClassNames,
    cdn: str,
    account: Account | None = None,
    site: str = "facebook",
    extra: str = "",
) -> str:
    """A page with one heading and some text inside role=main (checkpoints, errors, policy pages)."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    top = banner(account, site, locale, cx) if account else ""
    body = (
        f'{top}<div role="main" class="{cx["card"]}"><h1 class="{cx["h1"]}">{escape(heading)}</h1>{paras}{extra}</div>'
    )
    return document(title=title, locale=locale, body=body, cx=cx, cdn=cdn)


def text(t: Text, locale: str) -> str:
    return escape(t(locale))
