"""Running totals along one dim (scans) and the product: cumsum, cumprod, cummax, cummin,
logcumsumexp, prod.

A scan's output y_j depends on x_0..x_j, so x_i's gradient collects from every
later output: dL/dx_i = sum_{j >= i} dL/dy_j * dy_j/dx_i. For cumsum that is a
running total taken backwards (a reversed cumsum).

Products need care at zeros: y / x_i ("the product without x_i") is 0/0 there,
so the backward multiplies the other factors instead of dividing.
"""

from collections import namedtuple

import numpy as np

from ..function import Function
from ..grad_mode import is_grad_enabled
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
    """y_j = prod_{i <= j} a_i  ->  dL/da_i = sum_{j >= i} dL/dy_j * prod_{k <= j, k != i} a_k"""

    name = "cumprod"
    saves_output = True

    def forward(self, a, dim=0):
        self.dim = dim
        return self.backend.xp.cumprod(a, axis=dim)

    def backward(self, grad):
        a = self.inputs[0]
        if a.shape[self.dim] == 0:
            return grad
        if is_grad_enabled():  # recording for a second derivative: the form whose own derivative is exact too
            return _cumprod_grad_table(a, grad, self.dim)
        return _cumprod_grad(a, self.output(), grad, self.dim)

    def describe(self):
        return {"dim": self.dim}


def _cumprod_grad(a, y, grad, dim):
    """sum_{j >= i} g_j * prod_{k <= j, k != i} a_k along ``dim``, exact where some a_k = 0 (as PyTorch).

    Let z be the first zero of a row (z = n if there is none). Then:

    * i < z: a_i != 0 and y_j = 0 from z on, so the sum is reversed_cumsum(g * y)_i / a_i;
    * i = z: the products skip a_z: with q = cumprod(a with a_z replaced by 1), the sum is
      reversed_cumsum(g * q)_z;
    * i > z: every product contains a_z = 0, so the gradient is 0.

    Masks, not branches: the same ops run whatever the data, and nothing is read back
    from a GPU. Its value is exact; its own derivative is not where some a_k = 0 (the
    0 for i > z hides a slope in a_z), so a backward that records a graph uses
    ``_cumprod_grad_table`` instead, as PyTorch does.
    """
    xp = a.backend.xp
    zero = a.data == 0
    n = a.shape[dim]
    positions = xp.arange(n).reshape((n,) + (1,) * (a.ndim - dim - 1))
    first_zero = xp.where(zero.any(axis=dim, keepdims=True), zero.argmax(axis=dim, keepdims=True), n)
    before, at = positions < first_zero, positions == first_zero
    before_z = reverse_cumsum(grad * y, dim) / where(before, a, 1.0)
    at_z = reverse_cumsum(grad * cumprod(where(at, 1.0, a), dim), dim)
    return where(before, before_z, where(at, at_z, 0.0))


def _cumprod_grad_table(a, grad, dim):
    """sum_{j >= i} g_j * prod_{k <= j, k != i} a_k as one n x n table per row: exact to every order.

    Row i of the table is a with a_i replaced by 1; its cumprod gives every
    prod_{k <= j, k != i} a_k at once, a polynomial in the a_k, so differentiating it
    again is exact even at zeros. O(n^2) memory: used only to record second derivatives.
    """
    a_last, g_last = a.swapaxes(dim, -1), grad.swapaxes(dim, -1)
    n = a_last.shape[-1]
    xp = a.backend.xp
    table = where(xp.eye(n, dtype=bool), 1.0, a_last.unsqueeze(-2).broadcast_to(a_last.shape[:-1] + (n, n)))
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
        a, y = self.inputs[0], self.output()
        if not is_grad_enabled() and self.backend.xp is np:  # values only: the form that never overflows
            return constant(_logcumsumexp_grad_array(a.data, y.data, grad.data, self.dim), grad)
        # differentiable: e^(a_i - y_j) = e^(a_i - c) * e^(c - y_j), c the largest a along dim, keeps
        # e^(a_i - c) <= 1 (e^(c - y_j) overflows only where a prefix lies ~88 (float32) below c)
        c = constant(a.data.max(axis=self.dim, keepdims=True), a)
        return (a - c).exp() * reverse_cumsum(grad * (c - y).exp(), self.dim)

    def describe(self):
        return {"dim": self.dim}


def _logcumsumexp_grad_array(a, y, g, dim):
    """sum_{j >= i} g_j e^(a_i - y_j), in logs: e^(a_i + ln sum_{j >= i} e^(ln g_j - y_j)), positive and
    negative g_j apart (a log needs a positive number). Every exponent is <= ln sum |g|: no overflow."""
    out = np.zeros_like(a)
    with np.errstate(divide="ignore"):  # ln 0 = -inf stands for "no contribution"
        for sign in (1.0, -1.0):
            w = np.log(np.maximum(sign * g, 0)) - y
            later = np.flip(np.logaddexp.accumulate(np.flip(w, dim), axis=dim), dim)
            out += sign * np.exp(a + later)
    return out


class Prod(Function):
    """y = prod_i a_i  ->  dL/da_i = dL/dy * prod_{k != i} a_k   (not y / a_i: that is 0/0 where a_i = 0)"""

    name = "prod"
    saves_output = True

    def forward(self, a, dim=None, keepdim=False):
        self.dim, self.keepdim, self.in_shape = dim, keepdim, a.shape
        return self.backend.xp.prod(a, axis=dim, keepdims=keepdim)

    def backward(self, grad):
        a = self.inputs[0]
        g = grad.reshape(kept_shape(self.in_shape, None if self.dim is None else (self.dim,)))
        if self.dim is None:
            return g * _others_product(a.reshape(-1), 0).reshape(self.in_shape)
        return g * _others_product(a, self.dim)

    def describe(self):
        return {"dim": self.dim} if self.dim is not None else {}


def _others_product(a, dim):
    """prod_{k != i} a_k along ``dim``, for every i, without dividing: (product before i) * (product after i)."""
    if a.shape[dim] == 0:  # no factors, no gradients
        return a * 0.0
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
    xp, x = input.backend.xp, input.data
    running = getattr(xp, accumulate).accumulate(x, axis=dim)
    positions = xp.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
    # the index of the running extreme: the latest position whose value equals it (ties: the latest, as PyTorch)
    indices = xp.maximum.accumulate(xp.where(x == running, positions, 0), axis=dim).astype(np.int64)
    return result(gather(input, dim, indices), constant(indices, input))


def cummax(input, dim):
    """Running maximum along ``dim`` and where it was found: ``(values, indices)``.

    values = gather(x, dim, indices), so each value's gradient goes to the element it came from.
    """
    return _running_extreme(input, dim, "cummax", "maximum", cummax_result)


def cummin(input, dim):
    """Running minimum along ``dim`` and where it was found: ``(values, indices)``."""
    return _running_extreme(input, dim, "cummin", "minimum", cummin_result)


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
