"""``Dropout``: randomly zero activations while training, as regularisation."""

import autograd.functional as F

from .linear import as_input
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """In training, y = x * m / (1 - p) with m_i ~ Bernoulli(1 - p); in evaluation, y = x.

    Each activation is dropped with probability ``p``; the survivors are scaled
    by 1/(1 - p) so the expected value of y equals x, and nothing needs to
    change at test time. ``model.eval()`` switches it off.
    """

    def __init__(self, p=0.5):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p is a probability and must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        return F.dropout(as_input(x), p=self.p, training=self.training)

    def extra_repr(self):
        return f"p={self.p}"
