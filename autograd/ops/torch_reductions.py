"""The reductions under PyTorch's argument names, and the paired statistics std_mean and var_mean.

``F.sum(x, dim=1, keepdim=True, dtype=...)`` reads as in PyTorch; NumPy's
``axis=`` and ``keepdims=`` stay accepted. Each function only translates its
arguments and calls the op in ``reductions.py``, where the forward and backward
live; ``amax``/``amin`` are PyTorch's names for ``max``/``min`` over dims (tied
maxima share the gradient equally), and ``max(x, dim)``/``min(x, dim)`` give
``(values, indices)`` as ``torch.max``/``torch.min`` do.
"""

import numpy as np

from ..tensor import Tensor
from . import reductions as _r
from .elementwise import maximum, minimum
from .sorting import max_dim, min_dim


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Sum over ``dim`` (an int, a tuple, or None for all); ``dtype`` converts first (as PyTorch)."""
    if dtype is not None:
        input = input.astype(dtype)
    return _r.sum(input, axis, keepdim if keepdims is None else keepdims, dim=dim)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Average over ``dim``; ``dtype`` converts first."""
    if dtype is not None:
        input = input.astype(dtype)
    return _r.mean(input, axis, keepdim if keepdims is None else keepdims, dim=dim)


def _correction(correction, unbiased):
    if unbiased is None:
        return correction
    return 1 if unbiased else 0


def var(input, dim=None, keepdim=False, *, correction=0, unbiased=None, axis=None, keepdims=None):
    """Variance sum((x - mean)^2) / (n - correction); the population variance (correction=0) unless told
    (PyTorch's default is correction=1: pass correction=1 or unbiased=True for the sample variance)."""
    return _r.var(
        input, axis, keepdim if keepdims is None else keepdims, dim=dim, correction=_correction(correction, unbiased)
    )


def std(input, dim=None, keepdim=False, *, correction=0, unbiased=None, axis=None, keepdims=None):
    """Standard deviation sqrt(var) (population by default, as ``var``)."""
    return _r.std(
        input, axis, keepdim if keepdims is None else keepdims, dim=dim, correction=_correction(correction, unbiased)
    )


def var_mean(input, dim=None, keepdim=False, *, correction=0, unbiased=None, axis=None, keepdims=None):
    """``(var, mean)`` over ``dim`` in one call (as ``torch.var_mean``; correction=0 by default, as ``var``)."""
    kw = dict(correction=correction, unbiased=unbiased, axis=axis, keepdims=keepdims)
    return var(input, dim, keepdim, **kw), mean(input, dim, keepdim, axis=axis, keepdims=keepdims)


def std_mean(input, dim=None, keepdim=False, *, correction=0, unbiased=None, axis=None, keepdims=None):
    """``(std, mean)`` over ``dim`` in one call (as ``torch.std_mean``; correction=0 by default, as ``std``)."""
    kw = dict(correction=correction, unbiased=unbiased, axis=axis, keepdims=keepdims)
    return std(input, dim, keepdim, **kw), mean(input, dim, keepdim, axis=axis, keepdims=keepdims)


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """As ``torch.max``: ``max(x)`` the largest value (tied maxima share the gradient equally);
    ``max(x, 1)`` (one int dim) PyTorch's ``(values, indices)`` along it, each value's gradient
    going to its index. NumPy's ``axis=`` (any dims) gives the values only, as ``amax``.
    ``max(a, b)`` with two tensors is the elementwise ``maximum``, as in PyTorch."""
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if axis is None and isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return max_dim(input, dim, keepdim if keepdims is None else keepdims)
    return _r.max(input, axis, keepdim if keepdims is None else keepdims, dim=dim)


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """As ``torch.min``: the smallest value, or ``(values, indices)`` along one int ``dim``; ``axis=`` as ``amin``;
    ``min(a, b)`` with two tensors is the elementwise ``minimum``."""
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    if axis is None and isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return min_dim(input, dim, keepdim if keepdims is None else keepdims)
    return _r.min(input, axis, keepdim if keepdims is None else keepdims, dim=dim)


def amax(input, dim=(), keepdim=False):
    """The largest value over ``dim`` (all dims when empty), as ``torch.amax``."""
    return _r.max(input, None if dim == () else dim, keepdim)


def amin(input, dim=(), keepdim=False):
    """The smallest value over ``dim`` (all dims when empty), as ``torch.amin``."""
    return _r.min(input, None if dim == () else dim, keepdim)


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """log(sum(exp(x))) over ``dim``, without overflow."""
    return _r.logsumexp(input, axis, keepdim if keepdims is None else keepdims, dim=dim)


def argmax(input, dim=None, keepdim=False, *, axis=None):
    """The index of the largest value (over the flattened tensor when dim is None); no gradient."""
    out = _r.argmax(input, axis, dim=dim)
    return _keep_index(out, input, axis if dim is None else dim, keepdim)


def argmin(input, dim=None, keepdim=False, *, axis=None):
    """The index of the smallest value; no gradient."""
    out = _r.argmin(input, axis, dim=dim)
    return _keep_index(out, input, axis if dim is None else dim, keepdim)


def _keep_index(out, input, dim, keepdim):
    if not keepdim:
        return out
    if dim is None:
        return out.reshape((1,) * input.ndim)
    return out.unsqueeze(dim % input.ndim if input.ndim else 0)
