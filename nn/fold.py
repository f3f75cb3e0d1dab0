"""``Unfold`` and ``Fold``: sliding windows as columns (im2col) and back (col2im), as layers."""

import autograd.functional as F

from .linear import as_input
from .module import Module

__all__ = ["Fold", "Unfold"]


class Unfold(Module):
    """Every k x k window of (N, C, H, W) images as a column: (N, C*kh*kw, L), see ``F.unfold``.

    ``Unfold(kernel_size, dilation=1, padding=0, stride=1)``; L is the number
    of window positions. ``weight.reshape(O, -1) @ Unfold(k)(x)`` is a convolution.
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, x):
        return F.unfold(as_input(x), self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"


class Fold(Module):
    """Columns (N, C*kh*kw, L) summed back into (N, C, H, W) images, the adjoint of ``Unfold`` (``F.fold``).

    ``Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)``;
    where windows overlap, their values add up.
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, x):
        return F.fold(as_input(x), self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
            f"padding={self.padding}, stride={self.stride}"
        )
