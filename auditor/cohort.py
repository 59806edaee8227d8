"""Many accounts in one run (`auditor run --accounts FILE`): a folder per account and a summary across them.

One browser, one context per account, N accounts at a time. Sync Playwright objects belong to
the thread that made them, so the workers cannot share one Playwright connection; they share the
browser instead: auditor starts Playwright's own server with one headless Chromium (resolving
Meta's host names to the replica, if there is one), or uses the browser at --connect, and each
worker thread runs its own Playwright and connects to it. A context per account keeps the
accounts' cookies apart as separate browsers would, for a fraction of the memory.

One account that cannot finish (wrong password, a checkpoint, a crash) never stops the others:
its row in the summary says why, and the run exits 1. Accounts get in with a saved session file
or with a login whose email, password and TOTP secret sit in environment variables the accounts
file names; a secret in the file itself is refused.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from auditor import __version__, interrupt, results, yamlio
from auditor.browser import (
    LAUNCH_TIMEOUT_MS,
    BrowserChoice,
    Opened,
    audit_context,
    check_connect,
    opened_browser,
)
from auditor.errors import AuditorError, first_line, say
from auditor.files import check_output_dir, claimed, write_atomic
from auditor.models import Frozen
from auditor.outcome import stop_message
from auditor.results import Severity, Source, now
from auditor.session import WayIn
from auditor.spec import Loaded
from auditor.stages import DEFAULT_TIMEOUT, FlowSet, audit_in
from auditor.target import META, Target

SUMMARY_JSON, SUMMARY_HTML = "summary.json", "summary.html"
# An account's name is its folder's name: no path separators, no dot files, no clash with the summary files.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Fields that would put a secret (or a login) in the file, and the field to use instead.
SECRET_FIELDS = {"password": "password_env", "totp_secret": "totp_env", "totp": "totp_env", "email": "email_env",
                 "cookies": "session"}
TOP_FAILURES = 5
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
ENDPOINT_LINE = re.compile(r"^wss?://\S+$")  # what Playwright's server prints once it listens


# ---------------------------------------------------------------------- the accounts file
class AccountEntry(Frozen):
    """One account of the file: its name (its folder), what to audit, and how it gets in."""

    name: str
    platforms: Annotated[list[Literal["facebook", "instagram"]], Field(min_length=1)]
    # Saved sessions (`auditor login` saves one per platform): a file or a list; relative to the accounts file.
    session: Annotated[list[Path], Field(min_length=1)] | None = None
    email_env: str | None = None  # names of environment variables, never the values
    password_env: str | None = None
    totp_env: str | None = None

    @field_validator("name")
    @classmethod
    def _folder_name(cls, value: str) -> str:
        if not NAME.fullmatch(value):
            raise ValueError("use letters, digits, '-' and '_' (at most 64, starting with a letter or digit): it names the account's folder")
        return value

    @field_validator("session", mode="before")
    @classmethod
    def _one_or_more(cls, value):
        return [value] if isinstance(value, (str, Path)) else value

    @field_validator("platforms")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("name each platform once")
        return value

    @field_validator("email_env", "password_env", "totp_env")
    @classmethod
    def _variable_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.fullmatch(value):
            raise ValueError("the name of an environment variable (letters, digits, '_'), not its value")
        return value

    @model_validator(mode="after")
    def _one_way_in(self):
        login = self.email_env or self.password_env or self.totp_env
        if self.session is not None and login:
            raise ValueError("give either session or email_env and password_env, not both")
        if self.session is None and not (self.email_env and self.password_env):
            raise ValueError("give session (a saved session file) or email_env and password_env (environment variables holding the login)")
        return self


class AccountsFile(Frozen):
    accounts: Annotated[list[AccountEntry], Field(min_length=1)]


@dataclass(frozen=True)
class Account:
    name: str
    platforms: list[str]
    way: WayIn


def load_accounts(path: Path, environ=os.environ) -> list[Account]:
    """The accounts of a file, each with its way in; any problem is `file:line: field: message` (exit 2)."""
    from auditor.session.login import NOT_TOTP, Credentials, is_totp_secret
    from auditor.session.saved import merge_states, read_state

    doc = yamlio.load(path)
    for index, entry in enumerate((doc.data.get("accounts") or []) if isinstance(doc.data, dict) else []):
        for key, instead in SECRET_FIELDS.items():
            if isinstance(entry, dict) and key in entry:
                raise doc.error(("accounts", index, key), f"never put a {key} in the file: give {instead} instead")
    try:
        entries = AccountsFile.model_validate(doc.data).accounts
    except ValidationError as exc:
        # A misspelt field first: its "Field required" twin would hide the typo.
        err = next((e for e in exc.errors() if e["type"] == "extra_forbidden"), exc.errors()[0])
        raise doc.error(tuple(err["loc"]), err["msg"].removeprefix("Value error, ")) from None
    seen: set[str] = set()
    accounts = []
    for index, entry in enumerate(entries):
        if entry.name.lower() in seen:  # folders of names that differ in case only are one folder on some systems
            raise doc.error(("accounts", index, "name"), f"{entry.name} is used twice (each account has its own folder)")
        seen.add(entry.name.lower())
        if entry.session is not None:
            listed = isinstance(doc.data["accounts"][index]["session"], list)  # where an error points: the item or the key
            files = []
            for n, file in enumerate(entry.session):
                file = file if file.is_absolute() else Path(path).parent / file
                if not file.is_file():
                    raise doc.error(("accounts", index, "session", n) if listed else ("accounts", index, "session"), f"{file}: no such file")
                files.append(file)
            way = WayIn(state=merge_states([read_state(file) for file in files]), source="session " + ", ".join(map(str, files)))
        else:
            values = {}
            for key in ("email_env", "password_env", "totp_env"):
                variable = getattr(entry, key)
                if variable is not None:
                    values[key] = environ.get(variable)
                    if not values[key]:
                        raise doc.error(("accounts", index, key), f"the environment variable {variable} is not set")
                    if key == "totp_env" and not is_totp_secret(values[key]):
                        raise doc.error(("accounts", index, key), f"the environment variable {variable}: {NOT_TOTP}")
            way = WayIn(credentials=Credentials(values["email_env"], values["password_env"], values.get("totp_env")),
                        source=entry.email_env)
        accounts.append(Account(entry.name, list(entry.platforms), way))
    return accounts


# ---------------------------------------------------------------------- the summary
class Failure(Frozen):
    check: str
    title: str
    severity: Severity


class AccountRow(Frozen):
    """One account in the summary: how its audit ended, and what it found."""

    name: str
    platforms: list[str]
    status: Literal["complete", "incomplete", "failed"]  # incomplete: stopped (login, checkpoint); failed: crashed
    reason: str = ""  # why it did not finish, and what to do
    counts: dict[str, int] = {}  # findings per status: fail, pass, unknown, manual, not_applicable
    score: int | None = None
    top_failures: list[Failure] = []  # most severe first
    writes_sent: int = 0
    writes_blocked: int = 0


class CheckRow(Frozen):
    """One check across the accounts: which fail it."""

    check: str
    title: str  # the failure title: what to do
    severity: Severity
    category: str
    failing: list[str]  # account names
    passing: int
    unknown: int


class Summary(Frozen):
    schema_version: int = results.SCHEMA_VERSION
    kind: Literal["summary"] = "summary"
    tool_version: str
    started: str
    finished: str
    target: str
    browser: str
    workers: int
    checklist: Source
    accounts: list[AccountRow]
    checks: list[CheckRow]  # most often failing first

    @property
    def exit_code(self) -> int:
        return 0 if all(row.status == "complete" for row in self.accounts) else 1


def account_row(account: Account, observations: results.Observations, findings: results.Findings) -> AccountRow:
    counts = {status: sum(f.status == status for f in findings.findings) for status in ("fail", "pass", "unknown", "manual", "not_applicable")}
    failures = sorted((f for f in findings.findings if f.status == "fail"), key=lambda f: SEVERITY_ORDER.index(f.severity))
    return AccountRow(
        name=account.name, platforms=account.platforms, status="complete" if observations.run.complete else "incomplete",
        reason=stop_message(observations) or "", counts=counts, score=findings.overall.score,
        top_failures=[Failure(check=f.check, title=f.title, severity=f.severity) for f in failures[:TOP_FAILURES]],
        writes_sent=observations.run.writes_sent, writes_blocked=observations.run.writes_blocked,
    )


def tally(checklist: Loaded, findings: dict[str, results.Findings]) -> list[CheckRow]:
    """Per check, the accounts that fail it; most often failed first, then the most severe, then checklist order."""
    status = {name: {f.check: f.status for f in found.findings} for name, found in findings.items()}
    rows = [
        CheckRow(check=check.id, title=check.failure_title, severity=check.severity, category=check.category,
                 failing=[name for name in findings if status[name].get(check.id) == "fail"],
                 passing=sum(status[name].get(check.id) == "pass" for name in findings),
                 unknown=sum(status[name].get(check.id) == "unknown" for name in findings))
        for check in checklist.spec.checks
    ]
    return sorted(rows, key=lambda row: (-len(row.failing), SEVERITY_ORDER.index(row.severity)))


def write_summary(out: Path, summary: Summary) -> Path:
    """summary.json and summary.html (what an organisation reads first); returns summary.html."""
    from auditor.report import environment

    results.write(out / SUMMARY_JSON, summary)
    return write_atomic(out / SUMMARY_HTML, environment().get_template("summary.html.j2").render(s=summary))


# ---------------------------------------------------------------------- the run
@dataclass
class Job:
    """What every worker shares; read-only once they start, but for the browser's line."""

    out: Path
    flow_set: FlowSet
    checklist: Loaded
    target: Target
    pace: float | None
    trace: bool
    timeout: float  # seconds each account's audit may take
    choice: BrowserChoice | None = None  # the browser started here; None with --connect
    browser: str = ""  # "browser: ...", said once, when the first worker has connected
    _said: threading.Lock = field(default_factory=threading.Lock)

    def browser_line(self, browser, connected: str) -> str:
        """What the run's files say about the browser: the one auditor chose, or the one at --connect."""
        line = self.choice.describe(browser.version) if self.choice is not None else connected
        with self._said:
            if not self.browser:
                self.browser = line
                say(line)
        return line


def run_cohort(accounts_file: Path, out: Path, *, workers: int = 4, checklist: str = "default", target: Target = META,
               connect: str | None = None, browser_path: str | None = None, pace: float | None = None,
               trace: bool = False, timeout: float | None = None) -> Summary:
    """Audit every account of the file, `workers` at a time, into out/<name>/; write and return the summary."""
    accounts = load_accounts(accounts_file)  # bad input fails before any browser starts, and nothing is written
    flow_set = FlowSet.load()
    loaded = flow_set.checklist(checklist)
    check_output_dir(out)
    if connect:
        check_connect(connect)
    job = Job(Path(out), flow_set, loaded, target, pace, trace, timeout or DEFAULT_TIMEOUT)
    started = now()
    rows: dict[str, AccountRow] = {}
    found: dict[str, results.Findings] = {}

    def summary() -> Summary:
        for account in accounts:  # not audited: no worker reached the browser, or Ctrl-C came first
            rows.setdefault(account.name, AccountRow(name=account.name, platforms=account.platforms, status="failed",
                                                     reason="not audited: the run stopped first"))
        return Summary(
            tool_version=__version__, started=started, finished=now(), target=target.label,
            browser=job.browser.removeprefix("browser: "), workers=workers,
            checklist=Source(id=loaded.id, sha256=loaded.sha256, version=loaded.spec.version, title=loaded.spec.title),
            accounts=[rows[a.name] for a in accounts], checks=tally(loaded, dict(found)),
        )

    with claimed(out):
        try:
            with interrupt.stop_between_pages(say), shared_browser(connect, browser_path, target) as (endpoint, choice):
                job.choice = choice
                run_accounts(accounts, min(workers, len(accounts)), endpoint, job, rows, found)
        except KeyboardInterrupt:  # the second Ctrl-C: what finished is written, with the summary of it
            write_summary(job.out, summary())
            raise
        done = summary()
        write_summary(job.out, done)
    return done


@contextmanager
def shared_browser(connect: str | None, browser_path: str | None, target: Target):
    """(endpoint, choice) of the browser every worker connects to: the one at --connect (choice None), or one started here."""
    if connect:
        if target.is_replica:
            say(target.remote_browser_note())
        yield connect, None
        return
    from playwright.sync_api import sync_playwright

    from auditor import browser

    with sync_playwright() as playwright:  # only to find a Chromium Playwright downloaded, as a single run would
        choice = browser.resolve(browser_path, playwright=playwright)
    with playwright_server(choice.path, target.launch_args()) as endpoint:
        yield endpoint, choice


@contextmanager
def playwright_server(executable: str | None, args: list[str]):
    """A Playwright server on loopback with one headless Chromium (launched as `auditor run` launches it); yields its ws:// URL.

    Its address ends in a random path that only this run knows, and it launches the browser over
    a pipe, so no DevTools port is open. The server drives each page once, whichever worker it
    belongs to (workers connected over DevTools would each attach to every worker's pages).
    """
    # Playwright's own command line, run as `python -m playwright` runs it; the server is one of its commands.
    from playwright._impl._driver import compute_driver_executable, get_driver_env

    node, cli = compute_driver_executable()
    options = {"headless": True, "args": args, "host": "127.0.0.1", "port": 0, "timeout": LAUNCH_TIMEOUT_MS}
    with tempfile.TemporaryDirectory(prefix="auditor-server-") as folder:
        config = Path(folder) / "launch.json"
        config.write_text(json.dumps({**options, "executablePath": executable} if executable else options), encoding="utf-8")
        try:
            process = subprocess.Popen([node, cli, "launch-server", "--browser", "chromium", "--config", str(config)],
                                       env=get_driver_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, errors="replace",
                                       start_new_session=True)  # a terminal's Ctrl-C must not stop it under the pages in progress
        except OSError as exc:
            raise AuditorError(f"could not start Playwright's server ({node}): {exc.strerror or exc}") from None
        found, last = queue.SimpleQueue(), deque(maxlen=3)
        reader = threading.Thread(target=_read_output, args=(process, found, last), name="auditor-server-output", daemon=True)
        reader.start()
        try:
            yield _endpoint(found, last, executable or "Playwright's Chromium")
        finally:
            process.terminate()  # the server closes its browser on the way out
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            reader.join(timeout=30)  # the output ends with the server
            process.stdout.close()


def _read_output(process: subprocess.Popen, found: queue.SimpleQueue, last: deque) -> None:
    """Puts the ws:// URL the server prints once its browser runs on `found`, then None when it exits.

    Reads for as long as the server runs: a full pipe would block it. `last` keeps the last lines, for an error.
    """
    for line in process.stdout:
        if ENDPOINT_LINE.match(line):
            found.put(line.strip())
        elif line.strip():
            last.append(line.strip())
    found.put(None)


def _endpoint(found: queue.SimpleQueue, last: deque, what: str) -> str:
    """The server's ws:// URL, once it listens; an error with its last words if it never does."""
    try:
        endpoint = found.get(timeout=LAUNCH_TIMEOUT_MS / 1000 + 10)
    except queue.Empty:
        endpoint = None
    if endpoint is None:
        raise AuditorError(f"could not start {what} in Playwright's server: {last[-1] if last else 'it did not say why'}")
    return endpoint


def run_accounts(accounts: list[Account], workers: int, endpoint: str, job: Job, rows: dict, found: dict) -> None:
    """Audit the accounts on `workers` threads, each with its own Playwright connected to `endpoint`.

    Fills `rows` (a row per account) and `found` (the findings of each account that got that far).
    """
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for account in accounts:
        todo.put(account)
    trouble: list[str] = []  # why a worker could not use the browser
    stop = threading.Event()

    def work() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright, opened_browser(playwright, connect=endpoint) as opened:
                while not stop.is_set() and not interrupt.requested():
                    try:
                        account = todo.get_nowait()
                    except queue.Empty:
                        return
                    rows[account.name] = audit_one(opened, job.browser_line(opened.browser, opened.description), account, job, found)
        except Exception as exc:  # this worker has no browser; the others take its accounts
            trouble.append(first_line(exc))

    threads = [threading.Thread(target=work, name=f"auditor-worker-{n}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        stop.set()  # after Ctrl-C no worker starts another account
    for account in accounts:
        if account.name not in rows and trouble:
            rows[account.name] = AccountRow(name=account.name, platforms=account.platforms, status="failed",
                                            reason=f"no browser to audit it in: {trouble[0]}")


def audit_one(opened, description: str, account: Account, job: Job, found: dict) -> AccountRow:
    """One account, start to end, in its own context of the shared browser; a crash is its row's reason."""
    folder = job.out / account.name
    secrets = account.way.secrets()

    def tell(line: str) -> None:
        say(f"[{account.name}] {line}")

    try:
        folder.mkdir(parents=True, exist_ok=True)
        as_chosen = Opened(opened.browser, description, opened.watchdog)  # the run's files name the browser auditor chose
        with audit_context(as_chosen, target=job.target, storage_state=account.way.state,
                           trace=folder / "trace.zip" if job.trace else None, secrets=secrets) as guarded:
            observations, findings = audit_in(guarded, account.platforms, account.way, job.flow_set, job.checklist, folder,
                                              target=job.target, pace=job.pace, deadline=time.monotonic() + job.timeout,
                                              say=tell)
    except Exception as exc:  # one account's crash never stops the others: the summary says why
        reason = secrets.scrub(first_line(exc))
        tell(f"failed: {reason}")
        return AccountRow(name=account.name, platforms=account.platforms, status="failed", reason=reason)
    found[account.name] = findings
    return account_row(account, observations, findings)


