"""auditor apply without a whole audit: the change part of flows, the guard's window, the plan and consent.

The replica's own logs are the witness for the guard: a write it blocked never reached the replica.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from auditor import data, rerun, results, spec
from auditor.apply import account as accounts
from auditor.apply import plan as plans
from auditor.apply import record, stage
from auditor.apply.marks import made_by
from auditor.apply.schema import load_changes
from auditor.cli import main
from auditor.consistency import load_checklist
from auditor.errors import InputError
from auditor.evaluate import evaluate
from auditor.history.pseudonym import account_key, account_of
from auditor.network import SAVE_VARIABLES
from auditor.openings import Expected
from auditor.options import FlowSet
from auditor.report import write_report
from auditor.results import Findings, Observation, Observations, Run, now
from auditor.target import Target

POSTS = data.flows_dir() / "facebook" / "posts.yml"


def flows_with(tmp_path: Path, old: str, new: str, flow: Path = POSTS) -> Path:
    """A copy of the shipped flows with one text replaced in one flow file."""
    root = tmp_path / "flows"
    shutil.copytree(data.flows_dir(), root)
    target = root / flow.relative_to(data.flows_dir())
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    return root


# ---------------------------------------------------------------------- the change part of flows
def test_every_shipped_change_is_checked_against_its_reader():
    changes = load_changes(spec.load_flows())
    assert changes["fb.future_posts_audience"].change.to == ["public", "friends", "only_me"]
    assert changes["ig.private_account"].change.how == "flip"
    assert "fb.limit_past_posts" not in changes  # a one-way action: never changed by apply


def test_a_read_part_with_a_change_step_is_refused(tmp_path):
    root = flows_with(tmp_path, "settings:\n", "steps:\n  - pick: true\nsettings:\n")
    with pytest.raises(InputError, match=r"posts\.yml:\d+: steps\.0: pick is a change step"):
        spec.load_flows(root)


def test_a_change_to_a_value_the_setting_does_not_have_is_refused_with_its_line(tmp_path):
    root = flows_with(tmp_path, "to: [public, friends, only_me]", "to: [public, everyone_on_earth]")
    flows = spec.load_flows(root)  # an audit does not even parse the change part
    with pytest.raises(InputError, match=r"posts\.yml:(\d+): change\.0\.to: everyone_on_earth is not one") as err:
        load_changes(flows)
    line = int(err.value.args[0].split(":")[1])
    assert "to: [public, everyone_on_earth]" in (root / "facebook/posts.yml").read_text().splitlines()[line - 1]


def test_a_change_needs_exactly_one_step_that_changes(tmp_path):
    root = flows_with(tmp_path, "      - pick: true\n", "      - pick: true\n      - pick: true\n")
    with pytest.raises(InputError, match=r"change\.0: .*exactly one step \(pick or flip\)"):
        load_changes(spec.load_flows(root))


@pytest.mark.parametrize(
    "new, field, message",
    [
        (
            "      - tap: true\n",
            "change.0.steps.1.tap",
            "not a change step: a change step is one of open_row, account,",
        ),
        (
            "      - confirm: {en_US: Save, fr_FR: Oui}\n",
            "change.0.steps.1.confirm.fr_FR",
            "Extra inputs are not permitted",
        ),
        ("      - flip: true\n        pick: true\n", "change.0.steps.1", "a change step is one of open_row, account,"),
    ],
)
def test_a_bad_change_step_names_its_kind_with_its_line(tmp_path, new, field, message):
    root = flows_with(tmp_path, "      - pick: true\n", new)
    with pytest.raises(InputError) as err:
        load_changes(spec.load_flows(root))
    path, line, said = err.value.args[0].split(":", 2)
    assert path == str(root / "facebook/posts.yml") and said.startswith(f" {field}: {message}"), said
    assert new.splitlines()[0] == (root / "facebook/posts.yml").read_text().splitlines()[int(line) - 1]


def test_a_change_may_only_open_with_a_button(tmp_path):
    root = flows_with(tmp_path, "open_row: {role: button", "open_row: {role: radio")
    with pytest.raises(InputError, match=r"open_row needs role: one of button"):
        load_changes(spec.load_flows(root))


# ---------------------------------------------------------------------- the guard's window
def test_a_change_without_a_save_is_refused_with_its_line(tmp_path):
    """The guard lets through only the save a change names: a change that names none cannot be made."""
    root = flows_with(
        tmp_path,
        "    save: {request: CometSettingsPrivacySelectorMutation, setting: key, value: option}\n",
        "",
    )
    with pytest.raises(InputError, match=r"posts\.yml:\d+: change\.0\.save: Field required"):
        load_changes(spec.load_flows(root))


def test_a_save_must_name_a_mutation(tmp_path):
    root = flows_with(tmp_path, "request: CometSettingsPrivacySelectorMutation", "request: CometSettingsPageQuery")
    with pytest.raises(InputError, match=r"posts\.yml:\d+: change\.0\.save\.request: "):
        load_changes(spec.load_flows(root))


def test_the_guard_knows_every_shipped_saves_variables():
    """A read carrying a save's variables is refused (auditor.network.SAVE_VARIABLES): it must know every save's."""
    saves = {(c.change.save.setting, c.change.save.value) for c in load_changes(spec.load_flows()).values()}
    assert saves and saves <= set(SAVE_VARIABLES)


MUTATION = """() => fetch('/api/graphql/', {method: 'POST',
    body: 'fb_api_req_friendly_name=CometStrayMutation&variables=%7B%7D',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}}).then(() => 'sent', () => 'blocked')"""


@pytest.fixture
def settings_page(log_in, routed, page):
    log_in("demo", "facebook")
    page.goto("https://www.facebook.com/settings/?tab=posts")
    routed.audit = True  # as apply runs: audit mode, with a window per confirmed change
    return page


def strays_received(replica) -> int:
    return sum(r[4] == "CometStrayMutation" for r in replica.store.requests())


def test_a_window_that_expects_nothing_or_is_not_armed_lets_nothing_through(settings_page, routed, replica):
    with routed.change("fb.future_posts_audience") as window:
        assert settings_page.evaluate(MUTATION) == "blocked"  # nothing expected yet
        window.expect(Expected("CometStrayMutation", {}))
        assert settings_page.evaluate(MUTATION) == "blocked"  # not armed: the confirmed click has not begun
        window.arm()
        assert settings_page.evaluate(MUTATION) == "sent"
        assert settings_page.evaluate(MUTATION) == "blocked"  # one save per change
    assert window.sent == ["POST CometStrayMutation"] and len(window.blocked) == 3
    assert window.displaced == ["POST CometStrayMutation"] and window.after_click == ["POST CometStrayMutation"]
    assert strays_received(replica) == 1


def test_outside_a_change_step_every_write_is_blocked_as_in_an_audit(settings_page, routed, replica):
    with routed.change("fb.future_posts_audience"):
        pass
    assert settings_page.evaluate(MUTATION) == "blocked"
    assert strays_received(replica) == 0 and routed.log.sent == [] and routed.window is None


# ---------------------------------------------------------------------- the plan and consent
SEEN = {
    "fb.future_posts_audience": ("facebook", "public"),
    "fb.friend_requests": ("facebook", "everyone"),
    "ig.private_account": ("instagram", "off"),
    "fb.limit_past_posts": ("facebook", "available"),
    "ac.two_factor": ("accounts_center", "off"),
}


def some_findings() -> Findings:
    """The default checklist's findings for a few settings as the demo account shows them."""
    run = Run(tool_version="test", started=now(), platforms=["facebook", "instagram"])
    observations = Observations(
        run=run,
        observations=[
            Observation(setting=s, platform=platform, status="observed", value=value)
            for s, (platform, value) in SEEN.items()
        ],
    )
    return evaluate(observations, load_checklist("default"))


@pytest.fixture(scope="module")
def plan():
    return plans.from_findings(some_findings(), load_changes(spec.load_flows()))


def test_the_plan_changes_what_a_flow_can_set_and_leaves_the_rest_to_the_person(plan):
    planned = {p.setting: p.wanted for p in plan.changes}
    assert planned["fb.future_posts_audience"] == "friends"  # the first recommended value the page offers
    assert planned["ig.private_account"] == "on" and len(planned) == 3
    by_hand = {b.setting: b.why for b in plan.by_hand}
    assert by_hand["ac.two_factor"] == "no control on the web that auditor can change"
    assert by_hand["fb.limit_past_posts"] == "a check only you can make"


def test_the_plan_shows_findings_titles_without_terminal_escapes_or_bidi_controls(tmp_path, capsys):
    """findings.json is a file anyone could have edited: its titles reach the terminal only as plain text."""
    findings = some_findings()
    for x in findings.findings:
        x.title = "Evil\x1b]0;owned\x07 \u202ereversed " + x.title
    path = tmp_path / "findings.json"
    path.write_text(findings.model_dump_json(), encoding="utf-8")  # as written by hand: the bidi control kept
    assert main(["apply", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Evil]0;owned reversed" in out and not {"\x1b", "\x07", "\u202e"} & set(out)


def test_only_limits_the_plan_and_an_unknown_check_is_bad_input():
    findings, changes = some_findings(), load_changes(spec.load_flows())
    only = plans.from_findings(findings, changes, ["fb-future-posts-not-public"])
    assert [p.setting for p in only.changes] == ["fb.future_posts_audience"]
    with pytest.raises(InputError, match="--only no-such-check: not a failing check"):
        plans.from_findings(findings, changes, ["no-such-check"])


def answers(*given):
    it = iter(given)

    def ask(_prompt):
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None

    return ask


@pytest.mark.parametrize(
    "given, agreed",
    [
        (("y", "", "yes"), [0, 2]),  # the default (Enter) is no
        (("n", "a"), [1, 2]),  # all the rest
        (("y", "q", "y"), [0]),  # quit: no to this and the rest
        (("y",), [0]),  # end of input: no to the rest
    ],
)
def test_consent_is_asked_per_change_and_defaults_to_no(plan, given, agreed):
    chosen = plans.consent(plan, yes=False, ask=answers(*given))
    assert chosen == [plan.changes[i] for i in agreed]


def test_without_a_terminal_and_without_yes_nothing_is_agreed(plan, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(InputError, match="no terminal to ask for your consent, so nothing was changed"):
        plans.consent(plan, yes=False)
    assert plans.consent(plan, yes=True) == plan.changes


# ---------------------------------------------------------------------- an undo's report
def test_the_report_after_an_undo_marks_each_change_put_back_and_the_rest_still_changed(plan, tmp_path):
    findings = some_findings()
    results.write(tmp_path / "findings.json", findings)
    first, second = plan.changes[:2]
    changes = [
        p.record("verified", before=p.expected, after=p.wanted, time="2026-11-02T10:00:00+00:00", writes=["POST save"])
        for p in (first, second)
    ]
    # The apply named its findings from another folder; apply.json sits beside them, where apply writes it.
    applied = record.Applied(
        tool_version="t", started=changes[0].time, platforms=["facebook", "instagram"], source="gone/findings.json"
    )
    record.save(tmp_path / "apply.json", applied.model_copy(update={"changes": changes}))
    given = stage.plan_undo(tmp_path / "apply.json", FlowSet.load())
    assert given.findings == findings and given.findings_path == tmp_path / "findings.json"

    put_back = first.record("verified", time="2026-11-09T10:00:00+00:00", writes=["POST save"])
    undone = applied.model_copy(update={"kind": "undo", "changes": [put_back]})
    made = made_by(given.reversed, undone=undone)
    marks = made.marks
    assert marks[first.check]["changed_on"] == changes[0].time and marks[first.check]["time"] == put_back.time
    assert marks[second.check]["changed_on"] is None  # not put back: still changed
    html = write_report(findings, tmp_path / "report", made=made).read_text()
    assert html.count("and put back on") == 1 and html.count("Changed by auditor on") == 2

    (tmp_path / "findings.json").write_text("{ damaged")
    assert stage.plan_undo(tmp_path / "apply.json", FlowSet.load()).findings is None  # the undo goes on, no report
    (tmp_path / "findings.json").unlink()
    assert stage.plan_undo(tmp_path / "apply.json", FlowSet.load()).findings is None


# ---------------------------------------------------------------------- whose account (apply/account.py)
def cookies_of(uid: str, platforms=("facebook", "instagram")) -> list[dict]:
    names = {"facebook": ("c_user", ".facebook.com"), "instagram": ("ds_user_id", ".instagram.com")}
    return [{"name": names[p][0], "domain": names[p][1], "value": uid} for p in platforms]


def test_the_account_a_file_names_is_checked_before_any_change(tmp_path):
    site, key = "https://127.0.0.1:9", account_key(tmp_path / "history.sqlite")
    mine = account_of(cookies_of("1001"), site, key)
    assert mine.pseudonym == mine.ids["facebook"][:12] and set(mine.ids) == {"facebook", "instagram"}
    assert account_of(cookies_of("1001"), "meta", key).ids != mine.ids  # a replica's accounts are not Meta's
    assert account_of(cookies_of("1001"), "demo replica 0a", key).ids != mine.ids  # nor one demo's another's
    path = tmp_path / "apply.json"
    assert accounts.check_logged_in(path, mine, cookies_of("1001"), site, key) == (mine, None)
    with pytest.raises(InputError, match=f"apply.json:1: account: the file belongs to account {mine.pseudonym}"):
        accounts.check_logged_in(path, mine, cookies_of("2002"), site, key)
    edited = mine.model_copy(update={"pseudonym": "0" * 12})  # the hashes still match: the name does not
    with pytest.raises(InputError, match="belongs to account 000000000000 .* logged in to account "):
        accounts.check_logged_in(path, edited, cookies_of("1001"), site, key)
    _shown, stop = accounts.check_logged_in(path, mine, cookies_of("1001", ["facebook"]), site, key)
    assert "the instagram pages did not show which account" in stop  # not logged in there: the apply stops
    assert accounts.check_logged_in(path, None, cookies_of("2002"), site, key)[1] is None  # --any-account


def test_a_file_of_another_site_key_or_of_no_account_is_refused_before_the_browser(tmp_path):
    history = tmp_path / "history.sqlite"
    mine = account_of(cookies_of("1001"), "https://127.0.0.1:9", account_key(history))
    here = Target("https://127.0.0.1:9")
    assert accounts.check_file(Path("a.json"), mine, here, history, False) == account_key(history)
    with pytest.raises(InputError, match=r"a.json:1: account.site: .* on the replica at https://127.0.0.1:9, and this"):
        accounts.check_file(Path("a.json"), mine, Target(), history, False)
    with pytest.raises(InputError, match=r"account.key: .* another history"):
        accounts.check_file(Path("a.json"), mine, here, tmp_path / "other.sqlite", False)
    demo = Target("https://127.0.0.1:9", instance="0a1b2c")  # the replica of one `auditor demo`
    with pytest.raises(InputError, match=r"the replica of an `auditor demo` \(it ended with that demo\)"):
        accounts.check_file(
            Path("a.json"), account_of(cookies_of("1001"), demo.site, account_key(history)), here, history, False
        )
    with pytest.raises(InputError, match="does not say whose account it is .* --any-account"):
        accounts.check_file(Path("a.json"), None, here, history, False)
    assert accounts.check_file(Path("a.json"), None, here, history, True) == account_key(history)


# ---------------------------------------------------------------------- what each report is
def three_changes(plan) -> record.Applied:
    """The plan's three changes, made and verified on November 2, 2026."""
    texts = {"public": "Public", "friends": "Friends", "everyone": "Everyone", "off": "Off", "on": "On"}
    done = [
        p.record(
            "verified",
            before=p.expected,
            after=p.wanted,
            before_text=texts.get(str(p.expected)),
            after_text=texts.get(p.wanted, p.wanted),
            time="2026-11-02T10:00:00+00:00",
            writes=["POST save"],
        )
        for p in plan.changes
    ]
    return record.Applied(
        tool_version="t",
        started=done[0].time,
        platforms=["facebook", "instagram"],
        source="f",
        changes=done,
        writes_sent=len(done),
    )


def test_the_report_of_an_apply_counts_and_answers_as_after_the_changes(plan, tmp_path):
    findings = some_findings()
    applied = three_changes(plan)
    done = applied.changes
    before = write_report(findings, tmp_path / "before").read_text()
    marked = write_report(findings, tmp_path / "marked", made=made_by(applied)).read_text()

    # What the audit would have found after the changes, evaluated afresh: the marked report's counts.
    observations = Observations(
        run=findings.run,
        observations=[
            Observation(setting=s, platform=platform, status="observed", value=value)
            for s, (platform, value) in {**SEEN, **{c.setting: (SEEN[c.setting][0], c.after) for c in done}}.items()
        ],
    )
    after = evaluate(observations, load_checklist("default"))
    failing = [x for x in findings.findings if x.status == "fail"]
    assert f"<strong>{len(failing)}</strong> to change" in before and "An audit: auditor read your" in before
    assert sum(x.status == "fail" for x in after.findings) < len(failing) - len(done)  # the derived check too
    assert f"<strong>{sum(x.status == 'fail' for x in after.findings)}</strong> to change" in marked
    assert "with the 3 changes auditor made at your request on November 2, 2026 marked" in marked
    assert "auditor changed 3 settings at your request on November 2, 2026, 3 verified; requests sent: 3" in marked
    assert 'Changed by auditor on November 2, 2026 from "Public" to "Friends", verified' in marked
    assert "Your future posts are not public" in marked and "Your future posts are public" in before

    def ai_answer(html: str) -> str:
        return html[html.index('id="ai-answer"') :].split("</section>", 1)[0]

    assert "Yes, for public content." in ai_answer(before) and "Not your new posts" not in ai_answer(before)
    assert "Not your new posts: they are not public" in ai_answer(marked)


@pytest.mark.parametrize("kept", ["since", "made"])
def test_a_report_with_what_changed_is_made_again_from_its_findings_json_alone(plan, tmp_path, kept):
    """What changed since the last audit and what auditor apply changed travel in findings.json: `auditor report`
    on that file alone writes the same report, byte for byte."""
    from auditor.history.compare import Change, Since

    findings = some_findings()
    changed = Change("fb.friend_requests", "changed", "everyone", "friends", less_private=True, title="Friend requests")
    shown = {
        "since": Since("2026-11-01T10:00:00+00:00", [changed], [("x", "Friend requests")], frozenset({"y"})),
        "made": made_by(three_changes(plan)),
    }[kept]
    saved = findings.model_copy(update={kept: shown})
    results.write(tmp_path / "run" / "findings.json", saved)
    first = write_report(saved, tmp_path / "run")
    rerun.report_file(tmp_path / "run" / "findings.json", tmp_path / "again")
    assert results.read(tmp_path / "run" / "findings.json", results.Findings) == saved  # kept whole
    for name in ("report.html", "report.md", "junit.xml"):
        assert (tmp_path / "again" / name).read_bytes() == (first.parent / name).read_bytes(), name
    assert ("auditor changed" if kept == "made" else 'id="since"') in first.read_text()


def test_an_audit_after_changes_says_so_and_one_after_an_undo_names_the_undo(tmp_path):
    from auditor.history.compare import Change, Since

    findings = some_findings()
    by = {"apply": Change("fb.friend_requests", "changed", "everyone", "friends", by="apply", title="Friend requests")}
    since = Since("2026-11-01T10:00:00+00:00", list(by.values()), [])
    html = write_report(findings, tmp_path / "after", since=since).read_text()
    assert "The audit after a change: auditor read your settings on " in html and "by auditor apply" in html
    undone = Since(since.previous, [dataclasses.replace(by["apply"], by="undo")], [])
    html = write_report(findings, tmp_path / "undone", since=undone).read_text()
    assert "by auditor undo" in html and "by auditor apply" not in html
