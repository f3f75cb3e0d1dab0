"""Loss functions: how far the predictions are from the targets, as one number to minimise.

Every loss is written with autograd ops, so ``loss.backward()`` (and second
derivatives) come from the engine. Each has a class (``nn.MSELoss()``, used like
a layer) and a function (``nn.losses.mse_loss(pred, target)``), with PyTorch's
names, arguments and numbers.

``reduction`` says how the per-element losses l_i become one number:
``"mean"`` (the average, the default), ``"sum"``, or ``"none"`` (keep them all).

>>> import autograd as ag, nn
>>> pred = ag.tensor([[2.0], [0.5]], requires_grad=True)
>>> target = ag.tensor([[1.0], [0.5]])
>>> nn.MSELoss()(pred, target)           # ((2 - 1)^2 + 0^2) / 2
tensor(0.5, dtype=float32, device=cpu, grad_fn=<MeanBackward>)

Shapes must match exactly: a prediction of shape (N, 1) against a target of
shape (N,) would broadcast to (N, N) and give a silently wrong loss, so it is
an error here.
"""

import numpy as np

import autograd.functional as F
from autograd import Tensor

from .module import Module

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CategoricalCrossentropy", "CrossEntropyLoss", "HuberLoss", "KLDivLoss",
    "L1Loss", "MSELoss", "NLLLoss", "SparseCategoricalCrossentropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss", "kl_div", "l1_loss", "mse_loss", "nll_loss",
]  # fmt: skip

_REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------------------- checks shared by the losses
def _check_reduction(reduction, loss, allowed=_REDUCTIONS):
    if reduction not in allowed:
        raise ValueError(f"{loss}: reduction must be one of {', '.join(map(repr, allowed))}, got {reduction!r}")


def _check_input(input, loss):
    if not isinstance(input, Tensor):
        raise TypeError(f"{loss}: the prediction must be a Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(
            f"{loss}: the prediction has dtype {input.dtype}; losses need floating-point predictions "
            f"(the output of a layer), convert with .float()"
        )


def _as_target(target, input, loss):
    """The target as a Tensor on the prediction's device (lists and arrays are converted)."""
    if not isinstance(target, Tensor):
        target = Tensor(target, device=input.device)
    elif target.device != input.device:
        raise RuntimeError(
            f"{loss}: the prediction is on {input.device} but the target is on {target.device}; "
            f"move the target with target.to({input.device!r})"
        )
    return target


def _float_target(target, input, loss):
    """A real-valued target: floats only (converted to the prediction's float type)."""
    target = _as_target(target, input, loss)
    if target.dtype.kind != "f":
        raise TypeError(
            f"{loss}: the target has dtype {target.dtype}, but this loss compares real values and needs a "
            f"floating-point target of the prediction's dtype ({input.dtype}); convert it with target.float()"
        )
    return target.astype(input.dtype)


def _check_same_shape(input, target, loss):
    if input.shape == target.shape:
        return
    try:
        would_be = f"they would broadcast to {tuple(np.broadcast_shapes(input.shape, target.shape))}, "
    except ValueError:
        would_be = ""
    hint = ""
    if input.shape == target.shape + (1,):
        hint = f" (e.g. target.reshape({', '.join(map(str, input.shape))}) or prediction.squeeze({input.ndim - 1}))"
    elif target.shape == input.shape + (1,):
        hint = f" (e.g. target.squeeze({target.ndim - 1}))"
    raise ValueError(
        f"{loss}: the prediction has shape {input.shape} but the target has shape {target.shape}; "
        f"{would_be}which would compare every prediction with every target and give a wrong loss. "
        f"Make the two shapes equal{hint}."
    )


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _broadcast_weight(weight, input, loss, what):
    """A weight (list, array or Tensor) as a Tensor of the prediction's dtype and device."""
    if weight is None:
        return None
    if not isinstance(weight, Tensor):
        weight = Tensor(weight, dtype=input.dtype, device=input.device)
    if weight.device != input.device:
        raise RuntimeError(
            f"{loss}: {what} is on {weight.device} but the prediction is on {input.device}; move the loss "
            f"with loss_fn.to({input.device!r}) (or the {what} with {what}.to({input.device!r}))"
        )
    return weight.astype(input.dtype)


def _log_clamped(p):
    """ln(p) limited to >= -100, as PyTorch's BCELoss: p = 0 gives -100, never -inf or a NaN gradient."""
    positive = p > 0
    safe = F.where(positive, p, 1.0)  # keeps log(0) out of the forward and 1/0 out of the backward
    return F.clip(F.where(positive, F.log(safe), -100.0), min=-100.0)


# --------------------------------------------------------------------------- regression losses
def mse_loss(input, target, reduction="mean"):
    """Mean squared error: l_i = (x_i - y_i)^2, then reduced (mean by default)."""
    loss = "mse_loss"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    target = _float_target(target, input, loss)
    _check_same_shape(input, target, loss)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: l_i = |x_i - y_i| (less swayed by outliers than the squared error)."""
    loss = "l1_loss"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    target = _float_target(target, input, loss)
    _check_same_shape(input, target, loss)
    return _reduce(F.abs(input - target), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """Huber loss: squared near the target, absolute far from it. With d = x_i - y_i,

    l_i = d^2 / 2                    if |d| < delta
    l_i = delta * (|d| - delta / 2)  otherwise
    """
    loss = "huber_loss"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    if not delta > 0:
        raise ValueError(f"{loss}: delta must be positive, got {delta}")
    target = _float_target(target, input, loss)
    _check_same_shape(input, target, loss)
    diff = input - target
    size = F.abs(diff)
    losses = F.where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))
    return _reduce(losses, reduction)


# --------------------------------------------------------------------------- binary classification
def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Binary cross-entropy of probabilities p_i (e.g. a sigmoid's output) and targets y_i in [0, 1]:

    l_i = -w_i * (y_i * ln(p_i) + (1 - y_i) * ln(1 - p_i)),   each ln clamped to >= -100 as PyTorch.
    """
    loss = "binary_cross_entropy"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    target = _float_target(target, input, loss)
    _check_same_shape(input, target, loss)
    xp = input.backend.xp
    outside = (input.data < 0) | (input.data > 1) | xp.isnan(input.data)
    # on a GPU, checking would stop it every step: there a value outside [0, 1] makes the loss NaN instead
    if input.backend.eager_checks and input.numel() and bool(xp.any(outside)):
        raise ValueError(
            f"{loss}: the prediction must be probabilities in [0, 1], got values in "
            f"[{float(xp.nanmin(input.data)):.4g}, {float(xp.nanmax(input.data)):.4g}]. "
            f"Apply a sigmoid first, or use BCEWithLogitsLoss on the raw scores (more stable)."
        )
    if input.backend.eager_checks and target.numel():  # PyTorch refuses such targets too
        t = target.data
        if bool(xp.any((t < 0) | (t > 1) | xp.isnan(t))):
            raise ValueError(
                f"{loss}: targets must lie in [0, 1] (1 for the positive class, 0 for the negative, or a "
                f"probability between), got values in [{float(xp.nanmin(t)):.4g}, {float(xp.nanmax(t)):.4g}]"
                + (" and NaN" if bool(xp.isnan(t).any()) else "")
                + ". Map class labels to 0/1 first, e.g. target = (labels == positive_class).float()"
            )
    losses = -(target * _log_clamped(input) + (1.0 - target) * _log_clamped(1.0 - input))
    if not input.backend.eager_checks:
        losses = F.where(outside, xp.nan, losses)
    weight = _broadcast_weight(weight, input, loss, "weight")
    if weight is not None:
        losses = losses * weight
    return _reduce(losses, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy of raw scores (logits) x_i, with the sigmoid built in, computed without overflow:

    l_i = -w_i * (pos_weight * y_i * ln(sigmoid(x_i)) + (1 - y_i) * ln(1 - sigmoid(x_i)))
        =  w_i * (pos_weight * y_i * softplus(-x_i) + (1 - y_i) * softplus(x_i))

    where softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|) never overflows (x = +-100 is fine).
    Without pos_weight this is max(x, 0) - x * y + ln(1 + e^-|x|).
    """
    loss = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    target = _float_target(target, input, loss)
    _check_same_shape(input, target, loss)
    pos_weight = _broadcast_weight(pos_weight, input, loss, "pos_weight")
    if pos_weight is None:
        losses = F.softplus(input) - input * target
    else:
        losses = pos_weight * target * F.softplus(-input) + (1.0 - target) * F.softplus(input)
    weight = _broadcast_weight(weight, input, loss, "weight")
    if weight is not None:
        losses = losses * weight
    return _reduce(losses, reduction)


# --------------------------------------------------------------------------- multi-class classification
def _all_counted(t, n_classes, ignore_index, backend):
    """True when every class index in ``t`` lies in [0, C) and none is ``ignore_index``: the common case.

    Two reductions (min and max) say so without building masks. Only where values may be
    read back (the CPU): on a GPU that would stop it every step, and the masks are built.
    """
    if not backend.eager_checks or t.size == 0 or 0 <= ignore_index < n_classes:
        return False
    return 0 <= t.min() and t.max() < n_classes


def _picked_losses(log_probs, t, valid, bad, weight, reduction, unbatched, loss):
    """l_i = -w_(t_i) * log_probs_(i, t_i): each sample's log-probability of its own class t_i.

    The same numbers as the one-hot form below, but picked out directly, by one
    op (``F.nll``) when the losses are summed or averaged. Ignored
    targets pick class 0 and count with weight 0; a class index out of range
    (only possible on a GPU, where it is not checked) makes its loss NaN.
    ``valid`` and ``bad`` mark the counted and the out-of-range targets, or are
    None when every target counts.
    """
    xp = log_probs.backend.xp
    n_classes = log_probs.shape[1]
    scores = log_probs  # (N, C), or (N, C, d1, ...) with the classes moved last and flattened
    if log_probs.ndim > 2:
        scores = log_probs.permute(0, *range(2, log_probs.ndim), 1).reshape(-1, n_classes)
    weight = _broadcast_weight(weight, log_probs, loss, "weight")
    if weight is not None and weight.shape != (n_classes,):
        raise ValueError(f"{loss}: weight must hold one number per class, shape ({n_classes},), got {weight.shape}")
    if valid is None:  # every target is a class index and counts (see _all_counted): no masks
        safe = t.reshape(-1)
        if weight is None and reduction == "mean":  # the plain mean: 1/N each
            return F.nll(scores, safe, xp.full(safe.shape, 1.0 / safe.size, dtype=log_probs.dtype))
        w = xp.ones(t.shape, dtype=log_probs.dtype) if weight is None else weight.data[safe].reshape(t.shape)
    else:
        checked = log_probs.backend.eager_checks  # then no index is out of range: it would have raised
        kept = valid if checked else valid & ~bad
        safe = xp.where(kept, t, 0).reshape(-1)
        w = kept.astype(log_probs.dtype) if weight is None else weight.data[safe].reshape(t.shape) * kept
        if not checked:
            w = xp.where(bad, xp.nan, w).astype(log_probs.dtype, copy=False)
    if reduction == "none":
        picked = scores[xp.arange(safe.shape[0]), safe].reshape(t.shape)
        losses = -(picked * Tensor._make(w, log_probs.backend, False, None))
        return losses.reshape(losses.shape[1:]) if unbatched else losses
    w = w.reshape(-1)
    if reduction == "mean":  # PyTorch's weighted mean: divided by the weights of the counted targets
        w = w / w.sum()  # on the device: no host copy
    return F.nll(scores, safe, w)


def _class_losses(log_probs, target, weight, ignore_index, reduction, label_smoothing, loss, allow_probs):
    """The weighted negative log-likelihood shared by cross_entropy and nll_loss.

    With q_ic the target distribution of sample i (one-hot of its class index, or the given
    probabilities, smoothed to (1 - eps) q_ic + eps / C) and w_c the class weights (1 by default):

        l_i = -sum_c w_c * q_ic * log_probs_ic

    "mean" divides the sum of l_i by sum_i w_(t_i) for class-index targets (ignored ones left out),
    which is PyTorch's weighted mean, and by the number of samples for probability targets.
    Class-index targets without label smoothing take the shorter road of ``_picked_losses``.
    """
    xp = log_probs.backend.xp
    unbatched = log_probs.ndim == 1
    if unbatched:  # a single sample of C scores
        log_probs = log_probs.unsqueeze(0)
    if log_probs.ndim < 2 or log_probs.shape[1] == 0:
        raise ValueError(f"{loss}: the input must have shape (N, C) or (N, C, d1, ...), got {log_probs.shape}")
    n_classes = log_probs.shape[1]
    target = _as_target(target, log_probs, loss)
    if unbatched:
        target = target.reshape((1,) + target.shape)
    index_shape = log_probs.shape[:1] + log_probs.shape[2:]
    in_shape = log_probs.shape[1:] if unbatched else log_probs.shape
    out_shape = index_shape[1:] if unbatched else index_shape
    if allow_probs and target.shape == log_probs.shape:
        if target.dtype.kind != "f":
            raise TypeError(
                f"{loss}: the target has the input's shape {in_shape}, so it is read as class probabilities "
                f"(e.g. one-hot rows), but its dtype is {target.dtype}. Use target.float(), or pass class "
                f"indices of shape {out_shape}."
            )
        q = target.astype(log_probs.dtype)
        onehot = None
    elif target.shape == index_shape:
        if target.dtype.kind not in "iu":
            probs_hint = f", or probabilities of the input's shape {in_shape}" if allow_probs else ""
            raise TypeError(
                f"{loss}: the target has shape {out_shape}, so it is read as class indices, but its dtype is "
                f"{target.dtype}; class indices must be integers: use target.long(){probs_hint}."
            )
        t = target.data
        if not label_smoothing and _all_counted(t, n_classes, ignore_index, log_probs.backend):
            return _picked_losses(log_probs, t, None, None, weight, reduction, unbatched, loss)
        valid = t != ignore_index
        bad = valid & ((t < 0) | (t >= n_classes))
        # on a GPU, checking would stop it every step: there a bad index makes the loss NaN (see below)
        if log_probs.backend.eager_checks and bool(bad.any()):
            raise IndexError(
                f"{loss}: the target holds class index {int(t[bad].reshape(-1)[0])}, but the input has "
                f"{n_classes} classes (indices 0 to {n_classes - 1})"
            )
        if not label_smoothing:  # the common case: each sample's own class, picked out
            return _picked_losses(log_probs, t, valid, bad, weight, reduction, unbatched, loss)
        classes = xp.arange(n_classes).reshape((1, n_classes) + (1,) * (t.ndim - 1))
        keep = Tensor(xp.expand_dims(xp.where(bad, xp.nan, valid), 1), dtype=log_probs.dtype, device=log_probs.device)
        # one-hot rows of the targets; an ignored target's row is all zeros
        onehot = Tensor(xp.expand_dims(t, 1) == classes, dtype=log_probs.dtype, device=log_probs.device) * keep
        q = onehot
    else:
        expected = f"class indices of shape {out_shape}"
        if allow_probs:
            expected += f" or class probabilities of shape {in_shape}"
        got = target.shape[1:] if unbatched else target.shape
        raise ValueError(f"{loss}: the input has shape {in_shape}, so the target must be {expected}; got {got}")
    if label_smoothing:
        q = q * (1.0 - label_smoothing) + label_smoothing / n_classes
        if onehot is not None:
            q = q * keep  # ignored targets count for nothing, smoothed or not
    weight = _broadcast_weight(weight, log_probs, loss, "weight")
    if weight is not None:
        if weight.shape != (n_classes,):
            raise ValueError(f"{loss}: weight must hold one number per class, shape ({n_classes},), got {weight.shape}")
        weight = weight.reshape((1, n_classes) + (1,) * (log_probs.ndim - 2))
        q = q * weight
    losses = -(q * log_probs).sum(axis=1)
    if unbatched:
        losses = losses.reshape(losses.shape[1:])
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    if onehot is None:  # probability targets: the mean over samples
        return total / (log_probs.numel() // n_classes)
    if weight is None:  # the mean over the targets that are not ignored
        # divided on the device: int(valid.sum()) would copy the count to the host every step
        return total / Tensor(valid.sum(), dtype=log_probs.dtype, device=log_probs.device)
    return total / (onehot * weight).sum()  # sum_i w_(t_i) over the kept targets


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy of raw class scores (logits) x of shape (N, C) (or (N, C, d1, ...), or (C,)).

    The softmax is built in, through log_softmax, i.e. the log-sum-exp trick, so large scores
    never overflow:  ln softmax(x)_ic = x_ic - ln sum_k e^(x_ik).

    * integer targets t_i of shape (N,): l_i = -w_(t_i) * ln softmax(x)_(i, t_i)
    * probability targets y of shape (N, C): l_i = -sum_c w_c * y_ic * ln softmax(x)_ic

    ``weight`` (one number w_c per class) makes rare classes count more; with index targets
    "mean" is then sum_i l_i / sum_i w_(t_i), as PyTorch. ``ignore_index``: targets with this
    value count for nothing. ``label_smoothing`` eps mixes the target with the uniform
    distribution: y -> (1 - eps) y + eps / C. A class index outside [0, C) is an IndexError on
    the CPU; on a GPU that check would stop it every step, so there the loss becomes NaN.
    """
    loss = "cross_entropy"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{loss}: label_smoothing must be in [0, 1], got {label_smoothing}")
    log_probs = F.log_softmax(input, axis=0 if input.ndim == 1 else 1)
    return _class_losses(log_probs, target, weight, ignore_index, reduction, label_smoothing, loss, True)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities (e.g. LogSoftmax's output) and class indices t_i:

    l_i = -w_(t_i) * input_(i, t_i);   "mean" is sum_i l_i / sum_i w_(t_i).

    ``log_softmax`` followed by ``nll_loss`` is ``cross_entropy``.
    """
    loss = "nll_loss"
    _check_reduction(reduction, loss)
    _check_input(input, loss)
    return _class_losses(input, target, weight, ignore_index, reduction, 0.0, loss, False)


def kl_div(input, target, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of the target distribution y from the model's, given as log-probabilities x:

    l_i = y_i * (ln y_i - x_i)        (0 where y_i = 0)
    l_i = e^(y_i) * (y_i - x_i)       with ``log_target=True`` (the target given as log-probabilities too)

    ``reduction="batchmean"`` divides the sum by the batch size N, which gives the true
    KL divergence per sample; "mean" (the average over all elements) is kept for PyTorch's sake.
    """
    loss = "kl_div"
    _check_reduction(reduction, loss, _REDUCTIONS + ("batchmean",))
    _check_input(input, loss)
    target = _float_target(target, input, loss)
    _check_same_shape(input, target, loss)
    if log_target:
        losses = F.exp(target) * (target - input)
    else:
        positive = target > 0
        safe = F.where(positive, target, 1.0)
        losses = F.where(positive, target * F.log(safe), 0.0) - target * input
    if reduction == "batchmean":
        return losses.sum() / input.shape[0] if input.ndim else losses.sum()
    return _reduce(losses, reduction)


# --------------------------------------------------------------------------- the loss modules
class _Loss(Module):
    """A loss as a module: ``loss_fn = nn.MSELoss(); loss = loss_fn(prediction, target)``."""

    def __init__(self, reduction="mean"):
        super().__init__()
        _check_reduction(reduction, type(self).__name__, self._reductions)
        self.reduction = reduction

    _reductions = _REDUCTIONS

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


def _as_buffer(weight):
    """Class or element weights kept as a buffer, so ``loss_fn.to("cuda")`` moves them too."""
    if weight is None or isinstance(weight, Tensor):
        return weight
    weight = Tensor(weight)  # an array keeps its dtype; a list takes the default float dtype
    if weight.dtype.kind != "f":
        weight = weight.float()
    return weight


class MSELoss(_Loss):
    """Mean squared error, l_i = (x_i - y_i)^2, the regression loss of the lectures (see ``mse_loss``)."""

    def forward(self, input, target):
        return mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, l_i = |x_i - y_i| (see ``l1_loss``)."""

    def forward(self, input, target):
        return l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """l_i = d^2 / 2 if |d| < delta else delta (|d| - delta / 2), with d = x_i - y_i (see ``huber_loss``)."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self):
        return f"reduction={self.reduction!r}, delta={self.delta}"


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities: l_i = -w_i (y_i ln p_i + (1 - y_i) ln(1 - p_i)).

    See ``binary_cross_entropy``; on raw scores prefer ``BCEWithLogitsLoss`` (stabler).
    """

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))

    def forward(self, input, target):
        return binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable step:
    l_i = w_i (pos_weight y_i softplus(-x_i) + (1 - y_i) softplus(x_i)) (see ``binary_cross_entropy_with_logits``).
    """

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))
        self.register_buffer("pos_weight", _as_buffer(pos_weight))

    def forward(self, input, target):
        return binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class CrossEntropyLoss(_Loss):
    """Softmax + negative log-likelihood of logits: l_i = -w_(t_i) ln softmax(x_i)_(t_i) (see ``cross_entropy``).

    Targets are class indices (integers, shape (N,)) or class probabilities (floats, the logits' shape).
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)

    def extra_repr(self):
        extra = f", label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return f"reduction={self.reduction!r}{extra}"


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities: l_i = -w_(t_i) x_(i, t_i) (see ``nll_loss``)."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", _as_buffer(weight))
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class KLDivLoss(_Loss):
    """KL divergence l_i = y_i (ln y_i - x_i) of log-probabilities x (see ``kl_div``); use reduction="batchmean"."""

    _reductions = _REDUCTIONS + ("batchmean",)

    def __init__(self, reduction="mean", log_target=False):
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return kl_div(input, target, self.reduction, self.log_target)


# --------------------------------------------------------------------------- Keras names
_KERAS_EPS = 1e-7


class CategoricalCrossentropy(_Loss):
    """Keras' categorical cross-entropy: targets y are probabilities (one-hot rows) of shape (N, C).

    By default the predictions p are probabilities too, as from a model ending in Softmax, as in
    Keras: l_i = -sum_c y_ic ln p_ic, with p clipped to [1e-7, 1 - 1e-7] as Keras does.
    ``from_logits=True`` takes raw scores instead and is ``cross_entropy`` (stabler).
    """

    def __init__(self, from_logits=False, reduction="mean"):
        super().__init__(reduction)
        self.from_logits = from_logits

    def forward(self, input, target):
        if self.from_logits:
            return cross_entropy(input, target, reduction=self.reduction)
        return _keras_probability_loss(input, target, self.reduction, type(self).__name__, True)

    def extra_repr(self):
        return f"from_logits={self.from_logits}, reduction={self.reduction!r}"


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Keras' sparse categorical cross-entropy: targets are class indices t_i (integers, shape (N,)).

    By default the predictions p are probabilities, as in Keras: l_i = -ln p_(i, t_i), p clipped
    to [1e-7, 1 - 1e-7]. ``from_logits=True`` takes raw scores and is ``cross_entropy``.
    """

    def forward(self, input, target):
        if self.from_logits:
            return cross_entropy(input, target, reduction=self.reduction)
        return _keras_probability_loss(input, target, self.reduction, type(self).__name__, False)


def _keras_probability_loss(input, target, reduction, loss, probability_targets):
    _check_input(input, loss)
    target = _as_target(target, input, loss)
    if probability_targets and target.dtype.kind != "f":
        raise TypeError(
            f"{loss}: the target has dtype {target.dtype}; it expects one-hot/probability rows as floats "
            f"(target.float()). For integer class indices use SparseCategoricalCrossentropy."
        )
    if probability_targets and target.shape != input.shape:
        raise ValueError(
            f"{loss}: the prediction has shape {input.shape} but the target has shape {target.shape}; it expects "
            f"one-hot rows of the prediction's shape (for class indices use SparseCategoricalCrossentropy)"
        )
    log_probs = F.log(F.clip(input, _KERAS_EPS, 1.0 - _KERAS_EPS))
    return _class_losses(log_probs, target, None, -100, reduction, 0.0, loss, probability_targets)


_BY_NAME = {
    "mse": MSELoss,
    "mean_squared_error": MSELoss,
    "mae": L1Loss,
    "mean_absolute_error": L1Loss,
    "huber": HuberLoss,
    "binary_crossentropy": BCELoss,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "cross_entropy": CrossEntropyLoss,
    "bce_with_logits": BCEWithLogitsLoss,
    "nll": NLLLoss,
    "kl_div": KLDivLoss,
}


def get(name_or_loss):
    """A loss from its Keras name (``"mse"``, ``"mae"``, ``"huber"``, ``"binary_crossentropy"``,
    ``"categorical_crossentropy"``, ``"sparse_categorical_crossentropy"``), a loss class (instantiated
    with its defaults), or a loss object or function (returned as is).

    As in Keras, the three cross-entropy names expect probabilities (a model ending in Sigmoid or
    Softmax); for raw scores use ``nn.CrossEntropyLoss()`` or ``nn.BCEWithLogitsLoss()``.
    ``"binary_crossentropy"`` is ``BCELoss`` (ln clamped at -100 as PyTorch, where Keras clips p
    to [1e-7, 1 - 1e-7]; the two differ only for probabilities within 1e-7 of the wrong answer).
    """
    if isinstance(name_or_loss, type) and issubclass(name_or_loss, _Loss):
        return name_or_loss()
    if callable(name_or_loss):
        return name_or_loss
    if isinstance(name_or_loss, str) and name_or_loss.lower() in _BY_NAME:
        return _BY_NAME[name_or_loss.lower()]()
    raise ValueError(f"unknown loss {name_or_loss!r}; use one of {', '.join(_BY_NAME)}, or a loss object")
