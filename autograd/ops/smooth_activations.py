"""Smooth activations of modern networks: gelu, silu, mish, selu, celu, logsigmoid, softsign, softmin,
and ``normalize`` (scaling vectors to unit length).

Each backward is written with Tensor ops, so second derivatives work.
"""

import math

from ..function import Function
from .activations import elu, sigmoid, softplus, tanh
from .elementwise import clip
from .exp_log import erf
from .softmax import softmax
from .torch_aliases import norm

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class GELU(Function):
    """y = a * Phi(a), Phi the standard normal CDF = (1 + erf(a / sqrt 2)) / 2  ->  dL/da = dL/dy * (Phi(a) + a * phi(a)),  phi(a) = e^(-a^2/2) / sqrt(2 pi)"""

    name = "gelu"

    def forward(self, a):
        from .exp_log import erf_array

        return (0.5 * a * (1.0 + erf_array(a * _SQRT_HALF, self.backend.xp))).astype(a.dtype, copy=False)

    def backward(self, grad):
        a = self.inputs[0]
        cdf = (erf(a * _SQRT_HALF) + 1.0) * 0.5
        pdf = (a * a * -0.5).exp() * _INV_SQRT_2PI
        return grad * (cdf + a * pdf)


class GELUTanh(Function):
    """y = a/2 * (1 + t),  t = tanh(k (a + c a^3)),  k = sqrt(2/pi), c = 0.044715  ->  dL/da = dL/dy * ((1 + t)/2 + a/2 * (1 - t^2) * k (1 + 3 c a^2))"""

    name = "gelu_tanh"

    def forward(self, a):
        xp = self.backend.xp
        return 0.5 * a * (1.0 + xp.tanh(_SQRT_2_OVER_PI * (a + _GELU_CUBIC * a * a * a)))

    def backward(self, grad):
        a = self.inputs[0]
        t = tanh((a + a * a * a * _GELU_CUBIC) * _SQRT_2_OVER_PI)
        slope = (t + 1.0) * 0.5 + a * 0.5 * (1.0 - t * t) * _SQRT_2_OVER_PI * (a * a * (3.0 * _GELU_CUBIC) + 1.0)
        return grad * slope


class SiLU(Function):
    """y = a * s,  s = sigmoid(a)  ->  dL/da = dL/dy * s * (1 + a * (1 - s))"""

    name = "silu"

    def forward(self, a):
        xp = self.backend.xp
        return (a * (0.5 + 0.5 * xp.tanh(0.5 * a))).astype(a.dtype, copy=False)  # sigmoid = (1 + tanh(a/2)) / 2

    def backward(self, grad):
        a = self.inputs[0]
        s = sigmoid(a)
        return grad * s * (a * (1.0 - s) + 1.0)


class Mish(Function):
    """y = a * t,  t = tanh(softplus(a))  ->  dL/da = dL/dy * (t + a * (1 - t^2) * sigmoid(a))"""

    name = "mish"

    def forward(self, a):
        xp = self.backend.xp
        return (a * xp.tanh(xp.logaddexp(0.0, a))).astype(a.dtype, copy=False)

    def backward(self, grad):
        a = self.inputs[0]
        t = tanh(softplus(a))
        return grad * (t + a * (1.0 - t * t) * sigmoid(a))


class LogSigmoid(Function):
    """y = ln(sigmoid(a)) = -softplus(-a)  ->  dL/da = dL/dy * (1 - sigmoid(a)) = dL/dy * sigmoid(-a)"""

    name = "logsigmoid"

    def forward(self, a):
        xp = self.backend.xp
        return (-xp.logaddexp(0.0, -a)).astype(a.dtype, copy=False)

    def backward(self, grad):
        return grad * sigmoid(-self.inputs[0])


class Softsign(Function):
    """y = a / (1 + |a|)  ->  dL/da = dL/dy / (1 + |a|)^2"""

    name = "softsign"

    def forward(self, a):
        return a / (1.0 + self.backend.xp.abs(a))

    def backward(self, grad):
        d = self.inputs[0].abs() + 1.0
        return grad / (d * d)


def gelu(input, approximate="none"):
    """Gaussian error linear unit x * Phi(x) (Phi: the normal CDF); ``approximate="tanh"`` uses
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as PyTorch."""
    if approximate == "none":
        return GELU.apply(input)
    if approximate == "tanh":
        return GELUTanh.apply(input)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input):
    """Sigmoid-weighted linear unit (swish) x * sigmoid(x); d/dx = s (1 + x (1 - s))."""
    return SiLU.apply(input)


def mish(input):
    """x * tanh(softplus(x)); d/dx = t + x (1 - t^2) sigmoid(x)."""
    return Mish.apply(input)


def selu(input):
    """Scaled ELU: scale * elu(x, alpha) with PyTorch's constants (alpha ~ 1.6733, scale ~ 1.0507).

    Built on elu, so dL/dx = scale * dL/dy * (1 for x > 0, alpha e^x below).
    """
    return elu(input, SELU_ALPHA) * SELU_SCALE


def celu(input, alpha=1.0):
    """Continuously differentiable ELU: max(0, x) + min(0, alpha (e^(x/alpha) - 1)) = alpha * elu(x / alpha).

    dL/dx = dL/dy * (1 for x > 0, e^(x/alpha) below): the slope is 1 on both sides of 0.
    """
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")
    return elu(input * (1.0 / alpha), 1.0) * alpha


def logsigmoid(input):
    """ln(sigmoid(x)) = -softplus(-x), computed without overflow; d/dx = sigmoid(-x)."""
    return LogSigmoid.apply(input)


def softsign(input):
    """x / (1 + |x|), a slow-saturating squash to (-1, 1); d/dx = 1 / (1 + |x|)^2."""
    return Softsign.apply(input)


def softmin(input, dim=-1, *, axis=None):
    """softmax(-x) along ``dim``: the smallest scores get the largest probabilities.

    dL/dx = -(softmax's backward at -x), by the chain rule through the negation.
    (PyTorch guesses a dim when none is given; here it is the last axis, as our softmax.)
    """
    if axis is not None:
        dim = axis
    return softmax(-input, dim)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along ``dim``: every vector scaled to length 1 (as ``F.normalize``).

    With n = ||x||_p = (sum |x_i|^p)^(1/p): dn/dx_i = sign(x_i) |x_i|^(p-1) / n^(p-1), and the
    quotient rule gives dL/dx = dL/dy / n - (sum_j dL/dy_j x_j) / n^2 * dn/dx. Where n < eps the
    divisor is the constant eps, and an all-zero vector gets gradient 1/eps (as PyTorch),
    never NaN (``norm`` gives a zero vector's norm the gradient 0).
    """
    if float(p) <= 0:
        raise ValueError(f"normalize: p must be positive, got {p}")
    return input / clip(norm(input, p, dim, keepdim=True), min=eps)
