"""The benchmark: how fast and how lean an audit is, measured on the replica in one run.

    python bench/run.py [--rounds N] [-o bench/results.json]

(a) a full audit of the demo account against the navigate-only floor (the same pages, each
    waited for until its flow's `ready` marker shows, nothing read): the ratio is the headline;
    also the audit without evidence screenshots, and the audit under a few generated page variations
    (pages per second against the plain pages; a setting read otherwise there fails the bench);
(b) 1, 4 and 10 accounts with `auditor run --accounts ... --workers 4`: wall time, CPU time and
    peak memory of the whole process tree (Python, Playwright's drivers, the browsers); then 10
    accounts again next to a CPU hog (a busy loop per core), where every account must finish too;
(c) evaluate and report of 10,000 synthetic observations;
(d) `auditor --help` start-up time, a fresh process each time;
(e) `auditor history` over 1,000 recorded runs of one account (bench/history_bench.py);
(f) the guard under a race: a page script's Worker writes as its page reloads, 300 times
    (bench/guard_race.py); one write reaching the replica fails the bench.
It prints a table and writes the figures, the targets and the machine to results.json. A case
that cannot finish ends the bench with exit 1, its reason, and its work folder kept.
bench/README.md says what the figures mean and records them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

import psutil
import yaml
from guard_race import guard_race  # bench/ is this script's folder
from history_bench import history_case

from auditor import __version__, results
from auditor.consistency import load_checklist
from auditor.evaluate import evaluate
from auditor.meta import flow_url, select_flows
from auditor.observe.locate import locate
from auditor.observe.stage import observe_in
from auditor.observe.wording import any_of
from auditor.options import FlowSet, Options
from auditor.replica.server import Replica
from auditor.report import write_report
from auditor.results import Observation, Observations, now
from auditor.session.way_in import Credentials
from auditor.target import Target
from auditor.visit import open_visit, run_browser

HERE = Path(__file__).resolve().parent
PLATFORMS = ["facebook", "instagram"]
COHORTS = (1, 4, 10)
WORKERS = 4
SYNTHETIC = 10_000
VARIATION_SEEDS = (3, 7, 21)  # `make sweep` audits 50; the bench times a few
HOG_S = 900  # the longest the CPU hog of the busy case may run, should the bench itself die first
SAMPLE_EVERY_S = 0.2  # memory sampling; reading smaps_rollup of the tree takes about 10 ms
CPU_SAMPLE_EVERY_S = 0.1  # CPU times alone are cheap to read
TARGETS = {  # figure: (limit, what it is)
    "audit_to_floor": (1.5, "full audit with evidence screenshots / navigate-only floor (ratio)"),
    "audit_to_floor_without_evidence": (1.15, "full audit without screenshots / navigate-only floor (ratio)"),
    # Half of the 10.3 CPU-seconds an account cost before settings were read from one snapshot (bench/README.md).
    "cpu_s_per_account": (5.2, "CPU-seconds per audited account, 10 accounts, whole process tree"),
    "ten_to_one": (3.0, "10 accounts / 1 account, wall time (ratio)"),
    "mb_per_extra_account": (120.0, "peak memory per extra account (MB PSS)"),
    "offline_s": (0.5, f"evaluate + report of {SYNTHETIC:,} observations (s)"),
    "help_s": (0.4, "`auditor --help` start-up (s)"),
    "history_s": (1.0, "`auditor history` over 1,000 recorded runs (s)"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="repeats of the audit and the floor (median)")
    parser.add_argument("-o", "--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="auditor-bench-"))
    try:
        with Replica(accounts_file=seed_accounts(work)) as replica:
            figures = {"audit": audit_vs_floor(replica, work, args.rounds)}
            figures["cohort"] = cohorts(replica, work)
            figures["guard_race"] = guard_race(replica)
            figures["writes_sent"] = len(replica.writes())
        figures["offline"] = offline(work)
        figures["startup"] = startup()
        figures["history"] = history_case(work)
    except CaseFailed as failed:  # the work folder stays: the failing account's folder, its summary row, the run's log
        print(f"bench: {failed}\nkept: {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    headline = {
        "audit_to_floor": figures["audit"]["ratio"],
        "audit_to_floor_without_evidence": figures["audit"]["ratio_without_evidence"],
        "cpu_s_per_account": figures["cohort"]["cpu_s_per_account"],
        "ten_to_one": figures["cohort"]["ten_to_one"],
        "mb_per_extra_account": figures["cohort"]["mb_per_extra_account"],
        "offline_s": figures["offline"]["total_s"],
        "help_s": figures["startup"]["median_s"],
        "history_s": figures["history"]["median_s"],
    }
    report = {
        "tool_version": __version__,
        "when": now(),
        "machine": machine(figures["audit"]["browser"]),
        "targets": {
            key: {"what": what, "limit": limit, "measured": headline[key], "met": headline[key] <= limit}
            for key, (limit, what) in TARGETS.items()
        },
        "figures": figures,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nwritten: {args.out}")
    differ = figures["audit"]["variations"]["differ"]
    if differ:  # `make sweep` replays them: auditor demo --variation SEED
        print("read otherwise under a variation (seed: setting): " + ", ".join(differ), file=sys.stderr)
    return 0 if figures["writes_sent"] == 0 and not differ else 1


# ---------------------------------------------------------------------- the replica's accounts
def seed_accounts(work: Path) -> Path:
    """The replica's own accounts, plus bench-1 ... bench-10: copies of demo with their own logins."""
    from auditor.replica.registry import DATA

    seeded = yaml.safe_load((DATA / "accounts.yml").read_text(encoding="utf-8"))
    demo = next(a for a in seeded["accounts"] if a["id"] == "demo")
    for n in range(1, max(COHORTS) + 1):
        # Copies, not the same dict: the replica refuses YAML aliases, which safe_dump writes for shared objects.
        seeded["accounts"].append(
            {
                **copy.deepcopy(demo),
                "id": f"bench-{n}",
                "email": f"bench.{n}@example.com",
                "ig_username": f"bench.{n}",
                "uid": str(200000000000000 + n),
                "password": f"bench-password-{n}",
            }
        )
    path = work / "replica-accounts.yml"
    path.write_text(yaml.safe_dump(seeded, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- (a) audit vs floor
def audit_vs_floor(replica: Replica, work: Path, rounds: int) -> dict:
    """Both in one visit (auditor.visit.open_visit, logged in) of a browser launched as `auditor run` launches it."""
    from playwright.sync_api import sync_playwright

    account = replica.store.accounts["demo"]
    credentials = Credentials(account.email, account.password)
    # One visit holds every round: a day, not a run's time limit, so that no round is cut short on a busy machine.
    options = Options(target=Target(replica.url), credentials=credentials, timeout=24 * 3600)
    flow_set = options.flow_set
    runs: dict[str, list[tuple[float, float]]] = {"audit": [], "bare": [], "floor": []}  # (seconds, CPU-seconds)
    with sync_playwright() as playwright, run_browser(playwright, options) as opened, ExitStack() as stack:

        def first_audit():  # the visit, logged in, and its first audit
            visit = stack.enter_context(open_visit(options, PLATFORMS, work / "audit", opened=opened, say=quiet))
            return visit, observe_in(visit)

        (with_login, login_cpu), (visit, first) = spent(first_audit)
        assert first.run.complete, "the demo audit did not finish"
        bare = replace(visit, folder=None)  # the same visit, keeping no screenshots
        for _ in range(rounds):  # alternate, so a slow spell of the machine hits both alike
            figures, observations = spent(lambda: observe_in(visit))
            runs["audit"].append(figures)
            runs["bare"].append(spent(lambda: observe_in(bare))[0])
            runs["floor"].append(spent(lambda: navigate_only(visit.context, flow_set))[0])
        varied = under_variations(replica, lambda: observe_in(visit), observations)
    results.write(work / "audit" / "observations.json", observations)
    seconds = {case: statistics.median(wall for wall, _cpu in values) for case, values in runs.items()}
    cpu = {case: statistics.median(c for _wall, c in values) for case, values in runs.items()}
    return {
        "browser": opened.browser_used,
        "pages": len(observations.pages),
        "settings_read": sum(o.status == "observed" for o in observations.observations),
        "audit_s": round(seconds["audit"], 2),
        "floor_s": round(seconds["floor"], 2),
        "ratio": round(seconds["audit"] / seconds["floor"], 2),
        "audit_without_evidence_s": round(seconds["bare"], 2),
        "ratio_without_evidence": round(seconds["bare"] / seconds["floor"], 2),
        "first_audit_with_login_s": round(with_login, 2),
        "audit_runs_s": rounded([wall for wall, _cpu in runs["audit"]]),
        "pages_per_s": round(len(observations.pages) / seconds["audit"], 2),
        "variations": varied,
        "floor_runs_s": rounded([wall for wall, _cpu in runs["floor"]]),
        # CPU-seconds of the browser side (Playwright's driver and the browser; not the bench's own
        # process, which serves the replica): what the page loads alone cost, and a login.
        "browser_cpu_s": {
            "audit": round(cpu["audit"], 2),
            "audit_without_evidence": round(cpu["bare"], 2),
            "floor": round(cpu["floor"], 2),
            "login": round(login_cpu - cpu["audit"], 2),
        },
    }


def under_variations(replica: Replica, audit, plain: Observations) -> dict:
    """The same audit under generated page variations (`variation:SEED`: every setting drawn in one of its
    equivalent patterns, some of them late, on scroll or behind a link): pages per second, and each setting read
    otherwise than on the plain pages (`plain`)."""
    seeds, walls, pages, wrong = VARIATION_SEEDS, [], 0, []
    want = {o.setting: (o.status, o.value) for o in plain.observations}
    try:
        for seed in seeds:
            replica.knobs.clear()
            replica.knobs.set(f"variation:{seed}")
            (wall, _cpu), observations = spent(audit)
            walls.append(wall)
            pages += len(observations.pages)
            read = observations.observations
            wrong += [f"{seed}: {o.setting}" for o in read if (o.status, o.value) != want[o.setting]]
    finally:
        replica.knobs.clear()
    pages_per_s = round(pages / sum(walls), 2)
    return {"seeds": list(seeds), "runs_s": rounded(walls), "pages_per_s": pages_per_s, "differ": wrong}


def spent(call):
    """((wall seconds, browser-side CPU-seconds), what `call()` returned)."""
    sampler = ChildrenCPU()
    started = time.perf_counter()
    result = call()
    wall = time.perf_counter() - started
    return (wall, sampler.stop()), result


def navigate_only(context, flow_set: FlowSet) -> None:
    """The floor: open each page and wait for the state the audit waits for, read nothing."""
    strings = flow_set.vocabulary.strings
    gone = any_of(strings["unavailable"].variants())  # a page Meta retired for this account shows this instead
    page = context.new_page()
    try:
        for flow in select_flows(flow_set.flows, PLATFORMS):
            page.goto(flow_url(flow, PLATFORMS), wait_until="domcontentloaded")
            locate(page, flow.spec.ready, None).or_(page.get_by_text(gone)).first.wait_for(state="visible")
    finally:
        page.close()


# ---------------------------------------------------------------------- (b) many accounts
def cohorts(replica: Replica, work: Path) -> dict:
    runs = {n: cohort(replica, work, n) for n in COHORTS}
    one, ten = runs[1], runs[max(COHORTS)]
    extra = max(COHORTS) - 1
    with cpu_hog():  # every account must finish on a machine whose cores are busy with something else
        busy = cohort(replica, work, max(COHORTS), f"cohort-{max(COHORTS)}-busy")
    return {
        "workers": WORKERS,
        "runs": {str(n): run for n, run in runs.items()},
        "busy": busy,
        "cpu_s_per_account": ten["cpu_s_per_account"],
        "ten_to_one": round(ten["wall_s"] / one["wall_s"], 2),
        "mb_per_extra_account": round((ten["peak_pss_mb"] - one["peak_pss_mb"]) / extra, 1),
        "mb_rss_per_extra_account": round((ten["peak_rss_mb"] - one["peak_rss_mb"]) / extra, 1),
        "mb_per_extra_concurrent_account": round(
            (runs[WORKERS]["peak_pss_mb"] - one["peak_pss_mb"]) / (WORKERS - 1), 1
        ),
    }


@contextmanager
def cpu_hog():
    """A busy loop on every core, as another job would be, ended on leaving; each ends itself after HOG_S at most."""
    loop = f"import time\nend = time.monotonic() + {HOG_S}\nwhile time.monotonic() < end: pass"
    hogs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(os.cpu_count() or 1)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


class CaseFailed(Exception):
    """A case that could not finish; its message says why and where its files are."""


def cohort(replica: Replica, work: Path, count: int, name: str | None = None) -> dict:
    """`auditor run --accounts` of `count` demo copies in a fresh process; wall time, the tree's CPU
    time and peak memory.

    Its folders and its log (the run's stderr) stay in work/<name>/ ; an account that did not
    finish fails the case with the reason its summary row gives.
    """
    name = name or f"cohort-{count}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    lines = ["accounts:"]
    for n in range(1, count + 1):
        account = replica.store.accounts[f"bench-{n}"]
        env[f"BENCH_{n}_EMAIL"], env[f"BENCH_{n}_PASSWORD"] = account.email, account.password
        lines.append(
            f"  - {{name: bench-{n}, platforms: [facebook, instagram], "
            f"email_env: BENCH_{n}_EMAIL, password_env: BENCH_{n}_PASSWORD}}"
        )
    case = work / name
    case.mkdir()
    accounts = case / "accounts.yml"
    accounts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, log = case / "out", case / "stderr.log"
    command = [
        *auditor_command(),
        "run",
        "--accounts",
        str(accounts),
        "--workers",
        str(WORKERS),
        "--replica",
        replica.url,
        "--history",
        str(case / "history.sqlite"),  # recorded as a person's run is, but never in the user's own history
        "-o",
        str(out),
    ]
    with log.open("wb") as stderr:
        started = time.perf_counter()
        process = psutil.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = PeakMemory(process)
        code = process.wait()
        wall = time.perf_counter() - started
        peak.stop()
    summary = out / "summary.json"
    rows = json.loads(summary.read_text(encoding="utf-8"))["accounts"] if summary.is_file() else []
    unfinished = [row for row in rows if row["status"] != "complete"]
    if code != 0 or unfinished or len(rows) != count:
        why = "; ".join(f"{row['name']}: {row['status']}: {row['reason']}" for row in unfinished) or "no summary"
        raise CaseFailed(
            f"{name}: exit {code}, {len(rows) - len(unfinished)} of {count} complete: {why}\n"
            f"  the accounts' folders and summary: {out}\n  the run's log: {log}"
        )
    return {
        "accounts": count,
        "wall_s": round(wall, 2),
        "s_per_account": round(wall / count, 2),
        "peak_pss_mb": round(peak.pss / 2**20, 1),
        "peak_rss_mb": round(peak.rss / 2**20, 1),
        "processes": peak.processes,
        "cpu_s": round(peak.cpu, 1),
        "cpu_s_per_account": round(peak.cpu / count, 1),
    }


class PeakMemory:
    """Samples a process and all its children (Playwright's drivers, the browser's processes) until stopped."""

    def __init__(self, process: psutil.Process):
        self.process, self.pss, self.rss, self.processes, self.cpu = process, 0, 0, 0, 0.0
        self._done = threading.Event()
        self._cpu: dict[int, float] = {}
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            pss = rss = 0
            try:
                tree = [self.process, *self.process.children(recursive=True)]
            except psutil.Error:
                tree = []
            for proc in tree:
                try:
                    info = proc.memory_full_info()
                    times = proc.cpu_times()
                except psutil.Error:  # it ended between the listing and the look
                    continue
                pss, rss = pss + info.pss, rss + info.rss
                self._cpu[proc.pid] = times.user + times.system
            self.pss, self.rss, self.processes = max(self.pss, pss), max(self.rss, rss), max(self.processes, len(tree))
            self._done.wait(SAMPLE_EVERY_S)  # a sampling interval, not a synchronisation

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
        self.cpu = sum(self._cpu.values())  # CPU seconds of every process seen, as of its last sample (a lower bound)


class ChildrenCPU:
    """CPU-seconds the bench's child processes (Playwright's driver, the browser it launched) spend
    until stopped; the bench's own process, which serves the replica, is left out. Sampled like
    PeakMemory, so a lower bound: a renderer that ends between two samples takes its last 0.1 s along."""

    def __init__(self):
        self._before = self._times()
        self._last = dict(self._before)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    @staticmethod
    def _times() -> dict[int, float]:
        times = {}
        for proc in psutil.Process().children(recursive=True):
            try:
                cpu = proc.cpu_times()
            except psutil.Error:  # it ended between the listing and the look
                continue
            times[proc.pid] = cpu.user + cpu.system
        return times

    def _sample(self) -> None:
        while not self._done.wait(CPU_SAMPLE_EVERY_S):  # a sampling interval, not a synchronisation
            self._last.update(self._times())

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        self._last.update(self._times())
        return sum(cpu - self._before.get(pid, 0.0) for pid, cpu in self._last.items())


# ---------------------------------------------------------------------- (c) evaluate and report, offline
def offline(work: Path, repeats: int = 5) -> dict:
    """observations.json of the demo audit grown to SYNTHETIC observations -> findings.json and the report."""
    real = results.read(work / "audit" / "observations.json", results.Observations)
    filler = [
        Observation(
            setting=f"fb.synthetic.s{n}",
            platform="facebook",
            status="observed",
            value="on",
            raw="On",
            options=["On", "Off"],
            flow="facebook/synthetic",
            url="https://www.facebook.com/settings/",
            time=now(),
        )
        for n in range(SYNTHETIC - len(real.observations))
    ]
    grown = Observations(run=real.run, observations=real.observations + filler, pages=real.pages)
    path = results.write(
        work / "audit" / "observations.json", grown
    )  # beside evidence/, so the report embeds the screenshots
    checklist = load_checklist("default")
    steps: dict[str, list[float]] = {"read": [], "evaluate": [], "write_findings": [], "report": []}
    for _ in range(repeats):
        marks = [time.perf_counter()]
        loaded = results.read(path, results.Observations)
        marks.append(time.perf_counter())
        findings = evaluate(loaded, checklist)
        marks.append(time.perf_counter())
        results.write(work / "audit" / "findings.json", findings)
        marks.append(time.perf_counter())
        write_report(findings, work / "audit")
        marks.append(time.perf_counter())
        for (name, times), start, end in zip(steps.items(), marks, marks[1:]):
            times.append(end - start)
    medians = {f"{name}_s": round(statistics.median(times), 3) for name, times in steps.items()}
    totals = [sum(run) for run in zip(*steps.values())]
    return {
        "observations": len(grown.observations),
        "checks": len(checklist.spec.checks),
        **medians,
        "total_s": round(statistics.median(totals), 3),
    }


# ---------------------------------------------------------------------- (d) start-up
def startup(repeats: int = 7) -> dict:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([*auditor_command(), "--help"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 3), "runs_s": rounded(times)}


# ---------------------------------------------------------------------- helpers
def auditor_command() -> list[str]:
    """The installed `auditor` script beside this Python, as a person runs it; else `python -m auditor`."""
    script = Path(sys.executable).with_name("auditor")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "auditor"]


def machine(browser_used: str) -> dict:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "system": platform.platform(terse=True),
        "python": platform.python_version(),
        "playwright": version("playwright"),
        "browser": browser_used,
    }


def rounded(values: list[float]) -> list[float]:
    return [round(v, 2) for v in values]


def quiet(line: str) -> None:
    pass


def print_table(report: dict) -> None:
    f = report["figures"]
    a, c, o, s = f["audit"], f["cohort"], f["offline"], f["startup"]
    cases = [(f"{n} account(s), --workers {c['workers']}", run) for n, run in c["runs"].items()]
    cases.append((f"{max(COHORTS)} accounts next to a CPU hog", c["busy"]))
    rows = [
        ("full audit of demo (pages only)", f"{a['audit_s']:.2f} s", ""),
        ("navigate-only floor", f"{a['floor_s']:.2f} s", ""),
        ("audit / floor", f"{a['ratio']:.2f}x", "audit_to_floor"),
        (
            f"audit under variations (seeds {', '.join(map(str, a['variations']['seeds']))})",
            f"{a['variations']['pages_per_s']:.1f} pages/s (plain {a['pages_per_s']:.1f}), "
            f"{len(a['variations']['differ'])} read otherwise",
            "",
        ),
        ("audit without screenshots / floor", f"{a['ratio_without_evidence']:.2f}x", "audit_to_floor_without_evidence"),
        (
            "browser-side CPU-seconds",
            "audit {audit:.1f}, without screenshots {audit_without_evidence:.1f}, floor {floor:.1f}, "
            "login {login:.1f}".format(**a["browser_cpu_s"]),
            "",
        ),
        *[
            (
                name,
                f"{r['wall_s']:.1f} s, peak {r['peak_pss_mb']:.0f} MB PSS ({r['peak_rss_mb']:.0f} MB RSS), "
                f"{r['cpu_s_per_account']:.1f} CPU s per account",
                "",
            )
            for name, r in cases
        ],
        ("CPU-seconds per account (10 accounts)", f"{c['cpu_s_per_account']:.1f} s", "cpu_s_per_account"),
        ("10 accounts / 1 account", f"{c['ten_to_one']:.2f}x", "ten_to_one"),
        ("memory per extra account", f"{c['mb_per_extra_account']:.1f} MB PSS", "mb_per_extra_account"),
        (f"evaluate + report, {o['observations']:,} observations", f"{o['total_s']:.3f} s", "offline_s"),
        ("auditor --help", f"{s['median_s']:.3f} s", "help_s"),
        (f"auditor history, {f['history']['runs']:,} runs", f"{f['history']['median_s']:.3f} s", "history_s"),
        (
            f"a Worker's write as its page reloads, {f['guard_race']['tries']} times",
            f"{f['guard_race']['writes']} reached the replica, {f['guard_race']['blocked']} blocked",
            "",
        ),
        ("writes sent to the replica", str(f["writes_sent"]), ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{report['machine']['cpu']}, {report['machine']['cores']} cores, {report['machine']['browser']}\n")
    for name, measured, target in rows:
        t = report["targets"].get(target)
        verdict = f"target <= {t['limit']:g}: {'met' if t['met'] else 'MISSED'}" if t else ""
        print(f"{name:<{width}}  {measured:<62} {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
