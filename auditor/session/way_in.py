"""How a run gets in, first that applies: `--session FILE`; test-account credentials from the
environment; the sessions `auditor login` saved; test-account credentials from the system
keyring (service "auditor": entries "email", "password", "totp_secret"). Never a command-line
password. A saved session comes before the keyring because reusing it needs no login at all,
which is kinder to the account.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyotp

from auditor.errors import AuditorError, InputError
from auditor.session.saved import merge_states, read_state, session_path
from auditor.target import META, Target

NOT_TOTP = (
    "not a TOTP secret: give the key Meta shows when two-factor is set up (letters A-Z and digits 2-7), without spaces"
)


def is_totp_secret(secret: str) -> bool:
    """Can codes be made from it? Checked before any login: pyotp's error would come mid-login."""
    try:
        pyotp.TOTP(secret).now()
    except (ValueError, TypeError):  # binascii.Error, a ValueError, for what is not base32
        return False
    return True


@dataclass(frozen=True)
class Credentials:
    identifier: str
    password: str = field(repr=False)
    totp_secret: str | None = field(default=None, repr=False)


ENV_EMAIL, ENV_PASSWORD, ENV_TOTP = "AUDITOR_EMAIL", "AUDITOR_PASSWORD", "AUDITOR_TOTP_SECRET"
KEYRING_SERVICE = "auditor"


@dataclass
class WayIn:
    """How the run gets past the login: a storage state to start from, or credentials to log in with."""

    state: dict | None = None
    credentials: Credentials | None = None
    source: str = ""  # for messages: where the session or credentials came from

    def secrets(self):
        """What a trace must never keep: the login (email or phone), password and TOTP secret, the session's cookies."""
        from auditor.redact import Secrets

        secrets = Secrets()
        if self.credentials is not None:
            secrets.add(self.credentials.identifier, self.credentials.password, self.credentials.totp_secret)
        if self.state is not None:
            secrets.add_cookies(self.state["cookies"])
        return secrets


def credentials_from_env():
    """Test-account credentials from the environment (never from the command line)."""

    email, password = os.environ.get(ENV_EMAIL), os.environ.get(ENV_PASSWORD)
    if not (email and password):
        return None
    return Credentials(email, password, _checked_totp(os.environ.get(ENV_TOTP) or None, ENV_TOTP))


def _checked_totp(secret: str | None, source: str) -> str | None:

    if secret is not None and not is_totp_secret(secret):
        raise InputError(f"{source}: {NOT_TOTP}")
    return secret


def credentials_from_keyring():
    """Test-account credentials from the system keyring; None when it has none or there is no keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        email = os.environ.get(ENV_EMAIL) or keyring.get_password(KEYRING_SERVICE, "email")
        password = keyring.get_password(KEYRING_SERVICE, "password") if email else None
        totp = (os.environ.get(ENV_TOTP) or keyring.get_password(KEYRING_SERVICE, "totp_secret")) if password else None
    except KeyringError:  # no keyring on this machine, or a locked one: as if it held nothing
        return None
    return (
        Credentials(email, password, _checked_totp(totp or None, f"{ENV_TOTP} or the keyring's totp_secret"))
        if password
        else None
    )


def way_in(platforms: list[str], *, session: Path | None, target: Target = META, credentials=None) -> WayIn:
    """Choose how the run gets in (see the module's docstring); raises with advice when there is no way."""

    if credentials is not None:
        return WayIn(credentials=credentials, source="given credentials")
    if session is not None:
        return WayIn(state=read_state(session), source=f"--session {session}")
    if (found := credentials_from_env()) is not None:
        return WayIn(credentials=found, source=ENV_EMAIL)
    saved = {p: session_path(p, target) for p in platforms}
    missing = [p for p, path in saved.items() if not path.is_file()]
    if not missing:
        return WayIn(state=merge_states([read_state(path) for path in saved.values()]), source="saved session")
    if (found := credentials_from_keyring()) is not None:
        return WayIn(credentials=found, source="keyring")
    logins = " and ".join(f"`{target.login_command(p)}`" for p in missing)
    raise AuditorError(
        f"no {' or '.join(missing)} session: log in first with {logins}, or give --session FILE "
        f"(test accounts: set {ENV_EMAIL} and {ENV_PASSWORD})"
    )
