"""Indexing ``x[...]`` and its adjoint, the scatter-add; concatenate, stack and pad.

Reading ``y = x[index]`` copies some elements; backward sends each element's
gradient back to where it was read from. An element read twice (``x[[0, 0]]``)
receives the sum of both gradients, so the backward is a scatter-*add*.
"""

from ..dtypes import is_whole_number
from ..function import Function
from ..tensor import Tensor
from ._util import check_axis


def _has_arrays(index):
    return any(hasattr(i, "shape") and i.ndim > 0 for i in (index if isinstance(index, tuple) else (index,)))


class GetItem(Function):
    """y = a[index]  ->  dL/da = zeros, with dL/dy added at index"""

    name = "getitem"

    def forward(self, a, index=None):
        self.index, self.in_shape = index, a.shape
        return a[index]

    def backward(self, grad):
        return IndexAdd.apply(grad, index=self.index, shape=self.in_shape)


class IndexAdd(Function):
    """y = zeros(shape) with a added at index  ->  dL/da = dL/dy[index]"""

    name = "index_add"

    def forward(self, a, index=None, shape=None):
        self.index = index
        out = self.backend.xp.zeros(shape, dtype=a.dtype)
        if _has_arrays(index):
            self.backend.scatter_add(out, index, a)
        else:
            out[index] = a
        return out

    def backward(self, grad):
        return GetItem.apply(grad, index=self.index)


class Concatenate(Function):
    """y = [a1, a2, ...] joined along axis  ->  dL/da_k = the k-th slice of dL/dy"""

    name = "concatenate"

    def forward(self, *arrays, axis=0):
        self.axis = axis
        self.sizes = [a.shape[axis] for a in arrays]
        return self.backend.xp.concatenate(arrays, axis=axis)

    def backward(self, grad):
        grads, start = [], 0
        lead = (slice(None),) * (self.axis % grad.ndim)
        for size in self.sizes:
            grads.append(grad[lead + (slice(start, start + size),)])
            start += size
        return tuple(grads)


class Stack(Function):
    """y = [a1, a2, ...] stacked on a new axis  ->  dL/da_k = dL/dy[..., k, ...]"""

    name = "stack"

    def forward(self, *arrays, axis=0):
        self.axis = axis
        return self.backend.xp.stack(arrays, axis=axis)

    def backward(self, grad):
        lead = (slice(None),) * (self.axis % grad.ndim)
        return tuple(grad[lead + (k,)] for k in range(len(self.inputs)))


class Pad(Function):
    """y = a surrounded by a constant  ->  dL/da = the middle of dL/dy (the border's gradient is dropped)"""

    name = "pad"

    def forward(self, a, pad_width=None, value=0.0):
        self.pad_width = pad_width
        self.middle = tuple(slice(before, before + n) for (before, _), n in zip(pad_width, a.shape))
        return self.backend.xp.pad(a, pad_width, constant_values=value)

    def backward(self, grad):
        return grad[self.middle]

    def describe(self):
        return {"pad": self.pad_width}


def _backend_index(index, backend):
    """Tensors and lists inside an index become arrays on the tensor's device."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for i in items:
        if isinstance(i, Tensor):
            i = i.data
        elif isinstance(i, list):
            i = backend.xp.asarray(i)
        out.append(i)
    return tuple(out) if isinstance(index, tuple) else out[0]


def getitem(a, index):
    """``a[index]``: slices, integers, None, Ellipsis, integer arrays and boolean masks."""
    index = _backend_index(index, a._backend)
    try:
        return GetItem.apply(a, index=index)
    except IndexError as e:
        raise IndexError(f"getitem: index {index!r} does not fit a tensor of shape {a.shape}: {e}") from None


def concatenate(tensors, axis=0, dim=None):
    """Join tensors along an existing axis (``torch.cat``)."""
    axis = axis if dim is None else dim
    tensors = list(tensors)
    if tensors:
        axis = check_axis(axis, tensors[0].ndim, "concatenate")
    _check_same(tensors, "concatenate", axis)
    return Concatenate.apply(*tensors, axis=axis)


cat = concatenate


def stack(tensors, axis=0, dim=None):
    """Join same-shape tensors along a new axis."""
    axis = axis if dim is None else dim
    tensors = list(tensors)
    _check_same(tensors, "stack", None)
    axis = check_axis(axis, tensors[0].ndim + 1, "stack")  # the new axis may go anywhere from 0 to ndim
    return Stack.apply(*tensors, axis=axis)


def _check_same(tensors, op, axis):
    if not tensors:
        raise ValueError(f"{op}: needs at least one tensor")
    first = tensors[0]
    for t in tensors[1:]:
        a, b = list(first.shape), list(t.shape)
        if axis is not None and len(a) == len(b):
            a[axis] = b[axis] = 0
        if a != b:
            raise ValueError(
                f"{op}: shapes {first.shape} and {t.shape} do not match"
                + (f" outside axis {axis}" if axis is not None else "")
            )


def _pad_widths(pad_width, ndim):
    """``pad_width`` as ((before, after), ...) of ints; widths count elements, so 1.5 is refused by name."""
    if is_whole_number(pad_width):
        return ((int(pad_width), int(pad_width)),) * ndim
    pairs = tuple(pad_width) if isinstance(pad_width, (tuple, list)) else None
    if pairs is None or not all(
        isinstance(p, (tuple, list)) and len(p) == 2 and all(map(is_whole_number, p)) for p in pairs
    ):
        raise TypeError(
            f"pad: pad_width must be a whole number or one (before, after) pair of whole numbers per axis, "
            f"got {pad_width!r}; e.g. pad(x, ((0, 0), (1, 2))) for a matrix, or pad(x, 1) on every side"
        )
    return tuple((int(b), int(e)) for b, e in pairs)


def pad(a, pad_width, value=0.0):
    """Surround ``a`` with ``value``: ``pad_width`` is NumPy's ((before, after), ...) per axis, or an int for all."""
    pad_width = _pad_widths(pad_width, a.ndim)
    if any(b < 0 or e < 0 for b, e in pad_width):
        raise ValueError(f"pad: widths must be >= 0, got {pad_width}; to crop, index instead (x[1:-1])")
    if len(pad_width) != a.ndim:
        raise ValueError(
            f"pad: pad_width has {len(pad_width)} pairs but the tensor has {a.ndim} axes (shape {a.shape})"
        )
    return Pad.apply(a, pad_width=pad_width, value=value)
