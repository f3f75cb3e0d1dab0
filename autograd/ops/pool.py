"""Max and average pooling over 2-D windows (kernel, stride, padding, ceil_mode).

Both are built on the window ops of ``windows.py``:

* average pooling is a ``WindowGather`` with weights 1/(window size);
* max pooling takes a running maximum over the kernel offsets, and its
  backward is a ``WindowScatter`` with a one-hot mask on the winner, so the
  gradient goes only to the element that was the maximum (the first one on
  ties, as PyTorch; ReLU's zeros make ties common).
"""

from ..function import Function
from .windows import Geometry, WindowGather, WindowScatter


class MaxPool2d(Function):
    """y = max over each window of a  ->  dL/da = dL/dy at each window's maximum, 0 elsewhere"""

    name = "max_pool2d"

    def forward(self, x, geometry=None):
        self.geometry = geometry
        xp = self.backend.xp
        win = geometry.windows(self.backend, geometry.pad(xp, x, value=-xp.inf))  # (N, C, OH, OW, KH, KW) view
        kh, kw = geometry.kernel
        offsets = [(k, l) for k in range(kh) for l in range(kw)]
        y = win[..., 0, 0].copy(order="K")  # keeps the memory layout of x (conv outputs are channel-major)
        for k, l in offsets[1:]:  # a running maximum over the kernel offsets, in place
            xp.maximum(y, win[..., k, l], out=y)
        # The one-hot weights of the backward scatter: the first offset (row-major)
        # equal to the maximum wins, later ties are "already taken" (as in PyTorch).
        # Stored offset-major, so each offset's mask is one contiguous block.
        winner = xp.empty((kh, kw) + y.shape, dtype=bool)
        taken = xp.zeros(y.shape, dtype=bool)
        for k, l in offsets:
            hit = xp.equal(win[..., k, l], y, out=winner[k, l])
            hit &= ~taken
            taken |= hit
        self.weights = winner.transpose(2, 3, 4, 5, 0, 1)  # (N, C, OH, OW, KH, KW), a view
        return y

    def backward(self, grad):
        return WindowScatter.apply(grad, geometry=self.geometry, weights=self.weights, shape=self.inputs[0].shape)

    def describe(self):
        g = self.geometry
        return {"kernel": g.kernel, "stride": g.stride, "padding": g.padding}


def _geometry(op, x, kernel_size, stride, padding, ceil_mode):
    if x.ndim != 4:
        raise ValueError(
            f"{op}: expected input (N, C, H, W), got shape {x.shape}; add a batch axis with x.unsqueeze(0)"
        )
    k = kernel_size if isinstance(kernel_size, int) else tuple(kernel_size)
    pads = padding if isinstance(padding, int) else tuple(padding)
    if max((pads,) if isinstance(pads, int) else pads) * 2 > min((k,) if isinstance(k, int) else k):
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel size {kernel_size}")
    return Geometry.of(op, x.shape[2:], kernel_size, stride, padding, 1, ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False):
    """The largest value of each window (stride defaults to the kernel size), as in PyTorch.

    ``ceil_mode=True`` keeps the partial windows at the right and bottom edges.
    """
    return MaxPool2d.apply(input, geometry=_geometry("max_pool2d", input, kernel_size, stride, padding, ceil_mode))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window (stride defaults to the kernel size), as in PyTorch.

    The divisor counts the padding cells when ``count_include_pad`` (never the
    cells a ``ceil_mode`` window hangs past the padding).
    """
    geometry = _geometry("avg_pool2d", input, kernel_size, stride, padding, ceil_mode)
    xp = input.backend.xp
    (h, w), (pt, pl) = geometry.in_size, geometry.padding
    counted = xp.zeros((1, 1, h + pt + geometry.pad_end[0], w + pl + geometry.pad_end[1]), dtype=input.dtype)
    if count_include_pad:
        counted[:, :, : h + 2 * pt, : w + 2 * pl] = 1
    else:
        counted[:, :, pt : pt + h, pl : pl + w] = 1
    divisor = geometry.windows(input.backend, counted).sum(axis=(-2, -1))  # (1, 1, OH, OW)
    kernel_shape = divisor.shape + geometry.kernel
    weights = xp.broadcast_to((1.0 / divisor).astype(input.dtype)[..., None, None], kernel_shape)
    return WindowGather.apply(input, geometry=geometry, weights=weights, label="avg_pool2d")
