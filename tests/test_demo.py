"""`auditor demo` as a person runs it: Ctrl-C ends it with exit 1 and what was done, `--lang de` speaks German
in every report, and a demo after `demo --apply` raises no alarm (each demo's fresh replica is an account of
its own in the history).

Each test runs the command in a process of its own (its own replica and browser), in a class of its own so
that the workers share them out (--dist loadscope). Ctrl-C lands once the demo said it reached a state (a
page read, a change made), never after a fixed time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path

import pytest
from conftest import cli_env, start_auditor
from human_text import codes, english, readable

from auditor import results
from auditor.apply import record
from auditor.results import Findings, Observations

# What the demo says of its own progress on stderr, for the person who runs it (page by page, in English).
PROGRESS = ("browser:", "logging in", "accounts_center/", "facebook/", "instagram/", "meta/", "observations:")
pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.filterwarnings("ignore::ResourceWarning")]


def ctrl_c_once(process: subprocess.Popen, reached) -> tuple[str, str]:
    """Ctrl-C to the whole group of `process` once a line of its stderr says it `reached` a state; (stdout,
    stderr) once it ended."""
    err: list[str] = []
    seen = threading.Event()

    def read_stderr():
        for line in process.stderr:
            err.append(line)
            if reached(line):
                seen.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        assert seen.wait(180), "".join(err)
        os.killpg(process.pid, signal.SIGINT)
        out = process.stdout.read()
        process.wait(timeout=180)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    reader.join(timeout=10)
    process.stdout.close()
    process.stderr.close()
    return out, "".join(err)


def to_change(report: Path) -> int:
    """The report's count of what is still to change, from its first screen."""
    return int(re.search(r"<strong>(\d+)</strong> (?:to change|zu ändern)", report.read_text()).group(1))


class TestCtrlCWhileAuditing:
    def test_an_interrupted_demo_exits_1_and_says_what_was_done(self, tmp_path):
        process = start_auditor("demo", "-o", str(tmp_path / "out"), env=cli_env(tmp_path))
        out, err = ctrl_c_once(process, lambda line: line.rstrip().endswith(" read"))  # a page was read
        assert process.returncode == 1 and "Traceback" not in err, err
        assert "auditor: error: the demo did not finish: the run was interrupted; what was read so far" in err
        observations = results.read(tmp_path / "out" / "observations.json", Observations)
        assert observations.run.interrupted and not observations.run.complete
        statuses = {o.reason for o in observations.observations}
        assert "interrupted" in statuses and any(o.status == "observed" for o in observations.observations)
        assert out.strip() == str(tmp_path / "out" / "report.html") and Path(out.strip()).is_file()


class TestCtrlCWhileApplying:
    def test_ctrl_c_during_the_demos_changes_exits_1_with_what_was_done_and_no_traceback(self, tmp_path):
        """The first Ctrl-C lets the change in progress finish; the rest are not attempted, no audit follows."""
        folder = tmp_path / "out"
        process = start_auditor("demo", "--apply", "-o", str(folder), env=cli_env(tmp_path))
        out, err = ctrl_c_once(process, lambda line: line.startswith("[1/"))  # the first change is made
        assert process.returncode == 1 and "Traceback" not in err and "AssertionError" not in err, err
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
    def test_demo_apply_in_german_writes_three_german_reports_and_the_next_demo_raises_no_alarm(self, tmp_path):
        env, history = cli_env(tmp_path), tmp_path / "history.sqlite"

        def demo(*args: str) -> subprocess.CompletedProcess:
            command = [sys.executable, "-m", "auditor", "demo", "--history", str(history), *args]
            return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)

        applied = demo("--apply", "--lang", "de", "-o", str(tmp_path / "a"))
        assert applied.returncode == 0, applied.stderr
        before, marked, after = (tmp_path / "a" / "before", tmp_path / "a" / "applied", tmp_path / "a")
        pages = {name: (folder / "report.html").read_text() for name, folder in zip("bma", (before, marked, after))}
        assert all('<html lang="de">' in html and "</strong> to change" not in html for html in pages.values())
        assert "Ein Audit: auditor hat Ihre Einstellungen am " in pages["b"]
        assert "Das Audit vom " in pages["m"] and "Zahlen und Antworten gelten nach den Änderungen." in pages["m"]
        assert "Von auditor am " in pages["m"] and "Changed by auditor" not in pages["m"]
        assert "Das Audit nach Änderungen: auditor hat Ihre Einstellungen am " in pages["a"]
        assert "durch auditor apply" in pages["a"] and "weniger privat" not in pages["a"]
        # The marked report counts as the audit after the changes found; the first audit found more to change.
        assert to_change(marked / "report.html") == to_change(after / "report.html") < to_change(before / "report.html")
        assert "Geändert und bestätigt (" in applied.stderr and "Für Sie (" in applied.stderr  # the summary, too
        # Every output a person reads, in words and in German (tests/human_text.py): the three reports, as HTML
        # and Markdown, with the changes marked and the changes since the first audit, and apply's words.
        said = [readable(html, without=("sources",)) for html in pages.values()]
        said += [(folder / "report.md").read_text() for folder in (before, marked, after)]
        said.append("\n".join(line for line in applied.stderr.splitlines() if not line.startswith(PROGRESS)))
        for text in said:
            assert codes(text) == [] and english(text) == [], (codes(text), english(text))
        assert "Geändert seit Ihrer letzten Prüfung" in said[2] and "durch auditor apply" in said[2]
        # Small enough to open on a phone: the screenshots are files beside each report, each one there.
        for folder, html in zip((before, marked, after), pages.values()):
            shots = re.findall(r'<img src="(evidence/[^"]+)"', html)
            assert len(shots) > 20 and all((folder / shot).is_file() for shot in shots), folder
            assert (folder / "report.html").stat().st_size < 400_000 and "data:image" not in html
        # Each report is made again by `auditor report` from the findings.json beside it alone, byte for byte: what
        # changed since the first audit and what the apply changed are kept in it.
        for folder in (before, marked, after):
            again = tmp_path / "again" / folder.name
            remade = [sys.executable, "-m", "auditor", "report", str(folder / "findings.json"), "-o", str(again)]
            assert subprocess.run([*remade, "--lang", "de"], env=env, capture_output=True).returncode == 0
            for name in ("report.html", "report.md", "junit.xml"):
                assert (again / name).read_bytes() == (folder / name).read_bytes(), (folder, name)
        first = results.read(before / "findings.json", Findings).run.account
        assert first is not None and first.site.startswith("demo replica ")

        again = demo("-o", str(tmp_path / "b"))  # a fresh replica, seeded: less private than after the changes
        assert again.returncode == 0, again.stderr
        report = (tmp_path / "b" / "report.html").read_text()
        assert 'id="since"' not in report and "less private" not in report  # its account's first audit
        assert results.read(tmp_path / "b" / "findings.json", Findings).run.account.site != first.site
