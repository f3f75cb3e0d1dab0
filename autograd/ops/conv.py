"""2-D convolution (cross-correlation, as in the lectures and in PyTorch), through im2col and matmul.

For input x (N, C, H, W), weights w (O, C, KH, KW) and bias b (O,):

    y[n,o,i,j] = b[o] + sum_{c,k,l} x_pad[n, c, i*s + k*d, j*s + l*d] * w[o, c, k, l]

im2col copies every window into a column of a matrix ``cols`` (C*KH*KW, N*OH*OW);
then the whole convolution is one matrix product ``w.reshape(O, -1) @ cols``.
(Many texts put the windows in rows instead; the product is the same. Columns
keep each tap's values for a whole image row side by side in memory, which makes
the copy into ``cols`` and the adds of its adjoint, col2im, read and write
contiguous runs instead of jumping C*KH*KW values at every step.)

Backward is three convolutions, each an op, so second derivatives work:

    dL/dx = conv2d_input_grad(dL/dy, w)     (the "transposed convolution")
    dL/dw = conv2d_weight_grad(x, dL/dy)
    dL/db = dL/dy summed over n, i, j
"""

from ..function import Function
from .windows import Geometry


def _im2col(backend, geometry, x):
    """Columns of window values: (C*KH*KW, N*OH*OW), a copy (the matrix im2col is named for).

    Row (c, k, l) holds tap (k, l) of channel c for every output pixel (n, i, j).
    """
    win = geometry.windows(backend, geometry.pad(backend.xp, x))  # (N, C, OH, OW, KH, KW) view
    n, c, oh, ow, kh, kw = win.shape
    return win.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * oh * ow)


def _col2im(backend, geometry, dcols, x_shape):
    """The adjoint of im2col: (C*KH*KW, N*OH*OW) column values summed back into an (N, C, H, W) image."""
    n, c, (oh, ow), (kh, kw) = x_shape[0], x_shape[1], geometry.out_size, geometry.kernel
    cols = dcols.reshape(c, kh, kw, n, oh, ow).transpose(3, 0, 4, 5, 1, 2)  # (N, C, OH, OW, KH, KW) view
    return geometry.scatter(backend.xp, cols, x_shape, dcols.dtype)


def _channels_first(g):
    """A gradient (N, O, OH, OW) as a matrix (O, N*OH*OW), matching the columns of im2col (C-ordered)."""
    return g.transpose(1, 0, 2, 3).reshape(g.shape[1], -1)


class Conv2d(Function):
    """y = conv2d(a, b) + c  ->  dL/da = conv2d_input_grad(dL/dy, b),  dL/db = conv2d_weight_grad(a, dL/dy),  dL/dc = sum dL/dy"""

    name = "conv2d"

    def forward(self, x, w, b=None, geometry=None):
        self.geometry = geometry
        self.cols = _im2col(self.backend, geometry, x)
        n, (oh, ow), o = x.shape[0], geometry.out_size, w.shape[0]
        out = w.reshape(o, -1) @ self.cols  # (O, N*OH*OW)
        if b is not None:
            out += b[:, None]
        return out.reshape(o, n, oh, ow).transpose(1, 0, 2, 3)  # (N, O, OH, OW), a view

    def backward(self, grad):
        x, w = self.inputs[:2]
        need, geometry = self.needs_input_grad, self.geometry
        g_mat = _channels_first(grad.data)  # both products read dL/dy as a matrix: make it once
        grad_x = Conv2dInputGrad.apply(grad, w, geometry=geometry, x_shape=x.shape, g_mat=g_mat) if need[0] else None
        grad_w = (
            Conv2dWeightGrad.apply(x, grad, geometry=geometry, w_shape=w.shape, cols=self.cols, g_mat=g_mat)
            if need[1]
            else None
        )
        grad_b = grad.sum((0, 2, 3)) if len(need) > 2 and need[2] else None
        return grad_x, grad_w, grad_b

    def describe(self):
        g = self.geometry
        return {"stride": g.stride, "padding": g.padding, "dilation": g.dilation}


class Conv2dInputGrad(Function):
    """x = conv2d_input_grad(a, b): the transposed convolution  ->  dL/da = conv2d(dL/dx, b),  dL/db = conv2d_weight_grad(dL/dx, a)"""

    name = "conv2d_input_grad"

    def forward(self, g, w, geometry=None, x_shape=None, g_mat=None):
        self.geometry, self.x_shape = geometry, x_shape
        g_mat = _channels_first(g) if g_mat is None else g_mat
        dcols = w.reshape(w.shape[0], -1).T @ g_mat  # (C*KH*KW, N*OH*OW)
        return _col2im(self.backend, geometry, dcols, x_shape)

    def backward(self, grad):
        g, w = self.inputs
        need = self.needs_input_grad
        grad_g = Conv2d.apply(grad, w, geometry=self.geometry) if need[0] else None
        grad_w = Conv2dWeightGrad.apply(grad, g, geometry=self.geometry, w_shape=w.shape) if need[1] else None
        return grad_g, grad_w


class Conv2dWeightGrad(Function):
    """w = conv2d_weight_grad(a, b)  ->  dL/da = conv2d_input_grad(b, dL/dw),  dL/db = conv2d(a, dL/dw)"""

    name = "conv2d_weight_grad"

    def forward(self, x, g, geometry=None, w_shape=None, cols=None, g_mat=None):
        self.geometry = geometry
        cols = _im2col(self.backend, geometry, x) if cols is None else cols  # reuse forward's im2col
        g_mat = _channels_first(g) if g_mat is None else g_mat
        return (g_mat @ cols.T).reshape(w_shape)

    def backward(self, grad):
        x, g = self.inputs
        need = self.needs_input_grad
        grad_x = Conv2dInputGrad.apply(g, grad, geometry=self.geometry, x_shape=x.shape) if need[0] else None
        grad_g = Conv2d.apply(x, grad, geometry=self.geometry) if need[1] else None
        return grad_x, grad_g


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """2-D convolution of a batch of images, as ``torch.nn.functional.conv2d``.

    ``input`` (N, C, H, W), ``weight`` (O, C, KH, KW), ``bias`` (O,) or None.
    Like the lectures (and every framework), it slides the kernel without
    flipping it: strictly, a cross-correlation.
    """
    if input.ndim != 4 or weight.ndim != 4:
        raise ValueError(
            f"conv2d: expected input (N, C, H, W) and weight (O, C, KH, KW), got shapes {input.shape} and "
            f"{weight.shape}; add a batch axis with x.unsqueeze(0) for a single image"
        )
    if input.shape[1] != weight.shape[1]:
        raise ValueError(
            f"conv2d: the input has {input.shape[1]} channels (shape {input.shape}) but the weight expects "
            f"{weight.shape[1]} (shape {weight.shape})"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"conv2d: bias must have shape ({weight.shape[0]},), got {bias.shape}")
    geometry = Geometry.of("conv2d", input.shape[2:], weight.shape[2:], stride, padding, dilation)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return Conv2d.apply(*inputs, geometry=geometry)
