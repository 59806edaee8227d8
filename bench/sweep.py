"""The sweep: the demo account audited under many generated page variations, each read as the plain replica.

    python bench/sweep.py [--seeds 50] [--first 1] [-o bench/sweep.json]      (make sweep)

Each seed draws an equivalent accessible pattern for every setting (auditor/replica/patterns.py:
the widget, how it is named, where its options open, how its part of the page loads, a collapsed
section, an announcement over the page). The audit under each seed must observe every setting as
the plain replica's audit does (status and value); a seed that differs is printed with what
differed, and `auditor demo --variation SEED` replays it. Also measured: pages read per second
under the variations against the plain replica (a variation loads parts late on purpose).
It exits 1 when a seed read differently or the replica recorded a write, and keeps the seeds'
observations in its work folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import sync_playwright

from auditor import __version__, results
from auditor.observe.stage import observe_in
from auditor.options import Options
from auditor.replica.server import Replica
from auditor.results import Observations, now
from auditor.session.way_in import Credentials
from auditor.target import Target
from auditor.visit import open_visit, run_browser

HERE = Path(__file__).resolve().parent
PLATFORMS = ["facebook", "instagram"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="how many seeds (at least 50 for the issue's target)")
    parser.add_argument("--first", type=int, default=1, help="the first seed; the others follow it")
    parser.add_argument("-o", "--out", type=Path, default=HERE / "sweep.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="auditor-sweep-"))
    seeds = list(range(args.first, args.first + args.seeds))
    report = sweep(seeds, work)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    failed = [s for s in report["seeds"] if s["differences"]]
    print(
        f"\n{len(seeds)} seeds ({seeds[0]}..{seeds[-1]}): {len(seeds) - len(failed)} read as the plain replica, "
        f"{len(failed)} not; pages per second {report['pages_per_second']['variations']} "
        f"(plain {report['pages_per_second']['plain']}); writes sent {report['writes']}\nwritten: {args.out}"
    )
    if failed or report["writes"]:
        print(f"kept: {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


def sweep(seeds: list[int], work: Path) -> dict:
    with Replica() as replica, sync_playwright() as playwright:
        options = Options(target=Target(replica.url), evidence=False)
        with run_browser(playwright, options) as opened:
            plain, plain_s = audit(replica, opened, options, None, work)
            rows = []
            for seed in seeds:
                observations, seconds = audit(replica, opened, options, seed, work)
                rows.append(
                    {
                        "seed": seed,
                        "seconds": round(seconds, 2),
                        "pages": len(observations.pages),
                        "differences": differences(plain, observations),
                    }
                )
                mark = "ok" if not rows[-1]["differences"] else "DIFFERS"
                print(f"seed {seed:>4}  {mark:<8} {seconds:6.1f} s", *rows[-1]["differences"][:5], sep="\n  ")
            writes = len(replica.writes())
    pages = len(plain.pages)
    return {
        "tool_version": __version__,
        "when": now(),
        "seeds": rows,
        "writes": writes,
        "pages_per_second": {
            "plain": round(pages / plain_s, 2),
            "variations": round(pages / statistics.median(r["seconds"] for r in rows), 2),
        },
    }


def audit(replica, opened, options: Options, seed: int | None, work: Path) -> tuple[Observations, float]:
    """The demo account's audit, logged in afresh, in a new visit; (observations, seconds, the login's included)."""
    replica.reset()
    if seed is not None:
        replica.knobs.set(f"variation:{seed}")
    account = replica.store.accounts["demo"]
    options = replace(options, credentials=Credentials(account.email, account.password, account.totp_secret))
    started = time.perf_counter()
    with open_visit(options, PLATFORMS, opened=opened, say=lambda line: None) as visit:
        observations = observe_in(visit)
        seconds = time.perf_counter() - started
    results.write(work / f"seed-{seed if seed is not None else 'plain'}.json", observations)
    return observations, seconds


def differences(plain: Observations, other: Observations) -> list[str]:
    """Each setting whose status or value differs from the plain replica's, as a line."""
    want = {o.setting: (o.status, o.value) for o in plain.observations}
    got = {o.setting: o for o in other.observations}
    lines = []
    for setting, (status, value) in want.items():
        seen = got.get(setting)
        if seen is None:
            lines.append(f"{setting}: not in the observations (plain: {status} {value!r})")
        elif (seen.status, seen.value) != (status, value):
            lines.append(f"{setting}: {seen.status} {seen.value!r} (plain: {status} {value!r}) {seen.detail}".rstrip())
    return lines


if __name__ == "__main__":
    sys.exit(main())
