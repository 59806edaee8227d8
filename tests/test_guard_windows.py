"""The guard from the first request to the last: during the unattended login, during apply's change, and
when something goes out that it never saw.

A script of the page (the replica's `script` knob) sends a write that would change a setting, in
every way a script can send one and at every moment around a click; the replica's own record of
writes is the witness that none of them changed anything. With the guard off, each of them does
(tests/test_replica_knobs.py), so these tests could fail.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager

import pytest
from conftest import account_login, replica_options, wait_until

from auditor.apply import plan as plans
from auditor.apply.runner import Applier
from auditor.apply.schema import load_changes
from auditor.browser import Opened
from auditor.meta import flow_url
from auditor.observe.stage import observe_in
from auditor.options import FlowSet
from auditor.outcome import stop_message
from auditor.replica.strays import MOMENTS, SHAPES
from auditor.visit import open_visit

FB = "https://www.facebook.com"


@contextmanager
def visiting(browser, replica, platforms: list[str], account: str, flow_set: FlowSet | None = None, **given):
    """A visit as a run has it (auditor.visit.open_visit): the guard on, in audit mode, from its first request,
    and logged in as `account` to `platforms`."""
    options = replica_options(replica, flow_set, credentials=account_login(replica, account), **given)
    with open_visit(options, platforms, opened=Opened(browser, "test"), say=lambda line: None) as visit:
        yield visit


# ---------------------------------------------------------------------- the login
@pytest.mark.parametrize(
    "platform, account, region, expected",
    [
        ("facebook", "totp", None, ["Facebook login form", "Facebook two-factor code"]),
        ("instagram", "totp", None, ["Instagram login", "Instagram two-factor code"]),
        ("facebook", "eu", "EU", ["Facebook cookie answer", "Facebook login form"]),
        ("instagram", "eu", "EU", ["Instagram cookie answer", "Instagram login"]),
    ],
)
def test_the_unattended_login_lets_through_exactly_its_own_requests(
    browser, replica, platform, account, region, expected
):
    replica.app.visitor_region = region
    with visiting(browser, replica, [platform], account) as visit:
        assert visit.login_failed is None
        assert visit.network.audit  # never switched off
        assert visit.network.log.login == expected
        assert visit.network.log.blocked == [] and visit.network.log.unguarded == []
    assert [outcome for _site, _who, outcome in replica.store.logins()][-1] == "ok"


@pytest.mark.parametrize("moment", ["before", "at"])
def test_a_page_scripts_write_during_the_login_is_blocked_and_counted(browser, replica, moment):
    """The probe's case: at Instagram's "Save your login info?" a page script makes the account public."""
    replica.knobs.set(f"script:ig.private_account:fetch:{moment}")
    flow_set = FlowSet.load()
    flows = [f for f in flow_set.flows if f.id == "instagram/account_privacy"]
    private = replica.store.get("demo", "ig.private_account")
    with visiting(browser, replica, ["instagram"], "demo", FlowSet(flows, flow_set.vocabulary, [])) as visit:
        observations = observe_in(visit)
        login_blocked = [b for b in visit.network.log.blocked if b == "POST PolarisSettingsToggleMutation"]
    assert replica.writes() == [] and replica.store.get("demo", "ig.private_account") == private
    assert login_blocked and observations.run.writes_blocked >= len(login_blocked)
    assert observations.run.writes_sent == 0 and observations.run.complete


def test_a_request_that_leaves_without_the_guard_stops_the_run_and_is_written(browser, replica):
    """Whatever way a request could get past the guard, it is noticed when it is done, and the run stops.

    The way here is a route of the test's own, registered after the guard's (so it comes first),
    that sends a page script's write on without asking the guard.
    """
    replica.knobs.set("script:fb.search_engine_link:fetch:at")
    flow_set = FlowSet.load()
    ids = ["facebook/how_people_find_and_contact_you", "facebook/posts"]
    flows = [next(f for f in flow_set.flows if f.id == i) for i in ids]

    def around_the_guard(route):
        if "Mutation" in (route.request.post_data or ""):
            route.continue_()
        else:
            route.fallback()

    # option_lists: the audience dialogs are opened: clicks, at which the script writes
    only = FlowSet(flows, flow_set.vocabulary, [])
    with visiting(browser, replica, ["facebook"], "demo", only, option_lists=True) as visit:
        assert visit.login_failed is None
        visit.context.route("**/api/graphql/", around_the_guard)
        observations = observe_in(visit)
    assert replica.writes()  # it did go out: the guard never saw it
    assert observations.run.unguarded and set(observations.run.unguarded) == {"POST CometSettingsToggleMutation"}
    assert not observations.run.complete
    assert [p.status for p in observations.pages] == ["ok", "unknown"]  # the run stopped after that page
    assert "without the network guard" in stop_message(observations)


@pytest.mark.parametrize("shape", ["worker", "shared_worker"])
def test_an_audit_stops_a_workers_write_even_one_playwright_never_routes(browser, replica, shape):
    """Playwright's route never sees a SharedWorker's requests (nor a dedicated worker's whose page went away
    as it started); the guard's backstop (auditor.backstop) stops them at the browser and counts them."""
    replica.knobs.set(f"script:fb.search_engine_link:{shape}:at")
    flow_set = FlowSet.load()
    flows = [f for f in flow_set.flows if f.id == "facebook/posts"]
    # option_lists: the audience dialogs are opened: clicks, at which the script writes
    with visiting(
        browser, replica, ["facebook"], "demo", FlowSet(flows, flow_set.vocabulary, []), option_lists=True
    ) as visit:
        observations = observe_in(visit)
        # A worker's request leaves once the worker has started (the page is still open): blocked, or written.
        blocked = visit.network.log.blocked
        wait_until(
            lambda: "POST CometSettingsToggleMutation" in blocked or replica.writes(), page=visit.context.pages[0]
        )
        assert replica.writes() == []
    assert observations.run.unguarded == [] and observations.run.writes_sent == 0 and observations.run.complete


# ---------------------------------------------------------------------- apply's change
@pytest.fixture
def applying(browser, replica):
    """apply(setting, wanted) in a visit logged in to the setting's platform, as apply's own:
    (the change's record, what the visit's guard blocked meanwhile)."""
    changes = load_changes(FlowSet.load().flows)
    with ExitStack() as visits:
        visit_of = {}

        def apply(setting: str, wanted: str):
            item = changes[setting]
            platform = item.flow.spec.platform
            if platform not in visit_of:
                visit_of[platform] = visits.enter_context(visiting(browser, replica, [platform], "demo"))
                assert visit_of[platform].login_failed is None
            before = replica.store.get("demo", setting)
            url = flow_url(item.flow, ["facebook", "instagram"])
            planned = plans.Planned(item, None, setting, before, wanted, url)
            log = visit_of[platform].network.log
            blocked_before = len(log.blocked)
            done = Applier(visit_of[platform]).run([planned])[0]
            assert log.unguarded == [], log.unguarded  # every request of the page went through the guard
            return done, log.blocked[blocked_before:]

        yield apply


def written(replica, since: int) -> list[tuple[str, str, bool]]:
    return [(w.setting, w.value, w.accepted) for w in replica.writes()[since:]]


def test_no_page_script_write_before_at_or_after_the_click_changes_anything(applying, replica):
    """Every way a script can send a request, at every moment: the same operation as the change's own save,
    for another setting of the same page. Only the confirmed save reaches the replica."""
    for shape in SHAPES:
        replica.knobs.clear()
        replica.knobs.set(*(f"script:fb.friends_list_visibility:{shape}:{moment}" for moment in MOMENTS))
        replica.store.set("demo", "fb.friend_requests", "everyone")
        since = len(replica.writes())
        change, blocked = applying("fb.friend_requests", "friends_of_friends")
        assert (shape, change.status) == (shape, "verified"), change.detail
        assert written(replica, since) == [("fb.friend_requests", "friends_of_friends", True)], (shape, blocked)
        assert change.writes == ["POST CometSettingsPrivacySelectorMutation"]
        # before (the pointer over "Edit privacy"), at its click and at the option's: blocked and counted. A worker's
        # request leaves once the worker has started, and the reload that reads the change back ends the workers
        # not yet started: on a busy machine only the first (the pointer's) may have had the time.
        least = 1 if shape == "worker" else 3
        assert len(change.blocked) >= least and len(blocked) >= least, (shape, change.blocked)
    assert replica.store.get("demo", "fb.friends_list_visibility") == "public"


def test_on_instagram_a_script_that_would_make_the_account_public_changes_nothing(applying, replica):
    replica.knobs.set(*(f"script:ig.private_account:fetch:{moment}" for moment in MOMENTS))
    since = len(replica.writes())
    change, _blocked = applying("ig.activity_status", "off")
    assert change.status == "verified", change.detail
    assert written(replica, since) == [("ig.activity_status", "off", True)]
    assert replica.store.get("demo", "ig.private_account") == "off"
    assert change.blocked and set(change.blocked) == {"POST PolarisSettingsToggleMutation"}


def test_a_save_displaced_by_a_script_sending_the_same_save_first_is_not_verified(applying, replica):
    """At the option's click a script sends the very save the page is about to send: one of the two goes out,
    which one was the page's own cannot be told, so the change is not claimed as verified."""
    replica.knobs.set("script:fb.friend_requests:fetch:at")
    since = len(replica.writes())
    change, _blocked = applying("fb.friend_requests", "friends_of_friends")
    assert change.status == "not_verified" and "identical save" in change.detail, change.detail
    assert written(replica, since) == [("fb.friend_requests", "friends_of_friends", True)]  # nothing else
    assert change.blocked.count("POST CometSettingsPrivacySelectorMutation") >= 1


def test_a_change_whose_save_the_guard_blocks_is_not_verified_and_says_why(applying, replica, monkeypatch):
    """A flow whose `change:` part names another operation than the page's save: the save is blocked."""
    from auditor.apply import steps

    real = steps.Changer._expected

    def another_operation(self, value):
        expected = real(self, value)
        return expected.__class__("CometSettingsSomethingElseMutation", expected.variables)

    monkeypatch.setattr(steps.Changer, "_expected", another_operation)
    monkeypatch.setattr(steps, "SAVE_MS", 1_000)  # the bounds of waits that end unanswered here: short
    monkeypatch.setattr(steps, "DIALOG_MS", 1_000)
    since = len(replica.writes())
    change, _blocked = applying("fb.search_engine_link", "off")
    assert change.status == "not_verified" and "blocked" in change.detail, change.detail
    assert written(replica, since) == [] and change.writes == []
    assert change.blocked == ["POST CometSettingsToggleMutation"]
