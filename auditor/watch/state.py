"""What a watch remembers between runs, beside the history (0600): what it told whom, and what it compares with.

A watch is known by its output folder (and its history). For each notification URL (by a keyed hash,
never the URL) it keeps the keys of the events that URL was told, so no event is told twice to it; a key
goes once its event is over (a finished run no longer finds it). It keeps the last finished run every URL
was told about (the history compares with it) and the pages as last read (drift compares with them):
both move on only when every URL got this run's news, so news a URL missed is sent with the next run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from auditor import results
from auditor.errors import AuditorError, say
from auditor.files import write_atomic
from auditor.history.pseudonym import account_key, pseudonym
from auditor.results import Observations
from auditor.userfile import load_json
from auditor.watch.events import Event
from auditor.watch.notify import Url

VERSION = 1


def watch_id(history: Path, out: Path) -> str:
    """The watch's name in its files: a hash of its history and output folder (no path in a file name)."""
    where = f"{Path(history).absolute()}\n{Path(out).absolute()}"
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:12]


@dataclass
class State:
    path: Path  # the state file: <history>.watch-<id>.json
    history: Path
    compared_with: str | None = None  # when the last finished run every URL was told about started
    sent: dict[str, set[str]] = field(default_factory=dict)  # URL's keyed hash -> keys of the events it was told

    @classmethod
    def load(cls, history: Path, out: Path) -> State:
        history = Path(history)
        path = history.with_name(f"{history.name}.watch-{watch_id(history, out)}.json")
        state = cls(path, history)
        if not path.exists():
            return state
        try:
            data = load_json(path, "watch", "a watch's state")
            state.compared_with = data["compared_with"]
            state.sent = {url: set(keys) for url, keys in data["sent"].items()}
        except (AuditorError, KeyError, TypeError, AttributeError):
            say(f"note: {path} is not a watch's state: starting afresh (a change may be told again)")
        return state

    @property
    def pages_path(self) -> Path:
        """The pages as last read (an observations file: `auditor drift` takes it as a baseline too)."""
        return self.path.with_suffix(".pages.json")

    def fingerprint(self, url: Url) -> str:
        """A notification URL as the state knows it: keyed with the history's key, so it cannot be guessed back."""
        return pseudonym(account_key(self.history), f"notify:{url.text}")[:24]

    def new_for(self, url: Url, events: list[Event]) -> list[Event]:
        told = self.sent.get(self.fingerprint(url), set())
        return [e for e in events if e.key not in told]

    def told(self, url: Url, events: list[Event]) -> None:
        self.sent.setdefault(self.fingerprint(url), set()).update(e.key for e in events)

    def settle(self, events: list[Event], finished: bool, urls: list[Url]) -> None:
        """After a finished run, forget the events it no longer finds (a value changed back, a run finishing after
        one that could not); a run that read less cannot tell, so it forgets nothing. URLs no longer given go."""
        current = {e.key for e in events}
        kept = {self.fingerprint(url) for url in urls}
        self.sent = {
            url: (keys & current if finished else keys) for url, keys in self.sent.items() if url in kept and keys
        }

    def save(self) -> None:
        data = {
            "version": VERSION,
            "compared_with": self.compared_with,
            "sent": {url: sorted(keys) for url, keys in sorted(self.sent.items())},
        }
        write_atomic(self.path, json.dumps(data, indent=2) + "\n")

    # ------------------------------------------------------------------ the pages drift compares with
    def pages(self) -> Observations | None:
        if not self.pages_path.exists():
            return None
        try:
            return results.read(self.pages_path, Observations)
        except AuditorError:
            say(f"note: {self.pages_path} is not an observations file: the pages are compared from this run on")
            return None

    def keep_pages(self, current: Observations) -> None:
        results.write(self.pages_path, merged(self.pages(), current))


def merged(before: Observations | None, now: Observations) -> Observations:
    """Each page as last read: from `now` when it read the page, else from `before` (a page a run could not
    load keeps its last reading, so drift across that run is still found)."""
    if before is None:
        return now
    read_now = {p.flow for p in now.pages if p.status == "ok"}
    older = {p.flow for p in before.pages} - read_now
    pages = [p for p in now.pages if p.flow not in older] + [p for p in before.pages if p.flow in older]
    observations = [o for o in now.observations if o.flow not in older] + [
        o for o in before.observations if o.flow in older
    ]
    flows = [f for f in now.run.flows if f.id not in older] + [f for f in before.run.flows if f.id in older]
    return Observations(run=now.run.model_copy(update={"flows": flows}), observations=observations, pages=pages)


def comparable(before: Observations, now: Observations) -> tuple[Observations, Observations]:
    """Both runs narrowed to the pages both read with the same flow (by its file's hash): a page audited for the
    first time, or read by a flow a newer auditor changed, has nothing to be compared with (every control on it
    would look new); from this run on it has."""
    hashes = {source.id: source.sha256 for source in before.run.flows}
    same = {source.id for source in now.run.flows if hashes.get(source.id) == source.sha256}

    def narrowed(run: Observations) -> Observations:
        pages = [p for p in run.pages if p.flow in same]
        observations = [o for o in run.observations if o.flow in same]
        return run.model_copy(update={"pages": pages, "observations": observations})

    return narrowed(before), narrowed(now)
