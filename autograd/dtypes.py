"""Data types: the default floating type, PyTorch's type promotion, and what a Tensor may hold.

The default is float32, as in PyTorch. It is process-wide (one setting for
every thread), as ``torch.set_default_dtype`` is.

Type promotion (``result_type``) is PyTorch's, written here once and used by
every op that combines two tensors:

* the categories rank bool < integer < floating;
* operands rank dimensioned tensors > 0-d tensors > Python numbers, and a
  lower-ranked operand changes the dtype only if it is of a higher category:

    float32 tensor + float64 0-d tensor    -> float32   (same category: the tensor wins)
    float32 tensor + 0.5                   -> float32   (a Python number never changes a float tensor)
    int64 tensor   + 0.5                   -> float32   (the default float dtype)
    int64 tensor   + float64 0-d tensor    -> float64
    int64 tensor   + float32 tensor        -> float32   (NumPy would say float64)
    bool tensor    + 1                     -> int64

* ops that only make sense on real numbers (``/``, exp, log, sqrt, tanh,
  sigmoid, sin, cos, logsumexp) turn integer and bool inputs into the default
  float dtype first; those PyTorch refuses for integers (mean, var, std,
  softmax, log_softmax, elu, softplus, leaky_relu) raise, naming the fix
  ``x.float()``.
"""

import numpy as np

_default = np.dtype(np.float32)
_scalar_result = {}  # (tensor dtype, Python number type) -> result dtype; cleared with the default
_INT64 = np.dtype(np.int64)
_BOOL = np.dtype(np.bool_)
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating


def set_default_dtype(dtype):
    """Make ``dtype`` (float32 or float64) the type of new floating tensors (in every thread)."""
    global _default
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype takes a floating dtype, got {dtype}")
    _default = dtype
    _scalar_result.clear()  # int tensor + 0.5 gives the default dtype


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


# ---------------------------------------------------------------- promotion
def promote_types(a, b):
    """The smaller dtype that holds both ``a`` and ``b`` (``torch.promote_types``).

    Across categories the higher one's dtype wins (int64 with float32 is
    float32); within one, NumPy's table (int8 with uint8 is int16).
    """
    a, b = np.dtype(a), np.dtype(b)
    if a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """The dtype from a higher-ranked group of operands and a lower one (PyTorch's combine_categories)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.kind == "f":
        return higher  # a lower-ranked operand never changes a float result
    if higher.kind == "b" or lower.kind == "f":
        return promote_types(higher, lower)  # a higher category from below: bool -> int, int -> float
    return higher


def _number_dtype(x):
    """The dtype a Python number stands for: bool, int64, or the default float dtype."""
    if isinstance(x, bool):
        return _BOOL
    if isinstance(x, int):
        return _INT64
    if isinstance(x, float):
        return _default
    raise TypeError(f"expected a Tensor or a real Python number, got {type(x).__name__} {x!r:.40}")


def result_type(*operands):
    """The dtype PyTorch gives an op on ``operands`` (Tensors, arrays or Python numbers).

    ``result_type(ag.tensor([1, 2]), 0.5)`` is float32 (the default float dtype).
    """
    dims = zeros = numbers = None
    for x in operands:
        if hasattr(x, "dtype"):
            dtype = np.dtype(x.dtype)
            if x.ndim:
                dims = dtype if dims is None else promote_types(dims, dtype)
            else:
                zeros = dtype if zeros is None else promote_types(zeros, dtype)
        else:
            dtype = _number_dtype(x)
            numbers = dtype if numbers is None else promote_types(numbers, dtype)
    return _combine(dims, _combine(zeros, numbers))


def scalar_dtype(tensor_dtype, scalar):
    """The dtype of ``tensor <op> scalar`` for a Python number ``scalar`` (cached).

    The tensor's dtype unless the number is of a higher category:
    float32 with 0.5 is float32, int64 with 0.5 is the default float dtype.
    """
    key = (tensor_dtype, type(scalar))
    result = _scalar_result.get(key)
    if result is None:
        result = _scalar_result[key] = _combine(tensor_dtype, _number_dtype(scalar))
    return result


def to_float(t):
    """``t`` itself if floating, else ``t`` converted to the default float dtype (as PyTorch's float ops do)."""
    return t if t.data.dtype.kind == "f" else t.astype(_default)


def require_float(t, op):
    """Raise, as PyTorch does, if ``op`` is given an integer or bool tensor."""
    dtype = t.data.dtype
    if dtype.kind != "f":
        raise TypeError(
            f"{op}: needs a floating-point tensor, got {dtype} (PyTorch refuses it too). "
            f"Convert first: x.float() (or x.to(dtype='float32'))."
        )


def require_same_dtype(op, input, weight):
    """A layer's input must have the layer's dtype, as in PyTorch (no silent float64 or int maths)."""
    a, b = input.data.dtype, weight.data.dtype
    if a != b:
        fix = "x.float()" if b == np.float32 else f"x.to(dtype='{b}')"
        raise TypeError(
            f"{op}: the input is {a} but the weight is {b}; they must have the same dtype "
            f"(PyTorch: 'mat1 and mat2 must have the same dtype'). Convert the input, e.g. {fix}, "
            f"or the model, e.g. model.double() for float64."
        )


# ---------------------------------------------------------------- what a Tensor may hold
def data_dtype(data, dtype):
    """The dtype ``Tensor(data, dtype=dtype)`` gets; a clear error for data that is not real numbers.

    Accepted: numbers, bools, nested rectangular lists/tuples of them, numeric
    arrays. Python floats get the default dtype, ints int64, bools bool;
    arrays keep theirs.
    """
    if dtype is not None and dtype.kind not in _CATEGORY:
        raise TypeError(f"Tensor: dtype {dtype} is not supported; use a real type such as float32, int64 or bool")
    is_array = hasattr(data, "dtype")
    if isinstance(data, (str, bytes)):
        _refuse(data, data)
    raw = data if is_array else np.asarray(data)  # ragged lists: ValueError, which the caller explains
    kind = raw.dtype.kind
    if kind == "O":  # something that is not a number, or a Python int beyond int64
        items = list(np.asarray(data, dtype=object).flat) or [data]
        bad = [v for v in items if not _is_number(v, big_ints=True)][:1]
        if bad or not any(isinstance(v, (float, np.floating)) for v in items):
            _refuse(data, bad[0] if bad else next(v for v in items if not _is_number(v)))
        kind = "f"  # [1.5, 2**70]: floats, as PyTorch makes them
    if kind == "c":
        raise TypeError(
            f"Tensor: complex numbers are not supported (got {type(data).__name__} of complex values); "
            f"keep the real and imaginary parts as two real tensors"
        )
    if kind not in _CATEGORY:  # strings, dates, raw bytes
        _refuse(data, data)
    if kind == "u" and not is_array:  # Python ints from 2**63 to 2**64 - 1: NumPy would pick uint64
        _too_big(max(raw.flat))
    if kind == "f" and not is_array and raw.size and np.abs(raw).max() >= 2**63:
        _find_big_int(data)  # NumPy turns [1, 2**63] into floats: was a huge value a Python int?
    if dtype is not None or is_array:
        return dtype
    if kind == "f":
        return _default
    return _INT64 if kind == "i" else None


def is_whole_number(v):
    """An int (Python or NumPy) and not a bool: what a size, an axis or a count must be (2.0 and True are not)."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_number(v, big_ints=False):
    if isinstance(v, int) and not isinstance(v, bool):
        return big_ints or -(2**63) <= v < 2**63  # a bigger Python int is what made NumPy fall back to objects
    return isinstance(v, (bool, float, np.bool_, np.integer, np.floating))


def _find_big_int(data):
    """Raise if ``data`` holds only ints and one is beyond int64 (with a float in it, all become floats)."""
    stack, big = [data], None
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, (float, np.floating)):
            return
        elif big is None and isinstance(v, int) and not _is_number(v):
            big = v
    if big is not None:
        _too_big(big)


def _too_big(value):
    raise OverflowError(
        f"Tensor: the integer {value} does not fit in int64 (the largest integer dtype, -2**63 to 2**63 - 1); "
        f"pass it as a float (float(x)) if an approximate value will do"
    )


def _refuse(data, item):
    if isinstance(item, int) and not isinstance(item, bool):
        _too_big(item)
    if isinstance(item, (complex, np.complexfloating)):
        raise TypeError("Tensor: complex numbers are not supported; keep the real and imaginary parts as two tensors")
    what = type(data).__name__
    if hasattr(data, "dtype"):
        what += f" of dtype {data.dtype}"
    elif item is not data:
        what += f" holding {type(item).__name__} {item!r:.30}"
    else:
        what += f" {data!r:.40}"
    if type(data).__name__ == "generator":
        what += " (make a list first: list(...))"
    raise TypeError(
        f"Tensor: data must be a number, a bool, a rectangular (nested) list or tuple of them, a numeric "
        f"array or a Tensor; got {what}"
    )
