"""Facebook on the replica: its own UI writes what a person chose, and the flows read it back.

A change made through the replica's UI (a radio in the audience dialog, a switch, "Remove") is
exactly one mutation in the write log, survives a reload, and is what the flow then observes,
in an audit that itself writes nothing. The same stored state reads the same in every UI
language, and drift on one control leaves the rest of its page readable.
"""

from __future__ import annotations

import re

import pytest
from conftest import audit_account
from playwright.sync_api import expect

from auditor.observe import aria, evidence
from auditor.replica.registry import catalog
from auditor.replica.store import Write

FB = "www.facebook.com"
TAGGING = "https://www.facebook.com/settings/?tab=profile_and_tagging"
REELS = "https://www.facebook.com/settings/?tab=reels"
APPS = "https://www.facebook.com/settings/?tab=applications"
DETAILS = "https://www.facebook.com/your_information/?tab=your_information&tile=personal_info_grouping"
PROFILE = "https://www.facebook.com/me/"


def opened(page, url: str):
    """The page's main region once its settings have rendered."""
    page.goto(url)
    page.locator("[role=main][aria-busy=false]").wait_for()
    return page.get_by_role("main")


def audience_button(page, main, label: str):
    """The "Edit privacy" button in the row labelled `label` (the innermost block holding both)."""
    button = page.get_by_role("button", name=re.compile("^Edit privacy"))
    row = main.locator("div").filter(has=page.get_by_text(label, exact=True)).filter(has=button).last
    return row.get_by_role("button", name=re.compile("^Edit privacy"))


def observed(browser, replica, account: str, *flow_ids: str, flows) -> dict:
    """setting -> observation, from an audit (guard on) of just these Facebook flows; asserts it wrote nothing."""
    before = len(replica.writes())
    chosen = [f for f in flows if f.id in flow_ids]
    assert len(chosen) == len(flow_ids)
    observations, writes = audit_account(browser, replica, account, platforms=("facebook",), flows=chosen)
    assert len(writes) == before and observations.run.writes_blocked == 0
    return {o.setting: o for o in observations.observations if o.flow in flow_ids}


def test_a_choice_in_the_audience_dialog_is_one_write_that_the_flow_reads_back(browser, page, replica, log_in, flows):
    log_in("us")
    main = opened(page, TAGGING)
    audience_button(page, main, "Who can post on your profile?").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("radio", name="Friends", exact=True)).to_have_attribute("aria-checked", "true")
    dialog.get_by_role("radio", name="Only me", exact=True).click()
    expect(dialog).to_be_hidden()

    assert replica.writes() == [
        Write("us", FB, "CometSettingsPrivacySelectorMutation", "fb.who_can_post_on_profile", "only_me")
    ]
    main = opened(page, TAGGING)
    expect(audience_button(page, main, "Who can post on your profile?")).to_have_text("Only me")
    seen = observed(browser, replica, "us", "facebook/profile_and_tagging", flows=flows)
    assert (seen["fb.who_can_post_on_profile"].status, seen["fb.who_can_post_on_profile"].value) == (
        "observed",
        "only_me",
    )
    assert seen["fb.others_posts_visibility"].value == "friends_of_friends"  # its neighbour is untouched


def test_a_switch_is_one_write_that_the_flow_reads_back(browser, page, replica, log_in, flows):
    log_in("us")
    switch = opened(page, REELS).get_by_role("switch", name="Allow others to share your reels to their stories?")
    expect(switch).to_be_checked()
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")

    assert replica.writes() == [Write("us", FB, "CometSettingsToggleMutation", "fb.reels_share_to_story", "off")]
    expect(
        opened(page, REELS).get_by_role("switch", name="Allow others to share your reels to their stories?")
    ).not_to_be_checked()
    seen = observed(browser, replica, "us", "facebook/reels", flows=flows)
    assert seen["fb.reels_share_to_story"].value == "off"
    assert seen["fb.reels_audience"].value == "public"


def test_removing_an_app_is_one_write_and_the_flow_counts_one_app_fewer(browser, page, replica, log_in, flows):
    log_in("demo")
    active = opened(page, APPS).get_by_role("list", name="Active")
    expect(active.get_by_role("listitem")).to_have_count(4)
    active.get_by_role("button", name="Remove Horoscope Daily").click()
    expect(active.get_by_role("listitem")).to_have_count(3)

    assert replica.writes() == [
        Write("demo", FB, "CometSettingsRemoveItemMutation", "fb.apps_and_websites", "removed: Horoscope Daily")
    ]
    active = opened(page, APPS).get_by_role("list", name="Active")
    expect(active.get_by_role("listitem")).to_have_count(3)
    expect(active.get_by_text("Horoscope Daily")).to_have_count(0)
    assert (
        observed(browser, replica, "demo", "facebook/apps_and_websites", flows=flows)["fb.apps_and_websites"].value == 3
    )


def test_an_account_without_apps_reads_zero_not_unknown(browser, replica, flows):
    seen = observed(browser, replica, "us", "facebook/apps_and_websites", flows=flows)["fb.apps_and_websites"]
    assert (seen.status, seen.value) == ("observed", 0)


def test_contact_details_hide_behind_their_tile_and_chips_name_the_audience(page, replica, log_in):
    """The rows show only after a click on the tile, as on the real page (S-rubig); reviewed against catalog 3.6."""
    log_in("demo")
    main = opened(page, DETAILS)
    tile = main.get_by_role("button", name="Your contact information")
    expect(main.get_by_text("Email", exact=True)).to_be_hidden()
    tile.click()
    expect(tile).to_have_attribute("aria-expanded", "true")
    assert main.aria_snapshot() == "\n".join(
        [
            "- main:",
            *(
                "  " + line
                for line in [
                    '- heading "Profile details" [level=1]',
                    '- button "Your contact information" [expanded]',
                    "- text: Email alex.demo@example.com",
                    '- button "Edit privacy. Sharing with Public.": Shared with Public',
                    "- text: Phone +1 202-555-0101",
                    '- button "Edit privacy. Sharing with Public.": Shared with Public',
                    "- text: Birthday",
                    '- button "Edit privacy. Sharing with Your friends.": Shared with Your friends',
                    "- text: Birth year",
                    '- button "Edit privacy. Sharing with Public.": Shared with Public',
                ]
            ),
        ]
    )


@pytest.mark.parametrize(
    "flow_id, url, personal",
    [
        ("facebook/profile_details", DETAILS, ["alex.demo@example.com", "+1 202-555-0101"]),
        ("facebook/profile", PROFILE, ["Alex Demo"]),
    ],
)
def test_a_flow_masks_the_personal_details_its_page_shows(page, replica, log_in, flows, flow_id, url, personal):
    log_in("demo")
    opened(page, url)
    flow = next(f for f in flows if f.id == flow_id)
    for step in flow.spec.steps:  # the tile that shows the contact details
        step.run(page, "en_US")
    masked = evidence.personal_texts(page, flow, "en_US")
    assert set(personal) <= set(masked)
    assert "Your profile" not in masked  # the button's name is the flow's own word; its picture is the person
    assert "Alex Demo" in masked


def test_a_contact_detail_changed_in_its_dialog_is_read_back_through_the_tile(browser, page, replica, log_in, flows):
    log_in("eu")
    main = opened(page, DETAILS)
    main.get_by_role("button", name="Your contact information").click()
    chip = audience_button(page, main, "Phone")
    expect(chip).to_have_text("Shared with Only me")
    chip.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("radio").first.wait_for()
    assert aria.radios(aria.parse(dialog.aria_snapshot())) == [
        ("Public", False),
        ("Your friends", False),
        ("Only me", True),
        ("Custom", False),
    ]
    dialog.get_by_role("radio", name="Your friends", exact=True).click()
    expect(chip).to_have_text("Shared with Your friends")

    assert replica.writes() == [
        Write("eu", FB, "CometSettingsPrivacySelectorMutation", "fb.profile_details_audience.phone", "friends")
    ]
    seen = observed(browser, replica, "eu", "facebook/profile_details", flows=flows)
    assert {s: o.value for s, o in seen.items()} == {
        "fb.profile_details_audience.email": "friends",
        "fb.profile_details_audience.phone": "friends",
        "fb.profile_details_audience.birthday": "custom",
        "fb.profile_details_audience.birth_year": "friends",
    }


FACEBOOK_SETTINGS = [c for p, c in catalog().controls() if p.site == "facebook" and (c.options or c.type == "switch")]


def other_than_default(control) -> str:
    if control.type == "switch":
        return "off" if control.default == "on" else "on"
    return next(o for o in reversed(control.options) if o != control.default)


def test_british_and_german_accounts_read_what_an_american_account_with_the_same_state_reads(browser, replica, flows):
    """One stored state, three UI languages (en_US, en_GB, de_DE): the same canonical values."""
    accounts = ("us", "uk", "de")
    state = {c.id: other_than_default(c) for c in FACEBOOK_SETTINGS if c.only_for is None}
    for account in accounts:
        for setting, value in state.items():
            replica.store.set(account, setting, value)
    facebook = [f.id for f in flows if f.spec.platform == "facebook"]
    read = {a: observed(browser, replica, a, *facebook, flows=flows) for a in accounts}
    for account in accounts:
        values = {s: read[account][s].value for s in state}
        assert values == state, account
        assert all(o.status != "unknown" for o in read[account].values()), account


@pytest.mark.parametrize("knob", ["remove:fb.tag_review", "remove:fb.profile_details_audience.birthday"])
def test_drift_on_one_control_makes_it_unknown_and_leaves_its_page_readable(browser, replica, flows, knob):
    replica.knobs.set(knob)
    setting = knob.split(":", 1)[1]
    flow = next(f for f in flows if any(s.id == setting for s in f.spec.settings))
    seen = observed(browser, replica, "us", flow.id, flows=flows)
    assert (seen[setting].status, seen[setting].reason) == ("unknown", "not_found")
    rest = {s: o.status for s, o in seen.items() if s != setting}
    assert rest and set(rest.values()) == {"observed"}


def test_a_renamed_row_is_read_from_the_one_unlabelled_control_of_its_kind_and_marked_inferred(browser, replica, flows):
    replica.store.set("us", "fb.others_posts_visibility", "only_me")
    replica.knobs.set("rename:fb.others_posts_visibility")
    seen = observed(browser, replica, "us", "facebook/profile_and_tagging", flows=flows)["fb.others_posts_visibility"]
    assert (seen.status, seen.value, seen.confidence) == ("observed", "only_me", "inferred")
    assert seen.label_seen == "Who can see what others post on (new)"


def test_two_renamed_rows_of_one_kind_are_never_guessed(browser, replica, flows):
    replica.knobs.set("rename:fb.others_posts_visibility", "rename:fb.tagged_posts_visibility")
    seen = observed(browser, replica, "us", "facebook/profile_and_tagging", flows=flows)
    for setting in ("fb.others_posts_visibility", "fb.tagged_posts_visibility"):
        assert (seen[setting].status, seen[setting].reason) == ("unknown", "not_found"), setting
        assert "2 unlabelled candidates: not guessing" in seen[setting].detail
    rest = {s: o for s, o in seen.items() if s not in ("fb.others_posts_visibility", "fb.tagged_posts_visibility")}
    assert rest and {o.confidence for o in rest.values()} == {"read"}


def test_profile_lock_reads_where_offered_and_is_not_applicable_elsewhere(browser, replica, flows):
    lock = {
        a: observed(browser, replica, a, "facebook/profile", flows=flows)["fb.profile_lock"]
        for a in ("locked", "uk", "us")
    }
    assert (lock["locked"].status, lock["locked"].value) == ("observed", "locked")
    assert (lock["uk"].status, lock["uk"].value) == ("observed", "unlocked")
    assert (lock["us"].status, lock["us"].reason) == ("not_applicable", "not_offered_in_region")
