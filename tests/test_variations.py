"""The demo account reads the same under generated page variations: every setting drawn in one of its equivalent
accessible patterns (auditor/replica/patterns.py), the same status and value as on the plain replica
(tests/expected/*/demo.json). A few seeds here; `make sweep` audits 50 (bench/sweep.py). A failing seed is
named: `auditor demo --variation SEED` replays it, and its drawn patterns are printed there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import audit_account

EXPECTED = Path(__file__).parent / "expected"
SEEDS = (3, 7, 21)

pytestmark = pytest.mark.long


def plain() -> dict[str, tuple]:
    want = {}
    for path in EXPECTED.glob("*/demo.json"):
        want.update({s: (o["status"], o["value"]) for s, o in json.loads(path.read_text(encoding="utf-8")).items()})
    return want


@pytest.mark.parametrize("seed", SEEDS)
def test_the_demo_reads_the_same_under_a_generated_variation(browser, replica, seed):
    replica.knobs.set(f"variation:{seed}")
    observations, writes = audit_account(browser, replica, "demo")
    assert writes == [] and observations.run.writes_blocked == 0
    got = {o.setting: o for o in observations.observations}
    differ = [
        f"{s}: {got[s].status} {got[s].value!r} (plain {status} {value!r}) {got[s].detail} [{got[s].found_by}]"
        for s, (status, value) in plain().items()
        if (got[s].status, got[s].value) != (status, value)
    ]
    assert not differ, f"seed {seed} (replay: auditor demo --variation {seed}):\n" + "\n".join(differ)
    assert observations.run.complete


def test_a_choice_that_asks_whose_profile_is_read_when_its_options_open_in_place(browser, replica):
    """Seed 8 of the sweep drew an Accounts Center choice (whose profile it is asked first, in a dialog) as a
    menu button: its options open in place, with no dialog to pick a profile in. Read there, as any menu."""
    from auditor import spec

    replica.knobs.set("pattern:ac.social_interactions:control=menu")
    flows = [f for f in spec.load_flows() if any(s.id == "ac.social_interactions" for s in f.spec.settings)]
    observations, writes = audit_account(browser, replica, "demo", platforms=("facebook",), flows=flows)
    [read] = [o for o in observations.observations if o.setting == "ac.social_interactions"]
    assert (read.status, read.value, writes) == ("observed", plain()["ac.social_interactions"][1], [])
