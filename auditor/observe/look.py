"""Looking at a page until what it shows is all it will show, as a person does before saying a setting is not there.

The first look is the settled snapshot (pages.settled_snapshot). When every setting the flow
expects is in it, that is all: a plain page costs nothing more. When one is missing, the page may
simply not be done:
- it renders in parts: the rest arrives with a read of the page's own, answered later, with
  nothing marking it as loading. While a request of the page is in flight (counted from the
  browser's request events) or its region still changes, look again, up to MORE_LOOKING_S;
- it renders content only when scrolled into view: scroll the region to its end (and back);
- a section is collapsed: open each disclosure (a button with aria-expanded=false that opens no
  popup: never a switch, a radio, a checkbox, a menu or a submit), which only shows content.
After a scroll or an opened section, the reads it sent are waited for too (up to the same bound).
A setting found at one of these looks says so (`found_by`). Settings that may rightly be absent
(`not_applicable`) get the same looks and no fixed quiet time: once nothing is in flight and the
region is still, they are absent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.observe import aria
from auditor.observe.evidence import Kept
from auditor.observe.pages import Traffic, settled_snapshot
from auditor.observe.snapshot import SnapshotReader
from auditor.observe.wording import NotFound, UnsupportedLocale, Words
from auditor.spec import Loaded

MORE_LOOKING_S = 6.0  # the longest a page with a missing setting is watched for the rest of its content
SCROLLS = 8  # a page that keeps growing as it is scrolled is followed this far
EXPANDS = 12  # collapsed sections opened on one page, at most
# Scroll the page and the region to their ends; returns how tall they are, to tell whether more came.
# A disclosure that is closed: a button with aria-expanded=false and no popup.
COLLAPSED = ':is(button, [role=button])[aria-expanded="false"]:not([aria-haspopup]:not([aria-haspopup="false"]))'
SCROLL_END_JS = """region => {
  const page = document.scrollingElement || document.documentElement;
  page.scrollTop = page.scrollHeight;
  region.scrollTop = region.scrollHeight;
  return page.scrollHeight + region.scrollHeight;
}"""
SCROLL_BACK_JS = """region => {
  (document.scrollingElement || document.documentElement).scrollTop = 0;
  region.scrollTop = 0;
}"""


@dataclass
class Seen:
    """The last look at a page: its snapshot, the reader over it, what was kept for evidence, how settings
    missing at the first look were found."""

    snapshot: str
    reader: SnapshotReader
    kept: Kept
    found_by: dict[str, str] = field(default_factory=dict)
    ways: set[str] = field(default_factory=set)  # the ways of looking again that did something


class Looker:
    def __init__(self, page, region, flow: Loaded, words: Words, take: Callable[[], Kept]):
        self.page, self.region, self.flow, self.words, self.take = page, region, flow, words, take
        self.traffic = Traffic.of(page)

    def look(self, wait_ms: float, seconds_left: float, clicks: bool = True) -> Seen:
        """The page as it will stay; with `clicks` False (a dialog covers it), no section is opened.

        A setting not on the page calls for every way of looking again; one on it with no value shown (a
        "Review setting" row, a question whose control is in a closed section) for opening sections too. A
        section opened may hold a part that loads late or on scroll: waiting and scrolling come again after it.
        """
        snapshot, kept = settled_snapshot(self.page, self.region, wait_ms, between=self.take)
        seen = Seen(snapshot, self._reader(snapshot), kept or self.take())
        missing, unsure = self._missing(snapshot)
        until = time.monotonic() + min(MORE_LOOKING_S, max(0.0, seconds_left))
        ways = [("after_waiting", self._wait, True), ("after_scrolling", self._scroll, False)]
        if clicks:  # an opened section may hold a part that loads late or on scroll: look for it too
            ways += [("after_expanding", step, True) for step in (self._expand, self._wait, self._scroll)]
        for way, step, also_unsure in ways:
            if step != self._expand and way == "after_expanding" and "after_expanding" not in seen.ways:
                break  # no section was opened
            if missing or (also_unsure and unsure):
                missing, unsure = self._again(seen, (missing, unsure), way, step, until)
        return seen

    def reader_now(self, wait_ms: float) -> SnapshotReader:
        """A reader of the page as it is now (after a subpage: the references of the last look are gone)."""
        snapshot, _ = settled_snapshot(self.page, self.region, wait_ms, between=lambda: None)
        return self._reader(snapshot)

    def _again(self, seen: Seen, lacking: tuple[set[str], set[str]], way: str, step, until: float):
        """Do one way of looking again; what it brought is read, and the settings it found say how."""
        if not step(seen, until):
            return lacking
        seen.ways.add(way)
        if step != self._wait:  # what a scroll or an opened section brings may come with a read of its own
            self._wait(seen, until)
        left_ms = max(1.0, (until - time.monotonic()) * 1000)
        snapshot, kept = settled_snapshot(self.page, self.region, left_ms, between=self.take)
        if snapshot == seen.snapshot:
            return lacking
        seen.snapshot, seen.reader, seen.kept = snapshot, self._reader(snapshot), kept or self.take()
        missing, unsure = self._missing(snapshot)
        seen.found_by.update({setting: way for setting in (lacking[0] | lacking[1]) - missing - unsure})
        return missing, unsure

    def _reader(self, snapshot: str) -> SnapshotReader:
        return SnapshotReader(aria.parse(snapshot), self.words, self.flow.spec.settings)

    def _missing(self, snapshot: str) -> tuple[set[str], set[str]]:
        """The settings of the flow the snapshot does not show, and those it shows with no value (a reader of its
        own: reading claims controls)."""
        reader, missing, unsure = self._reader(snapshot), set(), set()
        for setting in self.flow.spec.settings:
            try:
                if reader.read(setting).value is None:
                    unsure.add(setting.id)
            except NotFound:
                missing.add(setting.id)
            except UnsupportedLocale:
                pass
        return missing, unsure

    # -- the ways of looking again; each returns whether it may have changed the page
    def _wait(self, seen: Seen, until: float) -> bool:
        """While the page's own requests are on their way (the rest of it may come with one), wait for them."""
        if not self.traffic.in_flight():
            return False
        while self.traffic.in_flight() and time.monotonic() < until:
            self.page.wait_for_timeout(16)  # a frame: the request events arrive meanwhile
        return True

    def _scroll(self, seen: Seen, until: float) -> bool:
        """Scroll to the end, and again while the page grows (content rendered on scroll), then back to the top."""
        height = None
        for _ in range(SCROLLS):
            grown = self.region.evaluate(SCROLL_END_JS)
            if grown == height or time.monotonic() >= until:
                break
            height = grown
            settled_snapshot(self.page, self.region, max(1.0, (until - time.monotonic()) * 1000), between=lambda: None)
        self.region.evaluate(SCROLL_BACK_JS)
        return height is not None

    def _expand(self, seen: Seen, until: float) -> bool:
        """Open the region's collapsed sections, one after the other: disclosures only (a snapshot does not show
        aria-expanded=false); a button with a popup opens a menu, a list box or a dialog of choices instead."""
        closed = self.region.locator(COLLAPSED)
        opened = 0
        while opened < EXPANDS and time.monotonic() < until and closed.count():
            closed.first.click()  # it opens, and leaves the set: the next one is first
            opened += 1
        return opened > 0
