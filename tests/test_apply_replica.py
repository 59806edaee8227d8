"""auditor apply on the replica's demo account, end to end: a change of each kind made, proved, and undone, and
the at-risk checklist's own plan. The whole default plan: `demo --apply` (tests/test_demo.py); apply's faults and
command line: tests/test_apply_faults.py.

Witnesses are the replica's own: its write log (exactly one write per change, which setting to
which value, and nothing else) and a fresh audit of the account. Each test in a class of its own, so
that the test runner gives them to different workers (--dist loadscope); each starts from the findings
an audit of the seeded account writes (tests/applying.py).
"""

from __future__ import annotations

import pytest
from applying import apply, audit, seeded_findings, seeded_values, writes_of
from json_schemas import validate_folder

from auditor.apply import record, stage
from auditor.options import FlowSet

pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.long]


class TestAnUndo:
    def test_a_change_of_each_kind_of_control_is_undone_exactly(self, browser, replica, tmp_path):
        """An audience, a switch, a choice, radios, a review dialog and Instagram's confirmation, then --undo."""
        flow_set = FlowSet.load()
        given = stage.plan_apply(seeded_findings(replica, tmp_path / "seeded"), flow_set)
        kinds = {s.id: s.read for f in flow_set.flows for s in f.spec.settings}
        one_each: dict[str, str] = {"confirm": "ig-private-account"}
        for planned in given.plan.changes:
            one_each.setdefault(kinds[planned.setting], planned.check)
        assert len(one_each) >= 5, one_each
        applied = apply(browser, replica, given, tmp_path / "applied", list(one_each.values()))
        changed = [c for c in applied.changes if c.status != "declined"]
        assert [c.status for c in changed] == ["verified"] * len(one_each)

        given_undo = stage.plan_undo(tmp_path / "applied" / "apply.json", flow_set)
        written, requested = len(replica.writes()), len(replica.store.requests())
        undone = apply(browser, replica, given_undo, tmp_path / "undo", [])
        assert undone.changes and {c.status for c in undone.changes} == {"declined"}  # no consent, no change
        assert len(replica.writes()) == written
        assert len(replica.store.requests()) == requested  # agreed to nothing: no browser opened, no login
        assert record.load(tmp_path / "undo" / "undo.json").account is None  # no page showed whose account it is

        undone = apply(browser, replica, given_undo, tmp_path / "undo")
        assert [c.status for c in undone.changes] == ["verified"] * len(changed)
        assert {(c.setting, c.wanted) for c in undone.changes} == {(c.setting, c.before) for c in changed}
        assert validate_folder(tmp_path / "undo") == {"undo": 1, "findings": 1}  # apply's published schemas
        report = (tmp_path / "undo" / "report.html").read_text()  # no longer says a setting is changed
        assert report.count("and put back on ") == report.count("Changed by auditor on ") == len(changed)

        # Only the writes of the changes and of their undo reached the replica, and the pages of the changed settings,
        # audited again, read what they read before the changes.
        assert writes_of(replica) == [(c.setting, c.wanted, True) for c in changed + undone.changes]
        pages = tuple(f.id for f in flow_set.flows if {s.id for s in f.spec.settings} & {c.setting for c in changed})
        restored = audit(browser, replica, tmp_path / "restored", pages).by_setting()
        assert {c.setting: restored[c.setting].value for c in changed} == {
            c.setting: seeded_values()[c.setting]["value"] for c in changed
        }


class TestTheAtRiskPlan:
    def test_the_at_risk_plan_is_applied_and_verified_with_one_write_each(self, browser, replica, tmp_path):
        """The at-risk checklist's own targets: the changes its plan makes that the default plan (applied whole
        by `demo --apply`) does not, such as "Only me" where the default asks for "Friends"."""
        flow_set = FlowSet.load()
        given = stage.plan_apply(seeded_findings(replica, tmp_path / "at-risk", "at-risk"), flow_set)
        default_findings = seeded_findings(replica, tmp_path / "default")
        default = {(p.setting, p.wanted) for p in stage.plan_apply(default_findings, flow_set).plan.changes}
        own = [p.check for p in given.plan.changes if (p.setting, p.wanted) not in default]
        assert len(own) >= 5, own
        applied = apply(browser, replica, given, tmp_path / "applied", own)
        changed = [c for c in applied.changes if c.status != "declined"]
        assert [c.status for c in changed] == ["verified"] * len(own)
        assert writes_of(replica) == [(c.setting, c.wanted, True) for c in changed]
