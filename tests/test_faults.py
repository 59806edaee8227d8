"""Whatever happens, what was read is kept: a site or a browser that goes away, a time limit, server
errors, a full disk, and two runs into one folder.

Runs are real `auditor` processes; the states they wait for come from the replica's own logs,
the run's files and its lock, never from a fixed sleep. Time bounds here catch a hang, they make
no claim about speed.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import auditor_argv, cli_env, descendants, page_requested, run_auditor, start_auditor, wait_until

from auditor import files, results
from auditor.cli import main
from auditor.errors import AuditorError
from auditor.watchdog import Watchdog

pytestmark = pytest.mark.long  # whole runs under faults: the module starts first (see conftest)

HANG = 180  # seconds after which a run that should have ended counts as hung (generous: a busy machine)


def finished(process: subprocess.Popen, timeout: float = HANG) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"auditor still ran after {timeout} s; stderr:\n{err}")
    return process.returncode, out, err


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("auditor: error:")]
    assert len(lines) == 1, err
    return lines[0]


# ---------------------------------------------------------------------- the site or the browser goes away
def test_a_site_killed_mid_run_keeps_what_was_read_and_exits_1(tmp_path, replica):
    """The replica process is killed while the audit reads Facebook's posts page (held there, after three pages):
    the run ends within seconds, with its files."""
    out = tmp_path / "run"
    read = ("accounts_center/ad_partners", "accounts_center/two_factor", "facebook/how_people_find_and_contact_you")
    pages = [arg for page in (*read, "facebook/posts", "instagram/account_privacy") for arg in ("--flow", page)]
    with subprocess.Popen(
        auditor_argv("replica", "serve", "--port", "0", "--mutate", "hold:fb_posts"),
        env={**os.environ, "TMPDIR": str(tmp_path)},  # killed, it cannot remove its folder: the test's folder holds it
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as served:
        try:
            url = served.stdout.readline().split()[1]
            run = start_auditor(
                "run",
                "facebook",
                "instagram",
                *pages,
                "--replica",
                url,
                "-o",
                out,
                env=cli_env(tmp_path, replica.store.accounts["demo"]),
            )
            wait_until(
                lambda: (out / "evidence").is_dir() and len(list((out / "evidence").iterdir())) >= 3, timeout=HANG
            )
        finally:
            served.kill()
    code, _, err = finished(run)
    assert code == 1
    assert "the site stopped answering" in one_error_line(err)
    observations = results.read(out / "observations.json", results.Observations)
    reasons = {o.reason for o in observations.observations if o.status == "unknown"}
    # The page in progress when the site died may show its loading bar until its time runs out (timeout).
    assert "site_unreachable" in reasons and reasons <= {"site_unreachable", "error", "not_found", "timeout"}
    assert sum(o.status == "observed" for o in observations.observations) >= 3  # what was read before is kept
    assert not observations.run.complete
    assert (out / "report.html").is_file() and (out / "findings.json").is_file()
    assert not list(out.glob(".*.tmp")) and not (out / files.LOCK_NAME).exists()


def test_a_browser_that_goes_away_mid_run_keeps_what_was_read_and_exits_1(tmp_path, replica):
    account = replica.store.accounts["demo"]
    replica.knobs.set("hold:fb_stories")  # the run waits here, on a known page, when the browser is killed
    out = tmp_path / "observations.json"
    pages = ("--flow", "facebook/posts", "--flow", "facebook/stories")
    env = cli_env(tmp_path, account, TMPDIR=str(tmp_path))  # the killed browser cannot remove its profile folder
    run = start_auditor("observe", "facebook", *pages, "--replica", replica.url, "-o", out, env=env)
    wait_until(lambda: page_requested(replica, "tab=stories"), timeout=HANG)
    chromium = [  # the browser's main process: its helpers carry --type=
        p
        for p, argv in descendants(run.pid).items()
        if argv and "chrom" in argv[0].lower() and not any(a.startswith("--type=") for a in argv)
    ]
    assert chromium, "no browser process under the run"
    for process in chromium:
        process.kill()
    code, _, err = finished(run)
    assert code == 1
    assert "the browser went away" in one_error_line(err)
    observations = results.read(out, results.Observations)
    pages = {p.flow: p for p in observations.pages}
    assert pages["facebook/posts"].status == "ok"
    assert pages["facebook/stories"].reason == "browser_closed"
    assert replica.writes() == []


def test_a_site_that_never_answers_stops_after_a_few_pages_in_a_row(browser, replica, monkeypatch, tmp_path):
    """Every request hangs (a server that takes connections and never answers): after a few pages in a row
    that did not load in time the run stops, the rest marked as the site having stopped answering."""
    from conftest import replica_options

    from auditor.browser import Opened
    from auditor.meta import select_flows
    from auditor.observe import page, stage
    from auditor.options import FlowSet
    from auditor.outcome import stop_message
    from auditor.visit import open_visit

    monkeypatch.setattr(page, "READY_TIMEOUT_MS", 1_000)  # each page's own bound, short for the test
    flow_set = FlowSet.load()
    flows = select_flows(flow_set.flows, ["facebook"])
    signed_out = tmp_path / "session.json"  # a way in with no login: the pages never answer anyway
    signed_out.write_text('{"cookies": [], "origins": []}')
    options = replica_options(replica, FlowSet(flows, flow_set.vocabulary, []), session=signed_out)
    with open_visit(options, ["facebook"], opened=Opened(browser, "test"), say=lambda line: None) as visit:
        visit.context.route("**/*", lambda route: None)  # after the guard's, so first: never answered
        observations = stage.observe_in(visit)
    tried = [p.reason for p in observations.pages][: stage.TIMEOUTS_IN_A_ROW]
    rest = {(p.status, p.reason) for p in observations.pages[stage.TIMEOUTS_IN_A_ROW :]}
    assert len(flows) > stage.TIMEOUTS_IN_A_ROW and tried == ["timeout"] * stage.TIMEOUTS_IN_A_ROW
    assert rest == {("unknown", "site_unreachable")}
    assert "the site stopped answering" in stop_message(observations)


# ---------------------------------------------------------------------- time
def test_a_slow_site_ends_at_the_time_limit_with_pages_marked_timeout(tmp_path, replica):
    account = replica.store.accounts["demo"]
    replica.knobs.set("slow:*:20000")
    out = tmp_path / "observations.json"
    started = time.monotonic()
    code, _, err = finished(
        start_auditor(
            "observe",
            "facebook",
            "--replica",
            replica.url,
            "--timeout",
            "10",
            "-o",
            str(out),
            env=cli_env(tmp_path, account),
        )
    )
    assert code == 1
    assert time.monotonic() - started < HANG
    assert "time limit" in one_error_line(err) and "--timeout" in err
    observations = results.read(out, results.Observations)
    settings = [o for o in observations.observations if o.flow]
    assert settings and {(o.status, o.reason) for o in settings} == {("unknown", "timeout")}  # never not_found
    assert "still loading" in observations.pages[0].detail


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf"])
def test_a_time_limit_that_is_not_a_number_of_seconds_is_bad_input(capsys, tmp_path, value):
    code = main(["observe", "facebook", "--timeout", value, "-o", str(tmp_path / "o.json")])
    assert code == 2
    assert "--timeout" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_server_errors_on_every_page_exit_1_with_the_partial_report(tmp_path, replica):
    account = replica.store.accounts["demo"]
    replica.knobs.set("error:*")
    out = tmp_path / "run"
    pages = ("--flow", "accounts_center/two_factor", "--flow", "facebook/posts", "--flow", "facebook/stories")
    code, _, err = finished(
        start_auditor("run", "facebook", *pages, "--replica", replica.url, "-o", out, env=cli_env(tmp_path, account))
    )
    assert code == 1
    assert "page(s) answered with an error" in one_error_line(err)
    findings = results.read(out / "findings.json", results.Findings)
    assert findings.findings and (out / "report.html").is_file()
    reasons = [p.reason for p in results.read(out / "observations.json", results.Observations).pages]
    assert reasons == ["error"] * 3


# ---------------------------------------------------------------------- the watchdog
def test_the_watchdog_kills_the_browser_only_when_a_bound_overruns():
    """A bound left in time never fires, even long after its time went by; one that overruns kills the process;
    inside a bound, a nested one applies."""
    spare, victim = (subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]) for _ in range(2))
    watchdog, witness = Watchdog(spare.pid), Watchdog(victim.pid)
    try:
        with watchdog.bound(0.2, "left in time"):
            pass
        # The witness's bound, on a watchdog of its own, is ten times as long: once it fired (the state: its process
        # is gone), the first bound's time has long passed.
        with witness.bound(2, "witness"):
            victim.wait(timeout=60)
        assert witness.fired == "witness"
        assert spare.poll() is None and watchdog.fired is None
        with watchdog.bound(30, "outer"):
            with watchdog.bound(0.1, "inner"):
                spare.wait(timeout=60)  # the state: the process is gone
        assert watchdog.fired == "inner"
    finally:
        for dog, process in ((watchdog, spare), (witness, victim)):
            dog.close()
            process.kill()


# ---------------------------------------------------------------------- a full disk
def full_disk_after(limit: int):
    """A stand-in for files._write_all on a disk with `limit` bytes left: writes that much, then ENOSPC."""
    left = [limit]

    def write_all(fd, data):
        written = os.write(fd, bytes(data[: max(left[0], 0)])) if left[0] > 0 else 0
        left[0] -= written
        if written < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write_all


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "findings.json"
    target.write_text("the previous run's findings")
    monkeypatch.setattr(files, "_write_all", full_disk_after(10))
    with pytest.raises(AuditorError) as raised:
        files.write_atomic(target, "x" * 1000)
    assert str(raised.value) == f"could not write {target}: No space left on device; the files already there were kept"
    assert target.read_text() == "the previous run's findings"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json"]


def disk_of(folder, capacity: int):
    """A stand-in for files._write_all on a disk that holds `capacity` bytes, of which `folder`'s files use some."""

    def write_all(fd, data):
        used = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        if used + len(data) > capacity:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.write(fd, bytes(data))

    return write_all


def test_a_disk_the_screenshots_filled_still_takes_the_observations(browser, replica, tmp_path, monkeypatch):
    """The screenshots are written page by page, the observations at the end: when the screenshots have filled
    the disk, they give way, and every reading is kept."""
    from conftest import account_login, replica_options

    from auditor.browser import Opened
    from auditor.observe.stage import observe_in
    from auditor.options import FlowSet
    from auditor.stages import write_observations
    from auditor.visit import open_visit

    flow_set = FlowSet.load()
    flows = [f for f in flow_set.flows if f.id in ("facebook/posts", "facebook/stories")]
    said = []
    only = FlowSet(flows, flow_set.vocabulary, [])
    options = replica_options(replica, only, credentials=account_login(replica, "demo"), evidence=True)
    with open_visit(options, ["facebook"], tmp_path, opened=Opened(browser, "test"), say=lambda line: None) as visit:
        observations = observe_in(visit)
    shots = list((tmp_path / "evidence").iterdir())
    assert len(shots) == 2 and all(p.screenshot for p in observations.pages)
    used = sum(p.stat().st_size for p in shots)
    monkeypatch.setattr(files, "_write_all", disk_of(tmp_path, used + 1_000))  # less than the observations need
    write_observations(tmp_path / "observations.json", observations, said.append)
    kept = results.read(tmp_path / "observations.json", results.Observations)
    assert [o.value for o in kept.observations] == [o.value for o in observations.observations]
    assert sum(o.status == "observed" for o in kept.observations) >= 3
    assert [p.screenshot for p in kept.pages] == [None, None] and list((tmp_path / "evidence").iterdir()) == []
    assert any("screenshots" in line and "disk" in line for line in said)


def test_a_full_disk_during_a_run_is_one_line_exit_1(tmp_path, monkeypatch, capsys):
    """`auditor report` on a disk that fills up half way: one line, exit 1, the old report whole, no temporary files."""
    from test_report import GOLDEN

    out = tmp_path / "report"
    out.mkdir()
    (out / "report.html").write_text("the previous report")
    monkeypatch.setattr(files, "_write_all", full_disk_after(5000))
    code = main(["report", str(GOLDEN / "eu.json"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert one_error_line(err).startswith("auditor: error: could not write ")
    assert (out / "report.html").read_text() == "the previous report"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_a_file_size_limit_of_the_system_is_one_line_exit_1(tmp_path):
    """The operating system refuses the write (a file-size limit, as a full disk would): no traceback,
    nothing half-written."""
    import resource

    from test_report import GOLDEN

    out = tmp_path / "report"
    out.mkdir()
    (out / "report.html").write_text("the previous report")
    limit = 8_000  # report.html of these findings is larger
    done = run_auditor(
        "report",
        GOLDEN / "eu.json",
        "-o",
        out,
        env=cli_env(tmp_path),
        timeout=HANG,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert done.returncode == 1
    assert "could not write" in one_error_line(done.stderr) and "File too large" in done.stderr
    assert (out / "report.html").read_text() == "the previous report"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------------- one run per folder
def test_a_second_run_into_the_same_folder_stops_at_once(tmp_path, replica):
    """While another run holds the folder (a process that claimed it as a run does), `auditor run` into it
    stops at once."""
    out = tmp_path / "run"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from auditor.files import claimed\n"
            f"with claimed({str(out)!r}):\n    print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        second = run_auditor(
            "run",
            "facebook",
            "--replica",
            replica.url,
            "-o",
            out,
            env=cli_env(tmp_path, replica.store.accounts["demo"]),
        )
        code, err = second.returncode, second.stderr
        assert code == 2
        assert f"{out}: -o: another auditor run (pid {holder.pid}) is writing into this folder" in one_error_line(err)
        assert not page_requested(replica, "/settings"), "the second run never started auditing"
    finally:
        holder.communicate("")
    assert holder.returncode == 0 and not (out / files.LOCK_NAME).exists()


def test_a_folder_a_run_created_for_nothing_is_removed(tmp_path):
    with files.claimed(tmp_path / "new" / "run"):
        assert (tmp_path / "new" / "run" / files.LOCK_NAME).is_file()
    assert not (tmp_path / "new" / "run").exists()
    with files.claimed(tmp_path / "kept"):
        (tmp_path / "kept" / "report.html").write_text("written")
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["report.html"]
