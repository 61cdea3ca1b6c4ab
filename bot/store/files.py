"""The database's files: written owner-only, replaced atomically, used by one process.

Every file this package writes (the snapshot, its journal, the lock file, a backup export)
lists subscribers' chat ids, so each is created and kept at mode 0600 whatever the
process's umask (``fchmod`` after opening: a umask can only take bits away, and an
existing file made 0644 by an older version is tightened when opened).

Two processes on one database lose writes silently (each holds its own copy in memory
and the last snapshot wins), so :class:`DatabaseLock` holds an exclusive ``flock`` on
``<db>.lock`` for as long as the database is open; the file names the holder's pid so a
refusal can say which process to stop. The kernel drops the lock when its holder dies,
however it dies, so a stale lock file never blocks a restart.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from calendars.errors import StoreError, StoreLocked

__all__ = [
    "PRIVATE",
    "DatabaseLock",
    "atomic_write",
    "feed_state_path",
    "lock_path_for",
    "open_private",
]

PRIVATE = 0o600


def open_private(path: Path, flags: int, mode: int = PRIVATE) -> int:
    """``os.open`` creating ``path`` 0600 (or ``mode``), and making an existing file so too."""
    fd = os.open(path, flags | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)
    except OSError:
        os.close(fd)
        raise
    return fd


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` survive a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    payload: bytes,
    *,
    mode: int = PRIVATE,
    mtime: float | None = None,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``payload`` or leave it as it was, even across a crash.

    Temporary file (0600) beside it, written and fsynced, renamed over ``path``, then the
    folder fsynced so the rename itself is durable. Raises StoreError, never half a file.
    ``mode`` and ``mtime`` are the new file's from its first moment (public calendar files
    are 0644 with their feed's Last-Modified); ``durable=False`` skips the fsyncs, for
    files that are rebuilt at start anyway: readers still see the old or the new file.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = open_private(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mtime is not None:
            os.utime(temporary, (mtime, mtime))
        temporary.replace(path)
        if durable:
            fsync_directory(path.parent)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from exc


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def feed_state_path(db_path: Path) -> Path:
    """The rendered-feeds cache beside the database (``bot.store.feed_state``)."""
    return db_path.with_name(db_path.name + ".feeds")


class DatabaseLock:
    """An exclusive lock on a database, held from ``acquire`` until ``release``.

    Raises :class:`StoreLocked` naming the lock file and the holder's pid when another
    process (or another ``Store`` in this one) has the database open.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path_for(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            fd = open_private(self.path, os.O_RDWR | os.O_CREAT)
        except OSError as exc:
            raise StoreError(f"cannot open lock file {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreLocked(str(self.path), holder) from exc
            raise StoreError(f"cannot lock {self.path}: {exc.strerror or exc}") from exc
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the pid is a courtesy for the error message; the flock is the lock
        self._fd = fd

    def release(self) -> None:
        """Unlock; the file stays (deleting it would race with a process about to lock it)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        os.close(fd)  # closing the last descriptor drops the flock


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
