"""The knowledge base and the finder's index, kept compiled between starts.

Parsing and validating twelve thousand lines of YAML and indexing them takes about half a second; reading the
result back takes a few tens of milliseconds. Like Python's own ``.pyc`` files, the compiled copy lives in a
``__pycache__`` folder beside the knowledge file and is named by a digest of everything it depends on: the file's
bytes, the code that reads and indexes it, and the versions of Python and of the libraries involved. An edited
file or an upgrade makes a new digest, so a stale copy is never used; a copy that cannot be written (read-only
install) or read (damaged) is simply skipped, and the knowledge base is read from its file as usual.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from knowledge import finder as finder_module
from knowledge import loader, normalize, schema
from knowledge.finder import OfficeFinder
from knowledge.loader import DEFAULT_PATH, Directory

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the layout of the pickled tuple changes
_CODE = (finder_module, loader, normalize, schema)
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "snowballstemmer", "PyStemmer", "rapidfuzz")


def _versions() -> str:
    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found)


def digest(source: bytes) -> str:
    """What a compiled copy of the knowledge file ``source`` depends on, as a short hex digest."""
    h = hashlib.sha256()
    h.update(f"{FORMAT};{sys.version};{_versions()}".encode())
    for module in _CODE:
        h.update(Path(module.__file__ or "").read_bytes())
    h.update(source)
    return h.hexdigest()[:24]


def cache_path(source_path: Path, key: str) -> Path:
    return source_path.parent / "__pycache__" / f"{source_path.stem}.{key}.kb.pickle"


def open_finder(path: Path | str | None = None, *, use_cache: bool = True, **options: Any) -> OfficeFinder:
    """The finder over the knowledge base at ``path`` (default: the bundled one), from the compiled copy when a
    current one exists, else read, validated and indexed from the file (and the copy written for next time).

    ``options`` are :class:`OfficeFinder`'s thresholds; they are not part of the copy. A faulty file raises
    :class:`knowledge.loader.KnowledgeBaseError` as :func:`knowledge.loader.load` does.
    """
    source_path = Path(path) if path is not None else DEFAULT_PATH
    if not use_cache:
        return OfficeFinder(loader.load(source_path), **options)
    try:
        source = source_path.read_bytes()
    except OSError:
        return OfficeFinder(loader.load(source_path), **options)  # load() words the error
    target = cache_path(source_path, digest(source))
    kept = _read(target)
    if kept is not None:
        directory, built = kept
        return OfficeFinder(directory, built=built, **options)
    finder = OfficeFinder(loader.load(source_path), **options)
    _write(target, (finder.directory, finder.built()))
    _prune(target, source_path.stem)
    return finder


def _read(target: Path) -> tuple[Directory, dict[str, Any]] | None:
    try:
        with target.open("rb") as handle:
            directory, built = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign copy: rebuild
        log.warning("ignoring the compiled knowledge base %s: %s", target.name, type(exc).__name__)
        return None
    if not isinstance(directory, Directory) or not isinstance(built, dict):
        return None
    return directory, built


def _write(target: Path, value: tuple[Directory, dict[str, Any]]) -> None:
    try:
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".kb-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)  # atomic: a concurrent start reads the old copy or the new, never half
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.info("knowledge base not cached (%s): it will be indexed at each start", exc.strerror)


def _prune(kept: Path, stem: str) -> None:
    """Remove older compiled copies of the same file."""
    try:
        for old in kept.parent.glob(f"{stem}.*.kb.pickle"):
            if old != kept and old.name.count(".") == kept.name.count("."):
                old.unlink(missing_ok=True)
    except OSError:
        pass
