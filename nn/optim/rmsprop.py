"""RMSprop: divide each step by a running root-mean-square of recent gradients."""

from .optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, ``RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)``.

    With g = dL/dp, each step (as PyTorch):

        g <- g + weight_decay * p                        (L2 penalty, if weight_decay)
        s <- alpha * s + (1 - alpha) * g^2               (running mean of g^2, s0 = 0)
        a <- alpha * a + (1 - alpha) * g                 (centered only: running mean of g)
        r  = sqrt(s - a^2) + eps   (centered)   or   sqrt(s) + eps
        b <- momentum * b + g / r,   p <- p - lr * b     (with momentum, b0 = 0)
        p <- p - lr * g / r                              (without)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check_settings(self, group):
        super()._check_settings(group)
        if not 0 <= group["alpha"] <= 1:
            raise ValueError(f"RMSprop: alpha must lie in [0, 1], got {group['alpha']}")
        self._check_nonnegative(group, "eps", "weight_decay", "momentum")

    def _update(self, p, grad, state, group):
        xp = p.backend.xp
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(p.data)
            if momentum:
                state["momentum_buffer"] = xp.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(p.data)
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.data
        s = state["square_avg"]
        s *= alpha
        s += (1.0 - alpha) * grad * grad
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1.0 - alpha) * grad
            rms = xp.sqrt(s - a * a) + eps
        else:
            rms = xp.sqrt(s) + eps
        if momentum:
            b = state["momentum_buffer"]
            b *= momentum
            b += grad / rms
            p.data -= group["lr"] * b
        else:
            p.data -= group["lr"] * grad / rms
