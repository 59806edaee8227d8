"""The observe stage end to end: check the inputs, open a guarded browser, log in or load the session, read, write."""

from __future__ import annotations

import os
from pathlib import Path

from auditor import results, spec
from auditor.errors import AuditorError, InputError
from auditor.pipeline import EVIDENCE, browsing, check_output_dir, say
from auditor.results import Observation, Observations, Run, now

ENV_EMAIL, ENV_PASSWORD, ENV_TOTP = "AUDITOR_EMAIL", "AUDITOR_PASSWORD", "AUDITOR_TOTP_SECRET"


def credentials_from_env():
    """Test-account credentials from the environment (never from the command line)."""
    from auditor.session import Credentials

    email, password = os.environ.get(ENV_EMAIL), os.environ.get(ENV_PASSWORD)
    if not (email and password):
        return None
    return Credentials(email, password, os.environ.get(ENV_TOTP) or None)


def observe_to_file(platforms: list[str], out: Path, *, session: Path | None = None, replica_url: str | None = None,
                    trace: bool = False, evidence: bool = True, browser_path: str | None = None,
                    credentials=None, flows_dir: Path | None = None) -> Observations:
    """Run observe and write observations.json (also when the run stops early); returns what was written."""
    out = Path(out)
    check_output_dir(out.parent)
    if session is not None and not Path(session).is_file():
        raise InputError(f"{session}:1: --session: no such file")
    flows = _select(spec.load_flows(flows_dir), platforms)
    vocabulary = spec.load_vocabulary(flows_dir)
    not_applicable = spec.load_not_applicable(flows_dir)
    credentials = credentials or (None if session else credentials_from_env())
    if session is None and credentials is None:
        raise AuditorError(f"no session: log in first with `auditor login {platforms[0]}`, or give --session FILE "
                           f"(test accounts: set {ENV_EMAIL} and {ENV_PASSWORD})")
    from auditor.observe import Observer

    with browsing(browser_path=browser_path, replica_url=replica_url, storage_state=session,
                  trace=out.parent / "trace.zip" if trace else None) as browser:
        if credentials is not None:
            failed = _log_in(browser, platforms, credentials, vocabulary)
            if failed is not None:
                return _write(out, _stopped(platforms, flows, failed, browser.browser, replica_url))
        observer = Observer(
            context=browser.context, flows=flows, vocabulary=vocabulary, not_applicable=not_applicable,
            platforms=platforms, evidence_dir=out.parent / EVIDENCE if evidence else None,
            evidence_prefix=f"{EVIDENCE}/", target=replica_url or "meta", browser=browser.browser,
            network=browser.network,
        )
        observations = observer.run()
    return _write(out, observations)


def _select(flows, platforms):
    from auditor.observe import select_flows

    return select_flows(flows, platforms)


def _log_in(browser, platforms, credentials, vocabulary):
    """Log in to each platform once; the guard is off only for the login itself. Returns the failure, if any."""
    from auditor.session import LoginFailed, login

    browser.network.audit = False
    try:
        for platform in platforms:
            say(f"logging in to {platform}")
            login(browser.context, platform, credentials, vocabulary)
    except LoginFailed as failure:
        say(f"login failed: {failure}")
        return failure
    finally:
        browser.network.audit = True
    return None


def _stopped(platforms, flows, failure, browser: str, replica_url: str | None) -> Observations:
    """Observations for a run that never got past the login: every setting unknown, with why."""
    run = Run(tool_version=_version(), started=now(), finished=now(), platforms=platforms, browser=browser,
              target=replica_url or "meta", complete=False)
    observations = [
        Observation(setting=s.id, platform=s.platform or f.spec.platform, status="unknown", reason=failure.reason,
                    detail=f"not read: {failure}", flow=f.id, url=f.spec.url, time=now())
        for f in flows for s in f.spec.settings
    ]
    return Observations(run=run, observations=observations)


def _version() -> str:
    from auditor import __version__

    return __version__


def _write(out: Path, observations: Observations) -> Observations:
    results.write(out, observations)
    counts = {s: sum(o.status == s for o in observations.observations) for s in ("observed", "unknown", "not_applicable")}
    say(f"observations: {out} ({counts['observed']} observed, {counts['unknown']} unknown, "
        f"{counts['not_applicable']} not applicable; writes blocked: {observations.run.writes_blocked})")
    return observations


def inspect_page(url: str, *, session: Path | None = None, replica_url: str | None = None, browser_path: str | None = None) -> str:
    """The aria snapshot of a page, for people writing a flow."""
    if not url.startswith("https://"):
        raise InputError(f"{url}:1: URL: give an https:// URL on Meta's sites")
    with browsing(browser_path=browser_path, replica_url=replica_url, storage_state=session) as browser:
        page = browser.context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("main").first.wait_for()
        main = page.get_by_role("main").first
        if main.get_attribute("aria-busy") == "true":
            page.locator("[role=main][aria-busy=false]").first.wait_for()
        return page.locator("body").aria_snapshot()
