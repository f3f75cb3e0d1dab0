"""Transposed convolution: the adjoint of ``conv2d``, the way back up from a small map to a big one.

conv2d maps an image x (N, C, H, W) to y (N, O, OH, OW) linearly, y = A x.
Its *transpose* A^T maps (N, O, OH, OW) back to (N, C, H, W): every input pixel
spreads its value, weighted by the kernel, over the window it would have been
read from. That is exactly conv2d's input-gradient (``Conv2dInputGrad``), so
``conv_transpose2d`` is that op with a bias, and, as every adjoint pair,

    <conv2d(x, w), y> = <x, conv_transpose2d(y, w)>.

In PyTorch's convention the transposed layer's weight is (C_in, C_out/groups, KH, KW)
(the same tensor as the conv2d it is the adjoint of) and the output size is

    H_out = (H - 1)*s - 2p + d*(k - 1) + output_padding + 1

(``output_padding`` picks among the sizes that a stride-s conv2d maps to the same H).
Backward, by the chain rule through y = A^T x + b:

    dL/dx = A dL/dy = conv2d(dL/dy, w)        dL/dw = conv2d_weight_grad(dL/dy, x)
    dL/db = dL/dy summed over n, i, j
"""

import dataclasses

from ..dtypes import require_same_dtype
from .conv import Conv2d, Conv2dInputGrad, check_groups
from .windows import Geometry, as_pair


class ConvTranspose2d(Conv2dInputGrad):
    """y = conv_transpose2d(a, b) + c = conv2d_input_grad(a, b) + c  ->  dL/da = conv2d(dL/dy, b),  dL/db = conv2d_weight_grad(dL/dy, a),  dL/dc = sum dL/dy"""

    name = "conv_transpose2d"

    def forward(self, x, w, b=None, geometry=None, x_shape=None, groups=1):
        y = super().forward(x, w, geometry=geometry, x_shape=x_shape, groups=groups)
        if b is not None:
            y += b[:, None, None]  # y is a fresh array from col2im: adding in place is safe
        return y

    def backward(self, grad):
        grad_x, grad_w = super().backward(grad)
        need = self.needs_input_grad
        grad_b = grad.sum((0, 2, 3)) if len(need) > 2 and need[2] else None
        return grad_x, grad_w, grad_b

    describe = Conv2d.describe  # the same settings to show: stride, padding, dilation (and groups)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution (the adjoint of ``conv2d``), as ``torch.nn.functional.conv_transpose2d``.

    ``input`` (N, C_in, H, W), ``weight`` (C_in, C_out/groups, KH, KW), ``bias`` (C_out,) or None;
    output (N, C_out, (H-1)*s - 2p + d*(k-1) + output_padding + 1, ...). With stride 2
    it doubles the size of a feature map: the "up" half of autoencoders and GANs.
    """
    op = "conv_transpose2d"
    if input.ndim != 4 or weight.ndim != 4:
        raise ValueError(
            f"{op}: expected input (N, C_in, H, W) and weight (C_in, C_out/groups, KH, KW), got shapes "
            f"{input.shape} and {weight.shape}; add a batch axis with x.unsqueeze(0) for a single image"
        )
    if input.shape[1] != weight.shape[0]:
        raise ValueError(
            f"{op}: the input has {input.shape[1]} channels (shape {input.shape}) but the weight (shape "
            f"{weight.shape}) expects {weight.shape[0]}: a transposed convolution's weight is (C_in, C_out/groups, KH, KW)"
        )
    check_groups(op, groups, weight.shape[0], weight.shape[1] * groups)
    out_channels = weight.shape[1] * groups
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},), got {bias.shape}")
    stride, padding = as_pair(stride, f"{op}: stride"), as_pair(padding, f"{op}: padding")
    dilation, extra = as_pair(dilation, f"{op}: dilation"), as_pair(output_padding, f"{op}: output_padding")
    size = []
    for n, k, s, p, d, e in zip(input.shape[2:], weight.shape[2:], stride, padding, dilation, extra):
        if s < 1 or d < 1 or p < 0 or e < 0:
            raise ValueError(f"{op}: stride and dilation must be >= 1, padding and output_padding >= 0")
        if e >= max(s, d):
            raise ValueError(f"{op}: output_padding ({e}) must be smaller than the stride ({s}) or the dilation ({d})")
        size.append((n - 1) * s - 2 * p + d * (k - 1) + e + 1)
    if min(size) < 1:
        raise ValueError(
            f"{op}: the output would have size {tuple(size)} for an input of shape {input.shape}; use less padding"
        )
    # The conv2d that maps the output back to the input: its geometry, with the input's size pinned
    # (output_padding adds rows that this conv2d's last window never reaches).
    geometry = Geometry.of(op, tuple(size), weight.shape[2:], stride, padding, dilation)
    geometry = dataclasses.replace(geometry, out_size=tuple(input.shape[2:]))
    x_shape = (input.shape[0], out_channels, *size)
    require_same_dtype(op, input, weight)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return ConvTranspose2d.apply(*inputs, geometry=geometry, x_shape=x_shape, groups=groups)
