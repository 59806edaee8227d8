"""Whose account a file belongs to, and whether the browser is logged in to it: checked before any change.

findings.json and apply.json name the account they were made on (results.Account: the site, and per
platform a keyed hash of the account's id, made with the key of the history in use). Before the
browser starts, the file's site must be the run's and its hashes made with this history's key; once
logged in, before the first change, the account the pages show (Meta's own cookies name it) must be
the file's. A mismatch is bad input (exit 2): one line saying whose account the file belongs to,
and nothing sent. A file that does not say (an older auditor made it) is refused too, unless the
person gives --any-account: they made sure themselves that it is the account the browser is in.
"""

from __future__ import annotations

from pathlib import Path

from auditor.errors import InputError
from auditor.history.pseudonym import SHOWN, account_key, account_of, key_check
from auditor.results import Account
from auditor.target import Target

ANY_ACCOUNT = "--any-account"


def where(site: str) -> str:
    """A site in words: Meta's, a replica's, or a demo's replica (which ended with its demo)."""
    if site == "meta":
        return "Meta's sites"
    if site.startswith("demo replica "):
        return "the replica of an `auditor demo` (it ended with that demo)"
    return f"the replica at {site}"


def check_file(path: Path, account: Account | None, target: Target, history: Path, any_account: bool) -> bytes:
    """Before the browser starts: the file is of this site and of this history's key (else InputError).

    Returns the key to name the logged-in account with."""
    if account is None and not any_account:
        raise InputError(
            f"{path}:1: account: the file does not say whose account it is (an older auditor made it), so nothing "
            f"was changed: audit again and apply the new findings, or give {ANY_ACCOUNT} once you made sure the "
            "browser is logged in to the account the file was made on"
        )
    if account is not None and account.site != target.site:
        raise InputError(
            f"{path}:1: account.site: the file belongs to account {account.pseudonym} on {where(account.site)}, "
            f"and this run is on {where(target.site)}: nothing was changed"
        )
    key = account_key(history)
    if account is not None and key_check(key) != account.key:
        raise InputError(
            f"{path}:1: account.key: the file belongs to account {account.pseudonym}, named with the key of "
            f"another history (another computer, or another --history than {history}), so auditor cannot tell "
            "whether the browser is logged in to it: nothing was changed; give the --history the audit used"
        )
    return key


def check_logged_in(
    path: Path, account: Account | None, cookies: list[dict], site: str, key: bytes
) -> tuple[Account | None, str | None]:
    """After the login, before the first change: (the account the pages show, why the apply must stop or None).

    A different account (or a file whose pseudonym was edited) is InputError; the file's account not shown
    on one of its platforms (not logged in there) stops the apply."""
    now = account_of(cookies, site, key)
    if account is None:
        return now, None
    shown = {platform: hashed for platform, hashed in (now.ids if now else {}).items() if platform in account.ids}
    edited = bool(shown) and account.pseudonym != shown[min(shown)][:SHOWN] and set(shown) == set(account.ids)
    if edited or any(shown[platform] != hashed for platform, hashed in account.ids.items() if platform in shown):
        raise InputError(
            f"{path}:1: account: the file belongs to account {account.pseudonym} on {where(site)}, and the browser "
            f"is logged in to account {now.pseudonym}: nothing was changed; log in to account "
            f"{account.pseudonym} (`auditor history` lists the accounts)"
        )
    missing = sorted(set(account.ids) - set(shown))
    if missing:
        return now, (
            f"the {' and '.join(missing)} pages did not show which account the browser is logged in to (not "
            "logged in?), so it cannot be the file's: log in with `auditor login`, then run again"
        )
    return now, None
