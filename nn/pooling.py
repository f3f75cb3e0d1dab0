"""Pooling layers (no parameters): max, average, adaptive, and unpooling."""

import autograd.functional as F
from autograd.ops.windows import as_pair

from .linear import as_input
from .module import Module

__all__ = ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AvgPool2d", "MaxPool2d", "MaxUnpool2d"]


def _images(layer, x):
    x = as_input(x)
    if x.ndim != 4:
        raise ValueError(
            f"{layer._display_name()} expects images of shape (batch, channels, height, width), "
            f"got an input of shape {tuple(x.shape)}"
        )
    return x


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode

    def _check(self, x):
        return _images(self, x)

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_Pool2d):
    """Max pooling: out[n, c, i, j] = max over the k x k window at (s*i - p, s*j - p), taps d apart.

    ``MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)``
    (PyTorch's order); stride defaults to kernel_size. Padding counts as
    -infinity. The gradient flows only to the position of each window's
    maximum. ``return_indices=True`` also returns those positions, for ``MaxUnpool2d``.
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        if isinstance(dilation, bool):
            raise TypeError(
                f"MaxPool2d: the 4th argument is dilation, as in PyTorch's MaxPool2d(kernel_size, stride, padding, "
                f"dilation, return_indices, ceil_mode), got {dilation}; pass ceil_mode={dilation} by keyword"
            )
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.dilation, self.return_indices = dilation, return_indices

    def forward(self, x):
        return F.max_pool2d(
            self._check(x), self.kernel_size, self.stride, self.padding, self.dilation,
            ceil_mode=self.ceil_mode, return_indices=self.return_indices,
        )  # fmt: skip

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(_Pool2d):
    """Average pooling: out[n, c, i, j] = (1 / k^2) * sum over the k x k window at (s*i - p, s*j - p).

    ``AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)``;
    with ``count_include_pad`` the zero padding counts in the average, as in PyTorch.
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad = count_include_pad

    def forward(self, x):
        return F.avg_pool2d(
            self._check(x), self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad
        )


class MaxUnpool2d(Module):
    """The partial inverse of ``MaxPool2d``: each value back where its maximum was, zeros elsewhere.

    ``MaxUnpool2d(kernel_size, stride=None, padding=0)``; ``forward(input, indices, output_size=None)``
    with ``indices`` from ``MaxPool2d(..., return_indices=True)``. Output size
    (H - 1)*s - 2p + k per axis, or ``output_size``.
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = as_pair(kernel_size, "MaxUnpool2d: kernel_size")
        self.stride = self.kernel_size if stride is None else as_pair(stride, "MaxUnpool2d: stride")
        self.padding = as_pair(padding, "MaxUnpool2d: padding")

    def forward(self, input, indices, output_size=None):
        x = _images(self, input)
        return F.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size (see ``F.adaptive_avg_pool2d``).

    Output cell i on an axis of size n pooled to m averages input cells
    floor(i*n/m) .. ceil((i+1)*n/m) - 1. ``AdaptiveAvgPool2d(1)`` is global
    average pooling: one number per channel.
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return F.adaptive_avg_pool2d(as_input(x), self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size (windows as ``AdaptiveAvgPool2d``), as ``torch.nn.AdaptiveMaxPool2d``."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x):
        return F.adaptive_max_pool2d(as_input(x), self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"
