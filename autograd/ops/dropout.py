"""Dropout: during training, zero each activation with probability p and scale the rest by 1/(1-p)."""

from ..function import Function
from ._util import constant


class Dropout(Function):
    """y = a * m / (1 - p), m ~ Bernoulli(1 - p)  ->  dL/da = dL/dy * m / (1 - p)

    The scaling keeps the expected activation unchanged, so nothing needs to
    change at evaluation time, when dropout does nothing.
    """

    name = "dropout"

    def forward(self, a, p=0.5):
        self.p = p
        keep = self.backend.random().random(a.shape, dtype=a.dtype) >= p
        self.scale = keep.astype(a.dtype) * (1.0 / (1.0 - p)) if p < 1 else keep.astype(a.dtype)
        return a * self.scale

    def backward(self, grad):
        return grad * constant(self.scale, grad)

    def describe(self):
        return {"p": self.p}


def dropout(input, p=0.5, training=True):
    """Randomly zero activations with probability ``p`` while training; identity otherwise."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be between 0 and 1, got {p}")
    if not training or p == 0.0:
        return input
    return Dropout.apply(input, p=p)
