"""Browser resolution: explicit path, AUDITOR_BROWSER, Playwright's download, the system's; clear advice when none."""

import os
import stat

import psutil
import pytest
from conftest import descendants

from auditor import browser
from auditor import browser as auditor_browser  # where a test's `browser` is pytest-playwright's
from auditor.errors import AuditorError, InputError
from auditor.watchdog import browser_pid


@pytest.fixture
def fake_chromium(tmp_path):
    def make(name: str) -> str:
        path = tmp_path / name
        path.write_text("#!/bin/sh\necho 'Chromium 156.0.8078.79'\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return str(path)

    return make


class FakePlaywright:
    def __init__(self, path):
        self.chromium = type("Chromium", (), {"executable_path": path})()


def test_explicit_path_beats_the_environment(fake_chromium, monkeypatch):
    monkeypatch.setenv("AUDITOR_BROWSER", fake_chromium("from-env"))
    chosen = browser.resolve(fake_chromium("explicit"))
    assert chosen.path.endswith("explicit") and chosen.origin == "--browser-path"


def test_environment_beats_playwright_and_system(fake_chromium, monkeypatch):
    monkeypatch.setenv("AUDITOR_BROWSER", fake_chromium("from-env"))
    chosen = browser.resolve(playwright=FakePlaywright(fake_chromium("managed")))
    assert chosen.path.endswith("from-env") and chosen.origin == "AUDITOR_BROWSER"


def test_playwright_download_beats_the_system(fake_chromium, monkeypatch):
    monkeypatch.delenv("AUDITOR_BROWSER", raising=False)
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", (fake_chromium("system"),))
    chosen = browser.resolve(playwright=FakePlaywright(fake_chromium("managed")))
    assert chosen.path is None and chosen.origin == "installed by Playwright"


def test_headed_login_skips_the_headless_shell(fake_chromium, monkeypatch):
    monkeypatch.delenv("AUDITOR_BROWSER", raising=False)
    shell, full = fake_chromium("chromium-headless-shell"), fake_chromium("chromium")
    monkeypatch.setattr(browser, "HEADLESS_ONLY", (shell,))
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", (shell, full))
    assert browser.resolve(playwright=FakePlaywright("/nowhere")).path == shell
    assert browser.resolve(headed=True, playwright=FakePlaywright("/nowhere")).path == full


def test_a_missing_explicit_browser_is_bad_input(tmp_path):
    with pytest.raises(InputError, match="not an executable file"):
        browser.resolve(str(tmp_path / "no-chrome"))


def test_no_browser_at_all_says_how_to_get_one(monkeypatch):
    monkeypatch.delenv("AUDITOR_BROWSER", raising=False)
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", ())
    with pytest.raises(AuditorError) as caught:
        browser.resolve(playwright=FakePlaywright("/nowhere"))
    assert caught.value.exit_code == 1
    assert "playwright install chromium" in str(caught.value) and "apt-get install chromium" in str(caught.value)


def test_the_description_names_version_and_place(fake_chromium):
    path = fake_chromium("chromium")
    assert (
        browser.resolve(path).describe(browser.version_of(path))
        == f"browser: chromium 156 from {path} (--browser-path)"
    )


def test_the_resolved_browser_is_what_pytest_playwright_uses(browser, playwright):
    """The Chromium pytest-playwright launched (a process under this one) is the file auditor resolves."""
    chosen = auditor_browser.resolve(playwright=playwright)
    expected = os.path.realpath(chosen.path or playwright.chromium.executable_path)
    drivers = [p for p, argv in descendants().items() if "run-driver" in argv]
    launched = {os.path.realpath(p.exe()) for driver in drivers for p in driver.children()}  # the browsers they started
    assert browser.is_connected() and launched == {expected}
    assert chosen.path is None or os.access(chosen.path, os.X_OK)


def test_a_launched_browser_keeps_playwrights_features_off_and_ours_too(playwright):
    """Chromium honours only the last --disable-features: ours comes last and carries Playwright's list as well."""
    launched = auditor_browser.launch(playwright, auditor_browser.resolve(playwright=playwright))
    try:
        argv = psutil.Process(browser_pid(launched)).cmdline()
    finally:
        launched.close()
    switches = [arg.split("=", 1)[1].split(",") for arg in argv if arg.startswith("--disable-features=")]
    assert len(switches) == 2  # Playwright's, then ours
    theirs, honoured = switches
    assert "PaintHolding" in theirs and set(theirs) < set(honoured)
    assert set(honoured) - set(theirs) == set(auditor_browser.DISABLED_FEATURES)
