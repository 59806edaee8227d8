"""`--fail-on`: a budget for CI. Exit 4 when a check of the given severity or a graver one fails, after every
file is written; 0 when none does. Offline on the replica's accounts as tests/expected records them, and one
run on the replica (that drift's exit 3 comes first: tests/test_drift.py)."""

from __future__ import annotations

import pytest
import typer
from conftest import cli_env, run_auditor
from sample_reports import observations

from auditor import results
from auditor.budget import LEVELS, SEVERITIES, over_budget
from auditor.cli import main
from auditor.cohort.summary import CheckRow, Summary
from auditor.consistency import load_checklist
from auditor.evaluate import evaluate
from auditor.results import Source


@pytest.fixture(scope="module")
def findings():
    checklist = load_checklist("default")
    return {account: evaluate(observations(account), checklist) for account in ("demo", "locked")}


def failing(found: results.Findings, *severities: str) -> list[str]:
    return [f.title for f in found.findings if f.status == "fail" and f.severity in severities]


def test_a_level_counts_its_severity_and_the_graver_ones(findings):
    demo = findings["demo"]
    assert set(over_budget(demo, "critical")) == set(failing(demo, "critical")) and over_budget(demo, "critical")
    assert set(over_budget(demo, "high")) == set(failing(demo, "critical", "high"))
    assert set(over_budget(demo, "medium")) == set(failing(demo, "critical", "high", "medium"))
    assert set(over_budget(demo, "any")) == set(failing(demo, *SEVERITIES))
    assert len(over_budget(demo, "low")) < len(over_budget(demo, "any"))  # the demo fails info checks too
    assert over_budget(demo, "high")[0] in failing(demo, "critical")  # gravest first
    assert all(over_budget(findings["locked"], level) == [] for level in LEVELS)  # the locked-down account


def test_unknown_and_manual_never_break_a_budget(findings):
    demo = findings["demo"]
    statuses = ("unknown", "manual", "not_applicable", "pass")
    others = [f.model_copy(update={"status": s}) for f in demo.findings for s in statuses]
    assert over_budget(demo.model_copy(update={"findings": others}), "any") == []


def write_observations(tmp_path, account: str):
    path = tmp_path / account / "observations.json"
    path.parent.mkdir()
    results.write(path, observations(account))
    return path


@pytest.mark.parametrize("level", LEVELS)
def test_evaluate_exits_4_over_the_budget_after_writing_findings(tmp_path, capsys, level):
    given = write_observations(tmp_path, "demo")  # the demo account fails a check of every severity
    assert main(["evaluate", str(given), "-o", str(tmp_path / "findings.json"), "--fail-on", level]) == 4
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / "findings.json")  # written before the exit
    broken = over_budget(results.read(tmp_path / "findings.json", results.Findings), level)
    [line] = err.strip().splitlines()
    assert line.startswith(f"auditor: --fail-on {level}: {len(broken)} failing check(s) of ")
    assert broken[0] in line


def test_evaluate_and_report_exit_0_within_the_budget(tmp_path, capsys):
    given = write_observations(tmp_path, "locked")
    assert main(["evaluate", str(given), "-o", str(tmp_path / "findings.json"), "--fail-on", "any"]) == 0
    assert main(["report", str(tmp_path / "findings.json"), "-o", str(tmp_path / "r"), "--fail-on", "any"]) == 0
    assert capsys.readouterr().err == ""


def test_report_exits_4_over_the_budget_after_writing_the_report(tmp_path, capsys):
    given = write_observations(tmp_path, "demo")
    assert main(["evaluate", str(given), "-o", str(tmp_path / "findings.json")]) == 0
    assert main(["report", str(tmp_path / "findings.json"), "-o", str(tmp_path / "r"), "--fail-on", "high"]) == 4
    assert "Your future posts are public" in capsys.readouterr().err
    assert {p.name for p in (tmp_path / "r").iterdir()} >= {"report.html", "report.md", "junit.xml"}


def test_an_unknown_level_is_a_usage_error(tmp_path, capsys):
    given = write_observations(tmp_path, "demo")
    assert main(["evaluate", str(given), "-o", str(tmp_path / "f.json"), "--fail-on", "severe"]) == 2
    assert "'severe' is not one of" in capsys.readouterr().err and not (tmp_path / "f.json").exists()


def test_a_cohort_breaks_the_budget_when_any_account_fails_such_a_check(capsys):
    from auditor.cli.exits import Level, cohort_budget

    def row(check: str, severity: str, failing: list[str]) -> CheckRow:
        return CheckRow(
            check=check, title=check, severity=severity, category="c", failing=failing, passing=0, unknown=0
        )

    summary = Summary(
        tool_version="0",
        started="s",
        finished="f",
        target="meta",
        browser="",
        workers=1,
        checklist=Source(id="default", sha256="0"),
        accounts=[],
        checks=[row("a", "medium", ["x", "y"]), row("b", "critical", [])],
    )
    cohort_budget(Level.high, summary)  # the critical check fails for nobody: within the budget
    with pytest.raises(typer.Exit) as stopped:
        cohort_budget(Level.medium, summary)
    assert stopped.value.exit_code == 4
    assert "1 failing check(s) of medium severity or graver: a (2 accounts)" in capsys.readouterr().err


@pytest.mark.browser
def test_run_writes_every_file_then_exits_4(replica, tmp_path):
    """`auditor run facebook --fail-on high` on the replica's demo account (its future posts are public)."""
    env = cli_env(tmp_path, replica.store.accounts["demo"])
    out = tmp_path / "out"
    page = ("--flow", "facebook/posts")  # the failing check's page
    done = run_auditor(
        "run", "facebook", *page, "--replica", replica.url, "--no-history", "-o", out, "--fail-on", "high", env=env
    )
    assert done.returncode == 4, done.stderr
    assert {"observations.json", "findings.json", "report.html", "report.md"} <= {p.name for p in out.iterdir()}
    broken = over_budget(results.read(out / "findings.json", results.Findings), "high")
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"auditor: --fail-on high: {len(broken)} failing check(s) of high severity or graver: ")
    assert "Your future posts are public" in broken and broken[0] in last
    assert replica.writes() == []
