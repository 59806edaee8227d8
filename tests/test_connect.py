"""`--connect`: the browser runs elsewhere (a grid), reached over the DevTools protocol or a Playwright server.

A Playwright server cannot start a browser on these machines (env-check, "Remote browsers"), so
the remote browser here is a Chromium the test starts itself with a DevTools port on loopback,
resolving Meta's host names to the replica and accepting its certificate: what a grid's browser
would need to be told.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading

import pytest

from auditor import browser as browsers
from auditor import results
from auditor.cli import main
from auditor.redact import public_url
from auditor.target import Target

DEVTOOLS = re.compile(r"DevTools listening on ws://([\d.]+:\d+)/")


@pytest.fixture
def remote_browser(playwright, replica, tmp_path):
    """http://127.0.0.1:PORT of a headless Chromium started apart from auditor, and its process."""
    executable = browsers.resolve(playwright=playwright).path or playwright.chromium.executable_path
    with subprocess.Popen(
        [executable, "--headless", "--no-sandbox", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={tmp_path / 'profile'}", "--ignore-certificate-errors", *Target(replica.url).launch_args(), "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace",
    ) as process:
        address = next((m.group(1) for line in process.stderr if (m := DEVTOOLS.search(line))), None)
        # Keep reading its stderr, or a full pipe would block the browser.
        drain = threading.Thread(target=process.stderr.read, daemon=True)
        drain.start()
        try:
            assert address, "the browser exited before it opened its DevTools port"
            yield f"http://{address}", process
        finally:
            process.terminate()
            drain.join(timeout=30)  # ends when the browser has gone; then the pipe can close


def cli_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") or k == "AUDITOR_BROWSER"}
    return {**env, "XDG_DATA_HOME": str(tmp_path / "data"), **extra}


def test_run_audits_an_account_in_a_browser_elsewhere(remote_browser, replica, tmp_path):
    endpoint, process = remote_browser
    account = replica.store.accounts["demo"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD=account.password)
    # The product's own Playwright runs in a subprocess (pytest-playwright's already runs in this thread).
    done = subprocess.run([sys.executable, "-m", "auditor", "run", "facebook", "--connect", endpoint, "--replica", replica.url,
                           "-o", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "must itself resolve Meta's host names to the replica" in done.stderr
    observations = results.read(tmp_path / "out" / "observations.json", results.Observations)
    assert observations.run.complete and observations.run.browser.endswith(f"at {endpoint} (--connect)")
    assert observations.by_setting()["fb.future_posts_audience"].value == "public"
    assert (tmp_path / "out" / "report.html").is_file()
    assert replica.writes() == []
    assert process.poll() is None  # auditor disconnected from a browser it did not start, and left it running


def test_a_browser_that_cannot_be_reached_is_one_line_without_the_token(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = cli_env(tmp_path, AUDITOR_EMAIL="someone@example.com", AUDITOR_PASSWORD="not-used")
    done = subprocess.run([sys.executable, "-m", "auditor", "observe", "facebook", "--connect", f"ws://127.0.0.1:{port}/?token=s3cret",
                           "-o", str(tmp_path / "o.json")], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"auditor: error: could not connect to the browser at ws://127.0.0.1:{port}:")
    assert "s3cret" not in done.stderr and not (tmp_path / "o.json").exists()


def test_a_connect_url_of_another_kind_is_bad_input(tmp_path, capsys):
    code = main(["run", "facebook", "--connect", "ftp://grid.example:21", "-o", str(tmp_path / "out")])
    assert code == 2 and "--connect ftp://grid.example:21: give ws://HOST:PORT/ (a Playwright server) or http://HOST:PORT" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url, shown", [
    ("wss://user:token@grid.example:443/chromium?token=abc&stealth", "wss://grid.example:443"),
    ("ws://127.0.0.1:41234/1937fdfbf3a5aaa57a4c8710a9411c8c", "ws://127.0.0.1:41234"),
    ("http://127.0.0.1:9222", "http://127.0.0.1:9222"),
])
def test_endpoints_are_printed_without_credentials(url, shown):
    assert public_url(url) == shown


def test_observe_uses_a_playwright_server_on_loopback(playwright, replica, tmp_path):
    from auditor.cohort import playwright_server

    executable = browsers.resolve(playwright=playwright).path
    account = replica.store.accounts["demo"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD=account.password)
    with playwright_server(executable, Target(replica.url).launch_args()) as endpoint:
        assert endpoint.startswith("ws://127.0.0.1:")
        done = subprocess.run([sys.executable, "-m", "auditor", "observe", "instagram", "--connect", endpoint, "--replica", replica.url,
                               "-o", str(tmp_path / "observations.json")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert endpoint not in done.stderr, "the server's path is its secret"
    observations = results.read(tmp_path / "observations.json", results.Observations)
    assert observations.run.complete and observations.run.browser.endswith(f"at {public_url(endpoint)} (--connect)")
    assert observations.by_setting()["ig.private_account"].value == "off"
    assert replica.writes() == []
