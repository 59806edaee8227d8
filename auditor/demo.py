"""`auditor demo`: audit the bundled replica's demo account end to end, with a real browser."""

from __future__ import annotations

from pathlib import Path

from auditor.audit import observe_to_file
from auditor.files import claimed
from auditor.pipeline import OBSERVATIONS, check_output_dir, evaluate_and_report, say

DEMO_ACCOUNT = "demo"


def run_demo(out_dir: Path, *, browser_path: str | None = None) -> Path:
    """Start the replica, log into its demo account, audit Facebook and Instagram, and write the report."""
    from auditor.replica.server import Replica
    from auditor.session import Credentials

    check_output_dir(out_dir)
    with claimed(out_dir), Replica() as replica:
        account = replica.store.accounts[DEMO_ACCOUNT]
        say(f"replica: {replica.url} (demo account: {account.name})")
        credentials = Credentials(account.email, account.password, account.totp_secret)
        observations = observe_to_file(["facebook", "instagram"], Path(out_dir) / OBSERVATIONS, replica_url=replica.url,
                                       credentials=credentials, browser_path=browser_path)
        writes = replica.writes()
        if writes:  # the replica's own record: an audit must never change a setting
            raise AssertionError(f"the demo audit sent {len(writes)} write(s) to the replica")
        return evaluate_and_report(observations, out_dir)
