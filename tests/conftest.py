"""Shared fixtures: the resolved Chromium for pytest-playwright, the replica, and routing to it."""

from __future__ import annotations

import pytest

from auditor import browser as browsers
from auditor import spec
from auditor.network import Network
from auditor.replica.server import Replica
from auditor.session import Credentials, login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    """pytest-playwright's browser, launched from the Chromium auditor itself would pick."""
    choice = browsers.resolve(playwright=playwright)
    return {**browser_type_launch_args, "executable_path": choice.path} if choice.path else browser_type_launch_args


@pytest.fixture(scope="session")
def replica_server():
    with Replica() as replica:
        yield replica


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
    """The test's browser context reaches Meta's hosts on the replica (guard off: tests may write)."""
    network = Network(replica_url=replica.url, audit=False)
    network.install(context)
    yield network
    network.close()


@pytest.fixture(scope="session")
def vocabulary():
    return spec.load_vocabulary()


@pytest.fixture
def log_in(context, routed, replica, vocabulary):
    """log_in(account_id, platform): an unattended login to the replica, as the product does it."""
    def _log_in(account_id: str, platform: str = "facebook") -> None:
        account = replica.store.accounts[account_id]
        login(context, platform, Credentials(account.email, account.password, account.totp_secret), vocabulary)

    return _log_in
