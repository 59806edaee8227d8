"""Observe keeps going: a fault on one page, an unknown language or Ctrl-C never costs the rest of the run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import (
    Running,
    audit_account,
    cli_env,
    ctrl_c_on_stories,
    page_requested,
    run_auditor,
    visit_in,
    wait_until,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor import results, spec
from auditor.observe.page import detect_locale
from auditor.observe.pages import settled_snapshot
from auditor.observe.stage import observe_in
from auditor.outcome import stop_message, too_little_read
from auditor.results import Observation

pytestmark = pytest.mark.long  # several whole audits: the module starts first (see conftest)


def by_flow(observations, flow_id: str):
    return [o for o in observations.observations if o.flow == flow_id]


# Pages with every kind of reading between them (an audience, a switch, a status, a list, a review, a choice, a
# link, an action and a form's presence): a fault or a dialog over them is what it would be over every page.
EVERY_KIND = (
    "facebook/posts",
    "facebook/stories",
    "facebook/profile",
    "facebook/apps_and_websites",
    "accounts_center/ad_partners",
    "accounts_center/ad_settings",
    "meta/genai_facebook",
)
BOTH_PLATFORMS = (*EVERY_KIND, "instagram/account_privacy", "instagram/content_preferences", "meta/genai_instagram")


def pages(flows, ids: tuple[str, ...]):
    return [f for f in flows if f.id in ids]


def test_a_fault_on_one_page_leaves_the_others_observed(browser, replica, flows):
    replica.knobs.set("error:fb_posts", "slow:fb_stories:1500")
    observations, writes = audit_account(browser, replica, "demo", ("facebook",), flows=pages(flows, EVERY_KIND))
    assert writes == []
    posts = by_flow(observations, "facebook/posts")
    assert {(o.status, o.reason) for o in posts} == {("unknown", "error")}
    assert all("Sorry, something went wrong" in o.detail for o in posts)
    stories = by_flow(observations, "facebook/stories")
    assert stories and all(o.status == "observed" for o in stories)  # slow is not broken
    others = [o for o in observations.observations if o.flow and o.flow != "facebook/posts"]
    assert others and all(o.status != "unknown" for o in others)
    # The run goes on past the error page, but a page that could not be loaded means it could not finish (exit 1).
    assert not observations.run.complete
    assert "1 page(s) answered with an error (first facebook/posts)" in stop_message(observations)


def test_an_announcement_over_every_page_hides_no_value(browser, replica, flows):
    """What the page shows under the dialog is read without a click (found_by under_dialog); the dialog goes with
    Escape, which sends nothing, and what needs a click is read after it: the same values as with no dialog."""
    replica.knobs.set("announce:*")
    observations, writes = audit_account(browser, replica, "demo", ("facebook",), flows=pages(flows, EVERY_KIND))
    assert writes == [] and observations.run.writes_blocked == 0 and observations.run.complete
    want = {}
    for path in (Path(__file__).parent / "expected").glob("*/demo.json"):
        want.update(json.loads(path.read_text(encoding="utf-8")))
    got = {
        o.setting: {"status": o.status, "value": o.value, "reason": o.reason}
        for o in observations.observations
        if o.flow in EVERY_KIND
    }
    assert len(got) > 12 and got == {s: want[s] for s in got}
    ways = {o.found_by for o in observations.observations if o.status == "observed"}
    assert "under_dialog" in ways and ways - {"under_dialog"}  # read under it, and (a click) after it went


def test_a_survey_only_an_answer_takes_away_leaves_read_what_shows_and_blocked_what_needs_a_click(
    browser, replica, flows
):
    """A dialog that neither Escape nor a close control takes away (a survey, answered by a write): what the page
    shows under it is read without a click, right; what needs a click is unknown `blocked_by_dialog`; the survey is
    never answered, and the run cannot finish (exit 1)."""
    replica.knobs.set("announce:*:survey")
    observations, writes = audit_account(browser, replica, "demo", flows=pages(flows, BOTH_PLATFORMS))
    assert writes == [] and observations.run.writes_blocked == 0  # no answer even tried
    want = {}
    for path in (Path(__file__).parent / "expected").glob("*/demo.json"):
        want.update(json.loads(path.read_text(encoding="utf-8")))
    got = {o.setting: o for o in observations.observations}
    read = {s for s, o in got.items() if o.status == "observed"}
    blocked = {s for s, o in got.items() if o.reason == "blocked_by_dialog"}
    assert read and blocked
    wrong = {s: got[s].value for s in read if got[s].value != want[s]["value"]}
    assert not wrong, wrong
    under = {s for s in read if got[s].found_by == "under_dialog"}  # the Privacy Center's forms have no survey
    assert under and all(got[s].flow.split("/")[0] != "meta" for s in under)
    assert all("How do you feel about your privacy?" in got[s].detail for s in blocked)
    assert not observations.run.complete


def test_an_audit_that_read_almost_nothing_says_why():
    def seen(status: str, n: int) -> list[Observation]:
        reason = None if status == "observed" else "not_found"
        return [
            Observation(setting=f"fb.s{status}{i}", platform="facebook", status=status, reason=reason, flow="f")
            for i in range(n)
        ]

    assert "only 1 of 9 settings could be read" in too_little_read(seen("observed", 1) + seen("unknown", 8))
    assert too_little_read(seen("observed", 3) + seen("unknown", 9)) is None  # a quarter is read


def test_a_page_in_a_language_the_flows_do_not_cover_is_unknown_with_that_reason(context, replica):
    context.route(
        "https://www.facebook.com/settings/?tab=posts",
        lambda route: route.fulfill(
            content_type="text/html", body='<html lang="fr"><body><div role="main"><h1>Posts</h1></div></body></html>'
        ),
    )
    flow = next(f for f in spec.load_flows() if f.id == "facebook/posts")
    observations = observe_in(visit_in(context, replica, [flow]))
    assert {(o.status, o.reason) for o in observations.observations} == {("unknown", "unsupported_locale")}
    assert '"fr"' in observations.observations[0].detail


def test_the_locale_comes_from_the_page_language(page):
    for lang, locale in (("en", "en_US"), ("en-GB", "en_GB"), ("de", "de_DE"), ("fr", None)):
        page.set_content(f'<html lang="{lang}"><body></body></html>')
        assert detect_locale(page) == locale


def test_ctrl_c_finishes_the_page_in_progress_then_writes_what_was_read(replica, tmp_path):
    out = tmp_path / "observations.json"
    pages = ("--flow", "facebook/posts", "--flow", "facebook/stories", "--flow", "meta/genai_facebook")
    args = ["observe", "facebook", *pages, "--replica", replica.url, "-o", str(out)]
    code, err = ctrl_c_on_stories(replica, args, cli_env(tmp_path, replica.store.accounts["demo"]))
    assert code == 1, err
    assert "stopping after the page in progress" in err and "interrupted" in err
    observations = results.read(out, results.Observations)
    assert observations.run.interrupted and not observations.run.complete
    status = {p.flow: p for p in observations.pages}
    assert list(status) == ["facebook/posts", "facebook/stories", "meta/genai_facebook"]  # the flows' order
    assert status["facebook/posts"].status == "ok"
    assert status["facebook/stories"].status == "ok", "the page in progress is finished, not cut short"
    assert status["meta/genai_facebook"].reason == "interrupted"
    assert {o.reason for o in observations.observations if o.flow == "meta/genai_facebook"} == {"interrupted"}
    assert replica.writes() == []


def test_a_second_ctrl_c_stops_at_once_while_the_page_in_progress_still_loads(replica, tmp_path):
    """The page is held until the test lets go, which it never does (the replica answers after 300 s at the latest):
    the run must end within 120 s of the second Ctrl-C (a bound on a hang, not a speed claim: a busy machine takes
    a while to write the files and close the browser)."""
    replica.knobs.set("hold:fb_stories")
    out = tmp_path / "observations.json"
    pages = ("--flow", "facebook/posts", "--flow", "facebook/stories")
    args = ["observe", "facebook", *pages, "--replica", replica.url, "-o", str(out)]
    with Running(*args, env=cli_env(tmp_path, replica.store.accounts["demo"])) as running:
        wait_until(lambda: page_requested(replica, "tab=stories"))
        running.ctrl_c()
        running.wait_for("Ctrl-C again")
        running.ctrl_c()
        try:
            code, _out, err = running.finish(timeout=120)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running 120 s after the second Ctrl-C:\n{running.err}") from None
    assert code == 1, err
    assert "interrupted" in err
    status = {p.flow: p for p in results.read(out, results.Observations).pages}
    assert status["facebook/posts"].status == "ok"
    assert status["facebook/stories"].reason == "interrupted", "the page in progress is cut short, not waited for"
    assert replica.writes() == []


def test_an_audit_whose_pages_load_but_whose_settings_are_nearly_all_unknown_is_incomplete(replica, tmp_path):
    """The run's own completion rule (outcome.too_little_read): the page read whole first; then, with four of its
    five controls gone, it still loads and one setting of five is read: the run ends incomplete, exit 1, saying
    why, with its files written."""
    env, page = cli_env(tmp_path, replica.store.accounts["demo"]), "facebook/how_people_find_and_contact_you"

    def run(out: Path) -> subprocess.CompletedProcess:
        return run_auditor("run", "facebook", "--flow", page, "--replica", replica.url, "-o", out, env=env)

    whole = run(tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    read = results.read(tmp_path / "whole" / "observations.json", results.Observations)
    assert [p.flow for p in read.pages] == [page] and read.run.complete
    assert sum(o.status == "observed" for o in read.observations if o.flow == page) == 5

    for setting in ("fb.friend_requests", "fb.friends_list_visibility", "fb.lookup_by_email", "fb.lookup_by_phone"):
        replica.knobs.set(f"remove:{setting}")
    done = run(tmp_path / "out")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "auditor: error: only 1 of 5 settings could be read: the pages may have changed (compare with a baseline: "
        "auditor drift) or something auditor does not know covers them"
    )
    observations = results.read(tmp_path / "out" / "observations.json", results.Observations)
    assert [(p.flow, p.status) for p in observations.pages] == [(page, "ok")]  # the page loaded
    assert not observations.run.complete and not observations.run.interrupted
    assert (tmp_path / "out" / "report.html").is_file() and replica.writes() == []


# ---------------------------------------------------------------------- the settle loop, on a stand-in page
class ChangingPage:
    """A page whose region shows `looks` one after the other, loading while a look is None."""

    def __init__(self, *looks):
        self.looks, self.shown, self.waits = list(looks), None, 0

    def evaluate(self, _script):  # the loading check comes first in each look
        self.shown = self.looks.pop(0)
        return self.shown is None

    def count(self):
        return 1

    def aria_snapshot(self, mode="default", timeout=None):
        return self.shown or ""

    def wait_for_timeout(self, _ms):
        self.waits += 1


def test_what_is_taken_between_looks_is_the_one_taken_between_the_last_two_alike():
    page = ChangingPage(None, "a", "b", "b")
    taken = iter(range(1, 10))
    snapshot, last = settled_snapshot(page, page, 5_000, between=lambda: next(taken))
    # Loading: a wait, nothing taken. "a": taken 1. "b" differs: taken 2. "b" again: settled, 2 is the page as read.
    assert (snapshot, last) == ("b", 2)


def test_a_page_still_changing_at_the_deadline_gives_nothing_taken():
    page = ChangingPage(*"abcdefgh")
    snapshot, last = settled_snapshot(page, page, 0, between=lambda: "screenshot")
    assert (snapshot, last) == ("a", None)  # the run's time is up: observe takes them once more itself


class VanishingRegion(ChangingPage):
    """A region shown at the first look and gone after it (the page went elsewhere): a snapshot asked of it
    without counting it first times out, as Playwright's does."""

    def __init__(self):
        super().__init__("shown", "gone", "gone")
        self.counted = 0

    def count(self):
        self.counted += 1
        return 1 if self.counted == 1 else 0

    def aria_snapshot(self, mode="default", timeout=None):
        if timeout is not None:  # asked for without a count: it is gone
            raise PlaywrightTimeout("Timeout 1000ms exceeded.")
        return "- main: settings"


def test_a_region_gone_since_the_last_look_is_counted_again_and_shows_nothing():
    page = VanishingRegion()
    snapshot, _ = settled_snapshot(page, page, 5_000, between=lambda: None)
    # Counted and read at the first look; asked for at once at the second (gone: ""); counted at the third: none.
    assert snapshot == "" and page.counted == 2 and page.looks == []
