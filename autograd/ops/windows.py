"""Sliding windows: the geometry shared by convolution and pooling, and its two linear ops.

An image of height H, padded by p on each side, seen through a k-tall window
that moves by stride s and spreads its taps by dilation d, gives

    out_height = floor((H + 2p - d(k - 1) - 1) / s) + 1      (ceil instead of floor in ceil_mode)

``windows()`` returns every window as a strided *view* (no copy). Two ops move
values through windows and are each other's adjoint (the backward of one is
the other), so pooling is differentiable to any order:

* ``WindowGather``:  y[n,c,i,j] = sum_{k,l} x[n,c, i*s + k*d, j*s + l*d] * W[n,c,i,j,k,l]
* ``WindowScatter``: x[n,c, i*s + k*d, j*s + l*d] += y[n,c,i,j] * W[n,c,i,j,k,l]

Both work one kernel offset (k, l) at a time: a few vectorised multiply-adds,
never a loop over pixels. ``W`` may be a bool mask (max pooling's winners),
read as 0/1 weights.

Memory layout: a convolution's output is channel-major in memory (its (N, C, H, W)
view of a (C, N, H, W) array, see conv.py). Padding and the scatter allocate their
results in the memory order of what they read (``empty_like_order``), so a
conv -> ReLU -> pool -> conv chain and its backward stay in one layout: every
elementwise pass then reads and writes contiguous runs, and conv2d's backward
reads dL/dy as a matrix without a transposing copy.
"""

from dataclasses import dataclass

import numpy as np

from ..function import Function
from . import workspace


def _whole(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def as_pair(v, what):
    """``3`` -> ``(3, 3)``; a pair stays a pair (the height and width of a kernel, stride...).

    Sizes count pixels, so anything but whole numbers is refused (``stride=1.5``
    would otherwise fail deep inside NumPy, or be truncated without a word).
    """
    if _whole(v):
        return (int(v), int(v))
    if not (isinstance(v, (tuple, list)) and len(v) == 2 and all(_whole(i) for i in v)):
        name = what.rsplit(" ", 1)[-1]
        raise TypeError(
            f"{what} must be a whole number or a pair of them (height, width), got {v!r}; "
            f"write e.g. {name}=2 or {name}=(2, 1)"
        )
    return (int(v[0]), int(v[1]))


def memory_order(a):
    """The axes of ``a`` from the slowest-varying in memory to the fastest; None if an axis is broadcast.

    A C-ordered (N, C, H, W) array gives [0, 1, 2, 3]; the channel-major output of
    conv2d gives [1, 0, 2, 3]. Ties (size-1 axes) keep their order.
    """
    if 0 in a.strides:
        return None
    return sorted(range(a.ndim), key=lambda axis: -abs(a.strides[axis]))


def empty_like_order(xp, order, shape, dtype, lead=()):
    """An uninitialised array of ``lead + shape`` whose ``shape`` axes lie in memory as ``order`` says.

    ``order`` comes from ``memory_order`` (None: C order). The ``lead`` axes come
    first in memory: ``lead=(KH, KW)`` gives one block per kernel offset. Large
    arrays come from the ``workspace`` (kept across training steps).
    """
    if order is None:
        return workspace.empty(xp, tuple(lead) + tuple(shape), dtype)
    buf = workspace.empty(xp, tuple(lead) + tuple(shape[axis] for axis in order), dtype)
    k = len(lead)
    return buf.transpose(tuple(range(k)) + tuple(k + order.index(axis) for axis in range(len(shape))))


def copy_in_order(xp, a, order):
    """A copy of ``a`` laid out in memory as ``order`` says (see ``memory_order``)."""
    out = empty_like_order(xp, order, a.shape, a.dtype)
    out[...] = a
    return out


@dataclass(frozen=True)
class Geometry:
    """Where the windows of a 2-D convolution or pooling fall on an (H, W) image."""

    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    in_size: tuple  # (H, W) before padding
    out_size: tuple  # (OH, OW)
    pad_end: tuple  # padding after the image (bottom, right): >= padding in ceil_mode

    @classmethod
    def of(cls, op, in_size, kernel, stride=None, padding=0, dilation=1, ceil_mode=False):
        """The geometry for an (H, W) input; ``op`` names the caller in error messages."""
        kernel = as_pair(kernel, f"{op}: kernel_size")
        stride = as_pair(kernel if stride is None else stride, f"{op}: stride")
        padding, dilation = as_pair(padding, f"{op}: padding"), as_pair(dilation, f"{op}: dilation")
        out, pad_end = [], []
        for n, k, s, p, d in zip(in_size, kernel, stride, padding, dilation):
            if s < 1 or d < 1 or k < 1 or p < 0:
                raise ValueError(
                    f"{op}: kernel_size, stride and dilation must be >= 1 and padding >= 0, got "
                    f"kernel_size={kernel}, stride={stride}, padding={padding}, dilation={dilation}"
                )
            span = d * (k - 1) + 1
            room = n + 2 * p - span
            if room < 0:
                raise ValueError(
                    f"{op}: a {k}x{k} window (dilation {d}) does not fit an input of size {n} with padding {p}; "
                    f"use a smaller kernel or more padding"
                )
            o = (-(-room // s) if ceil_mode else room // s) + 1
            if ceil_mode and (o - 1) * s >= n + p:  # the last window must start inside the image or its padding
                o -= 1
            out.append(o)
            pad_end.append(max(p, (o - 1) * s + span - n - p))
        return cls(kernel, stride, padding, dilation, tuple(in_size), tuple(out), tuple(pad_end))

    def pad(self, xp, x, value=0.0):
        """``x`` (N, C, H, W) with the padding added (a copy in x's memory order), or ``x`` itself when none is needed."""
        (pt, pl), (pb, pr), (h, w) = self.padding, self.pad_end, x.shape[2:]
        if not (pt or pl or pb or pr):
            return x
        out = empty_like_order(xp, memory_order(x), (x.shape[0], x.shape[1], h + pt + pb, w + pl + pr), x.dtype)
        out.fill(value)
        out[:, :, pt : pt + h, pl : pl + w] = x
        return out

    def windows(self, backend, xpad):
        """Every window of the padded input, as a view of shape (N, C, OH, OW, KH, KW)."""
        (kh, kw), (sh, sw), (dh, dw), (oh, ow) = self.kernel, self.stride, self.dilation, self.out_size
        span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
        win = backend.sliding_windows(xpad, span, axis=(2, 3))
        return win[:, :, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, ::dh, ::dw]

    def tiles(self):
        """True when the windows tile the padded image exactly: each pixel lies in exactly one window.

        That is stride == kernel, dilation 1, and no rows or columns left over
        (max pooling 2x2 with stride 2 on an even-sized image, for example).
        """
        (kh, kw), (oh, ow), (h, w) = self.kernel, self.out_size, self.in_size
        (pt, pl), (pb, pr) = self.padding, self.pad_end
        return (
            self.stride == self.kernel and self.dilation == (1, 1) and oh * kh == h + pt + pb and ow * kw == w + pl + pr
        )

    def gather(self, backend, x, weights):
        """y[n,c,i,j] = sum_{k,l} window (i, j)'s tap (k, l) of x, times weights[..., k, l]; x is padded already."""
        win = self.windows(backend, x)
        y = None
        for k in range(self.kernel[0]):  # one vectorised multiply-add per kernel offset
            for l in range(self.kernel[1]):
                term = win[..., k, l] * weights[..., k, l]
                y = term if y is None else backend.xp.add(y, term, out=y)
        return y

    def scatter(self, xp, cols, shape, dtype, weights=None):
        """Add each window's values back to where they came from; the inverse geometry of ``windows``.

        ``cols`` (and ``weights``, if given, multiplied in) have shape
        (N, C, OH, OW, KH, KW); returns (N, C, H, W), in the memory order of
        ``weights`` (else of ``cols``) so that each offset's adds run along
        contiguous rows of both.
        When the windows tile the image, no two windows share a pixel, so each
        offset's values are written (not added) into an uninitialised buffer:
        no zero-filling and no read-modify-write.
        """
        (kh, kw), (sh, sw), (dh, dw), (oh, ow) = self.kernel, self.stride, self.dilation, self.out_size
        (pt, pl), (pb, pr), (h, w) = self.padding, self.pad_end, self.in_size
        tiles = self.tiles()
        order = None if weights is None else memory_order(weights[..., 0, 0])
        order = memory_order(cols[..., 0, 0]) if order is None else order
        out = empty_like_order(xp, order, (shape[0], shape[1], h + pt + pb, w + pl + pr), dtype)
        if not tiles:
            out.fill(0)
        for i in range(kh):  # one vectorised add (or write) per kernel offset
            for j in range(kw):
                target = out[:, :, i * dh : i * dh + (oh - 1) * sh + 1 : sh, j * dw : j * dw + (ow - 1) * sw + 1 : sw]
                values = cols[..., i, j]
                if weights is None:
                    if tiles:
                        target[...] = values
                    else:
                        target += values
                elif tiles:
                    xp.multiply(values, weights[..., i, j], out=target)
                else:
                    target += values * weights[..., i, j]
        return out[:, :, pt : pt + h, pl : pl + w]


class WindowGather(Function):
    """y = sum over each window of x * W  ->  dL/dx = WindowScatter(dL/dy, W)"""

    name = "window_gather"

    def forward(self, x, geometry=None, weights=None, label=None):
        self.geometry, self.weights, self.label = geometry, weights, label
        return geometry.gather(self.backend, geometry.pad(self.backend.xp, x), weights)

    def backward(self, grad):
        return WindowScatter.apply(grad, geometry=self.geometry, weights=self.weights, shape=self.inputs[0].shape)


class WindowScatter(Function):
    """x = each y spread over its window, weighted by W  ->  dL/dy = WindowGather(dL/dx, W)"""

    name = "window_scatter"

    def forward(self, y, geometry=None, weights=None, shape=None):
        self.geometry, self.weights = geometry, weights
        xp = self.backend.xp
        order = None if weights is None else memory_order(weights[..., 0, 0])
        if order is not None and memory_order(y) != order:
            # y is read once per kernel offset, beside weights and the output (in weights' memory
            # order): one copy of y into that order first is cheaper than KH*KW mismatched reads.
            # (Max-pool's gradient arrives C-ordered from a flatten; its mask is channel-major.)
            y = copy_in_order(xp, y, order)
        cols = xp.broadcast_to(y[..., None, None], y.shape + geometry.kernel)  # y at every tap, a view
        return geometry.scatter(xp, cols, shape, y.dtype, weights)

    def backward(self, grad):
        return WindowGather.apply(grad, geometry=self.geometry, weights=self.weights)
