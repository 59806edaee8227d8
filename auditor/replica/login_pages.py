"""The HTML of the replica's login, two-factor, onetap and cookie-consent pages (catalog 9.3)."""

from __future__ import annotations

import secrets
from html import escape


def cookie_dialog(app, locale: str, heading_key: str, site: str) -> str:
    cx, s = app.cx, app._s
    if app.cookie_generation == 1:
        decline, accept = s("cookie_decline_1", locale), s("cookie_accept_1", locale)
        buttons = (
            f'<div role="button" tabindex="0" aria-label="{escape(decline)}" data-cookiebanner="accept_only_essential_button" class="{cx["button"]}">{escape(decline)}</div>'
            f'<div role="button" tabindex="0" aria-label="{escape(accept)}" data-cookiebanner="accept_button" class="{cx["primary"]}">{escape(accept)}</div>'
        )
    else:
        decline = s("ig_cookie_decline_2" if site == "instagram" else "cookie_decline_2", locale)
        accept = s("cookie_accept_2", locale)
        buttons = (
            f'<button type="button" title="{escape(decline)}" data-cookiebanner="accept_only_essential_button" class="{cx["button"]}">{escape(decline)}</button>'
            f'<button type="button" title="{escape(accept)}" data-cookiebanner="accept_button" data-testid="cookie-policy-manage-dialog-accept-button" class="{cx["primary"]}">{escape(accept)}</button>'
        )
    return (
        f'<div class="{cx["overlay"]}" data-overlay="cookies"></div>'
        f'<div role="dialog" aria-modal="true" aria-labelledby="cookie_heading" class="{cx["dialog"]}" data-cookie-dialog="1">'
        f'<h2 id="cookie_heading" class="{cx["h2"]}">{escape(s(heading_key, locale))}</h2>'
        f'<p class="{cx["desc"]}">Cookies help us provide, protect and improve our products.</p>{buttons}</div>'
    )


def login_form_fb(app, locale: str, next_url: str, error: str, consent: bool) -> str:
    cx, s = app.cx, app._s
    err = f'<div role="alert" class="{cx["error"]}">{escape(error)}</div>' if error else ""
    dialog = cookie_dialog(app, locale, "fb_cookie_heading", "facebook") if consent else ""
    return (
        f'<div role="main" class="{cx["card"]}"><img alt="Meta logo" width="1" height="1" src="https://static.xx.fbcdn.net/rsrc.php/meta.png">'
        f'<h2 class="{cx["h2"]}">{escape(s("tagline", locale))}</h2>'
        f'<h1 class="{cx["h1"]}">{escape(s("fb_login_heading", locale))}</h1>{err}'
        f'<form id="login_form" method="post" action="/login/device-based/regular/login/?login_attempt=1">'
        f'<input type="hidden" name="lsd" value="{secrets.token_urlsafe(8)}"><input type="hidden" name="next" value="{escape(next_url)}">'
        f'<input type="text" name="email" id="email" autocomplete="username" class="{cx["input"]}" aria-label="{escape(s("fb_login_email", locale))}" placeholder="{escape(s("fb_login_email", locale))}">'
        f'<input type="password" name="pass" id="pass" autocomplete="current-password" class="{cx["input"]}" aria-label="{escape(s("password", locale))}" placeholder="{escape(s("password", locale))}">'
        f'<div role="button" tabindex="0" class="{cx["primary"]}" data-login="submit"><span>{escape(s("fb_login_button", locale))}</span></div></form>'
        f'<a href="https://www.facebook.com/recover/initiate/?ars=facebook_login">{escape(s("forgot_password", locale))}</a> '
        f'<a role="button" href="https://www.facebook.com/reg/?entry_point=login&amp;next=">{escape(s("create_account", locale))}</a></div>{dialog}'
    )


def second_factor_fb(app, locale: str, error: str) -> str:
    cx, s = app.cx, app._s
    err = f'<div role="alert" class="{cx["error"]}">{escape(error)}</div>' if error else ""
    return (
        f'<div role="main" class="{cx["card"]}"><h1 class="{cx["h1"]}">{escape(s("tfa_heading", locale))}</h1>'
        f'<p>{escape(s("tfa_body", locale))}</p>{err}<form method="post" id="tfa_form">'
        f'<input type="text" name="approvals_code" inputmode="numeric" autocomplete="one-time-code" class="{cx["input"]}" aria-label="{escape(s("code", locale))}">'
        f'<div role="button" tabindex="0" class="{cx["primary"]}" data-submit="tfa_form">{escape(s("continue", locale))}</div></form></div>'
    )


def login_form_ig(app, locale: str, consent: bool) -> str:
    cx, s = app.cx, app._s
    dialog = cookie_dialog(app, locale, "ig_cookie_heading", "instagram") if consent else ""
    return (
        f'<div role="main" class="{cx["card"]}"><h1 class="{cx["h1"]}">Instagram</h1>'
        f'<form id="loginForm" method="post">'
        f'<label><span>{escape(s("ig_login_user", locale))}</span><input type="text" name="email" autocomplete="username" class="{cx["input"]}"></label>'
        f'<label><span>{escape(s("password", locale))}</span><input type="password" name="pass" autocomplete="current-password" class="{cx["input"]}"></label>'
        f'<button type="submit" class="{cx["primary"]}">{escape(s("ig_login_button", locale))}</button>'
        f'<div role="alert" id="slfErrorAlert" class="{cx["error"]}" hidden></div></form>'
        f'<a href="https://www.instagram.com/accounts/password/reset/">{escape(s("forgot_password", locale))}</a></div>{dialog}'
    )


def second_factor_ig(app, locale: str) -> str:
    cx, s = app.cx, app._s
    return (
        f'<div role="main" class="{cx["card"]}"><h1 class="{cx["h1"]}">{escape(s("ig_tfa_heading", locale))}</h1>'
        f'<p>{escape(s("ig_tfa_body", locale))}</p><form id="tfaForm">'
        f'<label><span>{escape(s("security_code", locale))}</span><input type="text" inputmode="numeric" autocomplete="one-time-code" class="{cx["input"]}"></label>'
        f'<label><input type="checkbox" checked> {escape(s("trust_device", locale))}</label>'
        f'<button type="submit" class="{cx["primary"]}">{escape(s("confirm", locale))}</button>'
        f'<div role="alert" class="{cx["error"]}" hidden></div></form></div>'
    )


def onetap_ig(app, locale: str, next_url: str) -> str:
    cx, s = app.cx, app._s
    return (
        f'<div role="main" class="{cx["card"]}"><h1 class="{cx["h1"]}">{escape(s("onetap_heading", locale))}</h1>'
        f'<button type="button" class="{cx["primary"]}" data-next="{escape(next_url)}">{escape(s("save_info", locale))}</button>'
        f'<div role="button" tabindex="0" class="{cx["button"]}" data-next="{escape(next_url)}">{escape(s("not_now", locale))}</div></div>'
    )
