"""How apply reads a setting before and after changing it: exactly as `observe` does, one page at a time.

The one place apply reaches into the observe stage, so that when observe's way of reading a page
changes, only `read_page` follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.observe.page import PageReader
from auditor.results import Observation
from auditor.spec import Loaded, Vocabulary


@dataclass(frozen=True)
class PageRead:
    observations: dict[str, Observation]  # by setting id
    reason: str | None  # why the page could not be read (checkpoint, rate_limited, login_wall, ...), None if read
    detail: str = ""


def read_page(page, flow: Loaded, vocabulary: Vocabulary, platforms: list[str]) -> PageRead:
    """Open the flow's page (a reload if it is open) and read every setting on it with observe's readers."""
    read = PageReader(vocabulary, platforms).read(page, flow)
    return PageRead({o.setting: o for o in read.observations}, read.reason, read.inventory.detail)
