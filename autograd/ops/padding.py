"""``pad``: add a border around a tensor, as ``torch.nn.functional.pad``.

PyTorch's ``pad`` is a flat tuple read from the LAST axis backwards:
``(left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last
two, and so on. Four modes fill the border (one row shown, pad 2 each side):

    x = [a b c d]    constant  0 0 | a b c d | 0 0
                     reflect   c b | a b c d | c b     (mirror, edge not repeated)
                     replicate a a | a b c d | d d     (edge repeated)
                     circular  c d | a b c d | a b     (wrap around)

``constant`` is its own op (``Pad``: the border's gradient is dropped). The
other three only *read* input elements, so each is an index: y = x[idx] along
each padded axis, with idx = [2 1 0 1 2 3 2 1] for reflect above. Indexing's
backward is the scatter-add, so an element read several times (an edge, by
replicate) gets the sum of their gradients:

    y = x[idx]  ->  dL/dx = zeros, with dL/dy added at idx
"""

from .indexing import getitem
from .indexing import pad as _pad_pairs

MODES = ("constant", "reflect", "replicate", "circular")


def _source_index(xp, n, before, after, mode):
    """For each output position along one axis, the input position it reads (an int array)."""
    j = xp.arange(-before, n + after)
    if mode == "replicate":
        return xp.clip(j, 0, n - 1)
    if mode == "circular":
        return j % n
    j = xp.abs(j)  # reflect: mirror at 0, then at n - 1
    return xp.where(j > n - 1, 2 * (n - 1) - j, j)


def _pairs(op, pad, ndim):
    """PyTorch's flat (last axis first) ``pad`` as one (before, after) pair per axis, first axis first."""
    if isinstance(pad, int):
        raise TypeError(
            f"{op}: pad must be a tuple, e.g. (1, 1) for the last axis or (1, 1, 2, 2) for the last two "
            f"(PyTorch's form: last axis first), got the int {pad}"
        )
    flat = tuple(pad)
    if not all(isinstance(p, int) or hasattr(p, "__index__") for p in flat):
        raise TypeError(f"{op}: pad must be a flat tuple of ints (left, right, top, bottom, ...), got {pad!r}")
    flat = tuple(int(p) for p in flat)
    if len(flat) % 2 or len(flat) > 2 * ndim:
        raise ValueError(
            f"{op}: pad {flat} must have an even length of at most 2 x {ndim} (two numbers per axis, "
            f"last axis first: (left, right, top, bottom, ...)) for a tensor with {ndim} axes"
        )
    pairs = [(0, 0)] * ndim
    for k in range(len(flat) // 2):
        pairs[ndim - 1 - k] = (flat[2 * k], flat[2 * k + 1])
    return tuple(pairs)


def pad(input, pad, mode="constant", value=None):
    """Pad ``input`` with ``mode`` ("constant", "reflect", "replicate", "circular"), as ``F.pad``.

    ``pad`` is PyTorch's flat tuple, last axis first: ``F.pad(x, (1, 1, 2, 2))``
    adds 1 column left and right and 2 rows top and bottom. NumPy's form, one
    ``(before, after)`` pair per axis (first axis first), or one int for every
    side of every axis, also works in constant mode. ``value`` (default 0) fills
    constant mode.
    """
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(pad, (int, tuple, list)) or isinstance(pad, bool):  # pad=1.5: widths count elements
        raise TypeError(f"pad: pad must be a tuple of whole numbers such as (1, 1, 2, 2), or an int; got {pad!r}")
    numpy_form = isinstance(pad, int) or (len(pad) > 0 and all(isinstance(p, (tuple, list)) for p in pad))
    if mode == "constant":
        if numpy_form:
            return _pad_pairs(input, pad, 0.0 if value is None else value)
        return _pad_pairs(input, _pairs("pad", pad, input.ndim), 0.0 if value is None else value)
    if value not in (None, 0, 0.0):
        raise ValueError(f"pad: value={value} is only used by mode='constant', not {mode!r}")
    if numpy_form:
        raise TypeError(
            f"pad: mode={mode!r} takes PyTorch's flat pad, last axis first, e.g. (1, 1, 2, 2) for 1 column "
            f"each side and 2 rows each side; got {pad!r}"
        )
    pairs = _pairs("pad", pad, input.ndim)
    xp, out = input.backend.xp, input
    for axis, (before, after) in enumerate(pairs):
        if not (before or after):
            continue
        n = input.shape[axis]
        if before < 0 or after < 0:
            raise ValueError(f"pad: widths must be >= 0 in mode {mode!r}, got {pad}; to crop, index instead")
        limit = n - 1 if mode == "reflect" else n if mode == "circular" else float("inf")
        if max(before, after) > limit or n == 0:
            raise ValueError(
                f"pad: mode {mode!r} can pad axis {axis} (size {n}) by at most {min(limit, n)} on each side, "
                f"got ({before}, {after}) for input of shape {input.shape}"
                + ("; reflect mirrors without repeating the edge, so it needs pad < size" if mode == "reflect" else "")
            )
        index = (slice(None),) * axis + (_source_index(xp, n, before, after, mode),)
        out = getitem(out, index)
    return out
