"""The expected statuses of every replica account follow from its seed data, not only from a past run.

tests/expected/ was captured from audits (test_observe_accounts.py compares every run with it). Here
the unknown / not_applicable statuses are derived again from accounts.yml (region, professional
account, profile lock, label generation, checkpoint), the catalog's page data (`only_for`,
`generation`), the flows' `missing:` declarations and not_applicable.yml, with rules written out
below rather than taken from the replica's page-building code, so a bug there cannot make a run and
its expected file agree on a wrong status.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor import spec
from auditor.replica.registry import Account, catalog, load_accounts

EXPECTED = Path(__file__).parent / "expected"
PLATFORMS = ("facebook", "instagram", "accounts_center", "meta")

# Who is offered a page or control marked `only_for` (settings-catalog.md; the flows' missing_detail says the same).
OFFERED_TO = {
    "eu": lambda account: account.region == "EU",  # "only available in the European Region": not the UK
    "eu_uk": lambda account: account.region in ("EU", "UK"),
    "not_eu_uk": lambda account: account.region not in ("EU", "UK"),
    "professional": lambda account: account.ig_professional,  # Business or Creator accounts
    "profile_lock": lambda account: account.profile_lock_offered,  # only in some countries
}


def shown(item, account: Account) -> bool:
    """Is a catalog page or control on screen for this account? Its label generation and who it is offered to."""
    if item.generation is not None and item.generation != account.labels:
        return False
    return item.only_for is None or OFFERED_TO[item.only_for](account)


def derived(account: Account, platform: str) -> dict[str, tuple[str, str | None]]:
    """setting -> (status, reason) that an audit of this account must record, from the seed data alone."""
    where = {control.id: (page, control) for page, control in catalog().controls()}
    statuses = {}
    for flow in spec.load_flows():
        if flow.spec.platform != platform:
            continue
        for setting in flow.spec.settings:
            if account.checkpoint:  # Meta asks to confirm it's you at login: no page is read
                statuses[setting.id] = ("unknown", "checkpoint")
            elif setting.id in where and not all(shown(item, account) for item in where[setting.id]):
                statuses[setting.id] = (setting.missing, setting.missing_reason)
            else:  # on the page; a presence read (the AI objection link) has a value either way
                statuses[setting.id] = ("observed", None)
    for entry in spec.load_not_applicable():
        if entry.platform == platform:
            statuses[entry.id] = ("not_applicable", entry.reason)
    return statuses


def recorded(account_id: str, platform: str) -> dict:
    return json.loads((EXPECTED / platform / f"{account_id}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("account", load_accounts(), ids=lambda account: account.id)
def test_the_expected_file_has_the_statuses_the_seed_data_implies(account, platform):
    expected = {setting: (o["status"], o["reason"]) for setting, o in recorded(account.id, platform).items()}
    assert expected == derived(account, platform)


@pytest.mark.parametrize("account", [a for a in load_accounts() if not a.checkpoint], ids=lambda account: account.id)
def test_the_ai_objection_form_is_offered_in_the_eu_and_uk_only(account):
    offered = "offered" if account.region in ("EU", "UK") else "not_offered"
    meta = recorded(account.id, "meta")
    assert meta["meta.genai_object_facebook"]["value"] == meta["meta.genai_object_instagram"]["value"] == offered


def test_the_seed_accounts_try_every_rule_both_ways():
    """Each way of hiding a setting shows it to one seeded account and hides it from another,
    so no rule goes untried."""
    accounts = load_accounts()
    rules = [
        OFFERED_TO[item.only_for] for page, control in catalog().controls() for item in (page, control) if item.only_for
    ]
    rules += [lambda account: account.labels == "2024", lambda account: account.checkpoint]
    for rule in rules:
        assert {bool(rule(account)) for account in accounts} == {True, False}
