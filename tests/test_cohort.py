"""Many accounts in one run (`auditor run --accounts FILE --workers N`): a folder per account, a summary, exit codes.

The accounts file is checked before any browser starts (one line, exit 2, nothing written). One
run on the replica, two accounts at a time, proves the rest: each account's own values, a
summary that agrees with the accounts' findings, and accounts that cannot finish (a checkpoint,
a session the browser refuses) reported with their reason while the others finish.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import Running, ctrl_c_on_stories, descendants, page_requested, wait_until
from json_schemas import validate_folder

import auditor
from auditor import results
from auditor.cli import main
from auditor.cohort.accounts import load_accounts

SEVERITY = ("critical", "high", "medium", "low", "info")
PASSWORD_ENV = {"demo": "NGO_DEMO_PASSWORD", "locked": "NGO_LOCKED_PASSWORD", "checkpoint": "NGO_CHECKPOINT_PASSWORD"}


def write_accounts(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.yml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- a bad accounts file: one line, exit 2
LOGIN = "    email_env: NGO_EMAIL\n    password_env: NGO_PASSWORD\n"


@pytest.mark.parametrize(
    "text, where, message",
    [
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n    email_env: NGO_EMAIL\n    password: hunter2\n",
            ":5: accounts.0.password:",
            "never put a password in the file: give password_env instead",
        ),
        (
            "accounts:\n  - name: ../etc\n    platforms: [facebook]\n" + LOGIN,
            ":2: accounts.0.name:",
            "it names the account's folder",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [tiktok]\n" + LOGIN,
            ":3: accounts.0.platforms.0:",
            "'facebook' or 'instagram'",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n    email_env: NGO_EMAIL\n",
            ":2: accounts.0:",
            "give session (a saved session file) or email_env and password_env",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n    session: s.json\n" + LOGIN,
            ":2: accounts.0:",
            "not both",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n    session: nope.json\n",
            ":4: accounts.0.session:",
            "nope.json: no such file",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook, instagram]\n"
            "    session:\n      - accounts.yml\n      - nope.json\n",
            ":6: accounts.0.session.1:",
            "nope.json: no such file",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n    session: []\n",
            ":4: accounts.0.session",
            "at least 1 item",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n"
            "    email_env: NGO_EMAIL\n    password_env: NGO_UNSET\n",
            ":5: accounts.0.password_env:",
            "the environment variable NGO_UNSET is not set",
        ),
        (
            "accounts:\n  - name: a\n    platforms: [facebook]\n"
            + LOGIN
            + "  - name: A\n    platforms: [instagram]\n"
            + LOGIN,
            ":6: accounts.1.name:",
            "A is used twice",
        ),
        (
            "accounts:\n  - name: a\n    platform: [facebook]\n" + LOGIN,
            ":3: accounts.0.platform:",
            "Extra inputs are not permitted",
        ),
        ("accounts: []\n", ":1: accounts:", "at least 1 item"),
        ("accounts:\n  - name: a\n   platforms: [facebook]\n", ":3: (yaml):", ""),
    ],
)
def test_a_bad_accounts_file_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, text, where, message):
    monkeypatch.setenv("NGO_EMAIL", "someone@example.com")
    monkeypatch.setenv("NGO_PASSWORD", "not-in-the-file")
    monkeypatch.delenv("NGO_UNSET", raising=False)
    path = write_accounts(tmp_path, text)
    code = main(["run", "--accounts", str(path), "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"auditor: error: {path}{where}") and message in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("extra", [["facebook"], ["--session", "s.json"], ["--baseline", "b.json"], ["--name", "work"]])
def test_options_that_the_accounts_file_decides_are_refused(tmp_path, capsys, extra):
    path = write_accounts(tmp_path, "accounts:\n  - name: a\n    platforms: [facebook]\n" + LOGIN)
    code = main(["run", "--accounts", str(path), *extra, "-o", str(tmp_path / "out")])
    assert code == 2 and "does not go with --accounts" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_workers_without_accounts_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "facebook", "--workers", "2", "-o", str(tmp_path / "out")]) == 2
    assert "--workers: goes with --accounts" in capsys.readouterr().err


# ---------------------------------------------------------------------- one run of several accounts
@pytest.fixture(scope="module")
def cohort(replica_server, tmp_path_factory):
    """One `run --accounts` of four replica accounts, two at a time: two complete, one checkpoint, one
    session the browser refuses."""
    replica_server.reset()
    tmp = tmp_path_factory.mktemp("cohort")
    # A saved session of the right shape (a broken one is refused before the run starts) whose cookie
    # domain Chromium refuses: found only when the account's browser context opens.
    cookie = {"name": "c_user", "value": "1", "domain": ".", "path": "/"}
    (tmp / "broken-session.json").write_text(json.dumps({"cookies": [cookie], "origins": []}))
    accounts = {a: replica_server.store.accounts[a] for a in PASSWORD_ENV}
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    env["XDG_DATA_HOME"] = str(tmp / "data")
    for name, account in accounts.items():
        env[f"NGO_{name.upper()}_EMAIL"] = account.email
        env[PASSWORD_ENV[name]] = account.password
    env["NGO_LOCKED_TOTP"] = accounts["locked"].totp_secret
    path = write_accounts(
        tmp,
        "# accounts of the replica, logins in the environment\naccounts:\n"
        "  - {name: demo, platforms: [facebook, instagram], email_env: NGO_DEMO_EMAIL,"
        " password_env: NGO_DEMO_PASSWORD}\n"
        "  - name: locked\n    platforms: [facebook, instagram]\n    email_env: NGO_LOCKED_EMAIL\n"
        "    password_env: NGO_LOCKED_PASSWORD\n    totp_env: NGO_LOCKED_TOTP\n"
        "  - {name: checkpoint, platforms: [instagram], email_env: NGO_CHECKPOINT_EMAIL,"
        " password_env: NGO_CHECKPOINT_PASSWORD}\n"
        "  - {name: broken, platforms: [facebook], session: broken-session.json}\n",
    )
    # Three pages: each account's values below are on them, and the summary counts whatever was read.
    pages = ("--flow", "accounts_center/two_factor", "--flow", "facebook/posts", "--flow", "instagram/account_privacy")
    args = ["run", "--accounts", path, "--workers", "2", *pages, "--replica", replica_server.url, "-o", tmp / "out"]
    with Running(*args, env=env) as running:
        # --workers 2: a moment comes when demo and locked have both started (each used its session on the
        # replica) and neither has finished (written its observations), however busy the machine.
        started = {"demo", "locked"}
        both_at_once = seen_while_running(
            running,
            lambda: (
                started <= {account for account, _ in replica_server.store.session_uses()}
                and not any((tmp / "out" / name / "observations.json").exists() for name in started)
            ),
        )
        code, out, err = running.finish(timeout=600)
    done = subprocess.CompletedProcess(args, code, out, err)
    summary = (
        json.loads((tmp / "out" / "summary.json").read_text()) if (tmp / "out" / "summary.json").exists() else None
    )
    return {
        "done": done,
        "out": tmp / "out",
        "summary": summary,
        "writes": replica_server.writes(),
        "both_at_once": both_at_once,
        "secrets": [a.password for a in accounts.values()] + [accounts["locked"].totp_secret],
    }


def findings_of(out: Path, name: str) -> results.Findings:
    return results.read(out / name / "findings.json", results.Findings)


def value(out: Path, name: str, setting: str):
    return results.read(out / name / "observations.json", results.Observations).by_setting()[setting].value


def test_a_folder_per_account_with_its_own_values(cohort):
    out = cohort["out"]
    for name in ("demo", "locked", "checkpoint"):
        assert {p.name for p in (out / name).iterdir()} >= {
            "observations.json",
            "findings.json",
            "report.html",
            "report.md",
            "junit.xml",
        }
    assert (value(out, "demo", "fb.future_posts_audience"), value(out, "locked", "fb.future_posts_audience")) == (
        "public",
        "only_me",
    )
    assert (value(out, "demo", "ig.private_account"), value(out, "locked", "ig.private_account")) == ("off", "on")
    assert (value(out, "demo", "ac.two_factor"), value(out, "locked", "ac.two_factor")) == ("off", "on")


def test_accounts_that_cannot_finish_do_not_stop_the_others_and_say_why(cohort):
    done, rows = cohort["done"], {row["name"]: row for row in cohort["summary"]["accounts"]}
    assert done.returncode == 1, done.stderr
    assert {name: row["status"] for name, row in rows.items()} == {
        "demo": "complete",
        "locked": "complete",
        "checkpoint": "incomplete",
        "broken": "failed",
    }
    assert "confirm it's you on instagram" in rows["checkpoint"]["reason"]
    assert "the browser refused the saved session" in rows["broken"]["reason"]
    assert rows["demo"]["reason"] == rows["locked"]["reason"] == ""
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[:-1]}
    assert "complete" in lines["demo"] and "confirm it's you" in lines["checkpoint"]
    assert done.stdout.splitlines()[-1] == str(cohort["out"] / "summary.html")


def test_two_accounts_were_audited_at_the_same_time(cohort):
    assert cohort["both_at_once"]


def seen_while_running(running: Running, condition) -> bool:
    """Did `condition` (a state of the replica and the output folder) hold at some moment while auditor ran?"""
    while running.process.poll() is None:
        if condition():
            return True
        time.sleep(0.05)  # between two looks at the state
    return condition()


def test_auditor_uses_only_playwrights_public_api():
    # Private modules (playwright._impl) change without notice between Playwright releases.
    package = Path(auditor.__file__).parent
    assert [p.name for p in package.rglob("*.py") if "playwright._impl" in p.read_text(encoding="utf-8")] == []


def test_the_summary_agrees_with_each_accounts_findings(cohort):
    out, summary = cohort["out"], cohort["summary"]
    findings = {name: findings_of(out, name) for name in ("demo", "locked", "checkpoint")}
    rows = {row["name"]: row for row in summary["accounts"]}
    for name, found in findings.items():
        statuses = [f.status for f in found.findings]
        assert {s: rows[name]["counts"][s] for s in ("fail", "pass", "unknown")} == {
            s: statuses.count(s) for s in ("fail", "pass", "unknown")
        }
        assert [x["check"] for x in rows[name]["top_failures"]] == [
            f.check
            for f in sorted((f for f in found.findings if f.status == "fail"), key=lambda f: SEVERITY.index(f.severity))
        ][:5]
    assert rows["demo"]["counts"]["fail"] > 0 and rows["locked"]["counts"]["fail"] == 0
    by_check = {c["check"]: c for c in summary["checks"]}
    assert set(by_check) == {f.check for f in findings["demo"].findings}
    for check, row in by_check.items():
        status = {name: next(f.status for f in found.findings if f.check == check) for name, found in findings.items()}
        assert row["failing"] == [n for n in ("demo", "locked", "checkpoint") if status[n] == "fail"], check
        assert row["passing"] == list(status.values()).count("pass")
    assert by_check["fb-future-posts-not-public"]["failing"] == ["demo"]
    counts = [len(c["failing"]) for c in summary["checks"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_each_accounts_report_is_made_again_from_its_findings_alone(cohort, tmp_path):
    """`auditor report` (in-process: no browser) on the findings.json in an account's folder writes that account's
    report again, byte for byte: the report's whole input is kept in the file."""
    made = [folder for folder in cohort["out"].iterdir() if (folder / "findings.json").is_file()]
    assert {folder.name for folder in made} >= {"demo", "locked", "checkpoint"}
    for folder in made:
        again = tmp_path / folder.name
        assert main(["report", str(folder / "findings.json"), "-o", str(again)]) == 0
        for name in ("report.html", "report.md", "junit.xml"):
            assert (again / name).read_bytes() == (folder / name).read_bytes(), (folder.name, name)


def test_every_file_of_the_cohort_is_valid_against_the_published_schemas(cohort):
    """summary.json and each account's observations and findings (the broken account wrote none)."""
    assert validate_folder(cohort["out"]) == {"summary": 1, "observations": 3, "findings": 3}


def test_the_summary_page_names_every_account_and_why_one_stopped(cohort):
    html = (cohort["out"] / "summary.html").read_text()
    for name in ("demo", "locked", "checkpoint", "broken"):
        assert f">{name}<" in html
    assert "Meta asks to confirm it&#39;s you on instagram" in html
    assert '<a href="demo/report.html">' in html and '<a href="broken/report.html">' not in html


def test_the_run_sent_no_writes_and_left_no_secret_behind(cohort):
    assert cohort["writes"] == []
    assert {row["writes_blocked"] for row in cohort["summary"]["accounts"]} == {0}
    said = cohort["done"].stdout + cohort["done"].stderr
    files = [p.read_bytes() for p in cohort["out"].rglob("*") if p.is_file()]
    for secret in cohort["secrets"]:
        assert secret not in said and not any(secret.encode() in data for data in files)


def demo_then_us(replica, tmp_path: Path, platforms: str = "facebook, instagram") -> tuple[dict, Path]:
    """The environment and accounts file of a run over the replica's demo and us accounts, in that order."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    for name in ("demo", "us"):
        env[f"NGO_{name.upper()}_EMAIL"], env[f"NGO_{name.upper()}_PASSWORD"] = (
            replica.store.accounts[name].email,
            replica.store.accounts[name].password,
        )
    path = write_accounts(
        tmp_path,
        "accounts:\n"
        + "".join(
            f"  - {{name: {n}, platforms: [{platforms}], email_env: NGO_{n.upper()}_EMAIL,"
            f" password_env: NGO_{n.upper()}_PASSWORD}}\n"
            for n in ("demo", "us")
        ),
    )
    return env, path


@pytest.mark.long
def test_a_browser_that_goes_away_stops_its_account_only_and_the_next_gets_a_new_one(replica, tmp_path):
    env, path = demo_then_us(replica, tmp_path, "facebook")
    env["TMPDIR"] = str(tmp_path)  # the killed browser cannot remove its profile folder: the test's folder holds it
    replica.knobs.set("hold:fb_stories")  # demo's stories page loads until the test lets go: the browser dies under it
    pages = ("--flow", "facebook/posts", "--flow", "facebook/stories")
    args = ["run", "--accounts", path, "--workers", "1", *pages, "--replica", replica.url, "-o", tmp_path / "out"]
    with Running(*args, env=env) as running:
        wait_until(lambda: page_requested(replica, "tab=stories"))
        # The worker's Playwright driver; its child is the browser.
        driver = next(p for p, argv in descendants(running.process.pid).items() if "run-driver" in argv)
        driver.children()[0].kill()
        replica.let_go()  # the next account's stories page loads at once
        code, _, err = running.finish(timeout=300)
    assert code == 1, err
    rows = {row["name"]: row for row in json.loads((tmp_path / "out" / "summary.json").read_text())["accounts"]}
    assert (rows["demo"]["status"], rows["us"]["status"]) == ("incomplete", "complete"), rows
    assert rows["demo"]["reason"].startswith("the browser went away at facebook/stories")
    assert replica.writes() == []


def test_ctrl_c_finishes_the_pages_in_progress_starts_no_other_account_and_writes_the_summary(replica, tmp_path):
    env, path = demo_then_us(replica, tmp_path)
    pages = ("--flow", "facebook/posts", "--flow", "facebook/stories", "--flow", "instagram/account_privacy")
    args = [
        "run",
        "--accounts",
        str(path),
        "--workers",
        "1",
        *pages,
        "--replica",
        replica.url,
        "-o",
        str(tmp_path / "out"),
    ]
    code, err = ctrl_c_on_stories(replica, args, env)
    assert code == 1, err
    rows = {row["name"]: row for row in json.loads((tmp_path / "out" / "summary.json").read_text())["accounts"]}
    assert (rows["demo"]["status"], rows["us"]["status"]) == ("incomplete", "failed")
    assert "interrupted" in rows["demo"]["reason"] and rows["us"]["reason"] == "not audited: the run stopped first"
    pages = {
        p.flow: p for p in results.read(tmp_path / "out" / "demo" / "observations.json", results.Observations).pages
    }
    assert pages["facebook/stories"].status == "ok", "the page in progress is finished: the worker's browser lives on"
    assert pages["instagram/account_privacy"].reason == "interrupted"
    assert (tmp_path / "out" / "summary.html").is_file() and not (tmp_path / "out" / "us").exists()
    assert replica.writes() == []


def test_the_readme_example_is_a_valid_accounts_file(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Many accounts at once", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = write_accounts(tmp_path, example)
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "press-team.json").write_text(json.dumps({"cookies": [], "origins": []}))
    for platform, cookie in (("facebook", "c_user"), ("instagram", "sessionid")):
        (tmp_path / "sessions" / f"director-{platform}.json").write_text(
            json.dumps(
                {"cookies": [{"name": cookie, "value": "v", "domain": f".{platform}.com", "path": "/"}], "origins": []}
            )
        )
    for variable in ("NGO_ACCOUNT1_EMAIL", "NGO_ACCOUNT1_PASSWORD"):
        monkeypatch.setenv(variable, f"value of {variable}")
    monkeypatch.setenv("NGO_ACCOUNT1_TOTP", "NGOACCOUNTONETOTPNGOACCOUNTONE23")  # base32, as a TOTP secret must be
    accounts = load_accounts(path)
    assert [(a.name, a.platforms) for a in accounts] == [
        ("field-office-1", ["facebook", "instagram"]),
        ("press-team", ["instagram"]),
        ("director", ["facebook", "instagram"]),
    ]
    assert (
        accounts[0].way.credentials.totp_secret == "NGOACCOUNTONETOTPNGOACCOUNTONE23"
        and accounts[1].way.state["cookies"] == []
    )
    assert sorted(c["name"] for c in accounts[2].way.state["cookies"]) == [
        "c_user",
        "sessionid",
    ]  # one session per platform, merged
