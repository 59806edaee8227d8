"""A cohort across machines: `run --accounts FILE --shard I/N` audits its share, `auditor summary DIR...`
merges the shards' folders into one.

Offline: the split (every account in exactly one shard), a bad I/N, and every way a set of folders
is not the shards of one run (one line, exit 2, nothing written). On the replica: three shards of a
file of three accounts, merged, give the summary one run over the whole file gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import start_auditor
from json_schemas import validate_folder

from auditor import results
from auditor.checklist import load_checklist
from auditor.cli import main
from auditor.cohort.accounts import load_accounts
from auditor.cohort.shards import share
from auditor.cohort.summary import AccountRow, Shard, Summary, tally
from auditor.results import Source

ACTION = yaml.safe_load((Path(__file__).resolve().parent.parent / "action.yml").read_text(encoding="utf-8"))
NAMES = ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]


def accounts_file(folder: Path, names=NAMES, platforms: str = "facebook") -> Path:
    path = folder / "accounts.yml"
    path.write_text(
        "accounts:\n"
        + "".join(
            f"  - {{name: {n}, platforms: [{platforms}], email_env: NGO_{n.upper()}_EMAIL,"
            f" password_env: NGO_{n.upper()}_PASSWORD}}\n"
            for n in names
        ),
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------- the split
@pytest.mark.parametrize("count", [1, 2, 3, 7, 9])
def test_every_account_is_in_exactly_one_shard_and_shards_differ_by_one_at_most(tmp_path, monkeypatch, count):
    for name in NAMES:
        monkeypatch.setenv(f"NGO_{name.upper()}_EMAIL", f"{name}@example.com")
        monkeypatch.setenv(f"NGO_{name.upper()}_PASSWORD", "not-in-the-file")
    accounts = load_accounts(accounts_file(tmp_path))
    shards = [[a.name for a in share(accounts, index, count)] for index in range(1, count + 1)]
    assert sorted(name for shard in shards for name in shard) == NAMES
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    # Shard I holds the accounts at places I, I+N, ...: the same file and I/N give the same share anywhere.
    assert shards[0] == NAMES[::count]


@pytest.mark.parametrize("shard", ["0/3", "4/3", "3", "1/0", "a/b", "-1/3", "1/3/5", "", "1/9999999"])
def test_a_bad_shard_is_one_line_and_exit_2(tmp_path, capsys, shard):
    path = accounts_file(tmp_path)
    code = main(["run", "--accounts", str(path), "--shard", shard, "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "--shard" in err and "give I/N" in err
    assert not (tmp_path / "out").exists()


def test_shard_without_accounts_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "facebook", "--shard", "1/2", "-o", str(tmp_path / "out")]) == 2
    assert "--shard: goes with --accounts" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------- merging folders that are not one run's shards
CHECKLIST = load_checklist("default")
ANOTHER = Source(id="default", sha256="0" * 64)  # another version of the default checklist


def shard_folder(
    root: Path, index: int, count: int = 3, names=("a1", "a2", "a3"), made_with=CHECKLIST, **changes
) -> Path:
    """A shard's folder as `run --accounts --shard` leaves it, every account stopped before its audit."""
    rows = [
        AccountRow(name=name, position=place, platforms=["facebook"], status="failed", reason="stopped")
        for place, name in enumerate(names, start=1)
        if (place - 1) % count == index - 1
    ]
    summary = Summary(
        tool_version="0.1.0",
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T10:05:00+00:00",
        target="meta",
        browser="chromium (test)",
        workers=1,
        checklist=Source(id=made_with.id, sha256=made_with.sha256),
        accounts=rows,
        checks=tally(made_with, {}),
        shard=Shard(index=index, count=count, listed=len(names)),
    )
    folder = root / f"shard-{index}"
    results.write(folder / "summary.json", summary.model_copy(update=changes))
    return folder


def test_three_shard_folders_merge_into_one_summary_in_the_files_order(tmp_path, capsys):
    folders = [shard_folder(tmp_path, index) for index in (3, 1, 2)]  # in any order
    (folders[1] / "a1").mkdir()
    (folders[1] / "a1" / "report.html").write_text("a1's report")
    (folders[1] / "a1" / "elsewhere").symlink_to(tmp_path / "outside")  # never followed out of the folder
    (tmp_path / "outside").write_text("not the account's")
    assert main(["summary", *map(str, folders), "-o", str(tmp_path / "all")]) == 1  # no account finished
    merged = results.read(tmp_path / "all" / "summary.json", Summary)
    assert [row.name for row in merged.accounts] == ["a1", "a2", "a3"] and merged.shard is None
    assert merged.workers == 3 and merged.checks == tally(CHECKLIST, {})
    assert (tmp_path / "all" / "a1" / "report.html").read_text() == "a1's report"
    assert not (tmp_path / "all" / "a1" / "elsewhere").exists()
    assert capsys.readouterr().out.splitlines()[-1] == str(tmp_path / "all" / "summary.html")


@pytest.mark.parametrize(
    "make, where, message",
    [
        (lambda t: [t / "nowhere", shard_folder(t, 2), shard_folder(t, 3)], "nowhere: DIR:", "no such folder"),
        (
            lambda t: [(t / "empty").mkdir() or t / "empty", shard_folder(t, 2), shard_folder(t, 3)],
            "empty: DIR:",
            "not a folder `auditor run --accounts` wrote",
        ),
        (
            lambda t: [shard_folder(t, 1, shard=None), shard_folder(t, 2), shard_folder(t, 3)],
            "shard-1/summary.json:1: shard:",
            "not a shard",
        ),
        (
            lambda t: [shard_folder(t, 1), shard_folder(t, 3)],
            "shard-1/summary.json:1: shard:",
            "shard 2 of 3 is missing",
        ),
        (
            lambda t: [shard_folder(t, 1), shard_folder(t, 2), shard_folder(t, 3, count=4)],
            "shard-3/summary.json:1: shard.count:",
            "4 shards here, 3 shards in",
        ),
        (
            lambda t: [shard_folder(t, 1), shard_folder(t, 2), shard_folder(t, 3, names=("a1", "a2", "a3", "a4"))],
            "shard-3/summary.json:1: shard.listed:",
            "a file of 4 accounts here",
        ),
        (
            lambda t: [shard_folder(t, 1), shard_folder(t, 2, names=("a1", "a1", "a3")), shard_folder(t, 3)],
            "shard-2/summary.json:1: accounts.0.name:",
            "a1 is in",
        ),
        (
            lambda t: [shard_folder(t, 1), shard_folder(t, 2, names=("a1", "../a2", "a3")), shard_folder(t, 3)],
            "shard-2/summary.json:1: accounts.0.name:",
            "not an account's name",
        ),
        (
            lambda t: [
                shard_folder(t, 1),
                shard_folder(t, 2, checklist=ANOTHER),
                shard_folder(t, 3),
            ],
            "shard-2/summary.json:1: checklist:",
            "default (sha256 000000000000) here",
        ),
        (
            lambda t: [shard_folder(t, 1, tool_version="0.0.9"), shard_folder(t, 2), shard_folder(t, 3)],
            "shard-2/summary.json:1: tool_version:",
            "auditor 0.1.0 here, auditor 0.0.9 in",
        ),
    ],
)
def test_folders_that_are_not_the_shards_of_one_run_are_one_line_and_exit_2(tmp_path, capsys, make, where, message):
    folders = make(tmp_path)
    code = main(["summary", *map(str, folders), "-o", str(tmp_path / "all")])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"auditor: error: {tmp_path}/{where}") and message in err, err
    assert not (tmp_path / "all").exists()


def test_a_shard_twice_and_a_shard_edited_to_hold_anothers_account_are_refused(tmp_path, capsys):
    one, two, three = (shard_folder(tmp_path, index) for index in (1, 2, 3))
    assert main(["summary", str(one), str(two), str(one), "-o", str(tmp_path / "all")]) == 2
    assert "shard: shard 1 of 3 again" in capsys.readouterr().err
    moved = results.read(two / "summary.json", Summary)
    row = moved.accounts[0].model_copy(update={"position": 3})  # a3's place, in shard 2's folder
    results.write(two / "summary.json", moved.model_copy(update={"accounts": [row]}))
    assert main(["summary", str(one), str(two), str(three), "-o", str(tmp_path / "all")]) == 2
    assert "accounts.0.position: 3 is not a place of shard 2 of 3" in capsys.readouterr().err
    assert not (tmp_path / "all").exists()


def test_the_merged_summary_is_not_written_over_a_shard(tmp_path, capsys):
    folders = [shard_folder(tmp_path, index) for index in (1, 2, 3)]
    before = (folders[0] / "summary.json").read_bytes()
    assert main(["summary", *map(str, folders), "-o", str(folders[0])]) == 2
    assert "-o: is a shard's folder" in capsys.readouterr().err
    assert (folders[0] / "summary.json").read_bytes() == before


def test_the_actions_last_job_merges_the_shards_it_downloaded(tmp_path):
    """The action's audit step with `shards: shards/*`, run by bash with this environment's auditor: shards
    audited with a shipped checklist other than the action's default input merge as well."""
    step = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "audit")
    for index in (1, 2, 3):
        shard_folder(tmp_path / "shards", index, made_with=load_checklist("at-risk"))
    (tmp_path / "runner" / "auditor" / "bin").mkdir(parents=True)
    (tmp_path / "runner" / "auditor" / "bin" / "auditor").symlink_to(Path(sys.executable).with_name("auditor"))
    inputs = {name.upper().replace("-", "_"): "" for name in ACTION["inputs"]}
    env = {
        **os.environ,
        **inputs,
        "SHARDS": "shards/*",
        "CHECKLIST": "default",
        "OUT": "summary",
        "RUNNER_TEMP": str(tmp_path / "runner"),
        "GITHUB_OUTPUT": str(tmp_path / "outputs"),
    }
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # the step records auditor's exit code; a later step ends with it
    assert (tmp_path / "outputs").read_text().splitlines() == ["exit-code=1", "report=summary/summary.html"]
    merged = results.read(tmp_path / "summary" / "summary.json", Summary)
    assert [row.name for row in merged.accounts] == ["a1", "a2", "a3"] and merged.checklist.id == "at-risk"


# ---------------------------------------------------------------------- three shards on the replica
ACCOUNTS = ("demo", "locked", "checkpoint")  # one finishes with failing checks, one with none, one stops


@pytest.fixture(scope="module")
def sharded(replica_server, tmp_path_factory):
    """Three shards of one file of three Instagram accounts, and one run over the whole file, side by side:
    each process with its own history, as on separate machines."""
    replica_server.reset()
    tmp = tmp_path_factory.mktemp("shards")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    for name in ACCOUNTS:
        account = replica_server.store.accounts[name]
        env[f"NGO_{name.upper()}_EMAIL"], env[f"NGO_{name.upper()}_PASSWORD"] = account.email, account.password
    env["NGO_LOCKED_TOTP"] = replica_server.store.accounts["locked"].totp_secret
    path = accounts_file(tmp, ACCOUNTS, "instagram")
    path.write_text(path.read_text().replace("NGO_LOCKED_PASSWORD}", "NGO_LOCKED_PASSWORD, totp_env: NGO_LOCKED_TOTP}"))
    runs = {f"shard-{i}": ["--shard", f"{i}/3", "--workers", "1"] for i in (1, 2, 3)} | {"whole": ["--workers", "3"]}
    pages = ("--flow", "instagram/account_privacy", "--flow", "accounts_center/two_factor")
    processes = {
        name: start_auditor(
            *("run", "--accounts", path, *extra, *pages, "--replica", replica_server.url, "-o", tmp / name),
            env={**env, "XDG_DATA_HOME": str(tmp / f"data-{name}")},
        )
        for name, extra in runs.items()
    }
    done = {name: (process.wait(timeout=600), process.stderr.read()) for name, process in processes.items()}
    for process in processes.values():
        process.stdout.close()
        process.stderr.close()
    return {"tmp": tmp, "done": done, "writes": replica_server.writes()}


def comparable(path: Path) -> dict:
    """summary.json without what differs between any two runs: when they started and finished."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key not in ("started", "finished")}


@pytest.mark.long
@pytest.mark.browser
def test_three_shards_merged_give_the_summary_of_one_run(sharded, capsys):
    tmp, done = sharded["tmp"], sharded["done"]
    assert {name: code for name, (code, _) in done.items()} == {
        "shard-1": 0,
        "shard-2": 0,
        "shard-3": 1,  # the checkpoint
        "whole": 1,
    }, done
    for index, name in enumerate(ACCOUNTS, start=1):
        shard = json.loads((tmp / f"shard-{index}" / "summary.json").read_text())
        assert [row["name"] for row in shard["accounts"]] == [name]
        assert shard["shard"] == {"index": index, "count": 3, "listed": 3}
    folders = [str(tmp / f"shard-{index}") for index in (2, 3, 1)]
    assert main(["summary", *folders, "-o", str(tmp / "merged")]) == 1
    capsys.readouterr()
    whole, merged = comparable(tmp / "whole" / "summary.json"), comparable(tmp / "merged" / "summary.json")
    assert merged == whole
    rows = {row["name"]: row["status"] for row in merged["accounts"]}
    assert rows == {"demo": "complete", "locked": "complete", "checkpoint": "incomplete"}
    assert any(check["failing"] == ["demo"] for check in merged["checks"])  # a merge that lost an account would differ
    assert validate_folder(tmp / "merged") == {"summary": 1, "observations": 3, "findings": 3}
    html = (tmp / "merged" / "summary.html").read_text(encoding="utf-8")
    assert '<a href="demo/report.html">' in html and (tmp / "merged" / "demo" / "report.html").is_file()
    assert "Shard " not in html and "Shard 1 of 3" in (tmp / "shard-1" / "summary.html").read_text()
    assert sharded["writes"] == []
