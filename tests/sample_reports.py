"""Reports of the replica's accounts built offline from their expected observations (tests/expected/), no audit.

The expected files hold each setting's status, value and reason as an audit of the replica read
them; a list setting's page text is what the reader writes for it ("N item(s)"), so the report's
own words for counts are what is tested.
"""

from __future__ import annotations

import json
from pathlib import Path

from auditor import results
from auditor.rerun import evaluate_and_report

EXPECTED = Path(__file__).parent / "expected"
PAGE_LOCALE = {"de": "de_DE", "uk": "en_GB"}  # the language each account's pages are in; the others en_US


def observations(account: str) -> results.Observations:
    seen = []
    for folder in sorted(p for p in EXPECTED.iterdir() if p.is_dir()):
        for setting, o in json.loads((folder / f"{account}.json").read_text(encoding="utf-8")).items():
            counted = isinstance(o["value"], int) and not isinstance(o["value"], bool)
            raw = f"{o['value']} item(s)" if counted else None  # as readers.py writes a list's count
            seen.append(results.Observation(setting=setting, platform=folder.name, **o, raw=raw))
    run = results.Run(
        tool_version="0.1.0",
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T10:04:00+00:00",
        platforms=["facebook", "instagram"],
        browser="chromium 156 (test)",
        locale=PAGE_LOCALE.get(account, "en_US"),
    )
    return results.Observations(run=run, observations=seen)


def report(account: str, folder: Path, lang: str | None = None, checklist: str = "default") -> Path:
    """report.html (and report.md, junit.xml, findings.json) of an account in `folder`; returns report.html."""
    folder.mkdir(parents=True, exist_ok=True)
    return evaluate_and_report(observations(account), folder, checklist, lang=lang)
