"""auditor apply on the replica's demo account, end to end: every change made, proved, and undone.

Witnesses are the replica's own: its write log (exactly one write per change, which setting to
which value, and nothing else) and a fresh audit of the account. Few whole applies run here,
since each one costs a browser, a login and a page load per change.
"""

from __future__ import annotations

import os
import re
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
from auditor.apply import plan as plans
from auditor.apply import record, stage
from auditor.apply.schema import load_changes
from auditor.consistency import load_checklist
from auditor.drift import compare
from auditor.errors import InputError
from auditor.evaluate import evaluate
from auditor.history import default_path
from auditor.history.pseudonym import account_key, account_of
from auditor.results import Account, Findings, Observations, now
from auditor.session.way_in import Credentials
from auditor.stages import FlowSet, Options, run
from auditor.target import Target
from tests.test_apply import flows_with, some_findings

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
    owner = results.read(first_audit / "findings.json", Findings).run.account
    assert owner is not None and owner.site == replica.url and set(owner.ids) == {"facebook", "instagram"}
    assert applied.account == owner  # the pages showed the audit's account before the first change
    report = (tmp_path / "applied" / "report.html").read_text()
    n = len(applied.changes)
    assert report.count("Changed by auditor on ") == n and report.count(", verified</strong>") == n

    audit(replica, tmp_path / "again")
    again = results.read(tmp_path / "again" / "findings.json", Findings)
    assert web_fixable(again) == []
    # The published schemas; the apply's folder keeps its findings too, the changes with them (its report's input).
    assert validate_folder(tmp_path) == {"apply": 1, "observations": 1, "findings": 2}
    # The marked report is the audit with the changes marked, and its counts and answers are those after them:
    # the same as the audit after the changes says.
    assert f"with the {n} changes auditor made at your request on " in report
    assert f"<strong>{sum(x.status == 'fail' for x in again.findings)}</strong> to change" in report
    footer = report[report.index("<footer>") :]
    assert f"auditor changed {n} settings at your request on " in footer
    assert f", {n} verified; requests sent: {n}" in footer and "never changes" not in report
    assert report.count("Requests that change settings") == 1
    ai_answer = report[report.index('id="ai-answer"') :].split("</section>", 1)[0]
    assert "Not your new posts: they are not public" in ai_answer and "Make your content non-public" not in ai_answer
    before = (first_audit / "report.html").read_text()  # the counterpart: before the changes it said to make them
    assert "Make your content non-public" in before[before.index('id="ai-answer"') :].split("</section>", 1)[0]
    assert "An audit: auditor read your settings on " in before

    words = given.words(FlowSet.load().vocabulary)
    said = stage.summary(given, applied, tmp_path / "applied", words)
    assert f"auditor changed {n} settings at your request, {n} verified after a reload." in said
    assert f"Changed and verified ({n}):" in said
    assert "Facebook · Who can see your future posts?: Public -> Friends" in said
    assert "Left for you (" in said and "Two-factor authentication is off" in said
    assert str(tmp_path / "applied" / "apply.json") in said and str(tmp_path / "applied" / "report.html") in said
    assert not re.search(r"\b(fb|ig|ac|meta)\.[a-z_]+", said)  # no setting ids


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
    assert validate_folder(tmp_path / "undo") == {"undo": 1, "findings": 1}  # apply's published schemas
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
def auditor(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`auditor ARGS` with no terminal on stdin, as in CI."""
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_without_a_terminal_or_yes_nothing_is_changed(replica, first_audit, tmp_path):
    done = auditor("apply", str(first_audit / "findings.json"), "--replica", replica.url, "-o", str(tmp_path / "x"))
    assert done.returncode == 2 and "no terminal to ask for your consent" in done.stderr
    assert replica.writes() == [] and not (tmp_path / "x").exists()


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


def test_a_save_answered_but_not_kept_is_not_verified(replica, first_audit, tmp_path):
    """Meta answers the save as done and keeps nothing: only the read-back after a reload can tell."""
    replica.knobs.set("write_lost:fb.friend_requests")
    given = stage.plan_apply(first_audit / "findings.json", FlowSet.load())
    applied = apply(replica, given, tmp_path, ["fb-friend-requests-limited"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert (change.status, change.before, change.after) == ("not_verified", "everyone", "everyone")
    assert change.detail == "after a reload the page shows Everyone" and not applied.complete
    assert writes_of(replica) == [("fb.friend_requests", "friends_of_friends", True)]  # answered as made
    assert replica.store.get("demo", "fb.friend_requests") == "everyone"
    marked = (tmp_path / "report.html").read_text()
    assert "not verified: after a reload the page shows Everyone" in marked and ", verified" not in marked


def test_a_dry_run_with_a_logged_in_session_prints_the_plan_and_changes_nothing(replica, first_audit, tmp_path):
    """The test account's login is there (the same command without --dry-run logs in and changes the setting),
    and a dry run neither logs in nor sends anything."""
    account = replica.store.accounts["demo"]
    env = {**os.environ, "AUDITOR_EMAIL": account.email, "AUDITOR_PASSWORD": account.password}
    findings = str(first_audit / "findings.json")
    command = ["apply", findings, "--yes", "--replica", replica.url, "--only", "fb-future-posts-not-public"]
    dry = auditor(*command, "--dry-run", "-o", str(tmp_path / "dry"), env=env)
    assert dry.returncode == 0 and "Facebook · Who can see your future posts?: Public -> Friends" in dry.stdout
    assert "fb.future_posts_audience" not in dry.stdout  # a person reads the setting's label, never its id
    assert replica.writes() == [] and replica.store.logins() == [] and not (tmp_path / "dry").exists()

    done = auditor(*command, "-o", str(tmp_path / "made"), env=env)  # the counterpart: the login works
    assert done.returncode == 0, done.stderr
    assert [outcome for _site, _who, outcome in replica.store.logins()] == ["ok", "ok"]
    assert writes_of(replica) == [("fb.future_posts_audience", "friends", True)]
    assert "Changed and verified (1):\n  - Facebook · Who can see your future posts?: Public -> Friends" in done.stdout


# ---------------------------------------------------------------------- whose account: checked before any change
def named(replica, account_id: str, site: str | None = None) -> Account:
    """The replica account as findings.json and apply.json name it (keyed hashes, with this test session's key)."""
    uid = replica.store.accounts[account_id].uid
    cookies = [
        {"name": "c_user", "domain": ".facebook.com", "value": uid},
        {"name": "ds_user_id", "domain": ".instagram.com", "value": uid},
    ]
    return account_of(cookies, site or Target(replica.url).site, account_key(default_path()))


def one_change_made_on(account: Account | None) -> record.Applied:
    """apply.json of one change (future posts, Public to Friends) that an apply made on `account`."""
    plan = plans.from_findings(some_findings(), load_changes(FlowSet.load().flows), ["fb-future-posts-not-public"])
    change = plan.changes[0].record(
        "verified", before="public", after="friends", time=now(), writes=["POST CometSettingsPrivacySelectorMutation"]
    )
    return record.Applied(
        tool_version="test",
        started=now(),
        platforms=["facebook", "instagram"],
        source="gone/findings.json",
        account=account,
        changes=[change],
    )


def undo_as(replica, account_id: str, applied: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    """`auditor apply --undo APPLIED --yes` logged in to a replica account (its login from the environment)."""
    account = replica.store.accounts[account_id]
    env = {**os.environ, "AUDITOR_EMAIL": account.email, "AUDITOR_PASSWORD": account.password}
    return auditor("apply", "--undo", str(applied), "--yes", "-o", str(out), *more, env=env)


def error_lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("auditor: error:")]


class TestWhoseAccount:
    """An undo in another account, on another site, or of a file edited to name another account sends nothing:
    exit 2 and one line saying whose account the file belongs to. (A class: another worker may take it.)"""

    def test_an_undo_logged_in_to_another_account_is_refused(self, replica, tmp_path):
        demo, other = named(replica, "demo"), named(replica, "us")
        path = record.save(tmp_path / "apply.json", one_change_made_on(demo))
        for account in ("demo", "us"):  # as the apply left it: an undo would put Public back
            replica.store.set(account, "fb.future_posts_audience", "friends")
        refused = undo_as(replica, "us", path, tmp_path / "refused", "--replica", replica.url)
        assert refused.returncode == 2 and len(error_lines(refused)) == 1, refused.stderr
        assert f"the file belongs to account {demo.pseudonym} on the replica at {replica.url}" in refused.stderr
        assert f"the browser is logged in to account {other.pseudonym}: nothing was changed" in refused.stderr
        assert [outcome for _site, _who, outcome in replica.store.logins()] == ["ok", "ok"]  # refused once logged in
        assert replica.writes() == [] and not (tmp_path / "refused" / "undo.json").exists()

        undone = undo_as(replica, "demo", path, tmp_path / "undone", "--replica", replica.url)  # its own account
        assert undone.returncode == 0, undone.stderr
        assert writes_of(replica) == [("fb.future_posts_audience", "public", True)]
        assert record.load(tmp_path / "undone" / "undo.json").account == demo

    def test_a_file_of_the_replica_undone_on_meta_or_the_reverse_is_refused_before_any_login(self, replica, tmp_path):
        on_meta = record.save(tmp_path / "meta.json", one_change_made_on(named(replica, "demo", site="meta")))
        refused = undo_as(replica, "demo", on_meta, tmp_path / "x", "--replica", replica.url)
        assert refused.returncode == 2 and len(error_lines(refused)) == 1, refused.stderr
        assert f"on Meta's sites, and this run is on the replica at {replica.url}: nothing" in refused.stderr

        on_replica = record.save(tmp_path / "replica.json", one_change_made_on(named(replica, "demo")))
        to_meta = undo_as(replica, "demo", on_replica, tmp_path / "x")  # no --replica: Meta's own sites
        assert to_meta.returncode == 2 and len(error_lines(to_meta)) == 1, to_meta.stderr
        assert f"on the replica at {replica.url}, and this run is on Meta's sites: nothing" in to_meta.stderr
        assert replica.store.logins() == [] and replica.writes() == []  # no browser even started
        # A demo's replica, and a file that names no account: tests/test_apply.py (no browser either).

    def test_a_file_edited_to_name_another_account_is_refused(self, replica, tmp_path):
        demo, other = named(replica, "demo"), named(replica, "us")
        text = record.save(tmp_path / "apply.json", one_change_made_on(demo)).read_text()
        for field in ("facebook", "instagram", "pseudonym"):  # the hashes whole first: the pseudonym starts one
            mine = demo.pseudonym if field == "pseudonym" else demo.ids[field]
            theirs = other.pseudonym if field == "pseudonym" else other.ids[field]
            assert mine in text
            text = text.replace(mine, theirs)
        (tmp_path / "apply.json").write_text(text)
        replica.store.set("demo", "fb.future_posts_audience", "friends")  # an undo would put Public back
        given = stage.plan_undo(tmp_path / "apply.json", FlowSet.load())
        assert given.account == other
        with pytest.raises(
            InputError, match=f"belongs to account {other.pseudonym} .* logged in to account {demo.pseudonym}"
        ):
            own_thread(
                stage.run_plan, given, given.plan.changes, tmp_path / "undo", options_for(replica), FlowSet.load()
            )
        assert replica.writes() == [] and not (tmp_path / "undo" / "undo.json").exists()
