"""`auditor demo` as a person runs it: Ctrl-C ends it with exit 1 and what was done, `--lang de` speaks German
in every report, and a demo after `demo --apply` raises no alarm (each demo's fresh replica is an account of
its own in the history).

Each test runs the command in a process of its own (its own replica and browser), in a class of its own so
that the workers share them out (--dist loadscope). Ctrl-C lands once the demo said it reached a state (a
page read, a change made), never after a fixed time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from applying import web_fixable
from conftest import Running, cli_env, run_auditor
from human_text import codes, english, readable
from json_schemas import validate_folder

from auditor import results
from auditor.apply import record, stage
from auditor.apply.marks import made_by
from auditor.cli import main
from auditor.options import FlowSet
from auditor.report import render
from auditor.results import Findings, Observations

# What the demo says of its own progress on stderr, for the person who runs it (page by page, in English).
PROGRESS = ("browser:", "logging in", "accounts_center/", "facebook/", "instagram/", "meta/", "observations:")
pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.filterwarnings("ignore::ResourceWarning")]


def ctrl_c_once(running: Running, reached) -> tuple[int, str, str]:
    """Ctrl-C to the demo's whole group once a line of its stderr says it `reached` a state; (exit code, stdout,
    stderr) once it ended."""
    running.wait_for(reached)
    running.ctrl_c()
    return running.finish()


def to_change(report: Path) -> int:
    """The report's count of what is still to change, from its first screen."""
    return int(re.search(r"<strong>(\d+)</strong> (?:to change|zu ändern)", report.read_text()).group(1))


class TestCtrlCWhileApplying:
    def test_ctrl_c_during_the_demos_changes_exits_1_with_what_was_done_and_no_traceback(self, tmp_path):
        """The first Ctrl-C lets the change in progress finish; the rest are not attempted, no audit follows.
        Two pages only (--flow, as `run` takes it): their seven changes are enough to stop among."""
        folder = tmp_path / "out"
        pages = ("--flow", "facebook/posts", "--flow", "facebook/profile_and_tagging")
        with Running("demo", "--apply", *pages, "-o", folder, env=cli_env(tmp_path)) as running:
            code, out, err = ctrl_c_once(running, lambda line: line.startswith("[1/"))  # the first change is made
        assert code == 1 and "Traceback" not in err and "AssertionError" not in err, err
        audited = results.read(folder / "before" / "observations.json", Observations)
        assert [p.flow for p in audited.pages] == list(pages[1::2]) and audited.run.complete
        applied = record.load(folder / "applied" / "apply.json")
        statuses = [c.status for c in applied.changes]
        assert applied.interrupted and statuses[0] == "verified" and statuses[-1] == "not_attempted"
        verified = statuses.count("verified")
        assert set(statuses) == {"verified", "not_attempted"} and verified < len(statuses)
        stopped = f"interrupted (Ctrl-C): {verified} of {len(statuses)} changes made and verified, no audit after"
        assert f"auditor: error: the demo did not finish: {stopped}" in err
        assert f"Changed and verified ({verified}):" in err and "Not attempted (" in err  # the closing summary
        assert not (folder / "observations.json").exists()  # no audit after the changes
        assert out.strip() == str(folder / "applied" / "report.html") and Path(out.strip()).is_file()


class TestApplyInGermanThenAnotherDemo:
    """One `demo --apply --lang de` (an audit, every change the default checklist recommends that a page can make,
    an audit after), what it wrote, and the next demo after it. The tests share the one run (a class of its own:
    one worker has it all)."""

    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, tmp_path_factory):
        """(the folder of the run, its stderr, the history it recorded in, the environment)."""
        tmp = tmp_path_factory.mktemp("demo-apply")
        env, history = cli_env(tmp), tmp / "history.sqlite"
        applied = run_auditor("demo", "--history", history, "--apply", "--lang", "de", "-o", tmp / "a", env=env)
        assert applied.returncode == 0, applied.stderr
        return tmp / "a", applied.stderr, history, env

    def test_demo_apply_in_german_writes_three_german_reports_small_enough_for_a_phone(self, demo):
        folder, stderr, _history, _env = demo
        before, marked, after = (folder / "before", folder / "applied", folder)
        pages = {name: (folder / "report.html").read_text() for name, folder in zip("bma", (before, marked, after))}
        assert all('<html lang="de">' in html and "</strong> to change" not in html for html in pages.values())
        assert "Ein Audit: auditor hat Ihre Einstellungen am " in pages["b"]
        assert "Das Audit vom " in pages["m"] and "Zahlen und Antworten gelten nach den Änderungen." in pages["m"]
        assert "Von auditor am " in pages["m"] and "Changed by auditor" not in pages["m"]
        assert "Das Audit nach Änderungen: auditor hat Ihre Einstellungen am " in pages["a"]
        assert "durch auditor apply" in pages["a"] and "weniger privat" not in pages["a"]
        # The marked report counts as the audit after the changes found; the first audit found more to change.
        assert to_change(marked / "report.html") == to_change(after / "report.html") < to_change(before / "report.html")
        assert "Geändert und bestätigt (" in stderr and "Für Sie (" in stderr  # the summary, too
        # Every output a person reads, in words and in German (tests/human_text.py): the three reports, as HTML
        # and Markdown, with the changes marked and the changes since the first audit, and apply's words.
        said = [readable(html, without=("sources",)) for html in pages.values()]
        said += [(folder / "report.md").read_text() for folder in (before, marked, after)]
        said.append("\n".join(line for line in stderr.splitlines() if not line.startswith(PROGRESS)))
        for text in said:
            assert codes(text) == [] and english(text) == [], (codes(text), english(text))
        assert "Geändert seit Ihrer letzten Prüfung" in said[2] and "durch auditor apply" in said[2]
        # Small enough to open on a phone: the screenshots are files beside each report, each one there.
        for folder, html in zip((before, marked, after), pages.values()):
            shots = re.findall(r'<img src="(evidence/[^"]+)"', html)
            assert len(shots) > 20 and all((folder / shot).is_file() for shot in shots), folder
            assert (folder / "report.html").stat().st_size < 400_000 and "data:image" not in html

    def test_each_report_is_made_again_from_its_findings_alone(self, demo, tmp_path):
        """`auditor report` (in-process: no browser) from the findings.json beside each report alone, byte for byte:
        what changed since the first audit and what the apply changed are kept in it."""
        folder = demo[0]
        for made in (folder / "before", folder / "applied", folder):
            again = tmp_path / made.name
            assert main(["report", str(made / "findings.json"), "-o", str(again), "--lang", "de"]) == 0
            for name in ("report.html", "report.md", "junit.xml"):
                assert (again / name).read_bytes() == (made / name).read_bytes(), (made, name)

    def test_the_default_plan_was_applied_verified_and_left_nothing_web_fixable(self, demo):
        """What the demo's apply wrote, read as its files say (the demo itself checked that the replica took exactly
        the writes apply.json lists): every change verified, in the audited account, and the reports and summary
        it makes in English, rendered again from the files."""
        folder, _stderr, _history, _env = demo
        flow_set = FlowSet.load()
        given = stage.plan_apply(folder / "before" / "findings.json", flow_set)
        applied = record.load(folder / "applied" / "apply.json")
        n = len(applied.changes)
        assert n == len(given.plan.changes) > 40
        assert [c.status for c in applied.changes] == ["verified"] * n
        assert applied.complete and applied.writes_sent == n and applied.writes_blocked == 0
        assert all(len(c.writes) == 1 for c in applied.changes)  # one request each
        owner = given.findings.run.account
        assert (
            owner is not None and owner.site.startswith("demo replica ") and set(owner.ids) == {"facebook", "instagram"}
        )
        assert applied.account == owner  # the pages showed the audit's account before the first change
        again = results.read(folder / "findings.json", Findings)
        assert web_fixable(again) == []
        # The published schemas; the apply's folder keeps its findings too, the changes with them (its report's input).
        assert validate_folder(folder) == {"apply": 1, "observations": 2, "findings": 3}

        # The marked report is the audit with the changes marked, and its counts and answers are those after them:
        # the same as the audit after the changes says.
        marked = results.read(folder / "applied" / "findings.json", Findings)
        assert marked.made == made_by(applied)
        report = render(marked, lang="en")["report.html"]
        assert report.count("Changed by auditor on ") == n and report.count(", verified</strong>") == n
        assert f"with the {n} changes auditor made at your request on " in report
        assert f"<strong>{sum(x.status == 'fail' for x in again.findings)}</strong> to change" in report
        footer = report[report.index("<footer>") :]
        assert f"auditor changed {n} settings at your request on " in footer
        assert f", {n} verified; requests sent: {n}" in footer and "never changes" not in report
        assert report.count("Requests that change settings") == 1
        ai_answer = report[report.index('id="ai-answer"') :].split("</section>", 1)[0]
        assert "Not your new posts: they are not public" in ai_answer
        assert "Make your content non-public" not in ai_answer
        before = render(given.findings, lang="en")["report.html"]  # before the changes it said to make them
        assert "Make your content non-public" in before[before.index('id="ai-answer"') :].split("</section>", 1)[0]
        assert "An audit: auditor read your settings on " in before

        words = given.words(flow_set.vocabulary, "en")
        said = stage.summary(given, applied, folder / "applied", words)
        assert f"auditor changed {n} settings at your request, {n} verified after a reload." in said
        assert f"Changed and verified ({n}):" in said
        assert "Facebook · Who can see your future posts?: Public -> Friends" in said
        assert "Left for you (" in said and "Two-factor authentication is off" in said
        assert str(folder / "applied" / "apply.json") in said and str(folder / "applied" / "report.html") in said
        assert not re.search(r"\b(fb|ig|ac|meta)\.[a-z_]+", said)  # no setting ids

    def test_the_next_demo_stopped_by_ctrl_c_says_what_it_did_and_raises_no_alarm(self, demo, tmp_path):
        """A fresh replica, seeded: less private than after the changes. Stopped by Ctrl-C once it read a page
        (Accounts Center's ad partners, whose setting the apply changed), it ends with exit 1, says what it did, and
        writes what it read, in a report that raises no alarm: its account's first audit."""
        folder, _stderr, history, env = demo
        first = results.read(folder / "before" / "findings.json", Findings).run.account
        assert (
            results.read(folder / "observations.json", Observations).by_setting()["ac.ad_partners_activity"].value
            == "no"
        )
        out = tmp_path / "b"
        with Running("demo", "--history", history, "-o", out, env=env) as running:
            code, said_out, err = ctrl_c_once(running, lambda line: line.rstrip().endswith(" read"))
        assert code == 1 and "Traceback" not in err, err
        assert "auditor: error: the demo did not finish: the run was interrupted; what was read so far" in err
        observations = results.read(out / "observations.json", Observations)
        assert observations.run.interrupted and not observations.run.complete
        assert "interrupted" in {o.reason for o in observations.observations}
        assert observations.by_setting()["ac.ad_partners_activity"].value == "yes"
        assert said_out.strip() == str(out / "report.html") and Path(said_out.strip()).is_file()
        report = (out / "report.html").read_text()
        assert 'id="since"' not in report and "less private" not in report
        assert results.read(out / "findings.json", Findings).run.account.site != first.site
