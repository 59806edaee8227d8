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

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError

from auditor import __version__
from auditor.apply.plan import Plan, Planned, page_words
from auditor.apply.reading import Shown, read_shown
from auditor.apply.record import Applied, ChangeRecord
from auditor.apply.steps import AlreadySet, Changer, Stop, Unidentified
from auditor.errors import first_line
from auditor.observe import loop
from auditor.observe.locate import locate
from auditor.observe.loop import Stopped, bounded
from auditor.observe.page import detect_locale
from auditor.outcome import STOP_ADVICE, STOPS_THE_RUN
from auditor.results import Observation, now
from auditor.visit import Visit

UNGUARDED = "a request went out without the network guard's check (open your settings pages to check them)"
STOPPED = {  # the loop's own stops, in apply's words
    loop.INTERRUPTED: "interrupted (Ctrl-C)",
    loop.AT_ONCE: "interrupted (Ctrl-C twice)",
    loop.OUT_OF_TIME: "the time limit (--timeout) passed",
    loop.UNGUARDED: UNGUARDED,
}
DISPLACED = (
    "a second, identical save of this setting was blocked: a script of the page sent the same save, and which "
    "of the two was the page's own cannot be told; open the page to check it"
)


@dataclass
class Applier:
    visit: Visit  # guarded and logged in (auditor.visit.open_visit)
    progress: Callable[[int, int, Planned, ChangeRecord], str] | None = None  # the line said per change (words.py)
    stopped: str | None = None
    interrupted: bool = False
    _page: object = None
    _shown: tuple[str, Shown] | None = None  # the flow the page shows now, as just read
    _saving: tuple | None = None  # the change whose save may be on its way: (planned, window, before, started)
    records: list[ChangeRecord] = field(default_factory=list)

    def run(self, agreed: list[Planned]) -> list[ChangeRecord]:
        """Each agreed change in turn, in observe's bounded loop (observe.loop): Ctrl-C, the time limit, the guard
        or a change that went wrong stops it, and the changes left are not attempted."""

        def change(page, planned: Planned) -> tuple[ChangeRecord, Stopped | None]:
            self._page = page
            record = self._apply(planned)
            return record, Stopped("error", self.stopped) if self.stopped is not None else None

        def said(planned: Planned, record: ChangeRecord) -> None:
            if self.progress is not None:
                self.visit.say(self.progress(agreed.index(planned) + 1, len(agreed), planned, record))

        self.records, stop = bounded(self.visit, agreed, change, self._not_attempted, said)
        self.interrupted = stop is not None and stop.reason == "interrupted"
        self.stopped = _in_words(stop) if stop is not None else None
        if self.stopped is None and self.visit.network.log.unguarded:  # during the last change
            self.stopped = UNGUARDED
        return self.records

    def _not_attempted(self, planned: Planned, stop: Stopped) -> ChangeRecord:
        """A change the apply did not get to, or, after a second Ctrl-C, the one in progress."""
        if not stop.at_once:
            return planned.record("not_attempted", f"the apply stopped: {_in_words(stop)}")
        if self._saving is not None and self._saving[0] is planned and self._saving[1].sent:  # it may have taken
            _planned, window, before, started = self._saving
            return planned.record(
                "not_verified",
                "interrupted after its save was sent, before it was read back: open the page to check it",
                before=before,
                time=started,
                writes=list(window.sent),
                blocked=list(window.blocked),
            )
        return planned.record("not_attempted", "the apply was interrupted")

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
        with self.visit.network.change(planned.setting) as window:
            self._saving = (planned, window, seen.value, started)
            try:
                saved = Changer(
                    self._page, self._region(planned), planned.item, self._vocabulary, self._locale(), window, answers
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

    def _read(self, planned: Planned) -> Shown:
        """The setting's page as read just now: the page already shown, else loaded (paced, as observe) and read."""
        flow = planned.item.flow
        if self._shown is not None and self._shown[0] == flow.id:
            return self._shown[1]
        self.visit.pace()
        result = read_shown(self._page, flow, self.visit)
        self._shown = (flow.id, result) if result.reason is None else None
        return result

    def _unreadable(self, page: Shown) -> str:
        if page.reason in STOPS_THE_RUN:
            self.stopped = f"{page.detail} ({STOP_ADVICE[page.reason]})"
        return f"the page could not be read: {page.detail or page.reason}"

    def _words(self, planned: Planned, seen) -> str | None:
        """The page's words for a value read, or for a canonical value (apply.json and the report show them)."""
        if not isinstance(seen, Observation):
            return page_words(planned.item, seen, self._vocabulary, self._locale())
        if seen.status != "observed":
            return None
        return page_words(planned.item, seen.value, self._vocabulary, self._locale(), seen.raw)

    @property
    def _vocabulary(self):
        return self.visit.options.flow_set.vocabulary

    def _region(self, planned: Planned):
        return locate(self._page, planned.item.flow.spec.region, None).first

    def _locale(self) -> str:
        return detect_locale(self._page) or "en_US"


def _in_words(stop: Stopped) -> str:
    """Why the apply stopped, in its words: the loop's own stops have theirs; the others say it themselves."""
    return STOPPED.get(stop, stop.detail.removeprefix("not read: "))


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
