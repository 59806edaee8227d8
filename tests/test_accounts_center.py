"""Accounts Center and the AI-training pages on the replica.

Its own UI writes exactly what a person confirms and nothing when a dialog is dismissed; one
Accounts Center answers under both hosts; the "Select your account" step is read through; and the
AI objection form is a write, so an audit must never send it (the guard stops it).
"""

from __future__ import annotations

import re

import pytest
from conftest import visit_in
from playwright.sync_api import expect

from auditor import spec
from auditor.observe.readers import Reader
from auditor.observe.snapshot import SnapshotReader
from auditor.observe.stage import observe_in
from auditor.observe.wording import Words
from auditor.replica import model
from auditor.replica.html import page_url
from auditor.replica.knobs import Knobs
from auditor.replica.registry import catalog, load_accounts
from auditor.replica.store import Store

AC_HOSTS = {"facebook": "accountscenter.facebook.com", "instagram": "accountscenter.instagram.com"}
AD_SETTINGS = "https://accountscenter.facebook.com/ad_preferences/ad_settings"
GENAI = {
    "facebook": "https://www.facebook.com/privacy/genai/",
    "instagram": "https://privacycenter.instagram.com/privacy/genai/",
}
FB_OBJECTION = "https://www.facebook.com/help/contact/712876720715583"
# Every Accounts Center choice, confirmed as the "eu" account (EU region, 2024 labels, en_GB): the
# one account that is shown all of them, the EU-only one and the off-Meta page included.
CHOICES = [(p, c) for p, c in catalog().controls() if p.site == "accounts_center" and c.type == "choice"]
ACCOUNT = "eu"


def loaded(page, url: str):
    page.goto(url)
    main = page.locator("[role=main][aria-busy=false]")
    main.wait_for()
    return main


def flow(flow_id: str):
    return next(f for f in spec.load_flows() if f.id == flow_id)


def setting(flow_id: str, setting_id: str):
    return next(s for s in flow(flow_id).spec.settings if s.id == setting_id)


def open_choice(page, control, account):
    """Open a choice row as a person would, through "Select your account" when asked; the options dialog."""
    label = control.label("en_GB")
    page.get_by_role("button", name=re.compile("^" + re.escape(label) + " ")).click()
    if control.pick_account:
        picker = page.get_by_role("dialog", name="Select your account")
        expect(picker.get_by_role("radio")).to_have_count(0)  # the picker is a list of profiles, not the options
        picker.get_by_role("button", name=f"{account.name} · Facebook").click()
        expect(picker).to_have_count(0)
    dialog = page.get_by_role("dialog", name=label)
    expect(dialog).to_be_visible()
    return dialog


@pytest.mark.parametrize("page_def,control", CHOICES, ids=[c.id for _p, c in CHOICES])
def test_confirming_a_choice_records_one_write_that_persists(page, log_in, replica, page_def, control):
    log_in(ACCOUNT)
    account = replica.store.accounts[ACCOUNT]
    before = replica.store.get(ACCOUNT, control.id)
    wanted = next(o for o in control.options if o != before)
    wanted_text = catalog().option_text(control, wanted, "en_GB", account.labels)
    loaded(page, page_url(page_def, AC_HOSTS["facebook"]))

    dialog = open_choice(page, control, account)
    dialog.get_by_role("radio", name=wanted_text, exact=True).check()
    assert replica.writes() == []  # picking a radio alone sends nothing
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("button", name=f"{control.label('en_GB')} {wanted_text}")).to_be_visible()
    writes = replica.writes()
    assert [(w.setting, w.value) for w in writes] == [(control.id, wanted)]
    assert writes[0].friendly_name.endswith("Mutation") and writes[0].host == AC_HOSTS["facebook"]

    loaded(page, page_url(page_def, AC_HOSTS["facebook"]))
    dialog = open_choice(page, control, account)
    expect(dialog.get_by_role("radio", name=wanted_text, exact=True)).to_be_checked()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert len(replica.writes()) == 1


def test_escape_closes_a_choice_without_a_write(page, log_in, replica):
    log_in("demo")
    main = loaded(page, AD_SETTINGS)
    row = main.get_by_role("button", name=re.compile("^Ads about Meta "))
    expect(row).to_have_accessible_name("Ads about Meta Use my activity to show me ads about Meta")
    row.click()
    dialog = page.get_by_role("dialog", name="Ads about Meta")
    dialog.get_by_role("radio", name="Don't use my activity to show me ads about Meta").check()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert replica.writes() == []
    expect(row).to_have_accessible_name("Ads about Meta Use my activity to show me ads about Meta")
    loaded(page, AD_SETTINGS)
    expect(row).to_have_accessible_name("Ads about Meta Use my activity to show me ads about Meta")
    assert replica.store.get("demo", "ac.ads_about_meta") == "use"


def test_the_reader_goes_through_select_your_account_and_leaves_nothing_open(page, log_in, replica, vocabulary):
    log_in("us")
    main = loaded(page, AD_SETTINGS)
    main.get_by_role("button", name=re.compile("^Social interactions ")).click()
    picker = page.get_by_role("dialog", name="Select your account")
    expect(picker.get_by_role("button", name=re.compile(" · "))).to_have_text(
        ["Jordan States · Facebook", "jordan.us · Instagram"]
    )
    page.keyboard.press("Escape")
    expect(picker).to_have_count(0)

    words = Words(vocabulary, "en_US")
    nothing = SnapshotReader([], words, [])  # the profile's value is only in the dialog: the snapshot is not asked
    reading = Reader(page, page.get_by_role("main"), nothing, words).read(
        setting("accounts_center/ad_settings", "ac.social_interactions")
    )
    assert (reading.value, reading.raw, reading.unknown_detail) == ("only_me", "Only me", "")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert replica.writes() == []


def test_one_accounts_center_reads_the_same_on_both_hosts(context, log_in, replica, vocabulary):
    log_in("uk", "facebook")
    log_in("uk", "instagram")
    # Values other than Meta's defaults, so that reading a default could not pass by luck.
    for setting_id, value in {
        "ac.ads_shown_outside_meta": "not_allowed",
        "ac.social_interactions": "only_me",
        "ac.ads_about_meta": "dont_use",
    }.items():
        replica.store.set("uk", setting_id, value)
    ad_settings = flow("accounts_center/ad_settings")
    seen = {}
    for platform in ("facebook", "instagram"):
        result = observe_in(visit_in(context, replica, [ad_settings], [platform]))
        assert [p.url.split("/")[2] for p in result.pages] == [AC_HOSTS[platform]]
        seen[platform] = {o.setting: (o.status, o.value) for o in result.observations}
    assert seen["facebook"] == seen["instagram"]
    assert seen["instagram"]["ac.ads_shown_outside_meta"] == ("observed", "not_allowed")
    assert seen["instagram"]["ac.social_interactions"] == ("observed", "only_me")
    assert seen["instagram"]["ac.ads_about_meta"] == ("observed", "dont_use")
    assert seen["instagram"]["ac.categories_used_to_reach_you"] == ("observed", 4)
    assert replica.writes() == []


@pytest.mark.parametrize(
    "account,site,objection",
    [
        ("eu", "facebook", FB_OBJECTION),
        ("de", "instagram", "https://help.instagram.com/contact/767264225370182"),
        ("uk", "instagram", "https://help.instagram.com/contact/767264225370182"),
        ("us", "facebook", None),
        ("us", "instagram", None),
    ],
)
def test_the_genai_page_links_the_objection_form_only_in_the_eu_and_uk(page, log_in, account, site, objection):
    log_in(account, site)
    page.goto(GENAI[site])
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(re.compile("generative (AI|KI)"))
    links = [a.get_attribute("href") for a in main.get_by_role("link").all()]
    third_party = "https://www.facebook.com/help/contact/1266025207620918"
    assert links == ([objection] if objection else []) + [third_party]


def test_the_objection_form_is_not_offered_in_the_us(page, log_in):
    log_in("us")
    page.goto(FB_OBJECTION)
    expect(page.get_by_text("This form isn't available in your country.")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_have_count(0)


def test_sending_the_objection_form_is_a_write(page, log_in, replica):
    log_in("eu")
    page.goto(GENAI["facebook"])
    page.get_by_role("link", name="right to object").click()
    expect(page.get_by_role("heading", name="Object to your information being used for AI at Meta")).to_be_visible()
    expect(page.get_by_role("textbox", name="Email address")).to_have_value("aoife.eu@example.com")
    page.get_by_role("textbox", name=re.compile("how this processing impacts you")).fill("I do not want my posts used.")
    assert replica.writes() == []
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name=re.compile("^Your request will be applied from now on"))).to_be_visible()
    assert [(w.account, w.setting, w.value) for w in replica.writes()] == [
        ("eu", "meta.genai_object_facebook", "submitted")
    ]


def test_the_audit_guard_stops_the_objection_form(page, log_in, routed, replica):
    log_in("uk")
    routed.audit = True  # as observe runs: from here on a write is aborted
    page.goto(FB_OBJECTION)
    with page.expect_event("requestfailed") as failed:
        page.get_by_role("button", name="Send").click()
    assert failed.value.method == "POST" and failed.value.url == FB_OBJECTION
    assert routed.log.blocked == ["POST /help/contact/712876720715583"]
    assert replica.writes() == []


def test_two_factor_shows_on_exactly_for_the_accounts_with_an_authenticator():
    for account in load_accounts():
        assert (account.settings.get("ac.two_factor") == "on") == bool(account.totp_secret), account.id


@pytest.mark.parametrize("knob", ["rename", "remove", "options", "move"])
def test_drift_knobs_act_on_accounts_center_controls(tmp_path, knob):
    """Each knob changes what the page's JSON shows for every Accounts Center setting it applies to."""
    account = next(a for a in load_accounts() if a.id == ACCOUNT)
    store = Store(tmp_path / "replica.sqlite", [account])
    cat = catalog()
    for page_def, control in cat.controls():
        if (
            page_def.site != "accounts_center"
            or control.id.startswith("ac.link.")
            or (knob == "options" and control.type != "choice")
        ):
            continue
        other = "ac_home" if page_def.id != "ac_home" else "ac_profiles"
        knobs = Knobs()
        knobs.set(f"{knob}:{control.id}" + (f":{other}" if knob == "move" else ""))

        def shown(page_id, knobs=knobs):
            data = model.build_page(cat.page(page_id), account, account.locale, store, knobs, seed=0)
            return [c for s in data["sections"] for c in s["controls"] if c["key"] == model.opaque_id(0, control.id)]

        here = shown(page_def.id)
        if knob == "rename":
            assert [c["label"] for c in here] == [model.renamed_text(control.label("en_GB"), "en_GB")], control.id
        elif knob == "options":  # the last option goes, "No one" comes (if it was not there)
            expected = control.options[:-1] + ([] if "no_one" in control.options else ["no_one"])
            texts = [cat.option_text(control, o, "en_GB", account.labels) for o in expected]
            assert [o["text"] for o in here[0]["options"]] == texts, control.id
        else:
            assert here == [], control.id
            assert len(shown(other)) == (1 if knob == "move" else 0), control.id
    store.close()
