"""`auditor doctor`: one line per check, ok or what to do."""

import os
import shlex
import subprocess
import sys

import pytest
from conftest import cli_env, run_auditor


@pytest.mark.browser  # doctor launches the browser it found
def test_doctor_checks_browser_data_and_output_folder(tmp_path):
    done = run_auditor("doctor", "-o", tmp_path / "out", env=cli_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * 4
    assert any(line.startswith("ok    browser: chromium ") and line.endswith("launches") for line in lines)
    assert any("package data:" in line and "flows" in line for line in lines)


@pytest.mark.browser
def test_doctor_reports_an_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run_auditor("doctor", "-o", blocker / "out", env=cli_env(tmp_path))
    assert done.returncode == 1
    assert "FAIL  output folder" in done.stdout and "fix: choose a folder you can write" in done.stdout


def test_doctor_says_how_to_get_a_browser_when_none_is_found(tmp_path):
    """No AUDITOR_BROWSER, Playwright's download folder empty, no system Chromium: the fix names Playwright's
    download through this very Python (a pipx install's Playwright is not on the PATH) and the system's package."""
    hide_system_browsers = (
        "import auditor.browser as b; b.SYSTEM_CANDIDATES = ();"
        "from auditor.cli import main; raise SystemExit(main(['doctor', '-o', 'out']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_BROWSER"}
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp_path / "no-browsers")
    done = subprocess.run(
        [sys.executable, "-c", hide_system_browsers], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == ["ok", "ok", "ok", "FAIL"]
    fix = lines[lines.index("FAIL  browser") + 1]
    assert fix.startswith("      fix: no Chromium found. Get Playwright's: ")
    assert f"`{shlex.quote(sys.executable)} -m playwright install chromium`" in fix
    assert "`sudo apt-get install chromium`" in fix and "AUDITOR_BROWSER" in fix
