"""Data types: the default floating type and how Python scalars join a tensor's dtype.

The default is float32, as in PyTorch. A Python scalar never changes a tensor's
dtype: ``x * 0.5`` stays float32 when ``x`` is float32 (NumPy 2 treats Python
scalars as "weak", and we keep them so).
"""

import numpy as np

_default = np.dtype(np.float32)
_scalar_result = {}


def set_default_dtype(dtype):
    """Make ``dtype`` (float32 or float64) the type of new floating tensors."""
    global _default
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype takes a floating dtype, got {dtype}")
    _default = dtype


def get_default_dtype():
    """The dtype new floating tensors get when none is given."""
    return _default


def to_dtype(dtype):
    """Turn ``"float32"``, ``np.float64``, ... into a NumPy dtype (None stays None)."""
    if dtype is None:
        return None
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype: use e.g. 'float32' or 'float64'") from None


def scalar_dtype(tensor_dtype, scalar):
    """The dtype of ``tensor <op> scalar`` under NumPy 2's weak-scalar rule (cached)."""
    key = (tensor_dtype, type(scalar))
    result = _scalar_result.get(key)
    if result is None:
        result = _scalar_result[key] = np.result_type(tensor_dtype, type(scalar)(0))
    return result


def infer_dtype(data):
    """The dtype for ``Tensor(data)`` when none is given, as ``torch.tensor`` does it.

    Arrays keep their dtype; Python floats get the default dtype, ints int64,
    bools bool.
    """
    if hasattr(data, "dtype"):
        return None
    kind = np.asarray(data).dtype.kind
    if kind == "f":
        return _default
    if kind in "iu":
        return np.dtype(np.int64)
    return None
