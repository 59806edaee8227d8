"""(e) `auditor history` over 1,000 recorded runs of one account, in a fresh process: median seconds.

    python bench/history_bench.py     (bench/run.py runs it too)

The runs are recorded through the product's own call (history.Recording), each with every
setting the flows read and a finding per check of the default checklist; every tenth run
changes a value, so the timeline has changes to print.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from auditor.consistency import load_checklist
from auditor.evaluate import evaluate
from auditor.history import Recording
from auditor.results import Observation, Observations, Run

RUNS = 1_000
FIRST = datetime(2026, 1, 1, tzinfo=timezone.utc)
COOKIES = [{"name": "c_user", "domain": ".facebook.com", "value": "100000000000001"}]


def history_case(work: Path, runs: int = RUNS, repeats: int = 5) -> dict:
    database = work / "history.sqlite"
    checklist = load_checklist("default")
    started = time.perf_counter()
    for n in range(runs):
        # Every tenth run, the checked settings flip between their recommended value and another.
        flip = (n // 10) % 2 == 1
        seen = [
            Observation(
                setting=check.setting,
                platform="meta" if check.setting.startswith("meta.") else "facebook",
                status="observed",
                value=(check.expect[0] if check.expect else 0) if not flip else "public",
            )
            for check in checklist.spec.checks
        ]
        when = (FIRST + timedelta(hours=n)).isoformat(timespec="seconds")
        run = Run(tool_version="bench", started=when, platforms=["facebook"])
        observations = Observations(run=run, observations=seen)
        Recording(database).record(observations, evaluate(observations, checklist), COOKIES, say=lambda line: None)
    recorded_s = time.perf_counter() - started
    times, lines = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "auditor", "history", "--history", str(database)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
        lines = len(done.stdout.splitlines())
    return {
        "runs": runs,
        "record_all_s": round(recorded_s, 1),
        "database_mb": round(database.stat().st_size / 2**20, 1),
        "timeline_lines": lines,
        "median_s": round(statistics.median(times), 3),
        "runs_s": [round(t, 3) for t in times],
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="auditor-bench-history-") as folder:
        print(history_case(Path(folder)))
