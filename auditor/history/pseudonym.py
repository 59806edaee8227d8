"""Accounts are known by pseudonyms: an HMAC-SHA256 of what identifies them, with a key kept beside the database.

The key file (0600, in a 0700 folder) never leaves the machine: without it a pseudonym cannot be
matched to an account id, a name or an email, and the database holds none of those.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from auditor.history.store import HistoryError

KEY_BYTES = 32
KEY_TEXT = re.compile(r"[0-9a-f]{64}")


def key_path(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_key(database: Path, *, create: bool) -> bytes | None:
    """The database's key; made (0600) when `create` and there is none; None when there is none."""
    path = key_path(database)
    if not path.exists():
        if not create:
            return None
        _create(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"cannot read the history key {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if not KEY_TEXT.fullmatch(text):
        raise HistoryError(
            f"{path} is not a history key (64 hex digits): left as it is; move it away with its database"
        )
    return bytes.fromhex(text)


def _create(path: Path) -> None:
    """A new key, 0600 from the start; linked into place so two runs starting at once agree on one key."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:  # another run made it first: theirs is the key
        pass
    finally:
        tmp.unlink(missing_ok=True)


def pseudonym(key: bytes, what: str) -> str:
    """The keyed hash standing for `what` ("facebook:1000...", "name:alice")."""
    return hmac.new(key, what.encode("utf-8"), hashlib.sha256).hexdigest()
