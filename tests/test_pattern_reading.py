"""Every pattern of every setting kind, read from its snapshot alone: thousands of cases, no browser.

tests/snapshots/patterns/ holds the replica's pages drawn in each equivalent accessible pattern (a
switch as a native checkbox, a `div`, a button; an audience as radios, a list box, a menu, a combo
box, a row with its value as text beside "Edit"; named by aria-label, aria-labelledby with one or
two ids, `<label for>`, a wrapping label, title, or nothing but the text beside it; in German too),
each with the value the replica stored. Where a pattern shows its options only behind a button
(a dialog, a subpage, an opened section), the capture kept what the button led to as well.
`python -m tests.capture_patterns` regenerates them.

The reader must read each case's value, and never a wrong one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from auditor import spec
from auditor.observe import aria
from auditor.observe.behind import from_radios
from auditor.observe.snapshot import SnapshotReader
from auditor.observe.wording import NotFound, Words
from auditor.reads import SettingRead

FOLDER = Path(__file__).parent / "snapshots" / "patterns"
FLOWS = {f.id: f for f in spec.load_flows()}
VOCABULARY = spec.load_vocabulary()
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FILES = sorted(p.stem for p in FOLDER.glob("*.yml"))


@cache
def entries(name: str) -> list[dict]:
    """A golden file's entries (read once: the tests only read them)."""
    return yaml.load((FOLDER / f"{name}.yml").read_text(encoding="utf-8"), Loader=LOADER)


def setting_of(flow_id: str, setting_id: str) -> SettingRead:
    return next(s for s in FLOWS[flow_id].spec.settings if s.id == setting_id)


def read(entry: dict, case: dict):
    """What the reader makes of one case: its value (None: unknown), or the NotFound it raised."""
    settings = FLOWS[entry["flow"]].spec.settings
    words = Words(VOCABULARY, entry["locale"])
    setting = setting_of(entry["flow"], case["setting"])
    try:
        reading = SnapshotReader(aria.parse(entry["snapshot"]), words, settings).read(setting)
    except NotFound as exc:
        return exc
    behind = (entry.get("followed") or {}).get(case["setting"])
    if reading.value is not None or behind is None:
        return reading.value
    # Where the button led (a dialog, a subpage, the row opened): as readers.py reads it there.
    nodes = aria.parse(behind)
    try:
        there = SnapshotReader(nodes, words, settings).read(setting)
        if there.value is not None:
            return there.value
    except NotFound:
        pass
    return from_radios(words, setting, nodes, "").value


@pytest.mark.parametrize("name", FILES)
def test_every_pattern_is_read_from_its_snapshot_and_never_wrongly(name):
    wrong, unread, count = [], [], 0
    for entry in entries(name):
        for case in entry["cases"]:
            if case["needs"] in ("dialog", "subpage") and case["setting"] not in (entry.get("followed") or {}):
                continue  # its options were not followed for this page (a part loaded later): the browser tests
            count += 1
            got = read(entry, case)
            where = f"{entry['id']} {case['setting']} [{case['pattern']}]"
            if isinstance(got, NotFound) or got is None:
                unread.append(f"{where}: {got}")
            elif got != case["value"]:
                wrong.append(f"{where}: read {got!r}, the replica holds {case['value']!r}")
    assert count > 0
    assert not wrong, f"{len(wrong)} wrong of {count}:\n" + "\n".join(wrong[:20])
    assert not unread, f"{len(unread)} unread of {count}:\n" + "\n".join(unread[:20])


def test_the_goldens_hold_thousands_of_cases():
    assert sum(len(entry["cases"]) for name in FILES for entry in entries(name)) >= 4000
