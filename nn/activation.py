"""Activation layers: the non-linearities between layers, as modules.

Each wraps the op of the same name in ``autograd.functional``, so
``nn.ReLU()(x)`` and ``F.relu(x)`` compute the same thing; the module form
fits in ``nn.Sequential``.
"""

import autograd as ag
import autograd.functional as F

from .linear import as_input
from .module import Module, Parameter

__all__ = ["ELU", "LeakyReLU", "LogSoftmax", "PReLU", "ReLU", "Sigmoid", "Softmax", "Softplus", "Tanh"]


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
        self.weight = Parameter(ag.full((self.num_parameters,), init, dtype=dtype, device=device))

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
