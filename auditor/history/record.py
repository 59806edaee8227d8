"""The one call a run makes: record it under the account's pseudonym and say what changed since the last run.

The account is known by its ids (history/pseudonym.py) and by the names it was audited under (an
accounts file's name, a test account's login), each kept only as a keyed hash. A replica's accounts
are kept apart from Meta's, and each demo's from every other run's.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import say
from auditor.history import store
from auditor.history.compare import Since, Snapshot, compare
from auditor.history.pseudonym import SHOWN, account_ids, key_check, keys, load_key
from auditor.history.store import BUSY_SECONDS, HistoryError, encoded, opened, transaction
from auditor.results import Account, Findings, Observations, Value, now


@dataclass
class Recording:
    """Where a run is recorded; after `record`, what changed since the account's previous run, or what failed."""

    path: Path
    names: tuple[str, ...] = ()  # what the account can be found by (`auditor history --account NAME`), hashed
    busy_seconds: float = BUSY_SECONDS
    since: Since | None = None  # None: nothing recorded before (or nothing recorded now)
    error: HistoryError | None = None

    def record(self, observations: Observations, findings: Findings, cookies: list[dict], say=say) -> None:
        ids = account_ids(cookies)
        if not ids:
            say("history: not recorded: the pages did not show which account this is (not logged in)")
            return
        try:
            self.since = _record(self, observations, findings, ids)
        except HistoryError as exc:
            self.error = exc
            return
        say(f"history: recorded in {self.path}")


def _record(recording: Recording, observations: Observations, findings: Findings, ids: dict[str, str]) -> Since | None:
    with opened(recording.path, busy_seconds=recording.busy_seconds) as db:
        key = load_key(recording.path, create=True)
        with transaction(db):
            account = _account(db, keys(key, site_of(observations), ids, recording.names))
            previous = _latest_run(db, account)
            _insert_run(db, account, observations, findings)
            before = store.snapshot(db, previous) if previous is not None else None
            applied = applied_since(db, account, before.started) if before is not None else {}
    if before is None:
        return None
    titles = {f.check: f.title for f in findings.findings}
    return compare(before, Snapshot.of(observations, findings), applied, titles)


def site_of(observations: Observations) -> str:
    """Whose accounts the run read: the site its account names (the demo's own replica), else its target."""
    account = observations.run.account
    return account.site if account is not None else observations.run.target


def _account(db: sqlite3.Connection, known_by: list[str]) -> int:
    """The account known by any of the hashes (made if none), now known by all of them."""
    marks = ",".join("?" * len(known_by))
    row = db.execute(f"SELECT min(account) FROM account_key WHERE key IN ({marks})", known_by).fetchone()
    account = row[0]
    if account is None:
        account = db.execute("INSERT INTO account (pseudonym) VALUES (?)", (known_by[0][:SHOWN],)).lastrowid
    db.executemany("INSERT OR IGNORE INTO account_key VALUES (?, ?)", [(k, account) for k in known_by])
    return account


def _latest_run(db: sqlite3.Connection, account: int) -> int | None:
    row = db.execute("SELECT id FROM run WHERE account = ? ORDER BY started DESC, id DESC LIMIT 1", (account,))
    found = row.fetchone()
    return found[0] if found else None


def _insert_run(db: sqlite3.Connection, account: int, observations: Observations, findings: Findings) -> int:
    """The run, its settings and findings; its digest lets a timeline skip runs that changed nothing."""
    run = observations.run
    settings = [
        # `confidence` comes with inferred readings (issue 13); until then every reading is direct.
        (o.setting, o.platform, o.status, encoded(o.value), o.reason, getattr(o, "confidence", None))
        for o in observations.observations
    ]
    checks = [(f.check, f.setting, f.status, f.severity) for f in findings.findings]
    run_id = db.execute(
        "INSERT INTO run (account, started, finished, tool_version, checklist, checklist_version, checklist_sha256,"
        " platforms, target, complete, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account,
            run.started,
            run.finished,
            run.tool_version,
            findings.checklist.id,
            findings.checklist.version,
            findings.checklist.sha256,
            json.dumps(run.platforms),
            "meta" if run.target == "meta" else "replica",
            run.complete,
            hashlib.sha256(json.dumps([run.platforms, settings, checks]).encode()).hexdigest(),
        ),
    ).lastrowid
    db.executemany("INSERT INTO setting VALUES (?, ?, ?, ?, ?, ?, ?)", [(run_id, *row) for row in settings])
    db.executemany("INSERT INTO finding VALUES (?, ?, ?, ?, ?)", [(run_id, *row) for row in checks])
    return run_id


def applied_since(db: sqlite3.Connection, account: int, since: str) -> dict[str, list[tuple[Value, str]]]:
    """Per setting, the values auditor set since `since` and which command set each (apply or undo)."""
    found: dict[str, list[tuple[Value, str]]] = {}
    for setting, after, kind in db.execute(
        "SELECT setting, after, kind FROM applied WHERE account = ? AND time >= ? ORDER BY time", (account, since)
    ):
        found.setdefault(setting, []).append((store.decoded(after), kind))
    return found


# ---------------------------------------------------------------------- what auditor apply changed
@dataclass(frozen=True)
class Applied:
    """One change `auditor apply` made and verified."""

    setting: str
    before: Value
    after: Value
    time: str = ""  # ISO time of the change (default: now)


def record_apply(
    path: Path,
    cookies: list[dict],
    site: str,
    changes: list[Applied],
    *,
    kind: str = "apply",
    busy_seconds: float = BUSY_SECONDS,
) -> bool:
    """Record the changes an apply (`kind` "apply") or an undo ("undo") made, so the next audit names them.

    `cookies`: the browser context's (they say which account); `site`: the run's (Target.site: "meta", a
    replica's URL, a demo's replica). False when the cookies name no account. Raises HistoryError.
    """
    ids = account_ids(cookies)
    if not ids:
        return False
    with opened(path, busy_seconds=busy_seconds) as db:
        key = load_key(path, create=True)
        with transaction(db):
            account = _account(db, keys(key, site, ids))
            db.executemany(
                "INSERT INTO applied (account, setting, before, after, time, kind) VALUES (?, ?, ?, ?, ?, ?)",
                [(account, c.setting, encoded(c.before), encoded(c.after), c.time or now(), kind) for c in changes],
            )
    return True


def made_on(path: Path, account: Account) -> list[tuple[str, Value, str, str]]:
    """(setting, value set, "apply" or "undo", time) of every change auditor recorded on this account (a
    results.Account, named with this history's key; none when another key named it)."""
    with opened(path, create=False) as db:
        key = load_key(path, create=False)
        if key is None or key_check(key) != account.key:
            return []
        known_by = list(account.ids.values())
        marks = ",".join("?" * len(known_by))
        rows = db.execute(
            "SELECT setting, after, kind, time FROM applied WHERE account IN"
            f" (SELECT account FROM account_key WHERE key IN ({marks})) ORDER BY time",
            known_by,
        ).fetchall()
    return [(setting, store.decoded(after), kind, time) for setting, after, kind, time in rows]
