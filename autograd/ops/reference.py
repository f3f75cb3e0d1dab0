"""Loop-based reference versions of conv2d and pooling, to read line by line (and to test against).

These follow the lecture formulas literally, one output pixel at a time, on
NumPy arrays. They are slow on purpose: the fast, vectorised versions in
``conv.py`` and ``pool.py`` must give the same numbers, and the tests check
that they do.

    y[n, o, i, j] = b[o] + sum_{c, k, l} x_pad[n, c, i*s + k*d, j*s + l*d] * w[o, c, k, l]

>>> x = np.arange(16.0).reshape(1, 1, 4, 4)
>>> w = np.ones((1, 1, 2, 2))
>>> conv2d(x, w)[0, 0]                  # each output is the sum of a 2x2 window
array([[10., 14., 18.],
       [26., 30., 34.],
       [42., 46., 50.]])
"""

import math

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def output_size(size, kernel, stride, padding, dilation=1, ceil_mode=False):
    """How many window positions fit along one axis: floor((size + 2p - d(k-1) - 1) / s) + 1."""
    span = dilation * (kernel - 1) + 1
    steps = (size + 2 * padding - span) / stride
    out = (math.ceil(steps) if ceil_mode else math.floor(steps)) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:  # a window may not start in the right padding only
        out -= 1
    return out


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    """Cross-correlation of images ``x`` (N, C, H, W) with kernels ``w`` (O, C, KH, KW), plus bias (O,)."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n_images, channels, height, width = x.shape
    n_kernels, _, kh, kw = w.shape
    x_pad = np.zeros((n_images, channels, height + 2 * ph, width + 2 * pw), dtype=x.dtype)
    x_pad[:, :, ph : ph + height, pw : pw + width] = x
    out_h = output_size(height, kh, sh, ph, dh)
    out_w = output_size(width, kw, sw, pw, dw)
    y = np.zeros((n_images, n_kernels, out_h, out_w), dtype=x.dtype)
    for n in range(n_images):
        for o in range(n_kernels):
            for i in range(out_h):
                for j in range(out_w):
                    total = 0.0 if b is None else b[o]
                    for c in range(channels):
                        for k in range(kh):
                            for l in range(kw):
                                total += x_pad[n, c, i * sh + k * dh, j * sw + l * dw] * w[o, c, k, l]
                    y[n, o, i, j] = total
    return y


def _pool(x, kernel_size, stride, padding, ceil_mode, combine):
    """Apply ``combine(values, window_bounds)`` to every window; the shared loop of both poolings."""
    (kh, kw) = _pair(kernel_size)
    (sh, sw) = _pair(kernel_size if stride is None else stride)
    (ph, pw) = _pair(padding)
    n_images, channels, height, width = x.shape
    out_h = output_size(height, kh, sh, ph, 1, ceil_mode)
    out_w = output_size(width, kw, sw, pw, 1, ceil_mode)
    y = np.zeros((n_images, channels, out_h, out_w), dtype=x.dtype)
    for n in range(n_images):
        for c in range(channels):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * sh - ph, j * sw - pw  # window corner in unpadded coordinates
                    bottom, right = top + kh, left + kw
                    inside = x[n, c, max(top, 0) : min(bottom, height), max(left, 0) : min(right, width)]
                    y[n, c, i, j] = combine(inside, (top, left, bottom, right))
    return y


def max_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False):
    """The largest value of each window (padding never wins: it counts as -infinity)."""
    return _pool(x, kernel_size, stride, padding, ceil_mode, lambda values, _: values.max())


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window; with ``count_include_pad`` the divisor counts padding cells too.

    A ``ceil_mode`` window that hangs past the padding never counts those cells.
    """
    (ph, pw) = _pair(padding)
    height, width = x.shape[2:]

    def mean(values, bounds):
        top, left, bottom, right = bounds
        if count_include_pad:  # the window, clipped to the padded image
            rows = min(bottom, height + ph) - max(top, -ph)
            cols = min(right, width + pw) - max(left, -pw)
            return values.sum() / (rows * cols)
        return values.sum() / values.size

    return _pool(x, kernel_size, stride, padding, ceil_mode, mean)
