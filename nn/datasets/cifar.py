"""CIFAR-10 from either official version: binary (``cifar-10-batches-bin``) or Python (``cifar-10-batches-py``).

Binary version: each record is 1 label byte then 3072 pixel bytes (1024 red,
1024 green, 1024 blue, each 32 x 32 row by row); files ``data_batch_1.bin`` ...
``data_batch_5.bin`` and ``test_batch.bin``.

Python version: each file is a pickle of ``{b"data": uint8 array (N, 3072),
b"labels": [N ints], ...}``. Unpickling can run arbitrary code, so these files
are read with ``SafeUnpickler``, which only rebuilds plain data and NumPy arrays
and refuses everything else.
"""

from __future__ import annotations

import io
import pickle

import numpy as np

from ._files import DatasetFileError, find_file, missing_error, read_bytes, search_folders
from .image_dataset import ImageDataset

__all__ = ["CIFAR10", "RefusedPickleError", "SafeUnpickler", "safe_unpickle"]

_RECORD = 1 + 3 * 32 * 32


class RefusedPickleError(pickle.UnpicklingError):
    """A pickle asked for something other than plain data and NumPy arrays (it may be an attack)."""


def _latin1_bytes(text, encoding="latin1"):
    """What ``_codecs.encode`` does in protocol-2 pickles of bytes written by Python 3, and nothing more."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise RefusedPickleError(f"refused _codecs.encode({type(text).__name__}, {encoding!r})")
    return text.encode("latin1")


def _allowed_globals():
    """The only callables a CIFAR pickle may name: what NumPy needs to rebuild an array."""
    try:
        from numpy._core import multiarray
    except ImportError:  # NumPy 1.x
        from numpy.core import multiarray
    try:
        from numpy._core.numeric import _frombuffer
    except ImportError:  # NumPy 1.x
        from numpy.core.numeric import _frombuffer
    allowed = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype, ("_codecs", "encode"): _latin1_bytes}
    for core in ("numpy.core", "numpy._core"):
        allowed[(core + ".multiarray", "_reconstruct")] = multiarray._reconstruct
        allowed[(core + ".multiarray", "scalar")] = multiarray.scalar
        allowed[(core + ".numeric", "_frombuffer")] = _frombuffer  # protocol 5 pickles of arrays
    return allowed


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that builds plain data (dicts, lists, strings, numbers) and NumPy arrays, nothing else.

    ``find_class`` is where a pickle asks for a Python object to call (``os.system``
    in a crafted file); here every name outside a short list of NumPy internals is refused.
    """

    _allowed = None

    def find_class(self, module, name):
        """The object a pickle names, only if it is on the allowed list; anything else is refused."""
        if SafeUnpickler._allowed is None:
            SafeUnpickler._allowed = _allowed_globals()
        found = SafeUnpickler._allowed.get((module, name))
        if found is None:
            raise RefusedPickleError(
                f"refused to load {module}.{name}: this file asks to run code that plain data never needs "
                f"(only NumPy arrays and plain Python data are allowed)"
            )
        return found


def safe_unpickle(content):
    """Unpickle ``content`` (bytes) with ``SafeUnpickler`` (Python 2 strings read as bytes)."""
    return SafeUnpickler(io.BytesIO(content), encoding="bytes").load()


def _read_binary(path):
    content = read_bytes(path)
    if len(content) == 0 or len(content) % _RECORD:
        raise DatasetFileError(
            f"{path}: {len(content)} bytes is not a whole number of CIFAR-10 records of {_RECORD} bytes "
            f"(1 label + 3072 pixels); the file is truncated or not a CIFAR-10 binary batch"
        )
    records = np.frombuffer(content, dtype=np.uint8).reshape(-1, _RECORD)
    return records[:, 1:], records[:, 0].astype(np.int64)


def _read_python(path):
    try:
        batch = safe_unpickle(read_bytes(path))
    except RefusedPickleError:
        raise
    except Exception as error:  # a cut-off or garbled pickle fails in many ways; all mean "corrupt"
        raise DatasetFileError(
            f"{path}: not a readable CIFAR-10 Python batch ({type(error).__name__}: {error})"
        ) from error
    if not isinstance(batch, dict):
        raise DatasetFileError(f"{path}: expected a dict with b'data' and b'labels', got {type(batch).__name__}")
    data = batch.get(b"data", batch.get("data"))
    labels = batch.get(b"labels", batch.get("labels"))
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        shape = getattr(data, "shape", None)
        raise DatasetFileError(f"{path}: b'data' must be a uint8 array (N, 3072), got {type(data).__name__} {shape}")
    if labels is None:
        raise DatasetFileError(f"{path}: no b'labels' entry; a CIFAR-10 batch lists one label per image")
    try:
        labels = np.asarray(labels)
    except ValueError:
        labels = np.asarray([], dtype=object)  # ragged: refused just below
    if labels.dtype.kind not in "iu" or labels.shape != (len(data),):
        example = labels.ravel()[:1].tolist() if labels.size else []
        raise DatasetFileError(
            f"{path}: b'labels' must list one whole number 0..9 per image ({len(data)} images), got "
            f"{labels.dtype} values of shape {labels.shape}"
            + (f" such as {example[0]!r}" if example else "")
            + ". The file is not a CIFAR-10 batch (CIFAR-100 uses b'fine_labels'); download it again"
        )
    return data, labels.astype(np.int64)


class CIFAR10(ImageDataset):
    """CIFAR-10: 50,000 training and 10,000 test colour images, 32 x 32, in 10 classes.

    ``CIFAR10(root=None, train=True)``: ``root`` is the folder holding
    ``cifar-10-batches-bin`` or ``cifar-10-batches-py`` (or those folders
    themselves). ``.data`` is uint8 (N, 32, 32, 3), ``.targets`` int64 (N);
    ``ds[i]`` gives a float32 (3, 32, 32) image in [0, 1].
    """

    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    how_to_get = (
        "Download the binary version https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz or the Python "
        "version https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz and unpack it into ~/.teachgrad/data/cifar10/."
    )

    def __init__(self, root=None, train=True):
        bases = search_folders(root, ("cifar10", "cifar-10"), raw=False)
        names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
        versions = (("cifar-10-batches-bin", ".bin", _read_binary), ("cifar-10-batches-py", "", _read_python))
        for folder_name, suffix, reader in versions:
            folders = [b / folder_name for b in bases] + bases
            first = find_file(folders, [names[0] + suffix])
            if first is None:
                continue
            parts = [reader(first)]
            for name in names[1:]:
                path = first.parent / (name + suffix)
                if not path.is_file():
                    raise DatasetFileError(f"CIFAR10: found {first} but not {path}; the download is incomplete")
                parts.append(reader(path))
            data = np.concatenate([p[0] for p in parts])
            labels = np.concatenate([p[1] for p in parts])
            if labels.size and (labels.min() < 0 or labels.max() > 9):
                raise DatasetFileError(f"CIFAR10: labels in {first.parent} range outside 0..9")
            super().__init__(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels)
            self.root = first.parent
            self.train = train
            return
        wanted = (
            f"{names[0]}.bin (binary version, in a folder cifar-10-batches-bin) or "
            f"{names[0]} (Python version, in cifar-10-batches-py)"
        )
        raise missing_error(
            "CIFAR10",
            wanted,
            bases,
            self.how_to_get + " (each folder was also searched for "
            "cifar-10-batches-bin/ and cifar-10-batches-py/ inside it)",
        )
