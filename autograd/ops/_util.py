"""Small helpers the ops share: turning arguments into tensors and normalising axes."""

import numpy as np

from ..dtypes import result_type
from ..tensor import Tensor, as_tensor_like


def pair(a, b):
    """Two operands as Tensors on one device; a Python scalar takes the other's dtype."""
    if isinstance(a, Tensor):
        return a, (b if isinstance(b, Tensor) else _operand(b, a))
    if isinstance(b, Tensor):
        return _operand(a, b), b
    raise TypeError(f"expected at least one Tensor, got {type(a).__name__} and {type(b).__name__}")


def _operand(value, like):
    if isinstance(value, np.generic):  # np.float64(0.5) counts as a Python scalar, as in PyTorch
        value = value.item()
    t = as_tensor_like(value, like)
    if t.data.dtype.kind not in "biufc":
        raise TypeError(f"a Tensor can be combined with numbers, arrays and Tensors, not {type(value).__name__}")
    return t


def binary(op_class, op, a, b):
    """Apply a broadcasting two-input op; a shape mismatch becomes an error naming the op and the shapes."""
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):  # a number on one side
        a, b = pair(a, b)
    if a.data.dtype is not b.data.dtype:  # the common case (equal dtypes) skips this
        a, b = promote(a, b)
    try:
        return op_class.apply(a, b)
    except ValueError:
        check_broadcast(op, a.shape, b.shape)
        raise


def promote(*tensors):
    """The tensors converted to their common dtype by PyTorch's rules (``dtypes.result_type``)."""
    dtype = result_type(*tensors)
    return tuple(t if t.data.dtype == dtype else t.astype(dtype) for t in tensors)


def check_broadcast(op, *shapes):
    """Raise a clear error if ``shapes`` cannot be broadcast together (NumPy's rules)."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {' and '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together: "
            f"counting from the last axis, each pair of sizes must be equal or one of them 1. "
            f"Reshape one operand (e.g. x.reshape(-1, 1) or x.unsqueeze(0)) so the axes line up."
        ) from None


def constant(array, like):
    """A tensor that carries no gradient, on ``like``'s device (masks, saved indices)."""
    return Tensor._make(array, like._backend, False, None)


def normalize_axis(axis, dim, ndim, op):
    """``axis`` (or its PyTorch alias ``dim``) as a sorted tuple of non-negative axes, or None."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: give axis or dim, not both")
        axis = dim
    if axis is None:
        return None
    if type(axis) is int and -ndim <= axis < ndim:  # the common case: one axis that exists
        return (axis % ndim,)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis) if isinstance(axis, (tuple, list)) else None
    if axes is None or not all(isinstance(a, (int, np.integer)) for a in axes):
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
    out = []
    for a in axes:
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        if ndim:  # a 0-d tensor accepts axis 0 or -1, as in PyTorch, and has nothing to reduce
            out.append(int(a) % ndim)
    return tuple(sorted(set(out)))


def check_axis(axis, ndim, op):
    """``axis`` as a non-negative int, or a clear error if a tensor with ``ndim`` axes has no such axis."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: an axis must be an int, got {axis!r} ({type(axis).__name__})")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor with {ndim} dimensions")
    return int(axis) % ndim


def kept_shape(shape, axes):
    """The shape a reduction over ``axes`` has with keepdims=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def reduced_count(shape, axes):
    """How many elements each output of a reduction over ``axes`` summarises."""
    n = 1
    for i, size in enumerate(shape):
        if axes is None or i in axes:
            n *= size
    return n
