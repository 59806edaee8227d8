"""The wheel carries flows, checklists, templates and the replica, so `pip install .` + `auditor demo`
works anywhere."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from auditor import results

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("auditor-*.whl"))


def test_the_wheel_ships_the_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "auditor/flows/vocabulary.yml",
        "auditor/flows/facebook/posts.yml",
        "auditor/checklists/default.yml",
        "auditor/templates/report.html.j2",
        "auditor/locale/de/LC_MESSAGES/messages.po",  # compiled when a report is written: no build step
        "auditor/checklists/sources/catalog.yml",
        "auditor/replica/data/catalog.yml",
        "auditor/replica/data/accounts.yml",
        "auditor/replica/static/comet.js",
    ):
        assert required in names, required
    assert not any(n.startswith(("tests/", "reports/")) for n in names)


@pytest.mark.long
def test_an_installed_wheel_runs_the_demo_in_another_folder(wheel, tmp_path):
    """`auditor demo` from the wheel: a real browser on the replica's pages, end to end, and never a write."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "demo"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out = elsewhere / "reports" / "demo"
    assert done.stdout.strip() == str(Path("reports/demo/report.html")) and (out / "report.html").is_file()
    assert done.stderr.startswith("replica: https://127.0.0.1:") and "\nbrowser: chromium " in done.stderr
    observations = results.read(out / "observations.json", results.Observations)
    seen = {o.setting: o for o in observations.observations}
    # The demo account's seeded state (replica/data/accounts.yml), as read from the pages.
    assert (seen["fb.future_posts_audience"].status, seen["fb.future_posts_audience"].value) == ("observed", "public")
    assert seen["ig.private_account"].value == "off"
    assert observations.run.writes_blocked == 0 and observations.run.complete
    assert all((out / p.screenshot).is_file() for p in observations.pages if p.screenshot)
    findings = results.read(out / "findings.json", results.Findings)
    assert {f.status for f in findings.findings} >= {"pass", "fail"}
    assert "Your future posts are public" in (out / "report.html").read_text()
    assert (out / "report.md").is_file() and (out / "junit.xml").is_file()
    # It really ran from the wheel, not from this checkout.
    check = subprocess.run(
        [sys.executable, "-c", "import auditor.data as d; print(d.flows_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == str(site / "auditor" / "flows")
