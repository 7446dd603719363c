"""The cache directory the compiled index lives in, trusted only as far as git trusts its own files.

Only what this user owns and no one else can write is read back: the directory
is created 0700 (inside a directory that others can write, such as /tmp, the
index goes into a private directory of this user's own), and a file that is not
a regular file, is another user's, or is writable by others is never opened as
an index. One build per index runs at a time (`BuildLock`, as git's
`index.lock`); whatever a killed build leaves behind is swept by the next one.
Nothing here imports more than the standard library's basics: every call passes
through it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

ENV_CACHE_DIR = "FAQ_CLI_CACHE_DIR"
APP_NAME = "faq-cli"
STALE_TEMP_SECONDS = 3600  # a temporary file of another index this old is an orphan (its own builder sweeps it sooner)
LOCK_STALE_SECONDS = 15  # a build whose lock file has not been touched this long is stopped or hung: stop waiting
_BEAT_SECONDS = 1.0
_WAIT_SECONDS = 0.05
_ATTEMPTS = 5  # at opening a lock file that keeps being replaced or cannot be made right: then build without it
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted at a path must not hang the open
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)

Progress = Callable[[int, int], None]


def cache_dir() -> Path:
    """`FAQ_CLI_CACHE_DIR`, else the user cache directory (XDG on Linux, computed without importing platformdirs)."""
    override = os.environ.get(ENV_CACHE_DIR, "").strip()
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # as platformdirs does
        return base / APP_NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


# ---- what is ours ---------------------------------------------------------------------------------


def _uid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None  # no owners to compare on Windows


def distrust(st: os.stat_result) -> str | None:
    """Why a file with this (lstat) status must not be read as ours; None when it may be."""
    if not stat.S_ISREG(st.st_mode):
        return "it is not a regular file"
    uid = _uid()
    if uid is not None and st.st_uid != uid:
        return "it belongs to another user"
    if st.st_mode & 0o022:
        return "other users can write it"
    return None


def private_folder(base: Path) -> Path | None:
    """`base`, created 0700 if missing, when only this user can write it; else a directory of this user's own
    inside it (as in a shared /tmp); None when neither can be trusted. Raises OSError when it cannot be made."""
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    uid = _uid()
    if uid is None:
        return base
    st = os.stat(base)
    if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o022:
        return base
    mine = base / f"{APP_NAME}-{uid}"
    with contextlib.suppress(FileExistsError):
        mine.mkdir(mode=0o700)
    st = os.lstat(mine)
    if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o077:
        return mine
    return None


def read_private(path: Path, limit: int) -> bytes | None:
    """The content of a small file of ours (None when it is missing, too large, or not ours)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if distrust(st) is not None or st.st_size > limit:
            return None
        return handle.read(limit + 1)[:limit]


def write_atomically(path: Path, data: bytes) -> None:
    """Write a small file through a temporary name and a rename (best effort: a failure leaves the old one)."""
    temp = temp_file(path)
    if temp is None:
        return
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        remove(temp)


# ---- temporary files ------------------------------------------------------------------------------


def temp_file(target: Path) -> Path | None:
    """A new, empty file of ours beside `target`, named so that `sweep` knows whose it is."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        return Path(name)
    except (OSError, ValueError):
        return None


def sweep(target: Path) -> None:
    """Remove what killed builds left: every temporary file of this index (call it holding its `BuildLock`, so no
    build of it is running), and those of other indexes once they are an hour old."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    mine = f".{target.stem}."
    try:
        for entry in os.scandir(target.parent):
            name = entry.name
            if name.startswith(".catalogue-") and name.endswith(".tmp"):
                if name.startswith(mine) or entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    remove(Path(entry.path))
            elif name == f"{target.name}-journal":  # left by versions that wrote into a live index
                remove(Path(entry.path))
    except OSError:
        pass


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- one build at a time --------------------------------------------------------------------------


class BuildLock:
    """One build per index at a time, as git's `index.lock`, but as an flock on a file beside the index.

    The kernel releases an flock when its holder exits, however it exits, so a killed build never
    leaves a stale lock behind. While it builds, the holder touches the file every second; a process
    waiting for it gives up when that stops for LOCK_STALE_SECONDS (the holder was stopped, say with
    Ctrl-Z), and then answers without writing the cache. `held` says whether this process may build
    and write the index; `waited` whether another process held it first (and so may have built it).
    Where flock does not exist (Windows), or the lock file cannot be made (a read-only directory),
    it is held without locking, as before locks existed.
    """

    def __init__(self, path: Path, progress: Progress | None = None, wait: bool = True) -> None:
        self.path = path
        self.progress = progress
        self.wait = wait
        self.held = False
        self.waited = False
        self._fd: int | None = None
        self._stop: Callable[[], None] | None = None

    def __enter__(self) -> BuildLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            self.held = True
            return self
        for _ in range(_ATTEMPTS):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC, 0o600)
            except OSError:
                break  # no lock file can be made here (so, most likely, no index either)
            if distrust(os.fstat(fd)) is not None:
                os.close(fd)
                remove(self.path)  # our directory, so something we left (or a crash did): make it anew
                continue
            if not self._acquire(fcntl, fd):
                os.close(fd)
                return self
            if not _same_file(fd, self.path):  # the holder before us removed it: lock the new one
                os.close(fd)
                continue
            self._fd = fd
            self._stop = _heartbeat(fd)
            break
        self.held = True
        return self

    def _acquire(self, fcntl: object, fd: int) -> bool:
        """Wait for the lock while its holder shows signs of life; False when it is not to be had."""
        last_touch, last_change = os.fstat(fd).st_mtime_ns, time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
                return True
            except OSError:
                pass
            if not self.wait:
                return False
            self.waited = True
            if self.progress is not None:
                self.progress(0, 1)
            touched = os.fstat(fd).st_mtime_ns
            if touched != last_touch:
                last_touch, last_change = touched, time.monotonic()
            elif time.monotonic() - last_change > LOCK_STALE_SECONDS:
                return False
            time.sleep(_WAIT_SECONDS)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._stop is not None:
            self._stop()
        if self._fd is not None:
            remove(self.path)  # before the unlock, so a waiter that gets this file sees it is gone and retries
            os.close(self._fd)
            self._fd = None
        if self.waited and self.progress is not None:
            self.progress(1, 1)


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _heartbeat(fd: int) -> Callable[[], None]:
    """Touch the lock file every second from a thread, until the returned function is called."""
    import threading

    stop = threading.Event()

    def beat() -> None:
        while True:
            with contextlib.suppress(OSError):
                os.utime(fd)
            if stop.wait(_BEAT_SECONDS):
                return

    thread = threading.Thread(target=beat, name="faq-index-lock", daemon=True)
    thread.start()

    def end() -> None:
        stop.set()
        thread.join()

    return end
