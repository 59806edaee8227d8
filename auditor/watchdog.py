"""The backstop that bounds every wait on the browser, including the ones Playwright cannot bound.

Most browser calls take a timeout, and observe gives each one. A few take none and can wait
forever: closing a page while Chromium commits an error page (which is what a site that went away
leaves behind) never returns, and neither can a script evaluation or closing the browser when
Chromium hangs. So a run holds its work inside `bound(seconds)`: if that stretch overruns, the
watchdog kills the browser process. Every pending Playwright call then fails at once with
Playwright's "closed" error, which observe handles like any browser that went away: what was read
is kept and written.

Only a browser launched here can be killed; one reached with --connect belongs to someone else.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager


class Watchdog:
    """Kills the browser process `pid` when a bounded stretch of work overruns; `fired` says which."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.fired: str | None = None
        self._deadline: tuple[float, str] | None = None
        self._changed = threading.Condition()
        self._closed = False
        if pid is not None:
            threading.Thread(target=self._watch, name="auditor-watchdog", daemon=True).start()

    @contextmanager
    def bound(self, seconds: float, what: str):
        """Inside, the browser is killed once `seconds` have passed; bounds nest (the inner one applies)."""
        with self._changed:
            outer = self._deadline
            self._deadline = (time.monotonic() + max(seconds, 0), what)
            self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._deadline = outer
                self._changed.notify()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()

    def _watch(self) -> None:
        with self._changed:
            while not self._closed:
                if self._deadline is None:
                    self._changed.wait()
                    continue
                at, what = self._deadline
                left = at - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                self.fired = what
                self._deadline = None
                self._kill()

    def _kill(self) -> None:
        try:
            os.kill(self.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        except OSError:  # already gone
            pass


def browser_pid(browser) -> int | None:
    """The process id of a Chromium we launched, from the browser itself (DevTools' SystemInfo)."""
    try:
        session = browser.new_browser_cdp_session()
        try:
            info = session.send("SystemInfo.getProcessInfo")
        finally:
            session.detach()
    except Exception:  # not Chromium, or not a browser we may ask: then there is no backstop
        return None
    return next((p["id"] for p in info.get("processInfo", []) if p.get("type") == "browser"), None)
