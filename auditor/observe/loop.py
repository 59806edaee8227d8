"""The one bounded loop of a visit's work: observe's pages, one after the other, and apply's changes.

Before each item, Ctrl-C (the first asks the run to stop between items), the run's time limit and
the guard (a request went out that it never judged) say whether to go on; the item itself can stop
the loop too (a login wall, a check, a rate-limit page; a change that went wrong). From then on,
every item left is filled with why it was not done. A second Ctrl-C stops at once: the item in
progress and the rest are filled, with no more browser calls (they could wait forever). A visit
that never got to its first item (the login failed, no page could be opened) is the same loop,
stopped from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from playwright.sync_api import Error as PlaywrightError

from auditor import interrupt, outcome
from auditor.observe.page import failure
from auditor.visit import Visit

Item, Result = TypeVar("Item"), TypeVar("Result")


@dataclass(frozen=True)
class Stopped:
    """Why the loop stopped: an observation reason and observe's words for it (observations.json's detail)."""

    reason: str
    detail: str
    at_once: bool = False  # the second Ctrl-C: the item in progress was not finished


INTERRUPTED = Stopped("interrupted", outcome.INTERRUPTED)
AT_ONCE = Stopped("interrupted", outcome.INTERRUPTED, at_once=True)
OUT_OF_TIME = Stopped("timeout", outcome.OUT_OF_TIME)
UNGUARDED = Stopped("error", outcome.UNGUARDED)


def bounded(
    visit: Visit,
    items: Sequence[Item],
    do: Callable[[object, Item], tuple[Result, Stopped | None]],
    skip: Callable[[Item, Stopped], Result],
    said: Callable[[Item, Result], None] = lambda item, result: None,
) -> tuple[list[Result], Stopped | None]:
    """`do(page, item)` for each item in turn, on one page of the visit, while the run may go on: it returns the
    item's result and, if the run must stop after it, why; `said(item, result)` follows, once the result is kept.
    `skip(item, stop)` is each item's result from then on. Returns the results, in the items' order, and why the
    loop stopped (None: it did not)."""
    stop, page = _at_start(visit), None
    if stop is None:
        try:
            page = visit.context.new_page()
        except PlaywrightError as exc:
            stop = Stopped(*failure(exc, "not read: could not open a page"))
    results: list[Result] = []
    try:
        for item in items:
            stop = stop or _bounds(visit)
            if stop is None:
                result, stop = do(page, item)
                results.append(result)
                said(item, result)
            else:
                results.append(skip(item, stop))
    except KeyboardInterrupt:  # the second Ctrl-C: no more browser calls, they could wait forever
        stop = AT_ONCE
        results += [skip(item, stop) for item in items[len(results) :]]
    # The page is not closed here: closing the context closes it, and closing a page while Chromium
    # shows an error page (a site that went away) can wait forever.
    return results, stop


def _at_start(visit: Visit) -> Stopped | None:
    """A visit that did not get in: every item is filled with the login's failure."""
    failed = visit.login_failed
    return Stopped(failed.reason, f"{outcome.LOGIN_FAILED}{failed}") if failed is not None else None


def _bounds(visit: Visit) -> Stopped | None:
    """Ctrl-C, the time limit, or a request the guard never judged: the run goes no further."""
    if interrupt.requested():
        return INTERRUPTED
    if visit.seconds_left() <= 0:
        return OUT_OF_TIME
    if visit.network.log.unguarded:
        return UNGUARDED
    return None
