"""The replica's state in SQLite: setting values, list items, sessions, and its logs (writes, logins,
requests, session uses)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from auditor.replica.registry import Account, catalog

SCHEMA = """
CREATE TABLE IF NOT EXISTS setting (account TEXT, setting TEXT, value TEXT, PRIMARY KEY (account, setting));
CREATE TABLE IF NOT EXISTS list_item (account TEXT, list TEXT, position INTEGER, text TEXT);
CREATE TABLE IF NOT EXISTS session (token TEXT PRIMARY KEY, account TEXT, platform TEXT, created REAL, expires REAL);
CREATE TABLE IF NOT EXISTS session_use (seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT, platform TEXT);
CREATE TABLE IF NOT EXISTS write (seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL, account TEXT,
                                  host TEXT, friendly_name TEXT, setting TEXT, value TEXT, accepted INTEGER);
CREATE TABLE IF NOT EXISTS login_attempt (seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL, site TEXT,
                                          identifier TEXT, outcome TEXT);
CREATE TABLE IF NOT EXISTS request (seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL, host TEXT,
                                    method TEXT, path TEXT, friendly_name TEXT);
"""


@dataclass(frozen=True)
class Write:
    """One write the replica received: a mutation it made, or one it refused (sent by GET, HEAD ...)."""

    account: str
    host: str
    friendly_name: str
    setting: str
    value: str
    accepted: bool = True


class Store:
    """Thread-safe: the replica's HTTP server answers from several threads at once."""

    def __init__(self, path: Path, accounts: list[Account]):
        self.accounts = {a.id: a for a in accounts}
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            # A replica's state lives as long as the replica: no journal on disk, no wait for the disk per
            # request logged (each was a transaction of its own, synced).
            self._db.executescript("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;" + SCHEMA)
        self.reset()

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def reset(self, keep_sessions: bool = False) -> None:
        """Back to the seeded state: defaults, each account's overrides, no sessions (unless kept), empty logs."""
        settings, items = [], []
        for account in self.accounts.values():
            for _page, control in catalog().controls():
                value = account.settings.get(control.id, control.default)
                if value is not None:
                    settings.append((account.id, control.id, value))
                texts = account.lists.get(control.id, [t.en_US for t in control.items])
                items += [(account.id, control.id, position, text) for position, text in enumerate(texts)]
        with self._lock, self._db:  # one transaction: the connection commits at the end, or rolls back
            self._db.execute("BEGIN")
            emptied = ("setting", "list_item", "session_use", "write", "login_attempt", "request")
            for table in emptied if keep_sessions else ("session", *emptied):
                self._db.execute(f"DELETE FROM {table}")
            self._db.executemany("INSERT INTO setting VALUES (?, ?, ?)", settings)
            self._db.executemany("INSERT INTO list_item VALUES (?, ?, ?, ?)", items)

    # -- settings
    def get(self, account: str, setting: str) -> str | None:
        rows = self._run("SELECT value FROM setting WHERE account = ? AND setting = ?", (account, setting))
        return rows[0][0] if rows else None

    def set(self, account: str, setting: str, value: str) -> None:
        self._run("INSERT OR REPLACE INTO setting VALUES (?, ?, ?)", (account, setting, value))

    def items(self, account: str, setting: str) -> list[str]:
        rows = self._run(
            "SELECT text FROM list_item WHERE account = ? AND list = ? ORDER BY position", (account, setting)
        )
        return [text for (text,) in rows]

    def remove_item(self, account: str, setting: str, text: str) -> None:
        self._run("DELETE FROM list_item WHERE account = ? AND list = ? AND text = ?", (account, setting, text))

    # -- writes
    def record_write(
        self, account: str, host: str, friendly_name: str, setting: str, value: str, accepted: bool = True
    ) -> None:
        self._run(
            "INSERT INTO write (time, account, host, friendly_name, setting, value, accepted) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (time.time(), account, host, friendly_name, setting, value, accepted),
        )

    def writes(self) -> list[Write]:
        """Every write that reached the replica, made or refused: empty means nothing even tried."""
        rows = self._run("SELECT account, host, friendly_name, setting, value, accepted FROM write ORDER BY seq")
        return [Write(*row[:5], accepted=bool(row[5])) for row in rows]

    # -- sessions
    def new_session(self, account: str, platform: str, ttl: float) -> str:
        token = secrets.token_urlsafe(24)
        now = time.time()
        self._run("INSERT INTO session VALUES (?, ?, ?, ?, ?)", (token, account, platform, now, now + ttl))
        return token

    def session(self, token: str) -> tuple[str, str] | None:
        """(account, platform) of a live session, or None when unknown or expired; each use is logged (session_uses)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT account, platform, expires FROM session WHERE token = ?", (token,)
            ).fetchall()
            if not rows or rows[0][2] < time.time():
                return None
            self._db.execute("INSERT INTO session_use (account, platform) VALUES (?, ?)", rows[0][:2])
        return rows[0][0], rows[0][1]

    def session_uses(self) -> list[tuple[str, str]]:
        """(account, platform) of every look-up of a live session, in the order they came: which accounts
        were in at once."""
        return self._run("SELECT account, platform FROM session_use ORDER BY seq")

    def end_sessions(self, account: str | None = None) -> None:
        if account is None:
            self._run("DELETE FROM session")
        else:
            self._run("DELETE FROM session WHERE account = ?", (account,))

    # -- what came in
    def record_login(self, site: str, identifier: str, outcome: str) -> None:
        self._run(
            "INSERT INTO login_attempt (time, site, identifier, outcome) VALUES (?, ?, ?, ?)",
            (time.time(), site, identifier, outcome),
        )

    def logins(self) -> list[tuple[str, str, str]]:
        return self._run("SELECT site, identifier, outcome FROM login_attempt ORDER BY seq")

    def record_request(self, host: str, method: str, path: str, friendly_name: str) -> None:
        self._run(
            "INSERT INTO request (time, host, method, path, friendly_name) VALUES (?, ?, ?, ?, ?)",
            (time.time(), host, method, path, friendly_name),
        )

    def requests(self) -> list[tuple[float, str, str, str, str]]:
        return self._run("SELECT time, host, method, path, friendly_name FROM request ORDER BY seq")

    def close(self) -> None:
        with self._lock:
            self._db.close()


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
