"""What `auditor apply` says in the terminal: the plan, each question, a line per change, the closing summary.

The sentences are apply.txt.j2's (report.apply_words), translatable like the report's, in the
report's language. This module gives them their data: each setting named by its label on the page,
each value by the page's own words (as read, or the flow's text for it), each check by its title;
never an id. Labels and values are in the report's wording, as the report shows them (auditor.values):
the page's own when the pages speak the report's language, else the flow's texts in that language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor import i18n, values
from auditor.apply.marks import made_by
from auditor.apply.plan import ANSWERS, Plan, Planned, page_words
from auditor.apply.record import Applied, ChangeRecord
from auditor.evaluate import after_changes
from auditor.observe.wording import UnsupportedLocale, texts
from auditor.report import apply_words
from auditor.results import Findings, Value
from auditor.spec import Vocabulary

PAGE_LOCALE = "en_US"  # the page's words when the findings do not say which language the pages spoke


@dataclass
class Words:
    plan: Plan
    vocabulary: Vocabulary
    findings: Findings | None = None  # the audit's (an undo's apply's), for titles and where to click
    lang: str | None = None  # the report's language (None: the audited pages')
    undo: bool = False
    _titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # check -> (title, where to do it)

    def __post_init__(self) -> None:
        page = (self.findings.run.locale if self.findings else None) or PAGE_LOCALE
        self.lang = self.lang or i18n.language_of(page)
        self.same_language = i18n.language_of(page) == self.lang  # else the page's own texts read are not shown
        self.locale = values.words_locale(self.lang, page)  # labels and values in the report's wording
        self.words = apply_words(self.lang)
        if self.findings is not None:
            localized = i18n.localize(self.findings, self.lang)
            self._titles = {x.check: (x.title, x.url or (x.how[0] if x.how else "")) for x in localized.findings}
        self._planned = {p.setting: p for p in self.plan.changes}

    # ------------------------------------------------------------------ before and during the changes
    def described(self) -> str:
        changes = [self._setting(p, p.expected, p.wanted) | {"url": p.url} for p in self.plan.changes]
        return self.words.plan(changes, self._by_hand(), self.undo)

    def question(self, n: int, total: int, p: Planned) -> str:
        return self.words.question(n, total, self._setting(p, p.expected, p.wanted)) + f" {ANSWERS} "

    def progress(self, n: int, total: int, p: Planned, done: ChangeRecord) -> str:
        return self.words.progress(n, total, self._setting(p) | {"status": done.status})

    # ------------------------------------------------------------------ after
    def summary(self, applied: Applied, record: Path, report: Path | None) -> str:
        by_status: dict[str, list[dict]] = {}
        for c in applied.changes:
            p = self._planned.get(c.setting)
            shown = self._setting(p, c.before, c.after, c.before_text, c.after_text) if p else {"label": c.title}
            by_status.setdefault(c.status, []).append(shown | {"detail": c.detail, "url": c.url})
        return self.words.summary(
            {
                "undo": self.undo,
                "sent_for": sum(c.changed for c in applied.changes),  # settings a change request went out for
                "changed": by_status.get("verified", []),
                "not_verified": by_status.get("not_verified", []),
                "dropped": by_status.get("dropped", []),
                "not_attempted": by_status.get("not_attempted", []),
                "declined": by_status.get("declined", []),
                "stopped": applied.stopped or "",
                "by_hand": self._by_hand(self._failing_after(applied)),
                "sent": applied.writes_sent,
                "blocked": applied.writes_blocked,
                "record": str(record),
                "report": str(report) if report is not None else "",
            }
        )

    # ------------------------------------------------------------------ the page's words
    def _setting(self, p: Planned, before: Value = None, after: Value = None, before_text=None, after_text=None):
        label = self._text(p.item.read.label) or self._titles.get(p.check or "", (p.title, ""))[0]
        platform = p.item.read.platform or p.item.flow.spec.platform
        return {
            "platform": platform,
            "label": label,
            "before": self._value(p, before, before_text),
            "after": self._value(p, after, after_text),
        }

    def _value(self, p: Planned, value: Value, raw: str | None = None) -> str:
        raw = raw if self.same_language else None
        return "?" if value is None and not raw else page_words(p.item, value, self.vocabulary, self.locale, raw)

    def _text(self, localized) -> str | None:
        try:
            return texts(localized, self.locale)[0]
        except UnsupportedLocale:
            return localized.get(PAGE_LOCALE)

    def _failing_after(self, applied: Applied) -> set[str] | None:
        """The checks that still fail (or are the person's to make) after the changes; None: not known."""
        if self.findings is None or self.undo:
            return None
        after = after_changes(self.findings, made_by(applied).values, i18n.check_titles(self.findings.checklist.id))
        return {x.check for x in after.findings if x.status in ("fail", "manual")}

    def _by_hand(self, failing: set[str] | None = None) -> list[dict]:
        return [
            {
                "title": self._titles.get(b.check, (b.title, ""))[0],
                "why": b.why,
                "where": b.url or self._titles.get(b.check, ("", ""))[1],
            }
            for b in self.plan.by_hand
            if failing is None or b.check in failing
        ]
