"""softmax and log_softmax along an axis, computed stably (the max is subtracted first)."""

from ..dtypes import require_float
from ..function import Function
from ._util import normalize_axis


class Softmax(Function):
    """y_i = e^(a_i) / sum_j e^(a_j)  ->  dL/da = y * (dL/dy - sum_j(dL/dy_j * y_j))"""

    name = "softmax"
    saves_output = True

    def forward(self, a, axis=-1):
        self.axis = axis
        xp = self.backend.xp
        if a.size == 0:  # no scores, no probabilities: an empty result, as PyTorch (a max of nothing fails)
            return a.copy()
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
        if a.size == 0:  # empty in, empty out, as PyTorch
            return a.copy()
        shifted = a - a.max(axis=axis, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(self, grad):
        return LogSoftmaxGrad.apply(grad, self.output(), axis=self.axis)

    def describe(self):
        return {"axis": self.axis}


class LogSoftmaxGrad(Function):
    """z = a - e^b * sum_j a_j  ->  dL/da = dL/dz - sum_j(dL/dz_j * e^b_j),  dL/db = -dL/dz * e^b * sum_j a_j

    log_softmax's backward rule (a = dL/dy, b = y = log_softmax(x), so e^b is
    the softmax) as one op; its own backward gives second derivatives.
    """

    name = "log_softmax_grad"

    def forward(self, g, y, axis=-1):
        self.axis = axis
        xp = self.backend.xp
        return g - xp.exp(y) * g.sum(axis=axis, keepdims=True)

    def backward(self, grad):
        g, y = self.inputs
        need_g, need_y = self.needs_input_grad
        p = y.exp()
        grad_g = grad - (grad * p).sum(self.axis, keepdims=True) if need_g else None
        grad_y = -grad * p * g.sum(self.axis, keepdims=True) if need_y else None
        return grad_g, grad_y

    def describe(self):
        return {"axis": self.axis}


def _one_axis(a, axis, dim, op):
    axes = normalize_axis(axis if dim is None else None, dim, a.ndim, op)
    if axes is not None and len(axes) > 1:
        raise ValueError(f"{op}: give one axis, got {axis if dim is None else dim!r}")
    return axes[0] if axes else None  # None: a 0-d tensor, whose softmax is 1


def softmax(a, axis=-1, dim=None):
    """Turn scores into probabilities along ``axis``: positive and summing to 1."""
    require_float(a, "softmax")
    return Softmax.apply(a, axis=_one_axis(a, axis, dim, "softmax"))


def log_softmax(a, axis=-1, dim=None):
    """log(softmax(a)), computed without overflow (the input of NLL and cross-entropy)."""
    require_float(a, "log_softmax")
    return LogSoftmax.apply(a, axis=_one_axis(a, axis, dim, "log_softmax"))
