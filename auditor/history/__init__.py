"""History: every run recorded in a local SQLite database, so a person sees what moved between audits.

store: the database (schema versions, migrations, locks, damage); pseudonym: the keyed hash that
stands for an account; compare: what changed between two runs; record: the one call a run makes;
timeline: `auditor history`; export: its export, CSV or JSON. Pure: no browser, no templates.
"""

from auditor.history.compare import Change, Since
from auditor.history.record import Recording, record_apply
from auditor.history.store import HistoryError, default_path

__all__ = ["Change", "HistoryError", "Recording", "Since", "default_path", "record_apply"]
