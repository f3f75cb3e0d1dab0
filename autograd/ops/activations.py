"""Activation functions: tanh, sigmoid, relu, leaky_relu, elu, softplus.

Each backward uses the activation's own output where the lectures do
(sigmoid' = s(1 - s), tanh' = 1 - tanh^2), through ``self.output()`` so that it
stays differentiable.
"""

from ..dtypes import require_float, to_float
from ..function import Function
from . import workspace
from ._util import constant
from .windows import empty_like_order, memory_order


class Tanh(Function):
    """y = tanh(a)  ->  dL/da = dL/dy * (1 - y^2)"""

    name = "tanh"
    saves_output = True

    def forward(self, a):
        return self.backend.xp.tanh(a)

    def backward(self, grad):
        return TanhGrad.apply(grad, self.output())


class TanhGrad(Function):
    """z = a * (1 - b^2)  ->  dL/da = dL/dz * (1 - b^2),  dL/db = -2 * dL/dz * a * b

    tanh's backward rule (a = dL/dy, b = y = tanh(x)) as one op: one pass over
    the numbers instead of three, and its own backward gives second derivatives.
    """

    name = "tanh_grad"

    def forward(self, g, y):
        return g - g * y * y  # = g (1 - y^2), without a Python number (NumPy converts one at every call)

    def backward(self, grad):
        g, y = self.inputs
        need_g, need_y = self.needs_input_grad
        return (grad * (1.0 - y * y) if need_g else None), (grad * g * y * -2.0 if need_y else None)


class Sigmoid(Function):
    """y = 1 / (1 + e^-a)  ->  dL/da = dL/dy * y * (1 - y)"""

    name = "sigmoid"
    saves_output = True

    def forward(self, a):
        xp = self.backend.xp
        # e^-|a| never overflows: for a < 0, 1/(1+e^-a) = e^a / (1 + e^a)
        z = xp.exp(-xp.abs(a))
        return xp.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z)).astype(a.dtype, copy=False)

    def backward(self, grad):
        return SigmoidGrad.apply(grad, self.output())


class SigmoidGrad(Function):
    """z = a * b * (1 - b)  ->  dL/da = dL/dz * b * (1 - b),  dL/db = dL/dz * a * (1 - 2b)

    sigmoid's backward rule (a = dL/dy, b = y = sigmoid(x)) as one op.
    """

    name = "sigmoid_grad"

    def forward(self, g, y):
        gy = g * y
        return gy - gy * y  # = g y (1 - y), without a Python number

    def backward(self, grad):
        g, y = self.inputs
        need_g, need_y = self.needs_input_grad
        return (grad * y * (1.0 - y) if need_g else None), (grad * g * (1.0 - 2.0 * y) if need_y else None)


class ReLU(Function):
    """y = max(0, a)  ->  dL/da = dL/dy where a > 0, else 0"""

    name = "relu"

    def forward(self, a):
        xp = self.backend.xp
        if a.dtype.kind != "f":
            self.positive = a > 0
            return xp.maximum(a, 0)
        # the mask and the output in a's memory order, large ones from the workspace (kept across steps)
        self.positive = xp.greater(a, 0, out=_empty_like(xp, a, bool))
        out = _empty_like(xp, a, a.dtype)
        out.fill(0)  # max(a, array of zeros) runs NumPy's vectorised loop; max(a, 0) a scalar loop 2.5x slower
        return xp.maximum(a, out, out=out)

    def backward(self, grad):
        return ReLUGrad.apply(grad, positive=self.positive)


class ReLUGrad(Function):
    """z = a where the mask is True, 0 elsewhere  ->  dL/da = relu_grad(dL/dz) with the same mask

    ReLU's backward rule as one op (PyTorch's threshold_backward): the boolean mask
    is written into the output as 0/1 numbers, then multiplied by the gradient in
    place, one node and no temporary (``grad * mask`` through the Tensor operator
    would add a node and a float copy of the mask). The rule is linear in a, so its
    own backward is itself.
    """

    name = "relu_grad"

    def forward(self, g, positive=None):
        self.positive = positive
        if g.dtype.kind != "f" or g.shape != positive.shape:
            return g * positive  # keeps g's dtype and memory order
        xp = self.backend.xp
        out = _empty_like(xp, g, g.dtype)
        out[...] = positive  # the mask as 0/1 numbers first: g * mask would convert it chunk by chunk, 1.4x slower
        return xp.multiply(out, g, out=out)

    def backward(self, grad):
        return ReLUGrad.apply(grad, positive=self.positive)


def _empty_like(xp, a, dtype):
    """An uninitialised array shaped and laid out in memory as ``a`` (a large one from the workspace).

    A C-ordered ``a`` (an MLP's activations) goes straight to the workspace;
    another order (a convolution's channel-major output) is read from its strides.
    """
    if a.flags.c_contiguous:
        return workspace.empty(xp, a.shape, dtype)
    return empty_like_order(xp, memory_order(a), a.shape, dtype)


class LeakyReLU(Function):
    """y = max(slope * a, a)  ->  dL/da = dL/dy where a > 0, slope * dL/dy elsewhere"""

    name = "leaky_relu"

    def forward(self, a, negative_slope=0.01):
        self.negative_slope = negative_slope
        xp = self.backend.xp
        self.slope = xp.where(a > 0, 1.0, negative_slope).astype(a.dtype)
        return a * self.slope

    def backward(self, grad):
        return grad * constant(self.slope, grad)

    def describe(self):
        return {"slope": self.negative_slope}


class ELU(Function):
    """y = a if a > 0 else alpha (e^a - 1)  ->  dL/da = dL/dy * (1 if a > 0 else y + alpha)"""

    name = "elu"
    saves_output = True

    def forward(self, a, alpha=1.0):
        xp = self.backend.xp
        self.alpha = alpha
        self.positive = a > 0
        return xp.where(self.positive, a, alpha * xp.expm1(xp.minimum(a, 0))).astype(a.dtype, copy=False)

    def backward(self, grad):
        from .elementwise import where

        return grad * where(self.positive, 1.0, self.output() + self.alpha)

    def describe(self):
        return {"alpha": self.alpha}


class Softplus(Function):
    """y = ln(1 + e^(beta a)) / beta  ->  dL/da = dL/dy * sigmoid(beta a)"""

    name = "softplus"

    def forward(self, a, beta=1.0):
        self.beta = beta
        xp = self.backend.xp
        return (xp.logaddexp(0.0, beta * a) / beta).astype(a.dtype, copy=False)

    def backward(self, grad):
        return grad * sigmoid(self.inputs[0] * self.beta)

    def describe(self):
        return {"beta": self.beta}


def tanh(a):
    """Hyperbolic tangent, squashing to (-1, 1) (integers become the default float dtype first)."""
    return Tanh.apply(to_float(a))


def sigmoid(a):
    """The logistic function 1 / (1 + e^-a), squashing to (0, 1) (integers become floats first)."""
    return Sigmoid.apply(to_float(a))


def relu(a):
    """Rectified linear unit max(0, a)."""
    return ReLU.apply(a)


def leaky_relu(a, negative_slope=0.01):
    """max(negative_slope * a, a): a small slope instead of zero for negative inputs."""
    require_float(a, "leaky_relu")
    return LeakyReLU.apply(a, negative_slope=negative_slope)


def elu(a, alpha=1.0):
    """Exponential linear unit: a for a > 0, alpha (e^a - 1) below."""
    require_float(a, "elu")
    return ELU.apply(a, alpha=alpha)


def softplus(a, beta=1.0):
    """A smooth ReLU: ln(1 + e^(beta a)) / beta."""
    require_float(a, "softplus")
    return Softplus.apply(a, beta=beta)
