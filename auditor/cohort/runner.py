"""The run over many accounts: `workers` threads, each with its own Playwright and browser, one account at a time.

Sync Playwright objects belong to the thread that made them, so each worker runs its own
Playwright and opens its own browser as a single `auditor run` does: a headless Chromium
launched here (resolving Meta's host names to the replica, if there is one) or the browser at
--connect. Each account gets a new context of its worker's browser, which keeps the accounts'
cookies apart as separate browsers would; a browser that went away is replaced for the next
account. Every protocol message goes straight from a worker's driver to its browser.

One account that cannot finish (wrong password, a checkpoint, a crash) never stops the others:
its row in the summary says why, and the run exits 1.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from playwright.sync_api import sync_playwright

from auditor import __version__, interrupt, results
from auditor.browser import Opened, check_connect
from auditor.cohort.accounts import Account, load_accounts
from auditor.cohort.shards import share
from auditor.cohort.summary import (
    AccountRow,
    Shard,
    Summary,
    account_row,
    failed_row,
    language_of_most,
    tally,
    write_summary,
)
from auditor.errors import first_line, say
from auditor.files import check_output_dir, claimed
from auditor.history import Recording
from auditor.options import Options
from auditor.outcome import stop_message
from auditor.results import Source, now
from auditor.stages import audit_in
from auditor.visit import open_visit, run_browser


@dataclass
class Job:
    """What every worker shares: the run's options; read-only once they start, but for what is said once."""

    out: Path
    options: Options  # the checklist loaded
    before: dict = field(default_factory=dict)  # account name -> checks it failed at its previous recorded run
    browser_used: str = ""  # which browser, said once, when the first worker has its own
    _said: threading.Lock = field(default_factory=threading.Lock)

    def tell_browser(self, browser_used: str) -> None:
        with self._said:
            if not self.browser_used:
                self.browser_used = browser_used
                say(f"browser: {browser_used}")


def run_cohort(
    accounts_file: Path,
    out: Path,
    options: Options,
    *,
    workers: int = 4,
    shard: tuple[int, int] | None = None,
) -> Summary:
    """Audit every account of the file, `workers` at a time, into out/<name>/; write and return the summary.

    Each account gets in its own way (the file's), with the run's options otherwise (its history names are
    the account's name). `shard` (index, count): only the accounts of that shard (auditor.cohort.shards).
    """
    accounts = load_accounts(accounts_file)  # bad input fails before any browser starts, and nothing is written
    listed = len(accounts)
    if shard is not None:
        accounts = share(accounts, *shard)
        if not accounts:
            say(f"shard {shard[0]} of {shard[1]}: no account (the file lists {listed})")
    loaded = options.flow_set.checklist(options.checklist)
    check_output_dir(out)
    if options.connect:
        check_connect(options.connect)
        if options.target.is_replica:
            say(options.target.remote_browser_note())
    job = Job(Path(out), replace(options, checklist=loaded))
    history, lang = options.history, options.lang
    started = now()
    rows: dict[str, AccountRow] = {}
    found: dict[str, results.Findings] = {}

    def summary() -> Summary:
        for account in accounts:  # not audited: no worker had a browser, or Ctrl-C came first
            rows.setdefault(account.name, failed_row(account, "not audited: the run stopped first"))
        return Summary(
            tool_version=__version__,
            started=started,
            finished=now(),
            target=options.target.label,
            browser=job.browser_used,
            workers=workers,
            checklist=Source(id=loaded.id, sha256=loaded.sha256, version=loaded.spec.version, title=loaded.spec.title),
            accounts=[rows[a.name] for a in accounts],
            checks=tally(
                loaded,
                {a.name: found[a.name] for a in accounts if a.name in found},  # in the file's order, not the finishing
                dict(job.before) if history is not None else None,
            ),
            shard=Shard(index=shard[0], count=shard[1], listed=listed) if shard is not None else None,
        )

    with claimed(out):
        try:
            with interrupt.stop_between_pages(say):
                run_accounts(accounts, min(workers, len(accounts)), job, rows, found)
        except KeyboardInterrupt:  # the second Ctrl-C: what finished is written, with the summary of it
            write_summary(job.out, summary(), lang or language_of_most(found))
            raise
        done = summary()
        write_summary(job.out, done, lang or language_of_most(found))
    return done


def run_accounts(accounts: list[Account], workers: int, job: Job, rows: dict, found: dict) -> None:
    """Audit the accounts on `workers` threads, each with its own Playwright and browser.

    Fills `rows` (a row per account) and `found` (the findings of each account that got that far).
    """
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for account in accounts:
        todo.put(account)
    trouble: list[str] = []  # why a worker could not open a browser
    stop = threading.Event()

    def more() -> bool:
        return not (stop.is_set() or interrupt.requested() or todo.empty())

    def next_account() -> Account | None:
        try:
            return todo.get_nowait() if more() else None
        except queue.Empty:  # another worker took the last one
            return None

    def work() -> None:
        try:
            with sync_playwright() as playwright:
                while more():  # a browser, and another after one that went away
                    with run_browser(playwright, job.options) as opened:
                        job.tell_browser(opened.browser_used)
                        while (account := next_account()) is not None:
                            rows[account.name] = audit_one(opened, account, job, found)
                            if not opened.browser.is_connected():  # crashed, or killed by its watchdog: a new one
                                break
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
            rows[account.name] = failed_row(account, f"no browser to audit it in: {trouble[0]}")


def audit_one(opened: Opened, account: Account, job: Job, found: dict) -> AccountRow:
    """One account, start to end, in a new visit in its worker's browser; a crash is its row's reason."""
    folder = job.out / account.name
    options = job.options

    def tell(line: str) -> None:
        say(f"[{account.name}] {line}")

    recording = Recording(options.history, names=(account.name,)) if options.history is not None else None
    visit = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open_visit(options, account.platforms, folder, opened=opened, way=account.way, say=tell) as visit:
            observations, findings = audit_in(visit, recording)
    except Exception as exc:  # one account's crash never stops the others: the summary says why
        secrets = visit.secrets if visit is not None else account.way.secrets()
        reason = secrets.scrub(first_line(exc))
        tell(f"failed: {reason}")
        return failed_row(account, reason)
    found[account.name] = findings
    row = account_row(account, observations, findings, stop_message(observations) or "")
    if recording is not None and recording.error is not None:  # the audit's files are written; the run exits 1
        tell(f"auditor: error: {recording.error}")
        return row.model_copy(
            update={"status": "incomplete", "reason": f"not recorded in the history: {recording.error}"}
        )
    if recording is not None and recording.since is not None:
        job.before[account.name] = recording.since.previous_failing
    return row
