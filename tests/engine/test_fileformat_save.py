"""The network file: atomic saving (the old file survives a failed save, modes and symlinks are kept)."""
from __future__ import annotations

import os
import stat

import pytest

from engine.document import Document
from engine.fileformat import dumps, load, save

from tests.engine.fileformat_helpers import rich_document


# ---- atomic saving -------------------------------------------------------------------------
def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_save_writes_the_file_and_sets_the_path(tmp_path):
    doc = rich_document()
    target = tmp_path / "net.nnd"
    save(doc, target)
    assert doc.path == str(target)
    assert target.read_text(encoding="utf-8") == dumps(doc)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["replace", "write", "fsync"])
def test_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "net.nnd"
    target.write_text("the old file", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "replace":
        monkeypatch.setattr(os, "replace", boom)
    elif failing == "fsync":
        monkeypatch.setattr(os, "fsync", boom)
    else:
        real_fdopen = os.fdopen

        class Broken:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                self.f.write(data[: len(data) // 2])  # half written, then the disk is full
                boom()

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: Broken(real_fdopen(fd, mode)))
    doc = rich_document()
    with pytest.raises(OSError, match="No space"):
        save(doc, target)
    assert target.read_text(encoding="utf-8") == "the old file"
    assert _leftovers(tmp_path) == []
    assert doc.path is None


def test_interrupted_save_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "net.nnd"
    save(Document(), target)
    old = target.read_bytes()

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(rich_document(), target)
    assert target.read_bytes() == old and _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_save_keeps_the_file_mode(tmp_path):
    target = tmp_path / "net.nnd"
    save(Document(), target)
    os.chmod(target, 0o640)
    save(rich_document(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    os.chmod(target, 0o604)
    save(Document(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_file_gets_the_usual_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        save(Document(), tmp_path / "new.nnd")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.nnd").stat().st_mode) == 0o644


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_save_through_a_symlink_replaces_its_target(tmp_path):
    real = tmp_path / "real.nnd"
    save(Document(), real)
    link = tmp_path / "link.nnd"
    link.symlink_to(real)
    doc = rich_document()
    save(doc, link)
    assert link.is_symlink()
    assert load(real) == doc


def test_save_into_a_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        save(Document(), tmp_path / "missing" / "net.nnd")
