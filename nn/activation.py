"""Activation layers: the non-linearities between layers, as modules.

Each wraps the op of the same name in ``autograd.functional``, so
``nn.ReLU()(x)`` and ``F.relu(x)`` compute the same thing; the module form
fits in ``nn.Sequential``.
"""

import autograd as ag
import autograd.functional as F

from .linear import as_input
from .module import Module, Parameter

__all__ = [
    "CELU", "ELU", "GELU", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU", "LogSigmoid", "LogSoftmax", "Mish",
    "PReLU", "RReLU", "ReLU", "ReLU6", "SELU", "SiLU", "Sigmoid", "Softmax", "Softmin", "Softplus", "Softsign", "Tanh",
]  # fmt: skip


class ReLU(Module):
    """Rectified linear unit: y = max(0, x);  dy/dx = 1 for x > 0, else 0."""

    def forward(self, x):
        return F.relu(as_input(x))


class LeakyReLU(Module):
    """Leaky ReLU: y = max(a*x, x) with a small slope a = ``negative_slope`` (default 0.01) for x < 0."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(as_input(x), self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Parametric ReLU: y = max(0, x) - a * max(0, -x), with the slope a learned.

    ``PReLU(num_parameters=1, init=0.25)``: one slope for all channels, or one per
    channel (axis 1) when ``num_parameters`` = C. dy/da = -max(0, -x) = min(0, x).
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = int(num_parameters)
        self.weight = Parameter(ag.full((self.num_parameters,), float(init), dtype=dtype, device=device))

    def forward(self, x):
        x = as_input(x)
        a = self.weight
        if self.num_parameters > 1:
            if x.ndim < 2 or x.shape[1] != self.num_parameters:
                raise ValueError(
                    f"{self._display_name()} has num_parameters={self.num_parameters} slopes, one per channel "
                    f"(axis 1), but got an input of shape {tuple(x.shape)}"
                )
            a = a.reshape((1, self.num_parameters) + (1,) * (x.ndim - 2))
        return F.relu(x) - a * F.relu(-x)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Sigmoid(Module):
    """Logistic sigmoid: y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    def forward(self, x):
        return F.sigmoid(as_input(x))


class Tanh(Module):
    """Hyperbolic tangent: y = (e^x - e^-x) / (e^x + e^-x);  dy/dx = 1 - y^2."""

    def forward(self, x):
        return F.tanh(as_input(x))


class ELU(Module):
    """Exponential linear unit: y = x for x > 0, alpha (e^x - 1) otherwise."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.elu(as_input(x), self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """Softplus, a smooth ReLU: y = ln(1 + e^(beta x)) / beta;  dy/dx = sigmoid(beta x)."""

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = beta

    def forward(self, x):
        return F.softplus(as_input(x), self.beta)

    def extra_repr(self):
        return f"beta={self.beta}"


class Softmax(Module):
    """Softmax along ``dim`` (default -1, the class axis): y_i = e^(x_i) / sum_j e^(x_j); the y_i sum to 1."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmax(as_input(x), axis=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """Log of the softmax along ``dim`` (default -1): y_i = x_i - log sum_j e^(x_j), computed stably."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.log_softmax(as_input(x), axis=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(Module):
    """Softmin along ``dim`` (default -1): softmax(-x), the smallest x get the largest probabilities."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmin(as_input(x), self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    """Gaussian error linear unit: y = x * Phi(x), Phi the normal CDF;  dy/dx = Phi(x) + x * phi(x).

    ``approximate="tanh"``: y = x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(as_input(x), approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """Sigmoid-weighted linear unit (swish): y = x * sigmoid(x);  dy/dx = s (1 + x (1 - s))."""

    def forward(self, x):
        return F.silu(as_input(x))


class Mish(Module):
    """Mish: y = x * tanh(softplus(x))."""

    def forward(self, x):
        return F.mish(as_input(x))


class SELU(Module):
    """Scaled ELU: y = scale * (x for x > 0, alpha (e^x - 1) otherwise), alpha ~ 1.6733, scale ~ 1.0507
    (chosen so activations keep mean 0 and variance 1 through many layers)."""

    def forward(self, x):
        return F.selu(as_input(x))


class CELU(Module):
    """Continuously differentiable ELU: y = max(0, x) + min(0, alpha (e^(x/alpha) - 1))."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.celu(as_input(x), self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Hardtanh(Module):
    """y = x limited to [min_val, max_val] (default [-1, 1]);  dy/dx = 1 strictly inside, 0 outside."""

    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x):
        return F.hardtanh(as_input(x), self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Module):
    """y = min(max(0, x), 6): a ReLU capped at 6."""

    def forward(self, x):
        return F.relu6(as_input(x))


class Hardsigmoid(Module):
    """Piecewise-linear sigmoid: 0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between."""

    def forward(self, x):
        return F.hardsigmoid(as_input(x))


class Hardswish(Module):
    """y = x * hardsigmoid(x): 0 for x <= -3, x for x >= 3, x (x + 3) / 6 between."""

    def forward(self, x):
        return F.hardswish(as_input(x))


class LogSigmoid(Module):
    """y = ln(sigmoid(x)) = -softplus(-x);  dy/dx = sigmoid(-x)."""

    def forward(self, x):
        return F.logsigmoid(as_input(x))


class Softsign(Module):
    """y = x / (1 + |x|);  dy/dx = 1 / (1 + |x|)^2."""

    def forward(self, x):
        return F.softsign(as_input(x))


class RReLU(Module):
    """Randomized leaky ReLU: y = x for x >= 0, a * x below.

    While training, each element draws its own slope a uniformly from [lower, upper]
    (noise that regularises, like dropout); in eval mode a is the mean slope
    (lower + upper) / 2, so the layer is deterministic.
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3):
        super().__init__()
        self.lower, self.upper = lower, upper

    def forward(self, x):
        return F.rrelu(as_input(x), self.lower, self.upper, training=self.training)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}"
