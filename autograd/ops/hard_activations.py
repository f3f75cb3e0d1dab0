"""Piecewise-linear activations: hardtanh, relu6, hardsigmoid, hardswish, and rrelu.

They are cheap to compute (no exponentials), which is why mobile networks use
them. At each kink the derivative follows PyTorch: the flat side wins.
"""

from ..function import Function
from ._util import constant


class HardTanh(Function):
    """y = min(max(a, lo), hi)  ->  dL/da = dL/dy where lo < a < hi, else 0"""

    name = "hardtanh"

    def forward(self, a, min_val=-1.0, max_val=1.0):
        self.min_val, self.max_val = min_val, max_val
        self.inside = (a > min_val) & (a < max_val)
        return self.backend.xp.clip(a, min_val, max_val).astype(a.dtype, copy=False)

    def backward(self, grad):
        return grad * constant(self.inside, grad)

    def describe(self):
        return {"min": self.min_val, "max": self.max_val}


class HardSigmoid(Function):
    """y = relu6(a + 3) / 6 (0 below -3, 1 above 3, linear between)  ->  dL/da = dL/dy / 6 where -3 < a < 3, else 0"""

    name = "hardsigmoid"

    def forward(self, a):
        self.slope = (((a > -3) & (a < 3)) / 6.0).astype(a.dtype)
        return (self.backend.xp.clip(a + 3.0, 0.0, 6.0) / 6.0).astype(a.dtype, copy=False)

    def backward(self, grad):
        return grad * constant(self.slope, grad)


class HardSwish(Function):
    """y = a * relu6(a + 3) / 6  ->  dL/da = dL/dy * (0 for a <= -3, a/3 + 1/2 for -3 < a < 3, 1 for a >= 3)"""

    name = "hardswish"

    def forward(self, a):
        return (a * self.backend.xp.clip(a + 3.0, 0.0, 6.0) / 6.0).astype(a.dtype, copy=False)

    def backward(self, grad):
        from .elementwise import where

        a = self.inputs[0]
        middle = (a.data > -3) & (a.data < 3)
        return grad * where(middle, a * (1.0 / 3.0) + 0.5, constant((a.data >= 3).astype(a.dtype), a))


class RReLU(Function):
    """y = a for a > 0, slope * a otherwise (slope random per element in training)  ->  dL/da = dL/dy * (1 or slope)"""

    name = "rrelu"

    def forward(self, a, lower=1.0 / 8, upper=1.0 / 3, training=False):
        self.lower, self.upper, self.training = lower, upper, training
        xp = self.backend.xp
        if training:
            slopes = self.backend.random().uniform(lower, upper, a.shape).astype(a.dtype)
        else:
            slopes = xp.asarray((lower + upper) / 2, dtype=a.dtype)
        # at 0 the slope, as PyTorch
        self.slope = xp.where(a > 0, xp.asarray(1, dtype=a.dtype), slopes).astype(a.dtype, copy=False)
        return a * self.slope

    def backward(self, grad):
        return grad * constant(self.slope, grad)

    def describe(self):
        return {"lower": self.lower, "upper": self.upper, "training": self.training}


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """x limited to [min_val, max_val]; the gradient is 1 strictly inside, 0 elsewhere (as PyTorch)."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    return HardTanh.apply(input, min_val=min_val, max_val=max_val)


def relu6(input):
    """min(max(0, x), 6): a ReLU that saturates at 6; the gradient is 1 for 0 < x < 6."""
    return HardTanh.apply(input, min_val=0.0, max_val=6.0)


def hardsigmoid(input):
    """A piecewise-linear sigmoid: 0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between."""
    return HardSigmoid.apply(input)


def hardswish(input):
    """x * hardsigmoid(x): 0 for x <= -3, x for x >= 3, x (x + 3) / 6 between."""
    return HardSwish.apply(input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """Randomized leaky ReLU: for x < 0 the slope is drawn uniformly from [lower, upper] per element
    while training, and is the mean slope (lower + upper) / 2 in evaluation."""
    if not 0 <= lower <= upper:
        raise ValueError(f"rrelu: need 0 <= lower <= upper, got lower={lower}, upper={upper}")
    return RReLU.apply(input, lower=lower, upper=upper, training=bool(training))
