"""`auditor doctor`: can auditor run here? One line per check, with what to do when it cannot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from auditor import checklist, data
from auditor.errors import AuditorError
from auditor.shown import echo


def _line(ok: bool, what: str, advice: str = "") -> bool:
    echo(f"{'ok  ' if ok else 'FAIL'}  {what}" + ("" if ok else f"\n      fix: {advice}"))
    return ok


def check_browser(browser_path: str | None) -> bool:
    from playwright.sync_api import sync_playwright

    from auditor import browser

    try:
        with sync_playwright() as playwright:
            choice = browser.resolve(browser_path, playwright=playwright)
            launched = browser.launch(playwright, choice)
            description = choice.describe(launched.version)
            page = launched.new_page()
            page.set_content("<p>ok</p>")
            launched.close()
    except AuditorError as exc:
        return _line(False, "browser", str(exc))
    return _line(True, description + ", launches")


def check_data() -> bool:
    from auditor import spec

    try:
        flows = spec.load_flows()
        spec.load_vocabulary()
        checklists = [checklist.load_checklist(p.stem) for p in sorted(data.checklists_dir().glob("*.yml"))]
        templates = data.templates_dir() / "report.html.j2"
        if not templates.is_file():
            raise AuditorError(f"{templates} is missing")
    except AuditorError as exc:
        return _line(
            False,
            "package data",
            f"{exc} (reinstall auditor: `make` in a clone, or `pipx reinstall meta-privacy-auditor`)",
        )
    return _line(True, f"package data: {len(flows)} flows, {len(checklists)} checklists, report templates")


def check_output(out: Path) -> bool:
    probe = Path(out)
    while not probe.exists():
        probe = probe.parent
    ok = probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
    return _line(ok, f"output folder {out} is writable", f"choose a folder you can write with -o (checked {probe})")


def run_checks(out: Path, browser_path: str | None) -> bool:
    results = [
        _line(sys.version_info >= (3, 11), f"python {sys.version.split()[0]}", "install Python 3.11 or newer"),
        check_data(),
        check_output(out),
        check_browser(browser_path),
    ]
    return all(results)
