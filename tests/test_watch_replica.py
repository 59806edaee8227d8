"""auditor watch on the replica, end to end: four watches of the demo account, the replica's knobs changing it
between them, two notification URLs (one in a file, one on the command line) received on loopback.

A value made less private, a check it made fail, a page Meta changed and a session that expired arrive in
one message; the run after it, which could not finish either, tells nothing again (the value is compared
with the last finished run, and found told); nor does the one that finishes after it, as nothing changed
since. The URLs' secrets are in no output and no file. (The words, German too: test_watch.py.)"""

from __future__ import annotations

import stat

import pytest
from conftest import cli_env, run_auditor
from receiver import Receiver

from auditor import results
from auditor.results import Findings

pytestmark = [pytest.mark.browser, pytest.mark.long]

IN_FILE, ON_COMMAND_LINE = "f1le-s3cret", "0pt10n-s3cret"
NEW_TOGGLE = "Allow your public content to be used to improve AI at Meta"  # what `add:fb_posts` puts on the page


@pytest.fixture(scope="module")
def watched(replica_server, tmp_path_factory):
    """name -> (exit code, stdout, stderr, {path: notifications there}) of each watch, in order; and the folder."""
    tmp, replica = tmp_path_factory.mktemp("watch"), replica_server
    replica.reset()
    account = replica.store.accounts["demo"]
    env = cli_env(tmp, account)
    runs = {}
    with Receiver() as receiver:
        urls = tmp / "notify.txt"
        urls.write_text(f"# where auditor watch tells me\n{receiver.url('file/' + IN_FILE, 'me', IN_FILE)}\n")
        urls.chmod(0o600)
        args = ["watch", "facebook", "--replica", replica.url, "-o", str(tmp / "out"), "--notify-file", str(urls)]
        args += ["--notify", receiver.url("option", "me", ON_COMMAND_LINE)]
        args += ["--flow", "facebook/posts", "--flow", "facebook/stories"]  # what changes, and where it stops

        def watch(name: str, *extra: str) -> None:
            done = run_auditor(*args, *extra, env=env)
            got = {path: receiver.take(path) for path in (f"file/{IN_FILE}", "option")}
            runs[name] = (done.returncode, done.stdout, done.stderr, got)

        try:
            replica.store.set("demo", "fb.future_posts_audience", "friends")
            watch("first")
            replica.store.set("demo", "fb.future_posts_audience", "public")
            replica.knobs.set("add:fb_posts", "expire:fb_stories")  # the stories page comes after the posts page
            watch("changed")
            watch("still expired", "--lang", "de")
            replica.knobs.clear()
            replica.knobs.set("add:fb_posts")
            watch("finished")
            assert receiver.take() == []  # nothing went anywhere else
            assert replica.writes() == []  # a watch is an audit: read-only
        finally:
            replica.reset()
    return runs, tmp, account


def messages(run) -> list:
    """The notifications of a run; each URL got the same one."""
    _code, _out, _err, got = run
    first, second = got.values()
    assert [(n.title, n.message) for n in first] == [(n.title, n.message) for n in second]
    return first


def test_the_first_watch_has_nothing_to_compare_and_sends_nothing(watched):
    runs, tmp, _ = watched
    code, out, err, _ = runs["first"]
    assert code == 0, err
    assert out.strip() == str(tmp / "out" / "report.html")
    assert messages(runs["first"]) == []
    assert "Nothing new since the last audit: no notification sent." in err


def test_a_less_private_value_a_failing_check_a_changed_page_and_an_expired_session_arrive_in_one_message(watched):
    runs, tmp, account = watched
    code, _out, err, got = runs["changed"]
    assert code == 1 and "log in again with `auditor login facebook`" in err  # could not finish comes first
    [note] = messages(runs["changed"])
    assert note.body["type"] == "warning"
    assert note.title == "auditor: 2 privacy settings need your attention"
    assert "Facebook · Your future posts are public: was Friends, now Public." in note.message
    assert "Meta or someone else may have." in note.message
    assert "Change it back here: https://www.facebook.com/settings/?tab=posts" in note.message
    assert "Meta · Some of your content is public, and Meta may use it to train its AI" in note.message
    assert f'https://www.facebook.com/settings/?tab=posts\n- New on the page: "{NEW_TOGGLE}".' in note.message
    assert "The audit could not finish: Meta showed its login page. Log in again (auditor login)" in note.message
    assert [(r.path, r.auth) for rs in got.values() for r in rs] == [
        (f"/file/{IN_FILE}", f"me:{IN_FILE}"),
        ("/option", f"me:{ON_COMMAND_LINE}"),
    ]
    assert "4 new events. Sent to 2 notification URLs." in err
    # No personal data: no id, no pseudonym, no name or address of the account.
    findings = results.read(tmp / "out" / "findings.json", Findings)
    for private in (findings.run.account.pseudonym, account.email, account.name, "fb.future_posts_audience"):
        assert private not in note.title + note.message


def test_nothing_is_told_twice_neither_while_the_run_cannot_finish_nor_once_it_does(watched):
    runs, _, _ = watched
    code, _out, err, _ = runs["still expired"]
    assert code == 1, err
    assert messages(runs["still expired"]) == []
    assert "Nichts Neues seit der letzten Prüfung: keine Benachrichtigung gesendet." in err
    code, _out, err, _ = runs["finished"]
    assert code == 0, err  # the changed page was told: the pages as last read are the new ones
    assert messages(runs["finished"]) == []


def test_the_secret_urls_are_in_no_output_and_no_file(watched):
    runs, tmp, _ = watched
    for code, out, err, _ in runs.values():
        assert IN_FILE not in out + err and ON_COMMAND_LINE not in out + err
    written = [p for p in tmp.rglob("*") if p.is_file() and p.name != "notify.txt"]
    assert any(p.name.startswith("history.sqlite.watch-") for p in written)  # the watch's state is among them
    for path in written:
        data = path.read_bytes()
        assert IN_FILE.encode() not in data and ON_COMMAND_LINE.encode() not in data, path
    for state in tmp.rglob("history.sqlite.watch-*"):
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
