"""How a run ended, in words: why it could not finish, and what the person can do.

A login wall, a check, a rate-limit page, a site that stops answering or a browser that goes
away stops the run (going on would not help, or would make things worse for the account); the
settings not read yet are `unknown` with that reason. Pages that could not be loaded (server
errors, timeouts) make the run incomplete too, while a setting missing from a loaded page is a
finding, not a failure.
"""

from __future__ import annotations

from auditor.meta import flow_url, platform_of
from auditor.results import Observation, Observations, now
from auditor.spec import Loaded, NotApplicable
from auditor.target import META_PACE

INTERRUPTED = "not read: the run was interrupted (Ctrl-C)"
OUT_OF_TIME = "not read: the run's time limit (--timeout) passed first"
UNGUARDED = "not read: the run stopped: a request went out without the network guard's check"
LOGIN_FAILED = "not read: login failed: "  # how a login failure's detail starts
STOPS_THE_RUN = ("login_wall", "checkpoint", "rate_limited", "site_unreachable", "browser_closed")
# Pages that could not be loaded: the run could not finish (exit 1), unlike a setting not on a loaded page (a finding).
NOT_LOADED = ("error", "timeout", "site_unreachable", "browser_closed", "blocked_by_dialog")
STOP_ADVICE = {
    "login_wall": "the session is not logged in (expired?): log in again with `auditor login`",
    "checkpoint": "Meta asks to confirm it's you: finish that in a browser (auditor login), then run again",
    "rate_limited": "Meta rate-limited the account: wait a few hours before the next audit",
    "site_unreachable": "the site stopped answering: run again when it is back",
    "browser_closed": "the browser went away: run again",
}


def too_little_read(observations: list[Observation]) -> str | None:
    """Why an audit whose pages answered still read almost nothing (under a quarter of its settings), or None."""
    tried = [o for o in observations if o.flow is not None and o.status != "not_applicable"]
    read = sum(o.status == "observed" for o in tried)
    if len(tried) < 4 or read * 4 >= len(tried):
        return None
    return (
        f"only {read} of {len(tried)} settings could be read: the pages may have changed (compare with a "
        "baseline: auditor drift) or something auditor does not know covers them"
    )


def stop_message(observations: Observations) -> str | None:
    """Why the run could not finish and what to do, in one line; None when it finished."""
    if observations.run.complete:
        return None
    if observations.run.unguarded:
        return (
            f"{len(observations.run.unguarded)} request(s) went out without the network guard's check (first: "
            f"{observations.run.unguarded[0]}), so the run stopped; they are listed in observations.json. "
            "Open your settings pages to check that nothing changed, and report this as a bug"
        )
    failed = next((p for p in observations.pages if p.detail.startswith(LOGIN_FAILED)), None)
    if failed is not None:
        return failed.detail.removeprefix(LOGIN_FAILED)
    page = next((p for p in observations.pages if p.reason in ("login_wall", "checkpoint", "rate_limited")), None)
    if page is None:
        if observations.run.interrupted:
            return "the run was interrupted; what was read so far is written"
        return _not_loaded_message(observations) or too_little_read(observations.observations) or "the run stopped"
    platform = platform_of(page.url)
    return {
        "login_wall": f"the {platform} session is not logged in any more (expired or logged out) at {page.flow}: "
        f"log in again with `auditor login {platform}`, then run again",
        "checkpoint": f"Meta asks to confirm it's you on {platform} (at {page.flow}): finish that with "
        f"`auditor login {platform}`, then run again",
        "rate_limited": f"Meta rate-limited the account at {page.flow}: wait a few hours before the next audit, "
        f"and keep --pace at {META_PACE:g} s or more",
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
    elif "blocked_by_dialog" in reasons:
        covered = [p for p in pages if p.reason == "blocked_by_dialog"]
        unread = sum(o.reason == "blocked_by_dialog" for o in observations.observations)
        return (
            f"a dialog auditor does not know ({covered[0].detail}) covered {len(covered)} page(s) (first "
            f"{covered[0].flow}): {unread} setting(s) could not be read; answer it in a browser "
            "(auditor login), then run again"
        )
    elif any(p.detail == OUT_OF_TIME for p in pages):
        what = f"the run's time limit passed {where} (give it more time with --timeout SECONDS)"
    else:
        timeouts = sum(p.reason == "timeout" for p in pages)
        errors = sum(p.reason == "error" for p in pages)
        what = ", ".join(
            part
            for part in (
                f"{timeouts} page(s) did not load in time" if timeouts else "",
                f"{errors} page(s) answered with an error" if errors else "",
            )
            if part
        )
        what += f" (first {first.flow})"
    unread = sum(o.status == "unknown" and o.reason in NOT_LOADED for o in observations.observations)
    return f"{what}: {unread} setting(s) could not be read; the rest are in the results. Run again to read them"


# ---------------------------------------------------------------------- settings not read
def not_read(flow: Loaded, platforms: list[str], reason: str, detail: str, url: str | None = None) -> list[Observation]:
    return [
        Observation(
            setting=s.id,
            platform=s.platform or flow.spec.platform,
            status="unknown",
            reason=reason,
            detail=detail,
            url=url or flow_url(flow, platforms),
            flow=flow.id,
            time=now(),
        )
        for s in flow.spec.settings
    ]


def page_gone(flow: Loaded, platforms: list[str], reason: str, detail: str, url: str) -> list[Observation]:
    """Meta says the page is no more: a setting shown only to some accounts is not applicable there."""
    return [
        o.model_copy(
            update={"status": "not_applicable", "reason": s.missing_reason, "detail": s.missing_detail or detail}
        )
        if s.missing == "not_applicable"
        else o
        for o, s in zip(not_read(flow, platforms, reason, detail, url), flow.spec.settings)
    ]


def not_applicable_observations(items: list[NotApplicable], platforms: list[str]) -> list[Observation]:
    """The catalogued settings no desktop page shows (not_applicable.yml), for the platforms audited."""
    return [
        Observation(
            setting=item.id, platform=item.platform, status="not_applicable", reason=item.reason, detail=item.detail
        )
        for item in items
        if item.platform in platforms or item.platform in ("accounts_center", "meta")
    ]
