"""Folders of package data as real directories, also when the package is imported from a
zip file (Scrapyd runs a project from its zipped egg).

Alembic needs its migrations as files on disk, and folders of rules are globbed with
``pathlib``. ``package_folder`` returns the folder itself when the package lives on the
filesystem; otherwise it copies the folder out of the zip once into a private cache
folder named for the content's SHA-1 (so a new egg version never reuses stale files)
and returns that.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath

COMPLETE_MARKER = ".complete"
SKIPPED_NAMES = frozenset({"__pycache__"})


def package_folder(package: str, name: str) -> Path:
    """A directory on disk with the files of folder ``name`` inside ``package`` (empty
    when the package ships no such folder)."""
    folder = resources.files(package) / name
    if isinstance(folder, Path):
        return folder
    files = dict(_walk(folder, PurePosixPath())) if folder.is_dir() else {}
    return _materialise(files, label=f"{package}-{name.replace('/', '-')}")


def _walk(folder: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, bytes]]:
    """(relative path, content) of every file under ``folder``, compiled files left out."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name in SKIPPED_NAMES or entry.name.endswith((".pyc", ".pyo")):
            continue
        if entry.is_dir():
            yield from _walk(entry, prefix / entry.name)
        elif entry.is_file():
            yield prefix / entry.name, entry.read_bytes()


def content_digest(files: dict[PurePosixPath, bytes]) -> str:
    """SHA-1 over the files' relative paths and contents, in path order."""
    digest = hashlib.sha1()
    for path in sorted(files):
        data = files[path]
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _materialise(files: dict[PurePosixPath, bytes], *, label: str) -> Path:
    cache = _cache_root()
    target = cache / f"{label}-{content_digest(files)[:16]}"
    if _is_ours(target):
        return target
    staging = Path(tempfile.mkdtemp(prefix=f".{label}-", dir=cache))  # mode 0700
    for relative, data in files.items():
        path = staging.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (staging / COMPLETE_MARKER).touch()
    try:
        os.rename(staging, target)
    except OSError:  # another process got there first, or a stranger's folder is in the way
        if _is_ours(target):
            shutil.rmtree(staging, ignore_errors=True)
            return target
        return staging  # a private copy for this process
    return target


def _cache_root() -> Path:
    """``$XDG_CACHE_HOME/healtharchive`` (default ``~/.cache``), else a per-user folder
    in the temporary directory."""
    candidates = []
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(base):
        candidates.append(Path(base) / "healtharchive")
    candidates.append(Path(tempfile.gettempdir()) / f"healtharchive-{os.getuid()}")
    for root in candidates:
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            continue
        if _is_private(root):
            return root
    return Path(tempfile.mkdtemp(prefix="healtharchive-"))


def _is_ours(folder: Path) -> bool:
    """A complete copy made by this user that nobody else can change."""
    return _is_private(folder) and (folder / COMPLETE_MARKER).is_file()


def _is_private(folder: Path) -> bool:
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and os.access(folder, os.W_OK))
