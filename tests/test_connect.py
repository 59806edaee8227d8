"""`--connect`: the browser runs elsewhere (a grid), reached over the DevTools protocol or a Playwright server.

A Playwright server cannot start a browser on these machines (env-check, "Remote browsers"), so
the remote browser here is a Chromium the test starts itself with a DevTools port on loopback,
resolving Meta's host names to the replica and accepting its certificate: what a grid's browser
would need to be told.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading

import pytest
from conftest import cli_env, run_auditor

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
        [
            executable,
            "--headless",
            "--no-sandbox",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--ignore-certificate-errors",
            *Target(replica.url).launch_args(),
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
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


@pytest.mark.long
def test_run_audits_an_account_in_a_browser_elsewhere(remote_browser, replica, tmp_path):
    endpoint, process = remote_browser
    account = replica.store.accounts["demo"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD=account.password)
    page = ("--flow", "facebook/posts")  # one page: the browser is what this test is about
    done = run_auditor(
        "run", "facebook", *page, "--connect", endpoint, "--replica", replica.url, "-o", tmp_path / "out", env=env
    )
    assert done.returncode == 0, done.stderr
    assert "must itself resolve Meta's host names to the replica" in done.stderr
    observations = results.read(tmp_path / "out" / "observations.json", results.Observations)
    assert observations.run.complete and observations.run.browser.endswith(f"at {endpoint} (--connect)")
    assert observations.by_setting()["fb.future_posts_audience"].value == "public"
    assert (tmp_path / "out" / "report.html").is_file()
    assert replica.writes() == []
    assert process.poll() is None  # auditor disconnected from a browser it did not start, and left it running


def test_a_browser_that_cannot_be_reached_is_one_line_without_the_token(tmp_path):
    env = cli_env(tmp_path, AUDITOR_EMAIL="someone@example.com", AUDITOR_PASSWORD="not-used")
    with socket.socket() as taken:  # bound and never listening: nothing else can take the port meanwhile
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        endpoint = f"ws://127.0.0.1:{port}/?token=s3cret"
        done = run_auditor("observe", "facebook", "--connect", endpoint, "-o", tmp_path / "o.json", env=env)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"auditor: error: could not connect to the browser at ws://127.0.0.1:{port}:")
    assert "s3cret" not in done.stderr and not (tmp_path / "o.json").exists()


def test_a_connect_url_of_another_kind_is_bad_input(tmp_path, capsys):
    code = main(["run", "facebook", "--connect", "ftp://grid.example:21", "-o", str(tmp_path / "out")])
    assert (
        code == 2
        and "--connect ftp://grid.example:21: give ws://HOST:PORT/ (a Playwright server) or http://HOST:PORT"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "url, shown",
    [
        ("wss://user:token@grid.example:443/chromium?token=abc&stealth", "wss://grid.example:443"),
        ("ws://127.0.0.1:41234/1937fdfbf3a5aaa57a4c8710a9411c8c", "ws://127.0.0.1:41234"),
        ("http://127.0.0.1:9222", "http://127.0.0.1:9222"),
    ],
)
def test_endpoints_are_printed_without_credentials(url, shown):
    assert public_url(url) == shown


@pytest.fixture
def playwright_server(playwright, replica, tmp_path):
    """ws://127.0.0.1:PORT/SECRET of a Playwright server (Playwright's own `launch-server` command) with one
    headless Chromium."""
    executable = browsers.resolve(playwright=playwright).path
    options = {"headless": True, "args": Target(replica.url).launch_args(), "host": "127.0.0.1", "port": 0}
    config = tmp_path / "launch.json"
    config.write_text(json.dumps({**options, "executablePath": executable} if executable else options))
    # `python -m playwright` runs the server (Node.js) as its child: a group of their own, ended as one.
    with subprocess.Popen(
        [sys.executable, "-m", "playwright", "launch-server", "--browser", "chromium", "--config", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        endpoint = next((line.strip() for line in process.stdout if line.startswith("ws://")), None)
        drain = threading.Thread(target=process.stdout.read, daemon=True)  # a full pipe would block the server
        drain.start()
        try:
            assert endpoint, "the server exited before it listened"
            yield endpoint
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # the server closes its browser on the way out
            drain.join(timeout=30)  # ends when the server has gone; then the pipe can close


def test_observe_uses_a_playwright_server_on_loopback(playwright_server, replica, tmp_path):
    endpoint = playwright_server
    account = replica.store.accounts["demo"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD=account.password)
    page = ("--flow", "instagram/account_privacy")
    out = tmp_path / "observations.json"
    done = run_auditor(
        "observe", "instagram", *page, "--connect", endpoint, "--replica", replica.url, "-o", out, env=env
    )
    assert done.returncode == 0, done.stderr
    assert endpoint not in done.stderr, "the server's path is its secret"
    observations = results.read(tmp_path / "observations.json", results.Observations)
    assert observations.run.complete and observations.run.browser.endswith(f"at {public_url(endpoint)} (--connect)")
    assert observations.by_setting()["ig.private_account"].value == "off"
    assert replica.writes() == []


def test_every_worker_of_a_cohort_connects_to_the_browser_elsewhere(playwright_server, replica, tmp_path):
    env = cli_env(tmp_path)
    for name in ("demo", "us"):
        env[f"NGO_{name.upper()}_EMAIL"], env[f"NGO_{name.upper()}_PASSWORD"] = (
            replica.store.accounts[name].email,
            replica.store.accounts[name].password,
        )
    (tmp_path / "accounts.yml").write_text(
        "accounts:\n"
        + "".join(
            f"  - {{name: {n}, platforms: [instagram], email_env: NGO_{n.upper()}_EMAIL,"
            f" password_env: NGO_{n.upper()}_PASSWORD}}\n"
            for n in ("demo", "us")
        )
    )
    accounts = ("--accounts", tmp_path / "accounts.yml", "--workers", "2", "--flow", "instagram/account_privacy")
    done = run_auditor(
        "run", *accounts, "--connect", playwright_server, "--replica", replica.url, "-o", tmp_path / "out", env=env
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [row["status"] for row in summary["accounts"]] == ["complete", "complete"]
    assert summary["browser"].endswith(f"at {public_url(playwright_server)} (--connect)")
    assert playwright_server not in done.stderr and replica.writes() == []
