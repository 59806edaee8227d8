"""Each drift and fault knob of the replica does what it says, on the real pages in a browser."""

from __future__ import annotations

import re
import time

import pytest
from conftest import wait_until
from playwright.sync_api import expect

from auditor.network import URLENCODED
from auditor.replica import model
from auditor.replica.knobs import Knob
from auditor.replica.registry import catalog
from auditor.replica.strays import SHAPES

POSTS = "https://www.facebook.com/settings/?tab=posts"
FIND = "https://www.facebook.com/settings/?tab=how_people_find_and_contact_you"
FRIEND_REQUESTS = "Who can send you friend requests?"


def loaded(page, url: str):
    page.goto(url)
    main = page.get_by_role("main")
    main.get_by_role("heading", level=1).wait_for()
    return main


def test_rename_changes_only_that_label(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("rename:fb.friend_requests")
    main = loaded(page, FIND)
    assert main.get_by_text(FRIEND_REQUESTS, exact=True).count() == 0
    assert main.get_by_text(model.renamed_text(FRIEND_REQUESTS, "en_US"), exact=True).count() == 1
    assert main.get_by_text("Who can see your friends list?", exact=True).count() == 1


def test_remove_takes_the_control_away(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("remove:fb.search_engine_link")
    main = loaded(page, FIND)
    assert main.get_by_role("switch").count() == 0
    assert main.get_by_text(FRIEND_REQUESTS, exact=True).count() == 1


def test_add_puts_an_unknown_toggle_on_the_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("add:fb_posts")
    main = loaded(page, POSTS)
    label = catalog().new_control.label("en_US")
    toggle = main.get_by_role("switch", name=label)
    assert toggle.count() == 1 and not toggle.is_checked()


def test_move_shows_the_control_on_the_other_page_only(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("move:fb.friend_requests:fb_posts")
    assert loaded(page, FIND).get_by_text(FRIEND_REQUESTS, exact=True).count() == 0
    assert loaded(page, POSTS).get_by_text(FRIEND_REQUESTS, exact=True).count() == 1


def audience_options(page, main, label: str) -> list[str]:
    row = (
        main.locator("div")
        .filter(has=page.get_by_text(label, exact=True))
        .filter(has=page.get_by_role("button", name=re.compile("^Edit privacy")))
        .last
    )
    row.get_by_role("button", name=re.compile("^Edit privacy")).click()
    dialog = page.get_by_role("dialog")
    names = [r.inner_text().splitlines()[0] for r in dialog.get_by_role("radio").all()]
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    return names


def test_options_changes_the_option_list(page, replica, log_in):
    log_in("demo")
    main = loaded(page, FIND)
    assert audience_options(page, main, FRIEND_REQUESTS) == ["Everyone", "Friends of friends"]
    replica.knobs.set("options:fb.friend_requests")
    main = loaded(page, FIND)
    assert audience_options(page, main, FRIEND_REQUESTS) == ["Everyone", "No one"]


def test_retype_turns_a_dialog_into_inline_radios(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("retype:fb.friend_requests")
    main = loaded(page, FIND)
    group = main.get_by_role("radiogroup", name=FRIEND_REQUESTS)
    assert group.get_by_role("radio").count() == 2
    assert group.get_by_role("radio", checked=True).count() == 1


def test_default_changes_only_accounts_that_never_chose(page, replica, log_in):
    replica.knobs.set("default:fb.friends_list_visibility:only_me")
    log_in("totp")  # never chose: sees the new default
    main = loaded(page, FIND)
    row = (
        main.locator("div")
        .filter(has=page.get_by_text("Who can see your friends list?", exact=True))
        .filter(has=page.get_by_role("button", name=re.compile("^Edit privacy")))
        .last
    )
    assert row.get_by_role("button", name=re.compile("^Edit privacy")).inner_text() == "Only me"


def test_remove_page_shows_metas_unavailable_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("remove_page:fb_posts")
    response = page.goto(POSTS)
    assert response.status == 404
    page.get_by_role("heading", name="This content isn't available right now").wait_for()


def test_slow_delays_the_settings_read(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("slow:fb_posts:1500")
    started = time.monotonic()
    page.goto(POSTS, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Posts", level=1).wait_for()
    assert time.monotonic() - started >= 1.5  # the server held the data that long (a lower bound: no race)


def test_hold_keeps_the_settings_read_back_until_let_go_not_the_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("hold:fb_posts")
    page.goto(POSTS, wait_until="domcontentloaded")
    loading = page.get_by_role("progressbar", name="Loading...")
    expect(loading).to_be_visible()  # the shell is there, the data is not, and stays away while held
    heading = page.get_by_role("heading", name="Posts", level=1)
    assert heading.count() == 0
    replica.let_go()
    heading.wait_for()
    expect(loading).to_have_count(0)


def test_hold_keeps_a_saves_answer_back_until_let_go_and_the_save_is_kept(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("hold:fb.search_engine_link")
    switch = loaded(page, FIND).get_by_role("switch", name=SEARCH_ENGINES)
    expect(switch).to_be_checked()
    switch.click()
    wait_until(lambda: [w.value for w in replica.writes()] == ["off"], page=page)  # received; its answer is held
    assert replica.store.get("demo", "fb.search_engine_link") == "off"
    replica.let_go()
    expect(switch).not_to_be_checked()  # the page applied the answer


def test_error_answers_http_500_with_metas_error_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("error:fb_posts")
    response = page.goto(POSTS)
    assert response.status == 500
    assert page.get_by_role("heading", name="Sorry, something went wrong.").is_visible()
    assert loaded(page, FIND).get_by_text(FRIEND_REQUESTS, exact=True).count() == 1  # other pages still work


def test_ratelimit_shows_the_temporarily_blocked_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("ratelimit:fb_posts")
    page.goto(POSTS)
    assert page.get_by_role("heading", name="You're Temporarily Blocked").is_visible()


def test_ratelimit_on_instagram_answers_429(page, replica, log_in):
    log_in("demo", "instagram")
    replica.knobs.set("ratelimit:ig_account_privacy")
    response = page.goto("https://www.instagram.com/accounts/settings/v2/account_privacy/")
    assert response.status == 429
    assert page.get_by_text("Please wait a few minutes before you try again.").is_visible()


def test_expire_ends_the_session_when_the_page_opens(page, replica, log_in):
    log_in("demo")
    assert loaded(page, FIND)
    replica.knobs.set("expire:fb_posts")
    page.goto(POSTS)
    page.locator("input[name=pass]").wait_for()
    assert "/login/" in page.url
    replica.knobs.clear()
    page.goto(FIND)  # the session is gone for good, not only on that page
    page.locator("input[name=pass]").wait_for()


def test_a_wildcard_knob_hits_every_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("error:*")
    assert page.goto(POSTS).status == 500
    assert page.goto(FIND).status == 500


@pytest.mark.parametrize(
    "text, message",
    [
        ("rename", "takes 1 or 2 argument"),
        ("move:fb.friend_requests", "takes 2 argument"),
        ("move:fb.friend_requests:no_page", "unknown page 'no_page'"),
        ("slow:fb_posts:1:2", "takes 1 or 2 argument"),
        ("add:fb.friend_requests", "unknown page 'fb.friend_requests'"),
        ("hold:fb.nothing", "unknown page or setting 'fb.nothing'"),
    ],
)
def test_bad_knobs_are_refused_with_a_reason(text, message):
    from auditor.errors import InputError

    with pytest.raises(InputError, match=re.escape(message)):
        Knob.parse(text)


# -- control variations and overlays: the same page as the accessibility tree shows it

SEARCH_ENGINES = "Do you want search engines outside of Facebook to link to your profile?"
PROFILE_AND_TAGGING = "https://www.facebook.com/settings/?tab=profile_and_tagging"


def main_snapshot(page, url: str) -> str:
    main = loaded(page, url)
    page.wait_for_function("document.querySelector('[role=main]').getAttribute('aria-busy') === 'false'")
    return main.aria_snapshot()


def off_again(page, replica, url: str, before: str) -> None:
    """With the knobs cleared the page is what it was before they were set."""
    replica.knobs.clear()
    assert main_snapshot(page, url) == before


def test_divswitch_renders_a_boolean_as_a_div_switch(page, replica, log_in):
    log_in("demo")
    before = main_snapshot(page, FIND)
    assert f'- switch "{SEARCH_ENGINES}" [checked]' in before
    assert loaded(page, FIND).get_by_role("switch").evaluate("e => e.tagName") == "INPUT"
    replica.knobs.set("divswitch:fb.search_engine_link")
    snapshot = main_snapshot(page, FIND)
    assert f'- switch "{SEARCH_ENGINES}" [checked]' in snapshot
    switch = page.get_by_role("main").get_by_role("switch", name=SEARCH_ENGINES)
    assert switch.evaluate("e => [e.tagName, e.getAttribute('aria-checked')]") == ["DIV", "true"]
    assert page.get_by_role("main").locator("input").count() == 0
    switch.click()  # it works as the input did: one write
    wait_until(lambda: [w.value for w in replica.writes()] == ["off"], page=page)
    expect(switch).to_have_attribute("aria-checked", "false")  # once the page applied the save's answer
    replica.store.set("demo", "fb.search_engine_link", "on")
    off_again(page, replica, FIND, before)


def test_checkbox_renders_a_boolean_as_a_labelled_checkbox(page, replica, log_in):
    log_in("demo")
    before = main_snapshot(page, FIND)
    replica.knobs.set("checkbox:fb.search_engine_link")
    snapshot = main_snapshot(page, FIND)
    assert f'- checkbox "{SEARCH_ENGINES}" [checked]' in snapshot
    assert "switch" not in snapshot
    box = page.get_by_role("main").get_by_label(SEARCH_ENGINES)
    assert box.evaluate("e => [e.type, e.getAttribute('role'), e.labels[0].textContent]") == [
        "checkbox",
        None,
        SEARCH_ENGINES,
    ]
    off_again(page, replica, FIND, before)


def test_choicerow_renders_an_audience_as_an_accounts_center_row(page, replica, log_in):
    log_in("demo")
    before = main_snapshot(page, FIND)
    replica.knobs.set("choicerow:fb.friend_requests")
    snapshot = main_snapshot(page, FIND)
    assert f'- button "{FRIEND_REQUESTS} Everyone"' in snapshot
    assert snapshot.count("Edit privacy") == before.count("Edit privacy") - 1
    page.get_by_role("main").get_by_role("button", name=f"{FRIEND_REQUESTS} Everyone").click()
    dialog = page.get_by_role("dialog", name=FRIEND_REQUESTS)
    assert dialog.get_attribute("aria-modal") == "true"
    dialog_tree = dialog.aria_snapshot()
    assert '- radio "Everyone" [checked]' in dialog_tree and '- radio "Friends of friends"' in dialog_tree
    assert '- button "Confirm"' in dialog_tree
    dialog.get_by_role("radio", name="Friends of friends").check()
    page.keyboard.press("Escape")  # closes it unchanged: nothing is saved without Confirm
    dialog.wait_for(state="detached")
    assert replica.writes() == []
    assert f'- button "{FRIEND_REQUESTS} Everyone"' in main_snapshot(page, FIND)
    off_again(page, replica, FIND, before)


def covers_main(page) -> bool:
    """Is the element at the centre of the main region something outside it (an overlay)?"""
    return page.evaluate(
        """() => { const main = document.querySelector('[role=main]'); const r = main.getBoundingClientRect();
        return !main.contains(document.elementFromPoint(r.x + r.width / 2, r.y + Math.min(r.height, 300) / 2)); }"""
    )


def test_cookie_puts_metas_consent_dialog_over_the_page_until_answered(page, replica, log_in):
    from auditor.network import judge

    log_in("demo")
    before = main_snapshot(page, POSTS)
    assert page.get_by_role("dialog").count() == 0 and not covers_main(page)
    replica.knobs.set("cookie:fb_posts")
    main_snapshot(page, POSTS)
    dialog = page.get_by_role("dialog", name="Allow the use of cookies from Facebook on this browser?")
    assert dialog.get_attribute("aria-modal") == "true"
    assert '- button "Decline optional cookies"' in dialog.aria_snapshot()
    assert '- button "Allow all cookies"' in dialog.aria_snapshot()
    assert covers_main(page)
    dialog.get_by_role("button", name="Decline optional cookies").click()
    dialog.wait_for(state="detached")
    assert list(replica.app.cookie_choices().values()) == ["accept_only_essential_button"]
    assert replica.writes() == []  # a cookie choice is not a settings write
    assert main_snapshot(page, POSTS) == before  # this browser answered: the page is plain again
    assert page.get_by_role("dialog").count() == 0
    # The answer is a POST, as on Meta's sites: the audit guard does not let it through.
    consent = judge("POST", "https://www.facebook.com/cookie/consent/", {"Content-Type": URLENCODED}, b"choice=x")
    assert not consent.read


def test_announce_puts_an_unknown_modal_over_the_page(page, replica, log_in):
    log_in("demo")
    before = main_snapshot(page, POSTS)
    replica.knobs.set("announce:fb_posts")
    main_snapshot(page, POSTS)
    dialog = page.get_by_role("dialog", name="Say hello to Meta AI")
    assert dialog.get_attribute("aria-modal") == "true"
    assert '- button "Close"' in dialog.aria_snapshot()
    assert covers_main(page)
    requests = len(replica.store.requests())
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert len(replica.store.requests()) == requests  # dismissing sends nothing
    off_again(page, replica, POSTS, before)


def test_csp_sends_a_policy_that_blocks_an_inline_style_and_keeps_the_cdns(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("csp:fb_posts")
    response = page.goto(POSTS)
    assert "style-src https://*.fbcdn.net" in response.headers["content-security-policy"]
    page.get_by_role("heading", name="Posts", level=1).wait_for()
    banner = "() => getComputedStyle(document.querySelector('[role=banner]')).display"
    assert page.evaluate(banner) == "flex"  # the CDN's style sheet applies
    inline = """() => { const tag = document.createElement('style');
        tag.textContent = 'body { visibility: hidden }'; document.head.append(tag);
        return getComputedStyle(document.body).visibility; }"""
    assert page.evaluate(inline) == "visible"  # the policy blocked the inline style
    assert "content-security-policy" not in page.goto(FIND).headers  # other pages send none


def test_rename_with_a_text_gives_two_unknown_switches_in_one_section(page, replica, log_in):
    log_in("demo")
    before = main_snapshot(page, PROFILE_AND_TAGGING)
    replica.knobs.set(
        "rename:fb.tag_review:Approve tags: before they show?", "rename:fb.profile_review:Check posts first"
    )
    snapshot = main_snapshot(page, PROFILE_AND_TAGGING)
    assert 'switch "Approve tags: before they show?"' in snapshot and '- switch "Check posts first"' in snapshot
    assert snapshot.count("switch ") == before.count("switch ")  # the same switches, two of them renamed
    assert "Review tags that friends add" not in snapshot
    off_again(page, replica, PROFILE_AND_TAGGING, before)


@pytest.mark.parametrize(
    "text, message",
    [
        ("divswitch:fb.friend_requests", "divswitch takes a switch setting"),
        ("choicerow:fb.search_engine_link", "choicerow takes a audience setting"),
        ("labels:2025", "unknown label generation '2025'"),
        ("cookie:fb.friend_requests", "unknown page 'fb.friend_requests'"),
        ("script:fb_posts:fetch", "unknown setting 'fb_posts'"),
        ("script:fb.friend_requests:carrier_pigeon", "unknown script shape 'carrier_pigeon'"),
        ("script:fb.friend_requests:fetch:later", "unknown moment 'later'"),
        ("script:fb.friend_requests", "takes 2 or 3 argument"),
    ],
)
def test_bad_variation_knobs_are_refused_with_a_reason(text, message):
    from auditor.errors import InputError

    with pytest.raises(InputError, match=re.escape(message)):
        Knob.parse(text)


# -- the reader through each variation


@pytest.mark.parametrize(
    "knob, flow",
    [
        ("divswitch:fb.stories_archive", "facebook/stories"),
        ("checkbox:fb.stories_archive", "facebook/stories"),
        ("choicerow:fb.stories_audience", "facebook/stories"),
        ("cookie:fb_posts", "facebook/posts"),
    ],
)
def test_the_reader_reads_the_page_through_each_variation(browser, replica, knob, flow):
    from conftest import audit_account

    from auditor import spec
    from auditor.replica.model import current_value
    from auditor.replica.registry import catalog

    replica.knobs.set(knob)
    flows = [f for f in spec.load_flows() if f.id == flow]
    observations, writes = audit_account(browser, replica, "demo", platforms=("facebook",), flows=flows)
    assert writes == []
    stored = replica.store.accounts["demo"]
    for setting in flows[0].spec.settings:
        observation = next(o for o in observations.observations if o.setting == setting.id)
        assert observation.status == "observed", (setting.id, observation.detail)
        control = catalog().control(setting.id)[1]
        if control.options or control.type == "switch":
            assert observation.value == current_value(control, stored, replica.store, replica.knobs)
    if knob.startswith("cookie:"):  # answered with the most private choice
        assert list(replica.app.cookie_choices().values()) == ["accept_only_essential_button"]
        assert observations.run.cookie_dialogs_declined == 1


# -- a page script's own write


@pytest.mark.parametrize("shape", SHAPES)
def test_script_sends_a_write_that_changes_the_setting_when_nothing_stops_it(page, replica, log_in, shape):
    """The counterpart of the guard's tests (tests/test_guard_windows.py): with the guard off (the test's
    context), the page's script changes the setting, whatever way it sends its write."""
    log_in("demo")
    replica.knobs.set(f"script:fb.search_engine_link:{shape}:at")
    main = loaded(page, FIND)
    main.get_by_role("heading", level=1).click()  # a click on nothing: the script writes at it
    wait_until(lambda: replica.writes(), page=page)
    assert [(w.setting, w.value, w.accepted) for w in replica.writes()] == [("fb.search_engine_link", "off", True)]
    assert page.evaluate("window.__strays") == 1
