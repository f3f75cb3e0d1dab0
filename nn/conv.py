"""The 2-D convolution layer: ``Conv2d``."""

import autograd.functional as F
from autograd.ops.windows import as_pair

from .linear import _new_parameter, as_input, reset_torch_default
from .module import Module

__all__ = ["Conv2d"]


class Conv2d(Module):
    """A 2-D convolution (cross-correlation, as in every framework) over NCHW images.

    out[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * x[n, c, s*i + d*u - p, s*j + d*v - p]

    with stride s, dilation d and zero padding p. ``weight`` has shape
    ``(out_channels, in_channels, kh, kw)`` and ``bias`` ``(out_channels,)``;
    output size per axis: floor((H + 2p - d*(k - 1) - 1) / s) + 1.
    Initialised as PyTorch does: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
    fan_in = in_channels * kh * kw.
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        bias=True,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = as_pair(kernel_size, "Conv2d: kernel_size")
        self.stride = as_pair(stride, "Conv2d: stride")
        self.padding = as_pair(padding, "Conv2d: padding")
        self.dilation = as_pair(dilation, "Conv2d: dilation")
        self.weight = _new_parameter((self.out_channels, self.in_channels, *self.kernel_size), device, dtype)
        if bias:
            self.bias = _new_parameter((self.out_channels,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh weights and biases with PyTorch's default initialisation."""
        reset_torch_default(self.weight, self.bias)

    def forward(self, x):
        x = as_input(x)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"{self._display_name()} expects images of shape (batch, in_channels={self.in_channels}, "
                f"height, width), but got an input of shape {tuple(x.shape)}. "
                + ("Add a batch axis with x.unsqueeze(0)." if x.ndim == 3 and x.shape[0] == self.in_channels else "")
            )
        return F.conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding, dilation=self.dilation)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.bias is None:
            s += ", bias=False"
        return s
