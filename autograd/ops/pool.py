"""Max and average pooling over 2-D windows (kernel, stride, padding, ceil_mode).

Both are built on the window ops of ``windows.py``:

* average pooling is a ``WindowGather`` with weights 1/(window size);
* max pooling takes a running maximum over the kernel offsets, and its
  backward is a ``WindowScatter`` with a one-hot mask on the winner, so the
  gradient goes only to the element that was the maximum (the first one on
  ties, as PyTorch; ReLU's zeros make ties common).
"""

from ..function import Function
from ._util import constant
from .unpool import argmax_indices
from .windows import Geometry, WindowGather, WindowScatter, empty_like_order, memory_order


class MaxPool2d(Function):
    """y = max over each window of a  ->  dL/da = dL/dy at each window's maximum, 0 elsewhere"""

    name = "max_pool2d"

    def forward(self, x, geometry=None):
        self.geometry = geometry
        xp = self.backend.xp
        win = geometry.windows(self.backend, geometry.pad(xp, x, value=-xp.inf))  # (N, C, OH, OW, KH, KW) view
        kh, kw = geometry.kernel
        offsets = [(k, l) for k in range(kh) for l in range(kw)]
        order = memory_order(x)  # kept by y and the masks (conv outputs are channel-major)
        if geometry.tiles():  # each pixel in one window: one pass gathers each offset's values into a block,
            blocks = empty_like_order(xp, order, win.shape[:4], x.dtype, lead=(kh, kw))
            blocks[...] = win.transpose(4, 5, 0, 1, 2, 3)
            taps = [blocks[k, l] for k, l in offsets]  # so the maximum and the compares below run along rows
        else:  # strided views: each pass over one reads OW values at a time
            taps = [win[..., k, l] for k, l in offsets]
        y = empty_like_order(xp, order, win.shape[:4], x.dtype)
        if len(taps) == 1:
            y[...] = taps[0]
        else:  # a running maximum over the kernel offsets, in place (the first two straight into y)
            xp.maximum(taps[0], taps[1], out=y)
        for tap in taps[2:]:
            xp.maximum(y, tap, out=y)
        # The one-hot weights of the backward scatter: the first offset (row-major)
        # equal to the maximum wins, later ties are "already taken" (as in PyTorch).
        # Stored offset-major, so each offset's mask is one contiguous block.
        # (In y's memory order, which is x's: the compares and the backward's scatter run along rows.)
        winner = empty_like_order(xp, order, y.shape, bool, lead=(kh, kw))
        free = None  # where no earlier offset has won yet
        for (k, l), tap in zip(offsets, taps):
            hit = xp.equal(tap, y, out=winner[k, l])
            if free is None:
                free = xp.logical_not(hit, out=empty_like_order(xp, order, y.shape, bool))
            else:
                hit &= free
                free ^= hit  # hit lies inside free: this removes it (one pass, no temporary)
        self.weights = winner.transpose(2, 3, 4, 5, 0, 1)  # (N, C, OH, OW, KH, KW), a view
        return y

    def backward(self, grad):
        return WindowScatter.apply(grad, geometry=self.geometry, weights=self.weights, shape=self.inputs[0].shape)

    def describe(self):
        g = self.geometry
        settings = {"kernel": g.kernel, "stride": g.stride, "padding": g.padding}
        if g.dilation != (1, 1):
            settings["dilation"] = g.dilation
        return settings


def _geometry(op, x, kernel_size, stride, padding, ceil_mode, dilation=1):
    if x.ndim != 4:
        raise ValueError(
            f"{op}: expected input (N, C, H, W), got shape {x.shape}; add a batch axis with x.unsqueeze(0)"
        )
    geometry = Geometry.of(op, x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    # as in PyTorch, per axis: a window must never lie wholly in the padding
    for axis, k, p, d in zip(("height", "width"), geometry.kernel, geometry.padding, geometry.dilation):
        span = d * (k - 1) + 1  # the kernel's extent with its taps spread by the dilation
        if 2 * p > span:
            raise ValueError(
                f"{op}: padding {p} must be at most half the kernel size {span} along the {axis} "
                f"(kernel_size={kernel_size}, padding={padding}); a window could otherwise hold only padding. "
                f"Use padding <= kernel_size // 2 on each axis."
            )
    return geometry


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The largest value of each window (stride defaults to the kernel size), as in PyTorch.

    ``ceil_mode=True`` keeps the partial windows at the right and bottom edges;
    ``dilation`` spreads the window's taps; ``return_indices=True`` also returns
    where each maximum was (flat h * W + w), for ``max_unpool2d``.
    """
    if isinstance(dilation, bool):
        raise TypeError(
            f"max_pool2d: the 5th argument is dilation (as in PyTorch), got {dilation}; "
            f"pass ceil_mode={dilation} by keyword"
        )
    geometry = _geometry("max_pool2d", input, kernel_size, stride, padding, ceil_mode, dilation)
    if any(geometry.padding):
        _require_float("max_pool2d with padding", input, "padding cells hold -inf, which no integer can")
    y = MaxPool2d.apply(input, geometry=geometry)
    if return_indices:
        return y, constant(argmax_indices(input, geometry), input)
    return y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window (stride defaults to the kernel size), as in PyTorch.

    The divisor counts the padding cells when ``count_include_pad`` (never the
    cells a ``ceil_mode`` window hangs past the padding).
    """
    geometry = _geometry("avg_pool2d", input, kernel_size, stride, padding, ceil_mode)
    _require_float("avg_pool2d", input, "a mean of integers is rarely an integer")
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


def _require_float(op, input, why):
    """Refuse an integer or bool tensor where pooling it would need values it cannot hold.

    PyTorch pools integers with integer arithmetic (a truncated mean); here that
    is an error rather than a silently rounded answer.
    """
    if input.data.dtype.kind != "f":
        raise TypeError(
            f"{op}: needs a floating-point tensor, got {input.data.dtype} ({why}). Convert first: x.float()."
        )
