"""The replica's machinery: GraphQL-shaped reads and writes, the write log, seeds, label generations, serve."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import urllib.request
from urllib.parse import parse_qs

import pytest
from conftest import auditor_argv
from playwright.sync_api import expect

from auditor.replica.html import ClassNames

FIND = "https://www.facebook.com/settings/?tab=how_people_find_and_contact_you"
AD_PARTNERS = "https://accountscenter.facebook.com/ad_preferences/ad_settings/data_from_partners"


def friendly_name(request) -> str:
    return parse_qs(request.post_data or "").get("fb_api_req_friendly_name", [""])[0]


def test_settings_load_after_the_page_through_a_graphql_query(page, replica, log_in):
    log_in("demo")
    with page.expect_request(lambda r: r.url.endswith("/api/graphql/") and r.method == "POST") as read:
        page.goto(FIND, wait_until="domcontentloaded")
    assert friendly_name(read.value).endswith("Query")
    assert read.value.headers["x-fb-friendly-name"] == friendly_name(read.value)
    body = parse_qs(read.value.post_data)
    assert set(body) >= {"fb_dtsg", "variables", "doc_id", "av", "__user"}
    page.get_by_role("switch").wait_for()


def test_a_switch_clicked_in_the_ui_sends_a_mutation_that_is_logged_and_persists(page, replica, log_in):
    log_in("demo")
    page.goto(FIND)
    switch = page.get_by_role("switch", name="Do you want search engines outside of Facebook to link to your profile?")
    assert switch.is_checked()
    with page.expect_request(
        lambda r: r.url.endswith("/api/graphql/") and friendly_name(r).endswith("Mutation")
    ) as write:
        switch.click()
    assert write.value.response().ok
    assert [(w.account, w.setting, w.value) for w in replica.writes()] == [("demo", "fb.search_engine_link", "off")]
    assert replica.writes()[0].friendly_name == friendly_name(write.value)
    page.reload()
    page.get_by_role("switch", name=re.compile("^Do you want search engines")).wait_for()
    assert not page.get_by_role("switch", name=re.compile("^Do you want search engines")).is_checked()
    assert replica.store.get("demo", "fb.search_engine_link") == "off"


def test_a_mutation_without_the_pages_token_is_refused(page, replica, log_in):
    log_in("demo")
    page.goto(FIND)
    answer = page.evaluate("""() => fetch('/api/graphql/', {
        method: 'POST',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'},
        body: 'fb_api_req_friendly_name=CometSettingsToggleMutation&variables=%7B%7D&fb_dtsg=forged',
    }).then(r => r.status)""")
    assert answer == 403
    assert replica.writes() == []


def test_the_page_never_shows_setting_ids_or_canonical_values(page, replica, log_in):
    log_in("demo")
    page.goto(FIND)
    page.get_by_role("switch").wait_for()
    html = page.content()
    assert "fb.friend_requests" not in html and "friends_of_friends" not in html


def test_class_names_change_with_the_seed_but_the_accessibility_tree_does_not(page, replica, log_in):
    log_in("demo")
    snapshots, classes = [], []
    for seed in (1, 2):
        replica.set_seed(seed)
        page.goto(FIND)
        page.get_by_role("switch").wait_for()
        snapshots.append(page.get_by_role("main").aria_snapshot())
        classes.append(page.get_by_role("main").get_attribute("class"))
    assert snapshots[0] == snapshots[1]
    assert classes[0] != classes[1]
    assert all(re.fullmatch(r"(x[0-9a-z]{7} ?){3}", c) for c in classes)
    assert ClassNames(1)["row"] != ClassNames(2)["row"]


@pytest.mark.parametrize(
    "account, label",
    [
        ("eu", "Activity information from ad partners"),  # not in the 2026 first wave
        ("us", "Activity from other businesses"),  # renamed from July 2026 in the US (S-whitewallet-2026)
    ],
)
def test_each_account_sees_its_generation_of_the_ad_partner_label(page, replica, log_in, account, label):
    log_in(account)
    page.goto(AD_PARTNERS)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(label)  # and not the other's


def test_sessions_are_bound_to_the_cookie_values_meta_uses(context, page, replica, log_in):
    log_in("demo")
    names = {c["name"] for c in context.cookies()}
    assert {"c_user", "xs", "fr", "datr"} <= names
    replica.expire_sessions()
    page.goto(FIND)
    page.locator("input[name=pass]").wait_for()
    assert "/login/" in page.url


def test_replica_serve_runs_with_knobs_from_the_command_line(tmp_path):
    """...and a SIGTERM (a service manager's stop) ends it as Ctrl-C does: exit 0, its temporary folder (the
    certificate's key, the accounts' state) removed."""
    process = subprocess.Popen(
        auditor_argv("replica", "serve", "--port", "0", "--mutate", "remove:fb.friend_requests"),
        env={**os.environ, "TMPDIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        url = re.search(r"https://127\.0\.0\.1:\d+", first).group(0)
        unverified = ssl.create_default_context()
        unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # the replica's throwaway certificate
        with urllib.request.urlopen(f"{url}/__replica/knobs", context=unverified, timeout=10) as answer:
            knobs = json.load(answer)
        assert knobs == [{"kind": "remove", "target": "fb.friend_requests", "arg": None}]
        with urllib.request.urlopen(f"{url}/__replica/writes", context=unverified, timeout=10) as answer:
            assert json.load(answer) == []
        assert [p.name for p in tmp_path.iterdir()][0].startswith("auditor-replica-")  # the folder it made
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "old, lands",
    [
        (
            "https://www.facebook.com/settings?tab=privacy&section=canfriend&view",
            "https://www.facebook.com/settings/?tab=how_people_find_and_contact_you",
        ),
        (
            "https://www.facebook.com/settings?tab=timeline&section=tagreview&view",
            "https://www.facebook.com/settings/?tab=profile_and_tagging",
        ),
        (
            "https://www.facebook.com/off_facebook_activity",
            "https://accountscenter.facebook.com/info_and_permissions/off_facebook_activity/",
        ),
        (
            "https://www.facebook.com/adpreferences/?section=data_from_partners",
            "https://accountscenter.facebook.com/ad_preferences/ad_settings/data_from_partners",
        ),
    ],
)
def test_legacy_urls_redirect_where_meta_moved_them(page, replica, log_in, old, lands):
    log_in("eu")
    page.goto(old)
    assert page.url == lands
