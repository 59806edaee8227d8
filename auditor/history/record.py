"""The one call a run makes: record it under the account's pseudonym and say what changed since the last run.

The account is known by the ids Meta's own cookies carry once logged in (`c_user` on Facebook,
`ds_user_id` on Instagram) and by the names it was audited under (an accounts file's name, a test
account's login), each kept only as a keyed hash. A replica's accounts are kept apart from Meta's.
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
from auditor.history.pseudonym import load_key, pseudonym
from auditor.history.store import BUSY_SECONDS, HistoryError, encoded, opened, transaction
from auditor.results import Findings, Observations, Value, now

ACCOUNT_COOKIES = {"facebook": ("c_user", "facebook.com"), "instagram": ("ds_user_id", "instagram.com")}
SHOWN = 12  # hex digits of the pseudonym `auditor history` shows


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


def account_ids(cookies: list[dict]) -> dict[str, str]:
    """The account's id on each platform, from the cookies Meta sets at login."""
    found = {}
    for platform, (name, site) in ACCOUNT_COOKIES.items():
        for cookie in cookies:
            domain = str(cookie.get("domain", "")).lstrip(".")
            if cookie.get("name") == name and (domain == site or domain.endswith("." + site)) and cookie.get("value"):
                found[platform] = str(cookie["value"])
    return found


def keys(key: bytes, target: str, ids: dict[str, str], names=()) -> list[str]:
    """Every keyed hash the account is known by; its ids first."""
    scope = "" if target == "meta" else "replica:"
    ids_first = [f"{scope}{platform}:{uid}" for platform, uid in sorted(ids.items())]
    return [pseudonym(key, what) for what in ids_first + [f"{scope}name:{name}" for name in names]]


def _record(recording: Recording, observations: Observations, findings: Findings, ids: dict[str, str]) -> Since | None:
    with opened(recording.path, busy_seconds=recording.busy_seconds) as db:
        key = load_key(recording.path, create=True)
        with transaction(db):
            account = _account(db, keys(key, observations.run.target, ids, recording.names))
            previous = _latest_run(db, account)
            _insert_run(db, account, observations, findings)
            before = store.snapshot(db, previous) if previous is not None else None
            applied = _applied(db, account, before.started) if before is not None else {}
    if before is None:
        return None
    titles = {f.check: f.title for f in findings.findings}
    return compare(before, Snapshot.of(observations, findings), applied, titles)


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


def _applied(db: sqlite3.Connection, account: int, since: str) -> dict[str, list[Value]]:
    found: dict[str, list[Value]] = {}
    for setting, after in db.execute(
        "SELECT setting, after FROM applied WHERE account = ? AND time >= ? ORDER BY time", (account, since)
    ):
        found.setdefault(setting, []).append(store.decoded(after))
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
    path: Path, cookies: list[dict], target: str, changes: list[Applied], *, busy_seconds: float = BUSY_SECONDS
) -> bool:
    """Record the changes an apply made, so the next audit shows them as "by auditor apply".

    `cookies`: the browser context's (they say which account); `target`: the run's target label
    ("meta" or a replica's URL). False when the cookies name no account. Raises HistoryError.
    """
    ids = account_ids(cookies)
    if not ids:
        return False
    with opened(path, busy_seconds=busy_seconds) as db:
        key = load_key(path, create=True)
        with transaction(db):
            account = _account(db, keys(key, target, ids))
            db.executemany(
                "INSERT INTO applied (account, setting, before, after, time) VALUES (?, ?, ?, ?, ?)",
                [(account, c.setting, encoded(c.before), encoded(c.after), c.time or now()) for c in changes],
            )
    return True
