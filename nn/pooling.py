"""Pooling layers: ``MaxPool2d`` and ``AvgPool2d`` (no parameters)."""

import autograd.functional as F

from .linear import as_input
from .module import Module

__all__ = ["AvgPool2d", "MaxPool2d"]


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode

    def _check(self, x):
        x = as_input(x)
        if x.ndim != 4:
            raise ValueError(
                f"{self._display_name()} expects images of shape (batch, channels, height, width), "
                f"got an input of shape {tuple(x.shape)}"
            )
        return x

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_Pool2d):
    """Max pooling: out[n, c, i, j] = max over the k x k window at (s*i - p, s*j - p).

    ``MaxPool2d(kernel_size, stride=None, padding=0, ceil_mode=False)``; stride
    defaults to kernel_size. Padding counts as -infinity. The gradient flows
    only to the position of each window's maximum.
    """

    def forward(self, x):
        return F.max_pool2d(self._check(x), self.kernel_size, self.stride, self.padding, self.ceil_mode)


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
