"""Adagrad: each weight's step shrinks with the sum of its squared gradients so far."""

from .optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, ``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)``.

    With g = dL/dp and t the step number (1, 2, ...), each step (as PyTorch):

        g <- g + weight_decay * p                    (L2 penalty, if weight_decay)
        lr_t = lr / (1 + (t - 1) * lr_decay)
        G <- G + g^2                                 (G0 = initial_accumulator_value)
        p <- p - lr_t * g / (sqrt(G) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        defaults = dict(
            lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, eps=eps,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_settings(self, group):
        super()._check_settings(group)
        self._check_nonnegative(group, "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(self, p, grad, state, group):
        xp = p.backend.xp
        if not state:
            state["step"] = 0
            state["sum"] = xp.full_like(p.data, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.data
        lr_t = group["lr"] / (1.0 + (state["step"] - 1) * group["lr_decay"])
        G = state["sum"]
        G += grad * grad
        p.data -= lr_t * grad / (xp.sqrt(G) + group["eps"])
