"""The sources a check cites, as a person is shown them: the ones a privacy NGO would cite, Meta's own and the
regulators' first, each page once. Pure.

checklists/sources/catalog.yml classes every source (official, regulator, ngo, press, other; see its
header). A source classed `other` (a blog, a guide, a tool) stays in the data as the provenance of a
wording, and is never shown as the reason for a recommendation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from auditor import data

CLASSES = ("official", "regulator", "ngo", "press", "other")  # most authority first
SHOWN = CLASSES[:-1]
SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$")


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str
    kind: str  # one of CLASSES


@lru_cache
def catalog() -> dict[str, Source]:
    """Every source of the checklists' sources file whose address can be a link (https), by key."""
    path = data.checklists_dir() / "sources" / "catalog.yml"
    listed = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    return {
        key: Source(key, entry["title"], entry["url"], entry.get("class", "other"))
        for key, entry in listed.items()
        if isinstance(entry, dict) and SAFE_URL.match(str(entry.get("url", "")))
    }


def shown(keys: list[str], link: str | None = None) -> list[Source]:
    """The cited sources a person sees: none classed other, the most authoritative first (the checklist's order
    within a class), each page once, and not the page the card already links to (`link`)."""
    known = catalog()
    cited = [known[key] for key in keys if key in known and known[key].kind in SHOWN]
    seen = {_page(link)} if link else set()
    out = []
    for source in sorted(cited, key=lambda s: CLASSES.index(s.kind)):
        if _page(source.url) not in seen:
            seen.add(_page(source.url))
            out.append(source)
    return out


def _page(url: str) -> str:
    """A page's address without what does not change the page: a trailing slash, a fragment."""
    return url.split("#", 1)[0].rstrip("/").lower()
