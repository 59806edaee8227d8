"""`auditor history --export FILE`: every setting and check of every run, one row each, by pseudonym only.

A .json file gets the rows as JSON (its JSON Schema: `auditor schema history`), any other a CSV for
spreadsheets, whose cells a spreadsheet would take for a formula are quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal

from auditor import __version__
from auditor.history import store
from auditor.history.store import opened
from auditor.history.timeline import _shown, accounts, runs
from auditor.models import Strict
from auditor.results import SCHEMA_VERSION, Value, now
from auditor.shown import shown


class ExportRow(Strict):
    """One setting (its value as read) or one check (its status) of one recorded run."""

    account: str  # the account's pseudonym
    started: str
    tool_version: str
    checklist: str
    checklist_version: str | None = None
    target: str  # "meta", or the replica's URL
    kind: Literal["setting", "finding"]
    id: str  # the setting's id, or the check's
    setting: str
    status: str
    value: Value = None
    reason: str | None = None
    confidence: str | None = None


class HistoryExport(Strict):
    schema_version: int = SCHEMA_VERSION
    kind: Literal["history"] = "history"
    tool_version: str = __version__
    exported: str
    rows: list[ExportRow]


CSV_COLUMNS = tuple(ExportRow.model_fields)


def rows(path: Path, name: str | None = None, since: date | None = None) -> Iterator[ExportRow]:
    """The rows of every run of every account (or of the one `name` stands for), from `since` on."""
    with opened(path, create=False) as db:
        for account, shown in accounts(db, path, name):
            for run in runs(db, account):
                if since is not None and run.started[:10] < since.isoformat():
                    continue
                started, tool_version, checklist, checklist_version, target = db.execute(
                    "SELECT started, tool_version, checklist, checklist_version, target FROM run WHERE id = ?",
                    (run.id,),
                ).fetchone()
                head = dict(
                    account=shown,
                    started=started,
                    tool_version=tool_version,
                    checklist=checklist,
                    checklist_version=checklist_version,
                    target=target,
                )
                for setting, status, value, reason, confidence in db.execute(
                    "SELECT setting, status, value, reason, confidence FROM setting WHERE run = ?", (run.id,)
                ):
                    yield ExportRow(
                        **head,
                        kind="setting",
                        id=setting,
                        setting=setting,
                        status=status,
                        value=store.decoded(value),
                        reason=reason,
                        confidence=confidence,
                    )
                for check, setting, status in db.execute(
                    "SELECT check_id, setting, status FROM finding WHERE run = ?", (run.id,)
                ):
                    yield ExportRow(**head, kind="finding", id=check, setting=setting, status=status)


def export_csv(path: Path, name: str | None = None, since: date | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows(path, name, since):
        cells = row.model_dump()
        cells["value"] = _shown(row.value)
        writer.writerow([_cell(cells[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def export_json(path: Path, name: str | None = None, since: date | None = None) -> str:
    return shown(HistoryExport(exported=now(), rows=list(rows(path, name, since))).model_dump_json(indent=2)) + "\n"


def export(path: Path, to: Path, name: str | None = None, since: date | None = None) -> str:
    """The export's text, in the format `to`'s suffix asks for."""
    return (export_json if to.suffix.lower() == ".json" else export_csv)(path, name, since)


def _cell(value) -> str:
    """A cell a spreadsheet shows as text: without what no output carries (auditor.shown: a carriage return,
    which some readers take for a new row, and other controls), and neutralised when it starts with = + - @ or
    a tab, which a spreadsheet would take for (or skip to) a formula."""
    text = shown("" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text
