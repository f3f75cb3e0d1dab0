"""Gradient clipping: keep one bad batch (or an exploding RNN gradient) from throwing the weights far away.

Backpropagation through time multiplies by W_hh once per step, so in a
recurrent network the gradient can grow like |W_hh|^T. Clipping rescales it
before the optimizer's step; the direction is kept (by norm) or each entry
is capped (by value).
"""

import math

import numpy as np

from autograd import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Rescale the gradients in place so that their total norm is at most ``max_norm``; return the total norm.

    total = ( sum over all gradient entries g of |g|^p )^(1/p)   (p = norm_type; inf: the largest |g|)
    if total > max_norm:   g <- g * max_norm / (total + 1e-6)    for every gradient

    As ``torch.nn.utils.clip_grad_norm_``: the norm of all gradients taken
    together, as if they were one long vector; returned (before clipping) as a
    0-d tensor.
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(0.0)
    xp = grads[0]._backend.xp
    if math.isinf(norm_type):
        norms = [xp.abs(g.data).max() if g.data.size else xp.zeros((), g.data.dtype) for g in grads]
        total = xp.max(xp.stack(norms))
    else:
        norms = [xp.sum(xp.abs(g.data) ** norm_type) for g in grads]
        total = xp.sum(xp.stack(norms)) ** (1.0 / norm_type)
    total_value = float(total)
    if error_if_nonfinite and not np.isfinite(total_value):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total_value}; "
            f"some gradient is inf or nan. Look at the loss (nan?) and the learning rate, or set "
            f"error_if_nonfinite=False to clip anyway."
        )
    coef = float(max_norm) / (total_value + 1e-6)
    if coef < 1.0:
        for g in grads:
            g.data *= g.data.dtype.type(coef)
    return Tensor._make(xp.asarray(total, dtype=grads[0].data.dtype), grads[0]._backend, False, None)


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient entry into [-clip_value, clip_value], in place:  g <- min(max(g, -c), c)."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g._backend.xp.clip(g.data, -clip_value, clip_value, out=g.data)
