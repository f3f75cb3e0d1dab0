"""The PyTorch Tensor methods beyond the core ones: ``x.tan()``, ``x.cumsum(0)``, ``x.sort()``, ``x % 3``...

``Tensor`` inherits them from ``TensorMethods``, so ``tensor.py`` keeps only the
core (data, autograd, arithmetic). Each method is one line that calls the op of
the same name in ``autograd.functional``, where its docstring and math are.
"""

F = None  # autograd.functional, set by bind() once functional can be imported (it needs Tensor first)


class TensorMethods:
    """Methods mirroring ``autograd.functional``: ``x.op(...)`` is ``F.op(x, ...)``."""

    __slots__ = ()

    # ------------------------------------------------------------ PyTorch's method spellings
    def add(self, other):
        return F.add(self, other)

    def sub(self, other):
        return F.sub(self, other)

    def mul(self, other):
        return F.mul(self, other)

    def div(self, other):
        return F.div(self, other)

    def neg(self):
        return F.neg(self)

    def square(self):
        return F.square(self)

    def reciprocal(self):
        return F.reciprocal(self)

    def clone(self):
        return F.clone(self)

    def clamp_min(self, min):
        return F.clamp_min(self, min)

    def clamp_max(self, max):
        return F.clamp_max(self, max)

    def t(self):
        """The transpose of a matrix (a vector stays as it is), as PyTorch's ``x.t()``."""
        if self.ndim > 2:
            raise ValueError(
                f"t(): expects at most 2 dims, got shape {tuple(self.shape)}; use x.transpose(0, 1) or x.mT"
            )
        return F.transpose(self) if self.ndim == 2 else self

    def mm(self, mat2):
        return F.mm(self, mat2)

    def bmm(self, mat2):
        return F.bmm(self, mat2)

    def dot(self, other):
        return F.dot(self, other)

    def outer(self, vec2):
        return F.outer(self, vec2)

    def trace(self):
        return F.trace(self)

    def norm(self, p=2, dim=None, keepdim=False):
        return F.norm(self, p, dim, keepdim)

    def narrow(self, dim, start, length):
        return F.narrow(self, dim, start, length)

    def select(self, dim, index):
        return F.select(self, dim, index)

    def dim(self):
        """The number of dims (``x.ndim``)."""
        return self.ndim

    def nelement(self):
        """The number of elements (``x.numel()``)."""
        return self.numel()

    def is_floating_point(self):
        """True for a floating-point dtype."""
        return self.dtype.kind == "f"

    def type_as(self, other):
        """A copy with ``other``'s dtype."""
        return self.astype(other.dtype)

    # ------------------------------------------------------------ elementwise math
    def tan(self):
        return F.tan(self)

    def asin(self):
        return F.asin(self)

    def acos(self):
        return F.acos(self)

    def atan(self):
        return F.atan(self)

    def atan2(self, other):
        return F.atan2(self, other)

    def sinh(self):
        return F.sinh(self)

    def cosh(self):
        return F.cosh(self)

    def asinh(self):
        return F.asinh(self)

    def acosh(self):
        return F.acosh(self)

    def atanh(self):
        return F.atanh(self)

    arcsin, arccos, arctan, arctan2, arcsinh, arccosh, arctanh = asin, acos, atan, atan2, asinh, acosh, atanh

    def exp2(self):
        return F.exp2(self)

    def expm1(self):
        return F.expm1(self)

    def log2(self):
        return F.log2(self)

    def log10(self):
        return F.log10(self)

    def log1p(self):
        return F.log1p(self)

    def rsqrt(self):
        return F.rsqrt(self)

    def erf(self):
        return F.erf(self)

    def logaddexp(self, other):
        return F.logaddexp(self, other)

    def floor(self):
        return F.floor(self)

    def ceil(self):
        return F.ceil(self)

    def round(self, decimals=0):
        return F.round(self, decimals)

    def trunc(self):
        return F.trunc(self)

    def sign(self):
        return F.sign(self)

    def fmod(self, other):
        return F.fmod(self, other)

    def remainder(self, other):
        return F.remainder(self, other)

    def floor_divide(self, other):
        return F.floor_divide(self, other)

    def lerp(self, end, weight):
        return F.lerp(self, end, weight)

    def __mod__(self, other):
        """x % y: the remainder with the sign of y (as Python and PyTorch)"""
        return F.remainder(self, other)

    def __rmod__(self, other):
        """y % x"""
        return F.remainder(other, self)

    def __floordiv__(self, other):
        """x // y: floor(x / y); the gradient is 0"""
        return F.floor_divide(self, other)

    def __rfloordiv__(self, other):
        """y // x"""
        return F.floor_divide(other, self)

    # ------------------------------------------------------------ tests and logic
    def isnan(self):
        return F.isnan(self)

    def isinf(self):
        return F.isinf(self)

    def isfinite(self):
        return F.isfinite(self)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return F.isclose(self, other, rtol, atol, equal_nan)

    def logical_and(self, other):
        return F.logical_and(self, other)

    def logical_or(self, other):
        return F.logical_or(self, other)

    def logical_xor(self, other):
        return F.logical_xor(self, other)

    def logical_not(self):
        return F.logical_not(self)

    def __and__(self, other):
        """a & b: True where both are (bool tensors); bitwise for integers"""
        return _bitwise("bitwise_and", self, other)

    def __rand__(self, other):
        """b & a"""
        return _bitwise("bitwise_and", other, self)

    def __or__(self, other):
        """a | b: True where either is (bool tensors); bitwise for integers"""
        return _bitwise("bitwise_or", self, other)

    def __ror__(self, other):
        """b | a"""
        return _bitwise("bitwise_or", other, self)

    def __xor__(self, other):
        """a ^ b: True where exactly one is (bool tensors); bitwise for integers"""
        return _bitwise("bitwise_xor", self, other)

    def __rxor__(self, other):
        """b ^ a"""
        return _bitwise("bitwise_xor", other, self)

    def __invert__(self):
        """~a: logical not of a bool tensor; bitwise not for integers"""
        return _bitwise("invert", self)

    # ------------------------------------------------------------ reductions and scans
    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return F.prod(self, dim, keepdim, dtype=dtype)

    def amax(self, dim=(), keepdim=False):
        return F.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return F.amin(self, dim, keepdim)

    def cumsum(self, dim, dtype=None):
        return F.cumsum(self, dim, dtype)

    def cumprod(self, dim, dtype=None):
        return F.cumprod(self, dim, dtype)

    def cummax(self, dim):
        return F.cummax(self, dim)

    def cummin(self, dim):
        return F.cummin(self, dim)

    def logcumsumexp(self, dim):
        return F.logcumsumexp(self, dim)

    def sort(self, dim=-1, descending=False, stable=False):
        return F.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return F.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return F.topk(self, k, dim, largest, sorted)

    def median(self, dim=None, keepdim=False):
        return F.median(self, dim, keepdim)

    # ------------------------------------------------------------ shape and indexing
    def flip(self, *dims):
        return F.flip(self, dims[0] if len(dims) == 1 else dims)

    def roll(self, shifts, dims=None):
        return F.roll(self, shifts, dims)

    def repeat(self, *sizes):
        return F.repeat(self, *sizes)

    def repeat_interleave(self, repeats, dim=None):
        return F.repeat_interleave(self, repeats, dim)

    def split(self, split_size, dim=0):
        return F.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return F.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return F.unbind(self, dim)

    def unflatten(self, dim, sizes):
        return F.unflatten(self, dim, sizes)

    def movedim(self, source, destination):
        return F.movedim(self, source, destination)

    moveaxis = movedim

    def diag(self, diagonal=0):
        return F.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return F.diagonal(self, offset, dim1, dim2)

    def tril(self, diagonal=0):
        return F.tril(self, diagonal)

    def triu(self, diagonal=0):
        return F.triu(self, diagonal)

    def gather(self, dim, index):
        return F.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None):
        return F.scatter(self, dim, index, src, value=value)

    def scatter_add(self, dim, index, src):
        return F.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return F.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return F.masked_fill(self, mask, value)

    def masked_select(self, mask):
        return F.masked_select(self, mask)

    def nonzero(self, *, as_tuple=False):
        return F.nonzero(self, as_tuple=as_tuple)

    def expand_as(self, other):
        """This tensor broadcast to ``other``'s shape."""
        return F.broadcast_to(self, other.shape)

    def view_as(self, other):
        """This tensor reshaped to ``other``'s shape."""
        return F.reshape(self, other.shape)


def bind(functional):
    """Point the methods at ``autograd.functional`` (called by ``autograd/__init__.py`` once it is complete),
    and give each method without a docstring its function's, so ``help(x.cumsum)`` shows the math."""
    global F
    F = functional
    for name, method in vars(TensorMethods).items():
        target = getattr(functional, name, None)
        if callable(method) and method.__doc__ is None and target is not None:
            method.__doc__ = target.__doc__


def _bitwise(name, a, b=None):
    from .ops.logical import bitwise

    return bitwise(name, a, b)
