"""What changed since an earlier finished run of the account, for `auditor watch`.

A report compares a run with the account's run just before it (record.py). A watch compares with
the last run it told the person about, so that a change seen while a notification could not be
sent is sent with the next one, and one seen across runs that could not finish (an expired
session, a site that stopped answering) is not lost: those runs read too little to compare with.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auditor.history import store
from auditor.history.compare import Since, Snapshot, compare
from auditor.history.pseudonym import key_check, load_key
from auditor.history.record import applied_since
from auditor.history.store import opened
from auditor.results import Findings, Observations


def since_finished(
    path: Path, observations: Observations, findings: Findings, titles: dict[str, str], baseline: str | None = None
) -> Since | None:
    """The run (observations, findings), recorded in the history at `path`, compared with an earlier finished
    run of its account: the one started at `baseline` when the history has it, else the last one before it.

    `titles`: per check, its title in the reader's language. None when there is no such run, or when the
    run names no account of this history (another history's key made its hashes).
    """
    account = observations.run.account
    if account is None or not Path(path).is_file():
        return None
    with opened(path, create=False) as db:
        key = load_key(path, create=False)
        if key is None or key_check(key) != account.key:
            return None
        known = _account(db, list(account.ids.values()))
        run = _finished_run(db, known, observations.run.started, baseline) if known is not None else None
        if run is None:
            return None
        before = store.snapshot(db, run)
        applied = applied_since(db, known, before.started)
    return compare(before, Snapshot.of(observations, findings), applied, titles)


def _account(db: sqlite3.Connection, known_by: list[str]) -> int | None:
    marks = ",".join("?" * len(known_by))
    return db.execute(f"SELECT min(account) FROM account_key WHERE key IN ({marks})", known_by).fetchone()[0]


def _finished_run(db: sqlite3.Connection, account: int, before: str, baseline: str | None) -> int | None:
    query = "SELECT id FROM run WHERE account = ? AND complete = 1 AND started < ?"
    latest = " ORDER BY started DESC, id DESC LIMIT 1"
    if baseline is not None:
        row = db.execute(query + " AND started = ?" + latest, (account, before, baseline)).fetchone()
        if row is not None:
            return row[0]
    row = db.execute(query + latest, (account, before)).fetchone()
    return row[0] if row is not None else None
