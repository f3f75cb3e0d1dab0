"""Finding data set files on disk, and the error that says where we looked and how to get them."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

__all__ = ["DatasetFileError", "find_file", "missing_error", "read_bytes", "search_folders"]


class DatasetFileError(ValueError):
    """A data set file exists but is truncated, corrupt or not the expected format."""


def search_folders(root, names, raw=True):
    """The folders to look in: ``root`` when given, else the usual places.

    ``names`` are the data set's folder names (e.g. ``("fashion-mnist", "FashionMNIST")``).
    Without ``root``: ``$TEACHGRAD_DATA/<name>``, ``~/.teachgrad/data/<name>``,
    ``./data/<name>`` and ``/usr/share/datasets/<name>`` (where Debian's dataset
    packages install), then ``./data`` itself. ``raw=True`` adds torchvision's
    ``<name>/raw`` layout.
    """
    if root is not None:
        root = Path(root).expanduser()
        bases, folders = [root], [root]
    else:
        bases = [Path(os.environ["TEACHGRAD_DATA"]).expanduser()] if os.environ.get("TEACHGRAD_DATA") else []
        bases += [Path.home() / ".teachgrad" / "data", Path("data").absolute(), Path("/usr/share/datasets")]
        folders = []
    for base in bases:
        for name in names:
            folders += [base / name] + ([base / name / "raw"] if raw else [])
    if root is None:
        folders.append(Path("data").absolute())
    return list(dict.fromkeys(folders))


def find_file(folders, spellings):
    """The first existing file among ``folders`` x ``spellings`` (None when there is none)."""
    for folder in folders:
        for spelling in spellings:
            candidate = folder / spelling
            if candidate.is_file():
                return candidate
    return None


def missing_error(dataset, wanted, folders, how_to_get):
    """A FileNotFoundError naming the files looked for, the folders searched, and how to get the data."""
    where = "\n".join(f"  {f}" for f in folders)
    return FileNotFoundError(
        f"{dataset}: could not find {wanted}.\nLooked in:\n{where}\n{how_to_get}\n"
        f"Then pass root='<folder with the files>' or put them in ~/.teachgrad/data/."
    )


def read_bytes(path):
    """The whole content of ``path``, decompressed when it ends in ``.gz``; corrupt gzip is a DatasetFileError."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError; a cut-off gzip is an EOFError
        raise DatasetFileError(f"{path}: cannot read it, the file is corrupt or truncated ({error})") from error
