"""Checking an output folder before any work is done, so a bad path fails first and names itself."""

from __future__ import annotations

import os
from pathlib import Path


def writable_folder(path, who):
    """``path`` as a Path to an existing folder that can be written to (created if missing), or a clear error.

    ``who`` names the caller (``viz.render_backprop``). The errors say what the
    path is (a file, under a file, read-only) and what to pass instead.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"{who}: {str(path)!r} is a file, not a folder; give a folder for the pages, e.g. {str(path) + '_pages'!r}"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a part of the path above it is a file
        raise NotADirectoryError(
            f"{who}: cannot make the folder {str(path)!r}: a part of that path is a file, not a folder; "
            f"choose a path inside a folder"
        ) from None
    except PermissionError:
        raise PermissionError(
            f"{who}: cannot create the folder {str(path)!r}: permission denied; choose a folder you can write to"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(
            f"{who}: cannot write into the folder {str(path)!r} (it is read-only for you); "
            f"choose a folder you can write to"
        )
    return folder
