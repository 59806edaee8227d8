"""`auditor demo`: the bundled replica's demo account audited end to end, with a real browser.

It is `auditor run` on the replica with the demo's test-account login, and the replica's own
record of writes checked afterwards: an audit must never change a setting. `auditor demo --apply`
goes on: it applies every change the default checklist recommends that a web page can make
(as `auditor apply --yes`), audits again, and checks that the replica received exactly the
writes apply.json lists.
"""

from __future__ import annotations

from pathlib import Path

from auditor.errors import say
from auditor.files import check_output_dir
from auditor.session.way_in import Credentials
from auditor.stages import FINDINGS, FlowSet, Options, run
from auditor.target import Target

DEMO_ACCOUNT = "demo"
PLATFORMS = ["facebook", "instagram"]


def run_demo(
    out: Path,
    *,
    browser_path: str | None = None,
    lang: str | None = None,
    history: Path | None = None,
    apply: bool = False,
    variation: int | None = None,
) -> Path:
    """Start the replica, log into its demo account, audit Facebook and Instagram, write the report; returns it.

    With `history`, the run is recorded there: a second demo says what changed since the first. With `apply`:
    the first audit goes to OUT/before/, apply.json and the marked report to OUT/applied/, and the audit after
    the changes to OUT itself. With `variation`, every setting shows in the pattern that seed draws
    (auditor/replica/patterns.py), listed in OUT/variation.txt so a failing seed can be replayed.
    """
    from auditor.replica.server import Replica  # the replica loads only for the demo

    check_output_dir(out)
    with Replica(knobs=[f"variation:{variation}"] if variation is not None else []) as replica:
        account = replica.store.accounts[DEMO_ACCOUNT]
        say(f"replica: {replica.url} (demo account: {account.name})")
        if variation is not None:
            say(f"variation {variation}: the pattern of every setting is in {write_variation(Path(out), variation)}")
        options = Options(
            target=Target(replica.url),
            browser_path=browser_path,
            credentials=Credentials(account.email, account.password, account.totp_secret),
            lang=lang,
            history=history,
        )
        first = Path(out) / "before" if apply else Path(out)
        run(PLATFORMS, first, options)
        writes = replica.writes()
        if writes:  # the replica's own record: an audit must never change a setting
            raise AssertionError(f"the demo audit sent {len(writes)} write(s) to the replica")
        if apply:
            _apply_and_audit_again(replica, first, Path(out), options)
    return Path(out) / "report.html"


def write_variation(out: Path, seed: int) -> Path:
    """The patterns a variation seed draws, one line per setting (a `pattern:` knob replays one)."""
    from auditor.replica.patterns import describe, draw

    out.mkdir(parents=True, exist_ok=True)
    path = out / "variation.txt"
    path.write_text(f"# auditor demo --variation {seed}\n{describe(draw(seed))}\n", encoding="utf-8")
    return path


def _apply_and_audit_again(replica, audited: Path, out: Path, options: Options) -> None:
    from auditor.apply import stage

    flow_set = FlowSet.load()
    given = stage.plan_apply(audited / FINDINGS, flow_set)
    applied = stage.run_plan(given, given.plan.changes, out / "applied", options, flow_set)
    say(f"applied: {out / 'applied' / 'apply.json'} ({applied.writes_sent} change(s) made)")
    written = [w for w in replica.writes() if w.accepted]
    if len(written) != applied.writes_sent or applied.writes_blocked:
        raise AssertionError(f"apply.json lists {applied.writes_sent} write(s); the replica took {len(written)}")
    again = run(PLATFORMS, out, options).findings
    left = stage.plans.from_findings(again, stage.load_changes(flow_set.flows)).changes
    if left:  # what fails now is only what no web control can fix
        raise AssertionError(f"after the apply, {len(left)} web-fixable check(s) still fail: {left[0].check}")
