"""Text from pages and files as a person is shown it: one rule for every output.

Meta's pages, flows, checklists and the JSON files between stages are untrusted, and what they
say ends up in a terminal, a report (HTML, Markdown), a CI file (JUnit XML), a CSV file and the
cohort summary. Three kinds of character never get there:
- controls (C0 but tab and newline, DEL, C1): ESC starts a terminal escape (it can clear the
  screen, retitle the window, hide text), CR and backspace rewrite a line, and XML 1.0 forbids
  most of them (a junit.xml no CI can parse);
- bidirectional controls (embeddings, overrides, isolates, marks): "\u202eevil" shows as "live",
  so a text would read as it does not say. Removed, not marked: Meta's pages put marks around
  names and numbers everywhere, and a marker would be noise in every diff;
- noncharacters and lone surrogates, which no file can carry.
`shown` removes them and keeps the rest, so the words stay readable; each output then escapes
what its own syntax needs (HTML and XML by autoescape, Markdown, CSV). `echo` is how the command
line prints: every line it writes passes here.
"""

from __future__ import annotations

import re
import sys

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]|" + BIDI_CONTROLS.pattern)


def shown(text: str) -> str:
    """`text` without the characters no output may carry (see the module)."""
    return UNSHOWABLE.sub("", text)


def echo(text: object = "", *, err: bool = False) -> None:
    """Print a line for the person: stdout for what a command produces, stderr (`err`) for the rest."""
    print(shown(str(text)), file=sys.stderr if err else sys.stdout, flush=True)
