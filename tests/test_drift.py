"""Drift: each replica drift knob is named with the right setting and class; no drift is no drift."""

from __future__ import annotations

import subprocess
import sys

import pytest

from auditor import results
from auditor.drift import compare, render
from auditor.replica.registry import catalog
from conftest import audit_account

PAGES = ("facebook/posts", "facebook/how_people_find_and_contact_you")


@pytest.fixture(scope="module")
def audit(browser, replica_server, flows):
    """audit(account, *knobs, seed=0): observations of the two Facebook pages with those knobs set."""
    chosen = [f for f in flows if f.id in PAGES]

    def run(account: str = "demo", *knobs: str, seed: int = 0):
        replica_server.reset()
        replica_server.set_seed(seed)
        replica_server.knobs.set(*knobs)
        try:
            observations, writes = audit_account(browser, replica_server, account, platforms=("facebook",), flows=chosen)
        finally:
            replica_server.reset()
            replica_server.set_seed(0)
        assert writes == []
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


@pytest.mark.parametrize("knob, expected", [
    ("rename:fb.friend_requests", ("renamed", "fb.friend_requests")),
    ("remove:fb.search_engine_link", ("removed", "fb.search_engine_link")),
    ("move:fb.friend_requests:fb_posts", ("moved", "fb.friend_requests")),
    ("options:fb.friend_requests", ("options_changed", "fb.friend_requests")),
    ("retype:fb.friend_requests", ("type_changed", "fb.friend_requests")),
])
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
    assert (change.kind, change.setting, change.old, change.new) == ("default_changed", "fb.friends_list_visibility", "public", "only_me")


def test_a_removed_page_is_reported_as_missing(audit, baseline):
    drift = compare(baseline, audit("demo", "remove_page:fb_posts"))
    assert kinds(drift) == {("page_missing", None)}
    assert drift.changes[0].flow == "facebook/posts"


def test_a_page_that_could_not_be_read_is_not_compared_and_not_drift(audit, baseline):
    drift = compare(baseline, audit("demo", "ratelimit:fb_posts"))
    assert drift.changes == []
    assert [(n.flow, n.reason) for n in drift.not_compared][0] == ("facebook/posts", "rate_limited")


def test_the_cli_writes_drift_json_and_junit_and_exits_3(audit, baseline, tmp_path):
    results.write(tmp_path / "baseline.json", baseline)
    results.write(tmp_path / "current.json", audit("demo", "remove:fb.search_engine_link"))
    done = subprocess.run([sys.executable, "-m", "auditor", "drift", str(tmp_path / "baseline.json"), str(tmp_path / "current.json"),
                           "-o", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "- removed" in done.stdout and "fb.search_engine_link" in done.stdout
    written = results.read(tmp_path / "drift.json", __import__("auditor.drift", fromlist=["Drift"]).Drift)
    assert [c.setting for c in written.changes] == ["fb.search_engine_link"]
    assert "<failure" in (tmp_path / "junit.xml").read_text()
    same = subprocess.run([sys.executable, "-m", "auditor", "drift", str(tmp_path / "baseline.json"), str(tmp_path / "baseline.json"),
                           "-o", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert same.returncode == 0 and "no drift" in same.stdout


def test_baseline_update_refuses_a_run_that_missed_pages(audit, tmp_path):
    results.write(tmp_path / "partial.json", audit("demo", "ratelimit:fb_posts"))
    done = subprocess.run([sys.executable, "-m", "auditor", "baseline", "update", str(tmp_path / "partial.json"), "-o", str(tmp_path / "b.json")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "would hide drift" in done.stderr
    assert not (tmp_path / "b.json").exists()
