"""The audit-mode guard (no writes, no egress beyond Meta) and the pace of page loads.

The replica's own logs are the witness: a blocked write is absent from its write log and its
request log, and pacing is measured from the times it received each page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import pytest
from conftest import visit_in, wait_until

from auditor import results, spec
from auditor.cli import main
from auditor.meta import select_flows
from auditor.network import is_meta_host
from auditor.observe.stage import observe_in
from auditor.outcome import stop_message
from auditor.replica.registry import HOSTS
from auditor.rerun import evaluate_and_report
from auditor.target import META, META_PACE, Target

MUTATION = "fb_api_req_friendly_name=CometPrivacySelectorSaveMutation&variables=%7B%7D"
POST_MUTATION = f"""() => fetch('/api/graphql/', {{method: 'POST', body: '{MUTATION}',
    headers: {{'Content-Type': 'application/x-www-form-urlencoded'}}}}).then(() => 'sent', () => 'blocked')"""


@pytest.mark.parametrize(
    "host, meta",
    [
        ("www.facebook.com", True),
        ("accountscenter.instagram.com", True),
        ("static.xx.fbcdn.net", True),
        ("facebook.com", True),
        ("facebook.com.example.org", False),
        ("notfacebook.com", False),
        ("example.org", False),
    ],
)
def test_meta_hosts_are_meta_and_lookalikes_are_not(host, meta):
    assert is_meta_host(host) is meta


@pytest.fixture
def audited(log_in, routed, page):
    """A logged-in page on a settings page, the guard switched to audit mode as observe has it."""
    log_in("demo", "facebook")
    page.goto("https://www.facebook.com/settings/?tab=posts")
    routed.audit = True
    return page


def test_a_mutation_in_audit_mode_is_aborted_and_counted(audited, routed, replica):
    assert audited.evaluate(POST_MUTATION) == "blocked"
    assert routed.log.blocked == ["POST CometPrivacySelectorSaveMutation"] and routed.log.sent == []
    assert replica.writes() == []
    assert mutations_received(replica) == 0  # it never left the browser


def test_the_same_mutation_goes_through_with_the_guard_off(audited, routed, replica):
    """The counterpart: the test above could fail, because the replica does take this write."""
    routed.audit = False
    audited.evaluate(POST_MUTATION)
    assert mutations_received(replica) == 1 and routed.log.blocked == []
    assert routed.log.unguarded[-1] == "POST CometPrivacySelectorSaveMutation"


def test_while_the_cookie_dialog_is_answered_only_the_answer_goes_out(audited, routed, replica):
    """The audit declines a cookie dialog with one request; a page's write meanwhile is blocked as ever."""
    answer = """() => fetch('/cookie/consent/', {method: 'POST', body: 'choice=accept_only_essential_button',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'}}).then(() => 'sent', () => 'blocked')"""
    with routed.cookie_answer():
        assert audited.evaluate(POST_MUTATION) == "blocked"
        assert audited.evaluate(answer) == "sent"
    assert audited.evaluate(answer) == "blocked"  # only while the dialog is answered
    assert routed.log.cookie_answers == ["POST /cookie/consent/"] and routed.log.sent == []
    assert routed.log.blocked == ["POST CometPrivacySelectorSaveMutation", "POST /cookie/consent/"]
    assert mutations_received(replica) == 0 and replica.writes() == []


def test_a_form_submission_in_audit_mode_is_aborted(audited, routed, replica):
    with audited.expect_event("requestfailed") as failed:
        audited.evaluate("""() => { const f = document.createElement('form'); f.method = 'post';
            f.action = '/privacy/save/'; document.body.append(f); f.submit(); }""")
    assert "BLOCKED_BY_CLIENT" in failed.value.failure
    assert routed.log.blocked == ["POST /privacy/save/"]
    assert not [r for r in replica.store.requests() if r[3] == "/privacy/save/"]


@pytest.mark.parametrize("host", ["tracker.example.org", "facebook.com.example.org"])
def test_a_request_to_a_host_outside_meta_is_blocked(audited, routed, host):
    with audited.expect_event("requestfailed") as failed:
        audited.evaluate(f"() => fetch('https://{host}/pixel').catch(() => null)")
    assert "BLOCKED_BY_CLIENT" in failed.value.failure
    assert routed.log.egress == [host]


@pytest.mark.parametrize(
    "url, kind", [("wss://edge-chat.facebook.com/chat", "sockets"), ("wss://sockets.example.org/", "egress")]
)
def test_websockets_are_not_opened_in_audit_mode(audited, routed, url, kind):
    opened = audited.evaluate(
        """url => new Promise(done => { const ws = new WebSocket(url);
        ws.onmessage = () => done('message'); ws.onclose = () => done('closed'); })""",
        url,
    )
    assert opened == "closed"
    assert getattr(routed.log, kind) == [urlsplit(url).hostname]


def test_a_page_script_that_writes_during_an_audit_is_counted_up_to_the_report(
    log_in, context, routed, replica, tmp_path
):
    """Observations, findings and the report all carry the count, and not one of the writes left the browser."""
    log_in("demo", "facebook")
    # From here on every page the context loads sends a mutation (added after the login, whose own pages'
    # writes could still be on their way when the audit starts).
    context.add_init_script(f"""document.addEventListener('DOMContentLoaded', () => fetch('/api/graphql/',
        {{method: 'POST', body: '{MUTATION}', headers: {{'Content-Type': 'application/x-www-form-urlencoded'}}}}))""")
    routed.audit = True
    flows = select_flows(spec.load_flows(), ["facebook"])[:3]
    observations = observe_facebook(context, routed, replica, flows)
    blocked = observations.run.writes_blocked
    assert blocked >= len(flows) and blocked == len(routed.log.blocked)
    assert observations.run.writes_sent == 0 and routed.log.sent == []
    assert mutations_received(replica) == 0 and replica.writes() == []
    results.write(tmp_path / "observations.json", observations)
    evaluate_and_report(observations, tmp_path)
    findings = results.read(tmp_path / "findings.json", results.Findings)
    assert findings.run.writes_blocked == blocked
    junit = ElementTree.parse(tmp_path / "junit.xml")
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert (properties["writes_sent"], properties["writes_blocked"]) == ("0", str(blocked))
    # The counterpart: with the guard off, the same script's write does reach the replica.
    routed.audit = False
    unguarded_before = len(routed.log.unguarded)
    page = context.new_page()
    page.goto("https://www.facebook.com/settings/?tab=posts")
    wait_until(lambda: mutations_received(replica) > 0, page=page)
    assert "POST CometPrivacySelectorSaveMutation" in routed.log.unguarded[unguarded_before:]


def mutations_received(replica) -> int:
    return sum(r[4] == "CometPrivacySelectorSaveMutation" for r in replica.store.requests())


# ---------------------------------------------------------------------- pace and rate limits
def test_the_default_pace_is_for_meta_and_none_for_a_replica():
    assert META.pace(None) == META_PACE >= 2
    assert Target("https://127.0.0.1:9").pace(None) == 0
    assert META.pace(0.5) == 0.5


def test_a_negative_pace_is_bad_input(capsys):
    assert main(["observe", "facebook", "--pace", "-1"]) == 2
    assert "--pace" in capsys.readouterr().err


def target(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")


def page_loads(replica, flows) -> dict[str, float]:
    """When the replica received each flow's page (flow id -> time), for the pages it received."""
    received = {(host, path): t for t, host, method, path, _name in replica.store.requests() if method == "GET"}
    return {f.id: received[target(f.spec.url)] for f in flows if target(f.spec.url) in received}


def test_page_loads_are_paced(log_in, context, routed, replica):
    log_in("demo", "facebook")
    routed.audit = True
    flows = select_flows(spec.load_flows(), ["facebook"])[:4]
    observe_facebook(context, routed, replica, flows, pace=0.8)
    times = list(page_loads(replica, flows).values())
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.8, gaps


def test_a_rate_limit_page_stops_the_run(log_in, context, routed, replica):
    log_in("demo", "facebook")
    routed.audit = True
    flows = select_flows(spec.load_flows(), ["facebook"])[:4]
    second = urlsplit(flows[1].spec.url)
    page = replica.app.find_page(
        HOSTS[second.hostname], second.path, dict(p.split("=", 1) for p in second.query.split("&") if p)
    )
    replica.knobs.set(f"ratelimit:{page.id}")
    observations = observe_facebook(context, routed, replica, flows)
    assert [p.reason for p in observations.pages] == [None, "rate_limited", "rate_limited", "rate_limited"]
    assert not observations.run.complete
    assert "rate-limited the account" in stop_message(observations)
    assert list(page_loads(replica, flows)) == [
        f.id for f in flows[:2]
    ]  # the pages after the stop were never asked for


def observe_facebook(context, routed, replica, flows, **options):
    """Observe these Facebook flows in the test's context, with its guard, quietly."""
    return observe_in(visit_in(context, replica, flows, network=routed, **options))
