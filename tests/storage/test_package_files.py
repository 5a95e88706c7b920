"""Package folders on disk when the package is imported from a zip (a Scrapyd egg): the
archive still migrates, on each engine, and the cached copies are private and reused."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from storage.package_files import package_folder

REPO = Path(__file__).resolve().parents[2]


def zip_packages(target: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def storage_sources() -> dict[str, bytes]:
    """The storage package's source files, as an egg would hold them."""
    root = REPO / "storage"
    return {f"storage/{p.relative_to(root).as_posix()}": p.read_bytes() for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def run_python(code: str, *, path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(path), "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, cwd=path.parent)


def test_filesystem_package_folder_is_the_folder_itself():
    assert package_folder("storage", "migrations") == REPO / "storage" / "migrations"


def test_archive_migrates_from_a_zipped_storage_package(database_url, tmp_path):
    egg = zip_packages(tmp_path / "storage.egg", storage_sources())
    code = (f"import storage.db as db; assert db.__file__.startswith({str(egg)!r}), db.__file__; "
            f"db.open_archive({database_url!r}).dispose(); print(db.migrations_dir())")
    result = run_python(code, path=egg, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    copied = Path(result.stdout.strip())
    assert copied.parent == tmp_path / "cache" / "healtharchive"
    assert sorted(p.name for p in (copied / "versions").glob("*.py")) == sorted(
        p.name for p in (REPO / "storage" / "migrations" / "versions").glob("*.py"))
    again = run_python(code, path=egg, cache=tmp_path / "cache")  # reused, not copied again
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == str(copied)
    assert len(list(copied.parent.iterdir())) == 1


@pytest.fixture
def zipped_data(tmp_path):
    egg = zip_packages(tmp_path / "data.egg", {
        "hapkg/__init__.py": b"", "hapkg/rules/a.toml": b"site = 'a'\n",
        "hapkg/rules/sub/b.txt": b"b", "hapkg/rules/__pycache__/x.pyc": b"compiled",
    })
    sys.path.insert(0, str(egg))
    yield tmp_path
    sys.path.remove(str(egg))
    sys.modules.pop("hapkg", None)


def test_zipped_folder_is_copied_once_into_a_private_cache(zipped_data, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(zipped_data / "cache"))
    folder = package_folder("hapkg", "rules")
    assert (folder / "a.toml").read_text() == "site = 'a'\n"
    assert (folder / "sub" / "b.txt").read_bytes() == b"b"
    assert not (folder / "__pycache__").exists()
    assert folder.stat().st_mode & 0o077 == 0
    assert package_folder("hapkg", "rules") == folder
    empty = package_folder("hapkg", "missing")
    assert empty.is_dir() and not list(empty.glob("*.toml"))


def test_a_cached_copy_others_can_write_is_not_trusted(zipped_data, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(zipped_data / "cache"))
    folder = package_folder("hapkg", "rules")
    folder.chmod(0o777)  # as if someone else could have changed it
    (folder / "a.toml").write_text("site = 'tampered'\n")
    fresh = package_folder("hapkg", "rules")
    assert fresh != folder
    assert (fresh / "a.toml").read_text() == "site = 'a'\n"
