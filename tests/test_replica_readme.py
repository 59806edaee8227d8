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
