"""How apply reads a setting before and after changing it: exactly as `observe` does, one page at a time.

The one place apply reaches into the observe stage (its public page reader, observe.page.read_page).
It also keeps the answers to the page's own GraphQL reads: they name the ids the page's save of a
setting carries (auditor.openings.expected_save).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.network import GRAPHQL_READ_PATH
from auditor.observe.page import read_page
from auditor.results import Observation
from auditor.spec import Loaded
from auditor.visit import Visit


@dataclass(frozen=True)
class Shown:
    """What a setting's page shows now, as just read."""

    observations: dict[str, Observation]  # by setting id
    reason: str | None  # why the page could not be read (checkpoint, rate_limited, login_wall, ...), None if read
    detail: str = ""
    answers: tuple = ()  # the responses to the page's GraphQL reads while it loaded (Playwright Responses)


def read_shown(page, flow: Loaded, visit: Visit) -> Shown:
    """Open the flow's page (a reload if it is open) and read every setting on it as observe does."""
    answers = []

    def keep(response) -> None:
        path = tuple(s for s in urlsplit(response.url).path.lower().split("/") if s)
        if response.request.method == "POST" and path == GRAPHQL_READ_PATH:
            answers.append(response)

    page.on("response", keep)
    try:
        read = read_page(page, flow, visit)
    finally:
        page.remove_listener("response", keep)
    return Shown({o.setting: o for o in read.observations}, read.reason, read.inventory.detail, tuple(answers))


def documents(answers) -> list:
    """The JSON of the answers that can still be read (a page that moved on may have let go of them)."""
    found = []
    for response in answers:
        try:
            found += parsed(response.text())
        except Exception:  # Playwright's Error: that answer names nothing
            continue
    return found


def parsed(text: str) -> list:
    """An answer's JSON documents: one, or one a line (a read whose parts are streamed), after the
    `for (;;);` some of Meta's answers start with; what is not JSON is left out."""
    text = text.removeprefix("for (;;);")
    for chunks in ([text], text.splitlines()):
        found = []
        for chunk in chunks:
            try:
                found.append(json.loads(chunk))
            except ValueError:
                continue
        if found:
            return found
    return []
