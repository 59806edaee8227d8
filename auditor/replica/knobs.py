"""Drift and fault knobs: what a test (or `replica serve --mutate`) changes about the replica.

A knob is written `KIND:TARGET[:ARG]`:

  drift   rename:SETTING[:TEXT]   the control's label changes wording (to TEXT when given; TEXT may hold
                                  colons). Kind and section stay: a label no flow knows. Two renamed
                                  controls of one kind in one section are two candidates for inference.
          remove:SETTING          the control disappears
          add:PAGE                a new, unknown toggle appears on PAGE
          move:SETTING:PAGE       the control moves to another page
          options:SETTING         the option list changes (last option dropped, "No one" added)
          retype:SETTING          the control type changes (dialog -> inline radios, switch -> radios)
          default:SETTING:VALUE   Meta's default changes for accounts that never chose
          remove_page:PAGE        the page is gone (Meta's "content isn't available" page)
  labels  labels:GENERATION[:PAGE]  the page (default: every page) shows the labels of GENERATION:
                                  legacy (before 2024), 2024, or 2026 (catalog 8); overrides the account's
  fault   slow:PAGE[:MS]          the page's data loads MS milliseconds late (default 3000)
          error:PAGE              the page answers HTTP 500
          ratelimit:PAGE          the page shows Meta's "temporarily blocked" page
          expire:PAGE             the session expires when PAGE is opened
          hold:PAGE               the page's data is answered only once the knobs let go (Replica.let_go, or
                                  {"let_go": true} to /__replica/knobs), at the latest after HOLD_BOUND
                                  seconds: a test waits for a state of the run, then lets the page load
          hold:SETTING            the same for a save of SETTING: it is kept, and answered only then
  apply   write_error:SETTING     saving SETTING answers HTTP 500 and changes nothing
          write_stuck:SETTING     saving SETTING works, but its answer comes only after 30 s
          write_lost:SETTING      saving SETTING is answered as a success, and nothing is kept (a reload
                                  shows the old value: only a read-back can tell)
          stray:PAGE              a save on PAGE also saves another control of the page first answered
          checkpoint:N            after N writes, every settings page shows Meta's security check
  page script
          script:SETTING:SHAPE[:WHEN]  a script of the page (as a page's own script could) sends a write that
                                  would change SETTING to another value, shaped like the page's own save of it
                                  (auditor/replica/strays.py), on every page of SETTING's site the account is
                                  logged in to (settings pages, Instagram's "Save your login info?" page).
                                  SHAPE: fetch, blob, arraybuffer, large, beacon, keepalive, form, worker,
                                  shared_worker.
                                  WHEN: before (when the pointer first comes over the page), at (in each click,
                                  before the control's own handler), after (50 ms after each click); default at

  control variations (the same setting, another control Meta has used for it)
          divswitch:SETTING       a boolean as a `div` with role=switch and aria-checked, no input: Meta's
                                  Comet pages build controls from divs (catalog 9.1: div[role=button]
                                  rows; 12: checkboxes read by aria-checked)
          checkbox:SETTING        a boolean as a plain `<input type=checkbox>` named by a `<label for>`, no
                                  role=switch: Instagram's legacy "Similar account suggestions" checkbox
                                  and Facebook's ad-category checkboxes (catalog 6, 12)
          choicerow:SETTING       an audience setting as an Accounts Center row: the value beside the
                                  question, the row a button opening a dialog of radios with "Confirm";
                                  Escape closes it unchanged (catalog 4 and 9.1: ad settings rows)
  patterns (the pattern space, patterns.py: the same setting in any equivalent accessible pattern)
          pattern:SETTING:SPEC    SETTING in the pattern SPEC, `DIMENSION=VALUE` pairs joined by commas
                                  (control=listbox,name=labelledby2,load=streamed,reach=subpage); what is not
                                  given is the control's first choice. The three knobs above are its aliases
                                  (divswitch = control=div_switch, checkbox = control=checkbox, choicerow =
                                  control=choice_row), as retype is for inline radios
          variation:SEED          every setting in a pattern drawn from the space by SEED (patterns.draw);
                                  a `pattern:` knob still wins for its setting
  overlays (modal dialogs over the page: a reader must notice them before reading)
          cookie:PAGE             Meta's cookie consent dialog over the page in a browser that has not
                                  answered it ("Allow the use of cookies from Facebook on this browser?",
                                  "Decline optional cookies" / "Allow all cookies", catalog 9.3,
                                  S-cookiepolicy-2024); the answer is POSTed as on the login page (a
                                  write, as on the real site) and kept per browser (datr / mid)
  headers csp:PAGE                the page sends a Content-Security-Policy that allows no inline style,
                                  only the CDN's style sheets (Meta's pages send a policy; a screenshot's
                                  masks must not depend on what it allows)
          announce:PAGE[:survey]  a feature announcement over the page (Meta AI; wording made up, as
                                  Meta's vary): role=dialog aria-modal=true, a Close button, Escape closes
                                  it for this page view only; nothing is sent. `survey`: a survey instead,
                                  that neither Escape nor a close control takes away, only one of its two
                                  answers, each sent as a write (SurveyResponseSubmitMutation)

PAGE may be `*` for every page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from auditor.errors import InputError

KINDS = {
    "rename": (1, 2),
    "remove": 1,
    "add": 1,
    "move": 2,
    "options": 1,
    "retype": 1,
    "default": 2,
    "remove_page": 1,
    "labels": (1, 2),
    "slow": (1, 2),
    "error": 1,
    "ratelimit": 1,
    "expire": 1,
    "hold": 1,
    "write_error": 1,
    "write_stuck": 1,
    "write_lost": 1,
    "stray": 1,
    "checkpoint": 1,
    "script": (2, 3),
    "divswitch": 1,
    "checkbox": 1,
    "choicerow": 1,
    "cookie": 1,
    "announce": (1, 2),
    "csp": 1,
    "pattern": 2,
    "variation": 1,
}
# Knobs aimed at a setting (the others aim at a page, or at a label generation).
SETTING_KINDS = {
    "rename",
    "remove",
    "move",
    "options",
    "retype",
    "default",
    "divswitch",
    "checkbox",
    "choicerow",
    "write_error",
    "write_stuck",
    "write_lost",
    "pattern",
    "script",
}


@dataclass(frozen=True)
class Knob:
    kind: str
    target: str
    arg: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Knob":
        kind, _, rest = text.partition(":")
        parts = rest.split(":", 1 if kind == "rename" else -1) if rest else []
        arity = KINDS.get(kind)
        if arity is None:
            raise InputError(f"--mutate {text}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        allowed = arity if isinstance(arity, tuple) else (arity,)
        if len(parts) not in allowed or not all(parts):
            raise InputError(
                f"--mutate {text}: {kind} takes {' or '.join(map(str, allowed))} argument(s) after the colon"
            )
        cls._check_target(text, kind, parts)
        return cls(kind, parts[0], ":".join(parts[1:]) or None)

    @staticmethod
    def _check_target(text: str, kind: str, parts: list[str]) -> None:
        from auditor.replica.registry import GENERATIONS, catalog

        pages = {p.id for p in catalog().pages}
        if kind == "labels":
            if parts[0] not in GENERATIONS:
                raise InputError(
                    f"--mutate {text}: unknown label generation {parts[0]!r} (one of {', '.join(GENERATIONS)})"
                )
            if len(parts) > 1 and parts[1] not in pages | {"*"}:
                raise InputError(f"--mutate {text}: unknown page {parts[1]!r}")
            return
        settings = {c.id for _p, c in catalog().controls()}
        if kind in ("pattern", "variation"):
            _check_pattern(text, kind, parts)
            return
        if kind == "checkpoint":
            if not (parts[0].isascii() and parts[0].isdigit()):
                raise InputError(f"--mutate {text}: checkpoint takes a number of writes, not {parts[0]!r}")
            return
        expected, known = ("setting", settings) if kind in SETTING_KINDS else ("page", pages | {"*"})
        if kind == "hold":
            expected, known = "page or setting", pages | settings | {"*"}
        if parts[0] not in known:
            raise InputError(f"--mutate {text}: unknown {expected} {parts[0]!r}")
        wanted = {"divswitch": "switch", "checkbox": "switch", "choicerow": "audience"}.get(kind)
        if wanted and catalog().control(parts[0])[1].type != wanted:
            raise InputError(f"--mutate {text}: {kind} takes a {wanted} setting")
        if kind == "move" and parts[1] not in pages:
            raise InputError(f"--mutate {text}: unknown page {parts[1]!r}")
        if kind == "script":
            from auditor.replica.strays import MOMENTS, SHAPES

            if parts[1] not in SHAPES:
                raise InputError(f"--mutate {text}: unknown script shape {parts[1]!r} (one of {', '.join(SHAPES)})")
            if len(parts) > 2 and parts[2] not in MOMENTS:
                raise InputError(f"--mutate {text}: unknown moment {parts[2]!r} (one of {', '.join(MOMENTS)})")
        if kind == "announce" and len(parts) > 1 and parts[1] != "survey":
            raise InputError(f"--mutate {text}: announce takes `survey` or nothing after the page, not {parts[1]!r}")
        if kind == "slow" and len(parts) > 1 and not (parts[1].isascii() and parts[1].isdigit()):
            raise InputError(f"--mutate {text}: slow takes a delay in milliseconds (a whole number), not {parts[1]!r}")


def _check_pattern(text: str, kind: str, parts: list[str]) -> None:
    from auditor.replica.patterns import parse
    from auditor.replica.registry import catalog

    if kind == "variation":
        if not (parts[0].isascii() and parts[0].isdigit()):
            raise InputError(f"--mutate {text}: variation takes a seed (a whole number), not {parts[0]!r}")
        return
    found = next((c for _p, c in catalog().controls() if c.id == parts[0]), None)
    if found is None:
        raise InputError(f"--mutate {text}: unknown setting {parts[0]!r}")
    try:
        parse(found.type, parts[1])
    except ValueError as exc:
        raise InputError(f"--mutate {text}: {exc}") from None


HOLD_BOUND = 300  # seconds a held answer waits at most: a run whose test never let go still ends


class Knobs:
    """The knobs in force; tests set and clear them while the replica runs."""

    def __init__(self, knobs: list[Knob] = ()):
        self._lock = threading.Lock()
        self._knobs: list[Knob] = list(knobs)
        self._let_go = threading.Event()

    def set(self, *knobs: Knob | str) -> None:
        parsed = [k if isinstance(k, Knob) else Knob.parse(k) for k in knobs]
        with self._lock:
            self._knobs.extend(parsed)

    def clear(self) -> None:
        with self._lock:
            self._knobs.clear()
            self._let_go.set()  # whatever is still held goes; the next hold holds again
            self._let_go = threading.Event()

    def let_go(self) -> None:
        """Answer what `hold` keeps back, now and until the knobs are cleared."""
        self._let_go.set()

    def wait_to_let_go(self) -> None:
        """Where a held answer waits (in its request's own thread)."""
        self._let_go.wait(HOLD_BOUND)

    def all(self) -> list[Knob]:
        with self._lock:
            return list(self._knobs)

    def find(self, kind: str, target: str) -> Knob | None:
        """The knob of this kind aimed at target (or at every page with `*`)."""
        return next((k for k in self.all() if k.kind == kind and k.target in (target, "*")), None)

    def of_kind(self, kind: str) -> list[Knob]:
        return [k for k in self.all() if k.kind == kind]
