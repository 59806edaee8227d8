"""Saved sessions: where they live, how they are written (0600, in 0700 folders: auditor.user_folder) and read back.

A session file holds the browser's cookies and storage for Meta's sites: as good as a password.
`auditor login` keeps one per platform in the user's data folder (`sessions/<platform>.json`, and
apart from them `sessions/replica/` for sessions made on a replica, so a real session is never
sent to one). A file given by the user is checked as the browser will take it, so a broken one is
one line of bad input, not Playwright's traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.errors import InputError
from auditor.target import META, Target
from auditor.user_folder import data_folder, write_private
from auditor.userfile import load_json


def session_path(platform: str, target: Target = META) -> Path:
    """Where `auditor login` keeps a platform's session: the user's data folder, never the repo or a report folder."""
    return target.sessions_folder(data_folder()) / f"{platform}.json"


def save(context, path: Path) -> Path:
    """Write the session (cookies and storage) with mode 0600, readable by this user only."""
    return write_private(Path(path), json.dumps(context.storage_state()))


class _Typed(BaseModel):
    model_config = ConfigDict(strict=True)  # no "1" for 1 or 1 for "1": the browser takes neither; other keys pass


class SavedCookie(_Typed):
    """A cookie as Playwright's storage_state writes it, and as Chromium accepts it back."""

    name: str
    value: str
    domain: Annotated[str, Field(min_length=1)]
    path: Annotated[str, Field(pattern="^/")]
    expires: float = -1  # -1: a session cookie; else seconds since 1970, at most the end of the year 9999
    httpOnly: bool = False
    secure: bool = False
    sameSite: Literal["Strict", "Lax", "None"] = "Lax"
    partitionKey: str | None = None

    @field_validator("name", "value")
    @classmethod
    def _cookie_text(cls, text: str, info) -> str:
        if re.search(r"[;\x00-\x1f\x7f]", text) or (info.field_name == "name" and "=" in text):
            raise ValueError("Chromium refuses ';' and control characters in a cookie (and '=' in its name)")
        return text

    @field_validator("expires")
    @classmethod
    def _a_time(cls, expires: float) -> float:
        if expires != -1 and not 0 <= expires <= 253402300799:
            raise ValueError("-1 (a session cookie) or seconds since 1970, up to the year 9999")
        return expires


class StoredItem(_Typed):
    name: str
    value: str


class SavedOrigin(_Typed):
    origin: str
    localStorage: list[StoredItem] = []


class SavedState(_Typed):
    cookies: list[SavedCookie]
    origins: list[SavedOrigin] = []


def read_state(path: Path) -> dict:
    """A saved session file, checked as the browser will take it; a file that is not one is bad input."""
    state = load_json(path, "session", "a saved session")
    if not isinstance(state, dict) or not isinstance(state.get("cookies"), list):
        raise InputError(f"{path}:1: cookies: not a saved session (no cookie list)")
    try:
        SavedState.model_validate(state)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(part) for part in err["loc"])
        raise InputError(f"{path}:1: {field}: {err['msg'].removeprefix('Value error, ')}") from None
    return state


def merge_states(states: list[dict]) -> dict:
    """One storage state from several (one per platform): later cookies and origins win."""
    cookies = {(c.get("name"), c.get("domain"), c.get("path")): c for s in states for c in s.get("cookies", [])}
    origins = {o.get("origin"): o for s in states for o in s.get("origins", [])}
    return {"cookies": list(cookies.values()), "origins": list(origins.values())}
