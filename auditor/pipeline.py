"""Chaining the stages: a browser context for an audit, and observe -> evaluate -> report into one folder."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from auditor import browser, results
from auditor.errors import InputError

OBSERVATIONS = "observations.json"
FINDINGS = "findings.json"
EVIDENCE = "evidence"


def say(line: str) -> None:
    print(line, file=sys.stderr)


@dataclass
class Browsing:
    """A launched browser's context, its network guard, and the one-line description of the browser."""

    context: object
    network: object
    browser: str


@contextmanager
def browsing(*, browser_path: str | None = None, replica_url: str | None = None, storage_state: Path | dict | None = None,
             headed: bool = False, trace: Path | None = None, secrets=None):
    """A fresh browser context whose requests go through the network guard (audit mode on).

    With a replica, the browser resolves Meta's host names to it and accepts its certificate;
    without one, certificates are checked as usual. A trace is scrubbed of `secrets`
    (auditor.redact.Secrets) and of every cookie as soon as it is written.
    """
    from playwright.sync_api import sync_playwright

    from auditor.network import Network, replica_browser_args

    with sync_playwright() as playwright:
        choice = browser.resolve(browser_path, headed=headed, playwright=playwright)
        args = replica_browser_args(replica_url) if replica_url else []
        launched = browser.launch(playwright, choice, headed=headed, args=args)
        description = choice.describe(launched.version)
        say(description)
        try:
            context = launched.new_context(
                storage_state=str(storage_state) if isinstance(storage_state, (str, Path)) else storage_state,
                viewport={"width": 1280, "height": 900},
                service_workers="block",  # requests a service worker makes would bypass the guard's route
                ignore_https_errors=bool(replica_url),
            )
            network = Network(audit=True)
            network.install(context)
            if trace:
                context.tracing.start(screenshots=True, snapshots=True)
            try:
                yield Browsing(context, network, description.removeprefix("browser: "))
            finally:
                if trace:
                    _stop_trace(context, trace, secrets)
                context.close()
        finally:
            launched.close()


def _stop_trace(context, path: Path, secrets) -> None:
    from auditor.redact import Secrets, scrub_trace

    secrets = secrets or Secrets()
    secrets.add_cookies(context.cookies())
    context.tracing.stop(path=str(path))
    scrub_trace(path, secrets, warn=say)


def check_output_dir(out_dir: Path) -> Path:
    """Refuse an output folder we cannot write before any work is done (bad input, exit 2)."""
    out_dir = Path(out_dir)
    probe = out_dir
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise InputError(f"{out_dir}:1: -o: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"{out_dir}:1: -o: the folder {probe} is not writable")
    return out_dir


def evaluate_and_report(observations: results.Observations, out_dir: Path, checklist: str = "default",
                        template_dir: Path | None = None) -> Path:
    """Write findings.json and report.html, report.md and junit.xml next to observations.json; returns report.html."""
    from auditor.consistency import load_checklist
    from auditor.evaluate import evaluate
    from auditor.report import write_report

    loaded = load_checklist(checklist)
    findings = evaluate(observations, loaded)
    results.write(Path(out_dir) / FINDINGS, findings)
    return write_report(findings, Path(out_dir), template_dir)
