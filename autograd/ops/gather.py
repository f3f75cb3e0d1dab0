"""Reading and writing by index along one dim: gather, scatter, scatter_add, index_select,
masked_fill, masked_select, nonzero, one_hot.

``gather(x, dim, index)`` reads ``out[i][j] = x[index[i][j]][j]`` (dim=0); its
backward is the scatter-add of the gradient to the positions read, so an element
read twice receives both gradients. ``scatter`` writes instead of reading, and is
gather's adjoint the other way round.
"""

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import check_axis, constant
from .elementwise import where
from .indexing import GetItem, IndexAdd


def _index_array(index, like, op):
    """``index`` as an integer array on ``like``'s device, or a clear error."""
    if isinstance(index, Tensor) and index._backend is not like._backend:
        raise RuntimeError(
            f"{op}: the index is on {index.device} but the input on {like.device}; move it, e.g. index.to('{like.device}')"
        )
    data = index.data if isinstance(index, Tensor) else like._backend.xp.asarray(index)
    if data.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must hold integers (e.g. made with .long()), got dtype {data.dtype}")
    return data


def along_dim(index, dim, size, op, backend):
    """The index tuple that reads position ``index[i, j, ...]`` along ``dim`` and i, j, ... elsewhere.

    Checked on the CPU only: on a GPU reading the index back would stop it.
    """
    if backend.eager_checks and index.size and (index.min() < -size or index.max() >= size):
        raise IndexError(
            f"{op}: index values must lie in [-{size}, {size}) for dim {dim} of size {size}, "
            f"got values from {int(index.min())} to {int(index.max())}"
        )
    grids = list(backend.xp.ogrid[tuple(slice(n) for n in index.shape)]) if index.ndim else []
    grids[dim] = index
    return tuple(grids)


def _check_index_shape(index, input, dim, op, src=None):
    if index.ndim != input.ndim:
        raise ValueError(
            f"{op}: index must have as many dims as the input ({input.ndim}, shape {tuple(input.shape)}), "
            f"got shape {tuple(index.shape)}"
        )
    for d, (n_idx, n_in) in enumerate(zip(index.shape, input.shape)):
        if d != dim and n_idx > n_in:
            raise ValueError(
                f"{op}: index shape {tuple(index.shape)} is larger than the input's {tuple(input.shape)} in dim {d}"
            )
        if src is not None and n_idx > src.shape[d]:
            raise ValueError(
                f"{op}: index shape {tuple(index.shape)} is larger than src's {tuple(src.shape)} in dim {d}"
            )


class Gather(Function):
    """y[i, j] = a[index[i, j], j]  (dim 0)  ->  dL/da = zeros, with dL/dy[i, j] added at (index[i, j], j)"""

    name = "gather"

    def forward(self, a, where=None, dim=0):
        self.where, self.in_shape, self.dim = where, a.shape, dim
        return a[where]

    def backward(self, grad):
        return IndexAdd.apply(grad, index=self.where, shape=self.in_shape)

    def describe(self):
        return {"dim": self.dim}


class Scatter(Function):
    """y = a with y[index[i, j], j] = s[i, j]  (dim 0)  ->  dL/da = dL/dy with the written positions zeroed,  dL/ds = dL/dy[index[i, j], j]"""

    name = "scatter"

    def forward(self, a, s, where=None, dim=0):
        self.where, self.dim = where, dim
        out = a.copy()
        out[where] = s
        kept = self.backend.xp.ones(a.shape, dtype=bool)
        kept[where] = False
        self.kept = kept
        return out

    def backward(self, grad):
        return grad * constant(self.kept, grad), GetItem.apply(grad, index=self.where)

    def describe(self):
        return {"dim": self.dim}


def gather(input, dim, index):
    """Read values along ``dim`` at ``index`` (same number of dims): out[i][j] = input[index[i][j]][j] for dim=0."""
    dim = check_axis(dim, input.ndim, "gather")
    index = _index_array(index, input, "gather")
    _check_index_shape(index, input, dim, "gather")
    return Gather.apply(input, where=along_dim(index, dim, input.shape[dim], "gather", input._backend), dim=dim)


def _src(src, index, input, op):
    if not isinstance(src, Tensor):  # a number: write it everywhere the index points
        return Tensor._make(input._backend.xp.full(index.shape, src, dtype=input.dtype), input._backend, False, None)
    if src.dtype != input.dtype or src._backend is not input._backend:
        raise TypeError(
            f"{op}: src ({src.dtype}, {src.device}) must match the input ({input.dtype}, {input.device}); "
            f"convert it first, e.g. src.to('{input.device}', dtype='{input.dtype}')"
        )
    if src.shape != index.shape:  # PyTorch reads the leading block of a larger src
        src = src[tuple(slice(n) for n in index.shape)]
    return src


def scatter(input, dim, index, src=None, *, value=None):
    """A copy of ``input`` with ``src`` written along ``dim`` at ``index``: out[index[i][j]][j] = src[i][j] (dim=0).

    ``src`` may be a tensor or a number (``value=`` is PyTorch's keyword for a number).
    Where two index entries point to one place, which one lands is undefined, as in PyTorch.
    """
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter: give src (a tensor or a number) or value=")
    dim = check_axis(dim, input.ndim, "scatter")
    index = _index_array(index, input, "scatter")
    _check_index_shape(index, input, dim, "scatter", src if isinstance(src, Tensor) else None)
    where_ = along_dim(index, dim, input.shape[dim], "scatter", input._backend)
    return Scatter.apply(input, _src(src, index, input, "scatter"), where=where_, dim=dim)


def scatter_add(input, dim, index, src):
    """``input`` plus ``src`` added along ``dim`` at ``index``; repeated indices add up.

    out = input + S(src), S the scatter-add: dL/dinput = dL/dout,  dL/dsrc = gather(dL/dout, dim, index).
    """
    dim = check_axis(dim, input.ndim, "scatter_add")
    index = _index_array(index, input, "scatter_add")
    _check_index_shape(index, input, dim, "scatter_add", src)
    where_ = along_dim(index, dim, input.shape[dim], "scatter_add", input._backend)
    return input + IndexAdd.apply(_src(src, index, input, "scatter_add"), index=where_, shape=input.shape)


def index_select(input, dim, index):
    """The slices of ``input`` at the positions ``index`` (1-D) along ``dim``; repeats allowed.

    A getitem: dL/dinput gets each picked slice's gradient added back where it was read.
    """
    dim = check_axis(dim, input.ndim, "index_select")
    index = _index_array(index, input, "index_select")
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {tuple(index.shape)}")
    n = input.shape[dim]
    if input._backend.eager_checks and index.size and (index.min() < -n or index.max() >= n):
        raise IndexError(f"index_select: index values must lie in [-{n}, {n}) for dim {dim} of size {n}")
    return GetItem.apply(input, index=(slice(None),) * dim + (index.reshape(-1),))


def _mask_array(mask, input, op):
    if isinstance(mask, Tensor) and mask._backend is not input._backend:
        raise RuntimeError(f"{op}: the mask is on {mask.device} but the input on {input.device}; move it with .to()")
    data = mask.data if isinstance(mask, Tensor) else input._backend.xp.asarray(mask)
    if data.dtype != bool:
        raise TypeError(f"{op}: mask must be a bool tensor (e.g. x > 0), got dtype {data.dtype}; use mask.bool()")
    return data


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` is True (mask broadcasts); the gradient is 0 at the filled places."""
    mask = _mask_array(mask, input, "masked_fill")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ValueError(f"masked_fill: value must be a number or a 0-dim tensor, got shape {tuple(value.shape)}")
    return where(mask, value, input)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast first)."""
    mask = _mask_array(mask, input, "masked_select")
    shape = np.broadcast_shapes(input.shape, mask.shape)
    xp = input._backend.xp
    return GetItem.apply(input.broadcast_to(shape), index=xp.broadcast_to(mask, shape))


def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim with ``as_tuple``."""
    xp = input._backend.xp
    if as_tuple:
        return tuple(constant(i.astype(np.int64), input) for i in xp.nonzero(input.data))
    return constant(xp.argwhere(input.data).astype(np.int64), input)


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot rows: shape (..., num_classes), int64, as ``F.one_hot``.

    ``num_classes=-1`` takes the largest index + 1. Use ``.float()`` to multiply with weights.
    """
    if not isinstance(tensor, Tensor) or tensor.dtype.kind not in "iu":
        kind = tensor.dtype if isinstance(tensor, Tensor) else type(tensor).__name__
        raise TypeError(f"one_hot: expects a tensor of class indices (int64), got {kind}; use .long()")
    xp = tensor._backend.xp
    t = tensor.data
    if num_classes == -1:
        num_classes = int(t.max()) + 1 if t.size else 0
    if tensor._backend.eager_checks and t.size and (int(t.min()) < 0 or int(t.max()) >= num_classes):
        raise ValueError(
            f"one_hot: class indices must lie in [0, {num_classes}), got values from {int(t.min())} to {int(t.max())}"
        )
    return constant((t[..., None] == xp.arange(num_classes)).astype(np.int64), tensor)
