"""The observe stage end to end: check the inputs, open a guarded browser, log in or load the session, read, write.

How the run gets in, first that applies: `--session FILE`; test-account credentials from the
environment; the sessions `auditor login` saved; test-account credentials from the system
keyring (service "auditor": entries "email", "password", "totp_secret"). Never a command-line
password. A saved session comes before the keyring because reusing it needs no login at all,
which is kinder to the account.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from auditor import __version__, interrupt, results, spec
from auditor.errors import AuditorError, InputError
from auditor.pipeline import EVIDENCE, Browsing, browsing, check_connect, check_output_dir, remote_replica_note, say
from auditor.observe import NOT_LOADED, OUT_OF_TIME, Observer, not_applicable_observations, select_flows
from auditor.results import Observation, Observations, PageInventory, Run, now

ENV_EMAIL, ENV_PASSWORD, ENV_TOTP = "AUDITOR_EMAIL", "AUDITOR_PASSWORD", "AUDITOR_TOTP_SECRET"
KEYRING_SERVICE = "auditor"
# Seconds between page loads on Meta's own sites: about a person clicking through, far from a
# bot's burst that ends in "You're Temporarily Blocked". A replica needs no pacing.
DEFAULT_PACE = 2.5
LOGIN_FAILED = "not read: login failed: "  # how a login failure's detail starts
# The longest a run may take (--timeout): an audit of both platforms on Meta's sites, paced, takes
# about four minutes; a site this slow gives partial results instead of running for hours.
DEFAULT_TIMEOUT = 900
# After the time limit, the page in progress gets this long to end its own waits; then the
# watchdog kills the browser (a call Playwright cannot bound is stuck), and what was read is kept.
GRACE_SECONDS = 30


@dataclass
class WayIn:
    """How the run gets past the login: a storage state to start from, or credentials to log in with."""

    state: dict | None = None
    credentials: object = None  # auditor.session.Credentials
    source: str = ""  # for messages: where the session or credentials came from

    def secrets(self):
        """What a trace must never keep: the login (email or phone), password and TOTP secret, the session's cookies."""
        from auditor.redact import Secrets

        secrets = Secrets()
        if self.credentials is not None:
            secrets.add(self.credentials.identifier, self.credentials.password, self.credentials.totp_secret)
        if self.state is not None:
            secrets.add_cookies(self.state["cookies"])
        return secrets


def credentials_from_env():
    """Test-account credentials from the environment (never from the command line)."""
    from auditor.session import Credentials

    email, password = os.environ.get(ENV_EMAIL), os.environ.get(ENV_PASSWORD)
    if not (email and password):
        return None
    return Credentials(email, password, _checked_totp(os.environ.get(ENV_TOTP) or None, ENV_TOTP))


def _checked_totp(secret: str | None, source: str) -> str | None:
    from auditor.session import NOT_TOTP, is_totp_secret

    if secret is not None and not is_totp_secret(secret):
        raise InputError(f"{source}: {NOT_TOTP}")
    return secret


def credentials_from_keyring():
    """Test-account credentials from the system keyring; None when it has none or there is no keyring."""
    import keyring
    from keyring.errors import KeyringError

    from auditor.session import Credentials

    try:
        email = os.environ.get(ENV_EMAIL) or keyring.get_password(KEYRING_SERVICE, "email")
        password = keyring.get_password(KEYRING_SERVICE, "password") if email else None
        totp = (os.environ.get(ENV_TOTP) or keyring.get_password(KEYRING_SERVICE, "totp_secret")) if password else None
    except KeyringError:  # no keyring on this machine, or a locked one: as if it held nothing
        return None
    return Credentials(email, password, _checked_totp(totp or None, f"{ENV_TOTP} or the keyring's totp_secret")) if password else None


def way_in(platforms: list[str], *, session: Path | None, replica_url: str | None, credentials=None) -> WayIn:
    """Choose how the run gets in (see the module's docstring); raises with advice when there is no way."""
    from auditor.session import merge_states, read_state, session_path

    if credentials is not None:
        return WayIn(credentials=credentials, source="given credentials")
    if session is not None:
        return WayIn(state=read_state(session), source=f"--session {session}")
    if (found := credentials_from_env()) is not None:
        return WayIn(credentials=found, source=ENV_EMAIL)
    saved = {p: session_path(p, replica_url) for p in platforms}
    missing = [p for p, path in saved.items() if not path.is_file()]
    if not missing:
        return WayIn(state=merge_states([read_state(path) for path in saved.values()]), source="saved session")
    if (found := credentials_from_keyring()) is not None:
        return WayIn(credentials=found, source="keyring")
    logins = " and ".join(f"`auditor login {p}{' --replica ' + replica_url if replica_url else ''}`" for p in missing)
    raise AuditorError(f"no {' or '.join(missing)} session: log in first with {logins}, or give --session FILE "
                       f"(test accounts: set {ENV_EMAIL} and {ENV_PASSWORD})")


def pace_seconds(pace: float | None, replica_url: str | None) -> float:
    """The pause between page loads: as asked, else none on a replica and DEFAULT_PACE on Meta's sites."""
    if pace is not None:
        return pace
    return 0.0 if replica_url else DEFAULT_PACE


@dataclass(frozen=True)
class FlowSet:
    """What pages are read with: the flows, their shared vocabulary, and the settings no page shows."""

    flows: list[spec.Loaded]
    vocabulary: spec.Vocabulary
    not_applicable: list[spec.NotApplicable]

    @classmethod
    def load(cls, flows_dir: Path | None = None) -> "FlowSet":
        return cls(spec.load_flows(flows_dir), spec.load_vocabulary(flows_dir), spec.load_not_applicable(flows_dir))


def observe_to_file(platforms: list[str], out: Path, *, session: Path | None = None, replica_url: str | None = None,
                    trace: bool = False, evidence: bool = True, browser_path: str | None = None,
                    credentials=None, flows_dir: Path | None = None, pace: float | None = None,
                    connect: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Observations:
    """Run observe and write observations.json (also when the run stops early); returns what was written.

    The run reads no page after `timeout` seconds; the pages not read by then are `unknown: timeout`.
    """
    deadline = time.monotonic() + timeout
    out = Path(out)
    check_output_dir(out.parent)
    if session is not None and not Path(session).is_file():
        raise InputError(f"{session}:1: --session: no such file")
    if connect:
        check_connect(connect)
    flow_set = FlowSet.load(flows_dir)
    way = way_in(platforms, session=session, replica_url=replica_url, credentials=credentials)
    if way.state is not None:
        say(f"using the {way.source}")
    if connect and replica_url:
        say(remote_replica_note(replica_url))
    with interrupt.stop_between_pages(say), \
            browsing(browser_path=browser_path, replica_url=replica_url, connect=connect, storage_state=way.state,
                     trace=out.parent / "trace.zip" if trace else None, secrets=way.secrets()) as browser:
        with browser.watchdog.bound(deadline - time.monotonic() + GRACE_SECONDS, "the run's time limit"):
            observations = observe_in(browser, platforms, way, flow_set, replica_url=replica_url,
                                      evidence_in=out.parent if evidence else None, pace=pace, deadline=deadline)
        return write_observations(out, observations)  # before the browser closes: after a second Ctrl-C that may hang


def observe_in(browser: Browsing, platforms: list[str], way: WayIn, flow_set: FlowSet, *, replica_url: str | None = None,
               evidence_in: Path | None = None, pace: float | None = None, deadline: float | None = None,
               say=say) -> Observations:
    """One account's observe in a guarded context that is already open: log in if need be, then read every page.

    Screenshots go to `evidence_in`/evidence/ (the observations file's folder; None: no screenshots).
    """
    flows = select_flows(flow_set.flows, platforms)
    if way.credentials is not None:
        failed = _log_in(browser, platforms, way.credentials, flow_set.vocabulary, say)
        if failed is not None:
            return stopped_at_login(platforms, flows, flow_set.not_applicable, failed, browser.browser, replica_url)
    observer = Observer(
        context=browser.context, flows=flows, vocabulary=flow_set.vocabulary, not_applicable=flow_set.not_applicable,
        platforms=platforms, evidence_dir=Path(evidence_in) / EVIDENCE if evidence_in is not None else None,
        evidence_prefix=f"{EVIDENCE}/", target=replica_url or "meta", browser=browser.browser,
        network=browser.network, pace_seconds=pace_seconds(pace, replica_url), progress=say, deadline=deadline,
        secrets=browser.secrets,
    )
    return observer.run()


def stop_message(observations: Observations) -> str | None:
    """Why the run could not finish and what to do, in one line; None when it finished."""
    if observations.run.complete:
        return None
    failed = next((p for p in observations.pages if p.detail.startswith(LOGIN_FAILED)), None)
    if failed is not None:
        return failed.detail.removeprefix(LOGIN_FAILED)
    page = next((p for p in observations.pages if p.reason in ("login_wall", "checkpoint", "rate_limited")), None)
    if page is None:
        return _not_loaded_message(observations) or "the run was interrupted; what was read so far is written"
    platform = "instagram" if (urlsplit(page.url).hostname or "").endswith("instagram.com") else "facebook"
    return {
        "login_wall": f"the {platform} session is not logged in any more (expired or logged out) at {page.flow}: "
                      f"log in again with `auditor login {platform}`, then run again",
        "checkpoint": f"Meta asks to confirm it's you on {platform} (at {page.flow}): finish that with "
                      f"`auditor login {platform}`, then run again",
        "rate_limited": f"Meta rate-limited the account at {page.flow}: wait a few hours before the next audit, "
                        f"and keep --pace at {DEFAULT_PACE:g} s or more",
    }[page.reason] + "; the settings read before that are in the results"


def _not_loaded_message(observations: Observations) -> str | None:
    """Why pages could not be loaded (the site or the browser went away, the time ran out, server errors), or None."""
    if observations.run.interrupted:
        return None
    pages = [p for p in observations.pages if p.reason in NOT_LOADED]
    settings = [o for o in observations.observations if o.reason in NOT_LOADED and o.reason != "error"]
    if not pages and not settings:
        return None
    first = pages[0] if pages else settings[0]
    reasons = {p.reason for p in pages} | {o.reason for o in settings}
    where = f"at {first.flow}" if first.flow else ""
    if "browser_closed" in reasons:
        what = f"the browser went away {where}"
    elif "site_unreachable" in reasons:
        what = f"the site stopped answering {where} (check the connection, or that the replica still runs)"
    elif any(p.detail == OUT_OF_TIME for p in pages):
        what = f"the run's time limit passed {where} (give it more time with --timeout SECONDS)"
    else:
        timeouts = sum(p.reason == "timeout" for p in pages)
        errors = sum(p.reason == "error" for p in pages)
        what = ", ".join(part for part in (f"{timeouts} page(s) did not load in time" if timeouts else "",
                                           f"{errors} page(s) answered with an error" if errors else "") if part)
        what += f" (first {first.flow})"
    unread = sum(o.status == "unknown" and o.reason in NOT_LOADED for o in observations.observations)
    return f"{what}: {unread} setting(s) could not be read; the rest are in the results. Run again to read them"


def _log_in(browser, platforms, credentials, vocabulary, say=say):
    """Log in to each platform once; the guard is off only for the login itself. Returns the failure, if any."""
    from auditor.session import LoginFailed, login

    browser.network.audit = False
    try:
        for platform in platforms:
            say(f"logging in to {platform}")
            login(browser.context, platform, credentials, vocabulary)
    except LoginFailed as failure:
        return failure
    finally:
        browser.network.audit = True
    return None


def stopped_at_login(platforms, flows, not_applicable, failure, browser: str, replica_url: str | None) -> Observations:
    """Observations for a run that never got past the login: every setting unknown, with why."""
    run = Run(tool_version=__version__, started=now(), finished=now(), platforms=platforms, browser=browser,
              target=replica_url or "meta", complete=False)
    detail = f"{LOGIN_FAILED}{failure}"
    observations = [
        Observation(setting=s.id, platform=s.platform or f.spec.platform, status="unknown", reason=failure.reason,
                    detail=detail, flow=f.id, url=f.spec.url, time=now())
        for f in flows for s in f.spec.settings
    ]
    pages = [PageInventory(flow=f.id, url=f.spec.url, status="unknown", reason=failure.reason, detail=detail) for f in flows]
    return Observations(run=run, observations=observations + not_applicable_observations(not_applicable, platforms), pages=pages)


def write_observations(out: Path, observations: Observations, say=say) -> Observations:
    results.write(out, observations)
    counts = {s: sum(o.status == s for o in observations.observations) for s in ("observed", "unknown", "not_applicable")}
    say(f"observations: {out} ({counts['observed']} observed, {counts['unknown']} unknown, "
        f"{counts['not_applicable']} not applicable; writes sent: {observations.run.writes_sent}, "
        f"blocked: {observations.run.writes_blocked})")
    return observations


def inspect_page(url: str, *, session: Path | None = None, replica_url: str | None = None, browser_path: str | None = None) -> str:
    """The aria snapshot of a page, for people writing a flow."""
    if not url.startswith("https://"):
        raise InputError(f"{url}:1: URL: give an https:// URL on Meta's sites")
    from auditor.session import read_state

    state = read_state(session) if session is not None else None  # checked before the browser starts
    with browsing(browser_path=browser_path, replica_url=replica_url, storage_state=state) as browser:
        page = browser.context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("main").first.wait_for()
        main = page.get_by_role("main").first
        if main.get_attribute("aria-busy") == "true":
            page.locator("[role=main][aria-busy=false]").first.wait_for()
        return page.locator("body").aria_snapshot()
