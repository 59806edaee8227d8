"""Ctrl-C during a run: finish the page in progress, then stop and write what was read.

A KeyboardInterrupt raised in the middle of a Playwright call can leave Playwright's event loop
unusable, and the next call (closing the browser) then waits forever (playwright-python #1150).
So the first Ctrl-C only asks the run to stop between pages; the second stops at once.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

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
