"""What a run reaches: Meta's real sites, or a replica at a URL. Every decision that depends on it.

A replica (auditor/replica, or any server with the same paths) is reached under Meta's real host
names through the browser's own resolver: real sockets, redirects and cookies, and settings that
load after the page as on Meta's pages. The target is built once from the `--replica` option and
asked, never compared with None across the code:

- where `auditor login` keeps sessions (a replica's apart, so a real session is never sent to one);
- the launch flags that send Meta's host names to the replica;
- whether the replica's throwaway certificate is accepted (Meta's certificates are always checked);
- whether a person logging in by hand may reach hosts outside Meta (a CAPTCHA may come from elsewhere);
- the pause between page loads (for the account's sake on Meta's sites; none on a replica);
- the label the run's files carry, the site whose accounts they are (apply.json, the history), and the
  command a message tells a person to log in with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from auditor.errors import InputError
from auditor.redact import public_url

# Host patterns the browser resolves to a replica instead of Meta (Chromium --host-resolver-rules).
REPLICA_HOSTS = (
    "facebook.com",
    "*.facebook.com",
    "instagram.com",
    "*.instagram.com",
    "*.fbcdn.net",
    "*.cdninstagram.com",
    "*.meta.com",
    "meta.com",
    "*.facebook.net",
    "fb.com",
    "*.fb.com",
)
REPLICA_USAGE = "https://HOST:PORT, where the replica listens (`auditor replica serve` prints it)"
# Seconds between page loads on Meta's own sites: about a person clicking through, far from a
# bot's burst that ends in "You're Temporarily Blocked". A replica needs no pacing.
META_PACE = 2.5


@dataclass(frozen=True)
class Target:
    """Meta's sites (replica_url None) or a replica at https://HOST:PORT."""

    replica_url: str | None = None
    # A replica started for one run alone (the demo's): its id. Its accounts are nobody else's, so the
    # history keeps them apart from every other run's, and nothing made on it applies anywhere else.
    instance: str | None = None

    @classmethod
    def of(cls, replica: str | None) -> Target:
        """The target of a `--replica` option (None: Meta's sites); a URL that is not https://HOST:PORT is bad input."""
        if replica is not None:
            check_replica_url(replica)
        return cls(replica)

    @property
    def is_replica(self) -> bool:
        return self.replica_url is not None

    @property
    def label(self) -> str:
        """What the run's files say they audited: "meta", or the replica's URL."""
        return self.replica_url or "meta"

    @property
    def site(self) -> str:
        """Whose accounts a run reads: "meta", a replica's URL, or the demo's own replica (one per demo)."""
        if self.instance is not None:
            return f"demo replica {self.instance}"
        return self.label

    def launch_args(self) -> list[str]:
        """Chromium flags that send Meta's host names to the replica; none for Meta's sites."""
        if self.replica_url is None:
            return []
        parts = urlsplit(self.replica_url)
        target = f"{parts.hostname}:{parts.port}"
        return ["--host-resolver-rules=" + ", ".join(f"MAP {host} {target}" for host in REPLICA_HOSTS)]

    @property
    def accept_any_certificate(self) -> bool:
        """The replica's certificate is a throwaway one; Meta's are checked as usual."""
        return self.is_replica

    @property
    def hand_login_meta_only(self) -> bool:
        """May a person's login by hand reach hosts outside Meta? On Meta's sites a CAPTCHA may come from
        elsewhere (fbsbx, recaptcha); a replica has none."""
        return self.is_replica

    def pace(self, asked: float | None) -> float:
        """Seconds between page loads: as asked, else none on a replica and META_PACE on Meta's sites."""
        if asked is not None:
            return asked
        return 0.0 if self.is_replica else META_PACE

    def sessions_folder(self, data_folder: Path) -> Path:
        """Where `auditor login` keeps this target's sessions, under the user's data folder."""
        folder = data_folder / "sessions"
        return folder / "replica" if self.is_replica else folder

    def login_command(self, platform: str) -> str:
        return f"auditor login {platform}" + (f" --replica {self.replica_url}" if self.is_replica else "")

    def remote_browser_note(self) -> str | None:
        """What a browser reached with --connect needs for a replica: auditor cannot pass it launch flags."""
        if not self.is_replica:
            return None
        return (
            f"note: the browser at --connect must itself resolve Meta's host names to the replica (auditor cannot "
            f"pass launch flags to a browser elsewhere): start it with '{self.launch_args()[0]}' and "
            "--ignore-certificate-errors; one that does not would open Meta's real sites"
        )


META = Target()


def check_replica_url(url: str) -> None:
    """A --replica URL is https://HOST:PORT, checked before any work is done; anything else is bad input."""
    parts = split_url(url, "--replica", REPLICA_USAGE)
    if parts.scheme == "http":
        raise InputError(f"--replica {public_url(url)}: the replica speaks https: give {REPLICA_USAGE}")
    # Nothing but scheme, host and port: the URL is printed and saved in results, so it must hold no secret.
    if (
        parts.scheme != "https"
        or parts.port is None
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise InputError(f"--replica {public_url(url)}: give {REPLICA_USAGE}")


def split_url(url: str, option: str, usage: str) -> SplitResult:
    """`url` split, with a host and, if it has a port, one from 1 to 65535; else bad input naming `option`."""
    try:
        parts = urlsplit(url)
        if parts.port == 0:  # .port itself raises ValueError for a port that is not a number or above 65535
            raise ValueError
    except ValueError:  # or urlsplit, for an unclosed [ of an IPv6 address
        raise InputError(
            f"{option} {public_url(url)}: not a valid host and port (a port is a number from 1 to 65535): give {usage}"
        ) from None
    if not parts.hostname:
        raise InputError(f"{option} {public_url(url)}: give {usage}")
    return parts
