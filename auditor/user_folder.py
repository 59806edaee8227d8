"""auditor's folder in the user's data folder, and what is made there: private from the start.

It holds what outlives a run and belongs to the person alone: saved sessions (auditor.session.saved),
the history and its key (auditor.history), the watch's state. Every folder made to hold them is 0700,
and one of ours found readable by others is tightened; every file is 0600 from the start.
"""

from __future__ import annotations

from pathlib import Path

from auditor.errors import say
from auditor.files import write_atomic


def data_folder() -> Path:
    """auditor's folder in the user's data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("auditor", appauthor=False))


def write_private(path: Path, text: str) -> Path:
    """Create the file 0600 from the start (never chmod after: the secret would be readable in between)."""
    private_folder(path.parent)
    return write_atomic(path, text)


def private_folder(folder: Path) -> Path:
    """Make `folder` and every missing parent 0700, whatever the umask; tighten ours (in data_folder) if
    others can read them.

    Ours were 0755 before auditor made them 0700: a session in them was safe (0600), but not which
    sessions there are. A folder elsewhere that exists already is the user's: left as it is.
    """
    chain = [folder, *folder.parents]
    for missing in reversed([p for p in chain if not p.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)
        missing.chmod(0o700)  # mkdir's mode passes through the umask
    ours = data_folder()
    for existing in chain:
        if existing.is_relative_to(ours) and existing.stat().st_mode & 0o077:
            say(
                f"note: {existing} could be read by others (mode {existing.stat().st_mode & 0o777:o}); "
                "made it yours only (0700)"
            )
            existing.chmod(0o700)
    return folder
