"""The pattern space in a browser: the goldens are what the replica renders; a person's click through
each pattern saves through the setting's mutation and the page shows the new value; parts of a page
arrive as their load says (streamed with no loading sign, behind a skeleton, slow, on scroll, collapsed)."""

from __future__ import annotations

import re

import pattern_cases as cases
import pattern_render as render
import pytest
from conftest import wait_until

from auditor.replica import layout
from auditor.replica.patterns import parse
from auditor.replica.registry import catalog

pytestmark = pytest.mark.browser
FIND = "https://www.facebook.com/settings/?tab=how_people_find_and_contact_you"
GRAPHQL = re.compile(r"/api/graphql/?$")
LOADING = "[role=progressbar], progress, [aria-busy=true]"  # what observe takes for a page still loading


def ready(page):
    page.locator("[role=main][aria-busy=false]").wait_for()
    return page.get_by_role("main")


def test_a_sample_of_the_goldens_is_what_the_replica_renders(page, replica, log_in):
    log_in("demo")
    log_in("demo", "instagram")
    sample = []
    for name in [*cases.SWEEPS, "loads", "de_DE"]:
        entries = cases.load(name)
        sample += [entries[len(entries) // 2]] + ([entries[-1]] if name == "loads" else [])  # loads: the announcement
    logged_in = "demo"
    for entry in sorted(sample, key=lambda e: e["account"] != "demo"):
        if entry["account"] != logged_in:
            logged_in = entry["account"]
            log_in(logged_in)
            log_in(logged_in, "instagram")
        assignment = {c["setting"]: (cases.pattern_of(c), c["value"]) for c in entry["cases"]}
        page_id = next(p for p, f in cases.FLOWS.items() if f == entry["flow"])
        render.set_up(replica, entry["account"], assignment)
        got = render.render(page, replica, entry["account"], page_id, assignment)
        want = {k: entry[k] for k in ("snapshot", "before", "followed") if k in entry}
        assert got == want, f"{entry['id']} differs: recapture with python -m tests.capture_patterns"
    assert [w for w in replica.writes()] == []


# ------------------------------------------------------------------ a person's click through each pattern
def option_text(replica, account: str, page_id: str, setting: str, value: str) -> str:
    data = render.page_data(replica, account, page_id)
    control = catalog().control(setting)[1]
    shown = next(c for c in layout.controls(data) if c["key"] == render.key(replica, setting))
    return shown["options"][cases.values(control).index(value)]["text"]


def choose(page, main, pattern, label: str, option: str | None) -> None:
    """What a person does to pick `option` (None: flip the boolean) in this pattern."""
    kind = pattern.control
    if kind in ("switch", "button_switch", "div_switch", "checkbox"):
        role = "checkbox" if kind == "checkbox" else "switch"
        render.row_of(main, label, role).get_by_role(role).click()
    elif kind in ("value_row", "review", "audience_button", "choice_row"):
        render.opener(main, pattern, label, "en_US").click()
        if pattern.reach == "subpage":
            scope = ready(page)
        elif pattern.reach == "inline":
            scope = main
        else:
            scope = page.get_by_role("dialog")
        scope.get_by_role("radio", name=option, exact=True).click()
        if scope.get_by_role("button", name="Confirm").count():
            scope.get_by_role("button", name="Confirm").click()
    elif kind == "radios" and pattern.name == "legend":
        main.get_by_role("group", name=label).get_by_role("radio", name=option, exact=True).check()
    elif kind in ("radios", "aria_radios"):
        render.row_of(main, label, "radiogroup").get_by_role("radio", name=option, exact=True).click()
    elif kind == "listbox":
        render.row_of(main, label, "listbox").get_by_role("option", name=option, exact=True).click()
    elif kind == "select":
        render.row_of(main, label, "combobox").get_by_role("combobox").select_option(label=option)
    else:  # a menu button or a combobox: open it, pick the item
        trigger, item = ("button", "menuitemradio") if kind == "menu" else ("combobox", "option")
        row = render.row_of(main, label, trigger)
        row.get_by_role(trigger).first.click()
        row.get_by_role(item, name=option, exact=True).click()


# (account, page, {setting: (pattern, from value, to value)})
CLICKS = [
    ("ig_sharing_and_reuse", {
        "ig.sharing_and_reuse.story_mentions": ("control=switch,name=aria_label", "on", "off"),
        "ig.sharing_and_reuse.story_messages": ("control=button_switch,name=labelledby2", "off", "on"),
        "ig.sharing_and_reuse.notes": ("control=div_switch,name=title", "on", "off"),
        "ig.sharing_and_reuse.share_story_to_facebook": ("control=checkbox,name=wrap", "off", "on"),
    }),
    ("ac_login_alerts", {
        "ac.login_alerts.in_app": ("control=value_row,reach=dialog,button=change", "on", "off"),
        "ac.login_alerts.email": ("control=value_row,reach=inline,button=icon", "off", "on"),
    }),
    ("ig_account_privacy", {"ig.private_account": ("control=value_row,reach=subpage", "off", "on")}),
    ("fb_followers", {
        "fb.who_can_follow": ("control=audience_button,wording=live", "public", "friends"),
        "fb.followers_visibility": ("control=menu,name=labelledby", "public", "only_me"),
        "fb.following_visibility": ("control=listbox,name=aria_label", "public", "friends"),
        "fb.public_post_comments": ("control=combobox,name=labelledby2", "public", "friends_of_friends"),
        "fb.public_profile_info": ("control=select,name=label_for", "public", "friends"),
    }),
    ("fb_find_and_contact", {
        "fb.friend_requests": ("control=choice_row,wording=live", "everyone", "friends_of_friends"),
        "fb.friends_list_visibility": ("control=radios,name=legend", "public", "friends_except"),
        "fb.lookup_by_email": ("control=aria_radios,name=none", "everyone", "only_me"),
        "fb.lookup_by_phone": ("control=value_row,reach=subpage,button=icon,wording=live", "only_me", "friends"),
        "fb.search_engine_link": ("control=switch,name=none", "on", "off"),
    }),
    ("ac_ad_settings", {
        "ac.ads_shown_outside_meta": ("control=value_row,reach=inline,button=change", "allowed", "not_allowed"),
        "ac.social_interactions": ("control=radios,name=title", "friends", "only_me"),
        "ac.ads_from_ad_partners": ("control=menu,name=none", "show", "dont_show"),
        "ac.ads_about_meta": ("control=value_row,reach=dialog", "use", "dont_use"),
    }),
    ("ac_ad_partners", {"ac.ad_partners_activity": ("control=review,reach=dialog,name=labelledby", "yes", "no")}),
    ("ac_ad_partners", {"ac.ad_partners_activity": ("control=review,reach=subpage,name=aria_label", "no", "yes")}),
    ("ac_ad_partners", {"ac.ad_partners_activity": ("control=review,reach=inline", "yes", "no")}),
]  # fmt: skip
MUTATION = {"switch": "Toggle", "audience": "PrivacySelector", "choice": "AdPreferencesSetting",
            "review": "AdPreferencesSetting", "radio_group": "Radio"}  # fmt: skip


@pytest.mark.parametrize("page_id, clicks", CLICKS, ids=[f"{p}-{n}" for n, (p, _c) in enumerate(CLICKS)])
def test_a_click_through_each_pattern_saves_and_the_page_shows_it(page, replica, log_in, page_id, clicks):
    log_in("demo", "instagram" if page_id.startswith("ig_") else "facebook")
    settings = {s: (parse(catalog().control(s)[1].type, spec), old, new) for s, (spec, old, new) in clicks.items()}
    render.set_up(replica, "demo", {s: (p, old) for s, (p, old, _new) in settings.items()})
    url = cases.url(page_id)
    page.goto(url)
    main = ready(page)
    for n, (setting, (pattern, _old, new)) in enumerate(settings.items(), start=1):
        control = catalog().control(setting)[1]
        label = render.expected(replica, "demo", page_id, {setting: (pattern, new)})[setting]["label"]
        flips = control.type == "switch" and pattern.control != "value_row"
        choose(page, main, pattern, label, None if flips else option_text(replica, "demo", page_id, setting, new))
        if control.confirm_title and new == "on":  # Instagram asks before an account turns private
            page.get_by_role("dialog").get_by_role("button", name=control.button("en_US")).click()
        waited(page, lambda n=n: len(replica.writes()) >= n, f"{setting}: no save in {pattern}")
        assert len(replica.writes()) == n, replica.writes()
        write = replica.writes()[-1]
        assert (write.setting, write.value, write.accepted) == (setting, new, True)
        assert write.friendly_name.endswith(MUTATION[control.type] + "Mutation"), write.friendly_name
        if pattern.reach == "subpage":
            page.get_by_role("link", name="Back").click()
            main = ready(page)
        case = {"setting": setting, "pattern": str(pattern), "value": new}
        case |= render.expected(replica, "demo", page_id, {setting: (pattern, new)})[setting]
        shows = lambda case=case: not cases.missing(main.aria_snapshot(), case, "en_US")  # noqa: E731
        waited(page, shows, f"{setting}: the page does not show {new} in {pattern}:\n{main.aria_snapshot()}")


def waited(page, condition, message: str) -> None:
    """Until the condition holds (the page's requests go through the test's route handlers meanwhile)."""
    try:
        wait_until(condition, page=page)
    except AssertionError:
        raise AssertionError(message) from None


# ------------------------------------------------------------------ loads
@pytest.fixture
def held(page, monkeypatch) -> list:
    """Every read of a page's part (...SectionQuery), held until the test lets it go; the replica then
    answers it at once (the test holds it, so the replica need not hold it as well)."""
    monkeypatch.setattr(layout, "PART_DELAY", dict.fromkeys(layout.PART_DELAY, 0.0))
    held = []

    def route(r):
        (held.append if "SectionQuery" in (r.request.post_data or "") else lambda r: r.continue_())(r)

    page.route(GRAPHQL, route)
    return held


def wait_held(page, held: list, count: int) -> None:
    """Until the page has sent `count` part reads."""
    waited(page, lambda: len(held) >= count, f"the page never sent its {count} part read(s)")


def section_reads(replica) -> list[str]:
    return [name for _t, _h, method, _p, name in replica.store.requests() if (name or "").endswith("SectionQuery")]


def test_a_streamed_part_arrives_through_its_own_read_with_no_sign_of_loading(page, replica, log_in, held):
    log_in("demo")
    replica.knobs.set("pattern:fb.friends_list_visibility:load=streamed")
    page.goto(FIND)
    main = ready(page)
    wait_held(page, held, 1)
    assert main.get_by_text("Who can send you friend requests?", exact=True).count() == 1  # the first settings show
    assert main.get_by_text("Who can see your friends list?", exact=True).count() == 0
    assert page.locator(LOADING).count() == 0  # nothing says more is coming
    held[0].continue_()
    main.get_by_text("Who can see your friends list?", exact=True).wait_for()
    assert section_reads(replica) == ["CometSettingsHowPeopleFindAndContactYouTabSectionQuery"]
    assert replica.writes() == []


def test_a_skeleton_and_a_slow_part_show_placeholders_until_their_reads_answer(page, replica, log_in, held):
    log_in("demo")
    replica.knobs.set("pattern:fb.friend_requests:load=skeleton", "pattern:fb.search_engine_link:load=slow")
    page.goto(FIND)
    main = ready(page)
    wait_held(page, held, 2)
    blocks = main.locator("[data-visualcompletion=loading-state]")
    assert blocks.count() == 3 and blocks.all_inner_texts() == ["", "", ""]
    assert main.get_by_role("progressbar", name="Loading...").count() == 1
    assert (
        main.get_by_role("switch").count() == 0 and main.get_by_text("Who can send you friend requests?").count() == 0
    )
    for route in held:
        route.continue_()
    main.get_by_role("switch").wait_for()
    main.get_by_text("Who can send you friend requests?", exact=True).wait_for()
    assert blocks.count() == 0 and page.locator(LOADING).count() == 0


def test_a_part_below_a_long_introduction_renders_only_once_scrolled_into_view(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("pattern:fb.search_engine_link:load=scroll")
    page.goto(FIND)
    main = ready(page)
    assert len(main.get_by_role("paragraph").all()) == 3  # the long introduction
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert main.get_by_role("switch").count() == 0 and section_reads(replica) == []  # out of view: not even read
    page.mouse.wheel(0, 4000)
    main.get_by_role("switch", name=re.compile("^Do you want search engines")).wait_for()
    assert section_reads(replica) == ["CometSettingsHowPeopleFindAndContactYouTabSectionQuery"]


def test_a_collapsed_part_shows_its_settings_once_expanded(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("pattern:fb.lookup_by_email:section=collapsed", "pattern:fb.lookup_by_phone:section=collapsed")
    page.goto(FIND)
    main = ready(page)
    tile = main.get_by_role("button", name="More settings")
    assert tile.get_attribute("aria-expanded") == "false"
    assert "People with your email address" not in main.aria_snapshot()
    tile.click()
    assert tile.get_attribute("aria-expanded") == "true"
    snapshot = main.aria_snapshot()
    assert "People with your email address" in snapshot and "People with your phone number" in snapshot
    assert main.get_by_role("button", name="More settings").count() == 1  # one part: the two settings in a row
