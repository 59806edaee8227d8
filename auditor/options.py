"""A run's options: the one object every stage, the cohort, apply, the benchmark and the tests are given.

What the run reads (the flow set, the checklist), where (the target), how it gets in (a session or a
test account's credentials), with which browser, and within what bounds (the pace, the time limit).
The command line builds it once; each part of a run reads what it needs from it, as Scrapy's
components read their settings from the crawler, instead of being handed the same options one by one.
The deadline starts when the browser is open: it is the visit's (auditor.visit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor import spec
from auditor.consistency import load_checklist
from auditor.session.way_in import Credentials
from auditor.target import META, Target

# The longest a run may take (--timeout): an audit of both platforms on Meta's sites, paced, takes
# about four minutes; a site this slow gives partial results instead of running for hours.
DEFAULT_TIMEOUT = 900
# After the time limit, the page in progress gets this long to end its own waits; then the
# watchdog kills the browser (a call Playwright cannot bound is stuck), and what was read is kept.
GRACE_SECONDS = 30


@dataclass(frozen=True)
class FlowSet:
    """What pages are read with: the flows, their shared vocabulary, and the settings no page shows."""

    flows: list[spec.Loaded]
    vocabulary: spec.Vocabulary
    not_applicable: list[spec.NotApplicable]
    only: tuple[str, ...] = ()  # the flows a run reads (--flow); empty: every flow of its platforms

    @classmethod
    def load(cls, flows_dir: Path | None = None) -> FlowSet:
        return cls(spec.load_flows(flows_dir), spec.load_vocabulary(flows_dir), spec.load_not_applicable(flows_dir))

    def checklist(self, name_or_path: str | spec.Loaded) -> spec.Loaded:
        """A checklist checked against these flows (one already loaded is taken as it is)."""
        if isinstance(name_or_path, spec.Loaded):
            return name_or_path
        return load_checklist(name_or_path, self.flows, self.not_applicable)


@dataclass(frozen=True)
class Options:
    """How a run reads: the target, the flows and checklist, where it gets in, the browser, and its bounds."""

    target: Target = META
    flow_set: FlowSet = field(default_factory=FlowSet.load)
    checklist: str | spec.Loaded = "default"  # a shipped checklist's name, a YAML file, or one loaded
    session: Path | None = None  # a saved session file (--session)
    credentials: Credentials | None = None  # a test account's (the demo's)
    browser_path: str | None = None
    connect: str | None = None  # a browser elsewhere (--connect)
    pace: float | None = None  # seconds between page loads (None: the target's default)
    timeout: float = DEFAULT_TIMEOUT
    trace: bool = False
    evidence: bool = True  # screenshots beside the observations
    lang: str | None = None  # the report's language (None: the audited pages')
    history: Path | None = None  # the history database the run is recorded in (None: not recorded)
    history_names: tuple[str, ...] = ()  # what the account can be found by there (run --name)
    option_lists: bool = False  # open audience and choice dialogs for their options (a baseline does too)

    @property
    def pace_seconds(self) -> float:
        """The pause between two page loads, for the account's sake (the target's default unless --pace)."""
        return self.target.pace(self.pace)
