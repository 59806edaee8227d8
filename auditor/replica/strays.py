"""The `script` knob: a script of the page sends a write of its own, as a page's own script could.

Meta's pages run a great deal of script that auditor does not control. The knob puts such a write
on every page of a site the account is logged in to: it would change one setting (the knob's) to
another value, and it is shaped like the page's own save of that setting (the same friendly name,
variables, token and headers), so only the guard's rules stand between it and the account. The
page sends it in one of the ways a script can send a request (SHAPES) at one moment (MOMENTS);
the browser side is `stray` in static/comet.js. The replica's write log is the witness: if the
write got through, it shows there as an accepted write of that setting.
"""

from __future__ import annotations

import json

from auditor.replica import model
from auditor.replica.registry import catalog

SHAPES = ("fetch", "blob", "arraybuffer", "large", "beacon", "keepalive", "form", "worker", "shared_worker")
MOMENTS = ("before", "at", "after")
# The friendly names comet.js gives a site's saves, by the kind of control drawn.
PREFIX = {"facebook": "CometSettings", "accounts_center": "FXAccountsCenter", "instagram": "PolarisSettings"}
SAVE = {
    "switch": "Toggle",
    "div_switch": "Toggle",
    "checkbox": "Toggle",
    "audience": "PrivacySelector",
    "review": "AdPreferencesSetting",
    "choice": "AdPreferencesSetting",
    "radio_group": "Radio",
}


def stray_writes(app, site: str, account, dtsg: str) -> list[dict]:
    """What the page script sends on this site's pages, for the bootstrap: one entry per `script` knob."""
    if account is None:
        return []
    return [w for knob in app.knobs.of_kind("script") if (w := _stray(app, knob, site, account, dtsg))]


def _stray(app, knob, site: str, account, dtsg: str) -> dict | None:
    page, control = catalog().control(knob.target)
    kind = model.control_type(control, app.knobs)
    if page.site != site or kind not in SAVE:
        return None
    shape, _, moment = (knob.arg or "").partition(":")
    value = model.current_value(control, account, app.store, app.knobs)
    variables: dict = {"key": model.opaque_id(app.seed, control.id)}
    if control.type == "switch":
        variables["enabled"] = value != "on"
    else:
        other = next(o for o in model.control_options(control, app.knobs) if o != value)
        variables["option"] = model.opaque_id(app.seed, control.id, other)
    name = f"{PREFIX[site]}{SAVE[kind]}Mutation"
    fields = {
        "av": account.uid,
        "__user": account.uid,
        "__a": "1",
        "fb_dtsg": dtsg,
        "fb_api_caller_class": "RelayModern",
        "fb_api_req_friendly_name": name,
        "variables": json.dumps(variables),
        "server_timestamps": "true",
        "doc_id": str(abs(_doc_id(name))),
    }
    return {
        "shape": shape,
        "when": moment or "at",
        "path": "/api/graphql" if site == "instagram" else "/api/graphql/",
        "fields": fields,
    }


def _doc_id(name: str) -> int:
    """comet.js's doc_id for a friendly name (its `hash`: a 32-bit string hash), so the write is the page's own."""
    h = 0
    for char in name:
        h = (h * 31 + ord(char)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h
