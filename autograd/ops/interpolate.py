"""Resizing images: ``interpolate`` (nearest and (bi)linear), as ``torch.nn.functional.interpolate``.

Both modes work one axis at a time (they are separable). Output position i on
an axis resized from n to m cells reads the input at the source coordinate

    align_corners=False:  src = (i + 0.5) * n / m - 0.5   (cell centres line up; clamped at 0)
    align_corners=True:   src = i * (n - 1) / (m - 1)     (the corner cells line up)

(n / m is 1 / scale_factor when a scale factor is given.)

* nearest:  y[i] = x[floor(i * n / m)]                 (copies: blocky, exact)
* linear:   y[i] = (1 - t) x[i0] + t x[i0 + 1],  i0 = floor(src), t = src - i0

Each is built from indexing and constant weights, so the chain rule does the rest:

    y = x[idx]               ->  dL/dx = zeros, with dL/dy added at idx
    y = w0 x[i0] + w1 x[i1]  ->  dL/dx gets w0 dL/dy at i0 and w1 dL/dy at i1
"""

import math

import numpy as np

from ._util import constant

MODES = {"nearest": (3, 4, 5), "linear": (3,), "bilinear": (4,)}


def _output_sizes(op, x, size, scale_factor):
    spatial = x.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: give exactly one of size and scale_factor")
    if size is not None:
        sizes = (size,) * spatial if isinstance(size, int) else tuple(int(s) for s in size)
        if len(sizes) != spatial:
            raise ValueError(f"{op}: size {size} must have {spatial} entries for an input of shape {x.shape}")
        scales = (None,) * spatial
    else:
        scales = (scale_factor,) * spatial if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
        if len(scales) != spatial:
            raise ValueError(f"{op}: scale_factor must have {spatial} entries for an input of shape {x.shape}")
        sizes = tuple(int(math.floor(n * float(s))) for n, s in zip(x.shape[2:], scales))
    if min(sizes, default=1) < 1:
        raise ValueError(f"{op}: the output size {sizes} must be >= 1 along every axis (input shape {x.shape})")
    return sizes, scales


def _nearest_index(xp, n, m, scale):
    """floor(i * n / m), computed in float32 as PyTorch does (so the same cells are picked)."""
    step = np.float32(1.0 / scale) if scale else np.float32(n) / np.float32(m)
    i = np.arange(m, dtype=np.float32)
    return xp.asarray(np.minimum(np.floor(i * step).astype(np.int64), n - 1))


def _linear_taps(n, m, scale, align_corners, dtype):
    """Per output position: the two input cells i0, i1 it mixes and the weights (1 - t, t)."""
    i = np.arange(m, dtype=np.float64)
    if align_corners:
        src = i * ((n - 1) / (m - 1)) if m > 1 else np.zeros(m)
    else:
        step = 1.0 / scale if scale else n / m
        src = np.maximum((i + 0.5) * step - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    t = (src - i0).astype(dtype)
    return i0, i1, (1 - t), t


def _along(x, axis, index):
    return x[(slice(None),) * axis + (index,)]


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """Resize (N, C, L) or (N, C, H, W) inputs to ``size`` or by ``scale_factor``, as ``F.interpolate``.

    ``mode``: "nearest" (copy the nearest cell), "linear" (3-D input) or
    "bilinear" (4-D input); ``align_corners`` only for the linear modes (default False).
    """
    op = "interpolate"
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {', '.join(MODES)}, got {mode!r}")
    if input.ndim not in MODES[mode]:
        raise ValueError(
            f"{op}: mode {mode!r} takes inputs with {' or '.join(map(str, MODES[mode]))} axes "
            f"((N, C, L) for linear, (N, C, H, W) for bilinear), got shape {input.shape}"
        )
    if antialias:
        raise ValueError(f"{op}: antialias=True is not supported; resize without it (the default)")
    if mode == "nearest" and align_corners is not None:
        raise ValueError(f"{op}: align_corners only applies to the linear modes, not {mode!r}")
    sizes, scales = _output_sizes(op, input, size, scale_factor)
    if recompute_scale_factor:
        scales = (None,) * len(sizes)  # the output size alone sets the step, as PyTorch
    xp, out = input.backend.xp, input
    for axis, n, m, scale in zip(range(2, input.ndim), input.shape[2:], sizes, scales):
        if mode == "nearest":
            if m != n:
                out = _along(out, axis, _nearest_index(xp, n, m, scale))
            continue
        i0, i1, w0, w1 = _linear_taps(n, m, scale, bool(align_corners), input.dtype)
        shape = (m,) + (1,) * (input.ndim - 1 - axis)  # the weights broadcast along the later axes
        w0, w1 = constant(xp.asarray(w0.reshape(shape)), input), constant(xp.asarray(w1.reshape(shape)), input)
        out = _along(out, axis, xp.asarray(i0)) * w0 + _along(out, axis, xp.asarray(i1)) * w1
    return out
