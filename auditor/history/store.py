"""The history database: SQLite from the standard library, one file in the user's data folder.

The schema's version is SQLite's `user_version`; MIGRATIONS holds the statements that bring a
database from each version to the next, applied in one transaction. Every write is one
transaction, so a Ctrl-C or a killed process leaves the last whole run. A database another run
holds is waited for BUSY_SECONDS, then the run says so in one line. A damaged file, or one a newer
auditor wrote, is never changed: the run says so, its own files are written all the same, exit 1.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from auditor.errors import AuditorError
from auditor.user_folder import data_folder, private_folder

FILE_NAME = "history.sqlite"
BUSY_SECONDS = 5.0
SQLITE_HEADER = b"SQLite format 3\x00"
# One entry per schema version: the statements that bring the previous version to it.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        "CREATE TABLE account (id INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE)",
        # Every keyed hash an account is known by: its id on each platform, the names it was audited under.
        "CREATE TABLE account_key (key TEXT PRIMARY KEY, account INTEGER NOT NULL REFERENCES account (id))",
        "CREATE TABLE run (id INTEGER PRIMARY KEY, account INTEGER NOT NULL REFERENCES account (id),"
        " started TEXT NOT NULL, finished TEXT, tool_version TEXT NOT NULL, checklist TEXT NOT NULL,"
        " checklist_version TEXT, checklist_sha256 TEXT NOT NULL, platforms TEXT NOT NULL, target TEXT NOT NULL,"
        " complete INTEGER NOT NULL, digest TEXT NOT NULL)",
        "CREATE INDEX run_by_account ON run (account, started)",
        # Values as JSON, so that "on", true and 1 stay apart; NULL when nothing was seen.
        "CREATE TABLE setting (run INTEGER NOT NULL REFERENCES run (id), setting TEXT NOT NULL,"
        " platform TEXT NOT NULL, status TEXT NOT NULL, value TEXT, reason TEXT, confidence TEXT,"
        " PRIMARY KEY (run, setting))",
        "CREATE TABLE finding (run INTEGER NOT NULL REFERENCES run (id), check_id TEXT NOT NULL,"
        " setting TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL, PRIMARY KEY (run, check_id))",
        # The changes `auditor apply` made: a later run shows them as the person's own.
        "CREATE TABLE applied (id INTEGER PRIMARY KEY, account INTEGER NOT NULL REFERENCES account (id),"
        " setting TEXT NOT NULL, before TEXT, after TEXT, time TEXT NOT NULL)",
        "CREATE INDEX applied_by_account ON applied (account, setting, time)",
    ),
    # Which command made a change: `auditor apply`, or the undo of one (reports and drift say which).
    ("ALTER TABLE applied ADD COLUMN kind TEXT NOT NULL DEFAULT 'apply'",),
]
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(AuditorError):
    """The history could not be read or written; the run's own files are written all the same. Exit 1."""


def default_path() -> Path:
    """history.sqlite in auditor's folder of the user's data folder (beside the saved sessions)."""
    return data_folder() / FILE_NAME


@contextmanager
def opened(path: Path, *, create: bool = True, busy_seconds: float = BUSY_SECONDS) -> Iterator[sqlite3.Connection]:
    """A connection to the history at `path`, its schema brought up to date; every SQLite failure a HistoryError."""
    path = Path(path)
    if create:
        _create(path)
    _check_header(path)
    try:
        db = sqlite3.connect(path, timeout=busy_seconds, isolation_level=None)
    except sqlite3.Error as exc:
        raise _failure(path, exc, busy_seconds) from None
    try:
        with _translated(path, busy_seconds):
            db.execute("PRAGMA foreign_keys = ON")
            _migrate(db, path)
            yield db
    finally:
        db.close()


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing, a Ctrl-C included; the write lock is taken at the start, so waiting happens there."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _create(path: Path) -> None:
    """A new database file is 0600 in a 0700 folder from the start (sqlite3 would make it 0644)."""
    if path.exists():
        return
    try:
        private_folder(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another run made it first
        pass
    except OSError as exc:
        raise HistoryError(f"cannot create the history {path}: {exc.strerror or exc}") from None


def _check_header(path: Path) -> None:
    """A file that is not an SQLite database is refused before SQLite touches it (an empty one is new)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise HistoryError(f"no history at {path} yet: `auditor run` records one") from None
    except OSError as exc:
        raise HistoryError(f"cannot read the history {path}: {exc.strerror or exc}") from None
    if head and head != SQLITE_HEADER:
        raise HistoryError(_damaged(path, "not an SQLite database"))


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} was written by a newer auditor (history schema {version}, this one knows {SCHEMA_VERSION}): "
            "left as it is; update auditor, or give another file with --history"
        )
    if version == SCHEMA_VERSION:
        return
    with transaction(db):
        version = db.execute("PRAGMA user_version").fetchone()[0]  # another run may have migrated meanwhile
        for steps in MIGRATIONS[version:]:
            for statement in steps:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def _translated(path: Path, busy_seconds: float) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise _failure(path, exc, busy_seconds) from None


def _failure(path: Path, exc: sqlite3.Error, busy_seconds: float) -> HistoryError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return HistoryError(
            f"the history {path} is in use by another auditor run (waited {busy_seconds:g} s): "
            "this run is not recorded; try again when that one ends"
        )
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return HistoryError(_damaged(path, text))
    return HistoryError(f"the history {path} could not be used: {text}")


def _damaged(path: Path, why: str) -> str:
    return f"the history {path} is damaged ({why}): left as it is; move it away to start a new one"


# ---------------------------------------------------------------------- reading runs back
def snapshot(db: sqlite3.Connection, run: int):
    """A recorded run as compare.Snapshot."""
    from auditor.history.compare import Seen, Snapshot

    started, platforms = db.execute("SELECT started, platforms FROM run WHERE id = ?", (run,)).fetchone()
    settings = {
        setting: Seen(platform, status, decoded(value), reason)
        for setting, platform, status, value, reason in db.execute(
            "SELECT setting, platform, status, value, reason FROM setting WHERE run = ?", (run,)
        )
    }
    checks = {
        check: (setting, status)
        for check, setting, status in db.execute("SELECT check_id, setting, status FROM finding WHERE run = ?", (run,))
    }
    return Snapshot(started, frozenset(json.loads(platforms)), settings, checks)


def encoded(value) -> str | None:
    return None if value is None else json.dumps(value)


@lru_cache(maxsize=4096)  # a history holds few distinct values, read many times over
def decoded(text: str | None):
    return None if text is None else json.loads(text)
