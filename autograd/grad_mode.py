"""Switching gradient recording on and off: ``no_grad()`` and ``enable_grad()``.

While recording is off, ops compute their values but build no graph, which is
what evaluation, optimizer updates and an ordinary ``backward()`` want.

The switch is per thread, as in PyTorch: ``no_grad()`` in one thread leaves
the graphs other threads record untouched (see ``modes.py``).
"""

import functools

from .modes import _local


def is_grad_enabled():
    """True while ops record the graph for backward (in this thread)."""
    return _local.modes.grad


class _SetGradMode:
    """A context manager and decorator that sets recording on or off, then restores it."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.previous = []

    def __enter__(self):
        modes = _local.modes
        self.previous.append(modes.grad)
        modes.grad = self.enabled
        return self

    def __exit__(self, *exc):
        _local.modes.grad = self.previous.pop()
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_SetGradMode):
    """Build no graph inside this block (or function), as ``torch.no_grad()``.

    >>> with no_grad():
    ...     y = x * 2        # y.requires_grad is False, no graph is kept
    """

    def __init__(self):
        super().__init__(False)


class enable_grad(_SetGradMode):
    """Record the graph inside this block, even within ``no_grad()``."""

    def __init__(self):
        super().__init__(True)
