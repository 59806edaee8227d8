"""Notification URLs (Apprise's: mailto://, matrix://, signal://, ntfy://, json://, ...) and sending to them.

A URL holds secrets (a password, a token, a private topic), so it is never shown: not in a line on the
terminal, an error, a report, the history or the watch's state. A message about one names its place (the
file's line, the option's number) and Apprise's name for its service, never its text. The file of URLs
must be its owner's only, as a saved session is; Apprise's own log, which would show parts of them, is
off while auditor uses Apprise.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import InputError
from auditor.userfile import read_text

MAX_FILE_BYTES = 64 * 1024  # a file of a few URLs
SEND_SECONDS = 60  # the longest sending to one URL may take (Apprise bounds each request itself too)
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,30})://")


@dataclass(frozen=True)
class Url:
    """A notification URL and where it was given; shown as its place and service only."""

    text: str = field(repr=False)  # the secret
    where: str  # "notify.txt:3", "--notify (2nd)"
    service: str  # Apprise's name for the service: "JSON", "Matrix", ...

    def __str__(self) -> str:
        return f"{self.where} ({self.service})"


def given(urls: list[str], file: Path | None) -> list[Url]:
    """The URLs of `--notify` (in their order) and of `--notify-file`; bad input names the place, not the URL."""
    place = "(command line): --notify"
    found = [_checked(text, f"--notify ({_ordinal(n)})", place) for n, text in enumerate(urls, 1)]
    return found + (from_file(file) if file is not None else [])


def from_file(path: Path) -> list[Url]:
    """One URL a line; blank lines and lines starting with # are left out."""
    _owners_only(path)
    urls = []
    for n, line in enumerate(read_text(path, MAX_FILE_BYTES, "--notify-file").splitlines(), 1):
        text = line.strip()
        if text and not text.startswith("#"):
            urls.append(_checked(text, f"{path}:{n}", f"{path}:{n}: url"))
    if not urls:
        raise InputError(f"{path}:1: --notify-file: no notification URL in it (one a line)")
    return urls


def _owners_only(path: Path) -> None:
    """Refuse a file of secrets that others may read or change (POSIX modes; Windows keeps its own ACLs)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"{path}:1: --notify-file: cannot read: {exc.strerror or exc}") from None
    if os.name == "posix" and mode & 0o077:
        raise InputError(
            f"{path}:1: --notify-file: others can read or change it (mode {mode & 0o777:o}), and its URLs hold "
            f"secrets: make it yours only (chmod 600 {path})"
        )


def _checked(text: str, where: str, place: str) -> Url:
    text = text.strip()
    with _quiet():
        service = _service(text)
    if service is None:
        scheme = SCHEME.match(text)
        known = f" ({scheme.group(1).lower()}://...)" if scheme else ""
        raise InputError(f"{place}: not a notification URL that Apprise knows{known}; see Apprise's list of services")
    return Url(text, where, str(service.service_name))


def _service(text: str):
    """Apprise's service for the URL, or None; whatever Apprise raises on a strange URL is a None too (its
    message may quote the URL)."""
    import apprise

    try:
        return apprise.Apprise.instantiate(text, asset=_asset())
    except Exception:
        return None


def _asset():
    import apprise

    return apprise.AppriseAsset(storage_mode="memory")  # Apprise writes no file of its own


def send(url: Url, title: str, body: str, kind: str = "warning") -> bool:
    """Send the message to the URL; False when it did not take it (Apprise's reason is not shown: it may quote
    the URL)."""
    with _quiet():
        import apprise

        try:
            sender = apprise.Apprise(asset=_asset())
            sender.add(_service(url.text))
            return bool(
                sender.notify(
                    body=body,
                    title=title,
                    notify_type=apprise.NotifyType(kind),
                    body_format=apprise.NotifyFormat.TEXT,
                    timeout=SEND_SECONDS,
                )
            )
        except Exception:  # whatever Apprise or a service raises: the URL was not told
            return False


@contextmanager
def _quiet():
    """Apprise's log off (it names URLs), and the deprecation warnings of the modules its plugins import."""
    loggers = [logging.getLogger(name) for name in ("apprise", "urllib3", "requests")]
    before = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, was in zip(loggers, before):
            logger.disabled = was


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
