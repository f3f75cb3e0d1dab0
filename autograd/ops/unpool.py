"""Where each window's maximum came from (``return_indices``), and ``max_unpool2d``, which puts values back there.

``max_pool2d(x, ..., return_indices=True)`` also returns, for every output,
the flat position h * W + w in its (H, W) input plane of the element that won
(the first maximum in row-major window order, as the backward uses).
``max_unpool2d(y, indices)`` is the way back: a zero image with each y written
at its index, which undoes max pooling everywhere except at the losers:

    out[n, c, indices[n, c, i, j]] = y[n, c, i, j],   0 elsewhere

It reads y once per output, so its backward reads the gradient back at the
same places: dL/dy[n, c, i, j] = dL/dout[n, c, indices[n, c, i, j]].
"""

from ..function import Function
from .indexing import GetItem
from .windows import as_pair


def argmax_indices(x, geometry):
    """The flat (H*W) input index of each window's first maximum: an int64 array (N, C, OH, OW)."""
    backend = x.backend
    xp = backend.xp
    win = geometry.windows(backend, geometry.pad(xp, x.data, value=-xp.inf))  # (N, C, OH, OW, KH, KW) view
    (kh, kw), (sh, sw), (pt, pl), (dh, dw) = geometry.kernel, geometry.stride, geometry.padding, geometry.dilation
    tap = win.reshape(win.shape[:4] + (kh * kw,)).argmax(-1)  # first maximum, row-major, as the backward's winner
    oh, ow = geometry.out_size
    row = xp.arange(oh)[:, None] * sh - pt + (tap // kw) * dh
    col = xp.arange(ow)[None, :] * sw - pl + (tap % kw) * dw
    return (row * geometry.in_size[1] + col).astype(xp.int64)


def plane_index(xp, indices):
    """The index tuple (n, c, flat) that reads entry ``indices[n, c, ...]`` of an (N, C, H*W) array."""
    n, c = indices.shape[:2]
    lead = (1,) * (indices.ndim - 2)
    return (xp.arange(n).reshape((n, 1) + lead), xp.arange(c).reshape((1, c) + lead), indices)


class MaxUnpool2d(Function):
    """y = zeros with a written at indices  ->  dL/da = dL/dy read at indices"""

    name = "max_unpool2d"

    def forward(self, a, index=None, shape=None):
        self.index = index
        out = self.backend.xp.zeros(shape, dtype=a.dtype)
        out[index] = a  # written, not added: overlapping windows may share a winner (as PyTorch)
        return out

    def backward(self, grad):
        return GetItem.apply(grad, index=self.index)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Undo ``max_pool2d``: each value goes back to the position ``indices`` names, zeros elsewhere.

    ``input`` and ``indices`` (N, C, H, W) as returned by ``max_pool2d(..., return_indices=True)``;
    the output is (N, C, (H-1)*s - 2p + k, ...) or ``output_size`` (the pooled image's size).
    """
    op = "max_unpool2d"
    if input.ndim != 4 or tuple(indices.shape) != tuple(input.shape):
        raise ValueError(
            f"{op}: expected input (N, C, H, W) and indices of the same shape (from max_pool2d(..., "
            f"return_indices=True)), got {input.shape} and {tuple(indices.shape)}"
        )
    kernel = as_pair(kernel_size, f"{op}: kernel_size")
    stride = kernel if stride is None else as_pair(stride, f"{op}: stride")
    padding = as_pair(padding, f"{op}: padding")
    size = tuple((n - 1) * s - 2 * p + k for n, s, p, k in zip(input.shape[2:], stride, padding, kernel))
    if output_size is not None:
        wanted = tuple(int(v) for v in output_size)[-2:]
        for axis, (d, o, st) in enumerate(zip(size, wanted, stride)):
            if not d - st < o < d + st:  # as PyTorch: the sizes a stride-st pooling maps to this input's size
                raise ValueError(
                    f"{op}: output_size {wanted} does not fit: along axis {axis + 2} it must be between "
                    f"{d - st + 1} and {d + st - 1} for an input of shape {input.shape} (kernel {kernel}, stride "
                    f"{stride}, padding {padding})"
                )
        size = wanted
    n, c = input.shape[:2]
    index_data = indices.data if hasattr(indices, "data") else input.backend.xp.asarray(indices)
    if (
        index_data.size
        and input.backend.eager_checks
        and not 0 <= int(index_data.min()) <= int(index_data.max()) < size[0] * size[1]
    ):
        raise ValueError(
            f"{op}: indices range over [{int(index_data.min())}, {int(index_data.max())}] but the output plane "
            f"{size} has {size[0] * size[1]} positions; pass the pooled image's size as output_size"
        )
    index = plane_index(input.backend.xp, index_data)
    return MaxUnpool2d.apply(input, index=index, shape=(n, c, size[0] * size[1])).reshape(n, c, *size)


def gather_plane(x, indices):
    """x (N, C, H, W) read at flat plane indices (N, C, ...): a differentiable gather (scatter-add backward)."""
    n, c = x.shape[:2]
    flat = x.reshape(n, c, x.shape[2] * x.shape[3])
    return flat[plane_index(x.backend.xp, indices)]
