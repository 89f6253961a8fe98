"""Atomic file writes: a reader sees the old file or the whole new one, and a failed write changes nothing."""

from __future__ import annotations

import errno
import hashlib
import os

import pytest

from digest.files import sha256_file, write_atomic


def test_write_replaces_the_whole_file(tmp_path):
    path = tmp_path / "sub" / "digest.html"
    write_atomic(path, "first")
    write_atomic(path, b"second")
    assert path.read_text() == "second" and sorted(p.name for p in path.parent.iterdir()) == ["digest.html"]
    assert sha256_file(path) == hashlib.sha256(b"second").hexdigest()
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    path = tmp_path / "digest.txt"
    write_atomic(path, "the last complete issue")

    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)  # the fault is injected at the point a full disk reports it
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, "half of a new iss")
    assert path.read_text() == "the last complete issue" and [p.name for p in tmp_path.iterdir()] == ["digest.txt"]


def test_the_same_bytes_again_leave_the_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "digest.html"
    write_atomic(path, "the issue")
    before = path.stat()
    flushed = []
    monkeypatch.setattr(os, "fsync", flushed.append)  # counts the flushes a write would make
    write_atomic(path, b"the issue")
    assert flushed == [] and path.stat().st_ino == before.st_ino and path.stat().st_mtime_ns == before.st_mtime_ns
    write_atomic(path, "the issux")  # same size, other bytes: written
    assert path.read_text() == "the issux" and len(flushed) == 2 and path.stat().st_ino != before.st_ino
