"""Metrics for classifiers: accuracy, confusion matrix, per-class precision and recall.

Every function takes the model's output (logits, probabilities or class indices)
and the targets, as Tensors or arrays, and turns the output into predicted
classes the same way:

* shape (N, C) with C > 1: the predicted class is the argmax of each row (logits
  or probabilities alike);
* shape (N,) or (N, 1) of floats: a binary classifier's single output; the class
  is 1 when the output is above ``threshold``. Give ``threshold=0.5`` for
  probabilities (after a sigmoid) and ``threshold=0.0`` for logits. Left as
  None, it is 0.5 when every output lies in [0, 1] and 0 otherwise, a guess
  that is wrong for logits that all happen to lie in [0, 1], so pass it when
  you know (``fit``/``evaluate`` choose it from the loss);
* integers: already class indices.

Targets are class indices (N,) or (N, 1), or one-hot/probability rows (N, C).
"""

from __future__ import annotations

import numpy as np

from autograd import backend as _backend
from autograd.tensor import Tensor

__all__ = [
    "accuracy",
    "confusion_matrix",
    "correct_count",
    "per_class_accuracy",
    "precision_recall",
    "predicted_classes",
]


def _array(x):
    if isinstance(x, Tensor):
        return x.data
    return x if _backend.backend_of_array(x) is not _backend.cpu else np.asarray(x)


def predicted_classes(output, threshold=None):
    """The predicted class index of each sample from logits, probabilities or labels (see module doc)."""
    a = _array(output)
    xp = _backend.backend_of_array(a).xp
    if a.ndim == 2 and a.shape[1] > 1:
        return a.argmax(axis=1)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"metrics: expected outputs of shape (N, C), (N, 1) or (N,), got {a.shape}")
    if a.dtype.kind in "iub":
        return a.astype(xp.int64)
    if threshold is None:
        threshold = 0.5 if (a.size == 0 or (float(a.min()) >= 0.0 and float(a.max()) <= 1.0)) else 0.0
    return (a > threshold).astype(xp.int64)


def _target_classes(target):
    t = _array(target)
    if t.ndim == 2 and t.shape[1] > 1:
        return t.argmax(axis=1)
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if t.ndim != 1:
        raise ValueError(f"metrics: expected targets of shape (N,), (N, 1) or (N, C), got {t.shape}")
    if t.dtype.kind == "f":
        return t.round().astype(_backend.backend_of_array(t).xp.int64)  # 0./1. labels of a binary task
    return t.astype(_backend.backend_of_array(t).xp.int64)


def _pair(pred, target, threshold, who):
    p = predicted_classes(pred, threshold)
    t = _target_classes(target)
    if p.shape[0] != t.shape[0]:
        raise ValueError(
            f"{who}: {p.shape[0]} predictions (from output of shape {_array(pred).shape}) "
            f"but {t.shape[0]} targets (shape {_array(target).shape})"
        )
    return p, t


def correct_count(pred, target, threshold=None):
    """The number of correct predictions, as a 0-d array on the data's device (no host copy)."""
    p, t = _pair(pred, target, threshold, "accuracy")
    return (p == t).sum()


def accuracy(pred_or_logits, target, threshold=None):
    """The fraction of samples whose predicted class equals the target: ``mean(pred == target)``."""
    p, t = _pair(pred_or_logits, target, threshold, "accuracy")
    if p.shape[0] == 0:
        raise ValueError("accuracy: no samples (empty predictions)")
    return float((p == t).mean())


def confusion_matrix(pred, target, num_classes=None, threshold=None):
    """``M[i, j]`` = number of samples of true class ``i`` predicted as class ``j`` (a NumPy int64 array).

    The diagonal counts correct predictions; row sums are the class sizes.
    """
    p, t = _pair(pred, target, threshold, "confusion_matrix")
    p = _backend.backend_of_array(p).to_numpy(p)
    t = _backend.backend_of_array(t).to_numpy(t)
    if num_classes is None:
        num_classes = int(max(p.max(initial=0), t.max(initial=0))) + 1
    for name, v in (("predictions", p), ("targets", t)):
        if v.size and (v.min() < 0 or v.max() >= num_classes):
            raise ValueError(
                f"confusion_matrix: {name} range from {v.min()} to {v.max()}, outside [0, {num_classes - 1}] "
                f"for num_classes={num_classes}"
            )
    counts = np.bincount(t * num_classes + p, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def precision_recall(pred, target, num_classes=None, threshold=None):
    """Per-class precision and recall, two float64 arrays of length ``num_classes``.

    ``precision[k] = TP_k / (TP_k + FP_k)`` (of the samples predicted ``k``, the share truly ``k``);
    ``recall[k] = TP_k / (TP_k + FN_k)`` (of the samples truly ``k``, the share found).
    A class never predicted has precision NaN (undefined); one absent from the targets has recall NaN.
    """
    m = confusion_matrix(pred, target, num_classes, threshold)
    tp = np.diag(m).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / m.sum(axis=0)
        recall = tp / m.sum(axis=1)
    return precision, recall


def per_class_accuracy(pred, target, num_classes=None, threshold=None):
    """For each class, the fraction of its samples classified correctly (= its recall); NaN for absent classes."""
    return precision_recall(pred, target, num_classes, threshold)[1]
