"""auditor apply on the replica's demo account, end to end: every change made, proved, and undone.

Witnesses are the replica's own: its write log (exactly one write per change, which setting to
which value, and nothing else) and a fresh audit of the account. Few whole applies run here,
since each one costs a browser, a login and a page load per change; each in a class of its own, so
that the test runner gives them to different workers (--dist loadscope). Each starts from the findings
an audit of the seeded account writes (tests/applying.py); `demo --apply` (tests/test_demo.py) reads the
audit before from the pages too.
"""

from __future__ import annotations

import re

import pytest
from applying import apply, audit, options_for, own_thread, seeded_findings, seeded_values, web_fixable, writes_of
from json_schemas import validate_folder

from auditor import results
from auditor.apply import record, stage
from auditor.report import write_report
from auditor.results import Findings
from auditor.stages import FlowSet

pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.long]


class TestTheDefaultPlan:
    def test_the_default_plan_is_applied_verified_and_leaves_nothing_web_fixable(self, replica, tmp_path):
        """Every change the audit of the seeded account recommends, then an audit after. (The audit before, read
        from the pages, and the same cycle in German: tests/test_demo.py, `demo --apply`.)"""
        first_audit = tmp_path / "first"
        write_report(results.read(seeded_findings(replica, first_audit), Findings), first_audit)
        given = stage.plan_apply(first_audit / "findings.json", FlowSet.load())
        assert len(given.plan.changes) > 40
        applied = apply(replica, given, tmp_path / "applied")

        assert [c.status for c in applied.changes] == ["verified"] * len(given.plan.changes)
        assert applied.complete and applied.writes_sent == len(applied.changes) and applied.writes_blocked == 0
        assert writes_of(replica) == [(c.setting, c.wanted, True) for c in applied.changes]  # one each, nothing else
        assert record.load(tmp_path / "applied" / "apply.json") == applied
        owner = results.read(first_audit / "findings.json", Findings).run.account
        assert owner is not None and owner.site == replica.url and set(owner.ids) == {"facebook", "instagram"}
        assert applied.account == owner  # the pages showed the audit's account before the first change
        report = (tmp_path / "applied" / "report.html").read_text()
        n = len(applied.changes)
        assert report.count("Changed by auditor on ") == n and report.count(", verified</strong>") == n

        audit(replica, tmp_path / "again")
        again = results.read(tmp_path / "again" / "findings.json", Findings)
        assert web_fixable(again) == []
        assert validate_folder(tmp_path / "applied") == {"apply": 1}  # the published schemas
        assert validate_folder(tmp_path / "again") == {"observations": 1, "findings": 1}
        # The marked report is the audit with the changes marked, and its counts and answers are those after them:
        # the same as the audit after the changes says.
        assert f"with the {n} changes auditor made at your request on " in report
        assert f"<strong>{sum(x.status == 'fail' for x in again.findings)}</strong> to change" in report
        footer = report[report.index("<footer>") :]
        assert f"auditor changed {n} settings at your request on " in footer
        assert f", {n} verified; requests sent: {n}" in footer and "never changes" not in report
        assert report.count("Requests that change settings") == 1
        ai_answer = report[report.index('id="ai-answer"') :].split("</section>", 1)[0]
        assert (
            "Not your new posts: they are not public" in ai_answer and "Make your content non-public" not in ai_answer
        )
        before = (first_audit / "report.html").read_text()  # the counterpart: before the changes it said to make them
        assert "Make your content non-public" in before[before.index('id="ai-answer"') :].split("</section>", 1)[0]
        assert "An audit: auditor read your settings on " in before

        words = given.words(FlowSet.load().vocabulary)
        said = stage.summary(given, applied, tmp_path / "applied", words)
        assert f"auditor changed {n} settings at your request, {n} verified after a reload." in said
        assert f"Changed and verified ({n}):" in said
        assert "Facebook · Who can see your future posts?: Public -> Friends" in said
        assert "Left for you (" in said and "Two-factor authentication is off" in said
        assert str(tmp_path / "applied" / "apply.json") in said and str(tmp_path / "applied" / "report.html") in said
        assert not re.search(r"\b(fb|ig|ac|meta)\.[a-z_]+", said)  # no setting ids


class TestAnUndo:
    def test_a_change_of_each_kind_of_control_is_undone_exactly(self, replica, tmp_path):
        """An audience, a switch, a choice, radios, a review dialog and Instagram's confirmation, then --undo."""
        flow_set = FlowSet.load()
        given = stage.plan_apply(seeded_findings(replica, tmp_path / "seeded"), flow_set)
        kinds = {s.id: s.read for f in flow_set.flows for s in f.spec.settings}
        one_each: dict[str, str] = {"confirm": "ig-private-account"}
        for planned in given.plan.changes:
            one_each.setdefault(kinds[planned.setting], planned.check)
        assert len(one_each) >= 5, one_each
        applied = apply(replica, given, tmp_path / "applied", list(one_each.values()))
        changed = [c for c in applied.changes if c.status != "declined"]
        assert [c.status for c in changed] == ["verified"] * len(one_each)

        written = len(replica.writes())
        undone = own_thread(
            stage.run_plan,
            stage.plan_undo(tmp_path / "applied" / "apply.json", flow_set),
            [],
            tmp_path / "undo",
            options_for(replica),
            flow_set,
            say=lambda line: None,
        )
        assert undone.changes and {c.status for c in undone.changes} == {"declined"}  # no consent, no change
        assert len(replica.writes()) == written

        given_undo = stage.plan_undo(tmp_path / "applied" / "apply.json", flow_set)
        undone = apply(replica, given_undo, tmp_path / "undo")
        assert [c.status for c in undone.changes] == ["verified"] * len(changed)
        assert {(c.setting, c.wanted) for c in undone.changes} == {(c.setting, c.before) for c in changed}
        assert validate_folder(tmp_path / "undo") == {"undo": 1}  # apply's published schema
        report = (tmp_path / "undo" / "report.html").read_text()  # no longer says a setting is changed
        assert report.count("and put back on ") == report.count("Changed by auditor on ") == len(changed)

        # Only the writes of the changes and of their undo reached the replica, and the pages of the changed settings,
        # audited again, read what they read before the changes.
        assert writes_of(replica) == [(c.setting, c.wanted, True) for c in changed + undone.changes]
        pages = tuple(f.id for f in flow_set.flows if {s.id for s in f.spec.settings} & {c.setting for c in changed})
        restored = audit(replica, tmp_path / "restored", pages).by_setting()
        assert {c.setting: restored[c.setting].value for c in changed} == {
            c.setting: seeded_values()[c.setting]["value"] for c in changed
        }


class TestTheAtRiskPlan:
    def test_the_at_risk_plan_is_applied_and_verified_with_one_write_each(self, replica, tmp_path):
        """The at-risk checklist's own targets: the changes its plan makes that the default plan (applied whole
        in TestTheDefaultPlan) does not, such as "Only me" where the default asks for "Friends"."""
        flow_set = FlowSet.load()
        given = stage.plan_apply(seeded_findings(replica, tmp_path / "at-risk", "at-risk"), flow_set)
        default_findings = seeded_findings(replica, tmp_path / "default")
        default = {(p.setting, p.wanted) for p in stage.plan_apply(default_findings, flow_set).plan.changes}
        own = [p.check for p in given.plan.changes if (p.setting, p.wanted) not in default]
        assert len(own) >= 5, own
        applied = apply(replica, given, tmp_path / "applied", own)
        changed = [c for c in applied.changes if c.status != "declined"]
        assert [c.status for c in changed] == ["verified"] * len(own)
        assert writes_of(replica) == [(c.setting, c.wanted, True) for c in changed]
