"""Saving and loading weights as ``.npz``: the state_dict's names, PyTorch's layouts, no pickle.

``save(model, "model.npz")`` writes one array per entry of ``model.state_dict()``
(``"0.weight"``, ``"0.bias"``, ...), in the layouts PyTorch uses (a Linear weight
is (out_features, in_features), a Conv2d weight (out, in, kh, kw)). So a model
trained here loads into the same network built with ``torch.nn``::

    sd = {k: torch.from_numpy(v.numpy()) for k, v in nn.load("model.npz").items()}
    torch_model.load_state_dict(sd)

Writing is atomic: the arrays go to a temporary file next to the target,
``.model.npz.tmp.npz`` for ``model.npz``, which then replaces the target in one
step (``os.replace``), so a crash mid-save leaves the old file whole. The
temporary name is derived from the target, so a process killed mid-save leaves
at most one such file, which the next save to that path replaces; on any error
``save`` removes it. Every array keeps its shape (0-d counters such as
BatchNorm's ``num_batches_tracked`` too). Loading uses
``np.load(allow_pickle=False)``: a file can only hold arrays of numbers, never code.
"""

from __future__ import annotations

import errno
import os
import zipfile

import numpy as np

from autograd import backend as _backend
from autograd.tensor import Tensor

__all__ = ["load", "load_state_dict_file", "save"]


def _host_array(value, name):
    if isinstance(value, Tensor):
        return value.numpy()
    array = (
        value if _backend.backend_of_array(value) is _backend.cpu else _backend.backend_of_array(value).to_numpy(value)
    )
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"save: entry {name!r} has dtype {array.dtype}; only numeric arrays can be saved")
    return array


def save(model_or_state_dict, path):
    """Write a model's ``state_dict()`` (or a dict of arrays/Tensors) to ``path`` as ``.npz``, atomically.

    GPU arrays are copied to the host first, so the file loads anywhere.
    """
    if not isinstance(path, (str, os.PathLike)):
        swapped = isinstance(model_or_state_dict, (str, os.PathLike))
        raise TypeError(
            f"save: path must be a file name such as 'model.npz' (a str or pathlib.Path), got "
            f"{type(path).__name__}" + ("; the model comes first: nn.save(model, path)" if swapped else "")
        )
    state = model_or_state_dict.state_dict() if hasattr(model_or_state_dict, "state_dict") else model_or_state_dict
    if not isinstance(state, dict):
        raise TypeError(f"save takes a model or a state_dict (dict of tensors), got {type(state).__name__}")
    arrays = {str(name): _host_array(value, name) for name, value in state.items()}
    path = os.fspath(path)
    temp = temp_path(path)
    try:
        # "w" truncates a leftover from a save that was killed, so at most one temporary file ever exists
        with open(temp, "wb") as f:
            # the .npz layout written by hand, so that a state_dict key can be any string (np.savez's
            # keyword arguments would clash with a key named "file")
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, array in arrays.items():
                    with archive.open(name + ".npy", "w", force_zip64=True) as member:
                        # order="C" without ascontiguousarray, which would turn a 0-d array into shape (1,)
                        np.lib.format.write_array(member, np.asarray(array, order="C"), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException as error:
        try:
            os.remove(temp)
        except OSError:
            pass  # never created (the folder is missing or read-only), or already gone
        if isinstance(error, OSError):
            raise _file_error(error, path) from None
        raise


def temp_path(path):
    """Where ``save`` writes before replacing ``path``: ``.NAME.tmp.npz`` in the same folder."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    return os.path.join(folder, f".{name}.tmp.npz")


def _file_error(error, path):
    """An OSError from writing, reworded to name the learner's path (not the temporary file) and the fix."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        if os.path.exists(folder) or error.errno == errno.ENOTDIR:
            return NotADirectoryError(
                f"save: cannot write {path!r}: {folder!r} (or a folder above it) is a file, not a folder; "
                f"choose a path inside a folder"
            )
        return FileNotFoundError(
            f"save: cannot write {path!r}: the folder {folder!r} does not exist; "
            f"create it first: os.makedirs({folder!r}, exist_ok=True)"
        )
    if os.path.isdir(path):
        return IsADirectoryError(
            f"save: {path!r} is a folder; give a file name inside it, e.g. {os.path.join(path, 'model.npz')!r}",
        )
    if isinstance(error, PermissionError):
        return PermissionError(
            f"save: cannot write {path!r}: permission denied (the folder {folder!r} is read-only for you, or the "
            f"file is); save into a folder you can write to",
        )
    return type(error)(f"save: cannot write {path!r}: {error.strerror or error}")


def load(path, device=None):
    """Read a ``.npz`` written by ``save``: a dict from state_dict names to Tensors (on ``device``).

    Never unpickles: a file holding Python objects is refused.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load: path must be a file name such as 'model.npz' (a str or pathlib.Path), got {path!r}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no file at {path!r}")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz of named arrays")
        with archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise ValueError(
            f"load: {path!r} is not a readable .npz of weights ({error}). Files from nn.save load here; "
            f"PyTorch .pt/.pth files are pickles and are not loaded (they can run code)."
        ) from error
    return {name: Tensor(array, device=device) for name, array in arrays.items()}


def load_state_dict_file(model, path, strict=True):
    """Load the weights saved at ``path`` into ``model`` (on the device of its parameters); returns the model."""
    parameters = list(model.parameters()) if hasattr(model, "parameters") else []
    device = parameters[0].device if parameters else None
    model.load_state_dict(load(path, device=device), strict=strict)
    return model
