"""How numbers are written in pictures, traces and the stepper: exact for small arrays, a summary for large ones."""

from __future__ import annotations

import numpy as np

#: arrays with at most this many elements are written out in full
SMALL = 16


def to_numpy(x):
    """A NumPy array from a Tensor, a NumPy/CuPy array or a number (copied to the host from a GPU)."""
    if hasattr(x, "numpy") and callable(x.numpy):
        return x.numpy()
    if hasattr(x, "get") and callable(x.get):  # a CuPy array
        return x.get()
    return np.asarray(x)


def number(v):
    """One number, 6 significant digits, no trailing zeros: 9.0 -> '9', -0.333333 -> '-0.333333'."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if np.iscomplexobj(v):
        return str(v)
    v = float(v) if np.issubdtype(type(v), np.floating) or isinstance(v, float) else v
    if isinstance(v, float):
        text = f"{v:.6g}"
        return "0" if text == "-0" else text
    return str(v)


def array_lines(a, small=SMALL):
    """The values as text lines: ``['9']``, ``['[1, 2, 3]']``, one line per row of a matrix, or a summary.

    Arrays with more than ``small`` elements give ``['min -1.2  mean 0.03  max 2.1']``.
    """
    a = to_numpy(a)
    if a.size > small:
        if a.dtype.kind in "fiu":
            return [f"min {number(a.min())}  mean {number(a.mean())}  max {number(a.max())}"]
        return [f"{a.size} values"]
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
    """The values on one line (rows of a matrix separated by commas)."""
    lines = array_lines(a, small)
    return lines[0] if len(lines) == 1 else ", ".join(line.strip() for line in lines)


def operand(a, small=SMALL):
    """The values as an operand in a formula: negative scalars in parentheses, ``(-6)``."""
    s = text(a, small)
    return f"({s})" if s.startswith("-") else s


def is_small(a, small=SMALL):
    """True when the array is written out in full."""
    return int(np.prod(getattr(a, "shape", ()))) <= small


def shape_text(shape):
    """``()`` is written 'scalar', ``(3,)`` as '(3,)', ``(2, 3)`` as '(2, 3)'."""
    return "scalar" if tuple(shape) == () else str(tuple(shape))


def _row(r):
    return "[" + ", ".join(number(v) for v in r.tolist()) + "]"


def _nested(x):
    if isinstance(x, list):
        return "[" + ", ".join(_nested(v) for v in x) + "]"
    return number(x)
