"""Unattended login on the replica: 2FA, the cookie dialog, wrong passwords, checkpoints and CAPTCHAs.

Every failure is one login attempt and a message that says what to do: a second try risks
locking the account, so the replica's login log must show exactly one.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import typer
from conftest import cli_env, run_auditor

from auditor import results
from auditor.cli import app
from auditor.errors import LoginFailed
from auditor.session.login import login
from auditor.session.way_in import Credentials

LATE_SCRIPT_S = 2
CONSENT_PATHS = {"facebook": "/cookie/consent/", "instagram": "/api/v1/web/consent/"}


def outcomes(replica) -> list[tuple[str, str]]:
    return [(site, outcome) for site, _identifier, outcome in replica.store.logins()]


def session_cookies(context, platform: str) -> set[str]:
    names = {"facebook": {"c_user", "xs"}, "instagram": {"sessionid", "ds_user_id"}}[platform]
    return {c["name"] for c in context.cookies()} & names


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
@pytest.mark.parametrize("account, expected", [("demo", ["ok"]), ("totp", ["second_factor", "ok"])])
def test_login_with_and_without_two_factor(log_in, context, replica, platform, account, expected):
    log_in(account, platform, fresh=True)
    assert outcomes(replica) == [(platform, o) for o in expected]
    assert session_cookies(context, platform) == (
        {"c_user", "xs"} if platform == "facebook" else {"sessionid", "ds_user_id"}
    )


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
@pytest.mark.parametrize("generation", [1, 2])
def test_the_cookie_dialog_of_either_generation_is_declined_for_an_eu_visitor(log_in, replica, platform, generation):
    replica.app.visitor_region = "EU"
    replica.app.cookie_generation = generation
    log_in("eu", platform)
    consent = [r for r in replica.store.requests() if r[3].startswith(CONSENT_PATHS[platform])]
    assert len(consent) == 1 and consent[0][2] == "POST"  # the dialog was there and answered, once
    # ... with its most private button: "Decline optional cookies" (or "Only allow essential cookies"), never
    # "Allow all cookies" (accept_button), which would send the same one request.
    assert list(replica.app.cookie_choices().values()) == ["accept_only_essential_button"]
    assert outcomes(replica) == [(platform, "ok")]  # no "needs_cookie_choice": the login went through first time


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_a_wrong_password_is_one_attempt_and_a_clear_error(context, routed, replica, vocabulary, platform):
    account = replica.store.accounts["demo"]
    with pytest.raises(LoginFailed) as failed:
        login(context, platform, Credentials(account.email, "not-the-password"), vocabulary)
    assert failed.value.reason == "login_wall"
    assert f"Meta refused the {platform} login" in str(failed.value) and "Not retried" in str(failed.value)
    assert outcomes(replica) == [(platform, "wrong_password")]


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_a_checkpoint_stops_with_a_hand_off(log_in, replica, platform):
    with pytest.raises(LoginFailed) as failed:
        log_in("checkpoint", platform, fresh=True)
    assert failed.value.reason == "checkpoint"
    assert f"`auditor login {platform}`" in str(failed.value)
    assert outcomes(replica) == [(platform, "checkpoint")]


def test_two_factor_without_a_secret_hands_off_after_one_attempt(context, routed, replica, vocabulary):
    account = replica.store.accounts["totp"]
    with pytest.raises(LoginFailed) as failed:
        login(context, "facebook", Credentials(account.email, account.password), vocabulary)
    assert failed.value.reason == "checkpoint" and "`auditor login facebook`" in str(failed.value)
    assert outcomes(replica) == [("facebook", "second_factor")]


def test_a_captcha_after_the_password_is_a_checkpoint(context, routed, replica, vocabulary):
    captcha = (
        '<!DOCTYPE html><html lang="en"><iframe title="Security check (captcha)" src="about:blank"></iframe></html>'
    )
    context.route(
        "https://www.facebook.com/login/device-based/**",  # the password's answer: a CAPTCHA instead
        lambda route: route.fulfill(body=captcha, content_type="text/html"),
    )
    account = replica.store.accounts["demo"]
    with pytest.raises(LoginFailed) as failed:
        login(context, "facebook", Credentials(account.email, account.password), vocabulary)
    assert failed.value.reason == "checkpoint"
    assert "CAPTCHA" in str(failed.value) and "`auditor login facebook`" in str(failed.value)
    assert outcomes(replica) == []  # the password never reached the replica: nothing to try again


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
@pytest.mark.parametrize("account, expected", [("demo", ["ok"]), ("totp", ["second_factor", "ok"])])
def test_a_login_acts_on_a_page_only_once_its_script_runs(log_in, replica, monkeypatch, platform, account, expected):
    # Every page's script comes a while after its HTML, as on a busy machine: Instagram's "Not now"
    # and code form show before their script makes them work, and a click then does nothing.
    asset = replica.app._asset
    monkeypatch.setattr(
        replica.app, "_asset", lambda req: replace(asset(req), delay=LATE_SCRIPT_S if req.path.endswith(".js") else 0)
    )
    # Raises LoginFailed if a click or a key went to a control with no script behind it yet.
    log_in(account, platform, fresh=True)
    assert outcomes(replica) == [(platform, o) for o in expected]


def test_no_command_takes_a_password_or_secret_on_the_command_line():
    command = typer.main.get_command(app)
    options = [(name, opt) for name, sub in _commands(command) for p in sub.params for opt in p.opts]
    assert ("run", "--pace") in options  # the walk does see every command's options
    assert not [
        o for o in options if any(word in o[1].lower() for word in ("pass", "secret", "totp", "token", "cookie"))
    ]


def _commands(group, prefix=""):
    for name, sub in getattr(group, "commands", {}).items():
        yield prefix + name, sub
        yield from _commands(sub, f"{prefix}{name} ")


# ---------------------------------------------------------------------- through the CLI, one run each
def test_a_run_with_a_wrong_password_tries_once_and_exits_1(replica, tmp_path):
    account = replica.store.accounts["demo"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD="wrong-password")
    done = run_auditor("run", "facebook", "instagram", "--replica", replica.url, "-o", str(tmp_path / "out"), env=env)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("auditor: error: Meta refused the facebook login")
    assert outcomes(replica) == [("facebook", "wrong_password")]  # and not a second try, nor one on instagram
    observations = results.read(tmp_path / "out" / "observations.json", results.Observations)
    assert {o.reason for o in observations.observations if o.status == "unknown"} == {"login_wall"}


def test_a_run_that_meets_a_checkpoint_stops_with_reason_checkpoint(replica, tmp_path):
    account = replica.store.accounts["checkpoint"]
    env = cli_env(tmp_path, AUDITOR_EMAIL=account.email, AUDITOR_PASSWORD=account.password)
    done = run_auditor("observe", "instagram", "--replica", replica.url, "-o", str(tmp_path / "o.json"), env=env)
    assert done.returncode == 1
    assert "confirm it's you on instagram" in done.stderr and "`auditor login instagram`" in done.stderr
    assert outcomes(replica) == [("instagram", "checkpoint")]
    observations = results.read(tmp_path / "o.json", results.Observations)
    assert {p.reason for p in observations.pages} == {"checkpoint"} and not observations.run.complete
