"""What the tests of `auditor apply` on the replica share: the demo account's findings as seeded, the stages run
in pytest-playwright's browser, and the replica's witnesses (its write log, a fresh audit).

Every apply starts from the findings an audit of the seeded demo account writes, made from its golden results
(tests/expected/*/demo.json, which tests/test_observe_accounts.py holds to what a full audit reads); `auditor
demo --apply` (tests/test_demo.py) audits the pages before its changes.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from conftest import cli_env

from auditor import __version__, results
from auditor.apply import record, stage
from auditor.apply.schema import load_changes
from auditor.browser import Opened
from auditor.consistency import load_checklist
from auditor.evaluate import evaluate
from auditor.history import default_path
from auditor.history.pseudonym import account_key, account_of
from auditor.meta import select_flows
from auditor.options import FlowSet, Options
from auditor.results import Account, Findings, Observation, Observations, Run, now
from auditor.session.way_in import Credentials
from auditor.stages import run
from auditor.target import Target

EXPECTED = Path(__file__).parent / "expected"
PLATFORMS = ["facebook", "instagram"]


def options_for(replica, flow_set: FlowSet | None = None) -> Options:
    """The options of a run on the replica, logged in as its demo account, with these flows (every one: None)."""
    account = replica.store.accounts["demo"]
    credentials = Credentials(account.email, account.password, account.totp_secret)
    return Options(
        target=Target(replica.url), flow_set=flow_set or FlowSet.load(), credentials=credentials, evidence=False
    )


def audit(browser, replica, out: Path, flows: tuple[str, ...] = ()) -> Observations:
    """An audit of the demo account through the product's chain, in pytest-playwright's `browser`: every page, or
    the `flows` named."""
    flow_set = replace(FlowSet.load(), only=flows)
    return run(PLATFORMS, out, options_for(replica, flow_set), opened=Opened(browser, "test")).observations


def apply(
    browser, replica, given: stage.Input, out: Path, only=None, flow_set: FlowSet | None = None
) -> record.Applied:
    """The changes of `given` that `only` names (every one: None), made with consent, as `auditor apply --yes`, in
    pytest-playwright's `browser`."""
    changes = [p for p in given.plan.changes if only is None or p.check in only]
    options = options_for(replica, flow_set)
    return stage.run_plan(given, changes, out, options, say=lambda line: None, opened=Opened(browser, "test"))


def writes_of(replica) -> list[tuple[str, str, bool]]:
    return [(w.setting, w.value, w.accepted) for w in replica.writes()]


def web_fixable(findings: Findings) -> list[str]:
    changes = load_changes(FlowSet.load().flows)
    return [
        x.check
        for x in findings.findings
        if x.status == "fail"
        and x.setting in changes
        and set(map(str, x.recommended)) & set(changes[x.setting].change.to)
    ]


def named(replica, account_id: str, site: str | None = None, platforms=PLATFORMS) -> Account:
    """The replica account as findings.json and apply.json name it (keyed hashes, with this test session's key),
    logged in to `platforms`."""
    uid = replica.store.accounts[account_id].uid
    cookies = {
        "facebook": {"name": "c_user", "domain": ".facebook.com", "value": uid},
        "instagram": {"name": "ds_user_id", "domain": ".instagram.com", "value": uid},
    }
    cookies = [cookies[p] for p in platforms]
    return account_of(cookies, site or Target(replica.url).site, account_key(default_path()))


def seeded_values() -> dict[str, dict]:
    """Each setting of the demo account as a full audit of it as seeded reads it (status, value, reason)."""
    return {
        setting: {**seen, "platform": folder.name}
        for folder in sorted(EXPECTED.iterdir())
        if (folder / "demo.json").is_file()
        for setting, seen in json.loads((folder / "demo.json").read_text(encoding="utf-8")).items()
    }


def seeded_findings(replica, folder: Path, checklist: str = "default", platforms: tuple[str, ...] = ()) -> Path:
    """findings.json (and observations.json) as an audit of the seeded demo account writes them, in `folder`: of
    both platforms, or of `platforms` (an apply then logs in to those only)."""
    platforms = list(platforms or PLATFORMS)
    read = {s.id for f in select_flows(FlowSet.load().flows, platforms) for s in f.spec.settings}
    flows = {s.id for f in FlowSet.load().flows for s in f.spec.settings}
    seen = {
        s: v
        for s, v in seeded_values().items()
        if s in read or (s not in flows and v["platform"] in (*platforms, "accounts_center", "meta"))
    }
    run_ = Run(
        tool_version=__version__,
        started=now(),
        platforms=platforms,
        target=Target(replica.url).label,
        account=named(replica, "demo", platforms=platforms),
    )
    observations = Observations(run=run_, observations=[Observation(setting=s, **v) for s, v in seen.items()])
    folder.mkdir(parents=True, exist_ok=True)
    results.write(folder / "observations.json", observations)
    results.write(folder / "findings.json", evaluate(observations, load_checklist(checklist)))
    return folder / "findings.json"


def logged_in_as(replica, account_id: str, tmp_path: Path) -> dict:
    """The environment of a CLI run with the account's login, in this test session's user data folder: the history
    key there made the pseudonyms and hashes that findings.json and apply.json name the account by."""
    return cli_env(tmp_path, replica.store.accounts[account_id], XDG_DATA_HOME=os.environ["XDG_DATA_HOME"])
