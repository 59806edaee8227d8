"""`auditor demo`: the bundled replica's demo account audited end to end, with a real browser.

It is `auditor run` on the replica with the demo's test-account login, and the replica's own
record of writes checked afterwards: an audit must never change a setting.
"""

from __future__ import annotations

from pathlib import Path

from auditor.errors import say
from auditor.files import check_output_dir
from auditor.session.way_in import Credentials
from auditor.stages import Options, run
from auditor.target import Target

DEMO_ACCOUNT = "demo"


def run_demo(
    out: Path, *, browser_path: str | None = None, lang: str | None = None, history: Path | None = None
) -> Path:
    """Start the replica, log into its demo account, audit Facebook and Instagram, write the report; returns it.

    With `history`, the run is recorded there: a second demo says what changed since the first."""
    from auditor.replica.server import Replica  # the replica loads only for the demo

    check_output_dir(out)
    with Replica() as replica:
        account = replica.store.accounts[DEMO_ACCOUNT]
        say(f"replica: {replica.url} (demo account: {account.name})")
        options = Options(
            target=Target(replica.url),
            browser_path=browser_path,
            credentials=Credentials(account.email, account.password, account.totp_secret),
            lang=lang,
            history=history,
        )
        run(["facebook", "instagram"], Path(out), options)
        writes = replica.writes()
    if writes:  # the replica's own record: an audit must never change a setting
        raise AssertionError(f"the demo audit sent {len(writes)} write(s) to the replica")
    return Path(out) / "report.html"
