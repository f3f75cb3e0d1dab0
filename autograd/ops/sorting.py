"""Ordering along one dim: sort, argsort, topk, median, and max/min with a dim, which give
``(values, indices)`` as PyTorch's named tuples.

Each ``values`` is ``gather(x, dim, indices)``: the indices carry no gradient,
and each value's gradient goes back to the one element it was read from (for
max over a dim with ties, that is the first maximum, as PyTorch; the no-dim
``x.max()`` shares the gradient among ties instead).
"""

from collections import namedtuple

import numpy as np

from ..tensor import Tensor
from ._util import check_axis, constant
from .gather import gather
from .indexing import GetItem

sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])
median_result = namedtuple("median", ["values", "indices"])


def _dim(input, dim, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    return check_axis(dim, max(input.ndim, 1), op)


def _order(data, dim, descending, xp):
    """Stable argsort along ``dim``; descending keeps equal elements in their original order."""
    if descending:
        if data.dtype.kind in "bu":  # negating these would wrap around
            data = data.astype(np.int64)
        data = -data
    if xp is not np:  # CuPy's sort is always stable (and older versions take no kind=)
        return xp.argsort(data, axis=dim).astype(np.int64)
    return xp.argsort(data, axis=dim, kind="stable").astype(np.int64)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (ties keep their order: always stable here)."""
    if input.ndim == 0:
        return constant(input._backend.xp.zeros((), dtype=np.int64), input)
    dim = _dim(input, dim, "argsort")
    return constant(_order(input.data, dim, descending, input._backend.xp), input)


def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values along ``dim`` and the indices they came from: ``(values, indices)``."""
    indices = argsort(input, dim, descending, stable)
    if input.ndim == 0:
        return sort_result(input * 1, indices)
    return sort_result(gather(input, _dim(input, dim, "sort"), indices), indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, largest first."""
    dim = _dim(input, dim, "topk") if input.ndim else 0
    n = input.shape[dim] if input.ndim else 1
    if not 0 <= k <= n:
        raise ValueError(f"topk: k={k} is out of range for dim {dim} of size {n} (shape {tuple(input.shape)})")
    if input.ndim == 0:
        return topk_result(input * 1, constant(input._backend.xp.zeros((), dtype=np.int64), input))
    order = _order(input.data, dim, largest, input._backend.xp)
    indices = order[(slice(None),) * dim + (slice(0, k),)]
    return topk_result(gather(input, dim, indices), constant(indices, input))


def median(input, dim=None, keepdim=False):
    """The median; for an even count the lower of the two middle values (as PyTorch).

    Without ``dim``: one value, whose gradient goes to the element it is. With ``dim``:
    ``(values, indices)`` along it.
    """
    if dim is None:
        flat = input.reshape(-1)
        if flat.shape[0] == 0:
            raise IndexError("median: the tensor is empty, and the median of no numbers is undefined")
        order = _order(flat.data, 0, False, input._backend.xp)
        return GetItem.apply(flat, index=order[(flat.shape[0] - 1) // 2])
    dim = _dim(input, dim, "median")
    if input.ndim == 0:
        return median_result(input * 1, constant(input._backend.xp.zeros((), dtype=np.int64), input))
    n = input.shape[dim]
    if n == 0:
        raise IndexError(f"median: dim {dim} of the tensor of shape {tuple(input.shape)} is empty")
    order = _order(input.data, dim, False, input._backend.xp)
    return _pick(
        input, dim, order[(slice(None),) * dim + (slice((n - 1) // 2, (n - 1) // 2 + 1),)], keepdim, median_result
    )


def _pick(input, dim, indices, keepdim, result):
    """``(values, indices)`` for one index per row along ``dim`` (indices given with dim kept)."""
    values = gather(input, dim, indices)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return result(values, constant(indices, input))


def _extreme(input, dim, keepdim, op, result):
    if input.ndim == 0:
        _dim(input, dim, op)
        return result(input * 1, constant(input._backend.xp.zeros((), dtype=np.int64), input))
    dim = _dim(input, dim, op)
    if input.shape[dim] == 0:
        raise IndexError(f"{op}: dim {dim} of the tensor of shape {tuple(input.shape)} is empty (size 0)")
    find = input.data.argmax if op == "max" else input.data.argmin  # the first extreme, as PyTorch
    indices = find(axis=dim, keepdims=True).astype(np.int64)
    return _pick(input, dim, indices, keepdim, result)


def max_dim(input, dim, keepdim=False):
    """The largest value along ``dim`` and its index: ``x.max(1)`` -> ``(values, indices)``, as PyTorch."""
    return _extreme(input, dim, keepdim, "max", max_result)


def min_dim(input, dim, keepdim=False):
    """The smallest value along ``dim`` and its index: ``(values, indices)``."""
    return _extreme(input, dim, keepdim, "min", min_result)
