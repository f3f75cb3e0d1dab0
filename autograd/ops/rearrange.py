"""Rearranging elements: flip, roll, repeat, repeat_interleave, split, chunk, unbind, unflatten,
movedim, diag, diagonal, tril, triu, meshgrid.

These move values without changing them, so each backward moves the gradient
back: flip's backward flips, roll's rolls the other way, repeat's sums the
copies. The ones built on indexing (split, diagonal, repeat_interleave...)
inherit getitem's backward, which adds each gradient back where it was read.
"""

import numpy as np

from ..function import Function
from ..tensor import Tensor
from . import shape as _shape
from ._util import check_axis, constant
from .elementwise import where
from .indexing import GetItem, IndexAdd


class Flip(Function):
    """y = a read backwards along dims  ->  dL/da = dL/dy flipped along the same dims"""

    name = "flip"

    def forward(self, a, dims=()):
        self.dims = dims
        return self.backend.xp.flip(a, axis=dims)

    def backward(self, grad):
        return Flip.apply(grad, dims=self.dims)

    def describe(self):
        return {"dims": self.dims}


class Roll(Function):
    """y = a shifted cyclically by shifts along dims  ->  dL/da = dL/dy shifted back by -shifts"""

    name = "roll"

    def forward(self, a, shifts=0, dims=None):
        self.shifts, self.dims = shifts, dims
        return self.backend.xp.roll(a, shifts, axis=dims)

    def backward(self, grad):
        back = tuple(-s for s in self.shifts) if isinstance(self.shifts, tuple) else -self.shifts
        return Roll.apply(grad, shifts=back, dims=self.dims)


class Repeat(Function):
    """y = a tiled reps_k times along each dim k  ->  dL/da = the sum of dL/dy over the copies"""

    name = "repeat"

    def forward(self, a, reps=()):
        self.reps, self.in_shape = reps, a.shape
        return self.backend.xp.tile(a, reps)

    def backward(self, grad):
        padded = (1,) * (len(self.reps) - len(self.in_shape)) + self.in_shape
        split = tuple(n for pair in zip(self.reps, padded) for n in pair)  # (r0, n0, r1, n1, ...)
        copies = tuple(range(0, len(split), 2))
        return grad.reshape(split).sum(axis=copies).reshape(self.in_shape)


def _dims(dims, ndim, op):
    if isinstance(dims, (int, np.integer)):
        dims = (dims,)
    return tuple(check_axis(d, ndim, op) for d in dims)


def flip(input, dims):
    """The elements in reverse order along ``dims`` (an int or a tuple)."""
    dims = _dims(dims, input.ndim, "flip")
    if not dims:
        return input
    return Flip.apply(input, dims=dims)


def roll(input, shifts, dims=None):
    """Shift elements cyclically by ``shifts`` along ``dims`` (flattened when dims is None); those leaving one end re-enter at the other."""
    if dims is None:
        return Roll.apply(input, shifts=int(shifts), dims=None)
    dims = _dims(dims, input.ndim, "roll")
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: give one shift per dim, got shifts={shifts} for dims={dims}")
    return Roll.apply(input, shifts=shifts, dims=dims)


def repeat(input, *sizes):
    """Tile ``input``: ``x.repeat(2, 3)`` copies it 2 times along dim 0 and 3 along dim 1 (PyTorch's meaning;
    NumPy's ``np.repeat``, which repeats each element, is ``repeat_interleave``)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < input.ndim:
        raise ValueError(
            f"repeat: give at least one count per dim of the input ({input.ndim} for shape {tuple(input.shape)}), "
            f"got {sizes}; to repeat each element instead, use repeat_interleave"
        )
    if any(n < 0 for n in sizes):
        raise ValueError(f"repeat: counts must be >= 0, got {sizes}")
    return Repeat.apply(input, reps=sizes)


def repeat_interleave(input, repeats, dim=None):
    """Repeat each element (or each slice along ``dim``) ``repeats`` times: [1, 2] -> [1, 1, 2, 2] (NumPy's np.repeat).

    ``repeats`` is one count or one per element; dim None flattens first. A getitem,
    so each copy's gradient is added back to the element it copied.
    """
    if dim is None:
        input, dim = input.reshape(-1), 0
    dim = check_axis(dim, input.ndim, "repeat_interleave")
    counts = repeats.numpy() if isinstance(repeats, Tensor) else np.asarray(repeats)
    n = input.shape[dim]
    if counts.ndim > 1 or (counts.ndim == 1 and counts.shape[0] not in (1, n)):
        raise ValueError(
            f"repeat_interleave: repeats must be one count or {n} counts (one per element along dim {dim})"
        )
    if (counts < 0).any():
        raise ValueError("repeat_interleave: repeats must be >= 0")
    index = input._backend.xp.asarray(np.repeat(np.arange(n), counts))
    return GetItem.apply(input, index=(slice(None),) * dim + (index,))


def split(tensor, split_size_or_sections, dim=0):
    """Cut ``tensor`` along ``dim`` into pieces of ``split_size`` (the last may be smaller), or of the listed sizes."""
    dim = check_axis(dim, tensor.ndim, "split")
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: split_size must be positive, got {size}")
        sizes = [min(size, n - start) for start in range(0, n, size)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, but dim {dim} has size {n}")
    pieces, start = [], 0
    for size in sizes:
        pieces.append(tensor[(slice(None),) * dim + (slice(start, start + size),)])
        start += size
    return tuple(pieces)


def chunk(input, chunks, dim=0):
    """Cut into ``chunks`` pieces of equal size ceil(n / chunks) (fewer if they run out), as PyTorch."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    dim = check_axis(dim, input.ndim, "chunk")
    n = input.shape[dim]
    return split(input, max(-(-n // chunks), 1), dim)


def unbind(input, dim=0):
    """The slices along ``dim`` as a tuple, that dim removed: unbind of a (3, 4) matrix gives 3 rows."""
    dim = check_axis(dim, input.ndim, "unbind")
    return tuple(input[(slice(None),) * dim + (i,)] for i in range(input.shape[dim]))


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into several: unflatten(x, 1, (2, 3)) turns (N, 6) into (N, 2, 3); one size may be -1."""
    dim = check_axis(dim, input.ndim, "unflatten")
    return input.reshape(input.shape[:dim] + tuple(sizes) + input.shape[dim + 1 :])


def movedim(input, source, destination):
    """Move dim(s) ``source`` to position(s) ``destination``, the others keeping their order (a permute)."""
    src = _dims(source, input.ndim, "movedim")
    dst = _dims(destination, input.ndim, "movedim")
    if len(src) != len(dst) or len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(
            f"movedim: source {source} and destination {destination} must be distinct dims, as many of each"
        )
    order = [d for d in range(input.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return input.permute(*order)


def _diagonal_positions(rows, cols, offset):
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start_r, start_c = (0, offset) if offset >= 0 else (-offset, 0)
    return np.arange(length) + start_r, np.arange(length) + start_c


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a new last dim: a[i, i + offset] for a matrix."""
    d1, d2 = check_axis(dim1, input.ndim, "diagonal"), check_axis(dim2, input.ndim, "diagonal")
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 must differ, both are {d1}")
    rest = [d for d in range(input.ndim) if d not in (d1, d2)]
    planes = input.permute(*rest, d1, d2)
    r, c = _diagonal_positions(input.shape[d1], input.shape[d2], offset)
    xp = input._backend.xp
    return GetItem.apply(planes, index=(Ellipsis, xp.asarray(r), xp.asarray(c)))


_diagonal_of = diagonal  # diag's argument is called diagonal too (PyTorch's name), hiding the function


def diag(input, diagonal=0):
    """A vector -> a square matrix with it on diagonal ``diagonal``; a matrix -> its diagonal (a vector)."""
    if input.ndim == 2:
        return _diagonal_of(input, diagonal)
    if input.ndim != 1:
        raise ValueError(f"diag: expects a vector or a matrix, got shape {tuple(input.shape)}")
    n = input.shape[0] + abs(diagonal)
    r, c = _diagonal_positions(n, n, diagonal)
    xp = input._backend.xp
    return IndexAdd.apply(input, index=(xp.asarray(r), xp.asarray(c)), shape=(n, n))


def _triangle(input, diagonal, keep_lower, op):
    if input.ndim < 2:
        raise ValueError(f"{op}: expects at least 2 dims (a matrix or a batch of them), got shape {tuple(input.shape)}")
    rows, cols = input.shape[-2:]
    xp = input._backend.xp
    keep = xp.tri(rows, cols, diagonal, dtype=bool)
    if not keep_lower:
        keep = ~xp.tri(rows, cols, diagonal - 1, dtype=bool)
    return where(keep, input, constant(xp.zeros((), dtype=input.dtype), input))


def tril(input, diagonal=0):
    """The lower triangle (on and below diagonal ``diagonal``) of the last two dims; zeros above. The gradient passes where kept."""
    return _triangle(input, diagonal, True, "tril")


def triu(input, diagonal=0):
    """The upper triangle (on and above diagonal ``diagonal``) of the last two dims; zeros below."""
    return _triangle(input, diagonal, False, "triu")


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors: out[k] repeats tensors[k] along every other dim.

    ``indexing="ij"`` (the default here and PyTorch's documented one): out[k] has shape (n_0, n_1, ...);
    ``"xy"`` swaps the first two dims, as NumPy's default. Each grid is a broadcast, so its
    gradient sums back over the copies.
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for t in tensors:
        if t.ndim > 1:
            raise ValueError(f"meshgrid: expects 0-D or 1-D tensors, got shape {tuple(t.shape)}")
    vectors = [t.reshape(-1) for t in tensors]
    sizes = [v.shape[0] for v in vectors]
    order = list(range(len(vectors)))
    if indexing == "xy" and len(vectors) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(sizes[k] for k in order)
    grids = []
    for k, v in enumerate(vectors):
        position = order.index(k)
        view = [1] * len(shape)
        view[position] = sizes[k]
        grids.append(v.reshape(view).broadcast_to(shape))
    return tuple(grids)


def expand(input, *sizes):
    """``input`` repeated along size-1 (or new leading) dims to ``sizes``; -1 keeps a dim's size (as PyTorch)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise ValueError(f"expand: {sizes} has fewer dims than the input's shape {tuple(input.shape)}")
    shape = []
    for i, n in enumerate(sizes):
        if n == -1:
            if i < lead:
                raise ValueError(f"expand: -1 cannot stand for a new leading dim (position {i} of {sizes})")
            n = input.shape[i - lead]
        shape.append(int(n))
    return input.broadcast_to(tuple(shape))


def unsqueeze(input, dim=None, *, axis=None):
    """Insert a size-1 dim at ``dim`` (PyTorch's name; NumPy's ``axis`` also works)."""
    return _shape.unsqueeze(input, dim if axis is None else axis)


def squeeze(input, dim=None, *, axis=None):
    """Remove size-1 dims (only ``dim``, an int or a tuple, when given)."""
    return _shape.squeeze(input, dim if axis is None else axis)
