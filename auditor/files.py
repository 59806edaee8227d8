"""Writing a run's files: each one whole or not at all, and one run per folder.

A file is written under a temporary name beside it, then renamed over the old one: a reader never
sees half a file, and a failure (a full disk, a folder that went read-only) keeps what was there.
A failure is one line (exit 1) and leaves no temporary file behind. Every file is the person's
only (0600), and so is every folder created for one (0700): they hold a person's settings,
screenshots and sessions.

A folder a run writes into is claimed for the run's duration with a lock on `.auditor.lock`, so
a second run into the same folder stops at once instead of mixing its files with the first's.
The lock is the operating system's (flock), so a run that was killed leaves nothing that blocks
the next one.
"""

from __future__ import annotations

import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from auditor.errors import AuditorError, InputError

LOCK_NAME = ".auditor.lock"
_claimed: set[Path] = set()  # folders this process holds: a stage inside a claimed run does not claim again
_claimed_lock = threading.Lock()


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` whole or not at all, created 0600 (never chmod after: no moment it is readable)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        make_folders(path.parent)
        tmp.unlink(missing_ok=True)  # O_EXCL below: a leftover file would keep its old mode
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, raw)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise AuditorError(
            f"could not write {path}: {exc.strerror or exc}; the files already there were kept"
        ) from None
    return path


def make_folders(folder: Path) -> None:
    """Create `folder` and the parents it lacks, each 0700; a folder that exists is the person's: left as it is."""
    for missing in reversed([p for p in (folder, *folder.parents) if not p.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


@contextmanager
def claimed(folder: Path, option: str = "-o"):
    """Hold `folder` for this run: created if need be (and removed again if the run left it empty).

    A folder another run holds is refused at once, as bad input naming the folder.
    """
    folder = Path(folder).absolute()
    with _claimed_lock:
        nested = folder in _claimed
    if nested:
        yield folder
        return
    created = not folder.exists()
    try:
        make_folders(folder)
        handle, holder = _locked(folder / LOCK_NAME)
    except OSError as exc:
        raise InputError(f"{folder}: {option}: cannot write into this folder: {exc.strerror or exc}") from None
    if handle is None:
        raise InputError(
            f"{folder}: {option}: another auditor run ({holder or 'another process'}) is writing into "
            "this folder; wait for it to end or choose another folder"
        )
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        with _claimed_lock:
            _claimed.add(folder)
        try:
            yield folder
        finally:
            with _claimed_lock:
                _claimed.discard(folder)
            _remove_quietly(folder / LOCK_NAME)  # while still holding the lock: nobody else is inside
    finally:
        handle.close()
        if created:
            try:
                folder.rmdir()  # only if the run wrote nothing into it
            except OSError:
                pass


def _locked(path: Path):
    """(the lock file, open and locked by us, ""), or (None, what the holder wrote in it).

    A holder removes the file as it leaves: a lock taken on a file that is no longer at `path`
    holds nothing, so then we try again on the new one.
    """
    while True:
        handle = open(path, "a+", encoding="utf-8")
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            return None, holder
        try:
            if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle, ""
        except FileNotFoundError:
            pass
        handle.close()


def _try_lock(handle) -> bool:
    """An exclusive lock on the open file, without waiting: True if this process now holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def check_output_dir(out_dir: Path, option: str = "-o") -> Path:
    """Refuse an output folder we cannot write before any work is done (bad input, exit 2)."""
    return _check_output(Path(out_dir), folder=True, option=option)


def check_output_file(path: Path, option: str = "-o") -> Path:
    """Refuse an output file we cannot write before any work is done: a folder by that name, anything else
    that is not a regular file (a device node, a FIFO, a symbolic link: replacing it would not write where it
    points, and would destroy it), or a place check_output_dir refuses."""
    return _check_output(Path(path), folder=False, option=option)


def _check_output(path: Path, *, folder: bool, option: str) -> Path:
    """Creating nothing: the nearest folder that exists takes a file (tried with a temporary one, as
    permissions do not tell: /proc, a read-only mount, root), and the names still to create fit."""
    if "\0" in str(path):
        shown = str(path).replace("\0", "\\0")
        raise InputError(f"{shown}: {option}: a path cannot hold a NUL byte")
    probe = path
    try:
        if path.is_symlink() and not (folder and path.is_dir()):
            what = "not a folder" if folder and path.exists() else "a symbolic link: give a regular file"
            raise InputError(f"{path}: {option}: {path} is {what}")
        while not probe.exists():
            probe = probe.parent
        if probe == path and not folder:
            if probe.is_dir():
                raise InputError(f"{path}: {option}: {path} is a folder: give the file to write")
            if not probe.is_file():
                raise InputError(f"{path}: {option}: {path} is not a regular file")
            probe = probe.parent  # the file is replaced through a new file beside it
        if not probe.is_dir():
            what = "not a folder" if probe == path else "a file, not a folder"
            raise InputError(f"{path}: {option}: {probe} is {what}")
        name_max = os.pathconf(probe, "PC_NAME_MAX")
        too_long = [name for name in path.relative_to(probe).parts if len(os.fsencode(name)) > name_max]
        if too_long:
            raise InputError(f"{path}: {option}: a name is longer than {name_max} bytes: {too_long[0][:40]}...")
        tempfile.TemporaryFile(dir=probe).close()
    except OSError as exc:
        where = f" in {probe}" if probe != path else ""
        raise InputError(f"{path}: {option}: cannot write{where} ({exc.strerror or exc})") from None
    return path
