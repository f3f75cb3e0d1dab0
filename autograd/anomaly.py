"""``detect_anomaly()``: stop at the first op whose forward or backward makes NaN or Inf.

A NaN in the loss usually started many ops earlier. Inside ``detect_anomaly()``
every op's output (forward) and every gradient it sends (backward) is checked,
and the first non-finite value raises an error naming that op. Outside it,
the only cost is one flag test per op. The mode is per thread (``modes.py``).
"""

from .modes import _local


class AnomalyError(RuntimeError):
    """Raised by ``detect_anomaly()`` at the first NaN or Inf."""


class detect_anomaly:
    """Context manager: raise at the op whose forward or backward first gives NaN/Inf.

    >>> with detect_anomaly():
    ...     loss = (x.log() * w).sum()   # log(0) = -inf -> AnomalyError names 'log'
    ...     loss.backward()
    """

    def __enter__(self):
        modes = _local.modes
        self.previous = modes.anomaly
        modes.anomaly = True
        return self

    def __exit__(self, *exc):
        _local.modes.anomaly = self.previous
        return False


def _bad(fn, array):
    xp = fn.backend.xp
    return array.dtype.kind in "fc" and not bool(xp.isfinite(array).all())


def checked_backward(fn, grad):
    """Run ``fn.backward(grad)``; a NaN/Inf made by the ops inside it is blamed on ``fn``'s backward."""
    modes = _local.modes
    outer, modes.in_backward_of = modes.in_backward_of, fn
    try:
        return fn.backward(grad)
    finally:
        modes.in_backward_of = outer


def check_forward(fn, data):
    """Raise if ``fn``'s output has a NaN or Inf (naming the backward it ran in, if any)."""
    if _bad(fn, data):
        node = _local.modes.in_backward_of
        if node is not None:
            raise AnomalyError(
                f"backward of '{node.name}' produced NaN or Inf (in its '{fn.name}' step, shape "
                f"{tuple(data.shape)}). Look at this op's inputs: e.g. sqrt or log at 0, division by zero."
            )
        raise AnomalyError(
            f"forward of '{fn.name}' produced NaN or Inf (output shape {tuple(data.shape)}). "
            f"Look at this op's inputs: e.g. log or division of zero, exp of a large number."
        )


def check_backward(fn, grads):
    """Raise if a gradient ``fn``'s backward sent has a NaN or Inf."""
    for i, g in enumerate(grads):
        if g is not None and _bad(fn, g.data):
            raise AnomalyError(
                f"backward of '{fn.name}' produced NaN or Inf in the gradient for its "
                f"input {i} (shape {tuple(g.shape)})."
            )
