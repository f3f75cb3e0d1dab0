"""Reductions: sum, mean, var, std, max, min, logsumexp over an axis (or all axes).

``axis`` may be an int or a tuple; ``dim`` is accepted as PyTorch's name for it.
Each backward first reshapes the incoming gradient to the ``keepdims`` shape so
that it broadcasts back over the reduced axes.

Empty axes behave as in PyTorch: a reduction with an identity gives it (the sum
of no numbers is 0, their logsumexp -inf, their mean and variance NaN, as 0/0);
max, min, argmax and argmin have none and raise, naming the op and the empty axis.
"""

import math

import numpy as np

from ..dtypes import require_float, to_float
from ..function import Function
from ._util import constant, kept_shape, normalize_axis, reduced_count
from .elementwise import where


class _Reduction(Function):
    def _setup(self, a, axis, keepdims):
        self.axis, self.keepdims, self.in_shape = axis, keepdims, a.shape

    def _expand(self, t):
        """A reduced tensor reshaped so it broadcasts against the input."""
        return t.reshape(kept_shape(self.in_shape, self.axis))

    def describe(self):
        return {"axis": self.axis} if self.axis is not None else {}


def _reduced_shape(shape, axis, keepdims):
    """The output shape of a reduction over ``axis`` (all axes when None)."""
    if keepdims:
        return kept_shape(shape, axis)
    return tuple(n for i, n in enumerate(shape) if axis is not None and i not in axis)


def _ratio(numerator, divisor):
    """numerator / divisor as a Python float, inf when the divisor is 0 (as float division in C and PyTorch).

    A zero divisor (the mean or variance of no numbers, a sample variance of one
    number) makes the forward NaN; the backward then multiplies inf by 0 and is
    NaN too, as in PyTorch, instead of stopping with ZeroDivisionError.
    """
    return numerator / divisor if divisor else math.copysign(math.inf, numerator)


def _check_correction(correction, op):
    """``correction`` is subtracted from the count n: a number (0 population, 1 sample), never text or None."""
    if isinstance(correction, bool) or not isinstance(correction, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{op}: correction must be a number (0: divide by n, the population {op}; 1: by n - 1, the sample "
            f"{op}), got {correction!r} ({type(correction).__name__})"
        )


def _check_not_empty(a, axis, op):
    """max/min/argmax/argmin of no numbers is undefined: refuse an empty reduced axis, naming it."""
    if axis is None:
        if a.size == 0:
            raise IndexError(
                f"{op}: the tensor of shape {tuple(a.shape)} is empty, and the {op} of no numbers is undefined "
                f"(unlike sum, {op} has no value for an empty input). Check where the empty tensor comes from, "
                f"or skip this step when x.numel() == 0."
            )
        return
    for i in axis:
        if a.shape[i] == 0:
            raise IndexError(
                f"{op}: axis {i} of the tensor of shape {tuple(a.shape)} is empty (size 0), and the {op} of no "
                f"numbers is undefined (unlike sum, {op} has no value for an empty input). Reduce over an axis "
                f"of nonzero size, or skip this step when x.numel() == 0."
            )


class Sum(_Reduction):
    """y = sum_i a_i  ->  dL/da_i = dL/dy  (copied to every summed position)"""

    name = "sum"

    def forward(self, a, axis=None, keepdims=False):
        self._setup(a, axis, keepdims)
        return a.sum(axis=axis, keepdims=keepdims)

    def backward(self, grad):
        return self._expand(grad).broadcast_to(self.in_shape)


class Mean(_Reduction):
    """y = (1/n) sum_i a_i  ->  dL/da_i = dL/dy / n"""

    name = "mean"

    def forward(self, a, axis=None, keepdims=False):
        self._setup(a, axis, keepdims)
        self.n = reduced_count(a.shape, axis)
        if self.n == 0:  # the mean of no numbers is 0/0: NaN, as PyTorch (without NumPy's warning)
            return self.backend.xp.full(_reduced_shape(a.shape, axis, keepdims), math.nan, dtype=a.dtype)
        return a.mean(axis=axis, keepdims=keepdims)

    def backward(self, grad):
        return self._expand(grad).broadcast_to(self.in_shape) * _ratio(1.0, self.n)


class Var(_Reduction):
    """y = sum_i (a_i - mean)^2 / (n - correction)  ->  dL/da_i = dL/dy * 2 (a_i - mean) / (n - correction)

    ``correction=0`` (the default) is the population variance, as in the
    lectures' batch normalisation; ``correction=1`` is the sample variance.
    """

    name = "var"

    def forward(self, a, axis=None, keepdims=False, correction=0):
        self._setup(a, axis, keepdims)
        _check_correction(correction, "var")
        self.divisor = reduced_count(a.shape, axis) - correction
        return a.var(axis=axis, keepdims=keepdims, ddof=correction)

    def backward(self, grad):
        a = self.inputs[0]
        centered = a - a.mean(self.axis, keepdims=True)
        return self._expand(grad) * centered * _ratio(2.0, self.divisor)


class Std(_Reduction):
    """y = sqrt(var(a))  ->  dL/da_i = dL/dy * (a_i - mean) / ((n - correction) * y),  0 where y = 0

    Where y = 0 (a constant row, or a single element) every a_i equals the mean
    and the formula reads 0/0; the gradient there is 0, as in PyTorch. The
    division uses y with its zeros replaced by 1, so no NaN appears even in
    second derivatives.
    """

    name = "std"
    saves_output = True

    def forward(self, a, axis=None, keepdims=False, correction=0):
        self._setup(a, axis, keepdims)
        _check_correction(correction, "std")
        self.divisor = reduced_count(a.shape, axis) - correction
        return a.std(axis=axis, keepdims=keepdims, ddof=correction)

    def backward(self, grad):
        a = self.inputs[0]
        centered = a - a.mean(self.axis, keepdims=True)
        y = self._expand(self.output())
        flat = y.data == 0
        per_unit = where(flat, 0.0, self._expand(grad) / where(flat, 1.0, y))  # dL/dy / y, 0 where y = 0
        return per_unit * centered * _ratio(1.0, self.divisor)


class _Extreme(_Reduction):
    """Shared by max and min: the gradient goes to the winning element(s).

    Ties share the gradient equally: if k elements are all the maximum, each
    receives dL/dy / k (as ``torch.amax`` does).
    """

    def forward(self, a, axis=None, keepdims=False):
        self._setup(a, axis, keepdims)
        out = self.reduce(a, axis=axis, keepdims=True)
        winners = (a == out).astype(a.dtype)
        self.share = winners / winners.sum(axis=axis, keepdims=True)
        return out if keepdims else out.reshape(_reduced_shape(a.shape, axis, False))

    def backward(self, grad):
        return self._expand(grad) * constant(self.share, grad)


class Max(_Extreme):
    """y = max_i a_i  ->  dL/da_i = dL/dy / k for the k maximal elements, 0 elsewhere"""

    name = "max"

    def reduce(self, a, **kw):
        return a.max(**kw)


class Min(_Extreme):
    """y = min_i a_i  ->  dL/da_i = dL/dy / k for the k minimal elements, 0 elsewhere"""

    name = "min"

    def reduce(self, a, **kw):
        return a.min(**kw)


class LogSumExp(_Reduction):
    """y = log sum_i e^(a_i)  ->  dL/da_i = dL/dy * e^(a_i - y)   (the softmax)"""

    name = "logsumexp"
    saves_output = True

    def forward(self, a, axis=None, keepdims=False):
        self._setup(a, axis, keepdims)
        xp = self.backend.xp
        if reduced_count(a.shape, axis) == 0:  # log of an empty sum: log(0) = -inf, as PyTorch
            return xp.full(_reduced_shape(a.shape, axis, keepdims), -math.inf, dtype=a.dtype)
        top = a.max(axis=axis, keepdims=True)
        out = xp.log(xp.exp(a - top).sum(axis=axis, keepdims=True)) + top
        return out if keepdims else out.reshape(_reduced_shape(a.shape, axis, False))

    def backward(self, grad):
        return self._expand(grad) * (self.inputs[0] - self._expand(self.output())).exp()


def sum(a, axis=None, keepdims=False, dim=None):
    """Sum over ``axis`` (all axes when None); bool and unsigned tensors sum to int64, as in PyTorch."""
    if a.data.dtype.kind == "u":
        a = a.long()
    return Sum.apply(a, axis=normalize_axis(axis, dim, a.ndim, "sum"), keepdims=keepdims)


def mean(a, axis=None, keepdims=False, dim=None):
    """Average over ``axis`` (all axes when None)."""
    require_float(a, "mean")
    return Mean.apply(a, axis=normalize_axis(axis, dim, a.ndim, "mean"), keepdims=keepdims)


def var(a, axis=None, keepdims=False, dim=None, correction=0):
    """Variance over ``axis``; population version (divide by n) unless ``correction=1``."""
    require_float(a, "var")
    return Var.apply(a, axis=normalize_axis(axis, dim, a.ndim, "var"), keepdims=keepdims, correction=correction)


def std(a, axis=None, keepdims=False, dim=None, correction=0):
    """Standard deviation over ``axis``; population version unless ``correction=1``."""
    require_float(a, "std")
    return Std.apply(a, axis=normalize_axis(axis, dim, a.ndim, "std"), keepdims=keepdims, correction=correction)


def max(a, axis=None, keepdims=False, dim=None):
    """Largest value over ``axis``; tied maxima share the gradient equally."""
    axes = normalize_axis(axis, dim, a.ndim, "max")
    _check_not_empty(a.data, axes, "max")
    return Max.apply(a, axis=axes, keepdims=keepdims)


def min(a, axis=None, keepdims=False, dim=None):
    """Smallest value over ``axis``; tied minima share the gradient equally."""
    axes = normalize_axis(axis, dim, a.ndim, "min")
    _check_not_empty(a.data, axes, "min")
    return Min.apply(a, axis=axes, keepdims=keepdims)


def logsumexp(a, axis=None, keepdims=False, dim=None):
    """log(sum(exp(a))) over ``axis``, without overflow (the max is factored out)."""
    a = to_float(a)  # integers become the default float dtype, as in PyTorch
    return LogSumExp.apply(a, axis=normalize_axis(axis, dim, a.ndim, "logsumexp"), keepdims=keepdims)


def argmax(a, axis=None, dim=None):
    """Index of the largest value (an int64 tensor, no gradient)."""
    axes = normalize_axis(axis, dim, a.ndim, "argmax")
    if axes is not None and len(axes) != 1:
        raise ValueError(f"argmax: give one axis (or None for the whole tensor), got {axis if dim is None else dim!r}")
    _check_not_empty(a.data, axes, "argmax")
    return constant(a.data.argmax(axis=None if axes is None else axes[0]), a)


def argmin(a, axis=None, dim=None):
    """Index of the smallest value (an int64 tensor, no gradient)."""
    axes = normalize_axis(axis, dim, a.ndim, "argmin")
    if axes is not None and len(axes) != 1:
        raise ValueError(f"argmin: give one axis (or None for the whole tensor), got {axis if dim is None else dim!r}")
    _check_not_empty(a.data, axes, "argmin")
    return constant(a.data.argmin(axis=None if axes is None else axes[0]), a)
