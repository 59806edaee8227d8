"""auditor apply on the replica's demo account when things go wrong, and on the command line: a save that fails,
a dialog that never closes, a checkpoint, a rate limit, a stray write, a value changed since the audit; consent,
Ctrl-C, a dry run; an undo in the wrong account. Each applies a few changes from the findings an audit of the
seeded account writes (tests/applying.py), and the replica's write log says what reached it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from applying import apply, logged_in_as, named, seeded_findings, writes_of
from conftest import Running, cli_env, run_auditor, wait_until

from auditor import data
from auditor.apply import plan as plans
from auditor.apply import record, stage
from auditor.apply.schema import load_changes
from auditor.cli import main
from auditor.errors import InputError
from auditor.options import FlowSet
from auditor.results import Account, now
from tests.test_apply import flows_with, some_findings

INSTAGRAM_PRIVACY = data.flows_dir() / "instagram" / "account_privacy.yml"

pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.long]


@pytest.fixture(scope="module")
def seeded(replica_server, tmp_path_factory) -> Path:
    """The folder of findings.json as an audit of the seeded demo account's Facebook writes it (the changes below
    are on Facebook: an apply logs in there only)."""
    folder = tmp_path_factory.mktemp("seeded")
    seeded_findings(replica_server, folder, platforms=("facebook",))
    return folder


@pytest.fixture
def given(seeded) -> stage.Input:
    """The plan `auditor apply` makes from the seeded findings."""
    return stage.plan_apply(seeded / "findings.json", FlowSet.load())


# ---------------------------------------------------------------------- faults: each reported, nothing else written
FACEBOOK_THREE = ["fb-future-posts-not-public", "fb-friend-requests-limited", "fb-search-engines-off"]


def test_a_save_that_fails_is_reported_and_the_rest_go_on(browser, replica, given, tmp_path):
    replica.knobs.set("write_error:fb.friend_requests")
    applied = apply(browser, replica, given, tmp_path, FACEBOOK_THREE)
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert [c.status for c in by.values()] == ["verified", "not_verified", "verified"]
    assert "HTTP 500" in by["fb.friend_requests"].detail and by["fb.friend_requests"].after == "everyone"
    assert writes_of(replica) == [
        ("fb.future_posts_audience", "friends", True),
        ("fb.friend_requests", "friends_of_friends", False),  # never retried
        ("fb.search_engine_link", "off", True),
    ]
    assert not applied.complete


def test_a_dialog_that_never_closes_stops_the_apply(browser, replica, given, tmp_path):
    replica.knobs.set("write_stuck:fb.friend_requests")
    applied = apply(browser, replica, given, tmp_path, FACEBOOK_THREE)
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert by["fb.future_posts_audience"].status == "verified"
    assert "no answer" in by["fb.friend_requests"].detail and applied.stopped
    assert by["fb.search_engine_link"].status == "not_attempted"
    assert [w[0] for w in writes_of(replica)] == ["fb.future_posts_audience", "fb.friend_requests"]


def test_a_checkpoint_after_the_second_change_stops_the_rest(browser, replica, given, tmp_path):
    replica.knobs.set("checkpoint:2")
    only = FACEBOOK_THREE + ["fb-stories-not-public"]
    applied = apply(browser, replica, given, tmp_path, only)
    statuses = [c.status for c in applied.changes if c.status != "declined"]
    assert statuses == ["verified", "not_verified", "not_attempted", "not_attempted"]
    assert "security check" in applied.stopped and len(replica.writes()) == 2
    assert (tmp_path / "apply.json").exists()


def test_a_rate_limit_page_stops_the_apply_and_leaves_its_setting_alone(browser, replica, given, tmp_path):
    replica.knobs.set("ratelimit:fb_find_and_contact")  # the page of the second change shows Meta's block page
    applied = apply(browser, replica, given, tmp_path, FACEBOOK_THREE)
    by = {c.setting: c for c in applied.changes if c.status != "declined"}
    assert [c.status for c in by.values()] == ["verified", "not_attempted", "not_attempted"]
    assert "rate-limit page" in by["fb.friend_requests"].detail
    assert "rate-limited the account" in applied.stopped and not applied.complete
    assert writes_of(replica) == [("fb.future_posts_audience", "friends", True)]  # nothing sent on the blocked page


@pytest.mark.parametrize("variant", ["checkbox", "divswitch"])
def test_a_boolean_is_flipped_whatever_control_the_page_draws_it_with(browser, replica, given, tmp_path, variant):
    """Meta draws booleans as native switches, `div`s with role switch and plain labelled checkboxes."""
    replica.knobs.set(f"{variant}:fb.search_engine_link")
    applied = apply(browser, replica, given, tmp_path, ["fb-search-engines-off"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert (change.status, change.after) == ("verified", "off"), change.detail
    assert writes_of(replica) == [("fb.search_engine_link", "off", True)]


def test_a_stray_write_during_a_change_is_blocked_and_counted(browser, replica, given, tmp_path):
    replica.knobs.set("stray:fb_find_and_contact")
    applied = apply(browser, replica, given, tmp_path, ["fb-friend-requests-limited"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert change.status == "verified" and change.writes == ["POST CometSettingsPrivacySelectorMutation"]
    assert change.blocked == ["POST CometSettingsToggleMutation"] and applied.writes_blocked == 1
    assert writes_of(replica) == [("fb.friend_requests", "friends_of_friends", True)]


def test_a_value_changed_since_the_audit_is_left_alone(browser, replica, given, tmp_path):
    replica.store.set("demo", "fb.future_posts_audience", "only_me")
    applied = apply(browser, replica, given, tmp_path, ["fb-future-posts-not-public"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert change.status == "dropped" and change.before == "only_me" and "since the audit" in change.detail
    assert replica.writes() == []


def test_a_save_answered_but_not_kept_is_not_verified(browser, replica, given, tmp_path):
    """Meta answers the save as done and keeps nothing: only the read-back after a reload can tell."""
    replica.knobs.set("write_lost:fb.friend_requests")
    applied = apply(browser, replica, given, tmp_path, ["fb-friend-requests-limited"])
    change = next(c for c in applied.changes if c.status != "declined")
    assert (change.status, change.before, change.after) == ("not_verified", "everyone", "everyone")
    assert change.detail == "after a reload the page shows Everyone" and not applied.complete
    assert writes_of(replica) == [("fb.friend_requests", "friends_of_friends", True)]  # answered as made
    assert replica.store.get("demo", "fb.friend_requests") == "everyone"
    marked = (tmp_path / "report.html").read_text()
    assert "not verified: after a reload the page shows Everyone" in marked and ", verified" not in marked


# ---------------------------------------------------------------------- consent on the command line
def apply_of_two(replica, seeded: Path, out: Path) -> Running:
    """`auditor apply --yes` of the first two Facebook changes, in a process of its own (for Ctrl-C)."""
    only = ("--only", FACEBOOK_THREE[0], "--only", FACEBOOK_THREE[1])
    args = ["apply", seeded / "findings.json", "--yes", *only, "--replica", replica.url, "-o", out]
    return Running(*args, env=logged_in_as(replica, "demo", out))


class TestOnTheCommandLine:
    """`auditor apply` as a person or CI runs it: consent, Ctrl-C, a dry run. (A class: another worker may take it.)"""

    def test_without_a_terminal_or_yes_nothing_is_changed(self, replica, seeded, tmp_path):
        done = run_auditor(
            "apply", seeded / "findings.json", "--replica", replica.url, "-o", tmp_path / "x", env=cli_env(tmp_path)
        )
        assert done.returncode == 2 and "no terminal to ask for your consent" in done.stderr
        assert replica.writes() == [] and not (tmp_path / "x").exists()

    def test_a_confirmation_the_flow_does_not_know_stops_the_apply_unanswered(self, browser, replica, seeded, tmp_path):
        flows = flows_with(tmp_path, '      - confirm: {en_US: "Switch to private"', "      # ", INSTAGRAM_PRIVACY)
        flow_set = FlowSet.load(flows)
        instagram = seeded_findings(replica, tmp_path / "instagram", platforms=("instagram",))
        given = stage.plan_apply(instagram, flow_set)
        agreed = ("ig-private-account", "ig-activity-status-off")
        applied = apply(browser, replica, given, tmp_path / "out", agreed, flow_set)
        by = {c.setting: c for c in applied.changes if c.status != "declined"}
        assert by["ig.private_account"].status == "not_verified" and by["ig.private_account"].after == "off"
        assert "does not know" in applied.stopped and by["ig.activity_status"].status == "not_attempted"
        assert replica.writes() == []  # the dialog was dismissed, never answered

    def test_ctrl_c_finishes_the_change_in_progress_and_writes_apply_json(self, replica, seeded, tmp_path):
        """Ctrl-C lands once the first change's save was received, its answer held until auditor said it heard the
        Ctrl-C: that change ends, read back, the rest are not attempted, and apply.json says so."""
        replica.knobs.set("hold:fb.future_posts_audience")
        with apply_of_two(replica, seeded, tmp_path) as running:
            wait_until(lambda: len(replica.writes()) == 1)  # received; its answer is held
            running.ctrl_c()
            running.wait_for("Ctrl-C again")  # heard: it stops after the change in progress
            replica.let_go()
            code, _, err = running.finish()
        applied = record.load(tmp_path / "apply.json")
        done = [c for c in applied.changes if c.status != "declined"]
        assert [c.setting for c in done] == ["fb.future_posts_audience", "fb.friend_requests"]
        assert (done[0].status, done[0].after) == ("verified", "friends")
        assert done[1].status == "not_attempted" and applied.interrupted
        assert code == 1 and "Traceback" not in err
        assert [w.setting for w in replica.writes()] == ["fb.future_posts_audience"]

    def test_a_second_ctrl_c_after_a_save_was_sent_says_so_and_lists_the_write(self, replica, seeded, tmp_path):
        """The second Ctrl-C lands once a change's save went out, while its answer is held (never let go): that change
        is not verified, its write is listed, and apply.json says to check it; the rest are not attempted."""
        replica.knobs.set("hold:fb.future_posts_audience")
        with apply_of_two(replica, seeded, tmp_path) as running:
            wait_until(lambda: len(replica.writes()) == 1)  # received; its answer is held
            running.ctrl_c()
            running.wait_for("Ctrl-C again")
            running.ctrl_c()
            code, _, err = running.finish(timeout=120)  # held answers wait 300 s: a hang shows
        applied = record.load(tmp_path / "apply.json")
        done = [c for c in applied.changes if c.status != "declined"]
        assert [(c.setting, c.status) for c in done] == [
            ("fb.future_posts_audience", "not_verified"),
            ("fb.friend_requests", "not_attempted"),
        ]
        assert "check it" in done[0].detail and done[0].writes == ["POST CometSettingsPrivacySelectorMutation"]
        assert code == 1 and applied.interrupted, err
        assert [w.setting for w in replica.writes()] == ["fb.future_posts_audience"]

    def test_a_dry_run_with_a_logged_in_session_prints_the_plan_and_changes_nothing(self, replica, seeded, tmp_path):
        """The test account's login is there (the same command without --dry-run logs in and changes the setting),
        and a dry run neither logs in nor sends anything."""
        env = logged_in_as(replica, "demo", tmp_path)
        findings = str(seeded / "findings.json")
        command = ["apply", findings, "--yes", "--replica", replica.url, "--only", "fb-future-posts-not-public"]
        dry = run_auditor(*command, "--dry-run", "-o", str(tmp_path / "dry"), env=env)
        assert dry.returncode == 0 and "Facebook · Who can see your future posts?: Public -> Friends" in dry.stdout
        assert "fb.future_posts_audience" not in dry.stdout  # a person reads the setting's label, never its id
        assert replica.writes() == [] and replica.store.logins() == [] and not (tmp_path / "dry").exists()

        done = run_auditor(*command, "-o", str(tmp_path / "made"), env=env)  # the counterpart: the login works
        assert done.returncode == 0, done.stderr
        assert [outcome for _site, _who, outcome in replica.store.logins()] == ["ok"]  # Facebook: all the file audited
        assert writes_of(replica) == [("fb.future_posts_audience", "friends", True)]
        assert (
            "Changed and verified (1):\n  - Facebook · Who can see your future posts?: Public -> Friends" in done.stdout
        )


# ---------------------------------------------------------------------- whose account: checked before any change
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
    env = logged_in_as(replica, account_id, out.parent)
    return run_auditor("apply", "--undo", applied, "--yes", "-o", out, *more, env=env)


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

    def test_a_file_of_the_replica_undone_on_meta_or_the_reverse_is_refused_before_any_login(
        self, replica, tmp_path, capsys, monkeypatch
    ):
        """In-process: the refusal comes before any browser starts, with the login there to use."""
        account = replica.store.accounts["demo"]
        monkeypatch.setenv("AUDITOR_EMAIL", account.email)
        monkeypatch.setenv("AUDITOR_PASSWORD", account.password)

        def undo(applied: Path, *more: str) -> tuple[int, list[str]]:
            code = main(["apply", "--undo", str(applied), "--yes", "-o", str(tmp_path / "x"), *more])
            err = capsys.readouterr().err
            return code, [line for line in err.splitlines() if line.startswith("auditor: error:")]

        on_meta = record.save(tmp_path / "meta.json", one_change_made_on(named(replica, "demo", site="meta")))
        code, errors = undo(on_meta, "--replica", replica.url)
        assert code == 2 and len(errors) == 1, errors
        assert f"on Meta's sites, and this run is on the replica at {replica.url}: nothing" in errors[0]

        on_replica = record.save(tmp_path / "replica.json", one_change_made_on(named(replica, "demo")))
        code, errors = undo(on_replica)  # no --replica: Meta's own sites
        assert code == 2 and len(errors) == 1, errors
        assert f"on the replica at {replica.url}, and this run is on Meta's sites: nothing" in errors[0]
        assert replica.store.logins() == [] and replica.writes() == []  # no browser even started
        # A demo's replica, and a file that names no account: tests/test_apply.py (no browser either).

    def test_a_file_edited_to_name_another_account_is_refused(self, browser, replica, tmp_path):
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
            apply(browser, replica, given, tmp_path / "undo")
        assert replica.writes() == [] and not (tmp_path / "undo" / "undo.json").exists()
