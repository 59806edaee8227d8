"""Capture the pattern goldens (tests/snapshots/patterns/*.yml) from the replica, in a browser.

    .venv/bin/python -m tests.capture_patterns [FILE ...]     (FILE: switch, audience, ..., de_DE, loads)

Each file is rewritten whole; review the diff. The replica receives no write while capturing (checked).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pattern_cases, as pytest imports it

import pattern_cases as cases  # noqa: E402
import pattern_render as render  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from auditor import browser as browsers  # noqa: E402
from auditor import spec  # noqa: E402
from auditor.guard import Network  # noqa: E402
from auditor.replica.server import Replica  # noqa: E402
from auditor.session.login import login  # noqa: E402
from auditor.session.way_in import Credentials  # noqa: E402
from auditor.target import Target  # noqa: E402


def plan(name: str):
    """(account, page, assignment) for every entry of one file."""
    if name == "de_DE":
        return [(a, p, x) for a, p in cases.GERMAN for x in _sweep(a, p, german=True)]
    if name == "loads":
        return [(a, p, x) for a, p in cases.LOAD_PAGES for x in cases.load_sweep(_account(a), p)]
    return [(a, p, x) for a, p in cases.SWEEPS[name] for x in _sweep(a, p)]


def _account(account_id: str):
    from auditor.replica.registry import load_accounts

    return next(a for a in load_accounts() if a.id == account_id)


def _sweep(account_id: str, page_id: str, german: bool = False):
    return cases.sweep(_account(account_id), page_id, german)


def entry(replica, page, name: str, n: int, account_id: str, page_id: str, assignment) -> dict:
    render.set_up(replica, account_id, assignment)
    want = render.expected(replica, account_id, page_id, assignment)
    shots = render.render(page, replica, account_id, page_id, assignment)
    return {
        "id": f"{name}-{n:04d}",
        "account": account_id,
        "flow": cases.FLOWS[page_id],
        "url": cases.url(page_id),
        "locale": replica.store.accounts[account_id].locale,
        "cases": [
            {"setting": setting, "pattern": str(pattern), **want[setting], "needs": cases.needs(pattern)}
            for setting, (pattern, _value) in assignment.items()
        ],
        **shots,
    }


def main(names: list[str]) -> None:
    unknown = set(names) - set(cases.files())
    if unknown:
        raise SystemExit(f"unknown golden file(s) {sorted(unknown)}: one of {', '.join(cases.files())}")
    cases.FOLDER.mkdir(parents=True, exist_ok=True)
    vocabulary = spec.load_vocabulary()
    with Replica() as replica, sync_playwright() as playwright:
        choice = browsers.resolve(playwright=playwright)
        browser = playwright.chromium.launch(executable_path=choice.path, args=Target(replica.url).launch_args())
        pages = {}
        for account_id in ("demo", "de"):
            context = browser.new_context(ignore_https_errors=True)
            Network(audit=False).install(context)
            account = replica.store.accounts[account_id]
            for platform in ("facebook", "instagram"):
                login(context, platform, Credentials(account.email, account.password, account.totp_secret), vocabulary)
            pages[account_id] = context.new_page()
        for name in names or cases.files():
            started = time.monotonic()
            entries = [
                entry(replica, pages[account_id], name, n, account_id, page_id, assignment)
                for n, (account_id, page_id, assignment) in enumerate(plan(name))
            ]
            if replica.writes():
                raise SystemExit(f"capturing {name} sent {len(replica.writes())} write(s) to the replica")
            path = cases.FOLDER / f"{name}.yml"
            path.write_text(cases.dump(entries), encoding="utf-8")
            count = sum(len(e["cases"]) for e in entries)
            shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path.name
            print(f"{shown}: {len(entries)} page loads, {count} cases ({time.monotonic() - started:.0f} s)", flush=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
