"""`auditor history`: per account, each run's counts and what changed since the run before (the export: export.py).

Read-only but for a migration of an older schema. Accounts are shown by pseudonym; `--account`
takes a pseudonym (or its start) or a name the account was audited under, matched by its keyed hash.
A person reads the lines: times in their own zone, each setting by its label on the page, each value in
the page's words, each check by its title (auditor.values); the export keeps the machine forms.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from auditor import i18n, values
from auditor.history import store
from auditor.history.compare import Change, compare
from auditor.history.pseudonym import load_key, pseudonym
from auditor.history.store import opened

SCOPES = ("", "replica:")


class UnknownAccount(LookupError):
    """--account names no account of the history."""


@dataclass(frozen=True)
class RunRow:
    id: int
    started: str
    platforms: list[str]
    checklist: str
    checklist_version: str | None
    counts: dict[str, int]
    digest: str  # the same in two runs: nothing changed between them


def accounts(db: sqlite3.Connection, path: Path, name: str | None) -> list[tuple[int, str]]:
    """(id, pseudonym) of every account, or of the one `name` stands for; UnknownAccount when none."""
    every = db.execute("SELECT id, pseudonym FROM account ORDER BY id").fetchall()
    if name is None:
        return every
    wanted = name.strip().lower()
    by_pseudonym = [row for row in every if len(wanted) >= 4 and row[1].startswith(wanted)]
    if by_pseudonym:
        return by_pseudonym
    key = load_key(path, create=False)
    if key is not None:
        hashes = [pseudonym(key, f"{scope}name:{name}") for scope in SCOPES]
        found = db.execute("SELECT DISTINCT account FROM account_key WHERE key IN (?, ?)", hashes).fetchall()
        ids = {row[0] for row in found}
        if ids:
            return [row for row in every if row[0] in ids]
    shown = ", ".join(p for _id, p in every) or "none yet"
    raise UnknownAccount(f"no account {name!r} in {path} (accounts: {shown})")


def runs(db: sqlite3.Connection, account: int) -> list[RunRow]:
    counts: dict[int, dict[str, int]] = {}
    for run, status, n in db.execute(
        "SELECT finding.run, finding.status, count(*) FROM finding JOIN run ON run.id = finding.run"
        " WHERE run.account = ? GROUP BY finding.run, finding.status",
        (account,),
    ):
        counts.setdefault(run, {})[status] = n
    return [
        RunRow(run, started, json.loads(platforms), checklist, version, counts.get(run, {}), digest)
        for run, started, platforms, checklist, version, digest in db.execute(
            "SELECT id, started, platforms, checklist, checklist_version, digest FROM run WHERE account = ?"
            " ORDER BY started, id",
            (account,),
        )
    ]


def timeline(path: Path, name: str | None = None, since: date | None = None) -> list[str]:
    """The lines `auditor history` prints."""
    lines: list[str] = []
    with opened(path, create=False) as db:
        for account, shown in accounts(db, path, name):
            lines.append(f"account {shown}")
            every = runs(db, account)
            applied = _applied(db, account)
            for n, run in enumerate(every):
                if since is not None and run.started[:10] < since.isoformat():
                    continue
                platforms = ", ".join(p.capitalize() for p in run.platforms)
                lines.append(f"  {_when(run.started)}  {platforms}  {_counts(run)}")
                if n > 0 and every[n - 1].digest != run.digest:
                    before, after = store.snapshot(db, every[n - 1].id), store.snapshot(db, run.id)
                    between = {
                        s: [(v, kind) for t, v, kind in done if before.started <= t < after.started]
                        for s, done in applied.items()
                    }
                    found = compare(before, after, between)
                    titles = {check: failed for check, (_title, failed) in i18n.check_titles(run.checklist).items()}
                    lines += [f"    {_change(c)}" for c in found.changes]
                    lines += [
                        f"    {titles.get(check) or values.label(after.checks[check][0])}: passed at the audit before, "
                        "fails now"
                        for check, _title in found.now_failing
                    ]
    return lines or ["no audit recorded yet"]


def _applied(db: sqlite3.Connection, account: int) -> dict[str, list[tuple[str, object, str]]]:
    found: dict[str, list[tuple[str, object, str]]] = {}
    for setting, after, time, kind in db.execute(
        "SELECT setting, after, time, kind FROM applied WHERE account = ? ORDER BY time", (account,)
    ):
        found.setdefault(setting, []).append((time, store.decoded(after), kind))
    return found


def _when(started: str) -> str:
    return i18n.moment(started, i18n.SOURCE)  # in the person's zone


def _counts(run: RunRow) -> str:
    c = run.counts
    version = f" {run.checklist_version}" if run.checklist_version else ""
    return (
        f"{_checklist(run.checklist)}{version}: {c.get('fail', 0)} to change, {c.get('pass', 0)} fine, "
        f"{c.get('manual', 0)} to check yourself, {c.get('unknown', 0)} could not be read"
    )


def _checklist(checklist: str) -> str:
    """A shipped checklist by its title, another by the name it was given."""
    return i18n.shipped_title(checklist, i18n.SOURCE) or checklist


def _change(c: Change) -> str:
    name = values.label(c.setting)
    if c.kind == "new":
        text = f"{name}: new, {_words(c.setting, c.after)}"
    elif c.kind == "gone":
        text = f"{name}: gone (was {_words(c.setting, c.before)})"
    else:
        text = f"{name}: {_words(c.setting, c.before)} -> {_words(c.setting, c.after)}"
    notes = [n for n, on in ((f"by auditor {c.by}", c.by_apply), ("less private", c.alarming)) if on]
    return text + (f" ({', '.join(notes)})" if notes else "")


def _words(setting: str, value) -> str:
    return values.shown(setting, value) if value is not None else "nothing"


def _shown(value) -> str:
    """A value as the export writes it: the machine form (a CSV's cell)."""
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, bool) else str(value)
