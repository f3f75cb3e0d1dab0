"""softmax and log_softmax along an axis, computed stably (the max is subtracted first)."""

from ..function import Function
from ._util import normalize_axis


class Softmax(Function):
    """y_i = e^(a_i) / sum_j e^(a_j)  ->  dL/da = y * (dL/dy - sum_j(dL/dy_j * y_j))"""

    name = "softmax"
    saves_output = True

    def forward(self, a, axis=-1):
        self.axis = axis
        xp = self.backend.xp
        e = xp.exp(a - a.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def backward(self, grad):
        y = self.output()
        return y * (grad - (grad * y).sum(self.axis, keepdims=True))

    def describe(self):
        return {"axis": self.axis}


class LogSoftmax(Function):
    """y_i = a_i - log sum_j e^(a_j)  ->  dL/da = dL/dy - softmax(a) * sum_j dL/dy_j"""

    name = "log_softmax"
    saves_output = True

    def forward(self, a, axis=-1):
        self.axis = axis
        xp = self.backend.xp
        shifted = a - a.max(axis=axis, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(self, grad):
        return grad - self.output().exp() * grad.sum(self.axis, keepdims=True)

    def describe(self):
        return {"axis": self.axis}


def _one_axis(a, axis, dim, op):
    axes = normalize_axis(axis if dim is None else None, dim, a.ndim, op)
    if axes is not None and len(axes) > 1:
        raise ValueError(f"{op}: give one axis, got {axis if dim is None else dim!r}")
    return axes[0] if axes else None  # None: a 0-d tensor, whose softmax is 1


def softmax(a, axis=-1, dim=None):
    """Turn scores into probabilities along ``axis``: positive and summing to 1."""
    return Softmax.apply(a, axis=_one_axis(a, axis, dim, "softmax"))


def log_softmax(a, axis=-1, dim=None):
    """log(softmax(a)), computed without overflow (the input of NLL and cross-entropy)."""
    return LogSoftmax.apply(a, axis=_one_axis(a, axis, dim, "log_softmax"))
