"""Every replica page, as the browser's accessibility tree shows it, matches its golden file.

A golden file is the aria snapshot of the page's main region for one account, headed by the
catalog source keys the page and its controls copy. Refresh after a deliberate change with
AUDITOR_UPDATE_GOLDEN=1 and review the diff against the cited sources.
"""

from __future__ import annotations

from pathlib import Path

import golden
import pytest

from auditor.guard import Network
from auditor.replica.html import page_url
from auditor.replica.registry import catalog
from auditor.session.login import login
from auditor.session.way_in import Credentials

GOLDEN = Path(__file__).parent / "golden" / "replica"
# The demo account reads en_US with the 2026 labels; the German account the 2024 ones, in the EU.
ACCOUNTS = ("demo", "de")
HOSTS = {
    "facebook": "www.facebook.com",
    "accounts_center": "accountscenter.facebook.com",
    "instagram": "www.instagram.com",
}
PAGES = [p for p in catalog().pages if p.site in HOSTS]


@pytest.fixture(scope="module")
def session_for(browser, replica_server, vocabulary):
    """A context per account, logged into Facebook and Instagram, shared by this module's tests.

    All accounts log in after one reset: a reset ends every session, so none may come later.
    """
    replica_server.reset()
    contexts = {}
    for account_id in ACCOUNTS:
        context = browser.new_context(ignore_https_errors=True)
        Network(audit=False).install(context)
        account = replica_server.store.accounts[account_id]
        for platform in ("facebook", "instagram"):
            login(context, platform, Credentials(account.email, account.password, account.totp_secret), vocabulary)
        contexts[account_id] = context
    yield contexts.get
    for context in contexts.values():
        context.close()


def golden_text(page, snapshot: str) -> str:
    sources = set(page.sources) | {
        key for section in page.sections for control in section.controls for key in control.sources
    }
    return (
        f"# page: {page.id} ({page_url(page, HOSTS[page.site])})\n"
        f"# sources: {', '.join(sorted(sources))}\n{snapshot.rstrip()}\n"
    )


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("page_def", PAGES, ids=[p.id for p in PAGES])
def test_page_matches_its_golden_snapshot(session_for, page_def, account):
    context = session_for(account)
    page = context.new_page()
    try:
        page.goto(page_url(page_def, HOSTS[page_def.site]))
        assert page.locator("input[name=pass]").count() == 0, "the session was lost: the page shows a login form"
        main = page.get_by_role("main").first
        main.wait_for()
        page.locator("[role=main]:not([aria-busy=true])").first.wait_for()
        actual = golden_text(page_def, main.aria_snapshot())
    finally:
        page.close()
    golden.check(GOLDEN / f"{page_def.id}.{account}.yml", actual)


def test_every_golden_file_belongs_to_a_page():
    expected = {f"{p.id}.{a}.yml" for p in PAGES for a in ACCOUNTS}
    assert {p.name for p in GOLDEN.glob("*.yml")} <= expected
