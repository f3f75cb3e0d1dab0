"""``unfold`` (im2col) and ``fold`` (col2im) as ops: every sliding window as a column, and back.

For input x (N, C, H, W) and a KH x KW window (stride s, padding p, dilation d),

    unfold(x)[n, (c, k, l), (i, j)] = x_pad[n, c, i*s + k*d, j*s + l*d]      shape (N, C*KH*KW, L = OH*OW)

so a convolution is ``w.reshape(O, -1) @ unfold(x)``. ``fold`` is its adjoint:
it adds every column entry back to the pixel it came from (overlapping windows
sum), so ``fold(unfold(x))`` is x times the number of windows covering each pixel.
Being adjoint, each is the other's backward:

    y = unfold(x)  ->  dL/dx = fold(dL/dy)          x = fold(y)  ->  dL/dy = unfold(dL/dx)

Both reuse conv2d's im2col/col2im (``conv.py``).
"""

from ..function import Function
from .conv import _col2im, _im2col
from .windows import Geometry, as_pair


class Unfold(Function):
    """y = unfold(a) (im2col)  ->  dL/da = fold(dL/dy)"""

    name = "unfold"

    def forward(self, x, geometry=None):
        self.geometry = geometry
        cols = _im2col(self.backend, geometry, x)  # (C*KH*KW, N*L)
        length = geometry.out_size[0] * geometry.out_size[1]
        return cols.reshape(cols.shape[0], x.shape[0], length).transpose(1, 0, 2)  # (N, C*KH*KW, L), a view

    def backward(self, grad):
        return Fold.apply(grad, geometry=self.geometry, shape=self.inputs[0].shape)

    def describe(self):
        g = self.geometry
        return {"kernel": g.kernel, "stride": g.stride, "padding": g.padding, "dilation": g.dilation}


class Fold(Function):
    """x = fold(a) (col2im: each column entry added to its pixel)  ->  dL/da = unfold(dL/dx)"""

    name = "fold"

    def forward(self, cols, geometry=None, shape=None):
        self.geometry = geometry
        flat = cols.transpose(1, 0, 2).reshape(cols.shape[1], cols.shape[0] * cols.shape[2])  # (C*KH*KW, N*L)
        return _col2im(self.backend, geometry, flat, shape)

    def backward(self, grad):
        return Unfold.apply(grad, geometry=self.geometry)

    describe = Unfold.describe


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every sliding window of ``input`` (N, C, H, W) as a column: (N, C*KH*KW, L), as ``F.unfold``.

    L = OH * OW window positions, OH = floor((H + 2p - d(k-1) - 1) / s) + 1; a
    (C, H, W) image gives (C*KH*KW, L).
    """
    if input.ndim == 3:
        return unfold(input.unsqueeze(0), kernel_size, dilation, padding, stride).squeeze(0)
    if input.ndim != 4:
        raise ValueError(f"unfold: expected input (N, C, H, W) or (C, H, W), got shape {input.shape}")
    geometry = Geometry.of("unfold", input.shape[2:], kernel_size, stride, padding, dilation)
    return Unfold.apply(input, geometry=geometry)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns (N, C*KH*KW, L) back into images (N, C, H, W), the adjoint of ``unfold``, as ``F.fold``.

    ``output_size`` is (H, W); L must equal the number of window positions on it.
    """
    if input.ndim == 2:
        return fold(input.unsqueeze(0), output_size, kernel_size, dilation, padding, stride).squeeze(0)
    if input.ndim != 3:
        raise ValueError(f"fold: expected input (N, C*KH*KW, L) or (C*KH*KW, L), got shape {input.shape}")
    kh, kw = as_pair(kernel_size, "fold: kernel_size")
    size = as_pair(output_size, "fold: output_size")
    geometry = Geometry.of("fold", size, (kh, kw), stride, padding, dilation)
    n, rows, length = input.shape
    windows = geometry.out_size[0] * geometry.out_size[1]
    if rows % (kh * kw) or length != windows:
        raise ValueError(
            f"fold: input of shape {input.shape} does not match a {kh}x{kw} window on a {size} output: "
            f"axis 1 must be a multiple of {kh * kw} (C * kernel area) and axis 2 must be {windows} "
            f"(the number of window positions, {geometry.out_size[0]} x {geometry.out_size[1]})"
        )
    return Fold.apply(input, geometry=geometry, shape=(n, rows // (kh * kw), *size))
