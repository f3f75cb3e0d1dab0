"""Tests and logic on tensors: isnan, isinf, isfinite, isclose, logical_and/or/not/xor, any, all,
and the operators &, |, ^, ~ (``(x > a) & (x < b)``).

Their results are booleans: they carry no gradient (a yes/no answer has no slope).
"""

import numpy as np

from ..tensor import Tensor
from ._util import check_broadcast, constant, kept_shape, normalize_axis, pair
from .elementwise import where as _where


def isnan(input):
    """True where x is NaN (not a number)."""
    return constant(input._backend.xp.isnan(input.data), input)


def isinf(input):
    """True where x is +inf or -inf."""
    return constant(input._backend.xp.isinf(input.data), input)


def isfinite(input):
    """True where x is neither NaN nor infinite."""
    return constant(input._backend.xp.isfinite(input.data), input)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where |a - b| <= atol + rtol * |b| (elementwise, broadcasting), as ``torch.isclose``."""
    a, b = pair(input, other)
    check_broadcast("isclose", a.shape, b.shape)
    return constant(a._backend.xp.isclose(a.data, b.data, rtol=rtol, atol=atol, equal_nan=equal_nan), a)


def _logical(name, input, other):
    a, b = pair(input, other)
    check_broadcast(name, a.shape, b.shape)
    return constant(getattr(a._backend.xp, name)(a.data, b.data), a)


def logical_and(input, other):
    """True where both are nonzero."""
    return _logical("logical_and", input, other)


def logical_or(input, other):
    """True where either is nonzero."""
    return _logical("logical_or", input, other)


def logical_xor(input, other):
    """True where exactly one is nonzero."""
    return _logical("logical_xor", input, other)


def logical_not(input):
    """True where x is zero (False)."""
    return constant(input._backend.xp.logical_not(input.data), input)


_OPERATOR = {"bitwise_and": "&", "bitwise_or": "|", "bitwise_xor": "^", "invert": "~"}


def bitwise(name, input, other=None):
    """``a & b``, ``a | b``, ``a ^ b``, ``~a`` on bool (logical) or integer (bitwise) tensors."""
    operands = (input,) if other is None else pair(input, other)
    for t in operands:
        if t.dtype.kind not in "biu":
            symbol = _OPERATOR[name]
            raise TypeError(
                f"'{symbol}' works on bool or integer tensors, not {t.dtype}. To combine conditions on "
                f"numbers, compare first: (x > a) & (x < b); for a float mask use x.bool() "
                f"(or F.logical_{'not' if name == 'invert' else name.split('_')[1]})."
            )
    xp = operands[0]._backend.xp
    if other is None:
        return constant(xp.invert(input.data), input)
    check_broadcast(f"'{_OPERATOR[name]}'", operands[0].shape, operands[1].shape)
    return constant(getattr(xp, name)(operands[0].data, operands[1].data), operands[0])


def _truth(name, input, dim, keepdim, axis):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(input).__name__}")
    axes = normalize_axis(axis, dim, input.ndim, name)
    out = getattr(input.data, name)(axis=axes, keepdims=bool(keepdim))
    if keepdim and axes is None:
        out = out.reshape(kept_shape(input.shape, None))
    return constant(out, input)


def any(input, dim=None, keepdim=False, *, axis=None):
    """True where some element along ``dim`` is nonzero (all dims when None): a bool tensor."""
    return _truth("any", input, dim, keepdim, axis)


def all(input, dim=None, keepdim=False, *, axis=None):
    """True where every element along ``dim`` is nonzero (all dims when None): a bool tensor."""
    return _truth("all", input, dim, keepdim, axis)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, ``other`` elsewhere (broadcasting); either may be a number.

    dL/dinput = dL/dy where the condition holds, dL/dother = dL/dy elsewhere (the condition
    carries no gradient). With two numbers the result is made on the condition's device, with
    PyTorch's dtype: int64 for ints, the default float for floats. ``where(condition)`` alone
    is ``nonzero(condition, as_tuple=True)``, as in PyTorch.
    """
    if input is None and other is None:
        from .gather import nonzero

        if not isinstance(condition, Tensor):
            raise TypeError(f"where(condition): condition must be a Tensor, got {type(condition).__name__}")
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where: give both values, where(condition, input, other), or only the condition")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        from ..factories import fill_dtype

        device = condition.device if isinstance(condition, Tensor) else None
        dtype = np.result_type(fill_dtype(input), fill_dtype(other))
        input = Tensor(input, dtype=dtype, device=device)
    return _where(condition, input, other)
