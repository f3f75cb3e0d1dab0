"""Shape ops: reshape, transpose/permute, broadcast_to, sum_to, and the reshapes built on them.

None of these changes a value, only where it sits, so each backward puts the
gradient back where the value came from.
"""

import numpy as np

from ..dtypes import is_whole_number
from ..function import Function
from ._util import check_axis, normalize_axis


class Reshape(Function):
    """y = a viewed with a new shape  ->  dL/da = dL/dy reshaped to a's shape"""

    name = "reshape"

    def forward(self, a, shape=None):
        self.in_shape = a.shape
        out = a.reshape(shape)
        self.out_shape = out.shape
        return out

    def backward(self, grad):
        return grad.reshape(self.in_shape)

    def describe(self):
        return {"shape": self.out_shape}


class Transpose(Function):
    """y = a with axes permuted  ->  dL/da = dL/dy with the inverse permutation"""

    name = "transpose"

    def forward(self, a, axes=None):
        self.axes = axes
        return a.transpose(axes)

    def backward(self, grad):
        return grad.transpose(tuple(np.argsort(self.axes)))

    def describe(self):
        return {"axes": self.axes}


class BroadcastTo(Function):
    """y = a copied along new or size-1 axes  ->  dL/da = dL/dy summed over the copies"""

    name = "broadcast_to"

    def forward(self, a, shape=None):
        self.in_shape = a.shape
        return self.backend.xp.broadcast_to(a, shape)

    def backward(self, grad):
        return grad.sum_to(self.in_shape)


class SumTo(Function):
    """y = a summed down to ``shape`` (undoing a broadcast)  ->  dL/da = dL/dy broadcast back"""

    name = "sum_to"

    def forward(self, a, shape=None):
        self.in_shape = a.shape
        lead = a.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and a.shape[i + lead] != 1)
        out = a.sum(axis=axes, keepdims=True) if axes else a
        return out.reshape(shape)

    def backward(self, grad):
        return grad.broadcast_to(self.in_shape)


def _shape_arg(shape, op):
    """The sizes given as ``reshape(2, 3)`` or ``reshape((2, 3))``: whole numbers >= 0, at most one -1."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not is_whole_number(n):
            raise TypeError(
                f"{op}: sizes must be whole numbers, got {n!r} ({type(n).__name__}) in {tuple(shape)}; "
                f"write e.g. {op}(2, 3), or round first: int(n)"
            )
        if n < -1:
            raise ValueError(
                f"{op}: invalid size {n} in {tuple(shape)}: sizes must be 0 or more, or -1 for the one size "
                f"to infer from the number of elements"
            )
    if list(shape).count(-1) > 1:
        raise ValueError(f"{op}: only one size can be -1 (inferred), got {tuple(shape)}")
    return tuple(int(n) for n in shape)


def reshape(a, *shape):
    """The same values in a new shape (one size may be -1: inferred)."""
    shape = _shape_arg(shape, "reshape")
    try:
        return Reshape.apply(a, shape=shape) if shape != a.shape else a
    except ValueError:
        raise ValueError(f"reshape: cannot view shape {a.shape} ({a.numel()} elements) as {shape}") from None


def flatten(a, start_dim=0, end_dim=-1):
    """Merge the axes from ``start_dim`` to ``end_dim`` into one."""
    if a.ndim == 0:
        return reshape(a, 1)
    start, end = check_axis(start_dim, a.ndim, "flatten"), check_axis(end_dim, a.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} (shape {a.shape})")
    merged = 1
    for n in a.shape[start : end + 1]:
        merged *= n
    return reshape(a, a.shape[:start] + (merged,) + a.shape[end + 1 :])


def transpose(a, *axes):
    """Permute axes; with no axes, reverse them (a matrix's transpose).

    ``transpose(a, 0, 1)`` with two separate axes swaps them, as in PyTorch (also
    for a matrix, where NumPy would read (0, 1) as "keep the order");
    ``transpose(a, (2, 0, 1))`` with one tuple permutes, as in NumPy.
    """
    if len(axes) == 2 and all(isinstance(ax, int) for ax in axes):
        return swapaxes(a, *axes)
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        axes = tuple(range(a.ndim))[::-1]
    return permute(a, *axes)


def permute(a, *axes):
    """Reorder the axes: ``permute(x, 0, 2, 3, 1)`` turns NCHW into NHWC."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    axes = tuple(check_axis(ax, a.ndim, "permute") for ax in axes)
    if sorted(axes) != list(range(a.ndim)):
        raise ValueError(f"permute: {axes} is not a permutation of the {a.ndim} axes of shape {a.shape}")
    return Transpose.apply(a, axes=axes)


def swapaxes(a, axis1, axis2):
    """Exchange two axes."""
    ndim = a.data.ndim
    if not (type(axis1) is int and type(axis2) is int and -ndim <= axis1 < ndim and -ndim <= axis2 < ndim):
        # NumPy integers, or a bad axis: check_axis converts them or raises, naming the op
        axis1, axis2 = check_axis(axis1, ndim, "swapaxes"), check_axis(axis2, ndim, "swapaxes")
    axis1, axis2 = axis1 % ndim, axis2 % ndim
    axes = list(range(ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return Transpose.apply(a, axes=tuple(axes))


def unsqueeze(a, axis):
    """Insert a size-1 axis at ``axis``."""
    if not is_whole_number(axis):
        raise TypeError(
            f"unsqueeze: the axis must be a whole number, got {axis!r} ({type(axis).__name__}); "
            f"a tensor of shape {a.shape} takes -{a.ndim + 1}..{a.ndim}, e.g. unsqueeze(0)"
        )
    if not -a.ndim - 1 <= axis <= a.ndim:
        raise ValueError(
            f"unsqueeze: axis {axis} is out of range: a tensor of shape {a.shape} takes -{a.ndim + 1}..{a.ndim}"
        )
    axis = axis % (a.ndim + 1)
    return reshape(a, a.shape[:axis] + (1,) + a.shape[axis:])


expand_dims = unsqueeze


def squeeze(a, axis=None):
    """Remove size-1 axes (only ``axis`` when given)."""
    if axis is None:
        return reshape(a, tuple(n for n in a.shape if n != 1))
    axes = normalize_axis(axis, None, a.ndim, "squeeze")
    return reshape(a, tuple(n for i, n in enumerate(a.shape) if i not in axes or n != 1))


def broadcast_to(a, shape):
    """Repeat ``a`` along new or size-1 axes to reach ``shape`` (NumPy broadcasting rules)."""
    shape = tuple(shape)
    if shape == a.shape:
        return a
    try:
        return BroadcastTo.apply(a, shape=shape)
    except ValueError:
        raise ValueError(
            f"broadcast_to: shape {a.shape} cannot be broadcast to {shape}: each axis must match or be 1"
        ) from None


def sum_to(a, shape):
    """Sum ``a`` down to ``shape``: the inverse of broadcasting (used for every broadcast gradient)."""
    shape = tuple(shape)
    if shape == a.shape:
        return a
    try:
        fits = len(shape) <= a.ndim and np.broadcast_shapes(shape, a.shape) == a.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"sum_to: shape {a.shape} cannot be summed down to {shape} (it is not a broadcast of it)")
    return SumTo.apply(a, shape=shape)
