"""A full audit of every replica account: the expected observations, the replica's truth, and zero writes.

Expected observations live in tests/expected/<platform>/<account>.json (setting -> status, value,
reason). Refresh them after a deliberate change with AUDITOR_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import golden
import pytest
import saved_pages
from conftest import audit_account

from auditor.replica.model import current_value
from auditor.replica.registry import catalog, load_accounts

EXPECTED = Path(__file__).parent / "expected"
ACCOUNTS = [a.id for a in load_accounts()]
PLATFORMS = ("facebook", "instagram", "accounts_center", "meta")


@pytest.fixture(scope="module")
def audits(browser, replica_server):
    """One full audit per account, shared by this module's tests."""
    done = {}

    def get(account_id: str):
        if account_id not in done:
            replica_server.reset()
            snapshots: dict[str, str] = {}
            observations, writes = audit_account(browser, replica_server, account_id, snapshots=snapshots)
            done[account_id] = observations, writes, snapshots
        return done[account_id]

    return get


def summary(observations, platform: str) -> dict:
    return {
        o.setting: {"status": o.status, "value": o.value, "reason": o.reason}
        for o in sorted(observations.observations, key=lambda o: o.setting)
        if o.platform == platform
    }


@pytest.mark.parametrize("account", ACCOUNTS)
def test_a_full_audit_sends_no_writes(audits, account):
    observations, writes, _snapshots = audits(account)
    assert writes == []
    assert observations.run.writes_blocked == 0


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("account", ACCOUNTS)
def test_observations_match_the_expected_file(audits, account, platform):
    observations, _writes, _snapshots = audits(account)
    actual = summary(observations, platform)
    golden.check(EXPECTED / platform / f"{account}.json", json.dumps(actual, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("account", ACCOUNTS)
def test_observed_values_are_the_replicas_own_state(audits, replica_server, account):
    """Whatever the UI language or label generation, a read value is what the replica stores."""
    observations, _writes, _snapshots = audits(account)
    stored = replica_server.store.accounts[account]
    checked = 0
    for observation in observations.observations:
        if observation.status != "observed":
            continue
        try:
            _page, control = catalog().control(observation.setting)
        except StopIteration:
            continue  # not a stored setting (presence of a form, for instance)
        if control.type == "list":
            assert observation.value == len(replica_server.store.items(account, control.id)), observation.setting
        elif control.options or control.type == "switch":
            assert observation.value == current_value(control, stored, replica_server.store, replica_server.knobs), (
                observation.setting
            )
        else:
            continue
        checked += 1
    if observations.run.complete:
        assert checked >= 5


@pytest.mark.parametrize("account", ACCOUNTS)
def test_the_saved_snapshots_are_the_live_replicas_pages(audits, account):
    """The offline reading tests (test_snapshot_reading) read these files: they must be what the browser sees."""
    observations, _writes, snapshots = audits(account)
    locales = {page.flow: page.locale for page in observations.pages}
    assert snapshots or not observations.run.complete
    golden.check(saved_pages.path(account), saved_pages.dump(snapshots, locales))
