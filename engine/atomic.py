"""Atomic file writes: write a temporary file beside the target, fsync it, then rename it over.

Readers (and a crash at any moment) see the old file or the new one, never a mix or a truncated
file. The new file keeps the old one's permission bits (new files get the usual 0o666 minus the
umask), and a symbolic link is followed, so the link stays and its target is replaced.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data``; on any failure the old file is intact and no temp file is left.

    Raises OSError (e.g. PermissionError, a full disk) when the file cannot be written.
    """
    target = Path(os.path.realpath(path))
    fd, tmp = _create_temp(target)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            pass  # a new file: the temp file was created with 0o666 minus the umask, as open() does
        else:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """``atomic_write_bytes`` of the UTF-8 text (line ends are written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new, empty hidden file beside ``target``, opened for writing (mode 0o666 minus the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 32 random bits
            continue
    raise FileExistsError(f"cannot create a temporary file beside {target}")  # pragma: no cover


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
