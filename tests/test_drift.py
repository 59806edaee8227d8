"""Drift: each replica drift knob is named with the right setting and class; no drift is no drift."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from conftest import audit_account, cli_env, run_auditor
from json_schemas import validate_folder

from auditor import results
from auditor.apply.record import Applied, ChangeRecord, save
from auditor.cli import main
from auditor.drift import Drift, compare
from auditor.drift_report import render
from auditor.history import record_apply
from auditor.history.pseudonym import account_key, account_of
from auditor.history.record import Applied as HistoryApplied
from auditor.replica.registry import catalog
from auditor.results import Control, Observation, Observations, PageInventory, Run

PAGES = ("facebook/posts", "facebook/how_people_find_and_contact_you")
REPLICA_URL = "https://127.0.0.1:9"


@pytest.fixture(scope="module")
def audit(browser, replica_server, flows):
    """audit(account, *knobs, seed=0): observations of the two Facebook pages with those knobs set (made once)."""
    chosen = [f for f in flows if f.id in PAGES]
    done = {}  # several tests compare the same runs: each is made once

    def run(account: str = "demo", *knobs: str, seed: int = 0):
        if (account, knobs, seed) in done:
            return done[account, knobs, seed]
        replica_server.reset()
        replica_server.set_seed(seed)
        replica_server.knobs.set(*knobs)
        try:
            observations, writes = audit_account(
                browser, replica_server, account, platforms=("facebook",), flows=chosen, option_lists=True
            )
        finally:
            replica_server.reset()
            replica_server.set_seed(0)
        assert writes == []
        done[account, knobs, seed] = observations
        return observations

    return run


@pytest.fixture(scope="module")
def baseline(audit):
    return audit("demo")


def kinds(drift) -> set[tuple[str, str | None]]:
    return {(c.kind, c.setting) for c in drift.changes}


def test_an_unchanged_replica_shows_no_drift_across_class_name_seeds(audit):
    drift = compare(audit("demo", seed=1), audit("demo", seed=2))
    assert drift.changes == [] and drift.not_compared == []
    assert render(drift).endswith("no drift: every page looks as it did")


@pytest.mark.parametrize(
    "knob, expected",
    [
        ("rename:fb.friend_requests", ("renamed", "fb.friend_requests")),
        ("remove:fb.search_engine_link", ("removed", "fb.search_engine_link")),
        ("move:fb.friend_requests:fb_posts", ("moved", "fb.friend_requests")),
        ("options:fb.friend_requests", ("options_changed", "fb.friend_requests")),
        ("retype:fb.friend_requests", ("type_changed", "fb.friend_requests")),
        ("pattern:fb.friend_requests:load=scroll", ("found_otherwise", "fb.friend_requests")),
    ],
)
def test_each_drift_knob_is_named_with_its_setting_and_class(audit, baseline, knob, expected):
    drift = compare(baseline, audit("demo", knob))
    assert kinds(drift) == {expected}, render(drift)


def test_a_new_toggle_is_reported_as_added_with_its_label(audit, baseline):
    drift = compare(baseline, audit("demo", "add:fb_posts"))
    [change] = drift.changes
    assert (change.kind, change.flow, change.role) == ("added", "facebook/posts", "switch")
    assert change.new == catalog().new_control.label("en_US")


def test_a_changed_default_is_reported_for_an_account_that_never_chose(audit):
    drift = compare(audit("totp"), audit("totp", "default:fb.friends_list_visibility:only_me"))
    [change] = drift.changes
    assert (change.kind, change.setting, change.old, change.new) == (
        "default_changed",
        "fb.friends_list_visibility",
        "public",
        "only_me",
    )


def test_a_removed_page_is_reported_as_missing(audit, baseline):
    drift = compare(baseline, audit("demo", "remove_page:fb_posts"))
    assert kinds(drift) == {("page_missing", None)}
    assert drift.changes[0].flow == "facebook/posts"


def test_a_page_that_could_not_be_read_is_not_compared_and_not_drift(audit, baseline):
    drift = compare(baseline, audit("demo", "ratelimit:fb_posts"))
    assert drift.changes == []
    assert [(n.flow, n.reason) for n in drift.not_compared][0] == ("facebook/posts", "rate_limited")


def drift_command(tmp_path, capsys, baseline, current):
    """`auditor drift BASELINE CURRENT -o OUT` in-process: (exit code, stdout, drift.json,
    junit.xml's test cases by page)."""
    results.write(tmp_path / "baseline.json", baseline)
    results.write(tmp_path / "current.json", current)
    code = main(["drift", str(tmp_path / "baseline.json"), str(tmp_path / "current.json"), "-o", str(tmp_path / "out")])
    suite = ElementTree.parse(tmp_path / "out" / "junit.xml").getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    return code, capsys.readouterr().out, results.read(tmp_path / "out" / "drift.json", Drift), cases


def test_the_drift_command_exits_3_on_drift_and_writes_what_changed(audit, baseline, tmp_path, capsys):
    code, out, drift, cases = drift_command(tmp_path, capsys, baseline, audit("demo", "remove:fb.search_engine_link"))
    assert code == 3
    assert "- removed" in out and "fb.search_engine_link" in out
    assert [(c.kind, c.setting) for c in drift.changes] == [("removed", "fb.search_engine_link")]
    assert "fb.search_engine_link" in cases["facebook/how_people_find_and_contact_you"].find("failure").text


def test_the_drift_command_exits_1_when_a_page_was_not_compared(audit, baseline, tmp_path, capsys):
    code, out, drift, cases = drift_command(tmp_path, capsys, baseline, audit("demo", "ratelimit:fb_posts"))
    assert code == 1
    assert "? not compared     [facebook/posts] (rate_limited)" in out
    assert drift.changes == [] and [(n.flow, n.reason) for n in drift.not_compared] == [
        ("facebook/posts", "rate_limited")
    ]
    assert cases["facebook/posts"].find("skipped").get("message") == "not compared: rate_limited"


def test_the_drift_command_exits_0_when_nothing_changed(baseline, tmp_path, capsys):
    code, out, drift, cases = drift_command(tmp_path, capsys, baseline, baseline)
    assert code == 0
    assert "no drift: every page looks as it did" in out
    assert drift.changes == drift.not_compared == [] and cases == {}


def test_baseline_update_refuses_a_run_that_missed_pages(audit, tmp_path, capsys):
    results.write(tmp_path / "partial.json", audit("demo", "ratelimit:fb_posts"))
    code = main(["baseline", "update", str(tmp_path / "partial.json"), "-o", str(tmp_path / "b.json")])
    assert code == 2 and "would hide drift" in capsys.readouterr().err
    assert not (tmp_path / "b.json").exists()


@pytest.fixture(scope="module")
def run_baseline(baseline, tmp_path_factory):
    """The baseline of the two Facebook pages (with their option lists), as a file for `auditor run --baseline`."""
    assert baseline.run.complete
    path = tmp_path_factory.mktemp("baseline") / "baseline.json"
    results.write(path, baseline)
    return path


def run_with_baseline(replica, baseline, out, *extra: str):
    """`auditor run facebook --baseline BASELINE` of the baseline's pages on the replica as the demo account, as
    CI's smoke check runs it."""
    pages = [arg for page in PAGES for arg in ("--flow", page)]
    args = ["run", "facebook", *pages, "--replica", replica.url, "--baseline", baseline, "-o", out, *extra]
    return run_auditor(*args, env=cli_env(out, replica.store.accounts["demo"]))


@pytest.mark.long
def test_run_with_a_baseline_exits_3_on_drift_and_writes_the_drift_in_its_folder(replica, run_baseline, tmp_path):
    replica.knobs.set("rename:fb.friend_requests")
    done = run_with_baseline(replica, run_baseline, tmp_path, "--fail-on", "any")
    assert done.returncode == 3, done.stderr  # drift's 3 comes before the budget's 4 (the demo fails checks)
    assert "--fail-on" not in done.stderr
    assert "~ renamed" in done.stdout and "fb.friend_requests" in done.stdout
    drift = results.read(tmp_path / "drift.json", Drift)
    assert [(c.kind, c.setting) for c in drift.changes] == [("renamed", "fb.friend_requests")]
    suite = ElementTree.parse(tmp_path / "drift-junit.xml").getroot()
    [failure] = suite.iter("failure")
    assert "fb.friend_requests" in failure.text
    assert (tmp_path / "report.html").exists()  # drift or not, the audit's report is written
    assert validate_folder(tmp_path) == {"observations": 1, "findings": 1, "drift": 1}  # the published schemas
    assert replica.writes() == []


def test_run_with_a_baseline_exits_0_when_the_pages_did_not_change(replica, run_baseline, tmp_path):
    done = run_with_baseline(replica, run_baseline, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no drift: every page looks as it did" in done.stdout
    drift = results.read(tmp_path / "drift.json", Drift)
    assert drift.changes == drift.not_compared == []
    assert list(ElementTree.parse(tmp_path / "drift-junit.xml").getroot().iter("testcase")) == []


# ---------------------------------------------------------------------- a value auditor set is not drift
def posts_run(started: str, value: str, account=None) -> Observations:
    """One Facebook page with its audience control, as a run reads it (no browser: drift is pure)."""
    control = Control(role="button", name="Edit privacy", label="Who can see your future posts?")
    page = PageInventory(flow="facebook/posts", url="https://www.facebook.com/settings/?tab=posts", status="ok")
    page.controls = [control.model_copy(update={"setting": "fb.future_posts_audience"})]
    seen = Observation(
        setting="fb.future_posts_audience", platform="facebook", status="observed", value=value, flow="facebook/posts"
    )
    run = Run(tool_version="t", started=started, platforms=["facebook"], target=REPLICA_URL, account=account)
    return Observations(run=run, observations=[seen], pages=[page])


def made(kind: str, time: str) -> Applied:
    change = ChangeRecord(
        setting="fb.future_posts_audience",
        platform="facebook",
        flow="facebook/posts",
        url="https://www.facebook.com/settings/?tab=posts",
        wanted="friends",
        before="public",
        after="friends",
        status="verified",
        time=time,
        writes=["POST CometSettingsPrivacySelectorMutation"],
    )
    return Applied(kind=kind, tool_version="t", started=time, platforms=["facebook"], source="f", changes=[change])


def test_a_value_auditor_set_between_the_runs_is_named_as_its_change_not_drift(tmp_path, capsys):
    history = tmp_path / "history.sqlite"
    cookies = [{"name": "c_user", "domain": ".facebook.com", "value": "1001"}]
    account = account_of(cookies, REPLICA_URL, account_key(history))
    base = results.write(tmp_path / "base.json", posts_run("2026-01-01T10:00:00+00:00", "public"))
    current = results.write(tmp_path / "current.json", posts_run("2026-01-03T10:00:00+00:00", "friends", account))

    def drift(*more: str) -> tuple[int, str]:
        code = main(["drift", str(base), str(current), "-o", str(tmp_path / "out"), *more])
        return code, capsys.readouterr().out

    code, out = drift("--no-history")  # nothing says auditor set it: Meta may have
    assert code == 3 and "default changed" in out and "by auditor" not in out
    earlier = save(tmp_path / "earlier.json", made("apply", "2025-12-31T10:00:00+00:00"))  # before the baseline
    assert drift("--no-history", "--applied", str(earlier))[0] == 3
    code, out = drift("--no-history", "--applied", str(save(tmp_path / "apply.json", made("apply", "2026-01-02T10"))))
    assert code == 0 and "public -> friends: by auditor apply on 2026-01-02, at your request (not Meta)" in out
    assert results.read(tmp_path / "out" / "drift.json", Drift).changes == []

    put_back = [HistoryApplied("fb.future_posts_audience", "public", "friends", "2026-01-02T11:00:00+00:00")]
    record_apply(history, cookies, REPLICA_URL, put_back, kind="undo")  # the history says so, with no file
    code, out = drift("--history", str(history))
    assert code == 0 and "by auditor undo on 2026-01-02" in out and "changed by auditor at your request" in out


def test_a_label_holding_terminal_escapes_reaches_neither_the_terminal_nor_junit_raw(audit, baseline, tmp_path, capsys):
    """A page's label with ESC sequences (clear the screen, retitle the window) and a bidi override."""
    evil = "Evil\x1b[2J\x1b]0;owned\x07 \u202ereversed"
    code, out, drift, cases = drift_command(
        tmp_path, capsys, baseline, audit("demo", f"rename:fb.search_engine_link:{evil}")
    )
    assert code == 3 and "Evil[2J]0;owned reversed" in out  # the words stay, readable
    assert not {"\x1b", "\x07", "\u202e"} & set(out)
    failure = cases["facebook/how_people_find_and_contact_you"].find("failure").text  # junit.xml parsed
    assert "Evil[2J]0;owned reversed" in failure and not {"\x1b", "\x07", "\u202e"} & set(failure)
