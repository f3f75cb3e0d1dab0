"""In-place ops (``x += y``, ``zero_()``, ``fill_()``, ``copy_()``, ``clamp_()``) and version counters.

An in-place op writes into the tensor's own memory, so every tensor sharing
that memory sees the change, as in PyTorch: ``detach()``, ``reshape``,
transposes and slices. The rules are PyTorch's:

* ``w -= lr * w.grad`` under ``no_grad()`` updates ``w`` itself (the same
  object, still requiring grad): the hand-written gradient-descent step.
* The same on a leaf that requires grad while recording is on is an error:
  the graph would lose the value the gradient is taken at.
* On a tensor with a history (``h = x * 2; h += 1``) while recording, the op
  is recorded: ``h`` gets a new ``grad_fn`` whose input is a copy of the old
  values, and gradients flow through the old history as ``h = h + 1`` would.
* Each block of memory has a version counter (``t._version``), raised by
  every in-place op on it. A backward that needs a tensor (a recorded op's
  input or saved output) changed in place after the op was recorded raises,
  naming the op, instead of computing a wrong gradient.

The cost when nothing is changed in place: one comparison per recorded op and
per backward step (``Function.apply`` and the engine compare a clock).
"""

from __future__ import annotations

import weakref

import numpy as np

from .modes import _local


class _Clock:
    """Counts in-place changes in this process; 0 until the first one."""

    __slots__ = ("now",)

    def __init__(self):
        self.now = 0


clock = _Clock()


class _Version:
    """The counter of one block of memory: how often it changed, and when last (on ``clock``)."""

    __slots__ = ("count", "last", "ref")

    def __init__(self):
        self.count = 0
        self.last = 0


_versions = {}  # id(memory owner) -> _Version, removed when the owner is freed


def memory_of(array):
    """The array that owns ``array``'s memory (``array`` itself unless it is a view)."""
    base = getattr(array, "base", None)
    while base is not None and hasattr(base, "dtype") and hasattr(base, "shape"):
        array, base = base, getattr(base, "base", None)
    return array


def _counter(array, create=False):
    """The version counter of ``array``'s memory (None if it never changed and ``create`` is False)."""
    owner = memory_of(array)
    key = id(owner)
    v = _versions.get(key)
    if v is not None and v.ref() is owner:
        return v
    if not create:
        return None
    v = _Version()
    try:
        v.ref = weakref.ref(owner, lambda _, key=key: _versions.pop(key, None))
    except TypeError:  # e.g. a NumPy scalar: immutable, nothing can change it in place
        return None
    _versions[key] = v
    return v


def version(array):
    """How many times the memory of ``array`` was changed in place (PyTorch's ``t._version``)."""
    v = _counter(array)
    return v.count if v is not None else 0


def check_saved(fn):
    """Raise if a tensor ``fn``'s backward reads was changed in place after ``fn`` was recorded."""
    recorded = fn.recorded_at
    for i, t in enumerate(fn.inputs):
        v = _counter(t.data)
        if v is not None and v.last > recorded:
            what = f"its input {i}" + (f" '{t.name}'" if t.name else "")
            _raise_modified(fn, what, t.data.shape, t.data.dtype, v.count)
    out = getattr(fn, "out_data", None)
    if out is not None:
        v = _counter(out)
        if v is not None and v.last > recorded:
            _raise_modified(fn, "its output", out.shape, out.dtype, v.count)


def _raise_modified(fn, what, shape, dtype, count):
    raise RuntimeError(
        f"backward of '{fn.name}': {what} (shape {tuple(shape)}, {dtype}) was modified in place after it was "
        f"saved for backward (it is now at version {count}). Change it in place only after backward(), or "
        f"compute out of place (x = x + y instead of x += y)."
    )


# ---------------------------------------------------------------- the in-place ops
def apply(t, op, compute, *args, casting="same_kind"):
    """Change ``t`` in place to ``compute(t, *args)`` (an out-of-place function of Tensors); returns ``t``."""
    from .tensor import Tensor

    others_need_grad = any(isinstance(a, Tensor) and a.requires_grad for a in args)
    record = _local.modes.grad and (t.requires_grad or others_need_grad)
    if record and t.requires_grad and t._grad_fn is None:
        raise RuntimeError(
            f"{op}: a leaf Variable that requires grad is being used in an in-place operation "
            f"(shape {tuple(t.shape)}{', ' + repr(t.name) if t.name else ''}). To update parameters by hand, "
            f"do it inside `with ag.no_grad():`, e.g. `with ag.no_grad(): w -= lr * w.grad`."
        )
    if not record:
        from .grad_mode import no_grad

        with no_grad():
            result = compute(t, *args)
        _write(t, result.data, op, casting)
    else:
        # the old values, with t's history, as the input of the recorded op (a copy: t's memory is overwritten)
        old = Tensor._make(t._backend.xp.array(t.data, copy=True), t._backend, t.requires_grad, t._grad_fn)
        result = compute(old, *[old if a is t else a for a in args])
        _write(t, result.data, op, casting)
        t._grad_fn, t.requires_grad = result._grad_fn, result.requires_grad
    return t


def _write(t, values, op, casting):
    data = t.data
    instead = f"x = x {op[0]} y" if op[0] in "+-*/" else "an out-of-place op"
    if values.shape != data.shape:
        raise RuntimeError(
            f"{op}: the result has shape {tuple(values.shape)} but the tensor changed in place has shape "
            f"{tuple(data.shape)}; an in-place op cannot change a tensor's shape (use {instead} for a new tensor)"
        )
    if not np.can_cast(values.dtype, data.dtype, casting=casting):
        raise TypeError(
            f"{op}: the result is {values.dtype} but the tensor changed in place is {data.dtype}, and an in-place "
            f"op keeps the tensor's dtype. Use {instead} for a new {values.dtype} tensor, or convert x "
            f"first (x = x.float())."
        )
    if not isinstance(data, t._backend.xp.ndarray) or not getattr(data.flags, "writeable", True):
        # a NumPy scalar or a read-only broadcast view (e.g. a gradient): nothing else can see this memory change
        data = t.data = t._backend.xp.array(data, copy=True)
    v = _counter(data, create=True)
    data[...] = values
    clock.now += 1
    if v is not None:
        v.count += 1
        v.last = clock.now


def add_(t, other):
    """``t += other``."""
    from . import functional as F

    return apply(t, "+= (add_)", F.add, other)


def sub_(t, other):
    """``t -= other``."""
    from . import functional as F

    return apply(t, "-= (sub_)", F.sub, other)


def mul_(t, other):
    """``t *= other``."""
    from . import functional as F

    return apply(t, "*= (mul_)", F.mul, other)


def div_(t, other):
    """``t /= other``."""
    from . import functional as F

    return apply(t, "/= (div_)", F.div, other)


def clamp_(t, min=None, max=None):
    """``t`` limited to [min, max], in place."""
    from . import functional as F

    return apply(t, "clamp_", lambda a: F.clip(a, min, max))


def fill_(t, value):
    """Every element of ``t`` set to ``value`` (a number or a 0-d tensor); the gradient to the old values is 0."""
    return apply(t, "fill_", _replace, value, casting="unsafe")


def zero_(t):
    """Every element of ``t`` set to 0."""
    return apply(t, "zero_", _replace, 0, casting="unsafe")


def copy_(t, src):
    """The values of ``src`` (broadcast to ``t``'s shape, converted to its dtype) written into ``t``."""
    from .tensor import Tensor

    if isinstance(src, Tensor) and src._backend is not t._backend:
        src = src.to(t.device)
    return apply(t, "copy_", _replace, src, casting="unsafe")


def _replace(old, value):
    """``value`` in ``old``'s shape, as an op: the gradient reaches ``value`` and is 0 for ``old``."""
    from . import functional as F

    return F.where(False, old, value)
