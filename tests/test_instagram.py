"""Instagram's settings pages on the replica: its own UI writes what it should, the flows read it back.

The replica must behave like the real pages for the flows' proof to mean anything: a click on a
switch or radio is one write, it persists, and the flow then reads the new value without writing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import audit_account, visit_in
from playwright.sync_api import expect

from auditor.observe.stage import observe_in
from auditor.replica.registry import catalog
from auditor.replica.store import Write

IG = "www.instagram.com"
SET_PRIVATE = "/api/v1/web/accounts/set_private/"
FLOWS_README = Path(__file__).parent.parent / "flows" / "README.md"


def ig_flow(flows, name: str):
    return next(f for f in flows if f.id == f"instagram/{name}")


def observe(context, replica, flows) -> dict:
    """What the flows read in this (logged-in) context, by setting id."""
    return {o.setting: o for o in observe_in(visit_in(context, replica, flows, ["instagram"])).observations}


def is_mutation(response) -> bool:
    return response.request.method == "POST" and "Mutation" in (response.request.post_data or "")


@pytest.mark.parametrize(
    "role, name, setting, value, operation",
    [
        ("switch", "Manually approve tags", "ig.manually_approve_tags", "on", "PolarisSettingsToggleMutation"),
        (
            "radio",
            "Allow tags from people you follow",
            "ig.tags_allow_from",
            "people_you_follow",
            "PolarisSettingsRadioMutation",
        ),
    ],
    ids=["switch", "radio"],
)
def test_a_change_in_the_replica_ui_is_one_write_that_persists_and_is_read(
    page, context, log_in, replica, flows, role, name, setting, value, operation
):
    log_in("demo", "instagram")
    flow = ig_flow(flows, "tags_and_mentions")
    page.goto(flow.spec.url)
    control = page.get_by_role(role, name=name, exact=True)
    expect(control).not_to_be_checked()
    with page.expect_response(is_mutation):
        control.click()
    assert replica.writes() == [Write("demo", IG, operation, setting, value)]

    page.reload()
    expect(page.get_by_role(role, name=name, exact=True)).to_be_checked()
    seen = observe(context, replica, [flow])[setting]
    assert (seen.status, seen.value) == ("observed", value)
    assert len(replica.writes()) == 1  # reading it back wrote nothing


def test_the_private_account_rest_endpoint_lands_in_the_write_log(page, context, log_in, replica, flows):
    """The real page saves "Private account" through this endpoint, with Instagram's CSRF header (catalog 9.2)."""
    log_in("demo", "instagram")
    flow = ig_flow(flows, "account_privacy")
    page.goto(flow.spec.url)
    expect(page.get_by_role("switch", name="Private account")).not_to_be_checked()
    post = """async ([path, withToken]) => {
        const token = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/)[1];
        const headers = withToken ? {"X-CSRFToken": token, "X-IG-App-ID": "936619743392459"} : {};
        return (await fetch(path, {method: "POST", headers, credentials: "include"})).status;
    }"""
    assert page.evaluate(post, [SET_PRIVATE, False]) == 403  # no CSRF token: refused, not recorded
    assert replica.writes() == []
    assert page.evaluate(post, [SET_PRIVATE, True]) == 200
    assert replica.writes() == [Write("demo", IG, SET_PRIVATE, "ig.private_account", "on")]
    assert observe(context, replica, [flow])["ig.private_account"].value == "on"


@pytest.mark.parametrize(
    "account, stored, status, value",
    [
        ("us", "off", "observed", "off"),  # the professional account, its value changed from the default
        ("demo", None, "not_applicable", None),
    ],
    ids=["professional", "personal"],
)
def test_search_engine_indexing_is_read_only_for_professional_accounts(
    context, log_in, replica, flows, account, stored, status, value
):
    if stored:
        replica.store.set(account, "ig.search_engine_indexing", stored)
    log_in(account, "instagram")
    seen = observe(context, replica, [ig_flow(flows, "account_privacy")])
    assert seen["ig.private_account"].status == "observed"  # the page itself was read
    indexing = seen["ig.search_engine_indexing"]
    assert (indexing.status, indexing.value) == (status, value)
    if status == "not_applicable":
        assert indexing.reason == "not_offered_for_account" and "professional" in indexing.detail


def test_german_pages_read_the_same_canonical_values_as_english_ones(browser, replica, flows):
    """`de` (de_DE) is given the stored state of `demo` (en_US); every Instagram setting reads the same."""
    ig_flows = [f for f in flows if f.spec.platform == "instagram"]
    store = replica.store
    ig_controls = [c for _page, c in catalog().controls() if c.id.startswith("ig.")]
    assert store.get("de", "ig.private_account") != store.get("demo", "ig.private_account")  # seeded apart
    for control in ig_controls:
        if control.type == "list":  # the store cannot add items: empty both lists
            for account in ("demo", "de"):
                for item in store.items(account, control.id):
                    store.remove_item(account, control.id, item)
        else:
            store.set("de", control.id, store.get("demo", control.id))
    demo, _ = audit_account(browser, replica, "demo", ("instagram",), flows=ig_flows)
    german, writes = audit_account(browser, replica, "de", ("instagram",), flows=ig_flows)
    assert german.run.locale == "de_DE" and demo.run.locale == "en_US"

    def values(observations):
        return {o.setting: (o.status, o.value) for o in observations.observations}

    assert values(german) == values(demo)
    assert [c.id for c in ig_controls if c.only_for is None and values(demo)[c.id][0] != "observed"] == []
    assert values(german)["ig.private_account"] == ("observed", "off")  # demo's value, not de's own
    assert writes == []


def test_sidebar_groups_and_the_legacy_account_privacy_path(page, log_in):
    log_in("de", "instagram")
    page.goto("https://www.instagram.com/accounts/who_can_see_your_content/")
    expect(page.get_by_role("heading", name="Kontoprivatsphäre", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Einstellungen")
    expect(nav.get_by_role("heading")).to_have_text(
        [
            "Einstellungen",
            "So nutzt du Instagram",
            "Wer deine Inhalte sehen kann",
            "Wie andere mit dir interagieren können",
        ]
    )
    expect(nav.get_by_role("link", name="Kontoprivatsphäre")).to_have_attribute("aria-current", "page")


def test_every_instagram_setting_in_the_contract_has_a_flow_and_a_replica_control(flows):
    """flows/README.md's table is what checklists build on: each ig.* id is read, on the page it names."""
    contract = {}
    for row in FLOWS_README.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("ig."):
            continue
        ids = []
        for part in (p.strip() for p in cells[0].split(",")):
            # "ig.a.b, .c" is shorthand for ig.a.b and ig.a.c
            ids.append(ids[-1].rsplit(".", 1)[0] + part if part.startswith(".") else part)
        contract.update(dict.fromkeys(ids, cells[1]))
    read_by = {s.id: f.id for f in flows if f.spec.platform == "instagram" for s in f.spec.settings}
    replica_ids = {c.id for _page, c in catalog().controls() if c.id.startswith("ig.")}
    assert len(contract) == 22
    assert read_by == contract
    assert replica_ids == set(contract)
    assert all(re.fullmatch(r"ig\.[a-z_.]+", i) for i in contract)
