"""Ctrl-C during a run: finish the page in progress, then stop and write what was read.

A KeyboardInterrupt raised in the middle of a Playwright call can leave Playwright's event loop
unusable, and the next call (closing the browser) then waits forever (playwright-python #1150).
So the first Ctrl-C only asks the run to stop between pages; the second stops at once.

The second one, too, must not land just anywhere. Playwright's sync API passes messages to and
from its driver in a dispatcher greenlet, and runs each event listener and route handler (the
guard's, the page's request counter) in a greenlet of its own. An exception raised while a
message is half sent or half dispatched breaks the connection ("Cannot find command to respond")
and surfaces later, outside the run's own handling, so nothing gets written. It is safe in the
run's own code (the main greenlet) and while the dispatcher waits for the next message (in the
selector's wait); landing anywhere else, the second Ctrl-C is delivered again a moment later.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager

AGAIN_S = 0.02  # a Ctrl-C that landed in a callback is delivered again this much later

_requested = threading.Event()
_inside = threading.Event()  # a stop_between_pages is in force (the demo's around its stages, each stage's inside)


def requested() -> bool:
    """Has Ctrl-C asked the run to stop? Checked between pages (and between accounts)."""
    return _requested.is_set()


@contextmanager
def stop_between_pages(say):
    """While inside, the first Ctrl-C sets `requested()` and says so; the second raises KeyboardInterrupt.

    Signal handlers belong to the main thread: elsewhere (a test's worker thread) this does nothing. Inside
    another (the demo's, around its stages) it leaves that one in force: a Ctrl-C before a stage stops it too.
    """
    if threading.current_thread() is not threading.main_thread() or _inside.is_set():
        yield
        return
    _requested.clear()
    _inside.set()

    def on_ctrl_c(signum, frame):
        if _requested.is_set():
            if not _safe_to_stop(frame):
                threading.Timer(AGAIN_S, os.kill, (os.getpid(), signal.SIGINT)).start()
                return
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        _requested.set()
        say("stopping after the page in progress; Ctrl-C again to stop at once")

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _requested.clear()
        _inside.clear()


def _safe_to_stop(frame) -> bool:
    """Is this a moment a KeyboardInterrupt can be raised without breaking Playwright's connection: the run's own
    code (no greenlet, or the main one), or the dispatcher waiting in its selector for the next message?"""
    greenlets = sys.modules.get("greenlet")  # no greenlet loaded: no Playwright
    if greenlets is None or greenlets.getcurrent().parent is None:
        return True
    return frame is not None and frame.f_code.co_filename.endswith("selectors.py")
