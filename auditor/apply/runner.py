"""The apply stage: in a guarded, logged-in browser, make each change the person agreed to and prove it.

Per change, on the setting's page: read it as `observe` does (a change whose value is no longer
the one the findings say is dropped: the person changed it since); run the flow's change steps
inside the guard's window for that setting; reload and read it back: `verified` only when the
page then shows the new value. Page loads are paced as in an audit. A change is never retried.
A check, a rate-limit or login page, or anything the flow does not know stops the apply, and the
rest of the plan is `not_attempted`. Ctrl-C lets the change in progress finish. apply.json is
written whatever happened, before the browser closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError

from auditor import __version__, interrupt
from auditor.apply.plan import Plan, Planned, page_words
from auditor.apply.reading import PageRead, read_page
from auditor.apply.record import Applied, ChangeRecord
from auditor.apply.steps import AlreadySet, Changer, Stop, Unidentified
from auditor.browser import Browsing
from auditor.errors import first_line, say
from auditor.observe.locate import locate
from auditor.observe.page import detect_locale
from auditor.outcome import STOP_ADVICE, STOPS_THE_RUN
from auditor.results import Observation, now
from auditor.spec import Vocabulary

UNGUARDED = "a request went out without the network guard's check (open your settings pages to check them)"
DISPLACED = (
    "a second, identical save of this setting was blocked: a script of the page sent the same save, and which "
    "of the two was the page's own cannot be told; open the page to check it"
)


@dataclass
class Applier:
    browser: Browsing
    vocabulary: Vocabulary
    platforms: list[str]
    pace_seconds: float = 0.0
    deadline: float | None = None
    say: Callable[[str], None] = say
    progress: Callable[[int, int, Planned, ChangeRecord], str] | None = None  # the line said per change (words.py)
    stopped: str | None = None
    interrupted: bool = False
    _page: object = None
    _shown: tuple[str, PageRead] | None = None  # the flow the page shows now, as just read
    _loads: int = 0
    _saving: tuple | None = None  # the change whose save may be on its way: (planned, window, before, started)
    records: list[ChangeRecord] = field(default_factory=list)

    def run(self, agreed: list[Planned]) -> list[ChangeRecord]:
        try:
            self._page = self.browser.context.new_page()
            for n, planned in enumerate(agreed, 1):
                if self.stopped is None and interrupt.requested():
                    self.interrupted, self.stopped = True, "interrupted (Ctrl-C)"
                if self.stopped is None and self.deadline is not None and time.monotonic() > self.deadline:
                    self.stopped = "the time limit (--timeout) passed"
                if self.stopped is None and self.browser.network.log.unguarded:
                    self.stopped = UNGUARDED
                if self.stopped is not None:
                    self.records.append(planned.record("not_attempted", f"the apply stopped: {self.stopped}"))
                    continue
                record = self._apply(planned)
                self.records.append(record)
                if self.progress is not None:
                    self.say(self.progress(n, len(agreed), planned, record))
        except KeyboardInterrupt:  # the second Ctrl-C: no more browser calls, keep what was done
            self.interrupted, self.stopped = True, "interrupted (Ctrl-C twice)"
            if self._saving is not None and self._saving[1].sent:  # its save went out: it may have taken
                planned, window, before, started = self._saving
                self.records.append(
                    planned.record(
                        "not_verified",
                        "interrupted after its save was sent, before it was read back: open the page to check it",
                        before=before,
                        time=started,
                        writes=list(window.sent),
                        blocked=list(window.blocked),
                    )
                )
            done = {r.setting for r in self.records}
            self.records += [
                p.record("not_attempted", "the apply was interrupted") for p in agreed if p.setting not in done
            ]
        if self.stopped is None and self.browser.network.log.unguarded:  # during the last change
            self.stopped = UNGUARDED
        return self.records

    # ------------------------------------------------------------------ one change
    def _apply(self, planned: Planned) -> ChangeRecord:
        self._saving = None
        shown = self._read(planned)
        if shown.reason is not None:
            return planned.record("not_attempted", self._unreadable(shown))
        seen = shown.observations.get(planned.setting)
        if seen is None or seen.status != "observed":
            detail = seen.detail if seen is not None else "not on the page"
            return planned.record("not_attempted", f"could not read it before the change: {detail}")
        said = self._words(planned, seen)  # the page's words for it
        if seen.value == planned.wanted:
            already = "the page already shows the new value"
            return planned.record("dropped", already, before=seen.value, before_text=said)
        if seen.value != planned.expected:
            return planned.record(
                "dropped",
                f"the page shows {said} now, not {self._words(planned, planned.expected)}: changed since the audit, "
                "so left alone",
                before=seen.value,
                before_text=said,
            )
        started, problem, answers = now(), "", shown.answers
        with self.browser.network.change(planned.setting) as window:
            self._saving = (planned, window, seen.value, started)
            try:
                saved = Changer(
                    self._page, self._region(planned), planned.item, self.vocabulary, self._locale(), window, answers
                )
                problem = saved.run(planned.wanted).note
            except AlreadySet:
                return planned.record(
                    "dropped", "the page already showed the new value", before=seen.value, before_text=said
                )
            except Unidentified as exc:
                return planned.record("not_attempted", str(exc), before=seen.value, blocked=list(window.blocked))
            except Stop as exc:
                problem = self.stopped = str(exc)
            except PlaywrightError as exc:
                problem = self.stopped = f"the flow's change steps did not work on the page: {first_line(exc)}"
        self._shown = None
        after = self._read(planned)
        value = after.observations.get(planned.setting)
        if after.reason is not None:
            problem = problem or f"could not be read back: {self._unreadable(after)}"
        elif value is None or value.status != "observed":
            problem = problem or "could not be read back after a reload"
        elif value.value != planned.wanted:
            problem = problem or f"after a reload the page shows {self._words(planned, value)}"
        if window.displaced:
            problem = DISPLACED  # the cause of whatever else went wrong after it
        verified = not window.displaced and value is not None and value.status == "observed"
        verified = verified and value.value == planned.wanted
        self._saving = None
        return planned.record(
            "verified" if verified else "not_verified",
            problem,
            before=seen.value,
            after=value.value if value is not None else None,
            before_text=said,
            after_text=self._words(planned, value),
            time=started,
            writes=list(window.sent),
            blocked=list(window.blocked),
        )

    def _read(self, planned: Planned) -> PageRead:
        """The setting's page as read just now: the page already shown, else loaded (paced) and read."""
        flow = planned.item.flow
        if self._shown is not None and self._shown[0] == flow.id:
            return self._shown[1]
        if self._loads and self.pace_seconds:
            time.sleep(self.pace_seconds)  # for the account's sake, as observe paces, not synchronisation
        self._loads += 1
        result = read_page(self._page, flow, self.vocabulary, self.platforms)
        self._shown = (flow.id, result) if result.reason is None else None
        return result

    def _unreadable(self, page: PageRead) -> str:
        if page.reason in STOPS_THE_RUN:
            self.stopped = f"{page.detail} ({STOP_ADVICE[page.reason]})"
        return f"the page could not be read: {page.detail or page.reason}"

    def _words(self, planned: Planned, seen) -> str | None:
        """The page's words for a value read, or for a canonical value (apply.json and the report show them)."""
        if not isinstance(seen, Observation):
            return page_words(planned.item, seen, self.vocabulary, self._locale())
        if seen.status != "observed":
            return None
        return page_words(planned.item, seen.value, self.vocabulary, self._locale(), seen.raw)

    def _region(self, planned: Planned):
        return locate(self._page, planned.item.flow.spec.region, None).first

    def _locale(self) -> str:
        return detect_locale(self._page) or "en_US"


def applied_record(
    plan: Plan, agreed: list[Planned], applier: Applier | None, stopped: str | None = None, **fields
) -> Applied:
    """apply.json's content: every planned change, done, declined or not attempted, and the guard's counts."""
    done = {r.setting: r for r in (applier.records if applier else [])}
    agreed_settings = {p.setting for p in agreed}
    changes = [
        done.get(p.setting)
        or (
            p.record("declined", "you said no")
            if p.setting not in agreed_settings
            else p.record("not_attempted", (applier and applier.stopped) or stopped or "the apply could not start")
        )
        for p in plan.changes
    ]
    return Applied(
        tool_version=__version__,
        platforms=plan.platforms,
        changes=changes,
        by_hand=plan.by_hand,
        writes_sent=sum(len(c.writes) for c in changes),
        stopped=applier.stopped if applier else stopped,
        interrupted=bool(applier and applier.interrupted),
        **fields,
    )
