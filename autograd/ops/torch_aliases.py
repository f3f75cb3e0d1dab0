"""PyTorch's other names for things the engine already computes: square, reciprocal, mm, bmm, dot,
outer, trace, norm, narrow, select, clone, clamp_min/clamp_max.

Each is a line or two over existing ops, so its gradient is theirs (written next
to each); only ``clone`` is an op of its own, the identity that copies.
"""

from ..function import Function
from ..tensor import Tensor
from ._util import check_axis
from .einsum import einsum
from .elementwise import clip, where
from .linalg import matmul
from .rearrange import diagonal


class Clone(Function):
    """y = a (a copy in new memory)  ->  dL/da = dL/dy"""

    name = "clone"

    def forward(self, a):
        return a.copy()

    def backward(self, grad):
        return grad


def clone(input):
    """A copy of ``input`` with its own memory, still in the graph (the gradient passes through)."""
    return Clone.apply(input)


def square(input):
    """x^2, elementwise; d/dx = 2x."""
    return input * input


def reciprocal(input):
    """1 / x, elementwise; d/dx = -1 / x^2."""
    return 1.0 / input


def _check_rank(t, ndim, op, hint):
    if not isinstance(t, Tensor) or t.ndim != ndim:
        shape = tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__
        raise ValueError(f"{op}: expects {ndim}-D tensors, got {shape}; {hint}")


def mm(input, mat2):
    """The matrix product of two matrices (2-D only; ``matmul`` or @ broadcasts)."""
    _check_rank(input, 2, "mm", "use matmul (or @) for other shapes")
    _check_rank(mat2, 2, "mm", "use matmul (or @) for other shapes")
    return matmul(input, mat2)


def bmm(input, mat2):
    """Batched matrix products: (b, n, m) @ (b, m, p) -> (b, n, p)."""
    _check_rank(input, 3, "bmm", "use matmul (or @) for other shapes")
    _check_rank(mat2, 3, "bmm", "use matmul (or @) for other shapes")
    return matmul(input, mat2)


def dot(input, other):
    """The dot product sum_i a_i b_i of two vectors; d/da = b, d/db = a."""
    _check_rank(input, 1, "dot", "use matmul (or @) for matrices")
    _check_rank(other, 1, "dot", "use matmul (or @) for matrices")
    return matmul(input, other)


def outer(input, vec2):
    """The outer product y_ij = a_i b_j of two vectors."""
    _check_rank(input, 1, "outer", "flatten them first")
    _check_rank(vec2, 1, "outer", "flatten them first")
    return einsum("i,j->ij", input, vec2)


def trace(input):
    """The sum of a matrix's diagonal (of a[i, i], i < min(rows, cols)); d/da_ij = 1 where i = j, else 0."""
    _check_rank(input, 2, "trace", "use diagonal(x, dim1=..., dim2=...).sum(-1) for batches")
    return diagonal(input).sum()


def norm(input, p=2, dim=None, keepdim=False):
    """The p-norm (sum_i |x_i|^p)^(1/p) over ``dim`` (all elements when None); p=2 is the Euclidean length.

    At a zero vector the gradient is 0, as PyTorch's (not the 0/0 of x / ||x||).
    """
    p = float(p)
    if p <= 0:
        raise ValueError(f"norm: p must be positive, got {p}")
    powered = input * input if p == 2.0 else input.abs() ** p
    total = powered.sum(dim=dim, keepdim=keepdim)
    zero = total.data == 0
    return where(zero, 0.0, where(zero, 1.0, total) ** (1.0 / p))


def narrow(input, dim, start, length):
    """The ``length`` slices of ``dim`` from ``start``: x.narrow(1, 2, 3) is x[:, 2:5]."""
    dim = check_axis(dim, input.ndim, "narrow")
    n = input.shape[dim]
    start = start + n if start < 0 else start
    if not (0 <= start <= n and 0 <= length <= n - start):
        raise IndexError(f"narrow: start {start} and length {length} do not fit dim {dim} of size {n}")
    return input[(slice(None),) * dim + (slice(start, start + length),)]


def select(input, dim, index):
    """The slice at ``index`` along ``dim``, that dim removed: x.select(1, 0) is x[:, 0]."""
    dim = check_axis(dim, input.ndim, "select")
    return input[(slice(None),) * dim + (index,)]


def clamp_min(input, min):
    """max(x, min); the gradient is 0 below ``min``."""
    return clip(input, min=min)


def clamp_max(input, max):
    """min(x, max); the gradient is 0 above ``max``."""
    return clip(input, max=max)
