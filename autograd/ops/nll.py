"""The negative log-likelihood of each sample's own class, weighted: the last step of cross-entropy.

With log-probabilities a of shape (N, C), class indices t (N,) and a weight v_i
per sample (1/N for the mean), the loss picks one number from each row:

    y = -sum_i v_i * a[i, t_i]

Only the picked entries get a gradient. ``nll`` and ``nll_grad`` are each
other's backward, as reading an entry and writing it back are.
"""

from ..function import Function
from ..tensor import as_tensor_like


class NLL(Function):
    """y = -sum_i v_i a[i, t_i]  ->  dL/da = zeros, with -dL/dy * v_i at (i, t_i)

    a: log-probabilities (N, C); t_i: the class of sample i; v_i: its weight.
    """

    name = "nll"

    def forward(self, a, target=None, weights=None):
        self.target, self.weights, self.shape = target, weights, a.shape
        rows = self.backend.xp.arange(a.shape[0])
        return -(weights * a[rows, target]).sum()

    def backward(self, grad):
        return NLLGrad.apply(grad, target=self.target, weights=self.weights, shape=self.shape)

    def describe(self):
        return {"samples": self.shape[0]}


class NLLGrad(Function):
    """z = zeros, with -v_i a at (i, t_i)  ->  dL/da = -sum_i v_i dL/dz[i, t_i]

    nll's backward rule as one op (a = dL/dy, the scalar gradient arriving at nll's output);
    its own backward is nll again.
    """

    name = "nll_grad"

    def forward(self, a, target=None, weights=None, shape=None):
        self.target, self.weights = target, weights
        xp = self.backend.xp
        out = xp.zeros(shape, dtype=a.dtype)
        out[xp.arange(shape[0]), target] = -weights * a  # one entry per row: nothing to add up
        return out

    def backward(self, grad):
        return NLL.apply(grad, target=self.target, weights=self.weights)


def nll(log_probs, target, weights):
    """-sum_i weights_i * log_probs[i, target_i] for log-probabilities (N, C) and class indices (N,).

    ``target`` and ``weights`` are arrays or tensors (they get no gradient);
    weights 1/N give the mean negative log-likelihood, the cross-entropy of
    one-hot targets.
    """
    target = _array(target, log_probs)
    weights = _array(weights, log_probs).astype(log_probs.dtype, copy=False)
    if target.dtype.kind not in "iu":
        raise TypeError(f"nll: class indices must be integers, got {target.dtype}")
    n = log_probs.shape[0] if log_probs.ndim == 2 else None
    if n is None or target.shape != (n,) or weights.shape != (n,):
        raise ValueError(
            f"nll: needs log-probabilities of shape (N, C) with class indices and weights of shape (N,), "
            f"got {log_probs.shape}, {target.shape} and {weights.shape}"
        )
    return NLL.apply(log_probs, target=target, weights=weights)


def _array(value, like):
    """``value`` (a Tensor, an array or a list) as an array on ``like``'s device."""
    if isinstance(value, like.backend.xp.ndarray):  # (the loss passes its weights as an array)
        return value
    return as_tensor_like(value, like).data
