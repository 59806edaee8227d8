"""Secrets never leave: not in logs, results, reports, screenshots' names, or the trace.

The full test plants a distinctive password and TOTP secret in a replica account, collects every
session cookie value the replica issues, runs a whole audit with --trace through the CLI, and
searches every byte of every file it left (the trace unzipped, its base64 bodies decoded) and
everything it printed.
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

from auditor.redact import REDACTED, Secrets, scrub_trace
from auditor.replica.server import Replica
from test_login import cli_env, run_cli

PASSWORD = 'Pl4nted "pa$$" & <wörd>~*! %41'
TOTP_SECRET = "GEZDGNBVGY3TQOJQMFRGGZDFMZTWQ2LK"
UID = "731904418265590"
ACCOUNT = f"""
accounts:
  - id: planted
    name: Quinn Planted
    email: quinn.planted@example.com
    password: '{PASSWORD}'
    ig_username: quinn.planted
    uid: "{UID}"
    locale: en_US
    region: US
    labels: "2026"
    totp_secret: {TOTP_SECRET}
"""
SESSION_COOKIES = {"c_user", "xs", "fr", "datr", "sessionid", "ds_user_id", "csrftoken", "mid"}


def forms(value: str) -> set[str]:
    """How a secret can show up in a file: as is, URL- or form-encoded, JSON- or HTML-escaped."""
    found = {value, unquote(value), quote(value, safe=""), quote(value, safe="!'()*"), quote_plus(value, safe=""),
             quote_plus(value, safe="*").replace("~", "%7E"), json.dumps(value)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1], html.escape(value)}
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


@pytest.fixture
def planted(tmp_path):
    """A replica of the test's own whose account holds the planted secrets; it records each cookie value it issues."""
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
            return response

        replica.app.handle = recording
        yield replica, issued


def test_a_full_audit_with_a_trace_leaves_no_secret_anywhere(planted, tmp_path):
    replica, issued = planted
    out = tmp_path / "out"
    env = cli_env(tmp_path, AUDITOR_EMAIL="quinn.planted@example.com", AUDITOR_PASSWORD=PASSWORD, AUDITOR_TOTP_SECRET=TOTP_SECRET)
    done = run_cli("run", "facebook", "instagram", "--replica", replica.url, "-o", str(out), "--trace", env=env)
    assert done.returncode == 0, done.stderr
    assert [outcome for _site, _who, outcome in replica.store.logins()] == ["second_factor", "ok"] * 2  # logged in with both secrets

    secrets = {"password": PASSWORD, "TOTP secret": TOTP_SECRET}
    assert SESSION_COOKIES <= set(issued)  # every session cookie was issued, so every one is searched for
    secrets |= {f"cookie {name}": value for name in SESSION_COOKIES for value in issued[name] if value != "deleted"}
    assert secrets["cookie c_user"] == UID

    blobs = everything_in(out)
    assert "trace.zip:trace.network" in blobs and any(name.startswith("evidence/") for name in blobs)  # the trace was kept
    assert b"quinn.planted@example.com" in blobs["trace.zip:trace.network"]  # the search does reach into the trace
    blobs |= {"stdout": done.stdout.encode(), "stderr": done.stderr.encode()}
    assert leaks(blobs, secrets) == []
    assert not (tmp_path / "data" / "auditor").exists()  # an unattended run saves no session


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
        {"snapshot": {"request": {"headers": [{"name": "Cookie", "value": f"xs={token}; locale=en_US"}],
                                  "postData": {"params": [{"name": "pass", "value": "typed-but-unknown"}]}},
                      "response": {"headers": [{"name": "content-type", "value": "text/html"}]}}},
    ]
    events = [
        {"type": "before", "method": "fill", "params": {"selector": "input[name=pass]", "value": "the-known-password"}},
        {"type": "frame-snapshot", "html": ["INPUT", {"type": "password", "__playwright_value_": "another-unknown"}]},
        {"type": "before", "class": "Route", "method": "fulfill", "params": {"body": body}},
        {"type": "log", "message": "page language en_US"},
    ]
    trace = write_trace(tmp_path / "trace.zip", {
        "trace.network": "\n".join(map(json.dumps, network)),
        "trace.trace": "\n".join(map(json.dumps, events)),
        "resources/abc.dat": f"lsd=1&token={quote(token)}",
    })
    assert scrub_trace(trace, Secrets("the-known-password"))
    blobs = everything_in(tmp_path)
    assert leaks(blobs, {"cookie": token, "password": "the-known-password", "typed": "typed-but-unknown", "input": "another-unknown"}) == []
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
