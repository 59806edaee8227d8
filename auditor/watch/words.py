"""A watch's message in words: each setting by its title in the reader's language, each value in the page's
words, each page by its address, and what to do; never an id, a name, a pseudonym or a path.

The sentences are watch.txt.j2's (report.watch_words), translatable as the report's are; this module gives
them their data: titles from the run's findings (in the reader's language, as the report shows them), values
from the flows' texts for them, reasons from the report's words.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from auditor import i18n
from auditor.observe.wording import UnsupportedLocale, texts
from auditor.report import watch_words
from auditor.results import Findings, Value
from auditor.watch.events import Event

if TYPE_CHECKING:
    from auditor.options import FlowSet


class Words:
    def __init__(self, flow_set: FlowSet, findings: Findings | None = None, lang: str | None = None):
        page_locale = findings.run.locale if findings is not None else None
        self.lang = lang or i18n.language_of(page_locale)
        # The values in the reader's language: the pages' own locale when it is the reader's (en_GB), else its main one.
        same = page_locale and i18n.language_of(page_locale) == self.lang
        self.locale = page_locale.replace("-", "_") if same else {"de": "de_DE"}.get(self.lang, "en_US")
        self.words = watch_words(self.lang)
        self.vocabulary = flow_set.vocabulary
        self.flow_url = {f.id: f.spec.url for f in flow_set.flows}
        self.reads = {s.id: s for f in flow_set.flows for s in f.spec.settings}
        self.by_setting, self.by_check = {}, {}
        if findings is not None:
            for x in i18n.localize(findings, self.lang).findings:
                self.by_setting.setdefault(x.setting, x)
                self.by_check[x.check] = x

    def message(self, events: list[Event], since: str | None) -> tuple[str, str]:
        """(title, body) of the notification of these events; `since`: when the run compared with started."""
        stopped = next((e.reason for e in events if e.kind == "stopped"), "")
        pages: dict[str, list[dict]] = {}
        for e in events:
            if e.kind == "drift":
                pages.setdefault(self.flow_url.get(e.change.flow, e.change.flow), []).append(self._drift(e))
        m = {
            "since": since or "",
            "less_private": [self._changed(e) for e in events if e.kind == "less_private"],
            "now_failing": [self._failing(e) for e in events if e.kind == "now_failing"],
            "pages": [{"url": url, "changes": changes} for url, changes in pages.items()],
            "stopped": stopped,
        }
        return self.words.title(m).strip(), self.words.body(m).strip()

    def done(self, sent: int, events: int) -> str:
        """The line `auditor watch` prints: how many events were new, and how many URLs were told."""
        return self.words.done({"sent": sent, "events": events}).strip()

    # ------------------------------------------------------------------ the parts
    def _changed(self, e: Event) -> dict:
        finding = self.by_setting.get(e.setting)
        return {
            "platform": finding.platform if finding else "",
            "title": self._title(e.setting),
            "new": e.before is None,  # a setting new on the page, its value less private
            "before": self.value(e.setting, e.before),
            "after": self.value(e.setting, e.after),
            "url": finding.url if finding and finding.url else "",
        }

    def _failing(self, e: Event) -> dict:
        finding = self.by_check.get(e.check)
        return {
            "platform": finding.platform if finding else "",
            "title": finding.title if finding else self._title(None),
            "url": finding.url if finding and finding.url else "",
        }

    def _drift(self, e: Event) -> dict:
        c = e.change
        label = c.new if c.kind == "added" else c.old
        return {
            "kind": c.kind,
            "title": self._title(c.setting) if c.setting else label or "",
            "old": ", ".join(c.old) if isinstance(c.old, list) else c.old or "",
            "new": ", ".join(c.new) if isinstance(c.new, list) else c.new or "",
            "url": self.flow_url.get(c.new, "") if c.kind == "moved" else "",
        }

    def _title(self, setting: str | None) -> str:
        """The setting's title in the report (a check's on it), else its label on the page; never its id."""
        finding = self.by_setting.get(setting)
        if finding is not None:
            return finding.title
        read = self.reads.get(setting)
        if read is not None:
            try:
                return texts(read.label, self.locale)[0]
            except UnsupportedLocale:
                return read.label.get("en_US") or ""
        return self.words.a_setting().strip()

    def value(self, setting: str | None, value: Value) -> str:
        """A value as the page words it in the reader's language ("Friends", "Freunde"), from the flow's texts."""
        if value is None:
            return "?"
        if isinstance(value, bool) or not isinstance(value, str):
            return json.dumps(value) if isinstance(value, bool) else str(value)
        read = self.reads.get(setting)
        own = read.values.get(value) if read is not None and isinstance(read.values, dict) else None
        localized = own or self.vocabulary.values.get(value)
        if localized is None:
            return value
        return localized.get(self.locale) or localized.get("en_US") or value
