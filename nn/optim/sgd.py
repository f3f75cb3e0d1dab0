"""Stochastic gradient descent, with momentum and weight decay."""

from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Gradient descent: step against the gradient, ``SGD(params, lr=1e-3, momentum=0, dampening=0,
    weight_decay=0, nesterov=False)``.

    With g = dL/dp for the current batch, each step (as PyTorch):

        g <- g + weight_decay * p                       (L2 penalty, if weight_decay)
        b <- g                         at the first step (momentum buffer, if momentum)
        b <- momentum * b + (1 - dampening) * g         afterwards
        g <- g + momentum * b   (nesterov)   or   g <- b
        p <- p - lr * g

    Plain SGD (momentum 0) is the lectures' w <- w - lr * dE/dw.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _check_settings(self, group):
        super()._check_settings(group)
        self._check_nonnegative(group, "momentum", "dampening", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening = 0")

    def _update(self, p, grad, state, group):
        xp = p.backend.xp
        work = self._work_array(p)  # lr * g and (1 - dampening) * g are written here: no fresh memory
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.data
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= momentum
                buf += xp.multiply(grad, 1.0 - group["dampening"], out=work)
            grad = grad + momentum * buf if group["nesterov"] else buf
        p.data -= xp.multiply(grad, group["lr"], out=work)  # p <- p - lr * g
