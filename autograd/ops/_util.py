"""Small helpers the ops share: turning arguments into tensors and normalising axes."""

from ..tensor import Tensor, as_tensor_like


def pair(a, b):
    """Two operands as Tensors on one device; a Python scalar takes the other's dtype."""
    if isinstance(a, Tensor):
        return a, as_tensor_like(b, a)
    if isinstance(b, Tensor):
        return as_tensor_like(a, b), b
    raise TypeError(f"expected at least one Tensor, got {type(a).__name__} and {type(b).__name__}")


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
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(out))


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
