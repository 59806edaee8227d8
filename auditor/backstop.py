"""The guard's backstop: the requests Playwright's route never sees, stopped at the browser itself.

The guard (auditor.guard) judges what `context.route` hands it. With Chromium, Playwright (1.65) lets
two kinds of request through without routing them, and fires no request event for them either, so the
guard could not even count them:
- a SharedWorker's: Playwright resumes a shared worker without intercepting its requests;
- a dedicated worker's, when its page navigates away as the worker starts (a reload, the next page):
  the worker's DevTools session is gone, so the request reaches the page's interception without a
  `networkId`, and Playwright continues it unasked.
Either way a page script's write would reach the account, in an audit as in apply's change.

So a second interception sits on the browser's own DevTools target, where a request of the browser of a
kind a worker can send (A_WORKERS) pauses once Playwright's route has let it go on. A request there with a
`networkId` was seen by a page's DevTools session, so Playwright routed it (or refused to, as the guard's
log says): it goes on. One without (no session saw it) is judged here by the guard (Network.unrouted): a
known read goes on, anything else is failed and logged as blocked. Of the 142 requests of an audit of demo
on the replica, 55 pause here once more: no CPU that three rounds of an audit could tell from the noise.

With several runs in one browser (a grid reached with --connect), a request of this kind is counted by the
run whose backstop saw it first; it is blocked all the same.
"""

from __future__ import annotations

import base64
from contextlib import contextmanager

from playwright.sync_api import Error as PlaywrightError

from auditor.browser import Opened, close_quietly
from auditor.errors import AuditorError, first_line
from auditor.guard import Network

# What a worker can send (it has no document: no page, style sheet, image, media, text track, manifest or
# prefetch of its own). Only these pause here: a worker's are the requests no page session sees. (A CORS
# preflight is not one: it asks before the request it precedes, which pauses here itself.)
A_WORKERS = ("XHR", "Fetch", "Script", "EventSource", "Font", "Ping", "CSPViolationReport", "Other")


@contextmanager
def backstop(opened: Opened, network: Network):
    """While inside, a request of the opened browser that no page's DevTools session saw goes through `network`."""
    try:
        session = opened.browser.new_browser_cdp_session()
    except PlaywrightError as exc:  # then the guard would be incomplete: nothing is read without it
        raise AuditorError(
            f"the browser refused a DevTools session of its own, which the network guard needs: {first_line(exc)}"
        ) from None

    def paused(event: dict) -> None:
        request = event["request"]
        if "networkId" in event or network.unrouted(
            request["method"], request["url"], request.get("headers", {}), _body(request), event["resourceType"].lower()
        ):
            _send(session, "Fetch.continueRequest", {"requestId": event["requestId"]})
        else:
            _send(session, "Fetch.failRequest", {"requestId": event["requestId"], "errorReason": "BlockedByClient"})

    session.on("Fetch.requestPaused", paused)
    session.send(
        "Fetch.enable", {"patterns": [{"resourceType": kind, "requestStage": "Request"} for kind in A_WORKERS]}
    )
    try:
        yield
    finally:  # detached, the session's interception ends with it
        close_quietly(opened.watchdog, "closing the guard's backstop", session.detach)


def _body(request: dict) -> bytes | None:
    """The request's body; None when it has none, or when DevTools did not send it (then it cannot be a read)."""
    entries = request.get("postDataEntries") or []
    return b"".join(base64.b64decode(entry.get("bytes", "")) for entry in entries) or None


def _send(session, method: str, params: dict) -> None:
    try:
        session.send(method, params)
    except PlaywrightError:  # the request was cancelled meanwhile (its page went away), or the browser was
        pass
