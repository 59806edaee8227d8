"""Shared fixtures: the resolved Chromium for pytest-playwright, the replica, and routing to it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from auditor import browser as browsers
from auditor import spec
from auditor.browser import Opened, audit_context
from auditor.guard import Network
from auditor.replica.server import Replica
from auditor.session.login import login
from auditor.session.way_in import Credentials, WayIn
from auditor.stages import FlowSet, observe_in
from auditor.target import Target
from auditor.watchdog import Watchdog


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


def pytest_collection_modifyitems(items):
    """The tests marked `long` first. The workers take whole modules and classes in collection order
    (--dist loadscope): a long one collected last would run alone at the end while the others wait."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def replica_server():
    with Replica() as replica:
        yield replica


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright, replica_server):
    """pytest-playwright's browser: the Chromium auditor itself would pick, resolving Meta's hosts to the replica."""
    choice = browsers.resolve(playwright=playwright)
    args = {
        **browser_type_launch_args,
        "args": [*browser_type_launch_args.get("args", []), *Target(replica_server.url).launch_args()],
    }
    return {**args, "executable_path": choice.path} if choice.path else args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every test context accepts the replica's throwaway certificate (tests never reach Meta)."""
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture
def replica(replica_server):
    """The replica in its seeded state, with no knobs; whatever a test changes is undone after it."""
    replica_server.reset()
    replica_server.set_seed(0)
    yield replica_server
    replica_server.reset()
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


@pytest.fixture
def log_in(context, routed, replica, vocabulary):
    """log_in(account_id, platform): an unattended login to the replica, as the product does it: with the guard
    on, which lets through the login's own requests only (whatever mode the test keeps it in otherwise)."""

    def _log_in(account_id: str, platform: str = "facebook") -> None:
        account = replica.store.accounts[account_id]
        mode, routed.audit = routed.audit, True
        try:
            with routed.login(platform, account.email):
                login(context, platform, Credentials(account.email, account.password, account.totp_secret), vocabulary)
        finally:
            routed.audit = mode

    return _log_in


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
):
    """A full audit of one replica account through the product's own chain (auditor.stages.observe_in), in a
    guarded context of pytest-playwright's browser, the guard on throughout (the login lets its own requests out).

    `option_lists` opens the audience and choice dialogs (as a run with a baseline does); `snapshots`, a dict,
    gets each page's region snapshot. Returns (observations, replica writes).
    """
    account = replica.store.accounts[account_id]
    flow_set = FlowSet(flows or spec.load_flows(), vocabulary or spec.load_vocabulary(), spec.load_not_applicable())
    way = WayIn(credentials=Credentials(account.email, account.password, account.totp_secret))
    target = Target(replica.url)
    with audit_context(Opened(browser, "browser: test", Watchdog(None)), target=target) as guarded:
        observations = observe_in(
            guarded,
            list(platforms),
            way,
            flow_set,
            target=target,
            say=lambda line: None,
            option_lists=option_lists,
            snapshots=snapshots,
        )
    return observations, replica.writes()


def cli_env(tmp_path, account=None, **extra: str) -> dict:
    """The environment of a CLI run: no inherited AUDITOR_ settings but the browser, user data (saved
    sessions, the history) in the test's own folder, and the account's login when one is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    login = {"AUDITOR_EMAIL": account.email, "AUDITOR_PASSWORD": account.password} if account is not None else {}
    return {**env, "XDG_DATA_HOME": str(tmp_path / "data"), **login, **extra}


def wait_until(condition, timeout: float = 60) -> None:
    """Wait for a state of the replica (not a fixed time): poll its own log."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the state never came"
        time.sleep(0.05)


def page_requested(replica, fragment: str) -> bool:
    """Has the browser asked the replica for a page whose path holds `fragment`?"""
    return any(fragment in path for _t, _h, method, path, _n in replica.store.requests() if method == "GET")


def start_auditor(*args: str, env: dict) -> subprocess.Popen:
    """`auditor ARGS` in its own session (so a Ctrl-C can go to its whole group, as a terminal's does)."""
    return subprocess.Popen(
        [sys.executable, "-m", "auditor", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def ctrl_c_on_stories(replica, args: list[str], env: dict, timeout: float = 120) -> tuple[int, str]:
    """Run `auditor ARGS`, press Ctrl-C while it reads Facebook's stories page; (exit code, stderr).

    The page is held for 2 s so that Ctrl-C lands while it loads. The process gets a session of
    its own and Ctrl-C goes to its whole group, as a terminal's does: Playwright's driver too.
    """
    replica.knobs.set("slow:fb_stories:2000")
    process = start_auditor(*args, env=env)
    try:
        wait_until(lambda: page_requested(replica, "tab=stories"))
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
    return process.returncode, err


def ctrl_c_twice(process: subprocess.Popen) -> tuple[list[str], threading.Thread]:
    """Ctrl-C to the whole group of `process` (started in a session of its own), and once it said it heard
    that, a second one. Returns its stderr lines and the thread reading them (join it once the process ended)."""
    err: list[str] = []
    heard = threading.Event()

    def read_stderr():
        for line in process.stderr:
            err.append(line)
            if "Ctrl-C again" in line:
                heard.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    os.killpg(process.pid, signal.SIGINT)
    assert heard.wait(60), "".join(err)
    os.killpg(process.pid, signal.SIGINT)
    return err, reader


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
