"""Gradient checking: compare backward() with central differences, in float64.

For a random upstream gradient v (never all ones, so a backward that ignores its
incoming gradient fails), the analytic vector-Jacobian product
v . d f / d x is compared element by element with

    ( v . f(x + eps e_i) - v . f(x - eps e_i) ) / (2 eps)
"""

import numpy as np

from .grad import grad as _grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """backward() disagrees with the numerical derivative."""


def _outputs(fn, inputs):
    out = fn(*inputs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _random_like(t, rng):
    return Tensor(rng.standard_normal(t.shape), dtype=t.dtype, device=t.device)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_exception=True):
    """Check ``fn``'s backward against central differences; True if they agree.

    ``inputs`` are float64 tensors; those with ``requires_grad`` are checked.
    On failure the error names the input, the index of the worst element and
    the analytic and numerical values.
    """
    inputs = list(inputs)
    _require_float64(inputs, "gradcheck")
    rng = np.random.default_rng(seed)
    outs = _outputs(fn, inputs)
    vs = [_random_like(o, rng) for o in outs]
    checked = [(i, t) for i, t in enumerate(inputs) if t.requires_grad]
    live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]  # a constant output adds 0
    if live:
        analytic = _grad(
            [o for o, _ in live], [t for _, t in checked], grad_outputs=[v for _, v in live], allow_unused=True
        )
    else:
        analytic = [None] * len(checked)

    def weighted(*xs):
        return sum(float((o.numpy() * v.numpy()).sum()) for o, v in zip(_outputs(fn, xs), vs))

    for (position, t), a in zip(checked, analytic):
        a = np.zeros(t.shape) if a is None else a.numpy()
        numeric = np.zeros(t.shape)
        for index in np.ndindex(*t.shape):  # indexing t.data in place works for any memory layout
            old = t.data[index].item()
            t.data[index] = old + eps
            plus = weighted(*inputs)
            t.data[index] = old - eps
            minus = weighted(*inputs)
            t.data[index] = old
            numeric[index] = (plus - minus) / (2 * eps)
        error = np.abs(a - numeric) - (atol + rtol * np.abs(numeric))
        if error.size and error.max() > 0:
            worst = tuple(int(i) for i in np.unravel_index(int(error.argmax()), t.shape))
            msg = (
                f"gradcheck failed for input {position}"
                f"{f' ({t.name!r})' if t.name else ''} of shape {t.shape}: at index {worst} "
                f"backward gives {a[worst]:.8g} but central differences give {numeric[worst]:.8g}"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_exception=True):
    """Check second derivatives: gradcheck of x -> d(v . fn(x))/dx built with create_graph=True."""
    inputs = list(inputs)
    _require_float64(inputs, "gradgradcheck")
    rng = np.random.default_rng(seed + 1)
    vs = [_random_like(o, rng) for o in _outputs(fn, inputs)]
    positions = [i for i, t in enumerate(inputs) if t.requires_grad]

    def first_derivative(*xs):
        outs = _outputs(fn, xs)
        grads = _grad(outs, [xs[i] for i in positions], grad_outputs=vs, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else xs[i] * 0.0 for g, i in zip(grads, positions))

    return gradcheck(first_derivative, inputs, eps, atol, rtol, seed, raise_exception)


def _require_float64(inputs, name):
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}: inputs must be Tensors, got {type(t).__name__}")
        if t.requires_grad and t.dtype != np.float64:
            raise TypeError(f"{name}: use float64 inputs for a trustworthy check, got {t.dtype}")
