"""The accounts file of `auditor run --accounts FILE`: its schema, and each account with its way in.

Accounts get in with a saved session file or with a login whose email, password and TOTP secret
sit in environment variables the file names; a secret in the file itself is refused. Any problem
is one line, `file:line: field: message`, before any browser starts (exit 2).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from auditor import yamlio
from auditor.models import Frozen
from auditor.session.saved import merge_states, read_state
from auditor.session.way_in import NOT_TOTP, Credentials, WayIn, is_totp_secret

# An account's name is its folder's name: no path separators, no dot files, no clash with the summary files.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Fields that would put a secret (or a login) in the file, and the field to use instead.
SECRET_FIELDS = {
    "password": "password_env",
    "totp_secret": "totp_env",
    "totp": "totp_env",
    "email": "email_env",
    "cookies": "session",
}


class AccountEntry(Frozen):
    """One account of the file: its name (its folder), what to audit, and how it gets in."""

    name: str
    platforms: Annotated[list[Literal["facebook", "instagram"]], Field(min_length=1)]
    # Saved sessions (`auditor login` saves one per platform): a file or a list; relative to the accounts file.
    session: Annotated[list[Path], Field(min_length=1)] | None = None
    email_env: str | None = None  # names of environment variables, never the values
    password_env: str | None = None
    totp_env: str | None = None

    @field_validator("name")
    @classmethod
    def _folder_name(cls, value: str) -> str:
        if not NAME.fullmatch(value):
            raise ValueError(
                "use letters, digits, '-' and '_' (at most 64, starting with a letter or digit): "
                "it names the account's folder"
            )
        return value

    @field_validator("session", mode="before")
    @classmethod
    def _one_or_more(cls, value):
        return [value] if isinstance(value, (str, Path)) else value

    @field_validator("platforms")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("name each platform once")
        return value

    @field_validator("email_env", "password_env", "totp_env")
    @classmethod
    def _variable_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.fullmatch(value):
            raise ValueError("the name of an environment variable (letters, digits, '_'), not its value")
        return value

    @model_validator(mode="after")
    def _one_way_in(self):
        login = self.email_env or self.password_env or self.totp_env
        if self.session is not None and login:
            raise ValueError("give either session or email_env and password_env, not both")
        if self.session is None and not (self.email_env and self.password_env):
            raise ValueError(
                "give session (a saved session file) or email_env and password_env "
                "(environment variables holding the login)"
            )
        return self


class AccountsFile(Frozen):
    accounts: Annotated[list[AccountEntry], Field(min_length=1)]


@dataclass(frozen=True)
class Account:
    name: str
    platforms: list[str]
    way: WayIn
    position: int  # its place in the file, from 1


def load_accounts(path: Path, environ=os.environ) -> list[Account]:
    """The accounts of a file, each with its way in; any problem is `file:line: field: message` (exit 2)."""

    doc = yamlio.load(path)
    for index, entry in enumerate((doc.data.get("accounts") or []) if isinstance(doc.data, dict) else []):
        for key, instead in SECRET_FIELDS.items():
            if isinstance(entry, dict) and key in entry:
                raise doc.error(("accounts", index, key), f"never put a {key} in the file: give {instead} instead")
    try:
        entries = AccountsFile.model_validate(doc.data).accounts
    except ValidationError as exc:
        # A misspelt field first: its "Field required" twin would hide the typo.
        err = next((e for e in exc.errors() if e["type"] == "extra_forbidden"), exc.errors()[0])
        raise doc.error(tuple(err["loc"]), err["msg"].removeprefix("Value error, ")) from None
    seen: set[str] = set()
    accounts = []
    for index, entry in enumerate(entries):
        if entry.name.lower() in seen:  # folders of names that differ in case only are one folder on some systems
            raise doc.error(
                ("accounts", index, "name"), f"{entry.name} is used twice (each account has its own folder)"
            )
        seen.add(entry.name.lower())
        if entry.session is not None:
            listed = isinstance(
                doc.data["accounts"][index]["session"], list
            )  # where an error points: the item or the key
            files = []
            for n, file in enumerate(entry.session):
                file = file if file.is_absolute() else Path(path).parent / file
                if not file.is_file():
                    raise doc.error(
                        ("accounts", index, "session", n) if listed else ("accounts", index, "session"),
                        f"{file}: no such file",
                    )
                files.append(file)
            way = WayIn(
                state=merge_states([read_state(file) for file in files]), source="session " + ", ".join(map(str, files))
            )
        else:
            values = {}
            for key in ("email_env", "password_env", "totp_env"):
                variable = getattr(entry, key)
                if variable is not None:
                    values[key] = environ.get(variable)
                    if not values[key]:
                        raise doc.error(("accounts", index, key), f"the environment variable {variable} is not set")
                    if key == "totp_env" and not is_totp_secret(values[key]):
                        raise doc.error(("accounts", index, key), f"the environment variable {variable}: {NOT_TOTP}")
            way = WayIn(
                credentials=Credentials(values["email_env"], values["password_env"], values.get("totp_env")),
                source=entry.email_env,
            )
        accounts.append(Account(entry.name, list(entry.platforms), way, index + 1))
    return accounts
