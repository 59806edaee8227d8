"""Saved sessions: a person's login by hand, the file it leaves (0600, user data folder), reuse, expiry.

Which way in a run takes (--session, environment, saved sessions, keyring) is checked here too.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from conftest import cli_env, replica_options, run_auditor
from test_login import outcomes

from auditor import results, spec
from auditor.browser import Opened
from auditor.cli import main
from auditor.errors import AuditorError, InputError
from auditor.guarded import guarded_context
from auditor.meta import select_flows
from auditor.observe.stage import observe_in
from auditor.options import FlowSet
from auditor.replica.registry import HOSTS
from auditor.session.saved import read_state, save, session_path
from auditor.session.way_in import way_in
from auditor.target import Target
from auditor.user_folder import write_private
from auditor.visit import open_visit

REPO = Path(__file__).resolve().parents[1]

# The person, played by a script: the same function `auditor login` calls, headless, with a
# `person` that does what someone at the screen would do. The last step is left in flight, so
# noticing the finished login is the product's own wait.
PERSON = textwrap.dedent("""
    import sys
    import pyotp
    from auditor.errors import AuditorError
    from auditor.session.login import login_by_hand
    from auditor.target import Target

    platforms, replica, email, password, secret, behaviour = sys.argv[1:]

    def person(page):
        if behaviour == "closes the window":
            page.close()
            return
        decline = page.locator("[data-cookiebanner=accept_only_essential_button]")
        if decline.count():
            decline.click()
            decline.wait_for(state="detached")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=pass]").fill(password)
        page.locator("input[name=pass]").press("Enter")
        code = page.locator("input[autocomplete=one-time-code]")
        code.wait_for()
        code.fill(pyotp.TOTP(secret).now())
        code.press("Enter")

    try:
        for platform in platforms.split(","):  # one after the other, as a person logs in to each
            print(login_by_hand(platform, target=Target(replica), headed=False, timeout_s=120, person=person))
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        sys.exit(1)
""")


def person_logs_in(tmp_path: Path, replica, platforms: str, account_id: str, behaviour: str = "logs in"):
    """`auditor login PLATFORM` for each of `platforms` (comma-separated), the person played by a script."""
    script = tmp_path / "person.py"
    script.write_text(PERSON)
    account = replica.store.accounts[account_id]
    env = cli_env(tmp_path)
    return subprocess.run(
        [
            sys.executable,
            str(script),
            platforms,
            replica.url,
            account.email,
            account.password,
            account.totp_secret or "",
            behaviour,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------------- login by hand, then reuse
@pytest.mark.long
def test_a_login_by_hand_is_saved_0600_and_reused_without_logging_in(replica, tmp_path):
    replica.app.visitor_region = "EU"
    replica.app.cookie_generation = 2
    done = person_logs_in(tmp_path, replica, "facebook,instagram", "totp")
    assert done.returncode == 0, done.stderr
    for platform, line in zip(("facebook", "instagram"), done.stdout.splitlines(), strict=True):
        saved = Path(line)
        assert saved == tmp_path / "data" / "auditor" / "sessions" / "replica" / f"{platform}.json"
        assert mode(saved) == 0o600
        assert [mode(folder) for folder in saved.parents[:4]] == [
            0o700
        ] * 4  # replica, sessions, auditor and the data folder
        assert f"session saved: {saved}" in done.stderr
    assert outcomes(replica) == [
        ("facebook", "second_factor"),
        ("facebook", "ok"),
        ("instagram", "second_factor"),
        ("instagram", "ok"),
    ]

    # A later audit, with no credentials anywhere, reads a page of each platform from the saved sessions.
    pages = ("--flow", "facebook/posts", "--flow", "instagram/account_privacy")
    done = run_auditor(
        "observe",
        "facebook",
        "instagram",
        *pages,
        "--replica",
        replica.url,
        "-o",
        tmp_path / "o.json",
        env=cli_env(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert "using the saved session" in done.stderr
    observations = results.read(tmp_path / "o.json", results.Observations)
    assert observations.run.complete
    assert {"fb.future_posts_audience", "ig.private_account"} <= {
        o.setting for o in observations.observations if o.status == "observed"
    }
    assert len(outcomes(replica)) == 4  # no login at all

    # Once Meta ends the sessions: one clear message and exit 1, and still no login attempt.
    replica.expire_sessions()
    done = run_auditor(
        "observe",
        "facebook",
        "instagram",
        *pages,
        "--replica",
        replica.url,
        "-o",
        tmp_path / "o2.json",
        env=cli_env(tmp_path),
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("auditor: error: the facebook session is not logged in any more")
    )
    assert "log in again with `auditor login facebook`" in done.stderr
    assert len(outcomes(replica)) == 4


def test_closing_the_window_saves_nothing_and_says_so(replica, tmp_path):
    done = person_logs_in(tmp_path, replica, "facebook", "demo", behaviour="closes the window")
    assert done.returncode == 1
    assert "the browser window was closed before the facebook login finished; nothing was saved" in done.stderr
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.json"))


@pytest.mark.parametrize(
    "replica_option, folder", [([], "sessions"), (["--replica", "https://127.0.0.1:9"], "sessions/replica")]
)
def test_login_without_a_display_says_it_needs_one_and_where_a_session_goes(
    capsys, tmp_path, monkeypatch, replica_option, folder
):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    code = main(["login", "instagram", *replica_option])
    err = capsys.readouterr().err
    assert code == 1
    assert "no display" in err and "AUDITOR_EMAIL" in err
    assert f"copy the session file to {tmp_path / 'auditor' / folder / 'instagram.json'} here" in err
    assert not list(tmp_path.rglob("*.json"))


# ---------------------------------------------------------------------- the session file
def test_sessions_live_in_the_user_data_folder_apart_from_replica_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert session_path("instagram") == tmp_path / "auditor" / "sessions" / "instagram.json"
    assert (
        session_path("instagram", Target("https://127.0.0.1:9"))
        == tmp_path / "auditor" / "sessions" / "replica" / "instagram.json"
    )
    monkeypatch.delenv("XDG_DATA_HOME")
    assert not session_path("facebook").is_relative_to(REPO)  # never in the repository


def test_a_session_file_is_created_0600_whatever_the_umask_or_a_leftover(tmp_path):
    target = tmp_path / "sessions" / "facebook.json"
    target.parent.mkdir()
    leftover = target.with_name(".facebook.json.tmp")
    leftover.write_text("{}")
    leftover.chmod(0o644)
    old = os.umask(0)
    try:
        write_private(target, '{"cookies": []}')
    finally:
        os.umask(old)
    assert mode(target) == 0o600 and json.loads(target.read_text()) == {"cookies": []}


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077, 0o277])
def test_every_folder_made_for_a_session_is_0700_whatever_the_umask(tmp_path, monkeypatch, capsys, umask):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "share"))  # not there yet: made too
    tmp_path.chmod(0o755)
    old = os.umask(umask)
    try:
        path = write_private(session_path("facebook", Target("https://127.0.0.1:9")), "{}")
    finally:
        os.umask(old)
    made = path.parents[:5]  # replica, sessions, auditor, share, home
    assert made[-1] == tmp_path / "home"
    assert {folder: mode(folder) for folder in made} == {folder: 0o700 for folder in made}
    assert (
        mode(path) & 0o077 == 0 and capsys.readouterr().err == ""
    )  # 0600, or 0400 under a umask that takes the owner's writing
    assert mode(tmp_path) == 0o755  # a folder that was there is left as it is


def test_our_folders_left_readable_by_others_are_tightened_and_it_is_said(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    sessions = tmp_path / "auditor" / "sessions"
    sessions.mkdir(parents=True)
    for folder in (tmp_path, tmp_path / "auditor", sessions):  # as auditor made them before, under a 022 umask
        folder.chmod(0o755)
    write_private(session_path("instagram"), "{}")
    assert mode(sessions) == 0o700 and mode(tmp_path / "auditor") == 0o700
    assert mode(tmp_path) == 0o755  # the user's data folder is theirs, not ours
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"note: {folder} could be read by others (mode 755); made it yours only (0700)"
        for folder in (sessions, tmp_path / "auditor")
    ]


def test_a_saved_session_reads_settings_in_a_new_context_without_a_login(browser, context, log_in, replica, tmp_path):
    log_in("demo", "facebook")  # or this worker's earlier login of it, given as cookies: no login recorded
    logged = outcomes(replica)
    path = save(context, tmp_path / "facebook.json")
    assert mode(path) == 0o600
    assert "c_user" in {c["name"] for c in json.loads(path.read_text())["cookies"]}
    flows = [f for f in select_flows(spec.load_flows(), ["facebook"]) if f.id == "facebook/posts"]
    options = replica_options(replica, FlowSet(flows, spec.load_vocabulary(), []), session=path)
    with open_visit(options, ["facebook"], opened=Opened(browser, "test"), say=lambda line: None) as visit:
        observations = observe_in(visit)  # a new context: the saved session's
    assert observations.by_setting()["fb.future_posts_audience"].value == "public"  # the demo account's seeded value
    assert outcomes(replica) == logged  # no login after saving


def test_a_session_chromium_still_refuses_is_bad_input_too(browser, tmp_path):
    """read_state refuses what Chromium is known to refuse; a cookie it refuses all the same (domain ".")
    is one line of bad input, not Playwright's traceback."""
    broken = tmp_path / "session.json"
    broken.write_text(
        json.dumps({"cookies": [{"name": "c_user", "value": "1", "domain": ".", "path": "/"}], "origins": []})
    )
    with pytest.raises(InputError, match=r"^session: the browser refused the saved session: .*Invalid cookie fields"):
        with guarded_context(Opened(browser, "test"), storage_state=read_state(broken)):
            pass


def test_a_broken_session_file_is_bad_input(capsys, tmp_path):
    broken = tmp_path / "session.json"
    broken.write_text('{"cookies": [\n  oops\n')
    code = main(["observe", "facebook", "--session", str(broken), "-o", str(tmp_path / "o.json")])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"auditor: error: {broken}:2: session: not a saved session")


# ---------------------------------------------------------------------- session expiry mid-run
def test_a_session_that_expires_mid_run_stops_it_with_login_wall(replica, tmp_path):
    flows = select_flows(spec.load_flows(), ["facebook"])
    second = urlsplit(flows[1].spec.url)
    page = replica.app.find_page(
        HOSTS[second.hostname], second.path, dict(p.split("=", 1) for p in second.query.split("&") if p)
    )
    replica.knobs.set(f"expire:{page.id}")
    account = replica.store.accounts["demo"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD=account.password)
    done = run_auditor("run", "facebook", "--replica", replica.url, "-o", str(tmp_path / "out"), env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"auditor: error: the facebook session is not logged in any more (expired or logged out) at {flows[1].id}: "
        "log in again with `auditor login facebook`, then run again; the settings read before that are in the results"
    )
    observations = results.read(tmp_path / "out" / "observations.json", results.Observations)
    pages = {p.flow: p for p in observations.pages}
    assert pages[flows[0].id].status == "ok"
    assert {pages[f.id].reason for f in flows[1:]} == {"login_wall"}
    assert outcomes(replica) == [("facebook", "ok")]  # no second login to get past the wall
    assert (tmp_path / "out" / "report.html").is_file()  # partial results are still reported


# ---------------------------------------------------------------------- which way in
class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self, entries: dict[str, str]):
        super().__init__()
        self.entries, self.asked = entries, []

    def get_password(self, service, username):
        self.asked.append((service, username))
        return self.entries.get(username) if service == "auditor" else None

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError


@pytest.fixture
def ways(tmp_path, monkeypatch):
    """A clean environment, a data folder of the test's own, and a keyring that holds a test account."""
    for name in ("AUDITOR_EMAIL", "AUDITOR_PASSWORD", "AUDITOR_TOTP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    ring = MemoryKeyring(
        {"email": "ring@example.com", "password": "ring-password", "totp_secret": "RINGSECRETRINGSECRETRINGSECRET23"}
    )
    monkeypatch.setattr(keyring.core, "_keyring_backend", ring)
    return ring


def saved(platform: str, cookie: str) -> None:
    write_private(
        session_path(platform),
        json.dumps(
            {"cookies": [{"name": cookie, "value": "v", "domain": f".{platform}.com", "path": "/"}], "origins": []}
        ),
    )


def test_environment_credentials_come_first(ways, monkeypatch):
    saved("facebook", "c_user")
    monkeypatch.setenv("AUDITOR_EMAIL", "env@example.com")
    monkeypatch.setenv("AUDITOR_PASSWORD", "env-password")
    way = way_in(["facebook"], session=None)
    assert (way.credentials.identifier, way.credentials.password, way.state) == (
        "env@example.com",
        "env-password",
        None,
    )


def test_saved_sessions_come_before_the_keyring(ways):
    saved("facebook", "c_user")
    saved("instagram", "sessionid")
    way = way_in(["facebook", "instagram"], session=None)
    assert way.credentials is None
    assert sorted(c["name"] for c in way.state["cookies"]) == ["c_user", "sessionid"]
    assert ways.asked == []  # a saved session needs no keyring (which may ask to be unlocked)


def test_the_keyring_fills_in_when_a_session_is_missing(ways):
    saved("facebook", "c_user")
    way = way_in(["facebook", "instagram"], session=None)
    assert (way.credentials.identifier, way.credentials.password, way.credentials.totp_secret) == (
        "ring@example.com",
        "ring-password",
        "RINGSECRETRINGSECRETRINGSECRET23",
    )
    assert "ring-password" not in repr(way.credentials) and "RINGSECRETRINGSECRETRINGSECRET23" not in repr(
        way.credentials
    )


def test_no_way_in_names_the_login_that_is_missing(ways, monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())  # no keyring on this machine
    saved("facebook", "c_user")
    with pytest.raises(AuditorError) as failed:
        way_in(["facebook", "instagram"], session=None)
    assert "no instagram session: log in first with `auditor login instagram`" in str(failed.value)
    assert "auditor login facebook" not in str(failed.value)
