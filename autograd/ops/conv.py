"""2-D convolution (cross-correlation, as in the lectures and in PyTorch), through im2col and matmul.

For input x (N, C, H, W), weights w (O, C, KH, KW) and bias b (O,):

    y[n,o,i,j] = b[o] + sum_{c,k,l} x_pad[n, c, i*s + k*d, j*s + l*d] * w[o, c, k, l]

im2col copies every window into a column of a matrix ``cols`` (C*KH*KW, N*OH*OW);
then the whole convolution is one matrix product ``w.reshape(O, -1) @ cols``.
(Many texts put the windows in rows instead; the product is the same. Columns
keep each tap's values for a whole image row side by side in memory, which makes
the copy into ``cols`` and the adds of its adjoint, col2im, read and write
contiguous runs instead of jumping C*KH*KW values at every step.)

With ``groups=G`` the channels split into G independent convolutions: output
channels [g*O/G, (g+1)*O/G) see only input channels [g*C/G, (g+1)*C/G), and
w has shape (O, C/G, KH, KW). The rows of ``cols`` and of the weight matrix are
already grouped, so the product becomes G products side by side, one batched
matmul (``_grouped_matmul``).

Backward is three convolutions, each an op, so second derivatives work:

    dL/dx = conv2d_input_grad(dL/dy, w)     (the "transposed convolution")
    dL/dw = conv2d_weight_grad(x, dL/dy)
    dL/db = dL/dy summed over n, i, j
"""

import numpy as np

from ..dtypes import require_same_dtype
from ..function import Function
from . import workspace
from .shifts import col2im_same, im2col_same, keeps_size
from .windows import Geometry, as_pair


def _im2col(backend, geometry, x):
    """Columns of window values: (C*KH*KW, N*OH*OW), a copy (the matrix im2col is named for).

    Row (c, k, l) holds tap (k, l) of channel c for every output pixel (n, i, j).
    A convolution that keeps the image size takes the fast path of ``shifts.py``.
    """
    if keeps_size(geometry):
        cols = im2col_same(backend.xp, geometry, x)
        if cols is not None:
            return cols
    win = geometry.windows(backend, geometry.pad(backend.xp, x))  # (N, C, OH, OW, KH, KW) view
    n, c, oh, ow, kh, kw = win.shape
    cols = workspace.empty(backend.xp, (c * kh * kw, n * oh * ow), x.dtype)  # kept across steps
    cols.reshape(c, kh, kw, n, oh, ow)[...] = win.transpose(1, 4, 5, 0, 2, 3)
    return cols


def _col2im(backend, geometry, dcols, x_shape, owned=False):
    """The adjoint of im2col: (C*KH*KW, N*OH*OW) column values summed back into an (N, C, H, W) image.

    ``owned``: dcols is the caller's work array, which the fast path of ``shifts.py``
    (for convolutions that keep the image size) may overwrite.
    """
    if owned and keeps_size(geometry):
        return col2im_same(backend.xp, geometry, dcols, x_shape)
    n, c, (oh, ow), (kh, kw) = x_shape[0], x_shape[1], geometry.out_size, geometry.kernel
    cols = dcols.reshape(c, kh, kw, n, oh, ow).transpose(3, 0, 4, 5, 1, 2)  # (N, C, OH, OW, KH, KW) view
    return geometry.scatter(backend.xp, cols, x_shape, dcols.dtype)


def _channels_first(g):
    """A gradient (N, O, OH, OW) as a matrix (O, N*OH*OW), matching the columns of im2col (C-ordered)."""
    return g.transpose(1, 0, 2, 3).reshape(g.shape[1], -1)


def _grouped_matmul(a, b, groups, transpose_a=False, transpose_b=False, xp=None):
    """a @ b (or with a or b transposed) for G groups of rows of a and of b; plain a @ b when G == 1.

    ``a`` (G*P, Q) and ``b`` (G*Q', R) hold group g's block in rows g*P...; the result
    stacks the G block products (G*P', R): the block-diagonal product, without the zeros.
    Given ``xp``, a large single-group product is written into a ``workspace`` array.
    """
    if groups == 1:
        a, b = (a.T if transpose_a else a), (b.T if transpose_b else b)
        if xp is None:
            return a @ b
        return xp.matmul(a, b, out=workspace.empty(xp, (a.shape[0], b.shape[1]), xp.result_type(a, b)))
    a = a.reshape(groups, a.shape[0] // groups, a.shape[-1])
    b = b.reshape(groups, b.shape[0] // groups, b.shape[-1])
    out = (a.transpose(0, 2, 1) if transpose_a else a) @ (b.transpose(0, 2, 1) if transpose_b else b)
    return out.reshape(groups * out.shape[1], out.shape[2])


BLOCK_BYTES = 256 * 1024  # a block of both operands that stays in a core's L2 cache


def _product_over_pixels(a, b):
    """a @ b.T for a (P, L) and b (Q, L) that share a long pixel axis L and give a small (P, Q) result.

    That is a first conv layer's weight gradient: 16 x 9 numbers, each summed
    over 50,176 pixels. OpenBLAS then streams both operands from main memory;
    summing the products of blocks of the pixel axis, each small enough to stay
    in the cache, is 2-3x faster. A larger result is one product, taken as
    (b @ a^T)^T when it is wider than tall (a later layer's: 32 x 144): OpenBLAS
    computes it 10-50% faster with the result's longer side as its rows. The
    result is C-ordered either way, as the weights are.
    """
    p, q, n = a.shape[0], b.shape[0], a.shape[1]
    block = max(256, BLOCK_BYTES // (a.itemsize * (p + q)))
    if not isinstance(a, np.ndarray):  # CuPy: its own BLAS
        return a @ b.T
    if p * q > 1024 or n <= 2 * block:  # nothing to gain from blocks
        return np.ascontiguousarray((b @ a.T).T) if q > p else a @ b.T  # (a copy of P*Q numbers)
    out = a[:, :block] @ b[:, :block].T
    for start in range(block, n, block):
        out += a[:, start : start + block] @ b[:, start : start + block].T
    return out


class Conv2d(Function):
    """y = conv2d(a, b) + c  ->  dL/da = conv2d_input_grad(dL/dy, b),  dL/db = conv2d_weight_grad(a, dL/dy),  dL/dc = sum dL/dy"""

    name = "conv2d"

    def forward(self, x, w, b=None, geometry=None, groups=1):
        self.geometry, self.groups = geometry, groups
        self.cols = _im2col(self.backend, geometry, x)
        n, (oh, ow), o = x.shape[0], geometry.out_size, w.shape[0]
        out = _grouped_matmul(w.reshape(o, -1), self.cols, groups, xp=self.backend.xp)  # (O, N*OH*OW)
        if b is not None:
            out += b[:, None]
        return out.reshape(o, n, oh, ow).transpose(1, 0, 2, 3)  # (N, O, OH, OW), a view

    def backward(self, grad):
        x, w = self.inputs[:2]
        need, geometry, groups = self.needs_input_grad, self.geometry, self.groups
        g_mat = _channels_first(grad.data)  # both products read dL/dy as a matrix: make it once
        grad_x = (
            Conv2dInputGrad.apply(grad, w, geometry=geometry, x_shape=x.shape, g_mat=g_mat, groups=groups)
            if need[0]
            else None
        )
        grad_w = (
            Conv2dWeightGrad.apply(
                x, grad, geometry=geometry, w_shape=w.shape, cols=self.cols, g_mat=g_mat, groups=groups
            )
            if need[1]
            else None
        )
        grad_b = grad.sum((0, 2, 3)) if len(need) > 2 and need[2] else None
        return grad_x, grad_w, grad_b

    def describe(self):
        g = self.geometry
        settings = {"stride": g.stride, "padding": g.padding, "dilation": g.dilation}
        if self.groups != 1:
            settings["groups"] = self.groups
        return settings


class Conv2dInputGrad(Function):
    """x = conv2d_input_grad(a, b): the transposed convolution  ->  dL/da = conv2d(dL/dx, b),  dL/db = conv2d_weight_grad(dL/dx, a)"""

    name = "conv2d_input_grad"

    def forward(self, g, w, geometry=None, x_shape=None, g_mat=None, groups=1):
        self.geometry, self.x_shape, self.groups = geometry, x_shape, groups
        g_mat = _channels_first(g) if g_mat is None else g_mat
        w_mat, xp = w.reshape(w.shape[0], -1), self.backend.xp
        dcols = _grouped_matmul(w_mat, g_mat, groups, transpose_a=True, xp=xp)  # (C*KH*KW, N*OH*OW)
        return _col2im(self.backend, geometry, dcols, x_shape, owned=True)  # dcols is this op's own

    def backward(self, grad):
        g, w = self.inputs[:2]
        need, geometry, groups = self.needs_input_grad, self.geometry, self.groups
        grad_g = Conv2d.apply(grad, w, geometry=geometry, groups=groups) if need[0] else None
        grad_w = Conv2dWeightGrad.apply(grad, g, geometry=geometry, w_shape=w.shape, groups=groups) if need[1] else None
        return grad_g, grad_w


class Conv2dWeightGrad(Function):
    """w = conv2d_weight_grad(a, b)  ->  dL/da = conv2d_input_grad(b, dL/dw),  dL/db = conv2d(a, dL/dw)"""

    name = "conv2d_weight_grad"

    def forward(self, x, g, geometry=None, w_shape=None, cols=None, g_mat=None, groups=1):
        self.geometry, self.groups = geometry, groups
        cols = _im2col(self.backend, geometry, x) if cols is None else cols  # reuse forward's im2col
        g_mat = _channels_first(g) if g_mat is None else g_mat
        if groups == 1:
            return _product_over_pixels(g_mat, cols).reshape(w_shape)
        return _grouped_matmul(g_mat, cols, groups, transpose_b=True).reshape(w_shape)

    def backward(self, grad):
        x, g = self.inputs
        need, geometry, groups = self.needs_input_grad, self.geometry, self.groups
        grad_x = Conv2dInputGrad.apply(g, grad, geometry=geometry, x_shape=x.shape, groups=groups) if need[0] else None
        grad_g = Conv2d.apply(x, grad, geometry=geometry, groups=groups) if need[1] else None
        return grad_x, grad_g


def same_geometry(op, in_size, kernel, stride, dilation):
    """The geometry of ``padding="same"``: output size = input size, padding d*(k-1) split as PyTorch does.

    The total padding d*(k-1) goes half before and half after the image; when it
    is odd (an even kernel) the extra row/column goes after (bottom, right).
    """
    if as_pair(stride, f"{op}: stride") != (1, 1):
        raise ValueError(f"{op}: padding='same' needs stride 1 (as in PyTorch), got stride={stride}; "
                         f"give the padding as numbers instead")  # fmt: skip
    kernel, dilation = tuple(kernel), as_pair(dilation, f"{op}: dilation")
    if min(dilation) < 1:
        raise ValueError(f"{op}: dilation must be >= 1, got {dilation}")
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    before = tuple(t // 2 for t in total)
    after = tuple(t - b for t, b in zip(total, before))
    return Geometry(kernel, (1, 1), before, dilation, tuple(in_size), tuple(in_size), after)


def conv_geometry(op, in_size, kernel, stride, padding, dilation):
    """The window geometry for numeric padding or the strings "valid" (no padding) and "same"."""
    if isinstance(padding, str):
        if padding == "same":
            return same_geometry(op, in_size, kernel, stride, dilation)
        if padding != "valid":
            raise ValueError(f"{op}: padding must be a number, a pair, 'valid' or 'same', got {padding!r}")
        padding = 0
    return Geometry.of(op, in_size, kernel, stride, padding, dilation)


def check_groups(op, groups, in_channels, out_channels):
    """``groups`` must divide both channel counts."""
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{op}: groups={groups} must divide both the input channels ({in_channels}) and the output "
            f"channels ({out_channels})"
        )


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of a batch of images, as ``torch.nn.functional.conv2d``.

    ``input`` (N, C, H, W), ``weight`` (O, C/groups, KH, KW), ``bias`` (O,) or None.
    Like the lectures (and every framework), it slides the kernel without
    flipping it: strictly, a cross-correlation. ``padding`` is a number, a
    pair, ``"valid"`` (none) or ``"same"`` (output size = input size, stride 1).
    ``groups=G`` splits the channels into G separate convolutions
    (``groups=C`` is a depthwise convolution).
    """
    if input.ndim != 4 or weight.ndim != 4:
        raise ValueError(
            f"conv2d: expected input (N, C, H, W) and weight (O, C/groups, KH, KW), got shapes {input.shape} and "
            f"{weight.shape}; add a batch axis with x.unsqueeze(0) for a single image"
        )
    if groups == 1:
        if input.shape[1] != weight.shape[1]:
            raise ValueError(
                f"conv2d: the input has {input.shape[1]} channels (shape {input.shape}) but the weight expects "
                f"{weight.shape[1]} (shape {weight.shape})"
            )
    else:
        check_groups("conv2d", groups, input.shape[1], weight.shape[0])
        if input.shape[1] != weight.shape[1] * groups:
            raise ValueError(
                f"conv2d: with groups={groups} the weight (shape {weight.shape}) expects {weight.shape[1]} * "
                f"{groups} = {weight.shape[1] * groups} input channels, but the input has {input.shape[1]} "
                f"(shape {input.shape})"
            )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"conv2d: bias must have shape ({weight.shape[0]},), got {bias.shape}")
    require_same_dtype("conv2d", input, weight)
    if isinstance(padding, str):
        geometry = conv_geometry("conv2d", input.shape[2:], weight.shape[2:], stride, padding, dilation)
    else:
        geometry = Geometry.of("conv2d", input.shape[2:], weight.shape[2:], stride, padding, dilation)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    if groups == 1:
        return Conv2d.apply(*inputs, geometry=geometry)
    return Conv2d.apply(*inputs, geometry=geometry, groups=groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of a batch of sequences, as ``torch.nn.functional.conv1d``.

    ``input`` (N, C, L), ``weight`` (O, C/groups, K), ``bias`` (O,) or None:

        y[n, o, i] = b[o] + sum_{c, k} x_pad[n, c, i*s + k*d] * w[o, c, k]

    It is ``conv2d`` on images one pixel tall (input (N, C, 1, L), kernel 1 x K),
    so it shares conv2d's backward: the graph shows unsqueeze -> conv2d -> squeeze.
    """
    if input.ndim != 3 or weight.ndim != 3:
        raise ValueError(
            f"conv1d: expected input (N, C, L) and weight (O, C/groups, K), got shapes {input.shape} and "
            f"{weight.shape}; add a batch axis with x.unsqueeze(0) for a single sequence"
        )
    one = _one_d("conv1d", stride=stride, dilation=dilation)
    padding = padding if isinstance(padding, str) else (0, _one_d("conv1d", padding=padding)[0])
    y = conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, (1, one[0]), padding, (1, one[1]), groups)
    return y.squeeze(2)


def _one_d(op, **settings):
    """Each setting of a 1-D op as one int (PyTorch also accepts a 1-tuple)."""
    out = []
    for name, v in settings.items():
        if isinstance(v, (tuple, list)) and len(v) == 1:
            v = v[0]
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"{op}: {name} must be an int (or a 1-tuple), got {v!r}")
        out.append(v)
    return out
