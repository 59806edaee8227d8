"""`auditor demo`: the bundled replica's demo account audited end to end, with a real browser.

It is `auditor run` on the replica with the demo's test-account login, and the replica's own
record of writes checked afterwards: an audit must never change a setting. `auditor demo --apply`
goes on: it applies every change the default checklist recommends that a web page can make
(as `auditor apply --yes`), audits again, and checks that the replica received exactly the
writes apply.json lists.

Each demo starts a fresh replica, so its account is a new one each time: its runs are recorded
under a site of their own (Target.instance), never compared with an earlier demo's or a person's
own. Ctrl-C stops the demo between its stages too: what was done is written and said, exit 1.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from auditor import interrupt
from auditor.browser import Opened
from auditor.errors import AuditorError, say
from auditor.files import check_output_dir
from auditor.options import FlowSet, Options
from auditor.outcome import stop_message
from auditor.rerun import FINDINGS
from auditor.session.way_in import Credentials
from auditor.stages import run
from auditor.target import Target
from auditor.visit import launched

DEMO_ACCOUNT = "demo"
PLATFORMS = ["facebook", "instagram"]


class DemoFailed(AuditorError):
    """The replica saw what the demo must never cause (a write during an audit, one apply.json does not list)."""


@dataclass(frozen=True)
class Demo:
    """What a demo wrote: its last report, and why it could not finish (None when it did)."""

    report: Path
    stopped: str | None = None


def run_demo(
    out: Path,
    *,
    browser_path: str | None = None,
    lang: str | None = None,
    history: Path | None = None,
    apply: bool = False,
    variation: int | None = None,
    flow_set: FlowSet | None = None,
) -> Demo:
    """Start the replica, log into its demo account, audit Facebook and Instagram, write the report.

    With `history`, the runs are recorded there, under this demo's replica alone. With `apply`: the first
    audit goes to OUT/before/, apply.json and the marked report to OUT/applied/, and the audit after the
    changes to OUT itself. With `variation`, every setting shows in the pattern that seed draws
    (auditor/replica/patterns.py), listed in OUT/variation.txt so a failing seed can be replayed. With
    `flow_set`, only its pages are read (and changed): `--flow`, as `auditor run` takes it.
    """
    from auditor.replica.server import Replica  # the replica loads only for the demo

    check_output_dir(out)
    knobs = [f"variation:{variation}"] if variation is not None else []
    with interrupt.stop_between_pages(say), Replica(knobs=knobs) as replica:
        account = replica.store.accounts[DEMO_ACCOUNT]
        say(f"replica: {replica.url} (demo account: {account.name})")
        if variation is not None:
            say(f"variation {variation}: the pattern of every setting is in {write_variation(Path(out), variation)}")
        options = Options(
            target=Target(replica.url, instance=secrets.token_hex(6)),
            browser_path=browser_path,
            credentials=Credentials(account.email, account.password, account.totp_secret),
            lang=lang,
            history=history,
            flow_set=flow_set or FlowSet.load(),
        )
        first = Path(out) / "before" if apply else Path(out)
        with launched(options) as opened:  # one browser for every stage
            done = run(PLATFORMS, first, options, opened=opened)
            if replica.writes():  # the replica's own record: an audit must never change a setting
                raise DemoFailed(f"the demo audit sent {len(replica.writes())} write(s) to the replica")
            stopped = stop_message(done.observations)
            if stopped is not None or not apply:
                return Demo(first / "report.html", stopped)
            if interrupt.requested():
                return Demo(first / "report.html", "interrupted (Ctrl-C) after the first audit: nothing was changed")
            return _apply_and_audit_again(replica, first, Path(out), options, opened)


def write_variation(out: Path, seed: int) -> Path:
    """The patterns a variation seed draws, one line per setting (a `pattern:` knob replays one)."""
    from auditor.replica.patterns import describe, draw

    out.mkdir(parents=True, exist_ok=True)
    path = out / "variation.txt"
    path.write_text(f"# auditor demo --variation {seed}\n{describe(draw(seed))}\n", encoding="utf-8")
    return path


def _apply_and_audit_again(replica, audited: Path, out: Path, options: Options, opened: Opened) -> Demo:
    from auditor.apply import stage

    flow_set = options.flow_set
    given = stage.plan_apply(audited / FINDINGS, flow_set)
    words = given.words(flow_set.vocabulary, options.lang)
    applied = stage.run_plan(given, given.plan.changes, out / "applied", options, words=words, opened=opened)
    say(stage.summary(given, applied, out / "applied", words).rstrip("\n"))
    written = [w for w in replica.writes() if w.accepted]
    if len(written) != applied.writes_sent or applied.writes_blocked:
        raise DemoFailed(f"apply.json lists {applied.writes_sent} write(s); the replica took {len(written)}")
    marked = out / "applied" / "report.html"
    if not applied.complete or interrupt.requested():
        why = "interrupted (Ctrl-C)" if applied.interrupted or interrupt.requested() else "not every change was made"
        verified = sum(c.status == "verified" for c in applied.changes)
        return Demo(marked, f"{why}: {verified} of {len(applied.changes)} changes made and verified, no audit after")
    again = run(PLATFORMS, out, options, opened=opened)
    stopped = stop_message(again.observations)
    if stopped is not None:
        return Demo(out / "report.html", stopped)
    left = stage.plans.from_findings(again.findings, stage.load_changes(flow_set.flows)).changes
    if left:  # what fails now is only what no web control can fix
        raise DemoFailed(f"after the apply, {len(left)} web-fixable check(s) still fail: {left[0].title}")
    return Demo(out / "report.html")
