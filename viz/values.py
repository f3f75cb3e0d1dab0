"""How numbers are written in pictures, traces and the stepper: exact for small arrays, a summary for large ones.

An array is written out in full when it is small enough to read inside a graph's
box: at most ``SMALL`` values and at most ``ROW`` values per row. A longer one
(a bias of 16 values, a batch of images) is summarised as ``min -0.4973  mean
0.009823  max 0.4972``, with ``STAT_DIGITS`` significant digits. The exact values
stay available: a tensor's ``.grad``/``.numpy()``, ``steps.grad(t)``, and the
panel that opens when a tensor is clicked on the stepper page (``full_text``).
"""

from __future__ import annotations

import numpy as np

#: arrays with at most this many elements are written out in full ...
SMALL = 16
#: ... when no row (the last axis) holds more than this many values; a longer row would make a box too wide
ROW = 6
#: significant digits of the min/mean/max summary of a larger array (single numbers keep 6)
STAT_DIGITS = 4


def to_numpy(x):
    """A NumPy array from a Tensor, a NumPy/CuPy array or a number (copied to the host from a GPU)."""
    if hasattr(x, "numpy") and callable(x.numpy):
        return x.numpy()
    if hasattr(x, "get") and callable(x.get):  # a CuPy array
        return x.get()
    return np.asarray(x)


def number(v, digits=6):
    """One number, ``digits`` significant digits, no trailing zeros: 9.0 -> '9', -0.333333 -> '-0.333333'."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if np.iscomplexobj(v):
        return str(v)
    v = float(v) if np.issubdtype(type(v), np.floating) or isinstance(v, float) else v
    if isinstance(v, float):
        text = f"{v:.{digits}g}"
        return "0" if text == "-0" else text
    return str(v)


def array_lines(a, small=SMALL):
    """The values as text lines: ``['9']``, ``['[1, 2, 3]']``, one line per row of a matrix, or a summary.

    Arrays of more than ``small`` elements, or with rows of more than ``ROW`` values,
    give ``['min -1.2', 'mean 0.03', 'max 2.1']`` (``STAT_DIGITS`` significant digits):
    one short line each, so that a graph's box stays narrow.
    """
    a = to_numpy(a)
    if not is_small(a, small):
        return summary(a).split("  ")
    if a.ndim == 0:
        return [number(a.item())]
    if a.size == 0:  # an empty axis: nothing to write
        return ["[] (empty)"]
    if a.ndim == 1:
        return [_row(a)]
    if a.ndim == 2:
        rows = [_row(r) for r in a]
        rows[0] = "[" + rows[0]
        rows = [rows[0]] + [" " + r for r in rows[1:]]
        rows[-1] += "]"
        return rows
    return [_nested(a.tolist())]


def text(a, small=SMALL):
    """The values on one line (rows of a matrix separated by commas; a summary as ``min -1.2  mean 0.03  max 2.1``)."""
    if not is_small(a, small):
        return summary(a)
    lines = array_lines(a, small)
    return lines[0] if len(lines) == 1 else ", ".join(line.strip() for line in lines)


def operand(a, small=SMALL):
    """The values as an operand in a formula: negative scalars in parentheses, ``(-6)``."""
    s = text(a, small)
    return f"({s})" if s.startswith("-") else s


def is_small(a, small=SMALL):
    """True when the array is written out in full: at most ``small`` values, at most ``ROW`` per row."""
    shape = tuple(getattr(a, "shape", ()))
    size = int(np.prod(shape))
    return size == 0 or (size <= small and (not shape or shape[-1] <= ROW))


def summary(a):
    """``'min -0.4973  mean 0.009823  max 0.4972'`` (``STAT_DIGITS`` significant digits), for a large array."""
    a = to_numpy(a)
    if a.size and a.dtype.kind in "fiu":
        f = a.astype(np.float64)
        return "  ".join(
            f"{k} {number(v, STAT_DIGITS)}" for k, v in (("min", f.min()), ("mean", f.mean()), ("max", f.max()))
        )
    return f"{a.size} values"


def full_text(a, limit=256):
    """Every value (6 significant digits) on one line, for up to ``limit`` values; None for larger arrays.

    What the stepper's panel of a clicked tensor lists, where a box shows only a summary.
    """
    a = to_numpy(a)
    if a.size > limit or a.ndim == 0:
        return None if a.size > limit else number(a.item())
    return _nested(a.tolist())


def shape_text(shape):
    """``()`` is written 'scalar', ``(3,)`` as '(3,)', ``(2, 3)`` as '(2, 3)'."""
    return "scalar" if tuple(shape) == () else str(tuple(shape))


def _row(r):
    return "[" + ", ".join(number(v) for v in r.tolist()) + "]"


def _nested(x):
    if isinstance(x, list):
        return "[" + ", ".join(_nested(v) for v in x) + "]"
    return number(x)
