"""Making tensors: zeros, ones, full, arange, eye, rand, randn and the ``*_like`` forms.

Random tensors come from the device's own generator; ``manual_seed(n)`` restarts
every device's generator, so runs repeat exactly.
"""

import numpy as np

from . import backend as _backend
from .dtypes import get_default_dtype, to_dtype
from .tensor import Tensor


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _wrap(data, requires_grad, name=None):
    t = Tensor._make(data, _backend.backend_of_array(data), False, None)
    t.name = name
    return t.requires_grad_(True) if requires_grad else t


def _make(fill, shape, dtype, device, requires_grad, name=None):
    b = _backend.get_backend(device)
    return _wrap(fill(b.xp, _shape(shape), to_dtype(dtype) or get_default_dtype()), requires_grad, name)


def zeros(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _make(lambda xp, s, d: xp.zeros(s, dtype=d), shape, dtype, device, requires_grad, name)


def ones(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """A tensor of ones."""
    return _make(lambda xp, s, d: xp.ones(s, dtype=d), shape, dtype, device, requires_grad, name)


def full(shape, fill_value, dtype=None, device=None, requires_grad=False, name=None):
    """A tensor of ``shape`` filled with ``fill_value``."""
    return _make(lambda xp, s, d: xp.full(s, fill_value, dtype=d), (shape,), dtype, device, requires_grad, name)


def eye(n, m=None, dtype=None, device=None, requires_grad=False, name=None):
    """The n x m identity matrix (ones on the diagonal)."""
    return _make(lambda xp, s, d: xp.eye(n, m, dtype=d), (), dtype, device, requires_grad, name)


def arange(start, stop=None, step=1, dtype=None, device=None, requires_grad=False, name=None):
    """Evenly spaced values in [start, stop): integers give int64, floats the default dtype."""
    if stop is None:
        start, stop = 0, start
    floaty = any(isinstance(v, float) for v in (start, stop, step))
    dtype = to_dtype(dtype) or (get_default_dtype() if floaty else np.dtype(np.int64))
    b = _backend.get_backend(device)
    return _wrap(b.xp.arange(start, stop, step, dtype=dtype), requires_grad, name)


def rand(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """Uniform random numbers in [0, 1)."""
    b = _backend.get_backend(device)
    dtype = to_dtype(dtype) or get_default_dtype()
    return _wrap(b.random().random(_shape(shape), dtype=dtype), requires_grad, name)


def randn(*shape, dtype=None, device=None, requires_grad=False, name=None):
    """Standard normal random numbers (mean 0, standard deviation 1)."""
    b = _backend.get_backend(device)
    dtype = to_dtype(dtype) or get_default_dtype()
    return _wrap(b.random().standard_normal(_shape(shape), dtype=dtype), requires_grad, name)


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
