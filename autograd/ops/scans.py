"""Running totals along one dim (scans) and the product: cumsum, cumprod, cummax, cummin,
logcumsumexp, prod.

A scan's output y_j depends on x_0..x_j, so x_i's gradient collects from every
later output: dL/dx_i = sum_{j >= i} dL/dy_j * dy_j/dx_i. For cumsum that is a
running total taken backwards (a reversed cumsum).

Products need care at zeros: y / x_i ("the product without x_i") is 0/0 there,
so where an input is 0 the backward multiplies the other factors instead.
"""

from collections import namedtuple

import numpy as np

from ..function import Function
from ._util import check_axis, constant, kept_shape
from .elementwise import where
from .indexing import GetItem, cat

cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])


def reverse(t, dim):
    """``t`` read backwards along ``dim`` (a differentiable getitem)."""
    return GetItem.apply(t, index=(slice(None),) * dim + (slice(None, None, -1),))


def reverse_cumsum(t, dim):
    """sum_{j >= i} t_j along ``dim``: the backward of a cumsum."""
    return reverse(cumsum(reverse(t, dim), dim), dim)


class CumSum(Function):
    """y_j = sum_{i <= j} a_i  ->  dL/da_i = sum_{j >= i} dL/dy_j"""

    name = "cumsum"

    def forward(self, a, dim=0):
        self.dim = dim
        return self.backend.xp.cumsum(a, axis=dim)

    def backward(self, grad):
        return reverse_cumsum(grad, self.dim)

    def describe(self):
        return {"dim": self.dim}


class CumProd(Function):
    """y_j = prod_{i <= j} a_i  ->  dL/da_i = sum_{j >= i} dL/dy_j * prod_{k <= j, k != i} a_k   (= reversed cumsum(dL/dy * y) / a_i when no a is 0)"""

    name = "cumprod"
    saves_output = True

    def forward(self, a, dim=0):
        self.dim = dim
        return self.backend.xp.cumprod(a, axis=dim)

    def backward(self, grad):
        a = self.inputs[0]
        if not (a.data == 0).any():
            return reverse_cumsum(grad * self.output(), self.dim) / a
        return _cumprod_grad_with_zeros(a, grad, self.dim)

    def describe(self):
        return {"dim": self.dim}


def _cumprod_grad_with_zeros(a, grad, dim):
    """sum_{j >= i} g_j * prod_{k <= j, k != i} a_k, without dividing: an n x n table per row.

    Row i of the table is a with a_i replaced by 1; its cumprod gives every
    prod_{k <= j, k != i} a_k at once. O(n^2) memory, used only when some a_i is 0.
    """
    a_last, g_last = a.swapaxes(dim, -1), grad.swapaxes(dim, -1)
    n = a_last.shape[-1]
    xp = a.backend.xp
    eye = xp.eye(n, dtype=bool)
    table = where(eye, 1.0, a_last.unsqueeze(-2).broadcast_to(a_last.shape[:-1] + (n, n)))
    later = constant(xp.triu(xp.ones((n, n), dtype=a.dtype)), a)  # j >= i
    out = (cumprod(table, -1) * g_last.unsqueeze(-2) * later).sum(axis=-1)
    return out.swapaxes(dim, -1)


class LogCumSumExp(Function):
    """y_j = ln sum_{i <= j} e^(a_i)  ->  dL/da_i = sum_{j >= i} dL/dy_j * e^(a_i - y_j)"""

    name = "logcumsumexp"
    saves_output = True

    def forward(self, a, dim=0):
        self.dim = dim
        xp = self.backend.xp
        if xp is np:
            return np.logaddexp.accumulate(a, axis=dim)
        top = a.max(axis=dim, keepdims=True)
        return xp.log(xp.cumsum(xp.exp(a - top), axis=dim)) + top

    def backward(self, grad):
        # e^(a_i - y_j) = e^(a_i - c) * e^(c - y_j), with c the largest a along dim: a constant shift
        # that keeps e^(a_i - c) <= 1 (it overflows only when prefixes differ by more than ~700 in float64)
        a, y = self.inputs[0], self.output()
        c = constant(a.data.max(axis=self.dim, keepdims=True), a)
        return (a - c).exp() * reverse_cumsum(grad * (c - y).exp(), self.dim)

    def describe(self):
        return {"dim": self.dim}


class Prod(Function):
    """y = prod_i a_i  ->  dL/da_i = dL/dy * prod_{k != i} a_k   (= dL/dy * y / a_i when no a is 0)"""

    name = "prod"
    saves_output = True

    def forward(self, a, dim=None, keepdim=False):
        self.dim, self.keepdim, self.in_shape = dim, keepdim, a.shape
        return self.backend.xp.prod(a, axis=dim, keepdims=keepdim)

    def backward(self, grad):
        a = self.inputs[0]
        shape = kept_shape(self.in_shape, None if self.dim is None else (self.dim,))
        g = grad.reshape(shape)
        if not (a.data == 0).any():
            return g * self.output().reshape(shape) / a
        if self.dim is None:
            return (g * _others_product(a.reshape(-1), 0).reshape(self.in_shape)).reshape(self.in_shape)
        return g * _others_product(a, self.dim)

    def describe(self):
        return {"dim": self.dim} if self.dim is not None else {}


def _others_product(a, dim):
    """prod_{k != i} a_k along ``dim``, for every i, without dividing: (product before i) * (product after i)."""
    one = constant(a.backend.xp.ones(kept_shape(a.shape, (dim,)), dtype=a.dtype), a)
    head = (slice(None),) * dim
    before = cat([one, cumprod(a, dim)[head + (slice(None, -1),)]], dim=dim)
    flipped = reverse(a, dim)
    after = reverse(cat([one, cumprod(flipped, dim)[head + (slice(None, -1),)]], dim=dim), dim)
    return before * after


def _dim(input, dim, op):
    return check_axis(dim, max(input.ndim, 1), op) if input.ndim else 0


def _scan(op_class, input, dim, dtype, op):
    if dtype is not None:
        input = input.astype(dtype)
    if input.ndim == 0:
        return op_class.apply(input.reshape(1), dim=0).reshape(())
    return op_class.apply(input, dim=check_axis(dim, input.ndim, op))


def cumsum(input, dim, dtype=None):
    """Running sum along ``dim``: y_j = x_0 + ... + x_j."""
    return _scan(CumSum, input, dim, dtype, "cumsum")


def cumprod(input, dim, dtype=None):
    """Running product along ``dim``: y_j = x_0 * ... * x_j (zeros handled exactly in the gradient)."""
    return _scan(CumProd, input, dim, dtype, "cumprod")


def logcumsumexp(input, dim):
    """Running log-sum-exp along ``dim``: y_j = ln(e^x_0 + ... + e^x_j), without overflow."""
    return _scan(LogCumSumExp, input, dim, None, "logcumsumexp")


def _running_extreme(input, dim, op, accumulate, result):
    from .gather import gather

    if input.ndim == 0:
        return result(input * 1, constant(input.backend.xp.zeros((), dtype=np.int64), input))
    dim = check_axis(dim, input.ndim, op)
    x = input.numpy() if input.device != "cpu" else input.data
    running = accumulate(x, axis=dim)
    positions = np.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
    # the index of the running extreme: the latest position whose value equals it (ties: the latest, as PyTorch)
    indices = np.maximum.accumulate(np.where(x == running, positions, 0), axis=dim).astype(np.int64)
    indices = input.backend.xp.asarray(indices)
    return result(gather(input, dim, indices), constant(indices, input))


def cummax(input, dim):
    """Running maximum along ``dim`` and where it was found: ``(values, indices)``.

    values = gather(x, dim, indices), so each value's gradient goes to the element it came from.
    """
    return _running_extreme(input, dim, "cummax", np.maximum.accumulate, cummax_result)


def cummin(input, dim):
    """Running minimum along ``dim`` and where it was found: ``(values, indices)``."""
    return _running_extreme(input, dim, "cummin", np.minimum.accumulate, cummin_result)


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The product of all elements, or along one ``dim``; zeros handled exactly in the gradient."""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if dtype is not None:
        input = input.astype(dtype)
    if dim is not None:
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"prod: dim must be one int (or None for all), got {dim!r}")
        dim = _dim(input, dim, "prod")
        if input.ndim == 0:
            return input * 1
    return Prod.apply(input, dim=dim, keepdim=bool(keepdim) if dim is not None else False)
