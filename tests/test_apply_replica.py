"""auditor apply on the replica's demo account, end to end: every change made, proved, and undone.

Witnesses are the replica's own: its write log (exactly one write per change, which setting to
which value, and nothing else) and a fresh audit of the account. Few whole applies run here,
since each one costs a browser, a login and a page load per change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
from conftest import ctrl_c_twice, start_auditor, wait_until
from json_schemas import validate_folder

from auditor import data, results
from auditor.apply import record, stage
from auditor.apply.schema import load_changes
from auditor.consistency import load_checklist
from auditor.drift import compare
from auditor.evaluate import evaluate
from auditor.results import Findings, Observations
from auditor.session.way_in import Credentials
from auditor.stages import FlowSet, Options, run
from auditor.target import Target
from tests.test_apply import flows_with

INSTAGRAM_PRIVACY = data.flows_dir() / "instagram" / "account_privacy.yml"

pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.long]


def own_thread(call, *args, **kwargs):
    """Run a stage that starts its own Playwright in a thread of its own: pytest-playwright's Playwright may
    already run in this worker's thread (a module that used its `browser`), and two cannot share one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call, *args, **kwargs).result()


def options_for(replica) -> Options:
    account = replica.store.accounts["demo"]
    credentials = Credentials(account.email, account.password, account.totp_secret)
    return Options(target=Target(replica.url), credentials=credentials, evidence=False)


def audit(replica, out: Path) -> Observations:
    return own_thread(run, ["facebook", "instagram"], out, options_for(replica)).observations


@pytest.fixture(scope="module")
def first_audit(replica_server, tmp_path_factory) -> Path:
    """The demo account audited as seeded: its folder holds observations.json and findings.json."""
    replica_server.reset()
    out = tmp_path_factory.mktemp("first-audit")
    audit(replica_server, out)
    assert replica_server.writes() == []
    return out


def apply(replica, given: stage.Input, out: Path, only=None) -> record.Applied:
    changes = [p for p in given.plan.changes if only is None or p.check in only]
    return own_thread(stage.run_plan, given, changes, out, options_for(replica), FlowSet.load(), say=lambda line: None)


def writes_of(replica) -> list[tuple[str, str, bool]]:
    return [(w.setting, w.value, w.accepted) for w in replica.writes()]


def web_fixable(findings: Findings) -> list[str]:
    changes = load_changes(FlowSet.load().flows)
    return [
        x.check
        for x in findings.findings
        if x.status == "fail"
        and x.setting in changes
        and set(map(str, x.recommended)) & set(changes[x.setting].change.to)
    ]


# ---------------------------------------------------------------------- the whole plan, and an undo
# One scope (no classes): the test runner gives a module's tests to one worker (--dist loadscope), so the
# first audit is made once; the module is marked long, so it starts first.
def test_the_default_plan_is_applied_verified_and_leaves_nothing_web_fixable(replica, first_audit, tmp_path):
    given = stage.plan_apply(first_audit / "findings.json", FlowSet.load())
    assert len(given.plan.changes) > 40
    applied = apply(replica, given, tmp_path / "applied")

    assert [c.status for c in applied.changes] == ["verified"] * len(given.plan.changes)
    assert applied.complete and applied.writes_sent == len(applied.changes) and applied.writes_blocked == 0
    assert writes_of(replica) == [(c.setting, c.wanted, True) for c in applied.changes]  # one each, nothing else
    assert record.load(tmp_path / "applied" / "apply.json") == applied
    report = (tmp_path / "applied" / "report.html").read_text()
    assert report.count("Changed by auditor on ") == len(applied.changes)

    audit(replica, tmp_path / "again")
    assert web_fixable(results.read(tmp_path / "again" / "findings.json", Findings)) == []
    assert validate_folder(tmp_path) == {"apply": 1, "observations": 1, "findings": 1}  # the published schemas


def test_a_change_of_each_kind_of_control_is_undone_exactly(replica, first_audit, tmp_path):
    """An audience, a switch, a choice, radios, a review dialog and Instagram's confirmation, then --undo."""
    flow_set = FlowSet.load()
    given = stage.plan_apply(first_audit / "findings.json", flow_set)
    kinds = {s.id: s.read for f in flow_set.flows for s in f.spec.settings}
    one_each: dict[str, str] = {"confirm": "ig-private-account"}
    for planned in given.plan.changes:
        one_each.setdefault(kinds[planned.setting], planned.check)
    assert len(one_each) >= 5, one_each
    applied = apply(replica, given, tmp_path / "applied", list(one_each.values()))
    changed = [c for c in applied.changes if c.status != "declined"]
    assert [c.status for c in changed] == ["verified"] * len(one_each)

    written = len(replica.writes())
    undone = own_thread(
        stage.run_plan,
        stage.plan_undo(tmp_path / "applied" / "apply.json", flow_set),
        [],
        tmp_path / "undo",
        options_for(replica),
        flow_set,
        say=lambda line: None,
    )
    assert undone.changes and {c.status for c in undone.changes} == {"declined"}  # no consent, no change
    assert len(replica.writes()) == written

    given_undo = stage.plan_undo(tmp_path / "applied" / "apply.json", flow_set)
    undone = apply(replica, given_undo, tmp_path / "undo")
    assert [c.status for c in undone.changes] == ["verified"] * len(changed)
    assert {(c.setting, c.wanted) for c in undone.changes} == {(c.setting, c.before) for c in changed}
    assert validate_folder(tmp_path / "undo") == {"undo": 1}  # apply's published schema
    report = (tmp_path / "undo" / "report.html").read_text()  # no longer says a setting is changed
    assert report.count("and put back on ") == report.count("Changed by auditor on ") == len(changed)

    restored = audit(replica, tmp_path / "restored")
    first = results.read(first_audit / "observations.json", Observations)
    assert compare(first, restored).changes == []  # drift of values: none
    assert {o.setting: o.value for o in restored.observations} == {o.setting: o.value for o in first.observations}


def test_the_at_risk_plan_is_applied_and_verified_with_one_write_each(replica, first_audit, tmp_path):
    """The at-risk checklist's own targets: the changes its plan makes that the default plan (applied whole
    above) does not, such as "Only me" where the default asks for "Friends"."""
    observations = results.read(first_audit / "observations.json", Observations)
    results.write(tmp_path / "findings.json", evaluate(observations, load_checklist("at-risk")))
    flow_set = FlowSet.load()
    given = stage.plan_apply(tmp_path / "findings.json", flow_set)
    default = {(p.setting, p.wanted) for p in stage.plan_apply(first_audit / "findings.json", flow_set).plan.changes}
    own = [p.check for p in given.plan.changes if (p.setting, p.wanted) not in default]
    assert len(own) >= 5, own
    applied = apply(replica, given, tmp_path / "applied", own)
    changed = [c for c in applied.changes if c.status != "declined"]
    assert [c.status for c in changed] == ["verified"] * len(own)
    assert writes_of(replica) == [(c.setting, c.wanted, True) for c in changed]


# ---------------------------------------------------------------------- faults: each reported, nothing else written
FACEBOOK_THREE = ["fb-future-posts-not-public", "fb-friend-requests-limited", "fb-search-engines-off"]


def test_a_save_that_fails_is_reported_and_the_rest_go_on(replica, first_audit, tmp_path):
    replica.knobs.set("write_error:fb.friend_requests")
    applied = apply(replica, stage.plan_apply(first_audit / "findings.json", FlowSet.load()), tmp_path, FACEBOOK_THREE)
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert [c.status for c in by.values()] == ["verified", "not_verified", "verified"]
    assert "HTTP 500" in by["fb.friend_requests"].detail and by["fb.friend_requests"].after == "everyone"
    assert writes_of(replica) == [
        ("fb.future_posts_audience", "friends", True),
        ("fb.friend_requests", "friends_of_friends", False),  # never retried
        ("fb.search_engine_link", "off", True),
    ]
    assert not applied.complete


def test_a_dialog_that_never_closes_stops_the_apply(replica, first_audit, tmp_path):
    replica.knobs.set("write_stuck:fb.friend_requests")
    applied = apply(replica, stage.plan_apply(first_audit / "findings.json", FlowSet.load()), tmp_path, FACEBOOK_THREE)
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert by["fb.future_posts_audience"].status == "verified"
    assert "no answer" in by["fb.friend_requests"].detail and applied.stopped
    assert by["fb.search_engine_link"].status == "not_attempted"
    assert [w[0] for w in writes_of(replica)] == ["fb.future_posts_audience", "fb.friend_requests"]


def test_a_checkpoint_after_the_second_change_stops_the_rest(replica, first_audit, tmp_path):
    replica.knobs.set("checkpoint:2")
    only = FACEBOOK_THREE + ["fb-stories-not-public"]
    applied = apply(replica, stage.plan_apply(first_audit / "findings.json", FlowSet.load()), tmp_path, only)
    statuses = [c.status for c in applied.changes if c.status != "declined"]
    assert statuses == ["verified", "not_verified", "not_attempted", "not_attempted"]
    assert "security check" in applied.stopped and len(replica.writes()) == 2
    assert (tmp_path / "apply.json").exists()


def test_a_rate_limit_page_stops_the_apply_and_leaves_its_setting_alone(replica, first_audit, tmp_path):
    replica.knobs.set("ratelimit:fb_find_and_contact")  # the page of the second change shows Meta's block page
    applied = apply(replica, stage.plan_apply(first_audit / "findings.json", FlowSet.load()), tmp_path, FACEBOOK_THREE)
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert [c.status for c in by.values()] == ["verified", "not_attempted", "not_attempted"]
    assert "rate-limit page" in by["fb.friend_requests"].detail
    assert "rate-limited the account" in applied.stopped and not applied.complete
    assert writes_of(replica) == [("fb.future_posts_audience", "friends", True)]  # nothing sent on the blocked page


@pytest.mark.parametrize("variant", ["checkbox", "divswitch"])
def test_a_boolean_is_flipped_whatever_control_the_page_draws_it_with(replica, first_audit, tmp_path, variant):
    """Meta draws booleans as native switches, `div`s with role switch and plain labelled checkboxes."""
    replica.knobs.set(f"{variant}:fb.search_engine_link")
    given = stage.plan_apply(first_audit / "findings.json", FlowSet.load())
    applied = apply(replica, given, tmp_path, ["fb-search-engines-off"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert (change.status, change.after) == ("verified", "off"), change.detail
    assert writes_of(replica) == [("fb.search_engine_link", "off", True)]


def test_a_stray_write_during_a_change_is_blocked_and_counted(replica, first_audit, tmp_path):
    replica.knobs.set("stray:fb_find_and_contact")
    given = stage.plan_apply(first_audit / "findings.json", FlowSet.load())
    applied = apply(replica, given, tmp_path, ["fb-friend-requests-limited"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert change.status == "verified" and change.writes == ["POST CometSettingsPrivacySelectorMutation"]
    assert change.blocked == ["POST CometSettingsToggleMutation"] and applied.writes_blocked == 1
    assert writes_of(replica) == [("fb.friend_requests", "friends_of_friends", True)]


def test_a_value_changed_since_the_audit_is_left_alone(replica, first_audit, tmp_path):
    replica.store.set("demo", "fb.future_posts_audience", "only_me")
    given = stage.plan_apply(first_audit / "findings.json", FlowSet.load())
    applied = apply(replica, given, tmp_path, ["fb-future-posts-not-public"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert change.status == "dropped" and change.before == "only_me" and "since the audit" in change.detail
    assert replica.writes() == []


# ---------------------------------------------------------------------- consent on the command line
def auditor(*args: str) -> subprocess.CompletedProcess:
    """`auditor ARGS` with no terminal on stdin, as in CI."""
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )


def test_without_a_terminal_or_yes_nothing_is_changed(replica, first_audit, tmp_path):
    done = auditor("apply", str(first_audit / "findings.json"), "--replica", replica.url, "-o", str(tmp_path / "x"))
    assert done.returncode == 2 and "no terminal to ask for your consent" in done.stderr
    assert replica.writes() == [] and not (tmp_path / "x").exists()


def test_a_dry_run_prints_the_plan_and_changes_nothing(replica, first_audit, tmp_path):
    done = auditor("apply", str(first_audit / "findings.json"), "--dry-run", "--yes", "--replica", replica.url)
    assert done.returncode == 0 and "fb.future_posts_audience: Public -> Friends" in done.stdout
    assert "to do yourself" in done.stdout and replica.writes() == []
    assert not (first_audit / "apply.json").exists()


def test_a_confirmation_the_flow_does_not_know_stops_the_apply_unanswered(replica, first_audit, tmp_path):
    flows = flows_with(tmp_path, '      - confirm: {en_US: "Switch to private"', "      # ", INSTAGRAM_PRIVACY)
    flow_set = FlowSet.load(flows)
    given = stage.plan_apply(first_audit / "findings.json", flow_set)
    agreed = [p for p in given.plan.changes if p.check in ("ig-private-account", "ig-activity-status-off")]
    applied = own_thread(
        stage.run_plan, given, agreed, tmp_path / "out", options_for(replica), flow_set, say=lambda line: None
    )
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert by["ig.private_account"].status == "not_verified" and by["ig.private_account"].after == "off"
    assert "does not know" in applied.stopped and by["ig.activity_status"].status == "not_attempted"
    assert replica.writes() == []  # the dialog was dismissed, never answered


def start_apply_of_two(replica, first_audit: Path, out: Path):
    """`auditor apply --yes` of the first two Facebook changes, in a process of its own (for Ctrl-C)."""
    account = replica.store.accounts["demo"]
    env = {**os.environ, "AUDITOR_EMAIL": account.email, "AUDITOR_PASSWORD": account.password}
    args = ["apply", str(first_audit / "findings.json"), "--yes", "--replica", replica.url, "-o", str(out)]
    return start_auditor(*args, "--only", FACEBOOK_THREE[0], "--only", FACEBOOK_THREE[1], env=env)


def test_ctrl_c_finishes_the_change_in_progress_and_writes_apply_json(replica, first_audit, tmp_path):
    """Ctrl-C lands once the first change is saved, while its page reloads for the read-back (held 2 s): that
    change ends, read back, the rest are not attempted, and apply.json says so."""
    replica.knobs.set("slow:fb_posts:2000")
    process = start_apply_of_two(replica, first_audit, tmp_path)
    try:
        wait_until(lambda: len(replica.writes()) == 1)  # saved; the read-back's page load is held
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        process.kill()
    applied = record.load(tmp_path / "apply.json")
    done = [c for c in applied.changes if c.status != "declined"]
    assert [c.setting for c in done] == ["fb.future_posts_audience", "fb.friend_requests"]
    assert (done[0].status, done[0].after) == ("verified", "friends")
    assert done[1].status == "not_attempted" and applied.interrupted
    assert process.returncode == 1 and "Traceback" not in err
    assert [w.setting for w in replica.writes()] == ["fb.future_posts_audience"]


def test_a_second_ctrl_c_after_a_save_was_sent_says_so_and_lists_the_write(replica, first_audit, tmp_path):
    """The second Ctrl-C lands once a change's save went out, while its answer is held (30 s): that change is
    not verified, its write is listed, and apply.json says to check it; the rest are not attempted."""
    replica.knobs.set("write_stuck:fb.future_posts_audience")
    process = start_apply_of_two(replica, first_audit, tmp_path)
    try:
        wait_until(lambda: len(replica.writes()) == 1)  # received; its answer is held
        err, reader = ctrl_c_twice(process)
        process.wait(timeout=60)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    reader.join(timeout=10)
    applied = record.load(tmp_path / "apply.json")
    done = [c for c in applied.changes if c.status != "declined"]
    assert [(c.setting, c.status) for c in done] == [
        ("fb.future_posts_audience", "not_verified"),
        ("fb.friend_requests", "not_attempted"),
    ]
    assert "check it" in done[0].detail and done[0].writes == ["POST CometSettingsPrivacySelectorMutation"]
    assert process.returncode == 1 and applied.interrupted, "".join(err)
    assert [w.setting for w in replica.writes()] == ["fb.future_posts_audience"]
