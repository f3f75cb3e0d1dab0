"""2-D convolution (cross-correlation, as in the lectures and in PyTorch), through im2col and matmul.

For input x (N, C, H, W), weights w (O, C, KH, KW) and bias b (O,):

    y[n,o,i,j] = b[o] + sum_{c,k,l} x_pad[n, c, i*s + k*d, j*s + l*d] * w[o, c, k, l]

im2col copies every window into a row of a matrix ``cols`` (N*OH*OW, C*KH*KW);
then the whole convolution is one matrix product ``cols @ w.reshape(O, -1).T``.

Backward is three convolutions, each an op, so second derivatives work:

    dL/dx = conv2d_input_grad(dL/dy, w)     (the "transposed convolution")
    dL/dw = conv2d_weight_grad(x, dL/dy)
    dL/db = dL/dy summed over n, i, j
"""

from ..function import Function
from .windows import Geometry


def _im2col(backend, geometry, x):
    """Rows of window values: (N*OH*OW, C*KH*KW), a copy (the matrix im2col is named for)."""
    win = geometry.windows(backend, geometry.pad(backend.xp, x))  # (N, C, OH, OW, KH, KW) view
    n, c, oh, ow, kh, kw = win.shape
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)


def _rows(g):
    """A gradient (N, O, OH, OW) as rows (N*OH*OW, O), matching the rows of im2col."""
    return g.transpose(0, 2, 3, 1).reshape(-1, g.shape[1])


class Conv2d(Function):
    """y = conv2d(a, b) + c  ->  dL/da = conv2d_input_grad(dL/dy, b),  dL/db = conv2d_weight_grad(a, dL/dy),  dL/dc = sum dL/dy"""

    name = "conv2d"

    def forward(self, x, w, b=None, geometry=None):
        self.geometry = geometry
        self.cols = _im2col(self.backend, geometry, x)
        n, (oh, ow), o = x.shape[0], geometry.out_size, w.shape[0]
        out = self.cols @ w.reshape(o, -1).T
        if b is not None:
            out += b
        return out.reshape(n, oh, ow, o).transpose(0, 3, 1, 2)

    def backward(self, grad):
        x, w = self.inputs[:2]
        need = self.needs_input_grad
        grad_x = Conv2dInputGrad.apply(grad, w, geometry=self.geometry, x_shape=x.shape) if need[0] else None
        grad_w = (
            Conv2dWeightGrad.apply(x, grad, geometry=self.geometry, w_shape=w.shape, cols=self.cols)
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

    def forward(self, g, w, geometry=None, x_shape=None):
        self.geometry, self.x_shape = geometry, x_shape
        n, (oh, ow), (o, c, kh, kw) = g.shape[0], geometry.out_size, w.shape
        dcols = (_rows(g) @ w.reshape(o, -1)).reshape(n, oh, ow, c, kh, kw)
        return geometry.scatter(self.backend.xp, dcols.transpose(0, 3, 1, 2, 4, 5), x_shape, g.dtype)

    def backward(self, grad):
        g, w = self.inputs
        need = self.needs_input_grad
        grad_g = Conv2d.apply(grad, w, geometry=self.geometry) if need[0] else None
        grad_w = Conv2dWeightGrad.apply(grad, g, geometry=self.geometry, w_shape=w.shape) if need[1] else None
        return grad_g, grad_w


class Conv2dWeightGrad(Function):
    """w = conv2d_weight_grad(a, b)  ->  dL/da = conv2d_input_grad(b, dL/dw),  dL/db = conv2d(a, dL/dw)"""

    name = "conv2d_weight_grad"

    def forward(self, x, g, geometry=None, w_shape=None, cols=None):
        self.geometry = geometry
        cols = _im2col(self.backend, geometry, x) if cols is None else cols  # reuse forward's im2col
        return (_rows(g).T @ cols).reshape(w_shape)

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
