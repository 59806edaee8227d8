"""Reading without a browser: every saved replica page (tests/snapshots, proven live by
test_observe_accounts) read from its snapshot alone gives the expected observations; and the page
variations a reader must survive (a retyped control, a renamed label), made by editing a snapshot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import saved_pages

from auditor import spec
from auditor.observe import aria
from auditor.observe.snapshot import SnapshotReader
from auditor.observe.wording import NotFound, Words

EXPECTED = Path(__file__).parent / "expected"
FLOWS = {f.id: f for f in spec.load_flows()}
VOCABULARY = spec.load_vocabulary()
# Pages with a setting the snapshot answers (Accounts Center's ad-partner page holds a "Review setting" dialog only).
PAGES = [
    (account, flow)
    for account in saved_pages.accounts()
    for flow in saved_pages.load(account)
    if any(s.read != "review" and not getattr(s, "account", None) for s in FLOWS[flow].spec.settings)
]


def expected(account: str) -> dict[str, dict]:
    out = {}
    for path in EXPECTED.glob(f"*/{account}.json"):
        out.update(json.loads(path.read_text(encoding="utf-8")))
    return out


def read_page(snapshot: str, flow_id: str, locale: str) -> dict[str, object]:
    """setting -> Reading, or the NotFound it raised, for every setting the snapshot alone answers."""
    reader = SnapshotReader(aria.parse(snapshot), Words(VOCABULARY, locale), FLOWS[flow_id].spec.settings)
    settings = [s for s in FLOWS[flow_id].spec.settings if s.read != "review" and not getattr(s, "account", None)]
    out = {}
    for setting in settings:
        try:
            out[setting.id] = reader.read(setting)
        except NotFound as exc:
            out[setting.id] = exc
    return out


@pytest.mark.parametrize("account, flow_id", PAGES)
def test_a_saved_page_reads_as_the_live_audit_did(account, flow_id):
    page = saved_pages.load(account)[flow_id]
    want = expected(account)
    read = read_page(page["snapshot"], flow_id, page["locale"])
    assert read, "no setting of this page is read from its snapshot"
    for setting, got in read.items():
        if want[setting]["status"] == "observed":
            assert not isinstance(got, NotFound), f"{setting}: {got}"
            assert (got.value, got.inferred_label) == (want[setting]["value"], None), setting
        else:
            assert isinstance(got, NotFound) or got.unknown_detail, f"{setting}: read {got.value}"


def test_every_account_and_locale_has_saved_pages():
    locales = {page["locale"] for account in saved_pages.accounts() for page in saved_pages.load(account).values()}
    assert locales == {"en_US", "en_GB", "de_DE"}
    assert len(PAGES) >= 140


# ------------------------------------------------------------------ variations, made on a saved page
TAGGING = "facebook/profile_and_tagging"


def demo_page(flow_id: str) -> tuple[str, str]:
    page = saved_pages.load("demo")[flow_id]
    return page["snapshot"], page["locale"]


def test_a_switch_read_as_a_checkbox_or_a_div_switch_keeps_its_value_and_records_the_type():
    snapshot, locale = demo_page(TAGGING)
    before = read_page(snapshot, TAGGING, locale)["fb.allow_share_posts_to_story"]
    label = "Allow others to share your posts to their story?"
    as_checkbox = snapshot.replace(f'switch "{label}"', f'checkbox "{label}"')
    after = read_page(as_checkbox, TAGGING, locale)["fb.allow_share_posts_to_story"]
    assert (before.control, after.control) == ("switch", "checkbox")
    assert after.value == before.value and after.inferred_label is None


def test_an_audience_shown_as_a_choice_row_is_read_from_the_value_beside_the_question():
    snapshot, locale = demo_page(TAGGING)
    label = "Who can post on your profile?"
    row = f'      - generic: {label}\n      - button "Edit privacy. Sharing with Friends.": Friends\n'
    assert row in snapshot
    choice_row = snapshot.replace(row, f'      - button "{label} Only me"\n')
    got = read_page(choice_row, TAGGING, locale)["fb.who_can_post_on_profile"]
    assert (got.value, got.control, got.raw) == ("only_me", "button", "Only me")


def test_the_older_audience_name_that_repeats_the_label_reads_the_same():
    snapshot, locale = demo_page(TAGGING)
    older = snapshot.replace(
        'button "Edit privacy. Sharing with Friends.": Friends',
        'button "Edit privacy. Who can post on your profile? Sharing with Only me. "',
        1,
    )
    assert read_page(older, TAGGING, locale)["fb.who_can_post_on_profile"].value == "only_me"


def test_one_renamed_label_is_inferred_from_the_only_unclaimed_control_two_are_not():
    snapshot, locale = demo_page(TAGGING)
    one = snapshot.replace("Who can see what others post on your profile?", "Who sees posts by others?")
    got = read_page(one, TAGGING, locale)["fb.others_posts_visibility"]
    assert (got.value, got.inferred_label) == ("everyone", "Who sees posts by others?")
    two = one.replace("Who can see posts that you're tagged in on your profile?", "Tagged posts on your profile")
    read = read_page(two, TAGGING, locale)
    for setting in ("fb.others_posts_visibility", "fb.tagged_posts_visibility"):
        assert isinstance(read[setting], NotFound) and "2 unlabelled candidates" in str(read[setting])


def test_a_setting_that_may_rightly_be_absent_is_never_inferred():
    """Instagram's search-engine switch is shown only in some regions: a new switch is not it."""
    snapshot, locale = demo_page("instagram/account_privacy")
    assert "search engine" not in snapshot
    with_new = (
        snapshot.rstrip() + '\n  - text: Show your profile in Threads\n  - switch "Show your profile in Threads"\n'
    )
    got = read_page(with_new, "instagram/account_privacy", locale)
    assert isinstance(got["ig.search_engine_indexing"], NotFound)
    assert got["ig.private_account"].inferred_label is None


def test_a_snapshot_keeps_every_text_as_the_page_shows_it():
    # YAML would read these as a number, a float and a boolean: 8, 1.5, True.
    nodes = aria.parse(
        '- main:\n  - text: "010"\n  - paragraph: 1.50\n  - text: on\n  - button "Your profile":\n    - img "Alex Demo"'
    )
    assert aria.texts(nodes) == ["010", "1.50", "on"]
    assert aria.all_texts(nodes[0].children[-1:], own_name=False) == ["Alex Demo"]
    assert aria.all_texts(nodes[0].children[-1:]) == ["Your profile", "Alex Demo"]
