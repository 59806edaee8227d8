"""A full audit of every replica account: the expected observations, the replica's truth, and zero writes.

Expected observations live in tests/expected/<platform>/<account>.json (setting -> status, value,
reason). Refresh them after a deliberate change with AUDITOR_UPDATE_GOLDEN=1 and review the diff.

A class per account: the test runner hands whole classes to its workers (--dist loadscope), so the
accounts' audits run side by side, each once.
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


def summary(observations, platform: str) -> dict:
    return {
        o.setting: {"status": o.status, "value": o.value, "reason": o.reason}
        for o in sorted(observations.observations, key=lambda o: o.setting)
        if o.platform == platform
    }


class Audited:
    """The tests of one account's full audit; `account` is set by a subclass per replica account."""

    account: str

    @pytest.fixture(scope="class")
    @classmethod
    def audited(cls, browser, replica_server):
        """(observations, replica writes, each page's snapshot) of one full audit, its login included, shared by the
        class's tests."""
        replica_server.reset()
        snapshots: dict[str, str] = {}
        observations, writes = audit_account(browser, replica_server, cls.account, snapshots=snapshots, fresh=True)
        return observations, writes, snapshots

    def test_a_full_audit_sends_no_writes(self, audited):
        observations, writes, _snapshots = audited
        assert writes == []
        assert observations.run.writes_blocked == 0

    @pytest.mark.parametrize("platform", PLATFORMS)
    def test_observations_match_the_expected_file(self, audited, platform):
        actual = summary(audited[0], platform)
        golden.check(
            EXPECTED / platform / f"{self.account}.json", json.dumps(actual, indent=2, ensure_ascii=False) + "\n"
        )

    def test_observed_values_are_the_replicas_own_state(self, audited, replica_server):
        """Whatever the UI language or label generation, a read value is what the replica stores."""
        observations = audited[0]
        stored = replica_server.store.accounts[self.account]
        checked = 0
        for observation in observations.observations:
            if observation.status != "observed":
                continue
            try:
                _page, control = catalog().control(observation.setting)
            except StopIteration:
                continue  # not a stored setting (presence of a form, for instance)
            if control.type == "list":
                items = replica_server.store.items(self.account, control.id)
                assert observation.value == len(items), observation.setting
            elif control.options or control.type == "switch":
                want = current_value(control, stored, replica_server.store, replica_server.knobs)
                assert observation.value == want, observation.setting
            else:
                continue
            checked += 1
        if observations.run.complete:
            assert checked >= 5

    def test_the_saved_snapshots_are_the_live_replicas_pages(self, audited):
        """The offline reading tests (test_snapshot_reading) read these files: they must be what the browser sees."""
        observations, _writes, snapshots = audited
        locales = {page.flow: page.locale for page in observations.pages}
        assert snapshots or not observations.run.complete
        golden.check(saved_pages.path(self.account), saved_pages.dump(snapshots, locales))


class TestDemo(Audited):
    account = "demo"


class TestUs(Audited):
    account = "us"


class TestUk(Audited):
    account = "uk"


class TestDe(Audited):
    account = "de"


class TestEu(Audited):
    account = "eu"


class TestTotp(Audited):
    account = "totp"


class TestLocked(Audited):
    account = "locked"


class TestCheckpoint(Audited):
    account = "checkpoint"


def test_every_replica_account_has_its_class():
    assert sorted(c.account for c in Audited.__subclasses__()) == sorted(ACCOUNTS)
