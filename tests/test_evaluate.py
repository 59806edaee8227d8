"""evaluate: hand-built observations + a checklist -> findings, offline.

Golden files (tests/golden/findings/<case>.json) pin whole findings for three accounts; refresh
them after a deliberate change with AUDITOR_UPDATE_GOLDEN=1 and review the diff. The other tests
state the rules directly, so a golden file refreshed by mistake cannot hide a wrong status.
"""

from __future__ import annotations

from pathlib import Path

import golden
import pytest

from auditor import results, spec
from auditor.checklist import Check, Checklist, load_checklist
from auditor.cli import main
from auditor.evaluate import evaluate, platform_of, public_content_exposure, regions_of
from auditor.results import Observation, Observations, PageInventory, Run, Source

GOLDEN = Path(__file__).parent / "golden" / "findings"
CHECKLIST = GOLDEN / "checklist.yml"
EVALUATED = "2026-11-23T10:05:00+00:00"
SHIPPED = ("default", "ai-training", "at-risk")


def seen(setting, value, raw=None, flow=None):
    return Observation(
        setting=setting, platform=platform_of(setting), status="observed", value=value, raw=raw, flow=flow
    )


def unknown(setting, reason, detail=""):
    return Observation(setting=setting, platform=platform_of(setting), status="unknown", reason=reason, detail=detail)


def not_applicable(setting, reason, detail=""):
    return Observation(
        setting=setting, platform=platform_of(setting), status="not_applicable", reason=reason, detail=detail
    )


def observations(platforms, *items, pages=()) -> Observations:
    run = Run(
        tool_version="0.1.0",
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T10:04:00+00:00",
        platforms=list(platforms),
        browser="chromium 140.0 (test)",
        target="meta",
        writes_blocked=0,
        flows=[Source(id="facebook/posts", sha256="0" * 64, checked_on="2026-11-22")],
    )
    return Observations(run=run, observations=list(items), pages=list(pages))


# Three accounts. EU: a mix of everything, objection form offered. US: content private, no form.
# facebook_only: Meta showed its login page, so nothing was read and the region is not known.
CASES = {
    "eu": observations(
        ["facebook", "instagram"],
        seen("fb.future_posts_audience", "public", "Public", flow="facebook/posts"),
        seen("fb.friend_requests", "friends_of_friends", "Friends of friends"),
        unknown("fb.search_engine_link", "login_wall", "Meta showed its login page at /login/"),
        seen("ig.private_account", "off", "Off"),
        not_applicable("ig.search_engine_indexing", "not_found", "shown to professional accounts only"),
        seen("ac.two_factor", "off", "Off"),
        seen("fb.apps_and_websites", 5),
        seen("ac.upload_contacts", 0),
        seen("meta.genai_object_facebook", "offered"),
        not_applicable("meta.ai_chats_for_ads", "no_setting", "a policy, no setting"),
        not_applicable("fb.active_status", "no_web_page", "set from the Messenger menu"),
        not_applicable("fb.location_history", "retired", "Meta ended Location History in 2022"),
        seen("ac.eu_ad_personalisation", "personalized", "Personalized ads"),
        seen("fb.stories_archive", "off", "Off"),
        pages=[
            PageInventory(
                flow="facebook/posts",
                url="https://www.facebook.com/settings/?tab=posts",
                status="ok",
                screenshot="evidence/facebook-posts.png",
            )
        ],
    ),
    "us": observations(
        ["facebook", "instagram"],
        seen("fb.future_posts_audience", "friends", "Friends"),
        seen("ig.private_account", "on", "On"),
        unknown("ac.two_factor", "rate_limited", "You're Temporarily Blocked"),
        seen("meta.genai_object_facebook", "not_offered"),
        not_applicable("meta.ai_chats_for_ads", "no_setting", "a policy, no setting"),
        seen("fb.apps_and_websites", 2),
        seen("ac.upload_contacts", 120),
    ),
    "facebook_only": observations(
        ["facebook"],
        unknown("fb.future_posts_audience", "login_wall", "Meta showed its login page"),
        unknown("meta.genai_object_facebook", "login_wall", "Meta showed its login page"),
    ),
}


@pytest.fixture(scope="module")
def checklist():
    return spec.load_file(CHECKLIST, Checklist, "golden")


def findings_for(case, checklist):
    return evaluate(CASES[case], checklist, evaluated=EVALUATED)


@pytest.mark.parametrize("case", sorted(CASES))
def test_findings_match_golden(case, checklist):
    text = findings_for(case, checklist).model_dump_json(indent=2) + "\n"
    golden.check(GOLDEN / f"{case}.json", text)


@pytest.mark.parametrize(
    "case, check, status, reason",
    [
        ("eu", "posts-not-public", "fail", None),
        ("eu", "friend-requests-limited", "pass", None),
        ("eu", "search-engines-off", "unknown", "login_wall"),
        ("eu", "ig-search-off", "not_applicable", "not_found"),  # a setting only some accounts have
        ("eu", "two-factor-on", "fail", None),
        ("eu", "few-apps", "fail", None),  # 5 apps, at most 3
        ("eu", "no-contacts", "pass", None),  # 0 contacts, at most 0
        ("eu", "content-not-public", "fail", None),  # derived: Facebook posts and Instagram are public
        ("eu", "objection-sent", "manual", None),  # the form is offered: only the person knows if they sent it
        ("eu", "ai-chats-for-ads", "not_applicable", "not_offered_in_region"),
        ("eu", "active-status-off", "manual", None),  # no page shows it, but the person can check it
        ("eu", "location-permission", "not_applicable", "retired"),
        ("eu", "eu-less-personalised-ads", "fail", None),
        ("eu", "stories-archive-off", "pass", None),
        ("us", "content-not-public", "pass", None),
        ("us", "objection-sent", "not_applicable", "not_offered_in_region"),
        ("us", "ai-chats-for-ads", "manual", None),
        ("us", "eu-less-personalised-ads", "not_applicable", "not_offered_in_region"),
        ("us", "two-factor-on", "unknown", "rate_limited"),
        ("us", "friend-requests-limited", "unknown", "not_found"),  # audited platform, but no flow read it
        ("us", "few-apps", "pass", None),
        ("us", "no-contacts", "fail", None),
        ("facebook_only", "ig-private", "not_applicable", None),  # Instagram was not audited
        ("facebook_only", "posts-not-public", "unknown", "login_wall"),
        ("facebook_only", "content-not-public", "unknown", "login_wall"),  # derived from Facebook alone
        ("facebook_only", "objection-sent", "manual", None),  # region not known: the check may apply
        ("facebook_only", "ai-chats-for-ads", "manual", None),
    ],
)
def test_status_of_each_rule(checklist, case, check, status, reason):
    finding = next(f for f in findings_for(case, checklist).findings if f.check == check)
    assert (finding.status, finding.reason) == (status, reason)


def test_titles_follow_the_status(checklist):
    by_check = {f.check: f for f in findings_for("eu", checklist).findings}
    assert by_check["posts-not-public"].title == "Your future posts are public"  # fail: failure title
    assert by_check["friend-requests-limited"].title == "Only friends of friends can send you friend requests"
    assert by_check["objection-sent"].title == "Send the objection form"  # manual: what to do
    assert (
        by_check["search-engines-off"].title == "Search engines do not link to your profile"
    )  # unknown: no claim of failure


def test_region_note_when_the_pages_did_not_tell(checklist):
    finding = next(f for f in findings_for("facebook_only", checklist).findings if f.check == "objection-sent")
    assert finding.detail == "applies only in the EU and EEA and the UK; the pages did not show where you are"


def test_evidence_is_the_screenshot_of_the_page_the_setting_was_read_on(checklist):
    by_check = {f.check: f for f in findings_for("eu", checklist).findings}
    assert by_check["posts-not-public"].evidence == "evidence/facebook-posts.png"
    assert by_check["two-factor-on"].evidence is None


def test_scores_weigh_severity_and_leave_out_what_was_not_read(checklist):
    findings = findings_for("eu", checklist)
    overall = findings.overall
    # pass: friend requests (medium 2) + contacts (medium 2) + stories archive (info 0) = 4
    # fail: posts 3 + Instagram 3 + two-factor 5 + apps 1 + content 3 + EU ads 2 = 17
    assert (overall.passed, overall.failed, overall.unknown, overall.manual, overall.not_applicable) == (3, 6, 1, 2, 3)
    assert overall.score == round(100 * 4 / 21)
    security = next(s for s in findings.scores if s.category == "security")
    assert (security.failed, security.score) == (1, 0)
    assert findings_for("facebook_only", checklist).overall.score is None  # nothing could be read


def test_findings_record_the_region_and_the_checklist(checklist):
    eu, us = findings_for("eu", checklist), findings_for("us", checklist)
    assert (eu.regions, us.regions, findings_for("facebook_only", checklist).regions) == (
        ["EU", "UK"],
        ["OTHER", "US"],
        None,
    )
    assert (eu.checklist.id, eu.checklist.version, eu.checklist.title) == ("golden", "1", "Golden test checklist")
    assert eu.checklist.sha256 == checklist.sha256 and len(eu.checklist.sha256) == 64


@pytest.mark.parametrize(
    "observed, expected",
    [
        ([seen("meta.genai_object_facebook", "offered")], {"EU", "UK"}),
        ([seen("meta.genai_object_instagram", "not_offered")], {"US", "OTHER"}),
        (
            [unknown("meta.genai_object_facebook", "login_wall"), seen("meta.genai_object_instagram", "offered")],
            {"EU", "UK"},
        ),
        ([unknown("meta.genai_object_facebook", "login_wall")], None),
        ([], None),
    ],
)
def test_regions_of(observed, expected):
    assert regions_of(observations(["facebook"], *observed)) == expected


@pytest.mark.parametrize(
    "platforms, observed, status, value",
    [
        (
            ["facebook", "instagram"],
            [seen("fb.future_posts_audience", "friends"), seen("ig.private_account", "on")],
            "observed",
            "not_public",
        ),
        (
            ["facebook", "instagram"],
            [seen("fb.future_posts_audience", "public"), seen("ig.private_account", "on")],
            "observed",
            "public",
        ),
        (
            ["facebook", "instagram"],
            [seen("fb.future_posts_audience", "only_me"), seen("ig.private_account", "off")],
            "observed",
            "public",
        ),
        # One public input is enough to know content is public, even if the other could not be read.
        (
            ["facebook", "instagram"],
            [unknown("fb.future_posts_audience", "error"), seen("ig.private_account", "off")],
            "observed",
            "public",
        ),
        # Not public so far, but one input unread: never claim "not public".
        (
            ["facebook", "instagram"],
            [seen("fb.future_posts_audience", "friends"), unknown("ig.private_account", "checkpoint")],
            "unknown",
            None,
        ),
        (["facebook", "instagram"], [seen("fb.future_posts_audience", "friends")], "unknown", None),
        (["instagram"], [seen("ig.private_account", "on")], "observed", "not_public"),  # only what was audited counts
        (["facebook"], [seen("fb.future_posts_audience", "custom")], "observed", "not_public"),
    ],
)
def test_public_content_exposure(platforms, observed, status, value):
    derived = public_content_exposure({o.setting: o for o in observed}, platforms)
    assert (derived.status, derived.value) == (status, value)
    assert derived.setting == "meta.public_content_exposure"


def test_an_unreadable_input_passes_its_reason_on():
    derived = public_content_exposure(
        {"ig.private_account": unknown("ig.private_account", "checkpoint")}, ["instagram"]
    )
    assert derived.reason == "checkpoint"


@pytest.mark.parametrize("name", SHIPPED)
def test_nothing_unread_is_ever_a_pass(name):
    """Every setting of a shipped checklist unknown, or observed without a value: no check passes."""
    loaded = load_checklist(name)
    settings = sorted({c.setting for c in loaded.spec.checks})
    for make in (lambda s: unknown(s, "error", "boom"), lambda s: seen(s, None)):
        findings = evaluate(observations(["facebook", "instagram"], *[make(s) for s in settings]), loaded)
        assert [f.check for f in findings.findings if f.status == "pass"] == []
        assert findings.overall.passed == 0 and findings.overall.score is None


@pytest.mark.parametrize(
    "expect, value, passes",
    [
        (["on"], "on", True),
        (["on"], True, False),  # a boolean is not the word "on"
        ([1], True, False),
        ([True], 1, False),
        (["3"], 3, False),
    ],
)
def test_values_match_by_type_and_value(expect, value, passes):
    check = Check(
        id="c",
        setting="fb.tag_review",
        expect=expect,
        severity="low",
        category="audience",
        title="t",
        failure_title="f",
        why="w",
        how=["h"],
        sources=["S-chimps"],
    )
    loaded = spec.Loaded(
        "x", Path("x.yml"), "0" * 64, Checklist(id="x", title="x", version="1", description="", checks=[check])
    )
    finding = evaluate(observations(["facebook"], seen("fb.tag_review", value)), loaded).findings[0]
    assert finding.status == ("pass" if passes else "fail")


def test_at_most_needs_a_number():
    check = Check(
        id="c",
        setting="fb.apps_and_websites",
        at_most=3,
        severity="low",
        category="ads-data",
        title="t",
        failure_title="f",
        why="w",
        how=["h"],
        sources=["S-privguide"],
    )
    loaded = spec.Loaded(
        "x", Path("x.yml"), "0" * 64, Checklist(id="x", title="x", version="1", description="", checks=[check])
    )
    statuses = [
        evaluate(observations(["facebook"], seen("fb.apps_and_websites", v)), loaded).findings[0].status
        for v in (0, 3, 4, "2", True)
    ]
    assert statuses == ["pass", "pass", "fail", "fail", "fail"]


def test_cli_evaluate_writes_findings(tmp_path, capsys):
    obs = results.write(tmp_path / "observations.json", CASES["eu"])
    out = tmp_path / "out" / "findings.json"
    assert main(["evaluate", str(obs), "--checklist", str(CHECKLIST), "-o", str(out)]) == 0
    said = capsys.readouterr()
    assert said.out.strip() == str(out)
    written = results.read(out, results.Findings)
    assert [f.status for f in written.findings] == [
        f.status for f in findings_for("eu", spec.load_file(CHECKLIST, Checklist, "golden")).findings
    ]
    # The report embeds only screenshots beside findings.json: another folder is worth a note.
    assert said.err.startswith(f"note: the screenshots are beside {obs}")
    assert main(["evaluate", str(obs), "--checklist", str(CHECKLIST), "-o", str(tmp_path / "findings.json")]) == 0
    assert capsys.readouterr().err == ""


def test_cli_evaluate_with_a_shipped_checklist_by_name(tmp_path, capsys):
    obs = results.write(tmp_path / "observations.json", CASES["us"])
    assert main(["evaluate", str(obs), "--checklist", "ai-training", "-o", str(tmp_path / "findings.json")]) == 0
    written = results.read(tmp_path / "findings.json", results.Findings)
    assert written.checklist.id == "ai-training"
    assert {f.check: f.status for f in written.findings}["ai-chats-used-for-ads"] == "manual"
