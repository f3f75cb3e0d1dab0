"""Making tensors: zeros, ones, full, arange, eye, rand, randn and the ``*_like`` forms.

Random tensors come from the device's own generator; ``manual_seed(n)`` restarts
every device's generator, so runs repeat exactly.
"""

import numpy as np

from . import backend as _backend
from .dtypes import get_default_dtype, is_whole_number, to_dtype
from .tensor import Tensor


def _shape(shape, op):
    """``(2, 3)`` from ``zeros(2, 3)`` or ``zeros((2, 3))``, each size checked: a whole number >= 0."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        check_size(n, shape, op)
    return tuple(int(n) for n in shape)


def check_size(n, shape, op):
    """One size of a new tensor must count elements: a whole number, 0 or more."""
    if not is_whole_number(n):
        raise TypeError(
            f"{op}: sizes must be whole numbers, got {n!r} ({type(n).__name__}) in the shape {tuple(shape)}; "
            f"write e.g. {op}(2, 3), or round first: int(n)"
        )
    if n < 0:
        raise ValueError(
            f"{op}: sizes must be 0 or more, got {n} in the shape {tuple(shape)}; "
            f"a size counts elements (-1 means 'infer' only in reshape)"
        )


def _wrap(data, requires_grad, name=None):
    t = Tensor._make(data, _backend.backend_of_array(data), False, None)
    t.name = name
    return t.requires_grad_(True) if requires_grad else t


def _make(fill, shape, dtype, device, requires_grad, name=None, op="zeros"):
    shape = _shape(shape, op)
    b = _backend.get_backend(device)
    return _wrap(fill(b.xp, shape, to_dtype(dtype) or get_default_dtype()), requires_grad, name)


def zeros(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _make(lambda xp, s, d: xp.zeros(s, dtype=d), shape, dtype, device, requires_grad, name)


def ones(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """A tensor of ones."""
    return _make(lambda xp, s, d: xp.ones(s, dtype=d), shape, dtype, device, requires_grad, name, "ones")


def full(shape, fill_value, dtype=None, device=None, requires_grad=False, name=None):
    """A tensor of ``shape`` filled with ``fill_value``."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"full: shape must be a tuple of sizes such as (2, 3), got {shape!r} ({type(shape).__name__})")
    return _make(
        lambda xp, s, d: xp.full(s, fill_value, dtype=d),
        (tuple(shape),),
        dtype or fill_dtype(fill_value),
        device,
        requires_grad,
        name,
        "full",
    )


def eye(n, m=None, dtype=None, device=None, requires_grad=False, name=None):
    """The n x m identity matrix (ones on the diagonal)."""
    check_size(n, (n, n if m is None else m), "eye")
    if m is not None:
        check_size(m, (n, m), "eye")
    return _make(lambda xp, s, d: xp.eye(n, m, dtype=d), (), dtype, device, requires_grad, name, "eye")


def arange(start, stop=None, step=1, dtype=None, device=None, requires_grad=False, name=None):
    """Evenly spaced values in [start, stop): integers give int64, floats the default dtype."""
    if stop is None:
        start, stop = 0, start
    for label, v in (("start", start), ("end", stop), ("step", step)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v):
            raise TypeError(f"arange: {label} must be a finite number, got {v!r} ({type(v).__name__})")
    if step == 0:
        raise ValueError(f"arange: step must not be 0 (got arange({start}, {stop}, 0)); use e.g. step=1")
    floaty = any(isinstance(v, float) for v in (start, stop, step))
    dtype = to_dtype(dtype) or (get_default_dtype() if floaty else np.dtype(np.int64))
    b = _backend.get_backend(device)
    return _wrap(b.xp.arange(start, stop, step, dtype=dtype), requires_grad, name)


def rand(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """Uniform random numbers in [0, 1)."""
    b = _backend.get_backend(device)
    dtype = to_dtype(dtype) or get_default_dtype()
    return _wrap(b.random().random(_shape(shape, "rand"), dtype=dtype), requires_grad, name)


def randn(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """Standard normal random numbers (mean 0, standard deviation 1)."""
    b = _backend.get_backend(device)
    dtype = to_dtype(dtype) or get_default_dtype()
    return _wrap(b.random().standard_normal(_shape(shape, "randn"), dtype=dtype), requires_grad, name)


def zeros_like(t, dtype=None, requires_grad=False):
    """Zeros with the shape, dtype and device of ``t``."""
    return zeros(t.shape, dtype=dtype or t.dtype, device=t.device, requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    """Ones with the shape, dtype and device of ``t``."""
    return ones(t.shape, dtype=dtype or t.dtype, device=t.device, requires_grad=requires_grad)


def manual_seed(seed):
    """Make random numbers repeatable: restart the generator of every device from ``seed``."""
    _backend.cpu.manual_seed(seed)
    for b in _backend.loaded_backends():
        b.manual_seed(seed)


def fill_dtype(value):
    """The dtype ``full`` gives a fill value when none is asked for, as PyTorch: bool, int64 or the default float."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, complex):
        return np.dtype(np.complex64 if get_default_dtype() == np.float32 else np.complex128)
    return get_default_dtype()


def full_like(input, fill_value, dtype=None, requires_grad=False):
    """A tensor with the shape and device of ``input`` (and its dtype, unless ``dtype``) filled with ``fill_value``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=input.device, requires_grad=requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included (the default float dtype)."""
    check_size(steps, (steps,), "linspace")
    b = _backend.get_backend(device)
    data = b.xp.linspace(start, end, int(steps), dtype=np.float64).astype(to_dtype(dtype) or get_default_dtype())
    return _wrap(data, requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """``steps`` values from base^start to base^end, evenly spaced in the exponent."""
    check_size(steps, (steps,), "logspace")
    b = _backend.get_backend(device)
    data = b.xp.logspace(start, end, int(steps), base=base, dtype=np.float64).astype(
        to_dtype(dtype) or get_default_dtype()
    )
    return _wrap(data, requires_grad)
