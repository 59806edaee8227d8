"""auditor/replica/README.md maps every replica page to the catalog entries it copies, and stays in sync."""

import re
from pathlib import Path

import golden

from auditor.replica.html import page_url
from auditor.replica.registry import catalog

README = Path(__file__).resolve().parent.parent / "auditor" / "replica" / "README.md"
HOSTS = {
    "facebook": "www.facebook.com",
    "accounts_center": "accountscenter.facebook.com",
    "instagram": "www.instagram.com",
}


def page_table() -> str:
    rows = ["| page | URL | settings | sources |", "|---|---|---|---|"]
    for page in catalog().pages:
        settings = [c.id for section in page.sections for c in section.controls]
        sources = sorted(set(page.sources) | {key for s in page.sections for c in s.controls for key in c.sources})
        url = page_url(page, HOSTS.get(page.site, page.site))
        rows.append(f"| {page.id} | {url} | {', '.join(settings)} | {', '.join(sources)} |")
    return "\n".join(rows)


def test_the_readme_lists_every_page_with_its_settings_and_sources():
    text = README.read_text(encoding="utf-8")
    assert "<!-- pages:start -->\n" in text and "<!-- pages:end -->" in text, (
        "the README has lost the page map's markers"
    )
    # The README itself is the golden file: only the part between the markers is generated.
    wanted = re.sub(
        r"(?<=<!-- pages:start -->\n).*?(?=<!-- pages:end -->)",
        lambda _: page_table() + "\n",
        text,
        count=1,
        flags=re.S,
    )
    golden.check(README, wanted)


def test_the_readme_describes_the_whole_pattern_space_and_its_knobs():
    from auditor.replica.knobs import KINDS
    from auditor.replica.patterns import BUTTONS, CONTROLS, LOADS, NAMES, OVERLAYS, REACHES, SECTIONS, WORDINGS

    text = README.read_text(encoding="utf-8")
    space = text[text.index("## The pattern space") : text.index("### Goldens")]
    values = {c for cs in CONTROLS.values() for c in cs} | {n for ns in NAMES.values() for n in ns}
    values |= {r for rs in REACHES.values() for r in rs} | {*BUTTONS, *WORDINGS, *LOADS, *SECTIONS, *OVERLAYS}
    assert [v for v in sorted(values) if f"`{v}`" not in space] == []
    assert [k for k in ("pattern", "variation", "divswitch", "checkbox", "choicerow") if f"`{k}:" not in text] == []
    assert set(KINDS) >= {"pattern", "variation"}
    assert "python -m tests.capture_patterns" in text
