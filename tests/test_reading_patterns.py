"""Reading the way a person reads, without a browser: a setting is found by its wording inside a control's
name or in its row, and its value from whatever the control or the row shows. Each snapshot below is in the
form Playwright's "ai" mode gives (containers as `generic`), written as the patterns any page may use:
a name made of a label and its description, the older "question · value · Edit" row, a control with no
name beside its question, list boxes, menus, combo boxes, radios with no group, and option texts that
hold other option texts ("Your friends of friends", "Friends except: NAME").
"""

from __future__ import annotations

import pytest

from auditor import spec
from auditor.observe import aria
from auditor.observe.snapshot import SnapshotReader
from auditor.observe.wording import NotFound, Words
from auditor.reads import Switch

FLOWS = {f.id: f for f in spec.load_flows()}
VOCABULARY = spec.load_vocabulary()
TAGGING = FLOWS["facebook/profile_and_tagging"].spec.settings
POST = "Who can post on your profile?"
OTHERS = "Who can see what others post on your profile?"
STORY = "Allow others to share your posts to their story?"


def read(snapshot: str, settings=TAGGING, locale: str = "en_US") -> dict:
    reader = SnapshotReader(aria.parse(snapshot), Words(VOCABULARY, locale), settings)
    out = {}
    for setting in settings:
        try:
            out[setting.id] = reader.read(setting)
        except NotFound as exc:
            out[setting.id] = exc
    return out


def page(*rows: str) -> str:
    """A main region whose rows are the given blocks (each a YAML list item, indented under a generic)."""
    body = "".join(f"  - generic:\n{_indent(row, 4)}" for row in rows)
    return f'- main:\n  - heading "Profile and tagging" [level=1]\n{body}'


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.strip("\n").splitlines())


def test_a_switch_named_by_its_label_and_its_description_is_read():
    described = f'- switch "{STORY} Only people you share with can share your posts." [checked]'
    got = read(page(described))["fb.allow_share_posts_to_story"]
    assert (got.value, got.found_by, got.control) == ("on", "name", "switch")


@pytest.mark.parametrize("case", ["punctuation", "case", "spaces", "apostrophe"])
def test_a_wording_is_found_whatever_its_case_punctuation_or_spacing(case):
    label = {
        "punctuation": "Allow others to share your posts to their story",
        "case": STORY.upper(),
        "spaces": STORY.replace(" ", "  "),
        "apostrophe": STORY,
    }[case]
    got = read(page(f'- switch "{label}"'))["fb.allow_share_posts_to_story"]
    assert got.value == "off"


def test_a_switch_with_no_name_belongs_to_the_question_in_its_row():
    row = f"- generic: {STORY}\n- switch [checked]"
    got = read(page(row))["fb.allow_share_posts_to_story"]
    assert (got.value, got.found_by) == ("on", "row_text")


def test_the_older_row_reads_the_value_shown_as_text_beside_an_edit_button():
    rows = [
        f'- generic: {POST}\n- generic: Only me\n- button "Edit"',
        f'- generic: {OTHERS}\n- generic: Friends of friends\n- button "Change"',
        f'- generic: {STORY}\n- generic: "On"\n- button "Edit"',
    ]
    got = read(page(*rows))
    assert (got["fb.who_can_post_on_profile"].value, got["fb.who_can_post_on_profile"].found_by) == (
        "only_me",
        "row_text",
    )
    assert got["fb.others_posts_visibility"].value == "friends_of_friends"
    assert got["fb.allow_share_posts_to_story"].value == "on"


def test_a_value_is_never_taken_from_a_row_that_holds_another_settings_question():
    # One block holds two questions and one value: whose value it is cannot be told, so neither gets it.
    both = f'- generic: {POST}\n- generic: {OTHERS}\n- generic: Only me\n- button "Edit"'
    got = read(page(both))
    assert isinstance(got["fb.who_can_post_on_profile"], NotFound) or got["fb.who_can_post_on_profile"].value is None
    assert isinstance(got["fb.others_posts_visibility"], NotFound) or got["fb.others_posts_visibility"].value is None


@pytest.mark.parametrize(
    "name, value",
    [
        ("Edit privacy. Sharing with Your friends of friends. ", "friends_of_friends"),
        ("Edit privacy. Sharing with Friends except: Ann Example, Bo Sample. ", "friends_except"),
        ("Edit privacy. Sharing with Friends. ", "friends"),
        (f"Edit privacy. {OTHERS} Sharing with Only me. ", "only_me"),
    ],
)
def test_an_option_inside_a_longer_one_loses_to_it(name, value):
    row = f"- generic: {OTHERS}\n- 'button \"{name}\"'"  # quoted as Playwright quotes a line holding ": "
    got = read(page(row))["fb.others_posts_visibility"]
    assert got.value == value


def test_a_known_option_the_setting_does_not_offer_is_unknown_with_what_was_seen_never_the_nearest():
    row = f"- generic: {POST}\n- 'button \"Edit privacy. Sharing with Friends except: Ann Example. \"'"
    got = read(page(row))["fb.who_can_post_on_profile"]
    assert got.value is None and got.raw == "Friends except..." and "Friends except" in got.unknown_detail
    assert "Ann" not in got.raw  # the text seen is the option's wording, never the names it lists


def test_an_unknown_option_text_is_unknown_with_the_text_seen():
    row = f'- generic: {POST}\n- button "Edit privacy. Sharing with Close colleagues. "'
    got = read(page(row))["fb.who_can_post_on_profile"]
    assert got.value is None and "Close colleagues" in got.unknown_detail


def test_a_list_box_a_combo_box_and_a_menu_button_show_their_choice():
    rows = [
        f'- generic: {POST}\n- listbox "{POST}":\n  - option "Friends"\n  - option "Only me" [selected]',
        f'- combobox "{OTHERS}":\n  - option "Everyone"\n  - option "Friends" [selected]',
        f"- 'button \"{STORY}: Off\" [expanded=false]'",
    ]
    got = read(page(*rows))
    assert (got["fb.who_can_post_on_profile"].value, got["fb.who_can_post_on_profile"].control) == (
        "only_me",
        "listbox",
    )
    assert got["fb.who_can_post_on_profile"].options == ["Friends", "Only me"]
    assert (got["fb.others_posts_visibility"].value, got["fb.others_posts_visibility"].control) == (
        "friends",
        "combobox",
    )
    story = got["fb.allow_share_posts_to_story"]  # a menu button named by its question and its choice
    assert (story.value, story.control) == ("off", "button")


def test_radios_with_no_group_in_the_questions_row():
    row = f'- generic: {OTHERS}\n- radio "Everyone"\n- radio "Friends" [checked]\n- radio "Only me"'
    got = read(page(row))["fb.others_posts_visibility"]
    assert (got.value, got.options, got.found_by) == ("friends", ["Everyone", "Friends", "Only me"], "row_text")


def test_the_longest_wording_claims_a_control_two_of_one_length_claim_nothing():
    short = Switch(id="x.short", read="switch", label="Share your posts")
    long = Switch(id="x.long", read="switch", label="Share your posts to Facebook")
    got = read(page('- switch "Share your posts to Facebook" [checked]'), [short, long])
    assert got["x.long"].value == "on" and isinstance(got["x.short"], NotFound)
    same = Switch(id="x.same", read="switch", label="Share your posts")
    tie = read(page('- switch "Share your posts now" [checked]'), [short, same])
    assert isinstance(tie["x.short"], NotFound) and isinstance(tie["x.same"], NotFound)


def test_german_wording_by_containment_too():
    label = "Wer kann in deinem Profil posten?"
    row = f'- generic: {label}\n- generic: Nur ich\n- button "Bearbeiten"'
    assert read(page(row), locale="de_DE")["fb.who_can_post_on_profile"].value == "only_me"
