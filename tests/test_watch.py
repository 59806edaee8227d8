"""auditor watch without a browser: what a run has to tell, what was told to whom, the message in words (English
and German, no id, no name), the notification URLs kept secret, and sending to a receiver on loopback.
(The replica end to end: test_watch_replica.py; the scheduler's entries: test_schedule.py.)"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from receiver import Receiver

from auditor.cli import main
from auditor.consistency import load_checklist
from auditor.drift import Change as DriftChange
from auditor.drift import compare
from auditor.evaluate import evaluate
from auditor.history import Recording
from auditor.history.pseudonym import logged_in
from auditor.history.since import since_finished
from auditor.options import FlowSet
from auditor.results import Control, Observation, Observations, PageInventory, Run, Source
from auditor.watch import notify
from auditor.watch.events import Event, found
from auditor.watch.state import State, comparable, merged
from auditor.watch.words import Words

EXPECTED = Path(__file__).parent / "expected"
SITE = "https://127.0.0.1:1"
COOKIES = [{"name": "c_user", "domain": ".facebook.com", "value": "100000000000001"}]
SECRET = "s3cret-in-the-url"


@pytest.fixture(scope="module")
def checklist():
    return load_checklist("default")


@pytest.fixture(scope="module")
def flow_set():
    return FlowSet.load()


def recorded(db: Path, checklist, started: str, complete: bool = True, **values):
    """(observations, findings) of a run of the demo account as tests/expected has it (its Instagram account
    private), `values` changed, recorded in the history at `db` as a run of auditor records it."""
    values = {"ig.private_account": "on", **values}
    observations = []
    for folder in ("facebook", "instagram", "accounts_center", "meta"):
        for setting, seen in json.loads((EXPECTED / folder / "demo.json").read_text()).items():
            if setting in values:
                seen = {**seen, "status": "observed", "value": values[setting], "reason": None}
            observations.append(Observation(setting=setting, platform=folder, **seen))
    run = Run(tool_version="0.1.0", started=started, platforms=["facebook", "instagram"], target=SITE)
    run.complete, run.locale = complete, "en_US"
    run.account = logged_in(COOKIES, SITE, db, lambda line: None)
    found = Observations(run=run, observations=observations)
    findings = evaluate(found, checklist)
    Recording(db).record(found, findings, COOKIES, say=lambda line: None)
    return found, findings


# ---------------------------------------------------------------------- what a run has to tell
def test_a_less_private_value_and_a_newly_failing_check_are_events_once_compared(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    recorded(db, checklist, "2026-01-05T10:00:00+00:00", **{"fb.future_posts_audience": "friends"})
    now = recorded(db, checklist, "2026-02-05T10:00:00+00:00", **{"fb.future_posts_audience": "public"})
    events = found(since_finished(db, *now, {}), None, now[0])
    kinds = {(e.kind, e.setting or e.check) for e in events}
    assert ("less_private", "fb.future_posts_audience") in kinds
    assert ("now_failing", "meta-content-not-public") in kinds  # the derived check, not on the changed setting
    less = next(e for e in events if e.kind == "less_private")
    assert (less.before, less.after, less.key) == ("friends", "public", 'value fb.future_posts_audience "public"')
    # A value that became more private is not news; nor is a run compared with itself.
    back = recorded(db, checklist, "2026-03-05T10:00:00+00:00", **{"fb.future_posts_audience": "friends"})
    assert [e.kind for e in found(since_finished(db, *back, {}), None, back[0])] == []


def test_a_change_across_a_run_that_could_not_finish_is_compared_with_the_last_finished_run(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    first = recorded(db, checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"})
    unread = {"fb.lookup_by_email": None}  # the session expired before the page: read as nothing
    recorded(db, checklist, "2026-02-05T10:00:00+00:00", complete=False, **unread)
    now = recorded(db, checklist, "2026-03-05T10:00:00+00:00", **{"fb.lookup_by_email": "everyone"})
    since = since_finished(db, *now, {})
    assert since.previous == first[0].run.started
    assert [(c.setting, c.before, c.after, c.alarming) for c in since.changes] == [
        ("fb.lookup_by_email", "friends", "everyone", True)
    ]
    # The run a watch last told about is the one compared with, while the history has it.
    later = recorded(db, checklist, "2026-04-05T10:00:00+00:00", **{"fb.lookup_by_email": "everyone"})
    assert since_finished(db, *later, {}, baseline=first[0].run.started).previous == first[0].run.started
    assert since_finished(db, *later, {}, baseline="2000-01-01T00:00:00+00:00").previous == now[0].run.started
    # Another history's key made the run's hashes: not this history's account.
    assert since_finished(tmp_path / "other.sqlite", *later, {}) is None


def test_a_run_that_could_not_finish_says_why_and_an_interrupted_one_is_not_news(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    observations, _findings = recorded(db, checklist, "2026-01-05T10:00:00+00:00", complete=False)
    observations.pages = [PageInventory(flow="facebook/posts", url="u", status="unknown", reason="login_wall")]
    assert [(e.kind, e.reason, e.key) for e in found(None, None, observations)] == [
        ("stopped", "login_wall", "stopped")
    ]
    observations.run.interrupted = True
    assert found(None, None, observations) == []
    assert [(e.kind, e.reason) for e in found(None, None, None)] == [("stopped", "failed")]  # an error before any file


# ---------------------------------------------------------------------- what was told to whom
def test_an_event_is_told_once_to_each_url_and_forgotten_once_a_finished_run_no_longer_finds_it(tmp_path):
    urls = [notify.Url(f"json://127.0.0.1:9/{n}", f"--notify ({n})", "JSON") for n in (1, 2)]
    state = State.load(tmp_path / "history.sqlite", tmp_path / "out")
    less, stopped = Event("less_private", "value x 1", "x"), Event("stopped", "stopped", reason="login_wall")
    state.told(urls[0], [less, stopped])
    assert state.new_for(urls[0], [less, stopped]) == [] and state.new_for(urls[1], [less]) == [less]
    state.save()
    assert stat.S_IMODE(state.path.stat().st_mode) == 0o600
    assert SECRET not in state.path.read_text() and "127.0.0.1" not in state.path.read_text()
    again = State.load(tmp_path / "history.sqlite", tmp_path / "out")  # the next run
    assert again.new_for(urls[0], [less, stopped]) == []
    again.settle([], finished=False, urls=urls)  # a run that read less forgets nothing
    assert again.new_for(urls[0], [less, stopped]) == []
    again.settle([less], finished=True, urls=urls)  # a run finished: "could not finish" is over
    assert again.new_for(urls[0], [less, stopped]) == [stopped]
    again.settle([], finished=True, urls=urls[1:])  # the value changed back; the first URL is no longer given
    assert again.sent == {}
    # Another output folder is another watch.
    assert State.load(tmp_path / "history.sqlite", tmp_path / "elsewhere").path != state.path


def pages_run(started: str, *pages: tuple[str, str, str], flow_hash: str = "1") -> Observations:
    """A run of (flow, setting, page status) pages, its flows' files hashed as `flow_hash`."""
    run = Run(tool_version="0.1.0", started=started, platforms=["facebook"])
    run.flows = [Source(id=flow, sha256=flow_hash) for flow, _, _ in pages]
    return Observations(
        run=run,
        observations=[Observation(setting=s, platform="facebook", status="observed", flow=f) for f, s, _ in pages],
        pages=[
            PageInventory(flow=f, url="u", status=status, controls=[Control(role="switch", name=s)])
            for f, s, status in pages
        ],
    )


def test_a_page_a_run_could_not_load_keeps_its_last_reading():
    before = pages_run("1", ("facebook/posts", "fb.a", "ok"), ("facebook/stories", "fb.b", "ok"), flow_hash="old")
    now = pages_run("2", ("facebook/posts", "fb.a", "unknown"), ("facebook/reels", "fb.c", "ok"))
    kept = merged(before, now)
    assert {(p.flow, p.status) for p in kept.pages} == {
        ("facebook/posts", "ok"),
        ("facebook/stories", "ok"),
        ("facebook/reels", "ok"),
    }
    assert {o.setting for o in kept.observations} == {"fb.a", "fb.b", "fb.c"}
    # Each page with the hash of the flow that read it.
    assert {(f.id, f.sha256) for f in kept.run.flows} == {
        ("facebook/posts", "old"),
        ("facebook/stories", "old"),
        ("facebook/reels", "1"),
    }


def test_only_pages_read_by_the_same_flow_are_compared_for_drift():
    before = pages_run("1", ("facebook/posts", "fb.a", "ok"))
    now = pages_run("2", ("facebook/posts", "fb.a", "ok"), ("facebook/reels", "fb.c", "ok"))
    now.pages[0].controls.append(Control(role="switch", name="Something new"))
    found_now = compare(*comparable(before, now))
    assert [(c.kind, c.flow, c.new) for c in found_now.changes] == [("added", "facebook/posts", "Something new")]
    assert [c.flow for c in compare(before, now).changes if c.flow == "facebook/reels"]  # what it leaves out
    newer_flows = pages_run("2", ("facebook/posts", "fb.a", "ok"), flow_hash="2")  # a newer auditor's flow
    newer_flows.pages[0].controls.append(Control(role="switch", name="Something new"))
    assert compare(*comparable(before, newer_flows)).changes == []


# ---------------------------------------------------------------------- the message in words
def test_the_message_names_titles_and_the_pages_words_in_english_and_german(tmp_path, checklist, flow_set):
    db = tmp_path / "history.sqlite"
    recorded(db, checklist, "2026-01-05T10:00:00+00:00", **{"fb.future_posts_audience": "friends"})
    now = recorded(db, checklist, "2026-02-05T10:00:00+00:00", **{"fb.future_posts_audience": "public"})
    since = since_finished(db, *now, {})
    events = found(since, None, now[0]) + [
        Event("drift", "d1", change=DriftChange(kind="added", flow="facebook/posts", role="switch", new="Try AI")),
        Event(
            "drift", "d2", change=DriftChange(kind="removed", flow="facebook/posts", setting="fb.review_activity_log")
        ),
        Event("stopped", "stopped", reason="login_wall"),
        Event("less_private", "value fb.reels_audience", "fb.reels_audience", before=None, after="public"),
    ]
    title, body = Words(flow_set, now[1], "en").message(events, since.previous)
    assert title == "auditor: 3 privacy settings need your attention"
    assert "Less private since your audit of January 5, 2026:" in body
    assert "Facebook · Your future posts are public: was Friends, now Public." in body
    assert ": new setting, now Public. You did not change this here" in body  # a setting new on the page
    assert "Change it back here: https://www.facebook.com/settings/?tab=posts" in body
    assert 'New on the page: "Try AI".' in body and "Meta changed pages auditor reads." in body
    assert "The audit could not finish: Meta showed its login page. Log in again (auditor login)" in body
    german_title, german = Words(flow_set, now[1], "de").message(events, since.previous)
    assert german_title == "auditor: 3 Privatsphäre-Einstellungen brauchen Ihre Aufmerksamkeit"
    assert "Weniger privat seit Ihrer Prüfung vom 5. Januar 2026:" in german
    assert "Ihre künftigen Beiträge sind öffentlich: war Freunde, jetzt Öffentlich." in german
    assert "Melden Sie sich erneut an (auditor login)" in german
    for text in (title, body, german_title, german):
        assert "fb." not in text and "meta-content" not in text  # titles, never ids
        assert now[0].run.account.pseudonym not in text and "100000000000001" not in text  # no one's id


# ---------------------------------------------------------------------- notification URLs
def test_a_file_of_urls_others_can_read_is_refused_naming_no_url(tmp_path, capsys):
    urls = tmp_path / "notify.txt"
    urls.write_text(f"# mine\njson://me:{SECRET}@127.0.0.1:9/x\n")
    urls.chmod(0o644)
    assert main(["watch", "facebook", "--notify-file", str(urls)]) == 2
    err = capsys.readouterr().err
    assert f"{urls}:1: --notify-file: others can read or change it (mode 644)" in err and SECRET not in err


@pytest.mark.parametrize(
    "lines, where",
    [
        (f"json://127.0.0.1:9/ok\n\nnotaservice://{SECRET}@host/x\n", ":3: url: not a notification URL that Apprise"),
        (f"{SECRET}\n", ":1: url: not a notification URL that Apprise knows;"),
        ("# only a comment\n\n", ":1: --notify-file: no notification URL in it"),
    ],
)
def test_a_url_apprise_does_not_know_is_named_by_its_line_never_by_its_text(tmp_path, capsys, lines, where):
    urls = tmp_path / "notify.txt"
    urls.write_text(lines)
    urls.chmod(0o600)
    assert main(["watch", "facebook", "--notify-file", str(urls)]) == 2
    err = capsys.readouterr().err
    assert f"{urls}{where}" in err and SECRET not in err and len(err.splitlines()) == 1


def test_notify_on_the_command_line_is_checked_and_never_echoed(tmp_path, capsys):
    assert main(["watch", "facebook", "--notify", "json://127.0.0.1:9/a", "--notify", f"nope://{SECRET}"]) == 2
    err = capsys.readouterr().err
    assert "(command line): --notify: not a notification URL that Apprise knows (nope://...)" in err
    assert SECRET not in err
    assert main(["watch", "facebook"]) == 2 and "whom to notify" in capsys.readouterr().err
    assert repr(notify.given([f"json://{SECRET}@127.0.0.1:9/a"], None)).count(SECRET) == 0  # not even in a repr


def test_a_message_reaches_a_json_receiver_and_a_refusal_is_said_without_the_url(caplog, capsys):
    with Receiver() as receiver:
        [url] = notify.given([receiver.url("hook/" + SECRET, "watch", SECRET)], None)
        assert str(url) == "--notify (1st) (JSON)"
        assert notify.send(url, "auditor: a title", "A body.\nTwo lines.", "warning")
        [got] = receiver.take()
        assert (got.path, got.auth) == (f"/hook/{SECRET}", f"watch:{SECRET}")
        assert (got.title, got.message, got.body["type"]) == ("auditor: a title", "A body.\nTwo lines.", "warning")
        receiver.status = 500
        assert not notify.send(url, "auditor: a title", "A body.", "failure")
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err + caplog.text


def test_a_watch_that_cannot_start_is_told_once_and_a_message_not_taken_is_sent_again(tmp_path, capsys):
    """No browser: the session file is missing, so the run stops before it starts (bad input, exit 2)."""
    with Receiver(status=500) as receiver:
        args = ["watch", "facebook", "--session", str(tmp_path / "gone.json"), "-o", str(tmp_path / "out")]
        args += ["--history", str(tmp_path / "history.sqlite"), "--notify", receiver.url("hook", "me", SECRET)]
        assert main(args) == 2  # the receiver refuses: not told
        err = capsys.readouterr().err
        assert "the notification to --notify (1st) (JSON) could not be sent; it is sent with the next run" in err
        assert "--session: no such file" in err and SECRET not in err
        receiver.status = 200
        assert main(args) == 2 and main(args) == 2
        refused, told = receiver.take()  # the refused one, then once (not at the third run)
        assert refused.body == told.body and told.title == "auditor: the audit could not finish"
        assert "auditor could not run the audit. Run the same auditor watch command in a terminal" in told.message
        assert SECRET not in capsys.readouterr().err
