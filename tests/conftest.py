"""Shared fixtures: the resolved Chromium for pytest-playwright, the replica, and routing to it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from urllib.parse import unquote

import psutil
import pytest

from auditor import browser as browsers
from auditor import spec
from auditor.browser import Opened
from auditor.guard import Network
from auditor.meta import platform_of
from auditor.observe.stage import observe_in
from auditor.options import FlowSet, Options
from auditor.replica.server import Replica
from auditor.session.login import login
from auditor.session.way_in import Credentials, WayIn
from auditor.target import Target
from auditor.visit import Visit, open_visit


@pytest.fixture(scope="session", autouse=True)
def _own_data_folder(tmp_path_factory):
    """Runs in tests record their history (and find sessions) in a folder of the test session, never the user's,
    and read no auditor.toml of the user's."""
    saved = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# A test that uses one of these needs a Chromium: pytest-playwright's browser, or the replica (which tests
# reach through a browser, theirs or auditor's own in a subprocess). Tests that start auditor's browser
# some other way carry the marker themselves.
NEEDS_A_BROWSER = {"browser", "context", "page", "playwright", "replica", "replica_server", "routed", "log_in"}


def pytest_collection_modifyitems(items):
    """The `browser` marker on every test that needs a Chromium (`pytest -m "not browser"` is the offline suite),
    and the tests marked `long` first: the workers take whole modules and classes in collection order (--dist
    loadscope), and a long one collected last would run alone at the end while the others wait."""
    for item in items:
        if NEEDS_A_BROWSER & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def replica_server():
    with Replica() as replica:
        yield replica


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright, replica_server):
    """pytest-playwright's browser: the Chromium auditor itself would pick, with its switches, resolving Meta's hosts
    to the replica."""
    choice = browsers.resolve(playwright=playwright)
    args = {
        **browser_type_launch_args,
        "args": [
            *browser_type_launch_args.get("args", []),
            *Target(replica_server.url).launch_args(),
            *browsers.features_switch(),
        ],
    }
    return {**args, "executable_path": choice.path} if choice.path else args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every test context accepts the replica's throwaway certificate (tests never reach Meta)."""
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture
def replica(replica_server):
    """The replica in its seeded state, with no knobs; whatever a test changes is undone after it. The sessions of
    earlier tests' logins stay valid (`log_in` reuses them)."""
    replica_server.reset(keep_sessions=True)
    replica_server.set_seed(0)
    yield replica_server
    replica_server.reset(keep_sessions=True)
    replica_server.set_seed(0)
    replica_server.app.visitor_region = None
    replica_server.app.cookie_generation = 1


@pytest.fixture
def routed(context, replica) -> Network:
    """The test's browser context reaches only Meta's hosts (on the replica); guard off: tests may write."""
    network = Network(audit=False)
    network.install(context)
    return network


@pytest.fixture(scope="session")
def vocabulary():
    return spec.load_vocabulary()


# (account, platform) -> the cookies of a login a test of this worker made, while its session lives.
LOGINS: dict[tuple[str, str], list[dict]] = {}


def kept_login(replica, account_id: str, platforms) -> list[dict] | None:
    """The cookies of this worker's earlier logins of the account to each of `platforms` while their sessions live;
    None: log in. A login costs more than most tests (about 0.6 CPU-seconds). An account whose visitor is asked
    about cookies (EU, UK) always logs in: the replica forgets cookie answers between tests."""
    if replica.store.accounts[account_id].region in ("EU", "UK") or replica.app.visitor_region is not None:
        return None
    kept = [LOGINS.get((account_id, platform)) for platform in platforms]
    if any(cookies is None or not _alive(replica, cookies) for cookies in kept):
        return None
    return [cookie for cookies in kept for cookie in cookies]


def keep_login(account_id: str, platforms, cookies: list[dict]) -> None:
    """Keep the cookies of a login to each of `platforms`, for the next test of this worker (kept_login)."""
    for platform in platforms:
        LOGINS[account_id, platform] = [
            c for c in cookies if platform_of(f"https://{c['domain'].lstrip('.')}/") == platform
        ]


@pytest.fixture
def log_in(context, routed, replica, vocabulary):
    """log_in(account_id, platform): an unattended login to the replica, as the product does it: with the guard
    on, which lets through the login's own requests only (whatever mode the test keeps it in otherwise). The
    cookies of an earlier test's login of the account are given to the context instead (kept_login), unless the
    test asks for a `fresh` one (it looks at the login itself)."""

    def _log_in(account_id: str, platform: str = "facebook", fresh: bool = False) -> None:
        account = replica.store.accounts[account_id]
        kept = None if fresh else kept_login(replica, account_id, [platform])
        if kept is not None:
            context.add_cookies(kept)
            return
        mode, routed.audit = routed.audit, True
        try:
            with routed.login(platform, account.email):
                login(context, platform, Credentials(account.email, account.password, account.totp_secret), vocabulary)
        finally:
            routed.audit = mode
        keep_login(account_id, [platform], context.cookies())

    return _log_in


def _alive(replica, cookies: list[dict]) -> bool:
    """Does the replica still know the session these cookies carry (a test may have ended it)?"""
    named = {c["name"]: unquote(c["value"]) for c in cookies}
    token = named.get("xs") or named.get("sessionid", "").partition(":")[2]
    return bool(token) and replica.store.session(token) is not None


@pytest.fixture(scope="session")
def flows():
    return spec.load_flows()


def audit_account(
    browser,
    replica,
    account_id: str,
    platforms=("facebook", "instagram"),
    flows=None,
    vocabulary=None,
    option_lists=False,
    snapshots=None,
    fresh=False,
):
    """A full audit of one replica account through the product's own way in (auditor.visit.open_visit) and
    reading (auditor.observe.stage.observe_in), in pytest-playwright's browser, the guard on throughout (the
    login lets its own requests out). The way in is a login, or the session of this worker's earlier login of
    the account (kept_login), as a saved session is given (`fresh`: a login in any case).

    `option_lists` opens the audience and choice dialogs (as a run with a baseline does); `snapshots`, a dict,
    gets each page's region snapshot. Returns (observations, replica writes).
    """
    flow_set = FlowSet(flows or spec.load_flows(), vocabulary or spec.load_vocabulary(), spec.load_not_applicable())
    options = replica_options(
        replica, flow_set, credentials=account_login(replica, account_id), option_lists=option_lists
    )
    kept = None if fresh else kept_login(replica, account_id, platforms)
    way = WayIn(state={"cookies": kept, "origins": []}, source="an earlier login") if kept is not None else None
    with open_visit(options, list(platforms), opened=Opened(browser, "test"), way=way, say=lambda line: None) as visit:
        observations = observe_in(visit, snapshots=snapshots)
        if way is None and visit.login_failed is None:
            keep_login(account_id, platforms, visit.context.cookies())
    return observations, replica.writes()


def account_login(replica, account_id: str) -> Credentials:
    account = replica.store.accounts[account_id]
    return Credentials(account.email, account.password, account.totp_secret)


def replica_options(replica, flow_set: FlowSet | None = None, **given) -> Options:
    """A run's options on the replica: its target, these flows (every one: None), no screenshots unless asked."""
    given.setdefault("evidence", False)
    return Options(target=Target(replica.url), flow_set=flow_set or FlowSet.load(), **given)


def visit_in(context, replica, flows, platforms=("facebook",), network=None, folder=None, **given) -> Visit:
    """A visit in the test's own browser context, for a test that also drives the page itself (its guard, if any,
    is the `routed` fixture's: give it as `network` to have the run count and stop on what it sees), with these
    flows and none of the settings no page shows; `folder` gets the screenshots with evidence=True; quiet."""
    options = replica_options(replica, FlowSet(list(flows), spec.load_vocabulary(), []), **given)
    return Visit(context, network or Network(), options, list(platforms), folder, say=lambda line: None)


def cli_env(tmp_path, account=None, **extra: str) -> dict:
    """The environment of a CLI run: no inherited AUDITOR_ settings but the browser, user data (saved
    sessions, the history) in the test's own folder, and the account's login when one is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    login = {"AUDITOR_EMAIL": account.email, "AUDITOR_PASSWORD": account.password} if account is not None else {}
    return {**env, "XDG_DATA_HOME": str(tmp_path / "data"), **login, **extra}


def wait_until(condition, timeout: float = 180, page=None) -> None:
    """Wait for a state of the replica (not a fixed time): poll its own log. The deadline is generous: it only
    bounds a state that never comes, on however busy a machine.

    Give the `page` whose requests the state waits for when its context has route handlers (the guard, the
    `routed` fixture): they run only while the test calls Playwright, so the polls wait in Playwright then, or a
    request the page sent after the test's last call would wait for the test, and the test for it."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the state never came"
        if page is None:
            time.sleep(0.05)
        else:
            page.wait_for_timeout(50)


def page_requested(replica, fragment: str) -> bool:
    """Has the browser asked the replica for a page whose path holds `fragment`?"""
    return any(fragment in path for _t, _h, method, path, _n in replica.store.requests() if method == "GET")


# ---------------------------------------------------------------------- the command line in a process of its own
def descendants(pid: int | None = None) -> dict:
    """The processes under `pid` (this one if None) that are still running, each with its command line. A child that
    ends between being listed and being looked at (gone, or a zombie not yet reaped) is left out, not an error."""
    found = {}
    for process in psutil.Process(pid).children(recursive=True):
        with suppress(psutil.NoSuchProcess):  # ZombieProcess is one too
            found[process] = process.cmdline()
    return found


def auditor_argv(*args) -> list[str]:
    return [sys.executable, "-m", "auditor", *map(str, args)]


def run_auditor(*args, env: dict, timeout: float = 300, **how) -> subprocess.CompletedProcess:
    """`auditor ARGS` run to completion in a process of its own, as a script or CI runs it: no terminal on stdin,
    its output captured; `how`: more of subprocess.run's arguments (cwd, preexec_fn). (The product's own browser
    must run in a process of its own: pytest-playwright's Playwright already runs in the test's thread. A command
    with no browser runs in-process: auditor.cli.main.)"""
    return subprocess.run(
        auditor_argv(*args), env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, **how
    )


def start_auditor(*args, env: dict) -> subprocess.Popen:
    """`auditor ARGS` in its own session (so a Ctrl-C can go to its whole group, as a terminal's does)."""
    return subprocess.Popen(
        auditor_argv(*args),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


class Running:
    """A started `auditor ARGS` whose stderr is read as it comes, so that a test can wait for what it says (a
    state: a page read, a Ctrl-C heard) and then act on it. On the way out its whole group is ended."""

    def __init__(self, *args, env: dict):
        self.process = start_auditor(*args, env=env)
        self.lines: list[str] = []
        self._said = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._said:
                self.lines.append(line)
                self._said.notify_all()

    @property
    def err(self) -> str:
        with self._said:
            return "".join(self.lines)

    def wait_for(self, said, timeout: float = 180) -> str:
        """The first line of stderr that `said` (a text it holds, or a test of the line), once it came."""
        test = said if callable(said) else (lambda line: said in line)
        with self._said:
            found = self._said.wait_for(lambda: next((x for x in self.lines if test(x)), None), timeout)
        assert found, f"auditor never said {said!r}:\n{self.err}"
        return found

    def ctrl_c(self) -> None:
        """Ctrl-C to its whole group, as a terminal sends it: Playwright's driver gets it too."""
        os.killpg(self.process.pid, signal.SIGINT)

    def finish(self, timeout: float = 180) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) once it ended."""
        out = self.process.stdout.read()
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=30)
        return self.process.returncode, out, self.err

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever of its group is left (the browser), on a failure
        self.process.stdout.close()
        self.process.stderr.close()


def ctrl_c_on_stories(replica, args: list[str], env: dict, timeout: float = 180) -> tuple[int, str]:
    """Run `auditor ARGS`, press Ctrl-C while it reads Facebook's stories page; (exit code, stderr).

    The page's data is held (the hold knob) until auditor said it heard the Ctrl-C, so the Ctrl-C lands while
    the page loads however busy the machine is.
    """
    replica.knobs.set("hold:fb_stories")
    with Running(*args, env=env) as running:
        wait_until(lambda: page_requested(replica, "tab=stories"), timeout)
        running.ctrl_c()
        running.wait_for("Ctrl-C again", timeout)  # heard: it stops after the page in progress
        replica.let_go()
        code, _out, err = running.finish(timeout)
    return code, err


@pytest.fixture
def zone():
    """Sets this machine's time zone for one test (a person reads times in their own zone), then puts it back."""
    before = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
