"""History: runs recorded under a pseudonym, what changed between them, and a database that is never damaged
further. Most tests record runs built from tests/expected (no browser); two audit the replica end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.consistency import load_checklist
from auditor.evaluate import evaluate
from auditor.history import Recording
from auditor.results import Observation, Observations, Run

EXPECTED = Path(__file__).parent / "expected"
UID = "100000000000001"
COOKIES = [
    {"name": "c_user", "domain": ".facebook.com", "value": UID},
    {"name": "ds_user_id", "domain": ".instagram.com", "value": "1789"},
]


@pytest.fixture(scope="module")
def checklist():
    return load_checklist("default")


def audited(checklist, started: str, account: str = "demo", **values):
    """(observations, findings) of a run of `account` as tests/expected records it, with `values` changed."""
    observations = []
    for folder in ("facebook", "instagram", "accounts_center", "meta"):
        for setting, seen in json.loads((EXPECTED / folder / f"{account}.json").read_text()).items():
            seen = {**seen, **({"value": values[setting], "status": "observed"} if setting in values else {})}
            observations.append(Observation(setting=setting, platform=folder, **seen))
    run = Run(tool_version="0.1.0", started=started, platforms=["facebook", "instagram"], target="https://127.0.0.1:1")
    found = Observations(run=run, observations=observations)
    return found, evaluate(found, checklist)


def record(path: Path, run, cookies=COOKIES, names=("alice",), **options) -> Recording:
    recording = Recording(path, names=names, **options)
    recording.record(*run, cookies, say=lambda line: None)
    return recording


def test_a_changed_value_is_found_and_marked_less_private(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    first = record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    assert first.since is None and first.error is None
    second = record(db, audited(checklist, "2026-02-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    third = record(db, audited(checklist, "2026-03-05T10:00:00+00:00", **{"fb.lookup_by_email": "everyone"}))
    assert [(c.setting, c.kind, c.before, c.after) for c in second.since.changes] == [
        ("fb.lookup_by_email", "changed", "everyone", "friends")
    ]
    assert not second.since.changes[0].less_private
    (back,) = third.since.changes
    assert (back.before, back.after, back.less_private, back.by_apply) == ("friends", "everyone", True, False)
    assert back.alarming and third.since.moved == [back]
    assert third.since.previous == "2026-02-05T10:00:00+00:00"
