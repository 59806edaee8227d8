"""Accounts are known by pseudonyms: an HMAC-SHA256 of what identifies them, with a key kept beside the database.

The key file (0600, in a 0700 folder) never leaves the machine: without it a pseudonym cannot be
matched to an account id, a name or an email, and the database holds none of those.

The account is known by the ids Meta's own cookies carry once logged in (`c_user` on Facebook,
`ds_user_id` on Instagram), on a site: Meta's, any replica's (kept apart from Meta's), or one
demo's replica (each demo's its own, since each starts a fresh one). The same hashes go into
findings.json and apply.json (results.Account), so that apply and undo can tell whose file it is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from auditor.history.store import HistoryError
from auditor.results import Account
from auditor.user_folder import private_folder

ACCOUNT_COOKIES = {"facebook": ("c_user", "facebook.com"), "instagram": ("ds_user_id", "instagram.com")}
SHOWN = 12  # hex digits of the pseudonym `auditor history` shows
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


def account_key(database: Path) -> bytes:
    """The key of the history at `database` (made, 0600 in a 0700 folder, when there is none), for an account's
    hashes in findings.json and apply.json, recorded or not. Raises HistoryError."""
    try:
        private_folder(Path(database).parent)
        return load_key(Path(database), create=True)
    except OSError as exc:
        raise HistoryError(f"cannot make the history key {key_path(Path(database))}: {exc.strerror or exc}") from None


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


def account_ids(cookies: list[dict]) -> dict[str, str]:
    """The account's id on each platform, from the cookies Meta sets at login."""
    found = {}
    for platform, (name, site) in ACCOUNT_COOKIES.items():
        for cookie in cookies:
            domain = str(cookie.get("domain", "")).lstrip(".")
            if cookie.get("name") == name and (domain == site or domain.endswith("." + site)) and cookie.get("value"):
                found[platform] = str(cookie["value"])
    return found


def _scope(site: str) -> str:
    """What an account's hashes start with: nothing on Meta's sites; a replica's and each demo's kept apart."""
    if site == "meta":
        return ""
    if site.startswith("demo replica "):
        return f"demo:{site.removeprefix('demo replica ')}:"
    return "replica:"


def keys(key: bytes, site: str, ids: dict[str, str], names=()) -> list[str]:
    """Every keyed hash the account is known by; its ids first (the first names the account)."""
    scope = _scope(site)
    ids_first = [f"{scope}{platform}:{uid}" for platform, uid in sorted(ids.items())]
    return [pseudonym(key, what) for what in ids_first + [f"{scope}name:{name}" for name in names]]


def key_check(key: bytes) -> str:
    """Which key made an account's hashes, without giving the key away."""
    return pseudonym(key, "auditor: which key")[:SHOWN]


def account_of(cookies: list[dict], site: str, key: bytes) -> Account | None:
    """The account the browser is logged in to, as results.Account; None when the cookies name none."""
    ids = account_ids(cookies)
    if not ids:
        return None
    hashed = dict(zip(sorted(ids), keys(key, site, ids)))
    return Account(site=site, pseudonym=hashed[min(hashed)][:SHOWN], ids=hashed, key=key_check(key))


def logged_in(cookies: list[dict], site: str, database: Path, say) -> Account | None:
    """The account the browser is logged in to, as findings.json and apply.json name it: hashes made with the
    key of the history at `database` (recorded there or not). None when the cookies name no account, or
    when there is no key to make them with (said in a line: the run goes on)."""
    if not account_ids(cookies):
        return None
    try:
        return account_of(cookies, site, account_key(database))
    except HistoryError as exc:
        say(f"note: the results do not say whose account this is: {exc}")
        return None
