"""Each drift and fault knob of the replica does what it says, on the real pages in a browser."""

from __future__ import annotations

import re
import time

import pytest

from auditor.replica.knobs import Knob
from auditor.replica.registry import catalog

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
    assert main.get_by_text(re.compile(r"^Who can send you friend requests \(new\)$")).count() == 1
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


def test_slow_delays_the_settings_read_not_the_page(page, replica, log_in):
    log_in("demo")
    replica.knobs.set("slow:fb_posts:1500")
    started = time.monotonic()
    page.goto(POSTS, wait_until="domcontentloaded")
    assert page.get_by_role("progressbar", name="Loading...").count() == 1  # the shell is there, the data is not yet
    page.get_by_role("heading", name="Posts", level=1).wait_for()
    assert time.monotonic() - started >= 1.5


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
        ("rename", "takes 1 argument"),
        ("move:fb.friend_requests", "takes 2 argument"),
        ("move:fb.friend_requests:no_page", "unknown page 'no_page'"),
        ("slow:fb_posts:1:2", "takes 1 or 2 argument"),
        ("add:fb.friend_requests", "unknown page 'fb.friend_requests'"),
    ],
)
def test_bad_knobs_are_refused_with_a_reason(text, message):
    from auditor.errors import InputError

    with pytest.raises(InputError, match=re.escape(message)):
        Knob.parse(text)
