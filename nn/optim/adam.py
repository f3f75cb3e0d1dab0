"""Adam and AdamW: momentum on the gradient, a step size scaled per weight by recent gradient sizes."""

from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam, ``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)``.

    With g = dL/dp and t the step number (1, 2, ...), each step (as PyTorch):

        g <- g + weight_decay * p                   (L2 penalty, if weight_decay)
        m <- beta1 * m + (1 - beta1) * g            (running mean of the gradient, m0 = 0)
        v <- beta2 * v + (1 - beta2) * g^2          (running mean of its square, v0 = 0)
        v_max <- max(v_max, v)                      (amsgrad only; then v_max replaces v below)
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)     (bias corrections)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        betas = tuple(betas) if isinstance(betas, (tuple, list)) else betas  # anything else: refused by the check
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check_settings(self, group):
        super()._check_settings(group)
        beta1, beta2 = group["betas"]
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"{type(self).__name__}: betas must lie in [0, 1), got {group['betas']}")
        self._check_nonnegative(group, "eps", "weight_decay")

    def _update(self, p, grad, state, group):
        xp = p.backend.xp
        lr, (beta1, beta2), eps, decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(p.data)
            state["exp_avg_sq"] = xp.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        if decay and self._decoupled:
            p.data *= 1.0 - lr * decay
        elif decay:
            grad = grad + decay * p.data
        m, v = state["exp_avg"], state["exp_avg_sq"]
        work = self._work_array(p)  # every weights-sized intermediate goes here: no fresh memory per step
        m *= beta1
        m += xp.multiply(grad, 1.0 - beta1, out=work)
        v *= beta2
        xp.multiply(grad, 1.0 - beta2, out=work)
        work *= grad
        v += work
        if group["amsgrad"]:
            xp.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        step_size = lr / (1.0 - beta1**t)
        denom = xp.sqrt(v, out=work)
        denom /= (1.0 - beta2**t) ** 0.5
        denom += eps
        update = xp.divide(m, denom, out=work)  # m_hat / (sqrt(v_hat) + eps), times lr below
        update *= step_size
        p.data -= update


class AdamW(Adam):
    r"""Adam with decoupled weight decay, ``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
    weight_decay=1e-2, amsgrad=False)``.

    The weights shrink directly instead of through the gradient, so the decay is not rescaled by
    Adam's per-weight step sizes (Loshchilov & Hutter):

        p <- p - lr * weight_decay * p
        then Adam's step (above) with g = dL/dp, no L2 term added to g.
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
