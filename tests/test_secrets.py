"""Secrets never leave: not in logs, results, reports, screenshots' names, or the trace.

The full test plants a distinctive password and TOTP secret in a replica account, collects every
session cookie value the replica issues, every two-factor code typed and every CSRF token it
hands out, runs an audit with --trace through the CLI (both logins, and the pages that show the
person), and searches every byte of every
file it left (the trace unzipped, its base64 bodies decoded) and everything it printed. The
trace must also be free of the person: their name, email address and phone number.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

import pytest
from conftest import cli_env, run_auditor

from auditor.redact import REDACTED, Secrets
from auditor.replica.server import Replica
from auditor.traces import scrub_trace

PASSWORD = 'Pl4nted "pa$$" & <wörd>~*! %41'
TOTP_SECRET = "GEZDGNBVGY3TQOJQMFRGGZDFMZTWQ2LK"
UID = "731904418265590"
NAME, EMAIL, PHONE = "Quinn Planted", "quinn.planted@example.com", "+1 202-555-0177"
USERNAME = "qp_gallery_7781"  # Instagram's: Accounts Center's account picker shows it
ACCOUNT = f"""
accounts:
  - id: planted
    name: {NAME}
    email: {EMAIL}
    password: '{PASSWORD}'
    ig_username: {USERNAME}
    uid: "{UID}"
    locale: en_US
    region: US
    labels: "2026"
    phone: "{PHONE}"
    totp_secret: {TOTP_SECRET}
"""
PERSON = {"name": NAME, "email": EMAIL, "phone": PHONE, "Instagram username": USERNAME}
# The pages read, after the logins to both platforms: the pages that show the person (their name, email address
# and phone number, Accounts Center's account picker with the Instagram username), of either platform.
PAGES = (
    "accounts_center/personal_details",
    "accounts_center/info_and_permissions",
    "facebook/profile_details",
    "instagram/edit_profile",
)
SESSION_COOKIES = {"c_user", "xs", "fr", "datr", "sessionid", "ds_user_id", "csrftoken", "mid"}


def forms(value: str) -> set[str]:
    """How a secret can show up in a file: as is, URL- or form-encoded, JSON- or HTML-escaped."""
    found = {
        value,
        unquote(value),
        quote(value, safe=""),
        quote(value, safe="!'()*"),
        quote_plus(value, safe=""),
        quote_plus(value, safe="*").replace("~", "%7E"),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        html.escape(value),
    }
    return {f for f in found if len(f) >= 8}


def base64_bodies(text: str):
    for candidate in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            yield base64.b64decode(candidate + "=" * (-len(candidate) % 4))
        except (binascii.Error, ValueError):
            continue


def leaks(blobs: dict[str, bytes], secrets: dict[str, str]) -> list[str]:
    """Which secret (by name) shows up in which blob, in any of its forms."""
    found = []
    for where, data in blobs.items():
        for name, value in secrets.items():
            if any(form.encode() in data for form in forms(value)):
                found.append(f"{name} in {where}")
    return found


def everything_in(folder: Path) -> dict[str, bytes]:
    """Every file's name and bytes; inside a zip, every member decompressed and every base64 body decoded."""
    blobs = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = str(path.relative_to(folder))
        blobs[f"the name {relative}"] = relative.encode()
        blobs[relative] = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    data = archive.read(info)
                    blobs[f"{relative}:{info.filename}"] = data
                    for number, body in enumerate(base64_bodies(data.decode("utf-8", "replace"))):
                        blobs[f"{relative}:{info.filename} (base64 body {number})"] = body
    return blobs


def whole_words(blobs: dict[str, bytes], values: dict[str, str]) -> list[str]:
    """Which short value (a six-digit code) shows up as a word of its own in which blob."""
    return [
        f"{name} in {where}"
        for where, data in blobs.items()
        for name, value in values.items()
        if re.search(rb"(?<![0-9A-Za-z])" + re.escape(value.encode()) + rb"(?![0-9A-Za-z])", data)
    ]


@pytest.fixture
def planted(tmp_path):
    """A replica of the test's own whose account holds the planted secrets.

    It records each cookie value it issues (by cookie name), each two-factor code typed ("code")
    and each login-form token it hands out ("lsd").
    """
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(ACCOUNT, encoding="utf-8")
    issued: dict[str, set[str]] = {}
    with Replica(accounts_file=accounts) as replica:
        handle = replica.app.handle

        def recording(request):
            response = handle(request)
            for name, value in response.headers:
                if name.lower() == "set-cookie":
                    cookie, _, rest = value.partition("=")
                    issued.setdefault(cookie, set()).add(rest.split(";")[0])
            for field in ("approvals_code", "verificationCode"):  # Facebook's and Instagram's two-factor forms
                if request.form.get(field):
                    issued.setdefault("code", set()).add(request.form[field])
            issued.setdefault("lsd", set()).update(
                re.findall(r'name="lsd" value="([^"]+)"', response.body.decode("utf-8", "replace"))
            )
            issued.setdefault("shown", set()).update(
                what for what, text in PERSON.items() if text.encode() in response.body
            )  # the person's details a page showed: the trace must keep none of them
            return response

        replica.app.handle = recording
        yield replica, issued


@pytest.mark.long
@pytest.mark.browser  # auditor's own, on a replica of the test's own
def test_a_full_audit_with_a_trace_leaves_no_secret_anywhere(planted, tmp_path):
    replica, issued = planted
    out = tmp_path / "out"
    env = cli_env(tmp_path, AUDITOR_EMAIL=EMAIL, AUDITOR_PASSWORD=PASSWORD, AUDITOR_TOTP_SECRET=TOTP_SECRET)
    pages = [arg for page in PAGES for arg in ("--flow", page)]
    done = run_auditor("run", "facebook", "instagram", *pages, "--replica", replica.url, "-o", out, "--trace", env=env)
    assert done.returncode == 0, done.stderr
    assert [outcome for _site, _who, outcome in replica.store.logins()] == [
        "second_factor",
        "ok",
    ] * 2  # logged in with both secrets

    secrets = {"password": PASSWORD, "TOTP secret": TOTP_SECRET}
    assert SESSION_COOKIES <= set(issued)  # every session cookie was issued, so every one is searched for
    secrets |= {f"cookie {name}": value for name in SESSION_COOKIES for value in issued[name] if value != "deleted"}
    assert secrets["cookie c_user"] == UID
    assert issued["lsd"] and issued["code"]  # Facebook's login-form token; the codes typed (one per time step)
    secrets |= {f"lsd {value}": value for value in issued["lsd"]}
    # The CSRF token every Facebook page carries; on the replica it ends in the account id (a cookie): its own part.
    secrets["fb_dtsg"] = replica.app._dtsg(replica.store.accounts["planted"]).removesuffix(f":{UID}")

    blobs = everything_in(out)
    trace = {where: data for where, data in blobs.items() if where.startswith("trace.zip:")}
    assert b"fb_api_req_friendly_name" in trace["trace.zip:trace.network"]  # the trace was kept, with its requests
    assert any(b'"frame-snapshot"' in data for data in trace.values())  # and its DOM snapshots
    assert not any(
        where.startswith("trace.zip:screencast/") for where in trace
    )  # but no screenshots: they show the person
    assert any(name.startswith("evidence/") for name in blobs)
    # They hold the person's settings and screenshots: the person's only, as the sessions and the history.
    assert {oct(p.stat().st_mode & 0o777) for p in [out, *out.rglob("*")] if p.is_dir()} == {"0o700"}
    assert {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()} == {"0o600"}
    blobs |= {"stdout": done.stdout.encode(), "stderr": done.stderr.encode()}
    # An unattended run saves no session: auditor's data folder holds the history of runs (and its key) only.
    data = tmp_path / "data" / "auditor"
    kept = {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert set(kept) <= {"history.sqlite", "history.sqlite.key"}, set(kept)
    blobs |= {name: body for name, body in kept.items() if not name.endswith(".key")}
    assert leaks(blobs, secrets) == []
    assert whole_words(blobs, {f"two-factor code {code}": code for code in issued["code"]}) == []
    assert issued["shown"] == set(PERSON)  # the pages showed each of them
    assert leaks(trace, PERSON) == []


# ---------------------------------------------------------------------- the scrubber on its own
def write_trace(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_scrubbing_finds_cookies_in_the_trace_itself_and_blanks_forms_and_password_fields(tmp_path):
    token = "Tok3n_only_the_trace_knows"
    body = base64.b64encode(f"<script>var s = '{token}';</script>".encode()).decode()
    network = [
        {
            "snapshot": {
                "request": {
                    "headers": [{"name": "Cookie", "value": f"xs={token}; locale=en_US"}],
                    "postData": {"params": [{"name": "pass", "value": "typed-but-unknown"}]},
                },
                "response": {"headers": [{"name": "content-type", "value": "text/html"}]},
            }
        },
    ]
    events = [
        {"type": "before", "method": "fill", "params": {"selector": "input[name=pass]", "value": "the-known-password"}},
        {"type": "frame-snapshot", "html": ["INPUT", {"type": "password", "__playwright_value_": "another-unknown"}]},
        {"type": "before", "class": "Route", "method": "fulfill", "params": {"body": body}},
        {"type": "log", "message": "page language en_US"},
    ]
    trace = write_trace(
        tmp_path / "trace.zip",
        {
            "trace.network": "\n".join(map(json.dumps, network)),
            "trace.trace": "\n".join(map(json.dumps, events)),
            "resources/abc.dat": f"lsd=1&token={quote(token)}",
        },
    )
    assert scrub_trace(trace, Secrets("the-known-password"))
    blobs = everything_in(tmp_path)
    assert (
        leaks(
            blobs,
            {
                "cookie": token,
                "password": "the-known-password",
                "typed": "typed-but-unknown",
                "input": "another-unknown",
            },
        )
        == []
    )
    with zipfile.ZipFile(trace) as archive:
        events_after = [json.loads(line) for line in archive.read("trace.trace").decode().splitlines()]
    assert events_after[0]["params"] == {"selector": "input[name=pass]", "value": REDACTED}
    assert events_after[3] == events[3]  # short cookie values such as a locale are left alone: the trace stays readable


def test_a_trace_that_cannot_be_scrubbed_for_certain_is_deleted_with_a_warning(tmp_path):
    trace = write_trace(tmp_path / "trace.zip", {"trace.trace": '{"type": "before"}\nnot json at all\n'})
    warnings = []
    assert scrub_trace(trace, Secrets("a-password"), warn=warnings.append) is False
    assert not trace.exists() and not list(tmp_path.iterdir())
    assert len(warnings) == 1 and "trace was deleted" in warnings[0]


def test_scrubbing_blanks_request_bodies_typed_text_and_inputs_replaces_the_person_and_drops_pictures(tmp_path):
    dtsg, code = "NAdtsg-only-the-pages-know", "482913"
    form = "application/x-www-form-urlencoded"
    body = (
        f"fb_dtsg={dtsg}&fb_api_req_friendly_name=CometSettingsPostsTabQuery"
        f"&variables=%7B%22scale%22%3A1%7D&approvals_code={code}"
    )
    network = [
        {
            "snapshot": {
                "request": {
                    "method": "POST",
                    "postData": {
                        "mimeType": form,
                        "text": body,
                        "_file": "resources/form.dat",
                        "params": [
                            {"name": "fb_dtsg", "value": dtsg},
                            {"name": "fb_api_req_friendly_name", "value": "CometSettingsPostsTabQuery"},
                            {"name": "variables", "value": '{"scale":1}'},
                            {"name": "approvals_code", "value": code},
                        ],
                    },
                },
                "response": {"content": {"mimeType": "text/html", "_file": "resources/page.html"}},
            }
        },
        {
            "snapshot": {
                "request": {
                    "method": "POST",
                    "postData": {"mimeType": "application/json", "_file": "resources/other.dat"},
                }
            }
        },
    ]
    events = [
        {"type": "before", "method": "fill", "params": {"selector": "input[name=approvals_code]", "value": code}},
        {
            "type": "frame-snapshot",
            "snapshot": {
                "html": [
                    "FORM",
                    {},
                    ["INPUT", {"type": "text", "__playwright_value_": code}],
                    ["INPUT", {"type": "hidden", "name": "token", "value": "hidden-value"}],
                ]
            },
        },
        {"type": "after", "result": {"value": "Alex Demo · alex@example.com · +49 30 1234567, at 1796022152405"}},
    ]
    trace = write_trace(
        tmp_path / "trace.zip",
        {
            "trace.network": "\n".join(map(json.dumps, network)),
            "trace.trace": "\n".join(map(json.dumps, events)),
            "resources/form.dat": body,
            "resources/other.dat": '{"anything": "at all"}',
            "resources/page.html": f'<script>{{"dtsg":"{dtsg}"}}</script><h1>Alex Demo</h1><p>{code}</p>',
            "resources/picture.png": b"\x89PNG\r\n\x1a\n\xff\xfe the person's face",
        },
    )
    secrets = Secrets()
    secrets.add_personal(["Alex Demo\n", "Al"])
    assert scrub_trace(trace, secrets)

    with zipfile.ZipFile(trace) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert "resources/picture.png" not in files  # a picture cannot be searched for the person: dropped
    assert files["resources/form.dat"] == (
        "fb_dtsg=%5Bredacted%5D&fb_api_req_friendly_name=CometSettingsPostsTabQuery"
        "&variables=%5Bredacted%5D&approvals_code=%5Bredacted%5D"
    )
    assert files["resources/other.dat"] == REDACTED
    assert files["resources/page.html"] == '<script>{"dtsg":"[redacted]"}</script><h1>[redacted]</h1><p>[redacted]</p>'
    request = json.loads(files["trace.network"].splitlines()[0])["snapshot"]["request"]["postData"]
    assert request["text"] == REDACTED
    assert [p["value"] for p in request["params"]] == [REDACTED, "CometSettingsPostsTabQuery", REDACTED, REDACTED]
    fill, snapshot, result = (json.loads(line) for line in files["trace.trace"].splitlines())
    assert fill["params"] == {"selector": "input[name=approvals_code]", "value": REDACTED}
    assert snapshot["snapshot"]["html"] == [
        "FORM",
        {},
        ["INPUT", {"type": "text", "__playwright_value_": REDACTED}],
        ["INPUT", {"type": "hidden", "name": "token", "value": REDACTED}],
    ]
    assert (
        result["result"]["value"] == "[redacted] · [email] · [phone], at 1796022152405"
    )  # a time is not a phone number
