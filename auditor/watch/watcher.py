"""`auditor watch`: one audit, compared with what the person was last told, and a notification of what is new.

The audit is `auditor run`'s own chain (stages.run, recorded in the history); the system's scheduler
repeats it (`auditor schedule`). The run is compared with the last finished run every notification
URL was told about (the history) and with the pages as last read (drift); what a URL was not told yet
is sent to it in one message. A run that could not finish is told once, until a run finishes again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor import stages
from auditor.drift import compare
from auditor.errors import AuditorError
from auditor.history.since import since_finished
from auditor.options import Options
from auditor.stages import Done
from auditor.watch import notify
from auditor.watch.events import Event, found
from auditor.watch.notify import Url
from auditor.watch.state import State, comparable
from auditor.watch.words import Words


@dataclass
class Watched:
    """How a watch went: the run (None when it ended in `error`), what was new, and who was told."""

    done: Done | None
    events: list[Event]
    told: int = 0  # URLs that took this run's message
    failed: list[Url] = field(default_factory=list)  # URLs that did not: told with the next run
    error: AuditorError | None = None
    line: str = ""  # the closing line, in the reader's language

    @property
    def drift(self) -> bool:
        return any(e.kind == "drift" for e in self.events)


def watch(platforms: list[str], out: Path, options: Options, urls: list[Url]) -> Watched:
    """Audit into `out` (options.history is where runs are recorded: a watch needs one), then notify, in the
    language of the report (options.lang)."""
    flow_set, lang = options.flow_set, options.lang
    state = State.load(options.history, out)
    pages = state.pages()
    try:
        done = stages.run(platforms, out, options)
    except AuditorError as error:  # bad input or a failure before the files were written: told as a run that stopped
        words = Words(flow_set, lang=lang)
        watched = _tell(Watched(None, found(None, None, None), error=error), state, urls, words, None)
        state.settle(watched.events, False, urls)
        state.save()
        return watched
    observations, findings = done.observations, done.findings
    words = Words(flow_set, findings, lang)
    since = since_finished(options.history, observations, findings, {}, state.compared_with)
    drift = compare(*comparable(pages, observations)) if pages is not None else None
    watched = _tell(Watched(done, found(since, drift, observations)), state, urls, words, since and since.previous)
    finished = observations.run.complete
    state.settle(watched.events, finished, urls)
    if not watched.failed:  # every URL has this run's news: compare with this run from now on
        if finished:
            state.compared_with = observations.run.started
        state.keep_pages(observations)
    state.save()
    return watched


def _tell(watched: Watched, state: State, urls: list[Url], words: Words, since: str | None) -> Watched:
    """Send each URL the events it was not told yet, in one message."""
    new_anywhere: set[str] = set()
    for url in urls:
        new = state.new_for(url, watched.events)
        if not new:
            continue
        new_anywhere |= {e.key for e in new}
        title, body = words.message(new, since)
        kind = "failure" if all(e.kind == "stopped" for e in new) else "warning"
        if notify.send(url, title, body, kind):
            state.told(url, new)
            watched.told += 1
        else:
            watched.failed.append(url)
    watched.line = words.done(watched.told, len(new_anywhere))
    return watched
