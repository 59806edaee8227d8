"""`auditor doctor`: one line per check, ok or what to do."""

import subprocess
import sys


def test_doctor_checks_browser_data_and_output_folder(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "doctor", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * 4
    assert any(line.startswith("ok    browser: chromium ") and line.endswith("launches") for line in lines)
    assert any("package data:" in line and "flows" in line for line in lines)


def test_doctor_reports_an_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "doctor", "-o", str(blocker / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "FAIL  output folder" in done.stdout and "fix: choose a folder you can write" in done.stdout
